"""Migration 0007: tasks assigned under the one-status model become per-unit records, the history kept."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("tracker", "0007_sourcefile_original")]
AFTER = [("tracker", "0010_task_unit_fields_moved")]
AT = datetime(2024, 5, 10, 9, tzinfo=ZoneInfo("Asia/Shanghai"))


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_world():
    apps = _migrate(BEFORE)
    Department = apps.get_model("tracker", "Department")
    SourceFile = apps.get_model("tracker", "SourceFile")
    Directive = apps.get_model("tracker", "Directive")
    Task = apps.get_model("tracker", "Task")
    Assignment = apps.get_model("tracker", "Assignment")
    Deadline = apps.get_model("tracker", "Deadline")
    Occurrence = apps.get_model("tracker", "DeadlineOccurrence")
    ProgressReport = apps.get_model("tracker", "ProgressReport")
    TaskEvent = apps.get_model("tracker", "TaskEvent")
    User = apps.get_model("auth", "User")
    user = User.objects.create(username="old-unit")
    a, b, c = (Department.objects.create(name=n, kind="city_department") for n in ("市甲局", "市乙局", "市丙局"))
    counties = [Department.objects.create(name=n, kind="county_government") for n in ("城区人民政府", "郊区人民政府")]
    group = Department.objects.create(name="各县区人民政府", kind="group")
    group.members.set(counties)
    unknown = Department.objects.create(name="市直各有关单位", kind="group")
    source = SourceFile.objects.create(name="g.txt", sha256="f" * 64, size=1, encoding="utf-8", text="…")
    directive = Directive.objects.create(source=source, title="通知", line_start=1, line_end=2)

    def task(status, *, leads, supports=(), due=date(2024, 6, 30), **fields):
        made = Task.objects.create(directive=directive, text=status, status=status, assigned_at=AT, **fields)
        for d in leads:
            Assignment.objects.create(task=made, department=d, role="lead")
        for d in supports:
            Assignment.objects.create(task=made, department=d, role="support")
        deadline = Deadline.objects.create(task=made, text="6月底前", due_on=due)
        Occurrence.objects.create(deadline=deadline, due_on=due)
        return made

    world = {
        "co_led": task("in_progress", leads=(a, b), supports=(c,), signed_at=AT, first_report_at=AT,
                       progress_percent=40),
        "done": task("signed_off", leads=(a,), signed_at=AT, first_report_at=AT, completion_requested_at=AT,
                     signed_off_at=AT, progress_percent=100),
        "grouped": task("signed", leads=(group,), signed_at=AT),
        "unknown": task("assigned", leads=(unknown, c)),
        "draft": task("pending_review", leads=(a,)),
    }
    occurrence = Occurrence.objects.get(deadline__task=world["done"])
    occurrence.completed_at = AT
    occurrence.save()
    ProgressReport.objects.create(task=world["co_led"], department=c, author=user, text="配合意见：已提供数据。",
                                  percent=30)
    TaskEvent.objects.create(task=world["co_led"], action="sign", from_status="assigned", to_status="signed")
    yield {name: t.pk for name, t in world.items()}
    _migrate(AFTER)


def test_assigned_tasks_become_per_unit_records_with_the_history_kept(old_world):
    apps = _migrate(AFTER)
    Task = apps.get_model("tracker", "Task")
    Assignment = apps.get_model("tracker", "Assignment")
    Occurrence = apps.get_model("tracker", "DeadlineOccurrence")
    TaskEvent = apps.get_model("tracker", "TaskEvent")
    ProgressReport = apps.get_model("tracker", "ProgressReport")

    def parts(name):
        return {a.department.name: a for a in Assignment.objects.filter(task_id=old_world[name])
                .select_related("department")}

    co_led = parts("co_led")
    assert {n: (a.role, a.status, a.progress_percent) for n, a in co_led.items()} == {
        "市甲局": ("lead", "in_progress", 40), "市乙局": ("lead", "in_progress", 40),
        "市丙局": ("support", "in_progress", 30)}  # the support unit had reported: its own % kept
    assert all(a.signed_at == AT and a.assigned_at == AT for a in co_led.values())
    # Each lead unit owes its own copy of the date; the support unit owes none.
    assert sorted(Occurrence.objects.filter(deadline__task_id=old_world["co_led"])
                  .values_list("assignment__department__name", "due_on")) == [
        ("市乙局", date(2024, 6, 30)), ("市甲局", date(2024, 6, 30))]
    assert all(a.current_due == date(2024, 6, 30) for n, a in co_led.items() if a.role == "lead")
    assert ProgressReport.objects.get(task_id=old_world["co_led"]).assignment_id == co_led["市丙局"].pk
    assert TaskEvent.objects.filter(task_id=old_world["co_led"], action="sign").exists()  # history kept

    done = parts("done")["市甲局"]
    assert (done.status, done.accepted_at, done.completion_requested_at) == ("accepted", AT, AT)
    assert Task.objects.get(pk=old_world["done"]).status == "signed_off"
    assert Assignment.objects.get(pk=done.pk).current_due == date(2024, 6, 30)  # what it owed when accepted

    grouped = parts("grouped")
    assert set(grouped) == {"城区人民政府", "郊区人民政府"}  # the group became its members
    assert {a.status for a in grouped.values()} == {"signed"}
    assert Occurrence.objects.filter(deadline__task_id=old_world["grouped"]).count() == 2

    unknown = parts("unknown")
    assert (unknown["市直各有关单位"].status, unknown["市丙局"].status) == ("returned", "assigned")
    note = TaskEvent.objects.get(task_id=old_world["unknown"], action="return").note
    assert "市直各有关单位" in note and "重新交办" in note
    assert Task.objects.get(pk=old_world["unknown"]).status == "assigned"  # the other lead still works

    assert all(a.directive_id == a.task.directive_id for a in Assignment.objects.select_related("task"))
    draft = parts("draft")["市甲局"]
    assert draft.status == "proposed"
    assert not Occurrence.objects.filter(deadline__task_id=old_world["draft"]).exists()  # made at 交办
    assert Task.objects.get(pk=old_world["draft"]).current_due == date(2024, 6, 30)
