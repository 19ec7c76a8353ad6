from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from tests.factories import (
    AssignmentFactory,
    DeadlineFactory,
    DepartmentFactory,
    DirectiveFactory,
    TaskFactory,
)
from tracker.models import DeadlineOccurrence, Department, DepartmentAlias, Directive, HolidayOverride, Task

pytestmark = pytest.mark.django_db


def raises_integrity(fn) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        fn()


def test_directive_number_is_unique_per_issuer_but_not_across_issuers():
    first = DirectiveFactory(doc_number="阳政发〔2023〕1号", issuer="阳泉市人民政府")
    DirectiveFactory(doc_number="阳政发〔2023〕1号", issuer="另一机关")
    raises_integrity(lambda: DirectiveFactory(doc_number=first.doc_number, issuer=first.issuer))


def test_directives_without_number_are_not_deduplicated():
    DirectiveFactory(doc_number="", issuer="阳泉市人民政府")
    DirectiveFactory(doc_number="", issuer="阳泉市人民政府")
    assert Directive.objects.filter(doc_number="").count() == 2


def test_line_range_constraint():
    raises_integrity(lambda: DirectiveFactory(line_start=9, line_end=3))
    raises_integrity(lambda: TaskFactory(line_start=9, line_end=3))


def test_assignment_is_unique_per_task_and_department():
    assignment = AssignmentFactory()
    raises_integrity(lambda: AssignmentFactory(task=assignment.task, department=assignment.department, role="support"))


def test_alias_unique_and_occurrence_unique_and_holiday_unique():
    unit = DepartmentFactory(name="市发展和改革委员会")
    DepartmentAlias.objects.create(department=unit, alias="市发改委")
    raises_integrity(lambda: DepartmentAlias.objects.create(department=DepartmentFactory(), alias="市发改委"))
    deadline = DeadlineFactory()
    part, co_lead = AssignmentFactory(task=deadline.task), AssignmentFactory(task=deadline.task)
    DeadlineOccurrence.objects.create(deadline=deadline, assignment=part, due_on=date(2023, 4, 30))
    raises_integrity(lambda: DeadlineOccurrence.objects.create(deadline=deadline, assignment=part,
                                                               due_on=date(2023, 4, 30)))
    # The same day owed by a co-lead unit is that unit's own occurrence.
    DeadlineOccurrence.objects.create(deadline=deadline, assignment=co_lead, due_on=date(2023, 4, 30))
    raises_integrity(lambda: DeadlineOccurrence.objects.create(deadline=deadline, due_on=date(2023, 5, 31)))
    HolidayOverride.objects.create(day=date(2023, 10, 7), is_workday=True)
    raises_integrity(lambda: HolidayOverride.objects.create(day=date(2023, 10, 7), is_workday=False))


def test_progress_percent_cannot_exceed_100():
    AssignmentFactory(progress_percent=100)
    raises_integrity(lambda: AssignmentFactory(progress_percent=101))


def test_an_accepted_part_has_its_time_and_only_then():
    from django.utils import timezone

    AssignmentFactory(status="accepted", accepted_at=timezone.now())
    raises_integrity(lambda: AssignmentFactory(status="accepted", accepted_at=None))
    raises_integrity(lambda: AssignmentFactory(status="in_progress", accepted_at=timezone.now()))


def test_a_support_part_never_requests_completion():
    AssignmentFactory(role="lead", status="completion_requested")
    raises_integrity(lambda: AssignmentFactory(role="support", status="completion_requested"))


def test_event_status_labels_use_the_units_or_the_tasks_words():
    from tracker.models import TaskEvent

    part = AssignmentFactory()
    unit_event = TaskEvent(task=part.task, assignment=part, department=part.department, action="accept",
                           from_status="completion_requested", to_status="accepted")
    task_event = TaskEvent(task=part.task, action="sign_off", from_status="completion_requested",
                           to_status="signed_off")
    assert unit_event.status_labels() == ("申请办结", "已办结")
    assert task_event.status_labels() == ("申请办结", "已销号")
    assert str(unit_event) == "办结确认（申请办结 → 已办结）"


def test_str_and_numbered_lines():
    directive = DirectiveFactory(doc_number="阳政办发〔2023〕5号", title="关于春耕的通知",
                                 source__text="甲\n乙\n丙\n丁\n", line_start=2, line_end=3)
    assert str(directive) == "阳政办发〔2023〕5号 关于春耕的通知"
    assert directive.numbered_lines() == [(2, "乙"), (3, "丙")]
    assert str(Department(name="市数据局", verified=False)) == "市数据局（未核实）"


def test_task_history_is_recorded():
    task = TaskFactory(title="原标题")
    task.title = "新标题"
    task.save(update_fields=["title"])
    assert list(task.history.values_list("title", flat=True)) == ["新标题", "原标题"]


def test_a_part_carries_its_tasks_directive():
    part = AssignmentFactory()
    assert part.directive_id == part.task.directive_id is not None
    # A task registered by hand (立项) has no directive, nor have its units' parts.
    registered = AssignmentFactory(task=TaskFactory(directive=None, source_kind=Task.SourceKind.MEETING))
    assert registered.directive_id is None


def test_a_task_from_a_directive_must_name_it():
    raises_integrity(lambda: TaskFactory(directive=None))
