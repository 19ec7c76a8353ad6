"""Login throttling (django-axes, tracker/login.py) on both login pages. Issue 12: 100 wrong passwords at
about 3/s on both pages, then the right one was accepted."""
from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.tracker.workflow import PASSWORD, department_user, office_user
from tracker.models import LoginLockout

pytestmark = pytest.mark.django_db

PAGES = {"portal": "/portal/login/", "admin": "/admin/login/"}


@pytest.fixture(autouse=True)
def throttled(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.LOGIN_FAILURE_LIMITS = {"username": 8, "ip_address": 12}
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


@pytest.fixture
def users():
    office = office_user()
    unit, _ = department_user(username="unit_a", department_name="市教育局")
    other, _ = department_user(username="unit_b", department_name="市卫生健康委")
    return {"office": office, "unit": unit, "other": other}


def _login(page: str, username: str, password: str, ip: str = "10.0.0.1") -> tuple[Client, object]:
    client = Client(REMOTE_ADDR=ip)
    response = client.post(PAGES[page], {"username": username, "password": password, "next": "/portal/"})
    return client, response


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _fail(page: str, username: str, times: int, ip: str = "10.0.0.1") -> object:
    response = None
    for _ in range(times):
        _, response = _login(page, username, "wrong-password", ip)
    return response


@pytest.mark.parametrize("page,who", [("portal", "unit"), ("admin", "office")])
def test_five_wrong_passwords_lock_the_login_and_the_right_one_is_refused(users, page, who):
    username = users[who].username
    assert _fail(page, username, 4).status_code == 200  # the form again, "wrong password"
    locked = _fail(page, username, 1)
    assert locked.status_code == 429
    assert "登录失败次数过多，请在 15 分钟后再试" in locked.content.decode()
    client, response = _login(page, username, PASSWORD)
    assert response.status_code == 429 and not _logged_in(client)
    assert "登录失败次数过多" in response.content.decode()


@pytest.mark.parametrize("page,who", [("portal", "unit"), ("admin", "office")])
def test_the_right_password_is_accepted_after_the_cool_off(users, page, who):
    username = users[who].username
    with time_machine.travel(timezone.now(), tick=False) as clock:
        _fail(page, username, 5)
        clock.shift(timedelta(minutes=10))
        client, response = _login(page, username, PASSWORD)
        assert not _logged_in(client)
        assert "请在 5 分钟后再试" in response.content.decode()  # the wait left, not the whole cool-off
        clock.shift(timedelta(minutes=5, seconds=1))
        client, response = _login(page, username, PASSWORD)
        assert response.status_code == 302 and _logged_in(client)


def test_other_users_and_other_addresses_are_not_locked(users):
    _fail("portal", "unit_a", 5, ip="10.0.0.1")
    client, _ = _login("portal", "unit_b", PASSWORD, ip="10.0.0.1")
    assert _logged_in(client)  # another user behind the same address (one office NAT)
    client, _ = _login("portal", "unit_a", PASSWORD, ip="10.0.0.2")
    assert _logged_in(client)  # the same user from another address


def test_one_user_guessed_from_many_addresses_is_locked(users):
    for n in range(8):
        _fail("portal", "unit_a", 1, ip=f"10.1.0.{n}")
    client, response = _login("portal", "unit_a", PASSWORD, ip="10.1.0.99")
    assert response.status_code == 429 and not _logged_in(client)


def test_one_address_guessing_many_users_is_locked(users):
    for n in range(12):
        _fail("portal", f"nobody{n}", 1, ip="10.2.0.1")
    client, response = _login("portal", "unit_b", PASSWORD, ip="10.2.0.1")
    assert response.status_code == 429 and not _logged_in(client)
    client, _ = _login("portal", "unit_b", PASSWORD, ip="10.2.0.2")
    assert _logged_in(client)


def test_the_office_unlocks_a_user_in_the_admin(users):
    _fail("portal", "unit_a", 5)
    office = Client()
    office.force_login(users["office"])
    changelist = reverse("admin:tracker_loginlockout_changelist")
    page = office.get(changelist).content.decode()
    assert "unit_a" in page and "已锁定" in page
    locked = LoginLockout.objects.filter(username="unit_a")
    office.post(changelist, {"action": "unlock_selected", ACTION_CHECKBOX_NAME: [str(p) for p in
                                                                                 locked.values_list("pk", flat=True)]})
    assert not locked.exists()
    client, _ = _login("portal", "unit_a", PASSWORD)
    assert _logged_in(client)


def test_a_successful_login_clears_earlier_failures(users):
    _fail("portal", "unit_a", 4)
    client, _ = _login("portal", "unit_a", PASSWORD)
    assert _logged_in(client)
    assert _fail("portal", "unit_a", 4).status_code == 200  # counting starts again
