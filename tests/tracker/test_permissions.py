"""tracker.permissions, rule by rule: who holds which role, and which rows each scoped queryset lets a unit read.

Written against the mutation run (docs/mutation.md): every rule here is one a mutant removed unnoticed — an
inactive user keeping a role, membership ids standing in for department ids, a support unit reading another
support unit's input, a rating or a 督查通报 leaking to other units.
"""
from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import DepartmentFactory
from tests.tracker.workflow import department_user, lead_of, manager_user, office_user, workflow_task
from tracker import permissions as p
from tracker.memo import request_memo
from tracker.models import (
    Assignment,
    Attachment,
    DepartmentMembership,
    IssuedDocument,
    ProgressReport,
    Task,
    TaskEvent,
    Urge,
)

pytestmark = pytest.mark.django_db

S = Task.Status
DUE = date(2030, 6, 30)


def _pks(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


# --- roles -----------------------------------------------------------------------------------------------


def test_office_and_manager_roles_follow_their_groups():
    office, manager = office_user(), manager_user()
    user, _ = department_user(username="unit")
    assert p.user_is_office(office) and not p.user_is_manager(office)
    assert p.user_is_manager(manager) and not p.user_is_office(manager)
    assert not p.user_is_office(user) and not p.user_is_manager(user)
    assert p.user_sees_all(office) and p.user_sees_all(manager) and not p.user_sees_all(user)


def test_superuser_is_office():
    admin = get_user_model().objects.create_superuser(username="root", password="pw-test-123")
    assert p.user_is_office(admin)
    assert not p.user_is_manager(admin)


@pytest.mark.parametrize("make", [office_user, manager_user])
def test_an_inactive_user_holds_no_role(make):
    user = make()
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert not p.user_is_office(user)
    assert not p.user_is_manager(user)
    assert not p.user_sees_all(user)
    _, unit = department_user(username="unit")
    workflow_task(lead=unit, status=S.ASSIGNED, due_on=DUE)
    assert not p.task_visible_to(user=user).exists()
    assert not p.assignment_for(user=user).exists()


def test_an_inactive_superuser_is_not_office():
    admin = get_user_model().objects.create_superuser(username="root", password="pw-test-123", is_active=False)
    assert not p.user_is_office(admin)


def test_anonymous_holds_no_role_and_no_department():
    anonymous = AnonymousUser()
    assert not p.user_is_office(anonymous)
    assert not p.user_is_manager(anonymous)
    assert p.user_department_ids(anonymous) == set()
    assert not p.task_visible_to(user=anonymous).exists()


def test_role_results_are_cached_per_user_object():
    user = office_user()
    assert p.user_is_office(user)
    user.groups.clear()
    assert p.user_is_office(user)  # the same request's user object keeps its groups
    fresh = get_user_model().objects.get(pk=user.pk)
    assert not p.user_is_office(fresh)


# --- departments -----------------------------------------------------------------------------------------


def test_user_department_ids_are_department_ids_not_membership_ids():
    other = DepartmentFactory(name="市统计局")
    user, department = department_user(username="unit")
    second = DepartmentFactory(name="市审计局")
    DepartmentMembership.objects.create(user=user, department=second)
    memberships = set(DepartmentMembership.objects.filter(user=user).values_list("pk", flat=True))
    ids = p.user_department_ids(user)
    assert ids == {department.pk, second.pk}
    assert ids.isdisjoint(memberships)
    assert other.pk not in ids


def test_within_one_request_each_user_keeps_their_own_departments():
    """The per-request memo is keyed by user: a second user in the same request never gets the first one's units."""
    user_a, unit_a = department_user(username="unit_a", department_name="市教育局")
    user_b, unit_b = department_user(username="unit_b", department_name="市卫生健康委")
    with request_memo():
        assert p.user_department_ids(user_a) == {unit_a.pk}
        assert p.user_department_ids(user_b) == {unit_b.pk}
        assert p.user_department_ids(user_a) == {unit_a.pk}


def test_an_inactive_member_works_for_no_department():
    user, _ = department_user(username="unit")
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert p.user_department_ids(user) == set()


def test_department_visible_to():
    office = office_user()
    user, department = department_user(username="unit")
    DepartmentFactory(name="市统计局")
    assert _pks(p.department_visible_to(user=user)) == {department.pk}
    assert p.department_visible_to(user=office).count() == 2


# --- tasks and parts -------------------------------------------------------------------------------------


@pytest.fixture
def pair():
    """Two units leading one task together, a support unit on it, and a third unit with its own task."""
    user_a, unit_a = department_user(username="unit_a", department_name="市教育局")
    user_b, unit_b = department_user(username="unit_b", department_name="市卫生健康委")
    user_s, unit_s = department_user(username="unit_s", department_name="市财政局")
    user_c, unit_c = department_user(username="unit_c", department_name="市民政局")
    shared = workflow_task(lead=unit_a, co_leads=(unit_b,), support=(unit_s,), status=S.IN_PROGRESS, due_on=DUE)
    other = workflow_task(lead=unit_c, status=S.IN_PROGRESS, due_on=DUE, text="推进养老服务设施建设，年底前建成。")
    return {"a": user_a, "b": user_b, "s": user_s, "c": user_c, "unit_a": unit_a, "unit_b": unit_b,
            "unit_s": unit_s, "unit_c": unit_c, "shared": shared, "other": other}


def test_units_see_their_tasks_and_never_the_office_drafts(pair):
    draft = workflow_task(lead=pair["unit_a"], status=S.PENDING_REVIEW, text="待审核的草稿事项。")
    dismissed = workflow_task(lead=pair["unit_a"], status=S.PENDING_REVIEW, text="被标为非任务的事项。")
    Task.objects.filter(pk=dismissed.pk).update(status=S.DISMISSED)
    assert _pks(p.task_visible_to(user=pair["a"])) == {pair["shared"].pk}
    assert _pks(p.task_visible_to(user=pair["c"])) == {pair["other"].pk}
    assert {draft.pk, dismissed.pk} <= _pks(p.task_visible_to(user=office_user()))
    assert {draft.pk, dismissed.pk} <= _pks(p.task_visible_to(user=manager_user()))


def test_a_user_without_department_sees_no_task(pair):
    loner = get_user_model().objects.create_user(username="loner", password="pw-test-123")
    assert not p.task_visible_to(user=loner).exists()
    assert not p.assignment_visible_to(user=loner).exists()
    assert not p.assignment_for(user=loner).exists()


def test_parts_visible_include_co_leads_but_a_unit_works_on_its_own_only(pair):
    shared, other = pair["shared"], pair["other"]
    assert _pks(p.assignment_visible_to(user=pair["a"])) == _pks(shared.assignments.all())
    assert _pks(p.assignment_for(user=pair["a"])) == {lead_of(shared, pair["unit_a"]).pk}
    assert _pks(p.assignment_for(user=pair["c"])) == {lead_of(other).pk}
    assert p.assignment_for(user=office_user()).count() == Assignment.objects.count()
    assert p.assignment_visible_to(user=manager_user()).count() == Assignment.objects.count()


def test_a_units_part_of_a_draft_is_not_its_work(pair):
    draft = workflow_task(lead=pair["unit_a"], status=S.PENDING_REVIEW, text="待审核的草稿事项。")
    assert not p.assignment_for(user=pair["a"]).filter(task=draft).exists()


def test_directives_and_source_files_follow_the_tasks(pair):
    shared, other = pair["shared"], pair["other"]
    assert _pks(p.directive_visible_to(user=pair["a"])) == {shared.directive_id}
    assert _pks(p.source_file_visible_to(user=pair["a"])) == {shared.directive.source_id}
    assert _pks(p.source_file_visible_to(user=pair["c"])) == {other.directive.source_id}
    assert p.directive_visible_to(user=office_user()).count() == 2
    assert p.source_file_visible_to(user=manager_user()).count() == 2


# --- reports, attachments, requests, urges, events, documents ---------------------------------------------


def _report(task: Task, department, user, *, text: str) -> ProgressReport:
    part = task.assignments.get(department=department)
    report = ProgressReport.objects.create(task=task, assignment=part, department=department, author=user,
                                           text=text, percent=30)
    Attachment.objects.create(report=report, file=SimpleUploadedFile("a.pdf", b"%PDF"), original_name="a.pdf",
                              size=4, uploaded_by=user)
    return report


def test_report_scope(pair):
    shared = pair["shared"]
    unit_s2_user, unit_s2 = department_user(username="unit_s2", department_name="市审计局")
    Assignment.objects.create(task=shared, department=unit_s2, role=Assignment.Role.SUPPORT, status="in_progress")
    lead_a = _report(shared, pair["unit_a"], pair["a"], text="教育局的进展")
    support_s = _report(shared, pair["unit_s"], pair["s"], text="财政局的配合意见")
    support_s2 = _report(shared, unit_s2, unit_s2_user, text="审计局的配合意见")
    other = _report(pair["other"], pair["unit_c"], pair["c"], text="民政局的进展")
    # A lead unit reads every report on a task it leads; a co-lead too.
    assert _pks(p.progress_report_visible_to(user=pair["a"])) == {lead_a.pk, support_s.pk, support_s2.pk}
    assert _pks(p.progress_report_visible_to(user=pair["b"])) == {lead_a.pk, support_s.pk, support_s2.pk}
    # A support unit: its own input and the leads' reports, never another support unit's.
    assert _pks(p.progress_report_visible_to(user=pair["s"])) == {lead_a.pk, support_s.pk}
    assert _pks(p.progress_report_visible_to(user=unit_s2_user)) == {lead_a.pk, support_s2.pk}
    assert _pks(p.progress_report_visible_to(user=pair["c"])) == {other.pk}
    assert p.progress_report_visible_to(user=manager_user()).count() == 4
    # Attachments follow their reports.
    assert _pks(p.attachment_visible_to(user=pair["s"])) == _pks(
        Attachment.objects.filter(report__in=[lead_a, support_s]))
    assert _pks(p.attachment_visible_to(user=pair["a"])) == _pks(
        Attachment.objects.filter(report__in=[lead_a, support_s, support_s2]))
    assert p.attachment_visible_to(user=office_user()).count() == 4


def test_a_tasks_own_papers_are_visible_with_the_task(pair):
    paper = Attachment.objects.create(task=pair["shared"], file=SimpleUploadedFile("批示件.pdf", b"%PDF"),
                                      original_name="批示件.pdf", size=4)
    assert paper.pk in _pks(p.attachment_visible_to(user=pair["s"]))
    assert paper.pk not in _pks(p.attachment_visible_to(user=pair["c"]))


def test_extension_requests_a_unit_sees_are_its_own(pair):
    from tracker.services.lifecycle_unit import extension_request_create

    def ask(user, unit):
        return extension_request_create(assignment=lead_of(pair["shared"], unit), actor=user,
                                        reason="需等待省级批复，无法按期完成。", requested_due_on=date(2030, 9, 30),
                                        current_progress="已完成40%", as_of=date(2030, 6, 1))

    mine, theirs = ask(pair["a"], pair["unit_a"]), ask(pair["b"], pair["unit_b"])
    assert _pks(p.extension_request_visible_to(user=pair["a"])) == {mine.pk}
    assert _pks(p.extension_request_visible_to(user=pair["b"])) == {theirs.pk}
    assert not p.extension_request_visible_to(user=pair["c"]).exists()
    assert p.extension_request_visible_to(user=manager_user()).count() == 2


def test_occurrences_follow_the_visible_parts(pair):
    shared = pair["shared"]
    assert _pks(p.occurrence_visible_to(user=pair["a"])) == set(
        shared.assignments.values_list("occurrences", flat=True).exclude(occurrences=None))
    assert not p.occurrence_visible_to(user=pair["c"]).filter(assignment__task=shared).exists()
    assert p.occurrence_visible_to(user=office_user()).count() == 3


def test_a_unit_sees_the_urges_addressed_to_itself(pair):
    office = office_user()
    to_a = Urge.objects.create(task=pair["shared"], assignment=lead_of(pair["shared"], pair["unit_a"]),
                               urged_by=office, note="请加快")
    to_b = Urge.objects.create(task=pair["shared"], assignment=lead_of(pair["shared"], pair["unit_b"]),
                               urged_by=office, note="请加快")
    assert _pks(p.urge_visible_to(user=pair["a"])) == {to_a.pk}
    assert _pks(p.urge_visible_to(user=pair["b"])) == {to_b.pk}
    assert _pks(p.urge_visible_to(user=manager_user())) == {to_a.pk, to_b.pk}


def test_events_hide_other_units_ratings(pair):
    shared = pair["shared"]
    part_a, part_b = lead_of(shared, pair["unit_a"]), lead_of(shared, pair["unit_b"])

    def event(action, part):
        return TaskEvent.objects.create(task=shared, assignment=part, department_id=part.department_id,
                                        action=action)

    rate_a, fix_b = event(TaskEvent.Action.RATE, part_a), event(TaskEvent.Action.RATE_CORRECT, part_b)
    rate_b, sign_b = event(TaskEvent.Action.RATE, part_b), event(TaskEvent.Action.SIGN, part_b)
    other = TaskEvent.objects.create(task=pair["other"], action=TaskEvent.Action.ASSIGN)
    seen_by_a = _pks(p.task_event_visible_to(user=pair["a"]))
    assert rate_a.pk in seen_by_a and sign_b.pk in seen_by_a
    assert not {fix_b.pk, rate_b.pk, other.pk} & seen_by_a
    assert {fix_b.pk, rate_b.pk} <= _pks(p.task_event_visible_to(user=pair["b"]))
    assert {rate_a.pk, rate_b.pk, fix_b.pk, other.pk} <= _pks(p.task_event_visible_to(user=manager_user()))


def test_issued_documents_a_unit_sees_are_addressed_to_it_and_never_a_bulletin(pair):
    def issue(kind, serial, *departments):
        document = IssuedDocument.objects.create(kind=kind, year=2030, serial=serial, number=f"{kind}{serial}",
                                                 key=f"{kind}:{serial}", title="文书", issued_on=DUE,
                                                 filename="x.docx", content=b"x")
        document.departments.set(departments)
        return document

    to_a = issue(IssuedDocument.Kind.NOTICE, 1, pair["unit_a"])
    urge_a = issue(IssuedDocument.Kind.URGE, 2, pair["unit_a"], pair["unit_b"])
    to_c = issue(IssuedDocument.Kind.NOTICE, 3, pair["unit_c"])
    bulletin = issue(IssuedDocument.Kind.BULLETIN, 4, pair["unit_a"], pair["unit_c"])
    assert _pks(p.issued_document_visible_to(user=pair["a"])) == {to_a.pk, urge_a.pk}
    assert _pks(p.issued_document_visible_to(user=pair["c"])) == {to_c.pk}
    assert _pks(p.issued_document_visible_to(user=manager_user())) == {to_a.pk, urge_a.pk, to_c.pk, bulletin.pk}


def test_a_report_attachment_follows_its_report_even_when_it_names_the_task(pair):
    """Only an attachment without a report is one of the task's own papers: a report's file that also names its
    task stays as private as the report (another support unit's input)."""
    unit_s2_user, unit_s2 = department_user(username="unit_s2", department_name="市审计局")
    Assignment.objects.create(task=pair["shared"], department=unit_s2, role=Assignment.Role.SUPPORT,
                              status="in_progress")
    report = _report(pair["shared"], unit_s2, unit_s2_user, text="审计局的配合意见")
    both = Attachment.objects.create(report=report, task=pair["shared"], file=SimpleUploadedFile("b.pdf", b"%PDF"),
                                     original_name="b.pdf", size=4)
    assert both.pk not in _pks(p.attachment_visible_to(user=pair["s"]))
    assert both.pk in _pks(p.attachment_visible_to(user=unit_s2_user))


def test_a_units_extension_request_on_a_task_taken_back_as_a_draft_is_hidden(pair):
    from tracker.models import ExtensionRequest

    part = lead_of(pair["shared"], pair["unit_a"])
    request = ExtensionRequest.objects.create(
        task=pair["shared"], assignment=part, deadline=pair["shared"].deadlines.get(), department=pair["unit_a"],
        requested_by=pair["a"], reason="需等待省级批复。", current_progress="40%", requested_due_on=date(2030, 9, 30),
        original_due_on=DUE)
    assert _pks(p.extension_request_visible_to(user=pair["a"])) == {request.pk}
    Task.objects.filter(pk=pair["shared"].pk).update(status=S.DISMISSED)
    assert not p.extension_request_visible_to(user=pair["a"]).exists()
