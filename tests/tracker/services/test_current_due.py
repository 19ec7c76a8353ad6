"""Assignment.current_due and Task.current_due are stored, and every write path keeps them equal to their one
definition (computed_due); "overdue" stays a filter on them."""
from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import DeadlineFactory, DepartmentFactory, TaskFactory, UserFactory
from tests.tracker import dashboard_data
from tests.tracker.workflow import department_user, lead_of, office_user, unit_add, workflow_task
from tracker.models import Assignment, Deadline, DeadlineOccurrence, Directive, Task
from tracker.querysets import OWED_STATUSES
from tracker.services import lifecycle_office, lifecycle_unit
from tracker.services.deadlines import deadline_correct, occurrences_generate, task_due_refresh
from tracker.services.demo import PLAN, demo_workflow_seed
from tracker.services.directives import directive_import, directive_reextract

pytestmark = pytest.mark.django_db

GAZETTE = (
    "阳泉市人民政府办公室\n关于做好春耕备耕工作的通知\n阳政办发〔2023〕5号\n各县（区）人民政府，市直各单位：\n"
    "一、加强农资供应。市农业农村局要在4月底前完成农资储备。\n"
    "二、做好信息报送。市农业农村局每月底前报送春耕进展情况。\n"
    "阳泉市人民政府办公室\n2023年3月15日\n"
)


def stale() -> list[tuple[str, int, date | None, date | None]]:
    """Assignments and tasks whose stored current due date differs from the computed one."""
    rows = [("assignment", *row) for row in
            Assignment.objects.computed_due().values_list("pk", "current_due", "computed_due")]
    rows += [("task", *row) for row in Task.objects.computed_due().values_list("pk", "current_due", "computed_due")]
    return [row for row in rows if row[2] != row[3]]


def stored(task: Task) -> date | None:
    return Task.objects.values_list("current_due", flat=True).get(pk=task.pk)


def test_directive_import_and_reextract_store_the_current_due():
    directive_import(name="g.txt", data=GAZETTE.encode(), as_of=date(2023, 3, 15))
    # 4月底前 → 30 April; 每月底前 → its first occurrence, 31 March.
    assert sorted(Task.objects.values_list("current_due", flat=True)) == [date(2023, 3, 31), date(2023, 4, 30)]
    assert stale() == []
    directive_reextract(directive=Directive.objects.get(), as_of=date(2023, 3, 15))
    assert sorted(Task.objects.values_list("current_due", flat=True)) == [date(2023, 3, 31), date(2023, 4, 30)]
    assert stale() == []


def test_deadline_correction_moves_the_stored_due_date():
    deadline = DeadlineFactory(text="4月底前", due_on=date(2023, 4, 30), task__status="in_progress")
    unit_add(deadline.task, DepartmentFactory())
    assert stored(deadline.task) == date(2023, 4, 30)
    deadline_correct(deadline=deadline, due_on=date(2023, 5, 15), user=UserFactory())
    assert stored(deadline.task) == date(2023, 5, 15)
    deadline_correct(deadline=Deadline.objects.get(pk=deadline.pk), due_on=None, user=UserFactory())
    assert stored(deadline.task) is None
    assert stale() == []


def test_approved_extension_moves_the_stored_due_date():
    office = office_user()
    unit = department_user(username="unit_a", department_name="市住房和城乡建设局")
    task = workflow_task(lead=unit[1], status=Task.Status.IN_PROGRESS, due_on=date(2024, 6, 30))
    request = lifecycle_unit.extension_request_create(
        assignment=lead_of(task), actor=unit[0], reason="受汛期影响，施工无法按期进行。",
        requested_due_on=date(2024, 9, 30), current_progress="主体工程完成60%", as_of=date(2024, 6, 1))
    assert stored(task) == date(2024, 6, 30)
    lifecycle_office.extension_decide(extension=request, actor=office, approve=True, note="同意")
    assert stored(task) == date(2024, 9, 30)
    assert not Task.objects.overdue(date(2024, 7, 1)).exists()
    assert stale() == []


def test_occurrence_generation_moves_a_recurring_task_to_its_next_open_occurrence():
    task = TaskFactory(status=Task.Status.IN_PROGRESS)
    deadline = DeadlineFactory(task=task, text="每月底前", due_on=date(2023, 3, 31), recurrence="monthly",
                               rule="M:end")
    unit_add(task, DepartmentFactory())
    assert stored(task) == date(2023, 3, 31)  # its first occurrence
    deadline.occurrences.all().delete()
    occurrences_generate(as_of=date(2023, 6, 10), horizon_days=60)
    assert stored(task) == date(2023, 6, 30)
    assert stale() == []


def test_demo_seed_keeps_the_stored_due_dates():
    unit = DepartmentFactory(name="市发展和改革委员会")
    for _ in range(len(PLAN) + 2):
        workflow_task(lead=unit, status=Task.Status.PENDING_REVIEW, due_on=date(2024, 12, 31))
    demo_workflow_seed(as_of=date(2024, 6, 14))
    assert stale() == []
    assert Task.objects.overdue(date(2024, 6, 14)).count() == 2
    assert Assignment.objects.overdue(date(2024, 6, 14)).count() == 2


def test_admin_deadline_edit_and_delete_refresh_the_task():
    client = Client()
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    task = TaskFactory(status=Task.Status.SIGNED)
    deadline = DeadlineFactory(task=task, due_on=date(2030, 12, 31), text="2030年底前")
    DeadlineFactory(task=task, due_on=date(2031, 6, 30), text="2031年6月底前")
    unit_add(task, DepartmentFactory())
    management = {"occurrences-TOTAL_FORMS": 0, "occurrences-INITIAL_FORMS": 0}
    response = client.post(f"/admin/tracker/deadline/{deadline.pk}/change/", {"due_on": "2030-06-30", **management})
    assert response.status_code == 302
    assert stored(task) == date(2030, 6, 30)
    response = client.post(f"/admin/tracker/deadline/{deadline.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert stored(task) == date(2031, 6, 30)
    assert stale() == []


def test_refresh_touches_only_the_given_tasks():
    mine, other = TaskFactory(status="in_progress"), TaskFactory(status="in_progress")
    DeadlineFactory(task=mine, due_on=date(2023, 4, 30))
    DeadlineFactory(task=other, due_on=date(2023, 4, 30))
    mine_part, other_part = unit_add(mine, DepartmentFactory()), unit_add(other, DepartmentFactory())
    DeadlineOccurrence.objects.update(due_on=date(2023, 5, 31))  # a raw write the services would refresh after
    assert task_due_refresh(task_ids=[mine.pk]) == 1
    assert (stored(mine), stored(other)) == (date(2023, 5, 31), date(2023, 4, 30))
    mine_part.refresh_from_db()
    other_part.refresh_from_db()
    assert (mine_part.current_due, other_part.current_due) == (date(2023, 5, 31), date(2023, 4, 30))


def test_stored_due_and_overdue_agree_with_the_computed_definition_on_a_mixed_data_set():
    data = dashboard_data.build()
    # Add what the dashboard set lacks: a recurring deadline with a completed and open occurrences, an
    # undated and an ongoing deadline, a completed one-off, and a part with two deadlines.
    far = lead_of(data.tasks["far"])
    monthly = DeadlineFactory(task=far.task, text="每月底前", due_on=date(2024, 3, 31), recurrence="monthly",
                              rule="M:end")
    DeadlineOccurrence.objects.create(deadline=monthly, assignment=far, due_on=date(2024, 5, 31),
                                      completed_at=timezone.now())
    DeadlineOccurrence.objects.create(deadline=monthly, assignment=far, due_on=date(2024, 6, 30))
    DeadlineFactory(task=data.tasks["soon"], due_on=None, text="汛期前")
    DeadlineFactory(task=data.tasks["behind"], due_on=date(2024, 1, 1), recurrence="ongoing", text="长期坚持")
    done = DeadlineFactory(task=data.tasks["over_b"], due_on=date(2024, 2, 1), text="2月1日前")
    DeadlineOccurrence.objects.create(deadline=done, assignment=lead_of(data.tasks["over_b"]),
                                      due_on=date(2024, 2, 1), completed_at=timezone.now())
    task_due_refresh()
    assert stale() == []
    assert Task.objects.get(pk=data.tasks["far"].pk).current_due == date(2024, 6, 30)
    for as_of in (date(2024, 1, 1), date(2024, 6, 1), dashboard_data.AS_OF, date(2024, 12, 31)):
        computed = set(Assignment.objects.computed_due().filter(status__in=OWED_STATUSES, computed_due__lt=as_of)
                       .values_list("pk", flat=True))
        assert set(Assignment.objects.overdue(as_of).values_list("pk", flat=True)) == computed, as_of
