"""The 督办工作台 (/portal/): each role's inbox counts what it must act on, on a hand-built world, in a fixed
number of queries; the task list moved to /portal/tasks/; the in-app messages page and its mark-read POST
are the recipient's own (a manager marks nothing)."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from tests.factories import DirectiveFactory
from tests.tracker.workflow import department_user, lead_of, manager_user, office_user, workflow_task
from tracker.models import Assignment, Message, Task
from tracker.selectors_workbench import workbench_inbox
from tracker.services import lifecycle_office, lifecycle_unit

pytestmark = pytest.mark.django_db

S = Task.Status
TODAY = timezone.localdate()


def _days(n: int):
    return TODAY + timedelta(days=n)


def _grow(office, unit, other, manager, tag: str) -> dict[str, Task]:
    """One task in every inbox category (the unit's, the office's, the manager's)."""
    t = {}
    t["sign"] = workflow_task(lead=unit, status=S.ASSIGNED, due_on=_days(60), text=f"{tag}待签收的任务。")
    t["support"] = workflow_task(lead=other, support=(unit,), status=S.ASSIGNED, due_on=_days(60),
                                 text=f"{tag}本单位配合、待签收的任务。")
    t["first_report"] = workflow_task(lead=unit, status=S.SIGNED, due_on=_days(60), text=f"{tag}尚未首次反馈的任务。")
    t["first_report"].leader = manager
    t["first_report"].save(update_fields=["leader"])
    lifecycle_office.task_urge(task=t["first_report"], actor=office, note="请尽快首次反馈")
    t["due_soon"] = workflow_task(lead=unit, status=S.IN_PROGRESS, due_on=_days(1), text=f"{tag}明天到期的任务。")
    t["overdue"] = workflow_task(lead=unit, status=S.IN_PROGRESS, due_on=_days(-5), text=f"{tag}已逾期的任务。")
    t["overdue"].leader = manager
    t["overdue"].save(update_fields=["leader"])
    t["sent_back"] = workflow_task(lead=unit, status=S.COMPLETION_REQUESTED, due_on=_days(60),
                                   text=f"{tag}被退办的任务。")
    lifecycle_office.assignment_send_back(assignment=lead_of(t["sent_back"]), actor=office,
                                          reason="佐证材料不全，请补充")
    t["refused"] = workflow_task(lead=unit, status=S.IN_PROGRESS, due_on=_days(60), text=f"{tag}延期被驳回的任务。")
    unit_user = unit.memberships.first().user
    refused = lifecycle_unit.extension_request_create(
        assignment=lead_of(t["refused"]), actor=unit_user, reason="需等待省级批复，无法按期完成。",
        requested_due_on=_days(90), current_progress="已完成四成", as_of=TODAY)
    lifecycle_office.extension_decide(extension=refused, actor=office, approve=False, note="理由不充分")
    lifecycle_unit.extension_request_create(
        assignment=lead_of(t["due_soon"]), actor=unit_user, reason="设备到货推迟，需顺延两周完成。",
        requested_due_on=_days(15), current_progress="已完成八成", as_of=TODAY)
    directive = DirectiveFactory(title=f"{tag}待审核的文件")
    for n in (1, 2):
        workflow_task(lead=unit, status=S.PENDING_REVIEW, due_on=_days(60), directive=directive,
                      text=f"{tag}待审核事项{n}。")
    t["requested"] = workflow_task(lead=other, status=S.COMPLETION_REQUESTED, due_on=_days(60),
                                   text=f"{tag}申请办结的任务。")
    t["returned"] = workflow_task(lead=other, status=S.RETURNED, due_on=_days(60), text=f"{tag}被退回的任务。")
    return t


@pytest.fixture
def world():
    office, manager = office_user(), manager_user()
    user, unit = department_user(username="wb_unit", department_name="市住建局")
    outsider, other = department_user(username="wb_other", department_name="市林业局")
    tasks = _grow(office, unit, other, manager, "甲")
    return SimpleNamespace(office=office, manager=manager, user=user, unit=unit, outsider=outsider, other=other,
                           tasks=tasks)


def _counts(user) -> dict[str, int]:
    return {e.key: e.count for e in workbench_inbox(user=user, as_of=TODAY).entries}


def test_the_units_inbox_counts_what_it_must_do(world):
    assert _counts(world.user) == {
        "sign": 2,  # its own lead part and its support part
        "feedback": 3,  # no first report yet; due tomorrow; overdue
        "redo": 1, "urges": 1,
        "decisions": 2,  # the 退办 and the refused extension
        "overdue": 1,
    }


def test_the_other_units_inbox_holds_none_of_the_first_units_work(world):
    counts = _counts(world.outsider)
    assert counts["sign"] == 1  # only its own lead part of the task the first unit supports
    assert counts["urges"] == 0 and counts["decisions"] == 0 and counts["redo"] == 0


def test_the_offices_inbox_counts_what_it_must_decide(world):
    assert _counts(world.office) == {"review": 1, "extensions": 1, "completions": 1, "returned": 1, "overdue": 1}


def test_the_managers_inbox_counts_late_units_and_the_tasks_in_his_charge(world):
    assert _counts(world.manager) == {"overdue_units": 1, "charge": 2, "charge_overdue": 1}
    inbox = workbench_inbox(user=world.manager, as_of=TODAY)
    assert inbox.entries[0].items[0].title == "市住建局" and inbox.entries[0].items[0].note == "逾期 1 项"


def test_answering_the_urge_and_signing_empty_their_entries(world):
    urge = world.tasks["first_report"].urges.get()
    lifecycle_unit.urge_reply(urge=urge, actor=world.user, reply="已安排专人负责，本周内报送首次反馈。")
    lifecycle_unit.assignment_sign(assignment=lead_of(world.tasks["sign"]), actor=world.user)
    counts = _counts(world.user)
    assert counts["urges"] == 0 and counts["sign"] == 1


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("who", ["office", "user", "manager"])
def test_the_workbench_page_shows_each_entry_with_its_count_and_links(world, who):
    user = getattr(world, who)
    html = _client(user).get("/portal/").content.decode()
    for entry in workbench_inbox(user=user, as_of=TODAY).entries:
        section = html.split(f'id="inbox-{entry.key}"')[1].split("</section>")[0]
        assert f'<span class="badge{" red" if entry.count else ""} inbox-count">{entry.count}</span>' in section
        for item in entry.items:
            assert f'href="{escape(item.url)}"' in section
    assert "None" not in html and "pending" not in html


def test_the_office_workbench_links_to_the_review_and_the_decisions(world):
    html = _client(world.office).get("/portal/").content.decode()
    extension = world.tasks["due_soon"].extension_requests.get()
    assert reverse("tracker:review_list") in html
    assert f'{reverse("tracker:task_detail", args=[world.tasks["due_soon"].pk])}#unit-card-{extension.assignment_id}' \
        in html
    assert "甲申请办结的任务" in html and "甲被退回的任务" in html and "/portal/tasks/?overdue=true" in html


def test_the_unit_workbench_shows_the_send_back_reason_and_the_urge(world):
    html = _client(world.user).get("/portal/").content.decode()
    assert "退办理由：佐证材料不全，请补充" in html and "请尽快首次反馈" in html
    assert "甲申请办结的任务" not in html  # the other unit's


@pytest.mark.parametrize("who", ["office", "user", "manager"])
def test_the_workbench_reads_in_a_constant_number_of_queries(world, who, django_assert_max_num_queries):
    user = getattr(world, who)
    client = _client(user)
    client.get("/portal/")  # session and permissions warmed
    with CaptureQueriesContext(connection) as small:
        assert client.get("/portal/").status_code == 200
    for n in range(3):
        _grow(world.office, world.unit, world.other, world.manager, f"乙{n}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get("/portal/").status_code == 200
    assert len(small.captured_queries) <= 25


def test_the_task_list_moved_to_portal_tasks(world):
    client = _client(world.user)
    page = client.get("/portal/tasks/")
    assert page.status_code == 200 and "filterset" in page.context and "甲待签收的任务" in page.content.decode()
    assert reverse("tracker:task_list") == "/portal/tasks/" and reverse("tracker:workbench") == "/portal/"
    assert client.get("/portal/tasks/", {"status": "assigned"}).context["filterset"].qs.count() == \
        _counts(world.user)["sign"]


# --- in-app messages ---------------------------------------------------------------------------------------


def test_the_header_shows_the_unread_count_and_the_list_links_to_the_task(world):
    client = _client(world.user)
    unread = Message.objects.filter(recipient=world.user, read_at__isnull=True).count()
    assert sorted(Message.objects.filter(recipient=world.user).values_list("kind", flat=True)) == sorted(
        [Message.Kind.URGE, Message.Kind.SEND_BACK, Message.Kind.DECISION]) and unread == 3
    html = client.get("/portal/").content.decode()
    assert f'<span class="badge red" id="unread-count">{unread}</span>' in html
    page = client.get("/portal/messages/").content.decode()
    assert reverse("tracker:task_detail", args=[world.tasks["sent_back"].pk]) in page and "佐证材料不全" in page
    assert "医共体" not in page and "甲申请办结的任务" not in page


def test_marking_read_needs_a_post_with_csrf_and_marks_only_ones_own(world):
    mine = Message.objects.filter(recipient=world.user).order_by("pk")
    theirs = Message.objects.create(recipient=world.outsider, kind=Message.Kind.URGE, text="他人的消息")
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user)
    assert client.get("/portal/messages/read/").status_code == 405
    assert client.post("/portal/messages/read/", {"ids": [mine[0].pk]}).status_code == 403  # no CSRF token
    token = client.get("/portal/messages/").context["csrf_token"]
    response = client.post("/portal/messages/read/", {"ids": [mine[0].pk, theirs.pk], "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Message.objects.get(pk=mine[0].pk).read_at is not None
    assert Message.objects.get(pk=theirs.pk).read_at is None
    assert Message.objects.filter(recipient=world.user, read_at__isnull=True).count() == mine.count() - 1
    client.post("/portal/messages/read/", {"all": "1", "csrfmiddlewaretoken": token})
    assert not Message.objects.filter(recipient=world.user, read_at__isnull=True).exists()
    assert 'id="unread-count"' not in client.get("/portal/").content.decode()


def test_the_manager_marks_nothing(world):
    Message.objects.create(recipient=world.manager, kind=Message.Kind.REMINDER, text="领导的消息")
    client = _client(world.manager)
    ids = list(Message.objects.values_list("pk", flat=True))
    assert client.post("/portal/messages/read/", {"ids": ids}).status_code == 403
    assert client.post("/portal/messages/read/", {"all": "1"}).status_code == 403
    assert not Message.objects.filter(read_at__isnull=False).exists()
    page = client.get("/portal/messages/").content.decode()
    assert "领导的消息" in page and "标为已读" not in page


def test_the_message_list_pages_by_fifty_and_shows_only_ones_own(world):
    Message.objects.bulk_create([Message(recipient=world.outsider, kind=Message.Kind.REMINDER, text=f"提醒{n}")
                                 for n in range(60)])
    client = _client(world.outsider)
    first = client.get("/portal/messages/")
    total = Message.objects.filter(recipient=world.outsider).count()
    assert first.context["page"].paginator.count == total and len(first.context["page"].object_list) == 50
    assert f"共 {total} 条" in first.content.decode() and "page=2" in first.content.decode()
    second = client.get("/portal/messages/", {"page": 2})
    assert len(second.context["page"].object_list) == total - 50
    assert all(m.recipient_id == world.outsider.pk for m in second.context["page"].object_list)
    assert _client(world.user).get("/portal/messages/").context["page"].paginator.count == \
        Message.objects.filter(recipient=world.user).count()


def test_assignment_rows_in_the_inbox_are_the_users_own_units(world):
    inbox = workbench_inbox(user=world.user, as_of=TODAY)
    units = {item.unit for entry in inbox.entries for item in entry.items if item.unit}
    assert units == {"市住建局"}
    assert Assignment.objects.filter(department=world.other).exists()


def test_the_admin_links_workflow_records_to_the_workbench(world):
    client = _client(world.office)
    extension = world.tasks["due_soon"].extension_requests.get()
    page = client.get(reverse("admin:tracker_extensionrequest_changelist")).content.decode()
    assert f'href="{reverse("tracker:task_detail", args=[extension.task_id])}#unit-card-{extension.assignment_id}"' \
        in page and "到工作台审批" in page
    tasks = client.get(reverse("admin:tracker_task_changelist")).content.decode()
    assert "到工作台办理" in tasks and "到审核页" in tasks
    index = client.get(reverse("admin:index")).content.decode()
    assert 'id="workbench-link"' in index and 'href="/portal/"' in index


def test_urging_through_the_portal_says_what_was_really_sent(world):
    world.unit.contact_email = ""
    world.unit.save(update_fields=["contact_email"])
    part = lead_of(world.tasks["due_soon"])
    response = _client(world.office).post(f"/portal/assignments/{part.pk}/urge/", {f"urge-{part.pk}-note": "请加快进度"},
                                          follow=True)
    html = response.content.decode()
    assert "该单位未配置通知渠道，已生成站内消息" in html and "已通知" not in html
    assert Message.objects.filter(recipient=world.user, kind=Message.Kind.URGE, task=world.tasks["due_soon"]).exists()
    response = _client(world.office).post(f"/portal/tasks/{world.tasks['support'].pk}/urge/", {"urge-note": ""},
                                          follow=True)  # 市林业局 has an e-mail address
    assert "已催办并发送通知：市林业局（邮件），同时生成站内消息" in response.content.decode()


def test_the_offices_decisions_open_at_the_units_card(world):
    entries = {e.key: e for e in workbench_inbox(user=world.office, as_of=TODAY).entries}
    requested, returned = lead_of(world.tasks["requested"]), lead_of(world.tasks["returned"])
    assert [i.url for i in entries["completions"].items] == [
        f"{reverse('tracker:task_detail', args=[requested.task_id])}#unit-card-{requested.pk}"]
    assert [i.url for i in entries["returned"].items] == [
        f"{reverse('tracker:task_detail', args=[returned.task_id])}#unit-card-{returned.pk}"]
    page = _client(world.office).get(entries["returned"].items[0].url.split("#")[0]).content.decode()
    assert f'id="unit-card-{returned.pk}"' in page
