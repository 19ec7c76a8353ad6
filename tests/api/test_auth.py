"""Tokens: obtained with a username and password, throttled like the login pages (django-axes), revoked by
DELETE; `me` says who the caller is; session callers need the CSRF token on writes, token callers do not."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.api.conftest import lead, token_client
from tests.tracker.workflow import PASSWORD
from tracker.models import Assignment, LoginLockout

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture
def throttled(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.LOGIN_FAILURE_LIMITS = {"username": 8, "ip_address": 12}
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


def _token(username: str, password: str, ip: str = "10.0.0.1"):
    return APIClient(REMOTE_ADDR=ip).post(TOKEN_URL, {"username": username, "password": password}, format="json")


def test_the_right_password_gives_the_users_token_and_it_authenticates(people):
    response = _token("api_a", PASSWORD)
    assert response.status_code == 200
    key = response.json()["token"]
    assert key == Token.objects.get(user=people.user_a).key
    assert _token("api_a", PASSWORD).json()["token"] == key  # one token per user, the same again
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    me = client.get("/api/v1/me/").json()
    assert me == {"username": "api_a", "name": "api_a", "roles": ["unit"], "role_labels": ["承办单位"],
                  "departments": [{"id": people.unit_a.pk, "name": "市教育局"}]}


def test_a_wrong_password_is_refused_in_chinese(people):
    response = _token("api_a", "wrong-password")
    assert response.status_code == 400
    assert response.json() == {"detail": "用户名或密码不正确，请重新输入。"}
    assert not Token.objects.filter(user=people.user_a).exists()


def test_an_inactive_user_gets_no_token(people):
    people.user_a.is_active = False
    people.user_a.save(update_fields=["is_active"])
    assert _token("api_a", PASSWORD).status_code == 400


def test_failures_count_toward_the_lockout_and_a_locked_user_gets_429_even_with_the_right_password(people, throttled):
    for _ in range(4):
        assert _token("api_a", "wrong-password").status_code == 400
    assert LoginLockout.objects.filter(username="api_a").exists()  # the failures are axes' own records
    locked = _token("api_a", "wrong-password")
    assert locked.status_code == 429
    assert locked.json()["detail"].startswith("登录失败次数过多，请在 ") and "分钟后再试" in locked.json()["detail"]
    right = _token("api_a", PASSWORD)
    assert right.status_code == 429 and "登录失败次数过多" in right.json()["detail"]
    assert not Token.objects.filter(user=people.user_a).exists()
    # Another user from another address is not locked by it.
    assert _token("api_b", PASSWORD, ip="10.0.0.2").status_code == 200


def test_the_login_page_and_the_token_endpoint_share_one_count(people, throttled):
    client = Client(REMOTE_ADDR="10.0.0.1")
    for _ in range(3):
        assert client.post("/portal/login/", {"username": "api_a", "password": "x"}).status_code == 200
    assert _token("api_a", "wrong").status_code == 400
    assert _token("api_a", "wrong").status_code == 429
    assert client.post("/portal/login/", {"username": "api_a", "password": PASSWORD}).status_code == 429


def test_revoking_the_token_ends_it(people):
    client = token_client(people.user_a)
    assert client.get("/api/v1/me/").status_code == 200
    assert client.delete(TOKEN_URL).status_code == 204
    assert not Token.objects.filter(user=people.user_a).exists()
    assert client.get("/api/v1/me/").status_code == 401


def test_no_credentials_is_401_with_the_token_challenge(people):
    response = APIClient().get("/api/v1/tasks/")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
    assert response.json()["detail"] == "身份认证信息未提供。"


def test_me_names_roles_for_office_and_manager(people):
    assert token_client(people.office).get("/api/v1/me/").json()["roles"] == ["office"]
    assert token_client(people.manager).get("/api/v1/me/").json()["role_labels"] == ["领导"]


def test_a_session_write_needs_the_csrf_token_and_a_token_write_does_not(people):
    part = lead(people.task_a)
    session = APIClient(enforce_csrf_checks=True)
    session.force_login(people.user_a)
    assert session.get(f"/api/v1/assignments/{part.pk}/").status_code == 200  # reads need none
    refused = session.post(f"/api/v1/assignments/{part.pk}/sign/", {}, format="json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    part.refresh_from_db()
    assert part.status == Assignment.Status.ASSIGNED
    page = Client()
    page.force_login(people.user_a)
    page.get("/portal/")  # the portal sets the CSRF cookie a browser would send back
    session.cookies["csrftoken"] = page.cookies["csrftoken"].value
    ok = session.post(f"/api/v1/assignments/{part.pk}/sign/", {}, format="json",
                      HTTP_X_CSRFTOKEN=page.cookies["csrftoken"].value)
    assert ok.status_code == 200, ok.content
    token = token_client(people.user_b)
    token.handler.enforce_csrf_checks = True
    assert token.post(f"/api/v1/assignments/{lead(people.task_b).pk}/sign/", {}, format="json").status_code == 200
