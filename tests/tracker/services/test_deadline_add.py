"""Deadlines typed by the office: the phrase as the grammar reads it (deadline_parse), 增加时限 on any task
(occurrences for the lead units holding it, current dates refreshed), and rewriting or removing a draft's
deadline."""
from __future__ import annotations

from datetime import date

import pytest

from tests.factories import DeadlineFactory, DirectiveFactory, TaskFactory
from tests.tracker.workflow import department_user, lead_of, manager_user, office_user, workflow_task
from tracker.models import Deadline, DeadlineOccurrence, Task, TaskEvent
from tracker.services.deadlines import (
    deadline_add,
    deadline_parse,
    deadline_reference,
    deadline_remove,
    deadline_set,
)
from tracker.transitions import TransitionError

pytestmark = pytest.mark.django_db
AS_OF = date(2026, 3, 10)


@pytest.fixture
def office():
    return office_user()


@pytest.mark.parametrize("text, due, recurrence", [
    ("6月底前", date(2026, 6, 30), None),
    ("每季度末", date(2026, 3, 31), "quarterly"),
    ("2026年9月30日", date(2026, 9, 30), None),  # a bare date typed into a deadline field is a deadline
    ("2026-09-30", date(2026, 9, 30), None),
    ("长期", None, "ongoing"),
])
def test_deadline_parse_reads_a_typed_phrase(text, due, recurrence):
    [spec] = deadline_parse(text=text, reference=date(2026, 3, 2))
    assert (spec.due, spec.recurrence) == (due, recurrence)


def test_deadline_parse_finds_nothing_in_words_without_a_date():
    assert deadline_parse(text="尽快", reference=AS_OF) == [] and deadline_parse(text="", reference=AS_OF) == []


def test_the_reference_day_is_the_issue_date_for_a_draft_and_today_once_assigned():
    draft = TaskFactory(directive=DirectiveFactory(issued_on=date(2023, 3, 15)))
    assert deadline_reference(task=draft, as_of=AS_OF) == date(2023, 3, 15)
    registered = TaskFactory(directive=None, source_kind="instruction", instructed_on=date(2026, 3, 1))
    assert deadline_reference(task=registered, as_of=AS_OF) == date(2026, 3, 1)
    Task.objects.filter(pk=draft.pk).update(status=Task.Status.ASSIGNED)
    draft.refresh_from_db()
    assert deadline_reference(task=draft, as_of=AS_OF) == AS_OF


def test_deadline_add_on_an_assigned_task_makes_each_lead_unit_owe_it(office):
    _, unit = department_user(username="u1")
    _, other = department_user(username="u2")
    task = workflow_task(lead=unit, co_leads=(other,), status=Task.Status.IN_PROGRESS, due_on=date(2026, 12, 31))
    [added] = deadline_add(task=task, actor=office, as_of=AS_OF, text="6月底前")
    assert (added.text, added.due_on, added.resolved_by, added.corrected_by) == ("6月底前", date(2026, 6, 30),
                                                                                "person", office)
    owed = DeadlineOccurrence.objects.filter(deadline=added)
    assert sorted(o.assignment.department_id for o in owed) == sorted([unit.pk, other.pk])
    task.refresh_from_db()
    assert task.current_due == date(2026, 6, 30) and lead_of(task, unit).current_due == date(2026, 6, 30)
    assert TaskEvent.objects.get(task=task, action="deadline_add").note == "增加时限：「6月底前」（2026-06-30）"


def test_deadline_add_by_date_and_a_recurring_phrase(office):
    _, unit = department_user(username="u1")
    task = workflow_task(lead=unit, status=Task.Status.SIGNED, due_on=date(2026, 12, 31))
    [dated] = deadline_add(task=task, actor=office, as_of=AS_OF, due_on=date(2026, 8, 15))
    assert (dated.text, dated.due_on) == ("2026年08月15日前", date(2026, 8, 15))
    [monthly] = deadline_add(task=task, actor=office, as_of=AS_OF, text="每月25日前报送进展")
    assert (monthly.recurrence, monthly.rule) == ("monthly", "M:25")
    assert DeadlineOccurrence.objects.filter(deadline=monthly).first().due_on == date(2026, 3, 25)
    assert "（2026-03-25，每月）" in TaskEvent.objects.filter(task=task, action="deadline_add").last().note


def test_deadline_add_refuses_a_past_date_on_a_task_the_units_hold(office):
    _, unit = department_user(username="u1")
    task = workflow_task(lead=unit, status=Task.Status.SIGNED, due_on=date(2026, 12, 31))
    with pytest.raises(TransitionError, match="早于今天"):
        deadline_add(task=task, actor=office, as_of=AS_OF, due_on=date(2026, 3, 1))
    assert task.deadlines.count() == 1


def test_an_unreadable_phrase_is_kept_flagged_on_a_draft(office):
    task = TaskFactory()
    [kept] = deadline_add(task=task, actor=office, as_of=AS_OF, text="汛期结束后适时")
    assert kept.due_on is None and kept.flags == ["unresolved"]
    assert Task.objects.get(pk=task.pk).edited


@pytest.mark.parametrize("who", ["manager", "unit"])
def test_nobody_but_the_office_adds_changes_or_removes_a_deadline(who):
    user = manager_user() if who == "manager" else department_user(username="u9")[0]
    task = TaskFactory()
    deadline = DeadlineFactory(task=task)
    for call in (lambda: deadline_add(task=task, actor=user, as_of=AS_OF, text="6月底前"),
                 lambda: deadline_set(deadline=deadline, actor=user, as_of=AS_OF, text="年底前"),
                 lambda: deadline_remove(deadline=deadline, actor=user)):
        with pytest.raises(TransitionError, match="只有督查室"):
            call()
    assert list(Deadline.objects.all()) == [deadline] and not TaskEvent.objects.exists()


def test_deadline_set_reparses_a_new_phrase_and_clears_the_unresolved_flag(office):
    task = TaskFactory(directive=DirectiveFactory(issued_on=date(2024, 2, 1)), flags=["deadline_unresolved"])
    deadline = DeadlineFactory(task=task, text="主汛期前", due_on=None, parsed_due_on=None, kind="holiday",
                               flags=["unresolved"])
    deadline = deadline_set(deadline=deadline, actor=office, as_of=AS_OF, text="6月底前")
    assert (deadline.text, deadline.due_on, deadline.flags, deadline.resolved_by) == (
        "6月底前", date(2024, 6, 30), [], "person")
    task.refresh_from_db()
    assert task.flags == [] and task.current_due == date(2024, 6, 30) and task.edited
    assert TaskEvent.objects.get(task=task, action="deadline_correct").note == \
        "时限 「主汛期前」（日期待定） 改为 「6月底前」（2024-06-30）"
    deadline = deadline_set(deadline=deadline, actor=office, as_of=AS_OF, due_on=date(2024, 7, 15))
    assert (deadline.text, deadline.due_on) == ("6月底前", date(2024, 7, 15))


def test_deadline_remove_on_a_draft_only(office):
    task = TaskFactory()
    deadline = DeadlineFactory(task=task, text="年底前")
    deadline_remove(deadline=deadline, actor=office)
    assert not task.deadlines.exists() and Task.objects.get(pk=task.pk).current_due is None
    assert TaskEvent.objects.get(task=task).note == "删除时限 「年底前」（2023-12-31）"
    _, unit = department_user(username="u1")
    held = workflow_task(lead=unit, status=Task.Status.SIGNED, due_on=date(2026, 12, 31))
    with pytest.raises(TransitionError, match="不能删除"):
        deadline_remove(deadline=held.deadlines.get(), actor=office)


def test_deadline_set_on_an_assigned_task_moves_the_units_dates(office):
    _, unit = department_user(username="u1")
    task = workflow_task(lead=unit, status=Task.Status.SIGNED, due_on=date(2026, 12, 31))
    deadline_set(deadline=task.deadlines.get(), actor=office, as_of=AS_OF, due_on=date(2026, 10, 31))
    assert lead_of(task).current_due == date(2026, 10, 31)
