"""督办看板, department page and 台账 export on PostgreSQL, counted per unit: 100,000 tasks, 250,000 lead and
support assignments over 300 departments.
Bars: dashboard ≤ 300 ms warm with a constant number of queries, department page ≤ 150 ms (both through
Django's test Client), the 100,000-row 台账 .xlsx ≤ 10 s.

`DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker python -m benchmarks dashboard`
Builds a throw-away database `<name>_bench_dash` next to DATABASE_URL's (rows made by INSERT … SELECT
generate_series), creates the schema with `migrate`, times the pages, prints the figures and drops it.

Data: task statuses mixed as in a live office (about 20 % signed off, 5 % drafts); every task has a lead unit,
5 % a second (co-lead) one, and one or two support units (105,000 lead + 145,000 support parts); each lead
part owes one dated occurrence, spread from 300 days before to 120 days after the day measured (so there are
overdue, due-soon and monthly trends); 5 % of lead parts have an approved extension. The lead parts in the
departments' hands — the 台账's rows — number about 100,000.
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
# g → task status: 0-4 in progress/signed/assigned, 5 completion requested, 6-7 signed off, 8 draft (1/20 each).
STATUS = ("(ARRAY['in_progress','in_progress','signed','assigned','in_progress','completion_requested',"
          "'signed_off','signed_off','in_progress','signed','in_progress','in_progress','signed_off',"
          "'signed_off','in_progress','assigned','in_progress','pending_review','in_progress','signed'])"
          "[1 + mod(g, 20)]")
UNIT_STATUS = ("CASE status WHEN 'signed_off' THEN 'accepted' WHEN 'pending_review' THEN 'proposed' "
               "ELSE status END")


def _units(*, first_dept: int, first_task: int, as_of: date) -> None:
    """Lead parts (every task, a co-lead for g ≡ 0 mod 20) and support parts (one each, a second for 45 %)."""
    from django.db import connection

    stamp = "(%(as_of)s::date + ((mod(g * 7, 420) - 300) + ({}))::int)::timestamp AT TIME ZONE 'Asia/Shanghai'"
    base = (f"(SELECT id, directive_id, status, g, {UNIT_STATUS} AS unit FROM (SELECT id, directive_id, status, "
            f"id - {first_task} + 1 AS g FROM tracker_task) s) t")
    columns = ("task_id, directive_id, department_id, role, as_written, status, assigned_at, signed_at, first_report_at, "
               "completion_requested_at, accepted_at, progress_percent, rating, rating_note")
    times = (
        f"CASE WHEN unit = 'proposed' THEN NULL ELSE {stamp.format(-60)} END",
        f"CASE WHEN unit IN ('proposed', 'assigned') THEN NULL ELSE {stamp.format(-59)} END",
        f"CASE WHEN unit IN ('proposed', 'assigned', 'signed') THEN NULL ELSE {stamp.format(-50)} END",
        f"CASE WHEN unit IN ('completion_requested', 'accepted') THEN {stamp.format('mod(g, 11) - 6')} END",
        f"CASE WHEN unit = 'accepted' THEN {stamp.format('mod(g, 11) - 5')} END",
    )
    parts = [
        ("lead", "mod(g, 20) >= 0", "0", "unit"),
        ("lead", "mod(g, 20) = 0", "137", "unit"),  # the co-lead
        ("support", "true", "7", "CASE WHEN unit = 'completion_requested' THEN 'in_progress' ELSE unit END"),
        ("support", "mod(g, 20) < 9", "211", "CASE WHEN unit = 'completion_requested' THEN 'in_progress' "
                                             "ELSE unit END"),
    ]
    with connection.cursor() as cursor:
        for role, where, shift, status in parts:
            cursor.execute(
                f"INSERT INTO tracker_assignment ({columns}) SELECT id, directive_id, {first_dept} + mod(g + {shift}, "
                f"{DEPARTMENTS}), '{role}', '', {status}, {', '.join(times)}, "
                f"CASE WHEN '{role}' = 'lead' THEN mod(g * 13, 101) ELSE mod(g * 7, 101) END, "
                # 办结评价 of the accepted lead parts, in turn
                f"CASE WHEN '{role}' = 'lead' AND {status} = 'accepted' "
                f"THEN (ARRAY['excellent', 'good', 'adequate', 'poor'])[1 + mod(g, 4)] ELSE '' END, '' "
                f"FROM {base} WHERE {where}", {"as_of": as_of})


def _build(as_of: date) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.utils import timezone

    from tracker.models import (
        Deadline,
        DeadlineOccurrence,
        Department,
        Directive,
        ExtensionRequest,
        SourceFile,
        Task,
    )
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
    due = "(%s::date + (mod(g * 7, 420) - 300))"
    _fill(Task, f"generate_series(1, {TASKS}) g", {
        "directive_id": f"{first_directive} + mod(g, {DIRECTIVES})", "ref": "g::text", "title": "'督办任务' || g",
        "text": "'推进第' || g || '项重点工作，确保按期完成。'", "status": STATUS, "category": "'ordinary'",
        "line_start": "2", "line_end": "2",
        "assigned_at": f"CASE WHEN {STATUS} = 'pending_review' THEN NULL "
                       f"ELSE ({due} - 60)::timestamp AT TIME ZONE 'Asia/Shanghai' END",
        "signed_off_at": f"CASE WHEN {STATUS} = 'signed_off' "
                         f"THEN ({due} + mod(g, 11) - 5)::timestamp AT TIME ZONE 'Asia/Shanghai' END",
        "created_at": "%s::timestamptz", "updated_at": "%s::timestamptz",
    }, [as_of, as_of, now, now])
    first_task = Task.objects.order_by("id").values_list("id", flat=True).first()
    first_dept = Department.objects.order_by("id").values_list("id", flat=True).first()
    _units(first_dept=first_dept, first_task=first_task, as_of=as_of)
    _fill(Deadline, f"generate_series(1, {TASKS}) g", {
        "task_id": f"{first_task} + g - 1", "text": "'限期完成'", "recurrence": "''", "kind": "'date'",
        "due_on": due, "parsed_due_on": due,
    }, [as_of, as_of])
    first_deadline = Deadline.objects.order_by("id").values_list("id", flat=True).first()
    with connection.cursor() as cursor:
        # Each lead part owes the task's date; 5 % were extended by 30 days (the original kept).
        cursor.execute(
            f"INSERT INTO {DeadlineOccurrence._meta.db_table} (deadline_id, assignment_id, due_on, original_due_on,"
            " completed_at) SELECT d.id, a.id, CASE WHEN mod(a.id, 20) = 3 THEN d.due_on + 30 ELSE d.due_on END,"
            " CASE WHEN mod(a.id, 20) = 3 THEN d.due_on END, a.accepted_at"
            " FROM tracker_assignment a JOIN tracker_deadline d ON d.task_id = a.task_id"
            " WHERE a.role = 'lead' AND a.status <> 'proposed'")
        cursor.execute(
            f"INSERT INTO {ExtensionRequest._meta.db_table} (task_id, assignment_id, deadline_id, department_id,"
            " requested_by_id, reason, current_progress, requested_due_on, original_due_on, status, decision_note,"
            " created_at) SELECT a.task_id, a.id, o.deadline_id, a.department_id, %s, '等待上级批复', '',"
            " o.due_on, o.original_due_on, 'approved', '', %s FROM tracker_assignment a"
            " JOIN tracker_deadlineoccurrence o ON o.assignment_id = a.id WHERE o.original_due_on IS NOT NULL",
            [requester.pk, now])
    del first_deadline
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics, as autovacuum would have, before the correlated refresh
    started = time.perf_counter()
    task_due_refresh()  # rows made by SQL: store the derived due dates as the services would
    print(f"task_due_refresh over {TASKS:,} tasks and their assignments: {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # the refresh rewrote every row: as autovacuum would
        # Flush the build's dirty pages now, not during the timed runs (a live office's data is not a minute old).
        cursor.execute("CHECKPOINT")


def _timed(client, url: str) -> list[float]:  # type: ignore[no-untyped-def]
    response = client.get(url)  # warm: templates, session, plans
    assert response.status_code == 200, response.status_code
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return timings


def _queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured)


def _line(label: str, timings: list[float], bar: float) -> str:
    median = statistics.median(timings)
    return (f"{label} (warm, {RUNS} runs): median {median:.0f} ms, min {min(timings):.0f} ms, "
            f"max {max(timings):.0f} ms; bar {bar:.0f} ms: {'PASS' if median <= bar else 'FAIL'}")


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
        from django.db.models import Count
        from django.test import Client
        from django.utils import timezone

        from tracker.documents.ledger import LEDGER, ledger_xlsx_write
        from tracker.models import Assignment, Task

        call_command("migrate", verbosity=0)
        as_of = timezone.localdate()
        started = time.perf_counter()
        _build(as_of)
        parts = dict(Assignment.objects.values("role").annotate(n=Count("pk")).values_list("role", "n"))
        print(f"built {Task.objects.count():,} tasks, {parts.get('lead', 0):,} lead + {parts.get('support', 0):,} "
              f"support assignments over {DEPARTMENTS} departments in {time.perf_counter() - started:.1f} s")

        if os.environ.get("BENCH_BUILD_ONLY") == "1":
            return
        client = Client()
        client.force_login(get_user_model().objects.get(username="bench-leader"))
        dashboard = "/admin/tracker/dashboard/"
        print(_line("dashboard", _timed(client, dashboard), 300))
        print(f"dashboard queries: {_queries(client, dashboard)} (constant: the same at any number of rows)")
        busiest = (Assignment.objects.values("department_id").annotate(n=Count("pk")).order_by("-n")
                   .values_list("department_id", "n").first())
        department = f"/admin/tracker/dashboard/departments/{busiest[0]}/"
        print(_line(f"department page ({busiest[1]:,} parts)", _timed(client, department), 150))

        started = time.perf_counter()
        out = io.BytesIO()
        result = ledger_xlsx_write(assignments=Assignment.objects.lead().in_hands(), report=LEDGER, as_of=as_of,
                                   out=out)
        elapsed = time.perf_counter() - started
        print(f"ledger .xlsx export: {result.rows:,} rows, {len(out.getvalue()) / 1e6:.1f} MB in {elapsed:.1f} s; "
              f"bar 10 s: {'PASS' if elapsed <= 10 else 'FAIL'}")
        started = time.perf_counter()
        response = client.get("/portal/export/ledger/xlsx/")
        print(f"ledger .xlsx through the view: {time.perf_counter() - started:.1f} s "
              f"(HTTP {response.status_code}, {len(response.content) / 1e6:.1f} MB)")

        # 考评 and 督查通报 of this month and this year (issue 14.4–5): the selector, then the whole download.
        from tracker.periods import Period, month_of
        from tracker.selectors_ratings import department_assessment

        for period in (month_of(as_of), Period(as_of.year, "year", 0)):
            started = time.perf_counter()
            table = department_assessment(period=period, as_of=as_of)
            elapsed = time.perf_counter() - started
            print(f"考评 {period.label}: {len(table.lines)} units, {table.totals.assignments:,} parts in "
                  f"{elapsed * 1000:.0f} ms")
            for name, url in (("考评表 .xlsx", "/portal/assessment/export/"), ("督查通报 draft .docx", "/portal/bulletins/")):
                started = time.perf_counter()
                response = client.get(url, {"period": period.key})
                body = b"".join(response.streaming_content) if response.streaming else response.content
                print(f"  {name}: {(time.perf_counter() - started) * 1000:.0f} ms (HTTP {response.status_code}, "
                      f"{len(body) / 1e3:.0f} kB)")
        connection.close()
