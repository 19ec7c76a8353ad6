"""The printables and the 考评 through the portal: who may issue, who may download what (a unit only what was
addressed to it: another unit's notice is a 404), every download an attachment with its Chinese name and type,
every form posted through its rendered fields, the .xlsx print setup read back with openpyxl."""
from __future__ import annotations

import io
import re
from urllib.parse import unquote

import docx
import pytest
import time_machine
from django.test import Client
from openpyxl import load_workbook

from tests.tracker import ratings_data
from tests.tracker.ratings_data import AS_OF, at
from tests.tracker.workflow import department_user
from tracker.models import IssuedDocument

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(at(AS_OF), tick=False):
        yield


@pytest.fixture
def data():
    return ratings_data.build()


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _filename(response) -> str:
    match = re.fullmatch(r"attachment; filename\*=utf-8''(\S+)", response["Content-Disposition"])
    assert match, response["Content-Disposition"]
    return unquote(match.group(1))


def _docx_text(content: bytes) -> str:
    opened = docx.Document(io.BytesIO(content))
    cells = [cell.text for table in opened.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in opened.paragraphs] + cells)


def _form_fields(html: str, form_id: str) -> tuple[str, dict[str, str]]:
    """(action, fields) of a rendered form as the browser submits it."""
    form = html.split(f'id="{form_id}"')[1].split("</form>")[0]
    action = re.search(r'action="([^"]+)"', html.split(f'id="{form_id}"')[0].rsplit("<form", 1)[1]).group(1)
    fields = {}
    for tag in re.findall(r"<input[^>]*>", form) + re.findall(r"<button[^>]*>", form):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if name and name.group(1) != "csrfmiddlewaretoken":
            fields[name.group(1)] = value.group(1) if value else ""
    return action, fields


def test_the_office_issues_the_notice_from_the_task_page_and_the_units_download_it(data):
    task = data.tasks["t5"]
    office = _client(data.office)
    page = office.get(f"/portal/tasks/{task.pk}/").content.decode()
    action, fields = _form_fields(page, "form-issue-notice")
    response = office.post(action, fields)
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    assert _filename(response) == "督办通知单_督办〔2026〕1号.docx"
    content = b"".join(response.streaming_content)
    text = _docx_text(content)
    assert "督办〔2026〕1号" in text and "整治城区道路积水点" in text and "市住房和城乡建设局、市交通运输局" in text
    # Asked again (a second click, another day): the same number and bytes.
    again = b"".join(office.post(action, fields).streaming_content)
    assert again == content and IssuedDocument.objects.count() == 1
    # The page now shows the number and a download link, for the office and for both units.
    document = IssuedDocument.objects.get()
    for user in (data.office, data.user1, data.user2, data.manager):
        html = _client(user).get(f"/portal/tasks/{task.pk}/").content.decode()
        assert "督办〔2026〕1号" in html and f"/portal/documents/{document.pk}/" in html
        download = _client(user).get(f"/portal/documents/{document.pk}/")
        assert download.status_code == 200 and b"".join(download.streaming_content) == content


def test_a_unit_cannot_download_or_issue_another_units_notice(data):
    notice = IssuedDocument.objects.get(pk=_issue(data, data.tasks["t3"]))  # 市交通运输局's task
    assert _client(data.user2).get(f"/portal/documents/{notice.pk}/").status_code == 200
    assert _client(data.user1).get(f"/portal/documents/{notice.pk}/").status_code == 404
    other, _ = department_user(username="shuiwu", department_name="市水务局")
    assert _client(other).get(f"/portal/documents/{notice.pk}/").status_code == 404
    assert _client(data.user1).post(f"/portal/documents/tasks/{data.tasks['t3'].pk}/notice/").status_code == 404
    # Its own task: refused with a message (only the office issues), nothing stored.
    response = _client(data.user1).post(f"/portal/documents/tasks/{data.tasks['t1'].pk}/notice/", follow=True)
    assert "只有督查室可以出具督办通知单" in response.content.decode()
    assert IssuedDocument.objects.count() == 1


def _issue(data, task) -> int:
    response = _client(data.office).post(f"/portal/documents/tasks/{task.pk}/notice/")
    assert response.status_code == 200
    return IssuedDocument.objects.get(task=task, kind="notice").pk


def test_the_urge_notice_is_offered_for_late_units_and_goes_only_to_them(data):
    task = data.tasks["t5"]
    office = _client(data.office)
    page = office.get(f"/portal/tasks/{task.pk}/").content.decode()
    assert "出具催办通知单（市交通运输局）" in page
    action, fields = _form_fields(page, "form-issue-urge-notice")
    response = office.post(action, fields)
    assert _filename(response) == "催办通知单_催办〔2026〕1号.docx"
    text = _docx_text(b"".join(response.streaming_content))
    assert "市交通运输局" in text and "19天" in text and "市住房和城乡建设局" not in text
    urge = IssuedDocument.objects.get(kind="urge")
    assert _client(data.user2).get(f"/portal/documents/{urge.pk}/").status_code == 200
    assert _client(data.user1).get(f"/portal/documents/{urge.pk}/").status_code == 404  # not addressed to it
    assert "出具催办通知单" not in office.get(f"/portal/tasks/{task.pk}/").content.decode()  # done for today
    assert "出具催办通知单" not in office.get(f"/portal/tasks/{data.tasks['t1'].pk}/").content.decode()


def test_the_assessment_page_for_the_office_and_managers_only(data):
    for user in (data.office, data.manager):
        html = _client(user).get("/portal/assessment/", {"period": "2026-11"}).content.decode()
        u2 = html.split(f'id="assessment-{data.u2.pk}"')[1].split("</tr>")[0]
        assert "市交通运输局" in u2 and "100%" in u2 and "17.5" in u2
        assert html.index(f'id="assessment-{data.u2.pk}"') < html.index(f'id="assessment-{data.u1.pk}"')
        u1 = html.split(f'id="assessment-{data.u1.pk}"')[1].split("</tr>")[0]
        assert "66.7%" in u1 and re.search(r">2</td><td class=\"n\">1</td><td class=\"n\">0</td><td class=\"n\">1<", u1)
        total = html.split('id="assessment-total"')[1].split("</tr>")[0]
        assert "75%" in total
        assert "2026年11月考评" in html and "2026年第四季度" in html  # the picker offers quarters too
    for unit in (data.user1, data.user2):
        assert _client(unit).get("/portal/assessment/").status_code == 403
        assert _client(unit).get("/portal/assessment/export/").status_code == 403
        assert _client(unit).get("/portal/bulletins/").status_code == 403
        assert _client(unit).post("/portal/bulletins/issue/", {"period": "2026-11"}).status_code == 403
    assert "考评与督查通报" not in _client(data.user1).get("/portal/").content.decode()
    assert "考评与督查通报" in _client(data.manager).get("/portal/").content.decode()


def test_the_period_picker_posts_through_its_rendered_fields(data):
    html = _client(data.manager).get("/portal/assessment/").content.decode()
    assert "2026年12月考评" in html  # this month by default
    form = html.split('id="period-picker"')[1].split("</form>")[0]
    options = re.findall(r'<option value="([^"]+)"', form)
    assert options[:2] == ["2026-12", "2026-11"] and "2026-Q4" in options and "2026" in options
    html = _client(data.manager).get("/portal/assessment/", {"period": "2026-Q4"}).content.decode()
    assert "2026年第四季度考评" in html and '<option value="2026-Q4" selected>' in html
    assert "2026年12月考评" in _client(data.manager).get("/portal/assessment/", {"period": "2099-01"}).content.decode()


def test_the_assessment_xlsx_prints_landscape_one_page_wide_with_its_header_on_every_page(data):
    response = _client(data.manager).get("/portal/assessment/export/", {"period": "2026-11"})
    assert response["Content-Type"] == XLSX and _filename(response) == "考评表_2026年11月.xlsx"
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet["A1"].value == "2026年11月督查督办考评表（截至2026年11月30日）"
    assert [c.value for c in sheet[2]][:3] == ["序号", "责任单位", "承办件数"]
    assert sheet.print_title_rows == "$2:$2" and sheet.page_setup.orientation == "landscape"
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.freeze_panes == "A3"
    rows = {row[1] or row[0]: row for row in sheet.iter_rows(min_row=3, values_only=True)}
    u1 = rows["市住房和城乡建设局"]
    assert u1[2:6] == (4, 4, 2, 1) and u1[6] == pytest.approx(2 / 3) and u1[9:] == (2, 1, 0, 1)
    assert sheet.cell(row=4, column=7).number_format == "0.0%"
    assert rows["市交通运输局"][7:9] == (2, 17.5)
    assert rows["合计"][2:8] == (7, 5, 3, 1, 0.75, 2)
    assert _client(data.manager).get("/portal/assessment/export/", {"period": "2099-01"}).status_code == 404


def test_managers_download_a_draft_bulletin_that_writes_nothing_and_the_office_issues_it(data):
    response = _client(data.manager).get("/portal/bulletins/", {"period": "2026-11"})
    assert _filename(response) == "督查通报_2026年11月_未编号.docx" and response["Content-Type"] == DOCX
    draft = _docx_text(b"".join(response.streaming_content))
    assert "（未编号）" in draft and "关于2026年11月\n督查督办事项办理情况的通报" in draft and "市交通运输局" in draft
    assert not IssuedDocument.objects.exists()
    manager_page = _client(data.manager).get("/portal/assessment/", {"period": "2026-11"}).content.decode()
    assert 'id="form-issue-bulletin"' not in manager_page  # only the office numbers it
    assert _client(data.manager).post("/portal/bulletins/issue/", {"period": "2026-11"}, follow=True).status_code == 200
    assert not IssuedDocument.objects.exists()

    office = _client(data.office)
    action, fields = _form_fields(office.get("/portal/assessment/", {"period": "2026-11"}).content.decode(),
                                  "form-issue-bulletin")
    issued = office.post(action, fields)
    assert _filename(issued) == "督查通报〔2026〕1期_2026年11月.docx"
    content = b"".join(issued.streaming_content)
    assert "督查通报〔2026〕1期" in _docx_text(content) and "按期办结率75%" in _docx_text(content)
    # From now on everyone who may read it downloads the issued document, byte for byte.
    again = _client(data.manager).get("/portal/bulletins/", {"period": "2026-11"})
    assert b"".join(again.streaming_content) == content
    page = _client(data.manager).get("/portal/assessment/", {"period": "2026-11"}).content.decode()
    assert "下载督查通报（督查通报〔2026〕1期）" in page
    assert _client(data.office).get("/portal/bulletins/", {"period": "2099-01"}).status_code == 404


def test_the_admin_dashboard_offers_the_assessment_and_its_downloads(data):
    data.manager.is_staff = True
    data.manager.save(update_fields=["is_staff"])
    html = _client(data.manager).get("/admin/tracker/dashboard/").content.decode()
    assert 'id="card-printables"' in html and "/portal/assessment/export/?period=2026-12" in html
    page = _client(data.manager).get("/admin/tracker/dashboard/assessment/", {"period": "2026-11"})
    assert page.status_code == 200 and "66.7%" in page.content.decode()
    assert _client(data.user1).get("/admin/tracker/dashboard/assessment/").status_code in (302, 403)
