"""The 督办 cycle per unit in a real browser: the office assigns a task to two co-lead units; each signs,
reports and asks for completion on its own (one on a phone, one on a desktop); the office accepts one and
sends the other back; the task shows 1/2 单位已办结. A unit is refused another unit's task. Screenshots at
1366×768 and 390×844 go to tests/artifacts/ (git-ignored)."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from tests.tracker.workflow import department_user, lead_of, office_user, workflow_task
from tracker.models import Assignment, Task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-browser-123"
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


def _login(browser: Any, base_url: str, username: str, viewport: dict[str, int]) -> Any:
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{base_url}/portal/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/portal/")
    return page


def _submit(page: Any, name: str) -> None:
    page.click(f"button[name={name}]")
    page.wait_for_selector(".msg-success")


def _unit_status(page: Any, part: Assignment) -> str:
    return page.inner_text(f"#unit-{part.pk} .unit-status").split()[0]


def _shots(page: Any, artifacts: Path, name: str) -> None:
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)


def test_two_co_lead_units_and_the_office(chromium: Any, live_server: Any, artifacts: Path) -> None:
    for group in ("督查室", "承办单位", "领导"):
        Group.objects.get_or_create(name=group)
    office_user(username="office", password=PASSWORD)
    _, roads = department_user(username="dept_a", department_name="市交通运输局", password=PASSWORD)
    _, housing = department_user(username="dept_b", department_name="市住房和城乡建设局", password=PASSWORD)
    _, water = department_user(username="dept_c", department_name="市水务局", password=PASSWORD)
    due = timezone.localdate() + timedelta(days=30)
    task = workflow_task(lead=roads, co_leads=(housing,), status=Task.Status.PENDING_REVIEW, due_on=due,
                         text="加快推进城区道路和老旧小区改造工程，2030年底前全面完成。（市交通运输局、市住房和城乡建设局牵头）")
    other = workflow_task(lead=water, status=Task.Status.ASSIGNED, due_on=due, text="完善城市排水防涝设施。（市水务局牵头）")
    url = f"{live_server.url}/portal/tasks/{task.pk}/"

    # The office assigns: both co-leads are in the check list, ticked.
    office = _login(chromium, live_server.url, "office", DESKTOP)
    office.goto(url)
    assert office.inner_text("#task-status") == "待审核"
    units = office.inner_text("#form-assign")
    assert "市交通运输局（牵头）" in units and "市住房和城乡建设局（牵头）" in units
    _submit(office, "submit-assign")
    assert office.inner_text("#task-status") == "已交办"
    part_a, part_b = lead_of(task, roads), lead_of(task, housing)

    # Unit A on a phone: signs, reports, asks for completion with evidence.
    unit_a = _login(chromium, live_server.url, "dept_a", PHONE)
    assert "加快推进城区道路" in unit_a.inner_text("#inbox-sign")  # the workbench: 待签收
    assert "完善城市排水防涝设施" not in unit_a.inner_text("body")
    unit_a.goto(url)
    assert unit_a.locator(f"button[name=submit-sign-{part_b.pk}]").count() == 0  # never the co-lead's part
    _submit(unit_a, f"submit-sign-{part_a.pk}")
    assert _unit_status(unit_a, part_a) == "已签收" and _unit_status(unit_a, part_b) == "已交办"
    assert unit_a.inner_text("#task-status") == "已交办"  # the task waits for both units
    unit_a.fill(f"#id_report-{part_a.pk}-text", "已完成施工图设计和招标，3条主干道已开工，完成投资1.2亿元。")
    unit_a.fill(f"#id_report-{part_a.pk}-percent", "60")
    _submit(unit_a, f"submit-report-{part_a.pk}")
    assert _unit_status(unit_a, part_a) == "办理中"
    unit_a.fill(f"#id_completion_request-{part_a.pk}-text", "全部道路改造已完工并通过竣工验收，验收报告见附件。")
    unit_a.set_input_files(f"#id_completion_request-{part_a.pk}-files", files=[{
        "name": "道路验收报告.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 acceptance report"}])
    _submit(unit_a, f"submit-completion_request-{part_a.pk}")
    assert _unit_status(unit_a, part_a) == "申请办结"
    assert unit_a.locator(f"button[name=submit-accept-{part_a.pk}]").count() == 0  # never accepts its own
    _shots(unit_a, artifacts, "units_01_unit_a_phone_390x844")

    # Unit B on a desktop, on its own.
    unit_b = _login(chromium, live_server.url, "dept_b", DESKTOP)
    unit_b.goto(url)
    _submit(unit_b, f"submit-sign-{part_b.pk}")
    unit_b.fill(f"#id_report-{part_b.pk}-text", "已完成12个老旧小区的入户摸底和设计方案，开工5个。")
    unit_b.fill(f"#id_report-{part_b.pk}-percent", "70")
    _submit(unit_b, f"submit-report-{part_b.pk}")
    unit_b.fill(f"#id_completion_request-{part_b.pk}-text", "老旧小区改造已全部完工，附现场照片。")
    _submit(unit_b, f"submit-completion_request-{part_b.pk}")
    assert unit_b.inner_text("#task-status") == "申请办结"
    _shots(unit_b, artifacts, "units_02_unit_b_desktop_1366x768")

    # The office accepts A and sends B back with its reason: 1/2 单位已办结.
    office.goto(url)
    assert "道路验收报告.pdf" in office.inner_text("body")
    office.check(f"#form-accept-{part_a.pk} input[value=good]")  # 办结评价: 良好
    office.fill(f"#id_accept-{part_a.pk}-note", "材料齐全，同意办结。")
    _submit(office, f"submit-accept-{part_a.pk}")
    office.fill(f"#id_send_back-{part_b.pk}-reason", "缺少竣工验收报告，请补充后再申请。")
    _submit(office, f"submit-send_back-{part_b.pk}")
    assert _unit_status(office, part_a) == "已办结" and _unit_status(office, part_b) == "办理中"
    assert office.inner_text("#done-share") == "1/2 单位已办结"
    assert office.inner_text("#task-status") == "办理中"
    history = office.inner_text("ol.history")
    assert "办结确认 · 市交通运输局" in history and "退办 · 市住房和城乡建设局" in history
    assert "缺少竣工验收报告" in history
    _shots(office, artifacts, "units_03_office_desktop_1366x768")
    office.set_viewport_size(PHONE)
    _shots(office, artifacts, "units_04_office_phone_390x844")

    # The office's list shows the share per task.
    office.goto(f"{live_server.url}/portal/tasks/")
    row = office.locator("table.tasks tr", has_text="加快推进城区道路")
    assert row.locator("td.done-share").inner_text() == "1/2"
    _shots(office, artifacts, "units_05_office_list_phone_390x844")

    # Unit B sees its part sent back, with the reason, and may ask again; unit A guessing another task: 404.
    unit_b.goto(url)
    assert "缺少竣工验收报告" in unit_b.inner_text("body")
    assert unit_b.locator(f"button[name=submit-completion_request-{part_b.pk}]").count() == 1
    response = unit_a.goto(f"{live_server.url}/portal/tasks/{other.pk}/")
    assert response is not None and response.status == 404
    assert "完善城市排水防涝设施" not in unit_a.content()

    task.refresh_from_db()
    assert task.status == Task.Status.IN_PROGRESS
    assert sorted(task.assignments.values_list("status", flat=True)) == ["accepted", "in_progress"]
