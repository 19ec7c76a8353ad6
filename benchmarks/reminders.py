"""Reminder scan on PostgreSQL: 1,000,000 open deadline occurrences owed by units over 300 departments.
Bar: ≤ 10 s.

`DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker python -m benchmarks reminders`
Builds a throw-away database `<name>_bench_reminders` next to DATABASE_URL's (rows made by
INSERT … SELECT generate_series), times one `reminders_scan` recording its reminders (sending is
not timed: it is network-bound), prints the figure and drops the database.

Data: 250,000 tasks, each with a lead unit (statuses mixed: 80 % still owed) and a support unit; 5
occurrences per lead part (a recurring deadline) = 1,250,000 occurrences of which ≥ 1,000,000 are open and
owed; due dates spread from 60 days before to 300 days after the scan day; every department has e-mail,
half have a robot; parts not yet signed or reported run their node clocks.
"""
from __future__ import annotations

import os
import time
from datetime import date, datetime

from benchmarks.pg import postgres_url, throwaway_database

AS_OF = date(2024, 4, 10)  # a Wednesday, an ordinary working day
DEPARTMENTS = 300
TASKS = 250_000
PER_TASK = 5


def _fill(model, count_sql: str, values: dict[str, str], params: list[object] | None = None) -> None:  # type: ignore[no-untyped-def]
    """INSERT … SELECT over generate_series(1, n) AS g; unspecified NOT NULL columns get their default."""
    from django.db import connection

    columns, exprs, args = [], [], []
    pending = list(params or [])  # consumed in column order, one per %s of a value expression
    for field in model._meta.concrete_fields:
        if field.primary_key and field.column not in values:
            continue
        columns.append(field.column)
        if field.column in values:
            exprs.append(values[field.column])
            for _ in range(values[field.column].count("%s")):
                args.append(pending.pop(0))
        elif field.null:
            exprs.append("NULL")
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            exprs.append("now()")
        else:
            default = field.get_default()
            exprs.append("%s")
            args.append(field.get_db_prep_save(default, connection))
    qn = connection.ops.quote_name
    sql = (f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(c) for c in columns)}) "
           f"SELECT {', '.join(exprs)} FROM {count_sql}")
    with connection.cursor() as cursor:
        cursor.execute(sql, args)


def _build() -> None:
    from django.utils import timezone

    from tracker.models import (
        Assignment,
        Deadline,
        DeadlineOccurrence,
        Department,
        Directive,
        SourceFile,
        Task,
    )

    now = timezone.now()
    _fill(Department, f"generate_series(1, {DEPARTMENTS}) g", {
        "name": "'部门' || g", "contact_email": "'d' || g || '@example.gov.cn'",
        "webhook_url": "CASE WHEN mod(g, 2) = 0 THEN 'http://127.0.0.1:9/robot/' || g ELSE '' END",
        "webhook_kind": "'wecom'", "active": "true",
    })
    _fill(SourceFile, "generate_series(1, 1) g", {
        "sha256": "md5(g::text) || md5(g::text)", "name": "'bench'", "size": "1", "encoding": "'utf-8'",
        "text": "'…'",
    })
    source_id = SourceFile.objects.values_list("id", flat=True).get()
    _fill(Directive, "generate_series(1, 1000) g", {
        "source_id": str(source_id), "doc_number": "'阳政办发〔2024〕' || g || '号'", "title": "'督办文件' || g",
        "issuer": "'市政府办公室'", "line_start": "1", "line_end": "2",
    })
    first_directive = Directive.objects.order_by("id").values_list("id", flat=True).first()
    statuses = "(ARRAY['in_progress','in_progress','signed','in_progress','assigned','in_progress'," \
               "'signed','in_progress','completion_requested','signed_off'])[1 + mod(g, 10)]"
    _fill(Task, f"generate_series(1, {TASKS}) g", {
        "directive_id": f"{first_directive} + mod(g, 1000)", "ref": "g::text", "title": "'督办任务' || g",
        "text": "'督办任务正文' || g", "status": statuses,
        "assigned_at": "(%s::date - mod(g, 30))::timestamp AT TIME ZONE 'Asia/Shanghai'",
        "created_at": "%s::timestamptz", "updated_at": "%s::timestamptz",
    }, [AS_OF, now, now])
    first_task = Task.objects.order_by("id").values_list("id", flat=True).first()
    first_dept = Department.objects.order_by("id").values_list("id", flat=True).first()
    unit = f"CASE {statuses} WHEN 'signed_off' THEN 'accepted' ELSE {statuses} END"
    support = f"CASE {statuses} WHEN 'signed_off' THEN 'accepted' ELSE 'signed' END"
    for role, shift, status in (("lead", "0", unit), ("support", "7", support)):
        _fill(Assignment, f"generate_series(0, {TASKS - 1}) g", {
            "task_id": f"{first_task} + g", "directive_id": f"{first_directive} + mod(g + 1, 1000)",
            "department_id": f"{first_dept} + mod(g + {shift}, {DEPARTMENTS})", "role": f"'{role}'", "status": status,
            "assigned_at": "(%s::date - mod(g, 30))::timestamp AT TIME ZONE 'Asia/Shanghai'",
            # 已交办 parts have not signed, 已签收 ones not reported yet: the node clocks run on them.
            "signed_at": f"CASE WHEN {status} = 'assigned' THEN NULL ELSE %s::timestamptz END",
            "first_report_at": f"CASE WHEN {status} IN ('assigned', 'signed') THEN NULL ELSE %s::timestamptz END",
            "accepted_at": f"CASE WHEN {unit} = 'accepted' THEN %s::timestamptz END",
        }, [AS_OF, now, now, now])
    first_assignment = Assignment.objects.order_by("id").values_list("id", flat=True).first()
    _fill(Deadline, f"generate_series(0, {TASKS - 1}) g", {
        "task_id": f"{first_task} + g", "text": "'每月底前'", "recurrence": "'monthly'",
        "due_on": "%s::date + (mod(g, 360) - 60)",
    }, [AS_OF])
    first_deadline = Deadline.objects.order_by("id").values_list("id", flat=True).first()
    # The lead parts were inserted first, in task order: the lead part of task g is first_assignment + g.
    _fill(DeadlineOccurrence, f"generate_series(0, {TASKS * PER_TASK - 1}) g", {
        "deadline_id": f"{first_deadline} + g / {PER_TASK}",
        "assignment_id": f"{first_assignment} + g / {PER_TASK}",
        "due_on": f"%s::date + (mod(g / {PER_TASK}, 360) - 60) + mod(g, {PER_TASK}) * 30",
    }, [AS_OF])
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def main() -> None:
    url = postgres_url()
    if url is None:
        print("reminders: needs PostgreSQL (set DATABASE_URL=postgres://…); skipped")
        return
    os.environ["REMINDER_SEND_WINDOW"] = "false"
    with throwaway_database(url, "bench_reminders"):
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from tracker.models import DeadlineOccurrence
        from tracker.services.reminders import reminders_scan

        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        _build()
        open_count = DeadlineOccurrence.objects.filter(completed_at__isnull=True).count()
        owed = DeadlineOccurrence.objects.filter(
            completed_at__isnull=True, assignment__status__in=("assigned", "signed", "in_progress")
        ).count()
        print(f"built {open_count:,} open occurrences ({owed:,} of tasks still owed) over {DEPARTMENTS} departments "
              f"in {time.perf_counter() - started:.1f} s")
        from zoneinfo import ZoneInfo

        now = datetime(AS_OF.year, AS_OF.month, AS_OF.day, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
        started = time.perf_counter()
        result = reminders_scan(as_of=AS_OF, now=now, dispatch=False)
        elapsed = time.perf_counter() - started
        counts = ", ".join(f"{k} {v:,}" for k, v in sorted(result.created.items()))
        print(f"reminders_scan: {elapsed:.2f} s to select and record {len(result.reminder_ids):,} reminders "
              f"({counts}); bar 10 s: {'PASS' if elapsed <= 10 else 'FAIL'}")
        started = time.perf_counter()
        again = reminders_scan(as_of=AS_OF, now=now, dispatch=False)
        print(f"second scan the same day: {time.perf_counter() - started:.2f} s, "
              f"{len(again.reminder_ids)} new reminders (exactly-once)")
        connection.close()
