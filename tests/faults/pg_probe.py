"""Run by test_postgres_drop.py in a subprocess (its own database connection, through the test's proxy):
`seed` builds units with parts due on AS_OF; `scan` runs the daily scan as Celery runs it (the task, with its
retry policy, in-process) and prints what was recorded and sent as JSON."""
from __future__ import annotations

import json
import os
import sys
from datetime import date

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
sys.path.insert(0, os.getcwd())

import django  # noqa: E402

django.setup()

from django.core import mail  # noqa: E402

AS_OF = date(2023, 6, 15)  # a Thursday
UNITS = 6


def seed() -> None:
    from tests.tracker.workflow import department_user, workflow_task
    from tracker.models import Task

    for n in range(UNITS):
        _, unit = department_user(username=f"unit{n}", department_name=f"测试单位{n}")
        for k in range(2):
            workflow_task(lead=unit, status=Task.Status.IN_PROGRESS, due_on=AS_OF, text=f"事项{n}-{k}：按期完成。")
    print(json.dumps({"units": UNITS}))


def scan() -> None:
    from celery.exceptions import Retry
    from django.db import close_old_connections

    from tracker.models import Reminder
    from tracker.tasks import reminders_scan

    retried = 0
    while True:
        try:
            outcome = reminders_scan.apply(args=[AS_OF.isoformat()])
            break
        except Retry:  # in-process the retry is raised, not scheduled: run it again as the worker would,
            retried += 1  # after the Django fixup dropped the broken connection (close_old_connections)
            assert retried <= reminders_scan.max_retries
            close_old_connections()
    statuses: dict[str, int] = {}
    for status in Reminder.objects.values_list("status", flat=True):
        statuses[status] = statuses.get(status, 0) + 1
    print(json.dumps({"state": outcome.state, "retried": retried,
                      "result": outcome.result if outcome.successful() else repr(outcome.result),
                      "sent_mail": sorted(m.to[0] for m in getattr(mail, "outbox", [])), "rows": statuses}))


if __name__ == "__main__":
    {"seed": seed, "scan": scan}[sys.argv[1]]()
