"""Tasks already assigned become per-unit records (issue 13, point 6).

Each lead assignment takes the task's status and timestamps (已销号 → 已办结); a support assignment takes the
same stage, short of 申请办结 (it never asks for completion), and counts as reported only if it did report. The
old single signature stood for every unit. A group (单位组) holding an assigned task is expanded to its member
units; a group whose members are unknown becomes a returned part (已退回) for the office to reroute. Deadline
occurrences, which belonged to the task, are given to each lead unit (the existing row to the first, copies to
the others, completion and extension kept); reports, extension requests and urges are linked to the unit's
part. The history (TaskEvent, simple-history) is kept as it is; a task whose derived status differs from the
stored one (only when a group had to be handed back) gets an event saying why.
"""
from __future__ import annotations

from django.db import migrations
from django.db.models import OuterRef, Subquery

LEAD_STATUS = {
    "assigned": "assigned", "signed": "signed", "in_progress": "in_progress",
    "completion_requested": "completion_requested", "signed_off": "accepted", "returned": "returned",
}
ORDER = ("assigned", "signed", "in_progress", "completion_requested", "accepted")
TASK_OF = {"assigned": "assigned", "signed": "signed", "in_progress": "in_progress",
           "completion_requested": "completion_requested", "accepted": "signed_off"}
GROUP = "group"
NOTE = "数据迁移：单位组「{}」的成员单位未知，已退回督查室，请指定具体单位后重新交办"


def _derived(lead_statuses: list[str]) -> str:
    # tracker.transitions.task_status_from, frozen here as of this migration.
    active = [s for s in lead_statuses if s != "returned"]
    if not active:
        return "returned" if lead_statuses else "pending_review"
    return TASK_OF[min(active, key=ORDER.index)]


def _unit_fields(task, status: str, *, role: str, reported_at, percent: int) -> dict:
    lead = role == "lead"
    if not lead:
        if status == "completion_requested":
            status = "in_progress" if reported_at else "signed"
        elif status == "in_progress" and not reported_at:
            status = "signed"
    signed = status not in ("assigned", "returned") or (status == "returned" and task.signed_at)
    return {
        "status": status,
        "assigned_at": task.assigned_at or task.updated_at,
        "signed_at": (task.signed_at or task.assigned_at or task.updated_at) if signed else None,
        "first_report_at": (task.first_report_at if lead else reported_at),
        "completion_requested_at": task.completion_requested_at if lead and status in (
            "completion_requested", "accepted") else None,
        "accepted_at": (task.signed_off_at or task.updated_at) if status == "accepted" else None,
        "returned_at": task.updated_at if status == "returned" else None,
        "progress_percent": percent,
    }


def forward(apps, schema_editor):
    Task = apps.get_model("tracker", "Task")
    Assignment = apps.get_model("tracker", "Assignment")
    Department = apps.get_model("tracker", "Department")
    Deadline = apps.get_model("tracker", "Deadline")
    Occurrence = apps.get_model("tracker", "DeadlineOccurrence")
    ProgressReport = apps.get_model("tracker", "ProgressReport")
    ExtensionRequest = apps.get_model("tracker", "ExtensionRequest")
    Urge = apps.get_model("tracker", "Urge")
    TaskEvent = apps.get_model("tracker", "TaskEvent")

    # Drafts (待审核) own no occurrence yet: they are made per unit at 交办.
    Occurrence.objects.filter(deadline__task__status="pending_review").delete()

    for task in Task.objects.exclude(status="pending_review").order_by("pk").iterator(chunk_size=500):
        unit_status = LEAD_STATUS.get(task.status, "assigned")
        reports = {}
        for department_id, created_at, percent in (ProgressReport.objects.filter(task=task)
                                                   .order_by("created_at", "pk")
                                                   .values_list("department_id", "created_at", "percent")):
            first, _ = reports.get(department_id, (created_at, percent))
            reports[department_id] = (first, percent)  # first report time, latest percent

        assignments = list(Assignment.objects.filter(task=task).select_related("department").order_by("pk"))
        taken = {a.department_id for a in assignments}
        handed_back = []
        for assignment in assignments:
            if assignment.department.kind != GROUP:
                continue
            members = [m for m in Department.objects.filter(member_of=assignment.department, active=True)
                       .exclude(kind=GROUP).order_by("pk") if m.pk not in taken]
            if not members and not Department.objects.filter(member_of=assignment.department).exists():
                handed_back.append(assignment)
                continue
            for member in members:
                taken.add(member.pk)
                assignments.append(Assignment.objects.create(
                    task=task, department=member, role=assignment.role, as_written=assignment.as_written))
            assignment.delete()
        assignments = [a for a in assignments if a.pk is not None]  # a deleted instance's pk is None

        for assignment in assignments:
            reported_at, percent = reports.get(assignment.department_id, (None, 0))
            lead = assignment.role == "lead"
            status = "returned" if assignment in handed_back else unit_status
            fields = _unit_fields(task, status, role=assignment.role, reported_at=reported_at,
                                  percent=task.progress_percent if lead else percent)
            for name, value in fields.items():
                setattr(assignment, name, value)
            assignment.save(update_fields=list(fields))
            if assignment in handed_back:
                TaskEvent.objects.create(
                    task=task, assignment=assignment, department_id=assignment.department_id,
                    action="return", from_status=unit_status, to_status="returned",
                    note=NOTE.format(assignment.department.name))

        leads = [a for a in assignments if a.role == "lead"]
        _occurrences_split(task, leads, Deadline=Deadline, Occurrence=Occurrence)
        by_department = {a.department_id: a for a in assignments}
        for model in (ProgressReport, ExtensionRequest):
            for row in model.objects.filter(task=task, assignment__isnull=True):
                if row.department_id in by_department:
                    row.assignment = by_department[row.department_id]
                    row.save(update_fields=["assignment"])
        first_lead = next((a for a in leads if a.status != "returned"), leads[0] if leads else None)
        if first_lead is not None:
            Urge.objects.filter(task=task, assignment__isnull=True).update(assignment=first_lead)

        derived = _derived([a.status for a in leads])
        if derived != task.status:
            TaskEvent.objects.create(task=task, action="status", from_status=task.status, to_status=derived,
                                     note="数据迁移：按各牵头单位的办理状态重新计算任务状态")
            task.status = derived
            task.save(update_fields=["status"])
        _due_store(task, assignments, Deadline=Deadline, Occurrence=Occurrence, Assignment=Assignment)
    # Drafts: their stated date (no unit holds them yet).
    for task in Task.objects.filter(status="pending_review").iterator(chunk_size=500):
        _due_store(task, [], Deadline=Deadline, Occurrence=Occurrence, Assignment=Assignment)
    # Every part carries its task's directive (Assignment.directive).
    Assignment.objects.update(directive_id=Subquery(Task.objects.filter(pk=OuterRef("task_id"))
                                                    .values("directive_id")[:1]))


def _occurrences_split(task, leads, *, Deadline, Occurrence) -> None:
    """Give the task's occurrences to its lead units: the row to the first, a copy to each other."""
    if not leads:
        Occurrence.objects.filter(deadline__task=task).delete()
        return
    first, others = leads[0], leads[1:]
    signed_off_at = task.signed_off_at if task.status == "signed_off" else None
    for deadline in Deadline.objects.filter(task=task).exclude(recurrence="ongoing"):
        occurrences = list(Occurrence.objects.filter(deadline=deadline, assignment__isnull=True))
        if not occurrences and deadline.due_on is not None:
            # The old rules counted a dated deadline without occurrences as due on its own date.
            occurrences = [Occurrence.objects.create(deadline=deadline, due_on=deadline.due_on,
                                                     completed_at=signed_off_at)]
        for occurrence in occurrences:
            if deadline.recurrence == "" and deadline.due_on is not None and occurrence.completed_at is None:
                occurrence.due_on = deadline.due_on  # an approved extension had moved the deadline itself
            if deadline.recurrence == "" and deadline.original_due_on is not None:
                occurrence.original_due_on = deadline.original_due_on
            occurrence.assignment = first
            occurrence.save(update_fields=["due_on", "original_due_on", "assignment"])
            for lead in others:
                Occurrence.objects.create(
                    deadline=deadline, assignment=lead, due_on=occurrence.due_on,
                    original_due_on=occurrence.original_due_on, completed_at=occurrence.completed_at,
                    completed_by_id=occurrence.completed_by_id, report_id=occurrence.report_id)


def _due_store(task, assignments, *, Deadline, Occurrence, Assignment) -> None:
    """tracker.querysets' current due dates, computed here row by row (the expressions of this migration's time)."""
    dues = {}
    for assignment in assignments:
        owed = [o.due_on for o in Occurrence.objects.filter(assignment=assignment)
                if o.completed_at is None or (assignment.accepted_at and o.completed_at >= assignment.accepted_at)]
        assignment.current_due = min(owed) if owed else None
        Assignment.objects.filter(pk=assignment.pk).update(current_due=assignment.current_due)
        dues[assignment.pk] = assignment.current_due
    leads = [a for a in assignments if a.role == "lead"]
    working = [a for a in leads if a.status in ("assigned", "signed", "in_progress", "completion_requested")]
    accepted = [a for a in leads if a.status == "accepted"]
    if working or accepted:
        values = [a.current_due for a in (working or accepted) if a.current_due is not None]
        due = min(values) if values else None
    else:
        stated = list(Deadline.objects.filter(task=task, due_on__isnull=False).exclude(recurrence="ongoing")
                      .values_list("due_on", flat=True))
        due = min(stated) if stated else None
    type(task).objects.filter(pk=task.pk).update(current_due=due)


def backward(apps, schema_editor):
    """Back to one status per task: the first lead unit's timestamps, one occurrence per deadline and day."""
    Task = apps.get_model("tracker", "Task")
    Assignment = apps.get_model("tracker", "Assignment")
    Occurrence = apps.get_model("tracker", "DeadlineOccurrence")
    for task in Task.objects.exclude(status="pending_review").iterator(chunk_size=500):
        lead = Assignment.objects.filter(task=task, role="lead").order_by("pk").first()
        if lead is not None:
            type(task).objects.filter(pk=task.pk).update(
                signed_at=lead.signed_at, first_report_at=lead.first_report_at,
                completion_requested_at=lead.completion_requested_at, progress_percent=lead.progress_percent)
    seen = set()
    for occurrence in Occurrence.objects.order_by("deadline_id", "due_on", "pk"):
        key = (occurrence.deadline_id, occurrence.due_on)
        if key in seen:
            occurrence.delete()
            continue
        seen.add(key)
        Occurrence.objects.filter(pk=occurrence.pk).update(assignment=None)


class Migration(migrations.Migration):

    dependencies = [
        ("tracker", "0008_assignment_lifecycle"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
    ]
