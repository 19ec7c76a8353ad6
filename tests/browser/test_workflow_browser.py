"""The 督办 cycle in a real browser: office assigns → department signs, reports 50 %, requests
completion → office signs off; a department user is refused another department's task."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from tests.tracker.workflow import department_user, office_user, workflow_task
from tracker.models import Task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-browser-123"


def _login(browser: Any, base_url: str, username: str) -> Any:
    context = browser.new_context(viewport={"width": 412, "height": 915}, locale="zh-CN")  # a phone
    page = context.new_page()
    page.goto(f"{base_url}/portal/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/portal/")
    return page


def _status(page: Any) -> str:
    return page.inner_text("#task-status").strip()


def test_office_assigns_department_reports_and_office_signs_off(
    chromium: Any, live_server: Any, artifacts: Path
) -> None:
    for name in ("督查室", "承办单位", "领导"):
        Group.objects.get_or_create(name=name)
    office = office_user(username="office", password=PASSWORD)
    staff_a, dept_a = department_user(username="dept_a", department_name="市交通运输局", password=PASSWORD)
    staff_b, dept_b = department_user(username="dept_b", department_name="市水务局", password=PASSWORD)
    due = timezone.localdate() + timedelta(days=30)
    task = workflow_task(lead=dept_a, status=Task.Status.PENDING_REVIEW, due_on=due,
                         text="加快推进城区道路改造工程，2030年底前全面完成。（市交通运输局牵头）")
    other = workflow_task(lead=dept_b, status=Task.Status.ASSIGNED, due_on=due,
                          text="完善城市排水防涝设施。（市水务局牵头）")
    url = f"{live_server.url}/portal/tasks/{task.pk}/"

    office_page = _login(chromium, live_server.url, "office")
    office_page.goto(url)
    assert _status(office_page) == "待审核"
    office_page.click("button[name=submit-assign]")
    office_page.wait_for_selector(".msg-success")
    assert _status(office_page) == "已交办"
    office_page.screenshot(path=str(artifacts / "01_office_assigned.png"), full_page=True)

    dept_page = _login(chromium, live_server.url, "dept_a")
    assert "加快推进城区道路改造工程" in dept_page.inner_text("table.tasks")
    assert "完善城市排水防涝设施" not in dept_page.inner_text("body")
    dept_page.goto(url)
    dept_page.click("button[name=submit-sign]")
    dept_page.wait_for_selector(".msg-success")
    assert _status(dept_page) == "已签收"

    dept_page.fill("#id_report-text", "已完成施工图设计和招标，3条主干道已开工，完成投资1.2亿元。")
    dept_page.fill("#id_report-percent", "50")
    dept_page.click("button[name=submit-report]")
    dept_page.wait_for_selector(".msg-success")
    assert _status(dept_page) == "办理中"
    assert "50%" in dept_page.inner_text("dl.facts")
    dept_page.screenshot(path=str(artifacts / "02_department_reported.png"), full_page=True)

    dept_page.fill("#id_completion-text", "全部道路改造已完工并通过竣工验收，验收报告见附件。")
    dept_page.set_input_files("#id_completion-files", files=[{
        "name": "验收报告.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 acceptance report"}])
    dept_page.click("button[name=submit-completion]")
    dept_page.wait_for_selector(".msg-success")
    assert _status(dept_page) == "申请办结"
    assert dept_page.locator("button[name=submit-sign-off]").count() == 0  # never approves its own

    office_page.goto(url)
    assert "验收报告.pdf" in office_page.inner_text("body")
    office_page.click("button[name=submit-sign-off]")
    office_page.wait_for_selector(".msg-success")
    assert _status(office_page) == "已销号"
    office_page.screenshot(path=str(artifacts / "03_office_signed_off.png"), full_page=True)

    task.refresh_from_db()
    assert task.status == Task.Status.SIGNED_OFF
    assert task.signed_off_at is not None
    assert list(task.events.order_by("pk").values_list("action", flat=True)) == [
        "assign", "sign", "report", "completion_request", "sign_off",
    ]

    # Department A guesses department B's task id: refused.
    response = dept_page.goto(f"{live_server.url}/portal/tasks/{other.pk}/")
    assert response is not None and response.status == 404
    assert "完善城市排水防涝设施" not in dept_page.content()
    dept_page.screenshot(path=str(artifacts / "04_department_refused.png"), full_page=True)
    assert staff_a.pk != staff_b.pk and office.pk
