"""OpenID Connect login against a fake OP: redirect → sign in → callback → logged in, then logout."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from tests.tracker.sso.conftest import LOCAL
from tests.tracker.sso.providers import CLIENT_ID, CLIENT_SECRET, ISSUER, FakeOIDCProvider, _rsa_key
from tests.tracker.workflow import PASSWORD, department_user, office_user
from tracker.models import DepartmentMembership

pytestmark = pytest.mark.django_db

OIDC = "tracker.sso.oidc.OIDCBackend"
User = get_user_model()


@pytest.fixture
def op():
    return FakeOIDCProvider()


@pytest.fixture
def oidc_on(settings, op):
    settings.OIDC_ENABLED = True
    settings.AUTHENTICATION_BACKENDS = [LOCAL, OIDC]
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    for name, url in op.endpoints.items():
        setattr(settings, name, url)
    settings.OIDC_ROLES_CLAIM = "groups"
    settings.OIDC_DEPARTMENTS_CLAIM = "units"
    settings.OIDC_ROLE_MAP = {"office": ["duban-office"], "manager": ["duban-leader"], "unit": ["duban-unit"]}
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        op.register(mock)
        yield mock


def sign_in(client: Client, op: FakeOIDCProvider, claims: dict, *, next_url: str = "/portal/", nonce: str | None = None):
    """The browser's round trip: our login button → the OP → our callback. Returns the callback's response."""
    start = client.get("/oidc/authenticate/", {"next": next_url})
    assert start.status_code == 302
    return client.get(op.sign_in(start["Location"], claims, nonce=nonce))


def claims(**extra):
    return {"sub": "u-1001", "preferred_username": "zhangsan", "name": "张三", "email": "zhangsan@example.gov.cn",
            "email_verified": True, **extra}


def test_login_page_offers_the_organisation_login(oidc_on):
    page = Client().get("/portal/login/?next=/portal/tasks/1/").content.decode()
    assert "使用统一身份认证登录" in page
    assert 'href="/oidc/authenticate/?next=%2Fportal%2Ftasks%2F1%2F"' in page
    admin_page = Client().get("/admin/login/?next=/admin/").content.decode()
    assert 'href="/oidc/authenticate/?next=%2Fadmin%2F"' in admin_page


def test_authorize_request_carries_state_nonce_and_pkce(oidc_on):
    start = Client().get("/oidc/authenticate/")
    query = parse_qs(urlsplit(start["Location"]).query)
    assert start["Location"].startswith(f"{ISSUER}/authorize?")
    assert query["redirect_uri"] == ["http://testserver/oidc/callback/"]
    assert query["scope"] == ["openid email profile"]
    assert query["code_challenge_method"] == ["S256"] and query["state"] and query["nonce"]


def test_first_login_creates_the_user_with_roles_and_units_from_claims(oidc_on, op, units):
    education, health = units
    client = Client()
    done = sign_in(client, op, claims(groups=["duban-unit", "other-app"], units=["教育局", "市卫健委", "不存在的局"]))
    assert done.status_code == 302 and done["Location"] == "/portal/"
    user = User.objects.get(username="zhangsan")
    assert (user.first_name, user.email, user.has_usable_password()) == ("张三", "zhangsan@example.gov.cn", False)
    assert set(user.groups.values_list("name", flat=True)) == {"承办单位"}
    assert not user.is_staff
    assert set(DepartmentMembership.objects.filter(user=user).values_list("department_id", flat=True)) == {
        education.pk, health.pk}
    assert client.session["_auth_user_backend"] == OIDC
    assert client.get("/portal/").status_code == 200
    # the code went back to the OP with the client's credentials and the PKCE verifier
    (token_request,) = op.token_requests
    assert token_request["grant_type"] == ["authorization_code"] and token_request["code_verifier"][0]


def test_existing_local_user_is_matched_by_username_and_keeps_office_roles_without_claims(oidc_on, op, settings):
    settings.OIDC_ROLES_CLAIM = ""
    settings.OIDC_DEPARTMENTS_CLAIM = ""
    user, unit = department_user(username="zhangsan", department_name="市水务局")
    sign_in(Client(), op, claims(groups=["duban-office"]))
    assert User.objects.filter(username="zhangsan").count() == 1
    user.refresh_from_db()
    assert user.first_name == "张三"
    assert set(user.groups.values_list("name", flat=True)) == {"承办单位"}  # left to the office
    assert list(DepartmentMembership.objects.filter(user=user).values_list("department_id", flat=True)) == [unit.pk]
    assert user.check_password(PASSWORD)  # the local password still works


def test_roles_follow_the_provider_at_every_login(oidc_on, op):
    sign_in(Client(), op, claims(groups=["duban-office"]))
    user = User.objects.get(username="zhangsan")
    assert set(user.groups.values_list("name", flat=True)) == {"督查室"} and user.is_staff
    sign_in(Client(), op, claims(groups=["duban-leader"]))
    user.refresh_from_db()
    assert set(user.groups.values_list("name", flat=True)) == {"领导"} and user.is_staff
    sign_in(Client(), op, claims(groups=["duban-unit"]))
    user.refresh_from_db()
    assert set(user.groups.values_list("name", flat=True)) == {"承办单位"} and not user.is_staff
    # A claim the provider leaves out says nothing: roles stay as they are.
    sign_in(Client(), op, {k: v for k, v in claims().items()})
    assert set(user.groups.values_list("name", flat=True)) == {"承办单位"}


def test_other_groups_of_the_user_are_not_touched(oidc_on, op):
    user = User.objects.create_user("zhangsan")
    user.groups.add(Group.objects.create(name="台账导出"))
    sign_in(Client(), op, claims(groups=[]))
    assert set(user.groups.values_list("name", flat=True)) == {"台账导出"}


def test_match_by_email_finds_the_account_whatever_its_username(oidc_on, op, settings):
    settings.OIDC_MATCH_USERS_BY = "email"
    office = office_user(username="office")
    client = Client()
    sign_in(client, op, claims(preferred_username="z.san", email="OFFICE@example.gov.cn"))
    assert client.session["_auth_user_id"] == str(office.pk)
    assert not User.objects.filter(username="z.san").exists()


def test_unverified_email_is_refused_when_matching_by_email(oidc_on, op, settings):
    settings.OIDC_MATCH_USERS_BY = "email"
    office_user(username="office")
    client = Client()
    done = sign_in(client, op, claims(email="office@example.gov.cn", email_verified=False))
    assert done["Location"] == "/portal/login/?sso=failed"
    assert "_auth_user_id" not in client.session
    page = client.get(done["Location"]).content.decode()
    assert "统一身份认证登录未成功" in page


def test_email_match_never_takes_over_another_account_by_username(oidc_on, op, settings):
    settings.OIDC_MATCH_USERS_BY = "email"
    User.objects.create_user("zhangsan", email="someone-else@example.gov.cn")
    client = Client()
    done = sign_in(client, op, claims())
    assert done["Location"] == "/portal/login/?sso=failed"
    assert User.objects.get(username="zhangsan").email == "someone-else@example.gov.cn"


def test_unknown_users_are_refused_when_creation_is_off(oidc_on, op, settings):
    settings.OIDC_CREATE_USER = False
    done = sign_in(Client(), op, claims())
    assert done["Location"] == "/portal/login/?sso=failed"
    assert not User.objects.filter(username="zhangsan").exists()


def test_id_token_signed_with_an_unpublished_key_is_refused(oidc_on, op):
    op.sign_with = _rsa_key()
    client = Client()
    done = sign_in(client, op, claims())
    assert done["Location"] == "/portal/login/?sso=failed"
    assert "_auth_user_id" not in client.session and not User.objects.filter(username="zhangsan").exists()


def test_replayed_nonce_is_refused(oidc_on, op):
    client = Client()
    done = sign_in(client, op, claims(), nonce="not-the-one-we-sent")
    assert done["Location"] == "/portal/login/?sso=failed"
    assert "_auth_user_id" not in client.session and not User.objects.filter(username="zhangsan").exists()


def test_unreachable_provider_sends_the_user_back_with_a_message(oidc_on, op):
    oidc_on.replace(responses.POST, f"{ISSUER}/token", body=requests.exceptions.ConnectionError("connection refused"))
    done = sign_in(Client(), op, claims())
    assert done["Location"] == "/portal/login/?sso=failed"


def test_inactive_user_cannot_sign_in(oidc_on, op):
    User.objects.create_user("zhangsan", is_active=False)
    client = Client()
    done = sign_in(client, op, claims())
    assert done["Location"] == "/portal/login/?sso=failed" and "_auth_user_id" not in client.session


def test_password_form_never_starts_a_token_exchange(oidc_on, op):
    office_user(username="office")
    client = Client()
    bad = client.post("/portal/login/?code=x&state=y", {"username": "office", "password": "wrong"})
    assert bad.status_code == 200 and op.token_requests == []
    good = client.post("/portal/login/", {"username": "office", "password": PASSWORD})
    assert good.status_code == 302 and client.session["_auth_user_backend"] == LOCAL


def test_logout_ends_the_session_here_and_at_the_provider(oidc_on, op):
    client = Client()
    sign_in(client, op, claims())
    id_token = client.session["oidc_id_token"]
    out = client.post("/portal/logout/")
    target = urlsplit(out["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{ISSUER}/logout"
    assert parse_qs(target.query) == {
        "post_logout_redirect_uri": ["http://testserver/portal/login/"], "client_id": [CLIENT_ID],
        "id_token_hint": [id_token]}
    assert client.get("/portal/")["Location"].startswith("/portal/login/")


def test_logout_of_a_local_session_stays_local_with_oidc_on(oidc_on):
    office_user(username="office")
    client = Client()
    client.login(username="office", password=PASSWORD)
    assert client.post("/portal/logout/")["Location"] == "/portal/login/"
