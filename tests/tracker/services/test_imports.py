"""Importing every format through one service: originals kept, renditions recognised, refusals write nothing."""
from __future__ import annotations

import io
import json
from pathlib import Path

import opencc
import pytest
from django.apps import apps

from tests.renditions import blocks, docx_bytes, html_bytes, pdf_bytes
from tracker.models import Directive, SourceFile, Task
from tracker.services import directives as directives_service
from tracker.services.departments import departments_seed
from tracker.services.directives import ImportRefused, directive_import

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def directory() -> None:
    departments_seed(entries=json.loads((ROOT / "fixtures" / "departments.json").read_text("utf-8")))

TEXT = (
    "某某市人民政府办公室\n关于做好春耕备耕工作的通知\n某政办发〔2024〕5号\n各县（区）人民政府，市直各单位：\n"
    "一、加强农资供应。市农业农村局要在4月底前完成农资储备。\n二、强化资金保障（市财政局负责）。\n"
    "三、做好技术服务。市农业农村局会同市气象局每月发布农情信息。\n"
    "某某市人民政府办公室\n2024年3月15日\n"
)
PARTS = blocks(TEXT)
RENDITIONS = {
    "通知.docx": lambda: docx_bytes(PARTS), "通知.pdf": lambda: pdf_bytes(PARTS),
    "通知.html": lambda: html_bytes(PARTS, title="某某市人民政府办公室关于做好春耕备耕工作的通知"),
}


def _rows() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_app_config("tracker").get_models()}


def _stored_files(settings) -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def _tasks() -> list[tuple[str, list[str], list[str], list[object]]]:
    return [(t.ref, sorted(a.department.name for a in t.assignments.filter(role="lead")),
             sorted(a.department.name for a in t.assignments.filter(role="support")),
             sorted(d.due_on for d in t.deadlines.all())) for t in Task.objects.order_by("line_start")]


@pytest.mark.parametrize("name", sorted(RENDITIONS))
def test_each_format_imports_the_directive_and_keeps_the_original(name, settings):
    data = RENDITIONS[name]()
    result = directive_import(name=name, data=data)
    directive = Directive.objects.get()
    assert (directive.doc_number, directive.issuer) == ("某政办发〔2024〕5号", "某某市人民政府办公室")
    assert result.tasks == 3 and Task.objects.count() == 3
    source = directive.source
    assert source.format == name.rsplit(".", 1)[1] and source.name == name and source.size == len(data)
    assert source.original_bytes().read() == data and len(source.origins) == len(source.text.splitlines())
    assert source.original.name.startswith(f"sources/{source.sha256[:2]}/{source.sha256}")


def test_renditions_after_the_text_are_the_same_directive_and_leave_no_trace():
    first = directive_import(name="通知.txt", data=TEXT.encode("gb18030"))
    assert first.tasks == 3
    tasks, rows = _tasks(), _rows()
    for name, make in RENDITIONS.items():
        result = directive_import(name=name, data=make())
        assert result.source is None and not result.directives
        assert any("已由「通知.txt」导入过" in m and "某政办发〔2024〕5号" in m for m in result.messages), result.messages
    assert _tasks() == tasks and _rows() == rows


def test_the_same_file_twice_is_one_directive():
    data = RENDITIONS["通知.docx"]()
    directive_import(name="a.docx", data=data)
    again = directive_import(name="copy.docx", data=data)
    assert again.duplicate_file and "已导入过" in again.summary()
    assert Directive.objects.count() == 1 and SourceFile.objects.count() == 1


def _scan_pdf() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    c.rect(50, 50, 400, 600, fill=1)
    c.showPage()
    c.save()
    return out.getvalue()


REFUSED = {
    "扫描件.pdf": (_scan_pdf, "扫描件（没有文字层）"),
    "旧版.doc": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le") * 40, "旧版 Word"),
    "空.txt": (lambda: b"", "空文件"),
    "bom-nul.txt": (lambda: b"\xef\xbb\xbf" + TEXT.encode() + b"\x00", "二进制"),
    "坏编码.txt": (lambda: TEXT.encode() + b"\xff\xfe\xfa" * 3, "无法按 UTF-8 或 GB18030 解码"),
    "截断.docx": (lambda: RENDITIONS["通知.docx"]()[:3000], "损坏"),
    "图片.png": (lambda: b"\x89PNG\r\n\x1a\n" + bytes(200), "图片"),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_files_are_named_and_write_nothing(name, settings):
    make, says = REFUSED[name]
    rows = _rows()
    with pytest.raises(ImportRefused, match=f"「{name}」.*{says}"):
        directive_import(name=name, data=make())
    assert _rows() == rows and not _stored_files(settings)


def test_a_reader_crash_is_a_refusal_not_a_server_error(monkeypatch):
    def broken(data: bytes, *, name: str):
        raise KeyError("word/styles.xml")

    monkeypatch.setattr(directives_service, "read_file", broken)
    with pytest.raises(ImportRefused, match="「x.docx」格式异常"):
        directive_import(name="x.docx", data=b"PK")


def test_a_file_without_directive_is_not_kept_and_can_be_imported_again(settings):
    data = "会议记录\n今天天气很好，大家讨论了春耕。\n".encode()
    first = directive_import(name="记录.txt", data=data)
    assert first.nothing_found and first.source is None and "未识别出任何公文" in first.summary()
    assert not SourceFile.objects.exists() and not _stored_files(settings)
    again = directive_import(name="记录.txt", data=data)
    assert again.nothing_found and not again.duplicate_file  # a later parser gets its chance


def test_a_failure_midway_removes_the_stored_original(monkeypatch, settings):
    def fail(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(directives_service, "_directive_create", fail)
    with pytest.raises(RuntimeError):
        directive_import(name="通知.pdf", data=RENDITIONS["通知.pdf"]())
    assert not SourceFile.objects.exists() and not _stored_files(settings)


def test_a_traditional_file_is_parsed_and_its_tasks_shown_as_written():
    traditional = opencc.OpenCC("s2t").convert(TEXT)
    directive_import(name="繁體.txt", data=traditional.encode("utf-8"))
    directive = Directive.objects.get()
    assert directive.doc_number == "某政办发〔2024〕5号"  # identifiers in the directory's characters
    assert directive.source.text == traditional  # the file as written
    first = Task.objects.order_by("line_start").first()
    assert "農資" in first.text and "市农业农村局" in [a.department.name for a in first.assignments.all()]


def test_a_web_page_metadata_is_kept():
    page = html_bytes(PARTS, title="某某市人民政府办公室关于做好春耕备耕工作的通知",
                      metadata={"索引号": "0001/2024-05", "发文机关": "某某市人民政府办公室", "成文日期": "2024年03月15日"})
    directive_import(name="page.html", data=page)
    assert SourceFile.objects.get().metadata == {"index_no": "0001/2024-05", "issuer": "某某市人民政府办公室",
                                                 "issued_on": "2024-03-15", "published_on": "2024-01-05"}
