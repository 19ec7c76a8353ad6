"""Document numbers taken at once by separate processes on a database file: `python numbering_probe.py`.

Run by tests/tracker/services/test_printables.py with DATABASE_URL pointing at a fresh SQLite file: eight
processes issue eight different tasks' 督办通知单 at the same moment, then eight issue the same task's notice at
once. Prints the numbers each process got, and what was stored, as JSON on stdout.
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


def _fire(action: Callable[[int], str]) -> list[str]:
    """Run `action(index)` in WORKERS forked processes released together; what each returned, sorted."""
    from django.db import connections

    connections.close_all()  # every child opens its own connection
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(WORKERS), context.Queue()

    def child(index: int) -> None:
        connections.close_all()
        barrier.wait()
        try:
            results.put(action(index))
        except Exception as exc:  # noqa: BLE001 - reported to the test, which fails on it
            results.put(f"error: {type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    processes = [context.Process(target=child, args=(index,)) for index in range(WORKERS)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
    return sorted(results.get(timeout=5) for _ in processes)


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from tests.tracker.workflow import department_user, office_user, workflow_task
    from tracker.models import DocumentCounter, IssuedDocument, Task
    from tracker.services.printables import notice_issue

    office = office_user(username="probe-office")
    _, unit = department_user(username="probe-unit", department_name="市甲局")
    as_of = date(2026, 12, 4)
    tasks = [workflow_task(lead=unit, status=Task.Status.SIGNED, due_on=date(2099, 6, 30), text=f"编号并发{n}。")
             for n in range(WORKERS + 1)]
    out: dict[str, Any] = {}
    out["different"] = _fire(lambda i: notice_issue(task=tasks[i], actor=office, as_of=as_of).number)
    out["same"] = _fire(lambda i: notice_issue(task=tasks[WORKERS], actor=office, as_of=as_of).number)
    out["stored"] = sorted(IssuedDocument.objects.values_list("number", flat=True))
    out["counter"] = DocumentCounter.objects.get(kind="notice", year=2026).last
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
