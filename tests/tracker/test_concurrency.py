"""Concurrent clicks record one action: eight simultaneous 催办 of a task, eight clicks on 签收, a form posted
eight times at once (double click, browser back), and two co-lead units accepted at the same moment.

SQLite: separate processes on a database file (tests/tracker/concurrency_probe.py), as web workers would run.
PostgreSQL (when the suite runs on it): threads, each with its own connection, against the test database.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import pytest
from django.db import connection, connections

from tests.tracker.workflow import department_user, lead_of, office_user, workflow_task
from tracker.models import Assignment, FormSubmission, ProgressReport, Reminder, Task, TaskEvent, Urge
from tracker.services import lifecycle_office, lifecycle_unit
from tracker.services.submissions import submission_run
from tracker.transitions import TransitionError

PROBE = Path(__file__).with_name("concurrency_probe.py")
ROOT = Path(__file__).resolve().parents[2]
WORKERS = 8
DUE = date(2099, 6, 30)
REPORT = "已完成项目立项和可研批复，正在开展施工招标。"


def _expect_one_of_each(out: dict) -> None:
    assert out["urge"] == {"done": 1, "refused": WORKERS - 1}
    assert out["urge_rows"] == {"urges": 1, "events": 1, "notices": 1}
    assert out["sign"] == {"done": 1, "refused": WORKERS - 1}
    assert out["sign_rows"] == {"events": 1, "status": "signed"}
    assert out["submission"] == {"done": 1, "refused": WORKERS - 1}
    assert out["submission_rows"] == {"reports": 1, "tokens": 1}
    assert out["accept"] == {"done": 2, "refused": WORKERS - 2}
    assert out["accept_rows"] == {"accepts": 2, "sign_offs": 1, "status": "signed_off"}


def test_concurrent_duplicates_record_one_action_on_sqlite(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'probe.sqlite3'}",
           "DJANGO_SETTINGS_MODULE": "config.settings.test", "REDIS_URL": "", "CELERY_BROKER_URL": ""}
    done = subprocess.run([sys.executable, str(PROBE)], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    _expect_one_of_each(json.loads(done.stdout.strip().splitlines()[-1]))


def _fire(action) -> dict[str, int]:
    barrier, outcomes, lock = threading.Barrier(WORKERS), {}, threading.Lock()

    def worker() -> None:
        try:
            barrier.wait()
            try:
                action()
                outcome = "done"
            except TransitionError:
                outcome = "refused"
            except Exception as exc:  # noqa: BLE001 - reported below
                outcome = f"error: {type(exc).__name__}: {exc}"
            with lock:
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_record_one_action_on_postgresql(settings):
    if connection.vendor != "postgresql":
        pytest.skip("runs on PostgreSQL (DATABASE_URL=postgres://…); SQLite is covered by the process test")
    settings.REMINDER_SEND_WINDOW = False
    office = office_user(username="pg-office")
    user_a, unit_a = department_user(username="pg-a", department_name="市甲局")
    _, unit_b = department_user(username="pg-b", department_name="市乙局")
    out: dict = {}

    urged = workflow_task(lead=unit_a, status=Task.Status.SIGNED, due_on=DUE)
    out["urge"] = _fire(lambda: lifecycle_office.task_urge(task=urged, actor=office, note="请加快进度"))
    out["urge_rows"] = {"urges": Urge.objects.filter(task=urged).count(),
                        "events": TaskEvent.objects.filter(task=urged, action="urge").count(),
                        "notices": Reminder.objects.filter(task=urged, kind="urge").count()}

    signing = workflow_task(lead=unit_a, status=Task.Status.ASSIGNED, due_on=DUE)
    part = lead_of(signing)
    out["sign"] = _fire(lambda: lifecycle_unit.assignment_sign(assignment=part, actor=user_a))
    out["sign_rows"] = {"events": TaskEvent.objects.filter(task=signing, action="sign").count(),
                        "status": Assignment.objects.get(pk=part.pk).status}

    reporting = workflow_task(lead=unit_a, status=Task.Status.SIGNED, due_on=DUE)
    report_part = lead_of(reporting)
    out["submission"] = _fire(lambda: submission_run(
        key="pg-form-token", actor=user_a, action="report",
        run=lambda: lifecycle_unit.progress_report_create(assignment=report_part, actor=user_a, text=REPORT,
                                                          percent=30)))
    out["submission_rows"] = {"reports": ProgressReport.objects.filter(task=reporting).count(),
                              "tokens": FormSubmission.objects.filter(key="pg-form-token").count()}

    co_led = workflow_task(lead=unit_a, co_leads=(unit_b,), status=Task.Status.COMPLETION_REQUESTED, due_on=DUE)
    parts, turn, lock = [lead_of(co_led, unit_a), lead_of(co_led, unit_b)], [0], threading.Lock()

    def accept_one() -> None:
        with lock:
            index, turn[0] = turn[0] % 2, turn[0] + 1
        lifecycle_office.assignment_accept(assignment=parts[index], actor=office, rating="good")

    out["accept"] = _fire(accept_one)
    out["accept_rows"] = {"accepts": TaskEvent.objects.filter(task=co_led, action="accept").count(),
                          "sign_offs": TaskEvent.objects.filter(task=co_led, action="sign_off").count(),
                          "status": Task.objects.get(pk=co_led.pk).status}
    _expect_one_of_each(out)


@pytest.mark.django_db
def test_a_resubmitted_form_records_nothing_the_second_time(client):
    user, unit = department_user(username="again", department_name="市丙局")
    task = workflow_task(lead=unit, status=Task.Status.ASSIGNED, due_on=DUE)
    pk = lead_of(task).pk
    client.force_login(user)
    page = client.get(f"/portal/tasks/{task.pk}/").content.decode()
    token = page.split(f'name="sign-{pk}-submission" value="')[1].split('"')[0]
    assert len(token) == 32
    data = {f"sign-{pk}-submission": token, f"sign-{pk}-note": ""}
    assert client.post(f"/portal/assignments/{pk}/sign/", data).status_code == 302
    again = client.post(f"/portal/assignments/{pk}/sign/", data, follow=True).content.decode()
    assert "该表单已经提交过，未重复记录" in again
    assert TaskEvent.objects.filter(task=task, action="sign").count() == 1
    # A refused action gives its token back: the user may correct the form and send it again.
    report = {f"report-{pk}-submission": "token-2", f"report-{pk}-text": "正在推进", f"report-{pk}-percent": "10"}
    assert "空话套话" in client.post(f"/portal/assignments/{pk}/report/", report, follow=True).content.decode()
    report[f"report-{pk}-text"] = REPORT
    client.post(f"/portal/assignments/{pk}/report/", report)
    assert ProgressReport.objects.filter(task=task).count() == 1
