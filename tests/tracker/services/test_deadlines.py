from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from tests.factories import DeadlineFactory, TaskFactory, UserFactory
from tracker.models import Deadline, DeadlineOccurrence, HolidayOverride, Task, TaskEvent
from tracker.services.deadlines import deadline_correct, occurrences_generate, work_calendar

pytestmark = pytest.mark.django_db


def test_work_calendar_reads_holiday_overrides():
    # 2023-10-07 (Saturday) is an official make-up working day; the office turns it into a day off.
    assert work_calendar().is_workday(date(2023, 10, 7))
    HolidayOverride.objects.create(day=date(2023, 10, 7), is_workday=False, note="停工")
    HolidayOverride.objects.create(day=date(2023, 10, 14), is_workday=True, note="加班")
    calendar = work_calendar()
    assert not calendar.is_workday(date(2023, 10, 7)) and calendar.is_workday(date(2023, 10, 14))


def test_correction_keeps_text_and_parsed_date_and_records_who():
    user = UserFactory(username="clerk")
    deadline = DeadlineFactory(text="4月底前", due_on=date(2023, 4, 30), parsed_due_on=date(2023, 4, 30))
    DeadlineOccurrence.objects.create(deadline=deadline, due_on=date(2023, 4, 30))
    deadline = deadline_correct(deadline=deadline, due_on=date(2023, 5, 15), user=user, note="按会议纪要")
    assert (deadline.text, deadline.parsed_due_on, deadline.due_on) == ("4月底前", date(2023, 4, 30), date(2023, 5, 15))
    assert deadline.corrected_by == user and deadline.corrected_at is not None
    assert deadline.resolved_by == Deadline.ResolvedBy.PERSON
    assert list(deadline.occurrences.values_list("due_on", flat=True)) == [date(2023, 5, 15)]
    assert Task.objects.get(pk=deadline.task_id).edited
    assert "按会议纪要" in TaskEvent.objects.get(action="deadline_correct").note


def test_correcting_an_unresolved_deadline_gives_it_an_occurrence_and_clears_the_flag():
    deadline = DeadlineFactory(text="汛期前", due_on=None, parsed_due_on=None, flags=["unresolved"])
    deadline = deadline_correct(deadline=deadline, due_on=date(2023, 6, 1), user=UserFactory())
    assert deadline.flags == [] and deadline.occurrences.get().due_on == date(2023, 6, 1)


def test_occurrences_generate_rolls_the_horizon_and_keeps_completed_ones():
    task = TaskFactory(status=Task.Status.IN_PROGRESS)
    monthly = DeadlineFactory(task=task, text="每月底前", due_on=date(2023, 3, 31), recurrence="monthly", rule="M:end")
    run = occurrences_generate(as_of=date(2023, 6, 10), horizon_days=60)
    assert list(monthly.occurrences.values_list("due_on", flat=True)) == [date(2023, 6, 30), date(2023, 7, 31)]
    monthly.occurrences.filter(due_on=date(2023, 6, 30)).update(completed_at=timezone.now())
    again = occurrences_generate(as_of=date(2023, 6, 10), horizon_days=60)
    assert again.created == 0 and run.created >= 2
    occurrences_generate(as_of=date(2023, 7, 20), horizon_days=60)  # horizon ends 18 September
    assert list(monthly.occurrences.values_list("due_on", flat=True)) == [
        date(2023, 6, 30), date(2023, 7, 31), date(2023, 8, 31)]
    assert monthly.occurrences.get(due_on=date(2023, 6, 30)).completed_at is not None


def test_occurrences_generate_gives_one_off_deadlines_their_single_occurrence_and_skips_signed_off():
    one_off = DeadlineFactory(due_on=date(2023, 4, 30))
    done = DeadlineFactory(task=TaskFactory(status=Task.Status.SIGNED_OFF, signed_off_at=timezone.now()),
                           due_on=date(2023, 4, 30))
    occurrences_generate(as_of=date(2023, 4, 1))
    assert list(one_off.occurrences.values_list("due_on", flat=True)) == [date(2023, 4, 30)]
    assert not done.occurrences.exists()


def test_bimonthly_deadline_from_the_parser_gets_even_month_occurrences():
    from parsing.deadlines import extract_deadlines

    (spec,) = extract_deadlines("每两个月报送一次工作进展", issued_on=date(2024, 1, 10))
    task = TaskFactory(status=Task.Status.IN_PROGRESS)
    deadline = DeadlineFactory(task=task, text=spec.text, kind=spec.kind, due_on=spec.due, recurrence=spec.recurrence,
                               rule=spec.rule)
    deadline.full_clean(exclude=["task"])  # "bimonthly" is one of the model's choices
    assert deadline.get_recurrence_display() == "每两个月"
    occurrences_generate(as_of=date(2024, 1, 10), horizon_days=172)  # to 30 June
    assert list(deadline.occurrences.values_list("due_on", flat=True)) == [
        date(2024, 2, 29), date(2024, 4, 30), date(2024, 6, 30)]
