"""Every form the portal renders, posted through the fields it renders (tests/tracker/portal_walk.py).

Each role walks the portal from /portal/ by its links; every <form method=post> found is filled as a person
would fill it and posted, and must say it worked (a success message, or the document it issues) and write
something. Each post runs in a savepoint rolled back afterwards, so every form is posted against the world as
it was rendered. The list of forms comes from the pages: a new form is covered as soon as a page links to it,
and the walk must still reach every kind of form listed in EXPECTED.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.utils import timezone

from tests.factories import DepartmentFactory
from tests.tracker.portal_walk import PostForm, db_fingerprint, get_forms, messages_of, pages, post_forms
from tests.tracker.workflow import department_user, lead_of, manager_user, office_user, workflow_task
from tracker.models import Assignment, Deadline, ExtensionRequest, Task, Urge
from tracker.services import lifecycle_office, lifecycle_unit
from tracker.services.deadlines import deadline_add, deadline_occurrences_sync, task_due_refresh
from tracker.services.directives import directive_import
from tracker.services.review import task_dismiss, task_edit

pytestmark = pytest.mark.django_db

S = Task.Status
NOTICE = """阳泉市人民政府办公室
关于做好防汛和安全生产工作的通知
阳政办发〔{y}〕21号
各县（区）人民政府，市直各有关单位：
一、开展安全生产大检查。全面排查重点行业领域隐患，{due}前完成整改，
同时建立隐患整改台账，实行销号管理。（市应急管理局牵头，市公安局配合）
二、加强汛期隐患巡查。对地质灾害隐患点逐一落实监测责任人。（市应急管理局负责）
三、严格值班值守。各单位要严格落实24小时值班制度。
阳泉市人民政府办公室
{on}
"""
# The kinds of form (URL name[:action]) the walk must reach, by role.
EXPECTED = {
    "office": {
        "task_action:assign", "task_action:sign_off", "task_action:urge", "assignment_action:accept",
        "assignment_action:send_back", "assignment_action:rate", "assignment_action:reassign",
        "assignment_action:urge", "extension_decide", "occurrence_complete", "notice_issue", "urge_notice_issue",
        "task_deadline_add", "task_register", "bulletin_issue", "review_assign", "review_task_action:edit",
        "review_task_action:unit_add", "review_task_action:deadline_add", "review_task_action:split",
        "review_task_action:merge", "review_task_action:dismiss", "review_task_action:restore",
        "review_assignment_action:role", "review_assignment_action:remove", "review_deadline_action:set",
        "review_deadline_action:remove",
    },
    "unit": {
        "assignment_action:sign", "assignment_action:return", "assignment_action:report",
        "assignment_action:extension_request", "assignment_action:completion_request", "urge_reply",
        "messages_read",
    },
    "manager": set(),
}


@dataclass
class Users:
    office: Any
    unit: Any
    manager: Any


def _world() -> Users:
    today = timezone.localdate()
    office = office_user()
    manager = manager_user()
    user, roads = department_user(username="walk_unit", department_name="市交通运输局")
    _, housing = department_user(username="walk_other", department_name="市住房和城乡建设局")
    for name in ("市应急管理局", "市公安局"):
        DepartmentFactory(name=name)
    due = today + timedelta(days=40)
    # A directive under review (two drafts: merge, split, dismiss, units, deadlines), and one dismissed draft.
    data = NOTICE.format(y=today.year, due=f"{due.month}月{due.day}日", on=f"{today.year}年{today.month}月{today.day}日")
    directive_import(name="防汛通知.txt", data=data.encode(), as_of=today)
    task_dismiss(task=Task.objects.get(ref="三、"), actor=office, reason="属日常工作要求")
    # The office's own drafts and the units' work at every stage.
    workflow_task(lead=roads, support=(housing,), status=S.PENDING_REVIEW, due_on=due, text="交办前的待审核事项。")
    workflow_task(lead=roads, status=S.ASSIGNED, due_on=due, text="已交办待签收的事项。")
    signed = workflow_task(lead=roads, status=S.SIGNED, due_on=due, text="已签收待反馈的事项。")
    part = lead_of(signed)
    lifecycle_office.task_urge(task=signed, actor=office, note="请加快进度")
    Urge.objects.update(created_at=timezone.now() - timedelta(hours=1))  # so that it may be urged again
    monthly = Deadline.objects.create(task=signed, text="每月28日前报送进展", kind="monthly",
                                      due_on=today - timedelta(days=2), recurrence="monthly", rule="M:28")
    deadline_occurrences_sync(deadline=monthly, assignment=part, as_of=today)
    task_due_refresh(task_ids=[signed.pk])
    working = workflow_task(lead=roads, status=S.IN_PROGRESS, due_on=due, text="办理中、待审批延期的事项。")
    lifecycle_unit.extension_request_create(
        assignment=lead_of(working), actor=user, reason="施工图需等待省级主管部门批复后方可开工。", requested_due_on=due + timedelta(days=60),
        current_progress="已完成60%", as_of=today)
    workflow_task(lead=roads, status=S.COMPLETION_REQUESTED, due_on=due, text="申请办结待确认的事项。")
    rated = workflow_task(lead=roads, co_leads=(housing,), status=S.COMPLETION_REQUESTED, due_on=due,
                          text="两个牵头单位、一个已办结的事项。")
    lifecycle_office.assignment_accept(assignment=lead_of(rated, roads), actor=office, rating="good")
    # What the audit trails show: a corrected rating, an edited task, an added deadline, a decided extension.
    lifecycle_office.assignment_rating_correct(assignment=lead_of(rated, roads), actor=office, rating="excellent",
                                               reason="复核佐证材料后调整评价。")
    task_edit(task=signed, user=office, title="已签收待反馈的事项（修改）")
    deadline_add(task=signed, actor=office, as_of=today, text="每季度末报送进展", due_on=None)
    decided = workflow_task(lead=roads, status=S.IN_PROGRESS, due_on=due, text="延期已批准的事项。")
    extension = lifecycle_unit.extension_request_create(
        assignment=lead_of(decided), actor=user, reason="施工图需等待省级主管部门批复后方可开工。",
        requested_due_on=due + timedelta(days=30), current_progress="已完成50%", as_of=today)
    lifecycle_office.extension_decide(extension=extension, actor=office, approve=True, note="同意。")
    workflow_task(lead=roads, status=S.RETURNED, due_on=due, text="被退回待重新交办的事项。")
    workflow_task(lead=housing, status=S.SIGNED, due_on=today - timedelta(days=5), text="已逾期待催办的事项。")
    workflow_task(lead=housing, support=(roads,), status=S.IN_PROGRESS, due_on=due, text="本单位配合的事项。")
    for person, name in ((office, "督查室张科长"), (manager, "王副市长"), (user, "交通局李主任")):
        person.first_name = name
        person.save(update_fields=["first_name"])
    return Users(office=office, unit=user, manager=manager)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client: Client, form: PostForm) -> tuple[int, str, str]:
    """Post a freshly rendered copy of `form`; (status, what the user is told, content type)."""
    data: dict[str, Any] = dict(form.fields)
    if form.button:
        data[form.button] = ""
    for name, upload in form.files.items():
        data[name] = SimpleUploadedFile(upload.name, b"%PDF-1.4 evidence", content_type="application/pdf")
    response = client.post(form.action, data)
    if response.status_code == 302:
        page = client.get(response["Location"])
        told = messages_of(lxml.html.fromstring(page.content.decode()))
        return response.status_code, repr(told), "text/html"
    if response["Content-Type"].startswith("text/html"):  # the form again, with what was wrong
        return response.status_code, repr(messages_of(lxml.html.fromstring(response.content.decode()))), "text/html"
    return response.status_code, response.get("Content-Disposition", ""), response["Content-Type"]


def _walk(client: Client, *, units: list[str]) -> dict[str, list[PostForm]]:
    today = timezone.localdate()
    found: dict[str, list[PostForm]] = {}
    for url, doc in pages(client):
        for form in post_forms(doc, url, units=units, today=today):
            found.setdefault(form.key, []).append(form)
    return found


def _check_every_form(client: Client, found: dict[str, list[PostForm]], *, warnings_ok: bool = False) -> list[str]:
    """Post each kind of form on up to two pages, and on one page each differently shaped form of that kind
    (「全部标为已读」 beside 「将所选标为已读」); the failures.
    `warnings_ok`: a warning that nothing could be done (the data does not allow it) also passes."""
    failures = []
    for key, forms in sorted(found.items()):
        pages_tried: set[str] = set()
        shapes_tried: set[tuple[str, frozenset[str]]] = set()
        for form in forms:
            shape = (form.page, frozenset(re.sub(r"\d+", "N", name) for name in (*form.fields, *form.files)))
            if shape in shapes_tried or (form.page not in pages_tried and len(pages_tried) >= 2):
                continue
            pages_tried.add(form.page)
            shapes_tried.add(shape)
            with transaction.atomic():
                before = db_fingerprint()
                status, told, content_type = _post(client, form)
                wrote = db_fingerprint() != before
                transaction.set_rollback(True)
            ok_page = status == 302 and "'success'" in told and "'error'" not in told
            ok_file = status == 200 and "attachment" in told and content_type != "text/html"
            ok_page = ok_page or (warnings_ok and status == 302 and "'warning'" in told and "'error'" not in told)
            if not (ok_page or ok_file) or not (wrote or "'warning'" in told):
                failures.append(f"{key} on {form.page} ({form.button}): HTTP {status}, {told}, wrote={wrote}")
    return failures


@pytest.mark.parametrize("role", ["office", "unit", "manager"])
def test_every_portal_form_works_as_rendered(role: str) -> None:
    users = _world()
    client = _client(getattr(users, role))
    found = _walk(client, units=["市公安局", "市应急管理局"])
    assert EXPECTED[role] <= set(found), f"the walk did not reach: {sorted(EXPECTED[role] - set(found))}"
    if role == "manager":  # managers read: the pages they reach carry no form that changes anything
        assert found == {}, sorted(found)
    failures = _check_every_form(client, found)
    assert not failures, "\n".join(failures)


def test_a_form_rendered_without_a_required_field_fails_the_walk() -> None:
    """The walk's own check: the 退办 card rendered without its 理由 (the bug of issue 14) is caught."""
    users = _world()
    client = _client(users.office)
    found = _walk(client, units=["市公安局"])
    form = found["assignment_action:send_back"][0]
    reason = next(name for name in form.fields if name.endswith("-reason"))
    del form.fields[reason]
    failures = _check_every_form(client, {"assignment_action:send_back": [form]})
    assert len(failures) == 1 and "理由" in failures[0]



# What a page scan must not find in the text a user reads: English words (the names of file formats aside),
# `None`, ISO or UTC timestamps, microseconds, and the raw codes of statuses, roles, ratings and flags.
ALLOWED_LATIN = {"Excel", "Word", "WPS", "PDF", "docx", "doc", "pdf", "txt", "html", "htm", "mht", "mhtml", "wps",
                 "ofd", "UTF", "GBK", "GB18030", "xlsx", "KB", "MB"}
FILE_NAME = re.compile(r"[\w.-]+\.(?:txt|docx|pdf|html?|mhtml?|xlsx)\b")
RAW = re.compile(r"\bNone\b|\d{4}-\d{2}-\d{2}T\d{2}|\+00:00|\d{2}:\d{2}:\d{2}\.\d+|\bUTC\b")


def _codes() -> set[str]:
    codes: set[str] = set()
    for choices in (Task.Status, Assignment.Status, Assignment.Role, Assignment.Rating, Task.Category,
                    Task.SourceKind, ExtensionRequest.Status):
        codes.update(str(value) for value in choices.values if re.search(r"[a-z]", str(value)))
    return codes


def _visible_text(doc: Any) -> str:
    for node in doc.xpath("//script|//style|//head|//textarea|//pre[@class='excerpt']"):
        node.drop_tree()
    return " ".join(doc.text_content().split())


def page_problems(client: Client, *, english: bool = True) -> list[str]:
    """What the scan finds on each page the client's user reaches (`english`: English words too, where the data
    itself is all Chinese)."""
    codes = _codes()
    problems = []
    for url, doc in pages(client):
        text = _visible_text(doc)
        found = {m.group(0) for m in RAW.finditer(text)}
        words = FILE_NAME.sub("", text)  # a file is shown by its name
        if english:
            found |= {w for w in re.findall(r"[A-Za-z_]{2,}", words) if w not in ALLOWED_LATIN}
        found |= {c for c in codes if re.search(rf"(?<![A-Za-z_]){c}(?![A-Za-z_])", text)}
        if found:
            problems.append(f"{url}: {sorted(found)}")
    return problems


@pytest.mark.parametrize("role", ["office", "unit", "manager"])
def test_portal_pages_read_in_chinese(role: str) -> None:
    users = _world()
    problems = page_problems(_client(getattr(users, role)))
    assert not problems, "\n".join(problems)

@pytest.mark.parametrize("role", ["office", "unit", "manager"])
def test_every_filter_and_picker_answers_each_choice(role: str) -> None:
    """Each GET form (the lists' filters, the 考评's period picker) with each of its fields set to each choice a
    person may make (or a typed word): the page answers, reads in Chinese and says nothing is wrong."""
    users = _world()
    client = _client(getattr(users, role))
    today = timezone.localdate()
    tried, problems = set(), []
    for url, doc in pages(client):
        for action, choices in get_forms(doc, url, units=["市交通运输局"], today=today):
            for name, values in choices.items():
                for value in values:
                    key = (urlsplit(action).path, name, value)
                    if key in tried:
                        continue
                    tried.add(key)
                    response = client.get(action, {name: value})
                    if response.status_code != 200:
                        problems.append(f"{key}: HTTP {response.status_code}")
                        continue
                    page = lxml.html.fromstring(response.content.decode())
                    errors = [e.text_content() for e in page.xpath("//*[contains(@class, 'errorlist')]")]
                    if errors or messages_of(page).get("error"):
                        problems.append(f"{key}: {errors} {messages_of(page).get('error')}")
    assert tried, "no filter form reached"
    assert not problems, "\n".join(problems)
