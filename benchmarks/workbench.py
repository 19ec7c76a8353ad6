"""The 督办工作台 (/portal/) and the in-app messages page on PostgreSQL at 100,000 tasks (the dashboard
benchmark's data: 250,000 units' parts over 300 departments, 5 % approved extensions), for each role.
Bars: every workbench page ≤ 300 ms warm, with the same number of queries whatever the data.

`DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker python -m benchmarks workbench`
Builds a throw-away database `<name>_bench_wb`, times the pages through Django's test Client, drops it.
"""
from __future__ import annotations

import os
import time

from benchmarks.dashboard import _build, _line, _queries, _timed
from benchmarks.pg import postgres_url, throwaway_database

MESSAGES = 5_000  # in-app messages of the department user (one a 交办, 催办 … over a busy year)


def main() -> None:
    url = postgres_url()
    if url is None:
        print("workbench: needs PostgreSQL (set DATABASE_URL=postgres://…); skipped")
        return
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    with throwaway_database(url, "bench_wb", keep=os.environ.get("BENCH_KEEP_DB") == "1"):
        import django

        django.setup()
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from django.core.management import call_command
        from django.db.models import Count
        from django.test import Client
        from django.utils import timezone

        from tracker.models import Assignment, DepartmentMembership, Message, Task

        call_command("migrate", verbosity=0)
        as_of = timezone.localdate()
        started = time.perf_counter()
        _build(as_of)
        users = get_user_model().objects
        office = users.create_user("bench-office", password="x")
        office.groups.add(Group.objects.get_or_create(name="督查室")[0])
        leader = users.get(username="bench-leader")
        Task.objects.filter(pk__in=Task.objects.order_by("pk").values("pk")[:2_000]).update(leader=leader)
        busiest = (Assignment.objects.values("department_id").annotate(n=Count("pk")).order_by("-n")
                   .values_list("department_id", "n").first())
        unit = users.create_user("bench-dept", password="x")
        unit.groups.add(Group.objects.get_or_create(name="承办单位")[0])
        DepartmentMembership.objects.create(user=unit, department_id=busiest[0])
        tasks = list(Assignment.objects.filter(department_id=busiest[0]).values_list("task_id", flat=True)[:MESSAGES])
        Message.objects.bulk_create([Message(recipient=unit, task_id=tasks[i % len(tasks)], department_id=busiest[0],
                                             kind=Message.Kind.ASSIGN, text="督查室交办「督办任务」，请及时签收。")
                                     for i in range(MESSAGES)])
        print(f"built {Task.objects.count():,} tasks in {time.perf_counter() - started:.1f} s; the department "
              f"user's unit holds {busiest[1]:,} parts, {MESSAGES:,} messages")
        for label, user in (("office", office), ("manager", leader), ("department", unit)):
            client = Client()
            client.force_login(user)
            print(_line(f"workbench /portal/ as {label}", _timed(client, "/portal/"), 300))
            print(f"  queries: {_queries(client, '/portal/')}")
        client = Client()
        client.force_login(unit)
        print(_line("messages /portal/messages/ (department)", _timed(client, "/portal/messages/"), 300))
