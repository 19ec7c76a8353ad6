"""Concurrent clicks from separate processes against a real database file: `python concurrency_probe.py`.

Run by tests/tracker/test_concurrency.py with DATABASE_URL pointing at a fresh SQLite file. It migrates,
builds one world, then for each scenario forks WORKERS processes that wait at a barrier and fire the same
action at once (each with its own connection, as gunicorn workers would), and prints what was recorded as
JSON on stdout.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 8


def _fire(action: Callable[[], Any]) -> dict[str, int]:
    """Run `action` in WORKERS forked processes at once; count the outcomes."""
    from django.db import connections

    connections.close_all()  # every child opens its own connection
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(WORKERS), context.Queue()

    def child() -> None:
        from tracker.transitions import TransitionError

        connections.close_all()
        barrier.wait()
        try:
            action()
        except TransitionError:
            results.put("refused")
        except Exception as exc:  # noqa: BLE001 - reported to the test, which fails on it
            results.put(f"error: {type(exc).__name__}: {exc}")
        else:
            results.put("done")
        finally:
            connections.close_all()

    processes = [context.Process(target=child) for _ in range(WORKERS)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
    outcomes: dict[str, int] = {}
    for _ in processes:
        outcome = results.get(timeout=5)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from tests.tracker.workflow import department_user, lead_of, office_user, workflow_task
    from tracker.models import Assignment, FormSubmission, ProgressReport, Reminder, Task, TaskEvent, Urge
    from tracker.services import lifecycle_office, lifecycle_unit
    from tracker.services.submissions import submission_run

    office = office_user(username="probe-office")
    user_a, unit_a = department_user(username="probe-a", department_name="市甲局")
    user_b, unit_b = department_user(username="probe-b", department_name="市乙局")
    due = date(2099, 6, 30)
    out: dict[str, Any] = {}

    urged = workflow_task(lead=unit_a, status=Task.Status.SIGNED, due_on=due, text="催办并发：同一事项。")
    out["urge"] = _fire(lambda: lifecycle_office.task_urge(task=urged, actor=office, note="请加快进度"))
    out["urge_rows"] = {"urges": Urge.objects.filter(task=urged).count(),
                        "events": TaskEvent.objects.filter(task=urged, action="urge").count(),
                        "notices": Reminder.objects.filter(task=urged, kind="urge").count()}

    signing = workflow_task(lead=unit_a, status=Task.Status.ASSIGNED, due_on=due, text="签收并发：同一单位。")
    part = lead_of(signing)
    out["sign"] = _fire(lambda: lifecycle_unit.assignment_sign(assignment=part, actor=user_a))
    out["sign_rows"] = {"events": TaskEvent.objects.filter(task=signing, action="sign").count(),
                        "status": Assignment.objects.get(pk=part.pk).status}

    reporting = workflow_task(lead=unit_a, status=Task.Status.SIGNED, due_on=due, text="重复提交：同一表单。")
    report_part = lead_of(reporting)
    out["submission"] = _fire(lambda: submission_run(
        key="same-form-token", actor=user_a, action="report",
        run=lambda: lifecycle_unit.progress_report_create(
            assignment=report_part, actor=user_a, text="已完成项目立项和可研批复，正在开展施工招标。", percent=30)))
    out["submission_rows"] = {"reports": ProgressReport.objects.filter(task=reporting).count(),
                              "tokens": FormSubmission.objects.filter(key="same-form-token").count()}

    co_led = workflow_task(lead=unit_a, co_leads=(unit_b,), status=Task.Status.COMPLETION_REQUESTED, due_on=due,
                           text="共同牵头：两单位同时办结确认。")
    parts = [lead_of(co_led, unit_a), lead_of(co_led, unit_b)]
    counter = multiprocessing.get_context("fork").Value("i", 0)

    def accept_one() -> None:
        with counter.get_lock():  # half the workers accept one unit, half the other
            index = counter.value % 2
            counter.value += 1
        lifecycle_office.assignment_accept(assignment=parts[index], actor=office, rating="good")

    out["accept"] = _fire(accept_one)
    out["accept_rows"] = {"accepts": TaskEvent.objects.filter(task=co_led, action="accept").count(),
                          "sign_offs": TaskEvent.objects.filter(task=co_led, action="sign_off").count(),
                          "status": Task.objects.get(pk=co_led.pk).status}
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
