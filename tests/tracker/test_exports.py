"""督办台账 / overdue report exports, one row per unit's part: the .xlsx opened with openpyxl, the CSV bytes,
filters and permissions."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from tests.tracker import dashboard_data
from tests.tracker.dashboard_data import AS_OF, PASSWORD, user
from tests.tracker.workflow import lead_of, workflow_task
from tracker.documents import ledger as exports
from tracker.models import Assignment

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    return dashboard_data.build()


def _leads():
    """Every lead unit's part in hands (what the 台账 lists by default)."""
    return Assignment.objects.lead().in_hands()


def _xlsx(assignments, report=exports.LEDGER):
    buffer = io.BytesIO()
    result = exports.ledger_xlsx_write(assignments=assignments, report=report, as_of=AS_OF, out=buffer)
    buffer.seek(0)
    return result, load_workbook(buffer).active


def _records(sheet):
    """Data rows as dicts: row 1 is the title, row 2 the header."""
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[1], row, strict=True)) for row in rows[2:]]


def test_xlsx_header_frozen_pane_widths_and_dates(data):
    result, sheet = _xlsx(_leads())
    assert result.rows == 11 and result.filename == "督办台账_20240614.xlsx"
    assert sheet["A1"].value == "督查督办事项台账（截至2024年6月14日）" and sheet["A1"].font.b
    assert [str(r) for r in sheet.merged_cells.ranges] == ["A1:U1"]  # the title across the 21 columns
    header = [cell.value for cell in sheet[2]]
    assert header[:3] == ["序号", "文号", "文件标题"] and "承办单位" in header and "逾期天数" in header
    assert sheet.freeze_panes == "A3"  # title and header stay in view
    assert sheet.column_dimensions["G"].width == 60  # 任务内容
    # Printing: the header row on every page, landscape A4, one page wide and as many tall as needed.
    assert sheet.print_title_rows == "$2:$2" and sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight, sheet.page_setup.paperSize) == (1, 0, 9)
    assert "&P" in sheet.oddFooter.center.text and "&N" in sheet.oddFooter.center.text
    records = _records(sheet)
    over_b = next(r for r in records if r["办理时限"] and r["办理时限"].date() == date(2024, 5, 31)
                  and r["办理状态"] == "已交办")
    # Real dates, not text: openpyxl reads them back as datetimes with a date format.
    date_col = header.index("办理时限") + 1
    row_index = records.index(over_b) + 3
    cell = sheet.cell(row=row_index, column=date_col)
    assert cell.is_date and "yy" in cell.number_format
    assert (over_b["承办单位"], over_b["职责"]) == ("市水务局", "牵头")
    assert over_b["逾期天数"] == 14 and over_b["督办灯"] == "逾期"
    assert sheet.cell(row=row_index, column=header.index("成文日期") + 1).is_date


def test_xlsx_fills_overdue_rows_red_and_only_them(data):
    _, sheet = _xlsx(_leads())
    header = [cell.value for cell in sheet[2]]
    light_col = header.index("督办灯")
    reds = 0
    for row in sheet.iter_rows(min_row=3):
        red = row[light_col].value == "逾期"
        reds += red
        filled = row[0].fill.fill_type == "solid" and row[0].fill.fgColor.rgb.endswith("FFC7CE")
        assert filled == red, [c.value for c in row]
        assert row[-1].fill.fill_type == ("solid" if red else None)
    assert reds == 3


def test_text_unsafe_for_xml_is_written_safely(data):
    from tracker.models import Task

    Task.objects.filter(pk=data.tasks["far"].pk).update(text="A & B <c> \x01控制符 \"引号\"")
    contents = [r["任务内容"] for r in _records(_xlsx(_leads())[1])]
    assert "A & B <c> 控制符 \"引号\"" in contents


def test_formula_like_text_is_escaped(data):
    _, sheet = _xlsx(_leads())
    contents = [r["任务内容"] for r in _records(sheet)]
    assert "'=HYPERLINK(\"http://evil\")推进商贸中心建设" in contents
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert exports.cell_text("+1") == "'+1" and exports.cell_text("-2") == "'-2"
    assert exports.cell_text("@SUM(A1)") == "'@SUM(A1)" and exports.cell_text("市商务局") == "市商务局"


def test_overdue_report_lists_overdue_parts_most_overdue_first(data):
    result, sheet = _xlsx(_leads(), report=exports.OVERDUE)
    assert result.rows == 3
    assert [r["逾期天数"] for r in _records(sheet)] == [14, 4, 1]
    assert [r["配合单位"] for r in _records(sheet)] == [None, None, "市水务局"]  # empty cells


def test_each_co_lead_has_its_own_row_with_its_own_record(data):
    task = workflow_task(lead=data.a, co_leads=(data.c,), status="in_progress", due_on=date(2024, 6, 1),
                         text="两单位共同牵头：打造夜间经济街区。")
    lead_of(task, data.c).occurrences.update(due_on=date(2024, 7, 31), original_due_on=date(2024, 6, 1))
    from tracker.services.deadlines import task_due_refresh

    task_due_refresh(task_ids=[task.pk])
    _, sheet = _xlsx(_leads().filter(task=task))
    rows = {r["承办单位"]: r for r in _records(sheet)}
    assert set(rows) == {"市商务局", "市文化和旅游局"}
    assert rows["市商务局"]["其他牵头单位"] == "市文化和旅游局" and rows["市文化和旅游局"]["其他牵头单位"] == "市商务局"
    assert (rows["市商务局"]["督办灯"], rows["市商务局"]["逾期天数"]) == ("逾期", 13)
    assert (rows["市文化和旅游局"]["督办灯"], rows["市文化和旅游局"]["逾期天数"]) != ("逾期", 13)
    assert rows["市文化和旅游局"]["原时限（延期前）"].date() == date(2024, 6, 1)


def test_csv_has_bom_chinese_headers_and_escaping(data):
    raw = exports.ledger_csv_bytes(assignments=_leads(), report=exports.LEDGER, as_of=AS_OF)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["序号", "文号", "文件标题"] and len(rows) == 12
    assert any(cell.startswith("'=HYPERLINK") for row in rows for cell in row)
    assert "2024-05-31" in {row[exports.HEADERS.index("办理时限")] for row in rows[1:]}


def _login(client, username):
    assert client.login(username=username, password=PASSWORD)
    return client


@time_machine.travel(dashboard_data.at(AS_OF), tick=False)
def test_export_view_respects_filters(client, data):
    user("office", "督查室", staff=True)
    c = _login(client, "office")
    response = c.get(reverse("tracker:task_export", args=["ledger", "xlsx"]), {"department": data.b.pk})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    # 市水务局's own lead parts: over_b, behind, done_late (its support part of over_a2 is not its record).
    assert sheet.max_row - 2 == 3
    response = c.get(reverse("tracker:task_export", args=["ledger", "xlsx"]), {"department": data.b.pk,
                                                                                "role": "support"})
    assert load_workbook(io.BytesIO(response.content)).active.max_row - 2 == 1  # asked for: the support part
    response = c.get(reverse("tracker:task_export", args=["overdue", "csv"]), {"department": data.b.pk})
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf") and body.decode("utf-8-sig").count("\n") == 2


@time_machine.travel(dashboard_data.at(AS_OF), tick=False)
def test_export_view_respects_the_users_departments(client, data):
    user("unit-a", "承办单位", department=data.a)
    c = _login(client, "unit-a")
    sheet = load_workbook(io.BytesIO(c.get(reverse("tracker:task_export", args=["ledger", "xlsx"])).content)).active
    units = {row[7] for row in sheet.iter_rows(min_row=3, values_only=True)}
    # 市商务局's own parts (over_a1, over_a2, done_on_time, requested); never others', never drafts.
    assert sheet.max_row - 2 == 4 and units == {"市商务局"}
    # Asking for another department's tasks by filter gives nothing (not a leak, not an error).
    response = c.get(reverse("tracker:task_export", args=["ledger", "csv"]), {"department": data.b.pk})
    assert b"".join(response.streaming_content).decode("utf-8-sig").count("\n") == 1


def test_export_requires_login(client, data):
    response = client.get(reverse("tracker:task_export", args=["ledger", "xlsx"]))
    assert response.status_code == 302
    assert client.get("/portal/export/secret/xlsx/").status_code == 302
