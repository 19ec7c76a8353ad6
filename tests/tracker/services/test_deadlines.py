from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from tests.factories import DeadlineFactory, DepartmentFactory, TaskFactory, UserFactory
from tests.tracker.workflow import unit_add
from tracker.models import Assignment, Deadline, HolidayOverride, Task, TaskEvent
from tracker.services.deadlines import deadline_correct, occurrences_generate, work_calendar

pytestmark = pytest.mark.django_db


def test_work_calendar_reads_holiday_overrides():
    # 2023-10-07 (Saturday) is an official make-up working day; the office turns it into a day off.
    assert work_calendar().is_workday(date(2023, 10, 7))
    HolidayOverride.objects.create(day=date(2023, 10, 7), is_workday=False, note="停工")
    HolidayOverride.objects.create(day=date(2023, 10, 14), is_workday=True, note="加班")
    calendar = work_calendar()
    assert not calendar.is_workday(date(2023, 10, 7)) and calendar.is_workday(date(2023, 10, 14))


def _assigned(deadline, status=Assignment.Status.IN_PROGRESS):
    """A lead unit's part of the deadline's task (owing its occurrences, as 交办 makes them)."""
    return unit_add(deadline.task, DepartmentFactory(), status=status)


def test_correction_keeps_text_and_parsed_date_and_records_who():
    user = UserFactory(username="clerk")
    deadline = DeadlineFactory(text="4月底前", due_on=date(2023, 4, 30), parsed_due_on=date(2023, 4, 30))
    first, second = _assigned(deadline), _assigned(deadline)
    second.occurrences.update(due_on=date(2023, 6, 30), original_due_on=date(2023, 4, 30))  # extended already
    deadline = deadline_correct(deadline=deadline, due_on=date(2023, 5, 15), user=user, note="按会议纪要")
    assert (deadline.text, deadline.parsed_due_on, deadline.due_on) == ("4月底前", date(2023, 4, 30), date(2023, 5, 15))
    assert deadline.corrected_by == user and deadline.corrected_at is not None
    assert deadline.resolved_by == Deadline.ResolvedBy.PERSON
    # Every unit's open date moves, except one its own extension moved.
    assert list(first.occurrences.values_list("due_on", flat=True)) == [date(2023, 5, 15)]
    assert list(second.occurrences.values_list("due_on", flat=True)) == [date(2023, 6, 30)]
    assert Task.objects.get(pk=deadline.task_id).edited
    assert "按会议纪要" in TaskEvent.objects.get(action="deadline_correct").note


def test_correcting_an_unresolved_deadline_gives_each_lead_unit_an_occurrence_and_clears_the_flag():
    deadline = DeadlineFactory(text="汛期前", due_on=None, parsed_due_on=None, flags=["unresolved"])
    part = _assigned(deadline)
    deadline = deadline_correct(deadline=deadline, due_on=date(2023, 6, 1), user=UserFactory())
    assert deadline.flags == [] and part.occurrences.get().due_on == date(2023, 6, 1)
    part.refresh_from_db()
    assert part.current_due == date(2023, 6, 1)


def test_correcting_a_drafts_deadline_makes_no_occurrence():
    deadline = DeadlineFactory(text="4月底前", due_on=date(2023, 4, 30))
    deadline_correct(deadline=deadline, due_on=date(2023, 5, 31), user=UserFactory())
    assert not deadline.occurrences.exists()
    assert Task.objects.get(pk=deadline.task_id).current_due == date(2023, 5, 31)


def test_occurrences_generate_rolls_the_horizon_per_lead_unit_and_keeps_completed_ones():
    task = TaskFactory(status=Task.Status.IN_PROGRESS)
    monthly = DeadlineFactory(task=task, text="每月底前", due_on=date(2023, 3, 31), recurrence="monthly", rule="M:end")
    part, co_lead = _assigned(monthly), _assigned(monthly)
    monthly.occurrences.all().delete()  # as if assigned with nothing generated yet
    run = occurrences_generate(as_of=date(2023, 6, 10), horizon_days=60)
    assert list(co_lead.occurrences.values_list("due_on", flat=True)) == [date(2023, 6, 30), date(2023, 7, 31)]
    monthly = part.occurrences
    assert list(monthly.values_list("due_on", flat=True)) == [date(2023, 6, 30), date(2023, 7, 31)]
    monthly.filter(due_on=date(2023, 6, 30)).update(completed_at=timezone.now())
    again = occurrences_generate(as_of=date(2023, 6, 10), horizon_days=60)
    assert again.created == 0 and run.created == 4
    occurrences_generate(as_of=date(2023, 7, 20), horizon_days=60)  # horizon ends 18 September
    assert list(monthly.values_list("due_on", flat=True)) == [
        date(2023, 6, 30), date(2023, 7, 31), date(2023, 8, 31)]
    assert monthly.get(due_on=date(2023, 6, 30)).completed_at is not None


def test_occurrences_generate_leaves_drafts_accepted_and_support_parts_alone():
    monthly = DeadlineFactory(due_on=date(2023, 3, 31), recurrence="monthly", rule="M:end", text="每月底前")
    done = _assigned(monthly, status=Assignment.Status.ACCEPTED)
    support = unit_add(monthly.task, DepartmentFactory(), role=Assignment.Role.SUPPORT,
                       status=Assignment.Status.IN_PROGRESS)
    draft = DeadlineFactory(due_on=date(2023, 3, 31), recurrence="monthly", rule="M:end", text="每月底前")
    monthly.occurrences.all().delete()
    assert occurrences_generate(as_of=date(2023, 4, 1)).created == 0
    assert not done.occurrences.exists() and not support.occurrences.exists() and not draft.occurrences.exists()


def test_bimonthly_deadline_from_the_parser_gets_even_month_occurrences():
    from parsing.deadlines import extract_deadlines

    (spec,) = extract_deadlines("每两个月报送一次工作进展", issued_on=date(2024, 1, 10))
    deadline = DeadlineFactory(text=spec.text, kind=spec.kind, due_on=spec.due, recurrence=spec.recurrence,
                               rule=spec.rule)
    deadline.full_clean(exclude=["task"])  # "bimonthly" is one of the model's choices
    assert deadline.get_recurrence_display() == "每两个月"
    part = _assigned(deadline)
    part.occurrences.all().delete()  # as if assigned with nothing generated yet
    occurrences_generate(as_of=date(2024, 1, 10), horizon_days=172)  # to 30 June
    assert list(part.occurrences.values_list("due_on", flat=True)) == [
        date(2024, 2, 29), date(2024, 4, 30), date(2024, 6, 30)]
