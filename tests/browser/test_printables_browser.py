"""Ratings and printables in a real browser: the office accepts a unit's completion with a rating, downloads the
task's 督办通知单 and the month's 督查通报 from the pages (file names checked, opened with python-docx); the
manager opens the 考评 on a phone; a unit is refused it. Screenshots at 1366×768 and 390×844 go to
var/screenshots/ (git-ignored)."""
from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import docx
import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from tests.browser.test_workflow_browser import DESKTOP, PASSWORD, PHONE, _login
from tests.tracker.workflow import department_user, lead_of, manager_user, office_user, workflow_task
from tracker.models import Task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def _shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _download(page: Any, selector: str) -> tuple[str, str]:
    """Click `selector`, wait for the download; (suggested file name, the .docx's text)."""
    with page.expect_download() as info:
        page.click(selector)
    download = info.value
    content = Path(download.path()).read_bytes()
    opened = docx.Document(io.BytesIO(content))
    cells = [cell.text for table in opened.tables for row in table.rows for cell in row.cells]
    return download.suggested_filename, "\n".join([p.text for p in opened.paragraphs] + cells)


def test_office_rates_and_prints_and_the_manager_reads_the_assessment(chromium: Any, live_server: Any) -> None:
    for group in ("督查室", "承办单位", "领导"):
        Group.objects.get_or_create(name=group)
    office_user(username="office", password=PASSWORD)
    manager_user(username="leader", password=PASSWORD)
    _, housing = department_user(username="dept_a", department_name="市住房和城乡建设局", password=PASSWORD)
    _, roads = department_user(username="dept_b", department_name="市交通运输局", password=PASSWORD)
    today = timezone.localdate()
    task = workflow_task(lead=housing, status=Task.Status.COMPLETION_REQUESTED, due_on=today + timedelta(days=20),
                         text="推进城区老旧小区改造，完成雨污分流和加装电梯。（市住房和城乡建设局牵头）")
    late = workflow_task(lead=roads, status=Task.Status.IN_PROGRESS, due_on=today - timedelta(days=6),
                         text="实施国道改线工程前期工作，完成可研批复。（市交通运输局牵头）")
    part = lead_of(task)
    url = f"{live_server.url}/portal/tasks/{task.pk}/"

    # The office accepts with a rating: the radio buttons, then the button.
    office = _login(chromium, live_server.url, "office", DESKTOP)
    office.goto(url)
    office.check(f"#form-accept-{part.pk} input[value=excellent]")
    office.fill(f"#id_accept-{part.pk}-note", "改造成效明显，佐证材料齐全。")
    _shot(office, "ratings_01_accept_form_1366")
    office.click(f"button[name=submit-accept-{part.pk}]")
    office.wait_for_selector(".msg-success")
    assert "已确认该单位办结并评价" in office.inner_text(".messages")
    assert "优秀" in office.inner_text(f"#unit-{part.pk} .unit-status")

    # The 督办通知单 from the task page.
    name, text = _download(office, "button[name=issue-notice]")
    assert name == f"督办通知单_督办〔{today.year}〕1号.docx"
    assert "市住房和城乡建设局" in text and f"督办〔{today.year}〕1号" in text and "老旧小区改造" in text
    office.reload()
    assert f"督办〔{today.year}〕1号" in office.inner_text("#printables")
    _shot(office, "ratings_02_task_page_1366")

    # The 催办通知单 of the late task, addressed to its unit.
    office.goto(f"{live_server.url}/portal/tasks/{late.pk}/")
    name, text = _download(office, "button[name=issue-urge-notice]")
    assert name == f"催办通知单_催办〔{today.year}〕1号.docx" and "市交通运输局" in text and "6天" in text

    # The 考评 and the month's 督查通报, from the portal's link.
    office.goto(f"{live_server.url}/portal/tasks/")
    office.click("#assessment-link")
    office.wait_for_selector("#assessment-table")
    row = office.inner_text(f"#assessment-{housing.pk}")
    assert "市住房和城乡建设局" in row and "100%" in row
    assert "1" in office.inner_text(f"#assessment-{roads.pk} .overdue")
    _shot(office, "ratings_03_assessment_1366")
    label = f"{today.year}年{today.month}月"
    name, text = _download(office, "button[name=issue-bulletin]")
    assert name == f"督查通报〔{today.year}〕1期_{label}.docx"
    assert f"关于{label}" in text and "市住房和城乡建设局" in text and "市交通运输局" in text and "优秀" in text
    office.context.close()

    # The manager, on a phone: the 考评 with its picker, and the issued 通报.
    manager = _login(chromium, live_server.url, "leader", PHONE)
    manager.click("#assessment-link")
    manager.wait_for_selector("#assessment-table")
    assert "市交通运输局" in manager.inner_text("#assessment-table")
    assert manager.locator("#id_period option").count() >= 18
    _shot(manager, "ratings_04_assessment_390")
    name, _ = _download(manager, "#bulletin-download")
    assert name == f"督查通报〔{today.year}〕1期_{label}.docx"
    manager.goto(url)
    _shot(manager, "ratings_05_task_page_390")
    manager.context.close()

    # A unit: no link, and the page itself refused.
    unit = _login(chromium, live_server.url, "dept_b", PHONE)
    assert unit.locator("#assessment-link").count() == 0
    response = unit.goto(f"{live_server.url}/portal/assessment/")
    assert response.status == 403
    unit.context.close()
