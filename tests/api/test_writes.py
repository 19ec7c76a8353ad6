"""Writes: each one service call. The portal and the API leave the same history for the same steps; refusals
are 400 with the service's Chinese message; an Idempotency-Key makes a retried write record one action;
uploads keep their limits; 立项 and 交办 with the assign-time choices; the directive import as the upload."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tests.api.conftest import lead, token_client
from tests.conftest import GAZETTES
from tests.tracker.workflow import workflow_task
from tracker.models import Directive, ExtensionRequest, FormSubmission, ProgressReport, Task, TaskEvent, Urge

pytestmark = pytest.mark.django_db
S = Task.Status
REPORT = "已完成现场排查并建立整改台账，正在推进整改。"
DONE = "已全部完成并通过验收，附验收报告。"
REASON = "需等待省级批复后方可实施，无法按期完成。"


def _portal(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _history(task: Task) -> list[tuple]:
    return [(e.action, e.from_status, e.to_status, e.note, e.actor_id, e.department_id)
            for e in TaskEvent.objects.filter(task=task).order_by("created_at", "pk")]


def test_the_portal_and_the_api_leave_the_same_history(people):
    """交办, 签收, 催办, 反馈, 延期申请 and its approval, 申请办结, 退办, again, 办结确认 (销号): once through the portal's
    forms, once through the API, on two like tasks."""
    tasks = [workflow_task(lead=people.unit_a, status=S.PENDING_REVIEW, due_on=date(2030, 6, 30),
                           text="推进校园安全隐患排查整治，年底前完成。") for _ in range(2)]
    by_portal, by_api = tasks
    unit, office = _portal(people.user_a), _portal(people.office)
    unit_api, office_api = token_client(people.user_a), token_client(people.office)

    def portal_unit(action: str, fields: dict) -> None:
        pk = lead(by_portal).pk
        data = {f"{action}-{pk}-{k}": v for k, v in fields.items()}
        who = office if action in ("accept", "send_back") else unit
        assert who.post(f"/portal/assignments/{pk}/{action}/", data).status_code == 302

    candidates = [str(people.unit_a.pk)]
    assert office.post(f"/portal/tasks/{by_portal.pk}/assign/", {"assign-units": candidates}).status_code == 302
    assert office_api.post(f"/api/v1/tasks/{by_api.pk}/assign/", {}, format="json").status_code == 200
    portal_unit("sign", {"note": ""})
    assert unit_api.post(f"/api/v1/assignments/{lead(by_api).pk}/sign/", {}, format="json").status_code == 200
    assert office.post(f"/portal/tasks/{by_portal.pk}/urge/", {"urge-note": "请加快进度"}).status_code == 302
    assert office_api.post(f"/api/v1/tasks/{by_api.pk}/urge/", {"note": "请加快进度"}, format="json").status_code == 201
    portal_unit("report", {"text": REPORT, "percent": "40"})
    assert unit_api.post(f"/api/v1/assignments/{lead(by_api).pk}/reports/", {"text": REPORT, "percent": 40},
                         format="json").status_code == 201
    extension = {"requested_due_on": "2030-09-30", "reason": REASON, "current_progress": "已完成方案"}
    portal_unit("extension_request", extension)
    assert unit_api.post(f"/api/v1/assignments/{lead(by_api).pk}/extension-requests/", extension,
                         format="json").status_code == 201
    for task, via_api in ((by_portal, False), (by_api, True)):
        pending = ExtensionRequest.objects.get(task=task)
        if via_api:
            assert office_api.post(f"/api/v1/extension-requests/{pending.pk}/decide/",
                                   {"decision": "approve", "note": "同意"}, format="json").status_code == 200
        else:
            assert office.post(f"/portal/extensions/{pending.pk}/decide/",
                               {"decide-decision": "approve", "decide-note": "同意"}).status_code == 302
    portal_unit("completion_request", {"text": DONE})
    assert unit_api.post(f"/api/v1/assignments/{lead(by_api).pk}/completion-request/", {"text": DONE},
                         format="json").status_code == 201
    portal_unit("send_back", {"reason": "佐证材料不全，请补充"})
    assert office_api.post(f"/api/v1/assignments/{lead(by_api).pk}/send-back/", {"reason": "佐证材料不全，请补充"},
                           format="json").status_code == 200
    portal_unit("completion_request", {"text": DONE + "（补充）"})
    assert unit_api.post(f"/api/v1/assignments/{lead(by_api).pk}/completion-request/", {"text": DONE + "（补充）"},
                         format="json").status_code == 201
    portal_unit("accept", {"note": "同意办结", "rating": "good"})
    accepted = office_api.post(f"/api/v1/assignments/{lead(by_api).pk}/accept/", {"note": "同意办结", "rating": "good"},
                               format="json")
    assert accepted.status_code == 200 and accepted.json()["status_label"] == "已办结"
    portal_history, api_history = _history(by_portal), _history(by_api)
    assert len(api_history) >= 11
    assert api_history == portal_history
    by_portal.refresh_from_db(), by_api.refresh_from_db()
    assert by_portal.status == by_api.status == S.SIGNED_OFF


def test_a_refused_transition_is_a_400_with_the_services_message(people):
    part = lead(people.task_a)
    response = token_client(people.user_a).post(f"/api/v1/assignments/{part.pk}/completion-request/",
                                                {"text": DONE}, format="json")
    assert response.status_code == 400
    assert response.json() == {"detail": "市教育局当前状态「已交办」不能执行「申请办结」"}
    boilerplate = token_client(people.user_a)
    assert boilerplate.post(f"/api/v1/assignments/{part.pk}/sign/", {}, format="json").status_code == 200
    refused = boilerplate.post(f"/api/v1/assignments/{part.pk}/reports/", {"text": "正在推进", "percent": 10},
                               format="json")
    assert refused.status_code == 400 and "空话套话" in refused.json()["detail"]
    assert not ProgressReport.objects.filter(assignment=part).exists()


def test_a_malformed_body_names_the_field_in_chinese(people):
    part = lead(people.task_a)
    client = token_client(people.user_a)
    client.post(f"/api/v1/assignments/{part.pk}/sign/", {}, format="json")
    response = client.post(f"/api/v1/assignments/{part.pk}/reports/", {"text": REPORT, "percent": 130}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("完成进度（%）：") and "percent" in response.json()["errors"]


# --- idempotency keys ---------------------------------------------------------------------------------------


def test_a_retried_write_with_the_same_key_records_one_action_and_replays_the_answer(people):
    part = lead(people.task_a)
    client = token_client(people.user_a)
    first = client.post(f"/api/v1/assignments/{part.pk}/sign/", {}, format="json", HTTP_IDEMPOTENCY_KEY="k-sign-1")
    again = client.post(f"/api/v1/assignments/{part.pk}/sign/", {}, format="json", HTTP_IDEMPOTENCY_KEY="k-sign-1")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert TaskEvent.objects.filter(assignment=part, action="sign").count() == 1
    without_key = client.post(f"/api/v1/assignments/{part.pk}/sign/", {}, format="json")
    assert without_key.status_code == 400  # a new request (no key): the rules answer, 已签收 cannot sign again


def test_a_reused_key_for_another_action_is_refused(people):
    part = lead(people.task_a)
    client = token_client(people.user_a)
    client.post(f"/api/v1/assignments/{part.pk}/sign/", {}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    other = client.post(f"/api/v1/assignments/{part.pk}/reports/", {"text": REPORT, "percent": 20}, format="json",
                        HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 422 and "另一项操作" in other.json()["detail"]
    assert not ProgressReport.objects.filter(assignment=part).exists()


def test_a_refused_write_does_not_use_up_its_key(people):
    part = lead(people.task_a)
    client = token_client(people.user_a)
    client.post(f"/api/v1/assignments/{part.pk}/sign/", {}, format="json")
    refused = client.post(f"/api/v1/assignments/{part.pk}/reports/", {"text": "无", "percent": 20}, format="json",
                          HTTP_IDEMPOTENCY_KEY="report-7")
    assert refused.status_code == 400
    fixed = client.post(f"/api/v1/assignments/{part.pk}/reports/", {"text": REPORT, "percent": 20}, format="json",
                        HTTP_IDEMPOTENCY_KEY="report-7")
    assert fixed.status_code == 201 and ProgressReport.objects.filter(assignment=part).count() == 1


def test_keys_belong_to_their_user(people):
    """The office urging with a key another user happened to use is not taken for a retry of theirs."""
    client_a = token_client(people.user_a)
    client_a.post(f"/api/v1/assignments/{lead(people.task_a).pk}/sign/", {}, format="json", HTTP_IDEMPOTENCY_KEY="same")
    urged = token_client(people.office).post(f"/api/v1/tasks/{people.task_b.pk}/urge/", {}, format="json",
                                            HTTP_IDEMPOTENCY_KEY="same")
    assert urged.status_code == 201 and Urge.objects.filter(task=people.task_b).count() == 1
    assert FormSubmission.objects.filter(action__startswith="api:").count() == 2


def test_an_urge_says_what_it_reached(people, office_api):
    """The API answers a 催办 as the portal does: the channels a unit was notified on, or the in-app message only."""
    people.unit_a.contact_email, people.unit_a.webhook_url = "jyj@example.gov.cn", ""
    people.unit_a.save(update_fields=["contact_email", "webhook_url"])
    people.unit_b.contact_email, people.unit_b.webhook_url = "", ""
    people.unit_b.save(update_fields=["contact_email", "webhook_url"])
    reached = office_api.post(f"/api/v1/tasks/{people.task_a.pk}/urge/", {}, format="json").json()
    silent = office_api.post(f"/api/v1/tasks/{people.task_b.pk}/urge/", {}, format="json").json()
    assert reached[0]["outcome"] == "已催办并发送通知：市教育局（邮件），同时生成站内消息"
    assert silent[0]["outcome"] == "该单位未配置通知渠道，已生成站内消息"


# --- uploads ------------------------------------------------------------------------------------------------


def test_a_report_with_attachments_over_multipart(people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    part = lead(people.task_a)
    client = token_client(people.user_a)
    client.post(f"/api/v1/assignments/{part.pk}/sign/", {}, format="json")
    files = [SimpleUploadedFile("整改台账.xlsx", b"PK\x03\x04 ledger"), SimpleUploadedFile("照片.jpg", b"\xff\xd8 photo")]
    response = client.post(f"/api/v1/assignments/{part.pk}/reports/", {"text": REPORT, "percent": "40",
                                                                        "files": files}, format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    assert [a["name"] for a in body["attachments"]] == ["整改台账.xlsx", "照片.jpg"]
    assert body["percent"] == 40 and body["department"]["name"] == "市教育局"


@pytest.mark.parametrize("name,size,message", [("程序.exe", 10, "不允许上传该类型的文件"), ("大文件.pdf", 2048, "超过大小限制")])
def test_attachments_outside_the_limits_are_refused_and_nothing_is_kept(people, settings, tmp_path, name, size,
                                                                        message):
    settings.MEDIA_ROOT, settings.UPLOAD_MAX_BYTES = tmp_path, 1024
    part = lead(people.task_a)
    client = token_client(people.user_a)
    client.post(f"/api/v1/assignments/{part.pk}/sign/", {}, format="json")
    response = client.post(f"/api/v1/assignments/{part.pk}/reports/", {
        "text": REPORT, "percent": "40", "files": [SimpleUploadedFile(name, b"x" * size)]}, format="multipart")
    assert response.status_code == 400 and message in response.json()["detail"]
    assert not ProgressReport.objects.filter(assignment=part).exists()


# --- 立项 and 交办 -------------------------------------------------------------------------------------------


def test_the_office_registers_a_task_from_a_leaders_instruction_and_assigns_it(people):
    body = {"source_kind": "instruction", "source_ref": "市长批示〔2026〕8号", "instructed_by": "张市长",
            "instructed_on": "2026-03-02", "text": "请市教育局牵头，市卫健委配合，研究制定校园食品安全专项方案。",
            "leads": [people.unit_a.pk], "supports": [people.unit_b.pk], "due_on": "2030-05-31", "assign": True,
            "leader": "leader"}
    response = token_client(people.office).post("/api/v1/tasks/", body, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["status"], created["source_kind_label"], created["source_ref"]) == (
        "assigned", "领导批示", "市长批示〔2026〕8号")
    assert created["directive"] is None and created["leader"] == "leader" and created["due"] == "2030-05-31"
    assert {(u["department"]["name"], u["role"]) for u in created["assignments"]} == {
        ("市教育局", "lead"), ("市卫生健康委", "support")}
    task = Task.objects.get(pk=created["id"])
    assert task.origin == "manual" and task.instructed_by == "张市长"
    assert [e.action for e in task.events.order_by("pk")] == ["register", "deadline_add", "assign"]
    mine = token_client(people.user_a).get("/api/v1/assignments/?role=lead").json()["results"]
    assert created["id"] in {r["task"]["id"] for r in mine}


def test_register_refuses_unknown_units_and_empty_text(people):
    office = token_client(people.office)
    unknown = office.post("/api/v1/tasks/", {"source_kind": "meeting", "text": "会议议定的事项内容", "leads": [999999]},
                          format="json")
    assert unknown.status_code == 400 and unknown.json()["detail"] == "单位编号不存在：999999"
    short = office.post("/api/v1/tasks/", {"source_kind": "meeting", "text": "短", "leads": [people.unit_a.pk]},
                        format="json")
    assert short.status_code == 400 and "任务内容过于简单" in short.json()["detail"]
    assert not Task.objects.filter(origin="manual").exists()


def test_assign_asks_for_a_decision_on_a_past_date_then_keeps_or_moves_it(people):
    past = timezone.localdate() - timedelta(days=30)
    keep, move = (workflow_task(lead=people.unit_a, status=S.PENDING_REVIEW, due_on=past) for _ in range(2))
    office = token_client(people.office)
    refused = office.post(f"/api/v1/tasks/{keep.pk}/assign/", {}, format="json")
    assert refused.status_code == 400 and "在交办之日已过" in refused.json()["detail"]
    kept = office.post(f"/api/v1/tasks/{keep.pk}/assign/", {"due_choice": "keep"}, format="json")
    assert kept.status_code == 200 and kept.json()["due"] == str(past) and kept.json()["light"] == "red"
    new_date = timezone.localdate() + timedelta(days=60)
    moved = office.post(f"/api/v1/tasks/{move.pk}/assign/", {"due_choice": "new", "due_on": str(new_date),
                                                             "add_supports": [people.unit_b.pk]}, format="json")
    assert moved.status_code == 200 and moved.json()["due"] == str(new_date)
    assert {u["department"]["name"] for u in moved.json()["assignments"]} == {"市教育局", "市卫生健康委"}
    outsider = office.post(f"/api/v1/tasks/{people.task_a.pk}/assign/", {}, format="json")
    assert outsider.status_code == 400 and "不能执行「交办」" in outsider.json()["detail"]


# --- the directive import ----------------------------------------------------------------------------------


def _gazette() -> Path:
    return sorted(GAZETTES.glob("*.txt"))[0]


def test_the_office_imports_a_gazette_once(people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    office = token_client(people.office)
    data = _gazette().read_bytes()
    first = office.post("/api/v1/directives/import/", {"files": [SimpleUploadedFile("公报.txt", data)]},
                        format="multipart")
    assert first.status_code == 201, first.content
    result = first.json()["results"][0]
    assert result["imported"] and result["tasks"] > 0 and result["directives"]
    assert Directive.objects.filter(pk=result["directives"][0]["id"]).exists()
    again = office.post("/api/v1/directives/import/", {"files": [SimpleUploadedFile("公报.txt", data)]},
                        format="multipart")
    assert again.status_code == 200 and again.json()["results"][0]["duplicate_file"]
    assert "已导入过" in again.json()["detail"]


def test_the_import_refuses_bad_files_in_chinese(people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assert Directive.objects.count() == 2
    office = token_client(people.office)
    binary = office.post("/api/v1/directives/import/",
                         {"files": [SimpleUploadedFile("程序.txt", b"\x00\x01\x02MZ" * 50)]}, format="multipart")
    assert binary.status_code == 400 and "程序.txt" in binary.json()["detail"]
    empty = office.post("/api/v1/directives/import/", {"files": [SimpleUploadedFile("空.txt", b"")]},
                        format="multipart")
    assert empty.status_code == 400 and empty.json()["detail"] == "文件「空.txt」是空文件，未导入。"
    settings.DIRECTIVE_UPLOAD_MAX_BYTES = 100
    big = office.post("/api/v1/directives/import/", {"files": [SimpleUploadedFile("大.txt", b"x" * 5000)]},
                      format="multipart")
    assert big.status_code == 400 and "超过大小限制" in big.json()["detail"]
    none = office.post("/api/v1/directives/import/", {}, format="multipart")
    assert none.status_code == 400 and none.json()["detail"] == "请选择要导入的文件（字段 files）。"
    assert Directive.objects.count() == 2  # the two of the people fixture: nothing was imported
