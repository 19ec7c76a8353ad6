"""督办看板 and ledger export on PostgreSQL: 100,000 tasks over 300 departments.
Bars: dashboard response ≤ 300 ms (warm, through Django's test Client), 100,000-row .xlsx export ≤ 30 s.

`DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker python -m benchmarks dashboard`
Builds a throw-away database `<name>_bench_dash` next to DATABASE_URL's (rows made by INSERT … SELECT
generate_series), creates the schema with `migrate`, times the pages, prints the figures and drops it.

Data: statuses mixed as in a live office (about 20 % signed off, 5 % drafts), a lead and a support
department per task, one dated deadline each spread from 300 days before to 120 days after the day
measured (so there are overdue, due-soon and monthly trends), 5 % of tasks with an approved extension.
"""
from __future__ import annotations

import io
import os
import statistics
import time
from datetime import date

from benchmarks.pg import postgres_url, throwaway_database
from benchmarks.reminders import _fill

DEPARTMENTS = 300
TASKS = 100_000
DIRECTIVES = 800
RUNS = 15


def _build(as_of: date) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.utils import timezone

    from tracker.models import Assignment, Deadline, Department, Directive, ExtensionRequest, SourceFile, Task
    from tracker.services.deadlines import task_due_refresh

    now = timezone.now()
    requester = get_user_model().objects.create_user("bench-unit", password="x")
    leader = get_user_model().objects.create_user("bench-leader", password="x", is_staff=True)
    leader.groups.add(Group.objects.get_or_create(name="领导")[0])
    _fill(Department, f"generate_series(1, {DEPARTMENTS}) g", {
        "name": "'部门' || g", "kind": "'city_department'", "active": "true", "verified": "true",
        "created_at": "%s::timestamptz",
    }, [now])
    _fill(SourceFile, "generate_series(1, 1) g", {
        "sha256": "md5(g::text) || md5(g::text)", "name": "'bench'", "size": "0", "encoding": "'utf-8'",
        "text": "''", "imported_at": "%s::timestamptz"}, [now])
    source_id = SourceFile.objects.values_list("id", flat=True).get()
    _fill(Directive, f"generate_series(1, {DIRECTIVES}) g", {
        "source_id": str(source_id), "doc_number": "'阳政办发〔' || (2022 + mod(g, 3)) || '〕' || g || '号'",
        "title": "'关于推进重点工作的通知' || g", "issuer": "(ARRAY['市人民政府','市人民政府办公室'])[1 + mod(g, 2)]",
        "issued_on": "make_date(2022 + mod(g, 3), 1 + mod(g, 12), 1)", "line_start": "1", "line_end": "2",
        "created_at": "%s::timestamptz",
    }, [now])
    first_directive = Directive.objects.order_by("id").values_list("id", flat=True).first()
    # g → status: 0-4 in progress/signed/assigned, 5 completion requested, 6-7 signed off, 8 draft (1/20 each).
    status = ("(ARRAY['in_progress','in_progress','signed','assigned','in_progress','completion_requested',"
              "'signed_off','signed_off','in_progress','signed','in_progress','in_progress','signed_off',"
              "'signed_off','in_progress','assigned','in_progress','pending_review','in_progress','signed'])"
              "[1 + mod(g, 20)]")
    due = "(%s::date + (mod(g * 7, 420) - 300))"
    _fill(Task, f"generate_series(1, {TASKS}) g", {
        "directive_id": f"{first_directive} + mod(g, {DIRECTIVES})", "ref": "g::text", "title": "'督办任务' || g",
        "text": "'推进第' || g || '项重点工作，确保按期完成。'", "status": status,
        "progress_percent": "mod(g * 13, 101)", "category": "'ordinary'", "line_start": "2", "line_end": "2",
        "assigned_at": f"CASE WHEN {status} = 'pending_review' THEN NULL "
                       f"ELSE ({due} - 60)::timestamp AT TIME ZONE 'Asia/Shanghai' END",
        "signed_at": f"CASE WHEN {status} IN ('pending_review', 'assigned') THEN NULL "
                     f"ELSE ({due} - 59)::timestamp AT TIME ZONE 'Asia/Shanghai' END",
        "first_report_at": f"CASE WHEN {status} IN ('pending_review', 'assigned', 'signed') THEN NULL "
                           f"ELSE ({due} - 50)::timestamp AT TIME ZONE 'Asia/Shanghai' END",
        "completion_requested_at": f"CASE WHEN {status} IN ('completion_requested', 'signed_off') "
                                   f"THEN ({due} + mod(g, 11) - 6)::timestamp AT TIME ZONE 'Asia/Shanghai' END",
        "signed_off_at": f"CASE WHEN {status} = 'signed_off' "
                         f"THEN ({due} + mod(g, 11) - 5)::timestamp AT TIME ZONE 'Asia/Shanghai' END",
        "created_at": "%s::timestamptz", "updated_at": "%s::timestamptz",
    }, [as_of] * 13 + [now, now])
    first_task = Task.objects.order_by("id").values_list("id", flat=True).first()
    first_dept = Department.objects.order_by("id").values_list("id", flat=True).first()
    _fill(Assignment, f"generate_series(0, {TASKS - 1}) g", {
        "task_id": f"{first_task} + g", "department_id": f"{first_dept} + mod(g, {DEPARTMENTS})",
        "role": "'lead'", "as_written": "''"})
    _fill(Assignment, f"generate_series(0, {TASKS - 1}) g", {
        "task_id": f"{first_task} + g", "department_id": f"{first_dept} + mod(g * 7 + 1, {DEPARTMENTS})",
        "role": "'support'", "as_written": "''"})
    _fill(Deadline, f"generate_series(1, {TASKS}) g", {
        "task_id": f"{first_task} + g - 1", "text": "'限期完成'", "recurrence": "''", "kind": "'date'",
        "due_on": due, "parsed_due_on": due,
        "original_due_on": f"CASE WHEN mod(g, 20) = 3 THEN {due} - 30 END",
    }, [as_of, as_of, as_of])
    first_deadline = Deadline.objects.order_by("id").values_list("id", flat=True).first()
    _fill(ExtensionRequest, f"generate_series(1, {TASKS}) g WHERE mod(g, 20) IN (3, 4)", {
        "task_id": f"{first_task} + g - 1", "deadline_id": f"{first_deadline} + g - 1",
        "department_id": f"{first_dept} + mod(g - 1, {DEPARTMENTS})", "requested_by_id": str(requester.pk),
        "reason": "'等待上级批复'", "current_progress": "''", "requested_due_on": f"{due} + 30",
        "original_due_on": due, "status": "CASE WHEN mod(g, 20) = 3 THEN 'approved' ELSE 'pending' END",
        "decision_note": "''", "created_at": "%s::timestamptz",
    }, [as_of, as_of, now])
    started = time.perf_counter()
    task_due_refresh()  # rows made by SQL: store the derived due date as the services would
    print(f"task_due_refresh over {TASKS:,} tasks: {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # the refresh rewrote every task row: as autovacuum would
        # Flush the build's dirty pages now, not during the timed runs (a live office's data is not a minute old).
        cursor.execute("CHECKPOINT")


def main() -> None:
    url = postgres_url()
    if url is None:
        print("dashboard: needs PostgreSQL (set DATABASE_URL=postgres://…); skipped")
        return
    os.environ["DJANGO_DEBUG"] = "false"  # no query log: measure what production runs
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    # BENCH_KEEP_DB=1 keeps the database to profile queries by hand
    with throwaway_database(url, "bench_dash", keep=os.environ.get("BENCH_KEEP_DB") == "1"):
        import django

        django.setup()
        from django.contrib.auth import get_user_model
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.utils import timezone
        from tracker.services.exports import LEDGER, ledger_xlsx_write

        from tracker.models import Task

        call_command("migrate", verbosity=0)
        as_of = timezone.localdate()
        started = time.perf_counter()
        _build(as_of)
        print(f"built {Task.objects.count():,} tasks over {DEPARTMENTS} departments "
              f"in {time.perf_counter() - started:.1f} s")

        if os.environ.get("BENCH_BUILD_ONLY") == "1":
            return
        client = Client()
        client.force_login(get_user_model().objects.get(username="bench-leader"))
        response = client.get("/admin/tracker/dashboard/")  # warm: templates, session, plans
        assert response.status_code == 200, response.status_code
        timings = []
        for _ in range(RUNS):
            started = time.perf_counter()
            response = client.get("/admin/tracker/dashboard/")
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        median = statistics.median(timings)
        print(f"dashboard (warm, {RUNS} runs): median {median:.0f} ms, min {min(timings):.0f} ms, "
              f"max {max(timings):.0f} ms; bar 300 ms: {'PASS' if median <= 300 else 'FAIL'}")

        started = time.perf_counter()
        out = io.BytesIO()
        result = ledger_xlsx_write(tasks=Task.objects.all(), report=LEDGER, as_of=as_of, out=out)
        elapsed = time.perf_counter() - started
        print(f"ledger .xlsx export: {result.rows:,} rows, {len(out.getvalue()) / 1e6:.1f} MB in {elapsed:.1f} s; "
              f"bar 30 s: {'PASS' if elapsed <= 30 else 'FAIL'}")
        started = time.perf_counter()
        response = client.get("/portal/export/ledger/xlsx/")
        print(f"ledger .xlsx through the view: {time.perf_counter() - started:.1f} s "
              f"(HTTP {response.status_code}, {len(response.content) / 1e6:.1f} MB)")
        connection.close()
