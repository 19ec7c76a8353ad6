"""督办看板 in a real browser: a manager opens the dashboard, follows a drill-down link and downloads an
export. Screenshots go to tests/artifacts/ (git-ignored)."""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tests.tracker import dashboard_data
from tests.tracker.dashboard_data import PASSWORD, S, task, user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


def _data() -> dict[str, Any]:
    today = timezone.localdate()
    water = dashboard_data.DepartmentFactory(name="市水务局")
    trade = dashboard_data.DepartmentFactory(name="市商务局")
    directive = dashboard_data.DirectiveFactory(doc_number="阳政办发〔2024〕7号", title="关于城市防汛的通知")
    late = [task(directive=directive, lead=water, status=S.IN_PROGRESS, due=today - timedelta(days=d),
                 assigned=today - timedelta(days=40), text=f"排水管网改造第{d}段") for d in (3, 9)]
    task(directive=directive, lead=trade, status=S.SIGNED, due=today - timedelta(days=2),
         assigned=today - timedelta(days=30), text="商贸中心消防整改")
    task(directive=directive, lead=trade, status=S.IN_PROGRESS, due=today + timedelta(days=2),
         assigned=today - timedelta(days=10), percent=60, text="夜间经济街区建设")
    task(directive=directive, lead=trade, status=S.SIGNED_OFF, due=today - timedelta(days=20),
         assigned=today - timedelta(days=60), percent=100, signed_off=today - timedelta(days=25), text="展会筹备")
    user("leader", "领导", staff=True)
    return {"water": water, "late": late}


def test_manager_dashboard_drill_down_and_export(chromium: Any, live_server: Any, artifacts: Path) -> None:
    data = _data()
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", "leader")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    page.click("#dashboard-link a:text-is(\"督办看板\")")
    page.wait_for_selector("#card-ranking")
    assert page.inner_text("#kpi-red").strip() == "3"
    ranking = page.inner_text("#card-ranking table")
    assert ranking.index("市水务局") < ranking.index("市商务局")  # 2 overdue before 1
    assert page.locator("svg.chart").count() >= 5
    page.screenshot(path=str(artifacts / "dash_01_dashboard.png"), full_page=True)

    # Drill down: 市水务局's overdue count → the two overdue tasks of 市水务局.
    page.locator("#card-ranking table a", has_text="2").first.click()
    page.wait_for_selector("#result_list")
    assert page.inner_text("#result-count").strip().startswith("共 2 项")
    listed = page.inner_text("#result_list")
    assert "排水管网改造第3段" in listed and "排水管网改造第9段" in listed and "商贸中心" not in listed
    page.screenshot(path=str(artifacts / "dash_02_drill_down.png"), full_page=True)

    with page.expect_download() as download_info:
        page.click("#export-overdue-xlsx")
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx") and "逾期" in download.suggested_filename
    target = artifacts / "dash_03_overdue.xlsx"
    download.save_as(str(target))
    sheet = load_workbook(target).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))  # row 1: the title; row 2: the header
    assert sheet.freeze_panes == "A3" and sheet["A1"].value.startswith("督查督办逾期事项清单（截至")
    assert sorted(r[-1] for r in rows) == [3, 9]  # 逾期天数, filtered to 市水务局 like the list
    assert {r[7] for r in rows} == {"市水务局"}

    page.goto(f"{live_server.url}/admin/tracker/dashboard/departments/{data['water'].pk}/")
    page.wait_for_selector("#card-rank-history")
    assert page.inner_text("#dept-overdue").strip() == "2"
    page.screenshot(path=str(artifacts / "dash_04_department.png"), full_page=True)
    context.close()
