"""Row-level security: a department user guessing ids sees 404, never another department's rows."""
from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.tracker.workflow import PASSWORD, department_user, manager_user, office_user, workflow_task
from tracker.models import Attachment, ExtensionRequest, Task
from tracker.permissions import (
    attachment_visible_to,
    directive_visible_to,
    progress_report_visible_to,
    task_visible_to,
)
from tracker.services import lifecycle

pytestmark = pytest.mark.django_db

S = Task.Status
REPORT = "已完成项目立项和可研批复，正在开展施工招标。"


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    office = office_user()
    user_a, unit_a = department_user(username="unit_a", department_name="市教育局")
    user_b, unit_b = department_user(username="unit_b", department_name="市卫生健康委")
    task_a = workflow_task(lead=unit_a, status=S.SIGNED, due_on=date(2030, 6, 30))
    task_b = workflow_task(lead=unit_b, status=S.SIGNED, due_on=date(2030, 6, 30),
                           text="推进紧密型县域医共体建设，年底前实现全覆盖。")
    report_b = lifecycle.progress_report_create(
        task=task_b, actor=user_b, text=REPORT, percent=40,
        files=[SimpleUploadedFile("卫健委进展.pdf", b"%PDF-1.4 secret", content_type="application/pdf")])
    extension_b = lifecycle.extension_request_create(
        task=task_b, actor=user_b, reason="需等待省级批复，无法按期完成。", requested_due_on=date(2030, 9, 30),
        current_progress="已完成40%", as_of=date(2030, 6, 1))
    urge_b = lifecycle.task_urge(task=task_b, actor=office, note="请加快进度")
    return {
        "office": office, "user_a": user_a, "unit_a": unit_a, "user_b": user_b, "unit_b": unit_b,
        "task_a": task_a, "task_b": task_b, "report_b": report_b, "attachment_b": report_b.attachments.get(),
        "extension_b": extension_b, "urge_b": urge_b,
    }


def _client(username):
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_scoped_querysets_hide_other_departments_rows(world):
    user = world["user_a"]
    assert list(task_visible_to(user=user)) == [world["task_a"]]
    assert list(directive_visible_to(user=user)) == [world["task_a"].directive]
    assert not progress_report_visible_to(user=user).exists()
    assert not attachment_visible_to(user=user).exists()
    assert task_visible_to(user=world["office"]).count() == 2
    assert task_visible_to(user=manager_user()).count() == 2


def test_department_user_without_membership_sees_nothing(world):
    from django.contrib.auth import get_user_model
    loner = get_user_model().objects.create_user(username="loner", password=PASSWORD)
    assert not task_visible_to(user=loner).exists()


def test_pending_review_tasks_are_hidden_from_departments(world):
    draft = workflow_task(lead=world["unit_a"], status=S.PENDING_REVIEW)
    assert draft not in task_visible_to(user=world["user_a"])
    assert _client("unit_a").get(f"/portal/tasks/{draft.pk}/").status_code == 404


@pytest.mark.parametrize("url", [
    "/portal/tasks/{task_b}/",
    "/portal/directives/{directive_b}/",
    "/portal/attachments/{attachment_b}/",
])
def test_guessing_urls_of_another_department_gives_404(world, url):
    client = _client("unit_a")
    target = url.format(task_b=world["task_b"].pk, directive_b=world["task_b"].directive_id,
                        attachment_b=world["attachment_b"].pk)
    response = client.get(target)
    assert response.status_code == 404
    assert "医共体" not in response.content.decode()


@pytest.mark.parametrize("action,data", [
    ("sign", {}),
    ("report", {"report-text": REPORT, "report-percent": "90"}),
    ("completion", {"completion-text": "全部完成，请予销号。已上传佐证材料。"}),
    ("return", {"return-reason": "不属于本单位职责"}),
    ("urge", {}),
])
def test_posting_actions_on_another_departments_task_gives_404_and_changes_nothing(world, action, data):
    task_b = world["task_b"]
    task_b.refresh_from_db()
    before = (task_b.status, task_b.progress_percent, task_b.events.count())
    response = _client("unit_a").post(f"/portal/tasks/{task_b.pk}/{action}/", data)
    assert response.status_code == 404
    task_b.refresh_from_db()
    assert (task_b.status, task_b.progress_percent, task_b.events.count()) == before


def test_department_cannot_decide_an_extension_or_reply_to_another_departments_urge(world):
    client = _client("unit_a")
    response = client.post(f"/portal/extensions/{world['extension_b'].pk}/decide/",
                           {"decide-decision": "approve"})
    assert response.status_code == 404
    assert client.post(f"/portal/urges/{world['urge_b'].pk}/reply/",
                       {"reply-reply": "已收到催办"}).status_code == 404


def test_department_cannot_approve_its_own_extension_through_the_portal(world):
    client = _client("unit_b")
    response = client.post(f"/portal/extensions/{world['extension_b'].pk}/decide/",
                           {"decide-decision": "approve"}, follow=True)
    assert response.status_code == 200
    assert "只有督查室" in response.content.decode()
    world["extension_b"].refresh_from_db()
    assert world["extension_b"].status == ExtensionRequest.Status.PENDING
    assert world["task_b"].deadlines.get().due_on == date(2030, 6, 30)


def test_department_cannot_sign_off_its_own_completion_through_the_portal(world):
    task_b, client = world["task_b"], _client("unit_b")
    lifecycle.progress_report_create(task=task_b, actor=world["user_b"],
                                     text="医共体牵头医院已确定，信息平台完成部署。", percent=90)
    lifecycle.task_completion_request(task=task_b, actor=world["user_b"], text="已全部完成，佐证材料见附件。")
    response = client.post(f"/portal/tasks/{task_b.pk}/sign-off/", {}, follow=True)
    assert "只有督查室" in response.content.decode()
    task_b.refresh_from_db()
    assert task_b.status == S.COMPLETION_REQUESTED


def test_department_staff_have_no_admin_access(world):
    response = _client("unit_a").get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_owner_and_office_download_the_attachment_as_a_file(world):
    attachment = world["attachment_b"]
    for username in ("unit_b", "office"):
        response = _client(username).get(f"/portal/attachments/{attachment.pk}/")
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"%PDF-1.4 secret"
        assert response["Content-Disposition"].startswith("attachment")


def test_anonymous_users_are_sent_to_login(world):
    for url in ("/portal/", f"/portal/tasks/{world['task_a'].pk}/",
                f"/portal/attachments/{world['attachment_b'].pk}/"):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/portal/login/")


def test_uploads_are_stored_outside_static_files(world, settings):
    path = world["attachment_b"].file.path
    assert str(path).startswith(str(settings.MEDIA_ROOT))
    assert not str(path).startswith(str(settings.STATIC_ROOT))


# --- CSRF and uploads -------------------------------------------------------------------------


def test_csrf_is_enforced_on_portal_forms(world):
    client = Client(enforce_csrf_checks=True)
    client.login(username="unit_a", password=PASSWORD)
    task_a = world["task_a"]
    response = client.post(f"/portal/tasks/{task_a.pk}/report/",
                           {"report-text": REPORT, "report-percent": "30"})
    assert response.status_code == 403
    task_a.refresh_from_db()
    assert task_a.status == S.SIGNED
    page = client.get(f"/portal/tasks/{task_a.pk}/")
    token = page.context["csrf_token"]
    assert f'name="csrfmiddlewaretoken" value="{token}"' in page.content.decode()
    response = client.post(f"/portal/tasks/{task_a.pk}/report/",
                           {"report-text": REPORT, "report-percent": "30", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    task_a.refresh_from_db()
    assert task_a.status == S.IN_PROGRESS


def test_csrf_is_enforced_on_login():
    response = Client(enforce_csrf_checks=True).post("/portal/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403


def test_upload_over_the_size_limit_is_refused(world, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    task_a = world["task_a"]
    big = SimpleUploadedFile("现场照片.jpg", b"x" * 2048, content_type="image/jpeg")
    response = _client("unit_a").post(f"/portal/tasks/{task_a.pk}/report/", {
        "report-text": REPORT, "report-percent": "30", "report-files": big}, follow=True)
    assert "超过大小限制" in response.content.decode()
    assert not task_a.progress_reports.exists()
    assert not Attachment.objects.filter(report__task=task_a).exists()


@pytest.mark.parametrize("name", ["payload.html", "script.js", "evil.exe", "noextension", "photo.jpg.php"])
def test_upload_with_a_type_outside_the_whitelist_is_refused(world, name):
    task_a = world["task_a"]
    upload = SimpleUploadedFile(name, b"<script>alert(1)</script>", content_type="text/html")
    response = _client("unit_a").post(f"/portal/tasks/{task_a.pk}/report/", {
        "report-text": REPORT, "report-percent": "30", "report-files": upload}, follow=True)
    assert "不允许上传" in response.content.decode()
    assert not task_a.progress_reports.exists()


def test_manager_reads_everything_but_changes_nothing(world):
    manager_user(username="boss")
    client = _client("boss")
    task_b = world["task_b"]
    assert client.get(f"/portal/tasks/{task_b.pk}/").status_code == 200
    response = client.post(f"/portal/tasks/{task_b.pk}/urge/", {}, follow=True)
    assert "只有督查室" in response.content.decode()
    assert task_b.urges.count() == 1
