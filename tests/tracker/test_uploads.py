"""The admin upload, size limits before and while reading, the original's download, and multi-file ingest."""
from __future__ import annotations

import io
import zipfile
from urllib.parse import quote

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, RequestFactory

from tests.renditions import blocks, docx_bytes, pdf_bytes
from tests.tracker.workflow import department_user, office_user, workflow_task
from tracker.admin import DirectiveAdmin
from tracker.models import Directive, SourceFile, Task
from tracker.uploads import RequestSizeLimitMiddleware

pytestmark = pytest.mark.django_db

TEXT = (
    "某某市人民政府办公室\n关于做好春耕备耕工作的通知\n某政办发〔2024〕5号\n各县（区）人民政府，市直各单位：\n"
    "一、加强农资供应。市农业农村局要在4月底前完成农资储备。\n二、强化资金保障（市财政局负责）。\n"
    "某某市人民政府办公室\n2024年3月15日\n"
)
URL = "/admin/tracker/directive/upload/"


@pytest.fixture
def office() -> Client:
    client = Client()
    client.force_login(office_user())
    return client


def _admin() -> Client:
    from tests.factories import UserFactory

    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def _messages(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def _bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<" + b" " * (3 * 1024 * 1024) + b"/>")
    return out.getvalue()


FUZZ = {
    "empty.txt": b"", "binary.bin": bytes(range(256)) * 40, "huge-line.txt": ("字" * 80_000).encode(),
    "nul.txt": b"\xef\xbb\xbf" + TEXT.encode() + b"\x00", "invalid.txt": TEXT.encode() + b"\xff\xfe\xfa",
    "old.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le") * 30,
    "bomb.docx": _bomb(), "truncated.pdf": b"%PDF-1.7\n1 0 obj <<", "garbage.html": b"<html><body>\x00\x01</body>",
}


@pytest.mark.parametrize("name", sorted(FUZZ))
def test_no_file_makes_the_upload_page_fail_and_bad_files_write_nothing(name, settings):
    settings.DIRECTIVE_UPLOAD_MAX_BYTES = 2 * 1024 * 1024
    client = _admin()
    response = client.post(URL, {"files": SimpleUploadedFile(name, FUZZ[name])})
    assert response.status_code in (200, 302)
    assert name in _messages(response) or name in response.content.decode()
    assert not SourceFile.objects.exists() and not Directive.objects.exists()


def test_several_formats_in_one_upload_give_one_directive_and_say_so():
    client = _admin()
    parts = blocks(TEXT)
    response = client.post(URL, {"files": [SimpleUploadedFile("通知.txt", TEXT.encode("gb18030")),
                                           SimpleUploadedFile("通知.docx", docx_bytes(parts)),
                                           SimpleUploadedFile("通知.pdf", pdf_bytes(parts))]})
    assert response.status_code == 302 and response["Location"].endswith("/admin/tracker/directive/")
    said = _messages(response)
    assert "已由「通知.txt」导入过" in said and Directive.objects.count() == 1 and SourceFile.objects.count() == 1


def test_uploads_stream_to_disk_and_a_file_over_the_limit_is_skipped_by_name(settings, monkeypatch):
    settings.DIRECTIVE_UPLOAD_MAX_BYTES = 4096
    seen = []
    original = DirectiveAdmin._import_one

    def spy(self, request, upload):
        seen.append(type(upload))
        return original(self, request, upload)

    monkeypatch.setattr(DirectiveAdmin, "_import_one", spy)
    response = _admin().post(URL, {"files": [SimpleUploadedFile("small.txt", TEXT.encode()),
                                             SimpleUploadedFile("big.txt", TEXT.encode() * 100)]})
    assert seen == [TemporaryUploadedFile]  # on disk even when small; the big one never reached the view
    assert "「big.txt」超过大小限制" in _messages(response) and Directive.objects.count() == 1


def test_a_request_over_the_total_is_refused_before_its_body_is_read(settings):
    settings.UPLOAD_REQUEST_MAX_BYTES = 1000

    class Unreadable(io.RawIOBase):
        def read(self, *args):
            raise AssertionError("the body was read")

    request = RequestFactory().post(URL, data=b"", content_type="multipart/form-data; boundary=x")
    request.META["CONTENT_LENGTH"] = str(200 * 1024 * 1024)
    request.META["wsgi.input"] = Unreadable()
    response = RequestSizeLimitMiddleware(lambda r: pytest.fail("the view ran"))(request)
    page = response.content.decode()
    assert response.status_code == 413 and "上传内容过大" in page and "共 200.0 MB" in page and "上限 1000" in page


def test_a_request_over_the_total_through_the_stack_gets_413(settings):
    settings.UPLOAD_REQUEST_MAX_BYTES = 1000
    response = _admin().post(URL, {"files": SimpleUploadedFile("a.txt", b"x" * 5000)})
    assert response.status_code == 413 and not SourceFile.objects.exists()


def test_the_upload_still_checks_csrf():
    client = Client(enforce_csrf_checks=True)
    client.force_login(office_user())
    response = client.post(URL, {"files": SimpleUploadedFile("a.txt", TEXT.encode())})
    assert response.status_code == 403 and not SourceFile.objects.exists()


def test_the_original_downloads_with_its_name_and_type_for_those_who_may_see_it():
    from tracker.services.directives import directive_import

    data = docx_bytes(blocks(TEXT))
    directive_import(name="春耕通知.docx", data=data)
    directive = Directive.objects.get()
    source = directive.source
    office = Client()
    office.force_login(office_user())
    response = office.get(f"/portal/sources/{source.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == data
    assert response["Content-Type"] == SourceFile.CONTENT_TYPES["docx"]
    assert f"filename*=utf-8''{quote('春耕通知.docx')}" in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment")
    page = office.get(f"/portal/directives/{directive.pk}/").content.decode()
    assert f"/portal/sources/{source.pk}/" in page and "春耕通知.docx" in page
    admin = _admin()
    for url in (f"/admin/tracker/directive/{directive.pk}/change/", f"/admin/tracker/sourcefile/{source.pk}/change/"):
        admin_page = admin.get(url).content.decode()
        assert f"/portal/sources/{source.pk}/" in admin_page and "Word（.docx）" in admin_page

    outsider, _ = department_user(username="outsider")
    other = Client()
    other.force_login(outsider)
    assert other.get(f"/portal/sources/{source.pk}/").status_code == 404
    insider, unit = department_user(username="insider")
    workflow_task(lead=unit, directive=directive)
    mine = Client()
    mine.force_login(insider)
    assert mine.get(f"/portal/sources/{source.pk}/").status_code == 200


def test_ingest_reports_a_bad_file_imports_the_others_and_fails_at_the_end(tmp_path, capsys):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xef\xbb\xbf" + TEXT.encode() + b"\x00")
    good = tmp_path / "good.docx"
    good.write_bytes(docx_bytes(blocks(TEXT.replace("5号", "6号"))))
    scan = tmp_path / "old.doc"
    scan.write_bytes(FUZZ["old.doc"])
    with pytest.raises(CommandError, match="2 个文件未导入"):
        call_command("ingest", str(bad), str(good), str(scan))
    err = capsys.readouterr().err
    assert "「bad.txt」是二进制文件" in err and "「old.doc」是旧版 Word 格式" in err
    assert list(Directive.objects.values_list("doc_number", flat=True)) == ["某政办发〔2024〕6号"]
    assert Task.objects.count() == 2
