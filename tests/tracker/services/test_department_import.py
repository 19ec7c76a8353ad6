"""The office imports its own department directory from CSV or .xlsx: one transaction, re-import changes nothing,
bad rows refused with file and line; the admin upload form and `manage.py import_departments` call the service."""
from __future__ import annotations

import io
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from openpyxl import Workbook

from tests.factories import DepartmentFactory, UserFactory
from tests.tracker.workflow import department_user
from tracker.models import Department, DepartmentAlias
from tracker.services.departments import DepartmentImportError, department_directory, departments_import

pytestmark = pytest.mark.django_db

DIRECTORY_CSV = (
    "序号,单位名称,别名,类别,上级单位,联系邮箱,机器人类型,群机器人地址\n"
    "1,湖州市发展和改革委员会,市发改委、市发展改革委,市直部门,,fgw@huzhou.example,企业微信,"
    "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc\n"
    "2,吴兴区人民政府,吴兴区政府,县区政府,,,,\n"
    "3,吴兴区发展和改革局,区发改局,市直部门,吴兴区人民政府,wx@huzhou.example,,\n"
)


def _xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_csv_import_creates_verified_units_with_aliases_kinds_parents_and_contacts():
    result = departments_import(name="目录.csv", data=DIRECTORY_CSV.encode("utf-8-sig"))
    assert (result.created, result.updated, result.unchanged, result.aliases) == (3, 0, 0, 4)
    ndrc = Department.objects.get(name="湖州市发展和改革委员会")
    assert (ndrc.kind, ndrc.verified, ndrc.contact_email, ndrc.webhook_kind) == (
        "city_department", True, "fgw@huzhou.example", "wecom")
    assert set(ndrc.aliases.values_list("alias", flat=True)) == {"市发改委", "市发展改革委"}
    assert Department.objects.get(name="吴兴区发展和改革局").parent.name == "吴兴区人民政府"
    # the parser now resolves the office's own abbreviations
    assert department_directory().match("区发改局") == "吴兴区发展和改革局"


def test_reimporting_the_same_file_changes_nothing_and_a_changed_row_updates():
    departments_import(name="目录.csv", data=DIRECTORY_CSV.encode("utf-8"))
    again = departments_import(name="目录.csv", data=DIRECTORY_CSV.encode("utf-8"))
    assert (again.created, again.updated, again.unchanged, again.aliases) == (0, 0, 3, 0)
    changed = DIRECTORY_CSV.replace("wx@huzhou.example", "new@huzhou.example")
    result = departments_import(name="目录.csv", data=changed.encode("utf-8"))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    assert Department.objects.get(name="吴兴区发展和改革局").contact_email == "new@huzhou.example"
    assert Department.objects.count() == 3


def test_an_unverified_unit_found_in_a_directive_becomes_verified():
    Department.objects.create(name="吴兴区人民政府", verified=False)
    result = departments_import(name="目录.csv", data=DIRECTORY_CSV.encode("utf-8"))
    assert Department.objects.get(name="吴兴区人民政府").verified
    assert (result.created, result.updated) == (2, 1)


def test_gbk_csv_and_xlsx_are_read():
    departments_import(name="目录.csv", data=DIRECTORY_CSV.encode("gbk"))
    rows = [["单位名称", "简称", "类别", "成员单位"], ["湖州市财政局", "财政局", "市直部门", ""],
            ["各区县人民政府", "", "单位组", "吴兴区人民政府"]]
    result = departments_import(name="目录.xlsx", data=_xlsx(rows))
    assert result.created == 2
    group = Department.objects.get(name="各区县人民政府")
    assert group.kind == "group" and list(group.members.values_list("name", flat=True)) == ["吴兴区人民政府"]
    assert Department.objects.get(name="湖州市财政局").short_name == "财政局"


def test_bad_rows_are_refused_with_file_and_line_and_nothing_is_written():
    DepartmentFactory(name="湖州市财政局")
    DepartmentAlias.objects.create(department=Department.objects.get(name="湖州市财政局"), alias="市财政局")
    data = (
        "单位名称,别名,类别,上级单位,联系邮箱\n"
        "湖州市审计局,,市直部门,,sj@huzhou.example\n"
        ",,,,\n"
        "湖州市统计局,市财政局,部门,,not-an-email\n"
        "湖州市审计局,,,,\n"
        "湖州市林业局,,,南浔区人民政府,\n"
    ).encode()
    with pytest.raises(DepartmentImportError) as refused:
        departments_import(name="目录.csv", data=data)
    errors = refused.value.errors
    assert errors == [
        "目录.csv 第4行：类别“部门”无法识别（可填：市直部门、县区政府、开发区、驻市/省垂单位、企业、金融机构、单位组、其他）。",
        "目录.csv 第4行：联系邮箱“not-an-email”格式不正确。",
        "目录.csv 第4行：别名“市财政局”已属于单位“湖州市财政局”。",
        "目录.csv 第5行：单位“湖州市审计局”与第2行重复。",
        "目录.csv 第6行：上级单位“南浔区人民政府”不在本文件中，也不在单位目录中。",
    ]
    assert not Department.objects.filter(name__in=["湖州市审计局", "湖州市统计局", "湖州市林业局"]).exists()


@pytest.mark.parametrize(("data", "message"), [
    (b"", "目录.csv：文件是空的，没有可导入的单位。"),
    ("别名,类别\n市发改委,市直部门\n".encode(), "目录.csv 第1行：表头缺少“单位名称”列"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "目录.csv：不支持旧版 Excel（.xls）文件"),
])
def test_files_that_are_no_directory_are_refused_by_name(data: bytes, message: str):
    with pytest.raises(DepartmentImportError) as refused:
        departments_import(name="目录.csv", data=data)
    assert refused.value.errors[0].startswith(message)
    assert not Department.objects.exists()


def test_unknown_columns_are_reported_not_imported():
    data = "单位名称,办公地址\n湖州市审计局,人民路1号\n".encode()
    result = departments_import(name="目录.csv", data=data)
    assert result.ignored_columns == ("办公地址",)
    assert "未识别的列未导入：办公地址" in result.message(name="目录.csv")


def test_command_imports_and_refuses_with_lines(tmp_path):
    path = tmp_path / "目录.csv"
    path.write_bytes(DIRECTORY_CSV.encode("utf-8"))
    out = StringIO()
    call_command("import_departments", str(path), stdout=out)
    assert "新建 3 个单位" in out.getvalue()
    bad = tmp_path / "坏.csv"
    bad.write_text("单位名称,联系邮箱\n湖州市审计局,bad\n", encoding="utf-8")
    with pytest.raises(CommandError, match="坏.csv 第2行：联系邮箱“bad”格式不正确"):
        call_command("import_departments", str(bad))


def test_admin_import_form_through_the_department_list():
    office = UserFactory(username="importer", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(office)
    listing = client.get("/admin/tracker/department/")
    assert "导入单位目录" in listing.content.decode()
    page = client.get("/admin/tracker/department/import/")
    assert page.status_code == 200 and "单位名称（必填）" in page.content.decode()
    done = client.post("/admin/tracker/department/import/",
                       {"file": SimpleUploadedFile("目录.csv", DIRECTORY_CSV.encode("utf-8"))}, follow=True)
    assert "目录.csv：新建 3 个单位" in done.content.decode()
    refused = client.post("/admin/tracker/department/import/",
                          {"file": SimpleUploadedFile("坏.csv", "单位名称,联系邮箱\n湖州市审计局,bad\n".encode())},
                          follow=True)
    body = refused.content.decode()
    assert "坏.csv 第2行：联系邮箱“bad”格式不正确。" in body and "单位目录未导入" in body
    assert not Department.objects.filter(name="湖州市审计局").exists()


def test_a_unit_user_cannot_import_a_directory():
    user, _ = department_user(username="unit_importer", department_name="吴兴区审计局")
    client = Client()
    client.force_login(user)
    response = client.post("/admin/tracker/department/import/",
                           {"file": SimpleUploadedFile("目录.csv", DIRECTORY_CSV.encode("utf-8"))})
    assert response.status_code in (302, 403)
    assert not Department.objects.filter(name="湖州市发展和改革委员会").exists()
