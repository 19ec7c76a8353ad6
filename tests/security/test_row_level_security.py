"""Row-level security: a department user guessing ids sees 404, never another department's rows, and acts only
on its own unit's part of a task (a co-lead's part is a 404 too)."""
from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.tracker.workflow import (
    PASSWORD,
    department_user,
    lead_of,
    manager_user,
    office_user,
    workflow_task,
)
from tracker.models import Assignment, Attachment, ExtensionRequest, Task
from tracker.permissions import (
    assignment_for,
    attachment_visible_to,
    directive_visible_to,
    progress_report_visible_to,
    task_visible_to,
    urge_visible_to,
)
from tracker.services import lifecycle_office, lifecycle_unit

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
    report_b = lifecycle_unit.progress_report_create(
        assignment=lead_of(task_b), actor=user_b, text=REPORT, percent=40,
        files=[SimpleUploadedFile("卫健委进展.pdf", b"%PDF-1.4 secret", content_type="application/pdf")])
    extension_b = lifecycle_unit.extension_request_create(
        assignment=lead_of(task_b), actor=user_b, reason="需等待省级批复，无法按期完成。",
        requested_due_on=date(2030, 9, 30), current_progress="已完成40%", as_of=date(2030, 6, 1))
    [urge_b] = lifecycle_office.task_urge(task=task_b, actor=office, note="请加快进度")
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
    assert list(assignment_for(user=user)) == [lead_of(world["task_a"])]
    assert not Assignment.objects.filter(pk__in=assignment_for(user=user).values("pk"),
                                         department=world["unit_b"]).exists()
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


def _state(task):
    task.refresh_from_db()
    return (task.status, sorted(task.assignments.values_list("status", "progress_percent")), task.events.count())


UNIT_POSTS = [
    ("sign", {"note": ""}),
    ("report", {"text": REPORT, "percent": "90"}),
    ("completion_request", {"text": "全部完成，请予销号。已上传佐证材料。"}),
    ("return", {"reason": "不属于本单位职责"}),
    ("extension_request", {"requested_due_on": "2030-12-31", "reason": "需要更多时间完成验收。",
                           "current_progress": "已完成九成"}),
    ("accept", {"note": ""}),
    ("send_back", {"reason": "材料不全，请补充"}),
    ("urge", {"note": ""}),
]


@pytest.mark.parametrize("action,data", UNIT_POSTS)
def test_posting_actions_on_another_departments_part_gives_404_and_changes_nothing(world, action, data):
    task_b = world["task_b"]
    pk = lead_of(task_b).pk
    before = _state(task_b)
    response = _client("unit_a").post(f"/portal/assignments/{pk}/{action}/",
                                      {f"{action}-{pk}-{k}": v for k, v in data.items()})
    assert response.status_code == 404
    assert _state(task_b) == before


@pytest.mark.parametrize("action", ["assign", "sign_off", "urge"])
def test_posting_task_actions_on_another_departments_task_gives_404(world, action):
    task_b = world["task_b"]
    before = _state(task_b)
    assert _client("unit_a").post(f"/portal/tasks/{task_b.pk}/{action}/", {f"{action}-note": "x"}).status_code == 404
    assert _state(task_b) == before


@pytest.fixture
def co_led(world):
    """A task led by both units: each sees it, each acts on its own part only."""
    task = workflow_task(lead=world["unit_a"], co_leads=(world["unit_b"],), status=Task.Status.ASSIGNED,
                         due_on=date(2030, 6, 30), text="两单位共同牵头：建设区域医疗中心。")
    return task, lead_of(task, world["unit_a"]), lead_of(task, world["unit_b"])


@pytest.mark.parametrize("action,data", UNIT_POSTS)
def test_a_co_lead_guessing_the_other_units_part_gets_404_and_changes_nothing(world, co_led, action, data):
    task, _, theirs = co_led
    client = _client("unit_a")
    assert client.get(f"/portal/tasks/{task.pk}/").status_code == 200  # the shared task itself is visible
    before = _state(task)
    response = client.post(f"/portal/assignments/{theirs.pk}/{action}/",
                           {f"{action}-{theirs.pk}-{k}": v for k, v in data.items()})
    assert response.status_code == 404
    assert _state(task) == before


def test_each_co_lead_signs_its_own_part_through_the_portal(world, co_led):
    task, mine, theirs = co_led
    response = _client("unit_a").post(f"/portal/assignments/{mine.pk}/sign/", {f"sign-{mine.pk}-note": ""})
    assert response.status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.status, theirs.status) == ("signed", "assigned")
    assert set(assignment_for(user=world["user_a"]).filter(task=task)) == {mine}
    page = _client("unit_a").get(f"/portal/tasks/{task.pk}/").content.decode()
    assert f'name="submit-sign-{theirs.pk}"' not in page and "市卫生健康委" in page  # sees it, cannot act on it


def test_a_unit_sees_only_the_urges_addressed_to_itself(world, co_led):
    task, _, theirs = co_led
    [urge] = lifecycle_office.task_urge(task=task, actor=world["office"], assignment=theirs)
    assert not urge_visible_to(user=world["user_a"]).filter(pk=urge.pk).exists()
    assert _client("unit_a").post(f"/portal/urges/{urge.pk}/reply/", {"reply-reply": "代为答复"}).status_code == 404


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


def test_department_cannot_accept_or_sign_off_its_own_completion_through_the_portal(world):
    task_b, client = world["task_b"], _client("unit_b")
    part = lead_of(task_b)
    lifecycle_unit.progress_report_create(assignment=part, actor=world["user_b"],
                                          text="医共体牵头医院已确定，信息平台完成部署。", percent=90)
    lifecycle_unit.assignment_completion_request(assignment=part, actor=world["user_b"], text="已全部完成，佐证材料见附件。")
    response = client.post(f"/portal/assignments/{part.pk}/accept/",
                           {f"accept-{part.pk}-note": "", f"accept-{part.pk}-rating": "excellent"}, follow=True)
    assert "只有督查室" in response.content.decode()
    response = client.post(f"/portal/tasks/{task_b.pk}/sign_off/",
                           {"sign_off-note": "同意销号", f"sign_off-rating_{part.pk}": "excellent"}, follow=True)
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
    pk = lead_of(task_a).pk
    data = {f"report-{pk}-text": REPORT, f"report-{pk}-percent": "30"}
    response = client.post(f"/portal/assignments/{pk}/report/", data)
    assert response.status_code == 403
    task_a.refresh_from_db()
    assert task_a.status == S.SIGNED
    page = client.get(f"/portal/tasks/{task_a.pk}/")
    token = page.context["csrf_token"]
    assert f'name="csrfmiddlewaretoken" value="{token}"' in page.content.decode()
    response = client.post(f"/portal/assignments/{pk}/report/", {**data, "csrfmiddlewaretoken": token})
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
    pk = lead_of(task_a).pk
    response = _client("unit_a").post(f"/portal/assignments/{pk}/report/", {
        f"report-{pk}-text": REPORT, f"report-{pk}-percent": "30", f"report-{pk}-files": big}, follow=True)
    assert "超过大小限制" in response.content.decode()
    assert not task_a.progress_reports.exists()
    assert not Attachment.objects.filter(report__task=task_a).exists()


@pytest.mark.parametrize("name", ["payload.html", "script.js", "evil.exe", "noextension", "photo.jpg.php"])
def test_upload_with_a_type_outside_the_whitelist_is_refused(world, name):
    task_a = world["task_a"]
    upload = SimpleUploadedFile(name, b"<script>alert(1)</script>", content_type="text/html")
    pk = lead_of(task_a).pk
    response = _client("unit_a").post(f"/portal/assignments/{pk}/report/", {
        f"report-{pk}-text": REPORT, f"report-{pk}-percent": "30", f"report-{pk}-files": upload}, follow=True)
    assert "不允许上传" in response.content.decode()
    assert not task_a.progress_reports.exists()


def test_manager_reads_everything_but_changes_nothing(world):
    manager_user(username="boss")
    client = _client("boss")
    task_b = world["task_b"]
    before = _state(task_b)
    assert client.get(f"/portal/tasks/{task_b.pk}/").status_code == 200
    response = client.post(f"/portal/tasks/{task_b.pk}/urge/", {}, follow=True)
    assert "只有督查室" in response.content.decode()
    pk = lead_of(task_b).pk
    for action in ("accept", "urge", "sign"):
        response = client.post(f"/portal/assignments/{pk}/{action}/", {}, follow=True)
        assert response.status_code == 200 and 'class="msg-error"' in response.content.decode()
    assert task_b.urges.count() == 1 and _state(task_b) == before


def test_the_attachments_of_one_report_together_are_limited_in_the_form(world, settings):
    settings.UPLOAD_MAX_BYTES, settings.UPLOAD_REPORT_MAX_BYTES = 2048, 3000
    task_a = world["task_a"]
    pk = lead_of(task_a).pk
    files = [SimpleUploadedFile(f"照片{i}.jpg", b"x" * 1500, content_type="image/jpeg") for i in range(3)]
    response = _client("unit_a").post(f"/portal/assignments/{pk}/report/", {
        f"report-{pk}-text": REPORT, f"report-{pk}-percent": "30", f"report-{pk}-files": files}, follow=True)
    assert "本次反馈的附件合计" in response.content.decode() and "上限" in response.content.decode()
    assert not task_a.progress_reports.exists() and not Attachment.objects.filter(report__task=task_a).exists()
