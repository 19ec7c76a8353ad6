"""Robot URLs (with their access token) and DingTalk secrets are write-only for the office: masked on its
form, kept when the field is left blank, never shown to managers or departments, never in any page,
export, history page, reminder log or error report."""
from __future__ import annotations

import sys
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.views.debug import ExceptionReporter

from tests.security.conftest import logged_in
from tests.security.walk import body, crawl, fill, page_forms, routes
from tests.security.world import ROBOT_SECRET, ROBOT_TOKEN, ROBOT_URL
from tracker.models import Department
from tracker.secrets import secret_mask, url_secrets_redact
from tracker.services import notifications

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    return logged_in(user)


def _department_form(client: Client, department: Department) -> tuple[str, dict[str, Any], str]:
    url = reverse("admin:tracker_department_change", args=[department.pk])
    html = client.get(url).content.decode()
    form = next(f for f in page_forms(html, f"http://testserver{url}") if "webhook_kind" in f.data)
    return url, form.payload(), html


def test_the_office_sees_only_a_mask_and_a_blank_field_keeps_the_stored_values(world):
    office = _client(world.office)
    url, payload, html = _department_form(office, world.unit_b)
    assert ROBOT_TOKEN not in html and ROBOT_SECRET not in html
    assert secret_mask(ROBOT_URL) in html and secret_mask(ROBOT_SECRET) in html
    assert secret_mask(ROBOT_URL) == "••••" + ROBOT_URL[-4:]
    assert payload["webhook_url"] == "" and payload["webhook_secret"] == ""
    payload["contact_email"] = "weijian@example.gov.cn"
    assert office.post(url, payload).status_code == 302
    world.unit_b.refresh_from_db()
    assert (world.unit_b.webhook_url, world.unit_b.webhook_secret) == (ROBOT_URL, ROBOT_SECRET)
    assert world.unit_b.contact_email == "weijian@example.gov.cn"


def test_the_office_replaces_and_clears_the_robot(world):
    office = _client(world.office)
    url, payload, _ = _department_form(office, world.unit_b)
    payload.update(webhook_url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=new-key-5678",
                   webhook_kind="wecom")
    assert office.post(url, payload).status_code == 302
    world.unit_b.refresh_from_db()
    assert world.unit_b.webhook_url.endswith("new-key-5678") and world.unit_b.webhook_secret == ROBOT_SECRET
    url, payload, _ = _department_form(office, world.unit_b)
    payload["webhook_clear"] = "on"
    assert office.post(url, payload).status_code == 302
    world.unit_b.refresh_from_db()
    assert (world.unit_b.webhook_url, world.unit_b.webhook_secret) == ("", "")


def test_the_manager_sees_that_a_robot_is_set_up_but_not_its_address(world):
    """Issue 12: the manager read the access_token and the DingTalk secret on a department's page."""
    html = _client(world.manager).get(reverse("admin:tracker_department_change", args=[world.unit_b.pk])) \
        .content.decode()
    assert "已设置（已加签）" in html
    for secret in (ROBOT_TOKEN, ROBOT_SECRET, secret_mask(ROBOT_URL), secret_mask(ROBOT_SECRET)):
        assert secret not in html


def test_no_page_export_or_history_shows_a_robot_credential_to_anyone(world):
    pages = 0
    admin_urls = [url for route in routes() if route.is_admin for url in fill(route, ids=[world.unit_b.pk], slugs={})]
    for user in (world.office, world.manager, world.user_a, world.user_b):
        client = _client(user)
        visited = [client.get(url) for url in admin_urls] if user.is_staff else []
        visited += [response for _path, response in crawl(client, ["/portal/"], prefix="/portal/")]
        for response in visited:
            content = body(response)
            assert ROBOT_TOKEN.encode() not in content and ROBOT_SECRET.encode() not in content
            pages += 1
    assert pages > 100


def test_robot_errors_recorded_in_the_reminder_log_carry_no_token(monkeypatch):
    url = f"{ROBOT_URL}&timestamp=1&sign=abcdef"
    monkeypatch.setattr(notifications, "_post_json", lambda *a: {"errcode": 310000, "errmsg": f"sign not match: {url}"})
    with pytest.raises(notifications.DeliveryError) as error:
        notifications.webhook_send(url=ROBOT_URL, kind="dingtalk", secret=ROBOT_SECRET, text="提醒", sleep=lambda s: None)
    assert "310000" in str(error.value) and ROBOT_TOKEN not in str(error.value) and "abcdef" not in str(error.value)
    assert url_secrets_redact("https://x/send?key=abc&v=1") == "https://x/send?key=••••&v=1"


def test_an_error_report_from_a_robot_delivery_hides_the_url_and_secret(monkeypatch, settings):
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("proxy refused")

    monkeypatch.setattr(notifications.urllib.request, "urlopen", refuse)
    try:
        notifications.webhook_send(url=ROBOT_URL, kind="dingtalk", secret=ROBOT_SECRET, text="提醒",
                                   sleep=lambda s: None)
    except RuntimeError:
        report = ExceptionReporter(None, *sys.exc_info()).get_traceback_text()
    assert "proxy refused" in report and "webhook_send" in report
    assert ROBOT_TOKEN not in report and ROBOT_SECRET not in report
