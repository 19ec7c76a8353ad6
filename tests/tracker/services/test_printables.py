"""Numbered documents: the next number per kind and year, under a lock (processes on SQLite, threads on
PostgreSQL), idempotent per task or period, stored as issued, issued by the office only."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import docx
import pytest
from django.db import connection, connections

from tests.tracker import ratings_data
from tests.tracker.ratings_data import AS_OF
from tests.tracker.workflow import department_user, manager_user, office_user, workflow_task
from tracker.models import DocumentCounter, IssuedDocument, Task, TaskEvent
from tracker.periods import period_parse
from tracker.services import printables
from tracker.services.printables import bulletin_issue, document_number, notice_issue, urge_notice_issue
from tracker.transitions import TransitionError

PROBE = Path(__file__).resolve().parents[1] / "numbering_probe.py"
ROOT = Path(__file__).resolve().parents[3]
WORKERS = 8
NUMBERS = [f"督办〔2026〕{n}号" for n in range(1, WORKERS + 1)]


def _text(document: IssuedDocument) -> str:
    opened = docx.Document(io.BytesIO(bytes(document.content)))
    cells = [cell.text for table in opened.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in opened.paragraphs] + cells)


def test_document_numbers_read_as_offices_write_them(settings):
    assert document_number(kind="notice", year=2026, serial=12) == "督办〔2026〕12号"
    assert document_number(kind="urge", year=2026, serial=3) == "催办〔2026〕3号"
    assert document_number(kind="bulletin", year=2026, serial=11) == "督查通报〔2026〕11期"
    settings.DOCUMENT_NUMBER_PREFIXES = {"notice": "阳督办"}
    assert document_number(kind="notice", year=2026, serial=1) == "阳督办〔2026〕1号"
    assert document_number(kind="urge", year=2026, serial=1) == "催办〔2026〕1号"  # unset: the default


@pytest.mark.django_db
def test_numbers_follow_each_other_per_kind_and_start_again_each_year():
    office = office_user()
    _, unit = department_user(username="u1", department_name="市甲局")
    tasks = [workflow_task(lead=unit, status=Task.Status.SIGNED, due_on=date(2099, 1, 1)) for _ in range(3)]
    first = notice_issue(task=tasks[0], actor=office, as_of=date(2026, 12, 30))
    second = notice_issue(task=tasks[1], actor=office, as_of=date(2026, 12, 31))
    next_year = notice_issue(task=tasks[2], actor=office, as_of=date(2027, 1, 4))
    assert [first.number, second.number, next_year.number] == ["督办〔2026〕1号", "督办〔2026〕2号", "督办〔2027〕1号"]
    bulletin = bulletin_issue(period=period_parse("2026-12"), actor=office, as_of=date(2026, 12, 31))
    assert bulletin.number == "督查通报〔2026〕1期"  # each kind has its own series


@pytest.mark.django_db
def test_the_same_notice_twice_is_the_same_number_and_the_same_bytes():
    office = office_user()
    _, unit = department_user(username="u1", department_name="市甲局")
    task = workflow_task(lead=unit, status=Task.Status.SIGNED, due_on=date(2099, 1, 1))
    first = notice_issue(task=task, actor=office, as_of=AS_OF)
    again = notice_issue(task=task, actor=office, as_of=date(2026, 12, 8))
    assert again.pk == first.pk and again.number == "督办〔2026〕1号" and again.issued_on == AS_OF
    assert bytes(again.content) == bytes(first.content)
    assert IssuedDocument.objects.count() == 1 and DocumentCounter.objects.get().last == 1


@pytest.mark.django_db
def test_what_was_issued_is_recorded():
    data = ratings_data.build()
    task = data.tasks["t5"]  # co-led by both units
    document = notice_issue(task=task, actor=data.office, as_of=AS_OF)
    assert (document.kind, document.task_id, document.issued_on, document.issued_by) == (
        "notice", task.pk, AS_OF, data.office)
    assert set(document.departments.values_list("name", flat=True)) == {"市住房和城乡建设局", "市交通运输局"}
    assert document.filename == "督办通知单_督办〔2026〕1号.docx" and document.title == task.title
    text = _text(document)
    assert "督办〔2026〕1号" in text and "市住房和城乡建设局、市交通运输局" in text and task.text in text


@pytest.mark.django_db
def test_a_failed_issue_keeps_no_number(monkeypatch):
    """The counter moves in the issuing transaction: a document that fails to build returns its number."""
    office = office_user()
    _, unit = department_user(username="u1", department_name="市甲局")
    task = workflow_task(lead=unit, status=Task.Status.SIGNED, due_on=date(2099, 1, 1))

    def broken(data):
        raise RuntimeError("builder failed")

    monkeypatch.setattr(printables, "notice_docx", broken)
    with pytest.raises(RuntimeError):
        notice_issue(task=task, actor=office, as_of=AS_OF)
    assert not IssuedDocument.objects.exists() and not DocumentCounter.objects.filter(last__gt=0).exists()
    monkeypatch.undo()
    assert notice_issue(task=task, actor=office, as_of=AS_OF).number == "督办〔2026〕1号"


@pytest.mark.django_db
def test_only_the_office_issues_and_only_assigned_tasks():
    manager = manager_user()
    user, unit = department_user(username="u1", department_name="市甲局")
    task = workflow_task(lead=unit, status=Task.Status.SIGNED, due_on=date(2099, 1, 1))
    for actor in (manager, user):
        with pytest.raises(TransitionError, match="只有督查室可以出具督办通知单"):
            notice_issue(task=task, actor=actor, as_of=AS_OF)
        with pytest.raises(TransitionError, match="只有督查室"):
            bulletin_issue(period=period_parse("2026-11"), actor=actor, as_of=AS_OF)
    draft = workflow_task(lead=unit, status=Task.Status.PENDING_REVIEW, due_on=date(2099, 1, 1))
    with pytest.raises(TransitionError, match="尚未交办"):
        notice_issue(task=draft, actor=office_user(), as_of=AS_OF)
    assert not IssuedDocument.objects.exists()


@pytest.mark.django_db
def test_urge_notices_go_to_the_late_units_once_a_day_then_round_two():
    data = ratings_data.build()
    task = data.tasks["t5"]  # U1 accepted, U2 overdue since 11-15
    notice = notice_issue(task=task, actor=data.office, as_of=date(2026, 11, 3))
    first = urge_notice_issue(task=task, actor=data.office, as_of=AS_OF)
    assert urge_notice_issue(task=task, actor=data.office, as_of=AS_OF).pk == first.pk
    assert first.number == "催办〔2026〕1号"
    assert list(first.departments.values_list("name", flat=True)) == ["市交通运输局"]
    text = _text(first)
    assert "市交通运输局" in text and "19天" in text and notice.number in text and "市住房和城乡建设局" not in text
    second = urge_notice_issue(task=task, actor=data.office, as_of=date(2026, 12, 11))
    assert second.number == "催办〔2026〕2号" and "第2次催办" in _text(second)
    with pytest.raises(TransitionError, match="没有逾期的承办单位"):
        urge_notice_issue(task=data.tasks["t1"], actor=data.office, as_of=AS_OF)


@pytest.mark.django_db
def test_a_bulletin_is_issued_once_per_period_and_not_before_it_begins():
    data = ratings_data.build()
    november = period_parse("2026-11")
    bulletin = bulletin_issue(period=november, actor=data.office, as_of=AS_OF)
    assert bulletin_issue(period=november, actor=data.office, as_of=date(2026, 12, 9)).pk == bulletin.pk
    assert (bulletin.number, bulletin.period, bulletin.filename) == (
        "督查通报〔2026〕1期", "2026-11", "督查通报〔2026〕1期_2026年11月.docx")
    assert bulletin.title == "关于2026年11月督查督办事项办理情况的通报"
    text = _text(bulletin)
    assert "市交通运输局" in text and "市住房和城乡建设局" in text and "按期办结率75%" in text
    with pytest.raises(TransitionError, match="尚未开始"):
        bulletin_issue(period=period_parse("2027-01"), actor=data.office, as_of=AS_OF)


@pytest.mark.django_db
def test_issuing_writes_no_task_event_and_changes_no_part():
    data = ratings_data.build()
    events = TaskEvent.objects.count()
    parts = list(data.tasks["t5"].assignments.order_by("pk").values_list("status", "rating"))
    notice_issue(task=data.tasks["t5"], actor=data.office, as_of=AS_OF)
    assert TaskEvent.objects.count() == events
    assert list(data.tasks["t5"].assignments.order_by("pk").values_list("status", "rating")) == parts


# --- concurrency --------------------------------------------------------------------------------------


def test_concurrent_issuers_get_different_numbers_on_sqlite(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'numbers.sqlite3'}",
           "DJANGO_SETTINGS_MODULE": "config.settings.test", "REDIS_URL": "", "CELERY_BROKER_URL": ""}
    done = subprocess.run([sys.executable, str(PROBE)], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert sorted(out["different"], key=len) == sorted(NUMBERS, key=len) and len(set(out["different"])) == WORKERS
    assert out["same"] == ["督办〔2026〕9号"] * WORKERS  # one document, every process got it
    assert out["counter"] == WORKERS + 1 and len(out["stored"]) == WORKERS + 1  # no number lost or doubled


def _fire(action) -> list[str]:
    barrier, results, lock = threading.Barrier(WORKERS), [], threading.Lock()

    def worker(index: int) -> None:
        try:
            barrier.wait()
            try:
                value = action(index)
            except Exception as exc:  # noqa: BLE001 - reported below
                value = f"error: {type(exc).__name__}: {exc}"
            with lock:
                results.append(value)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return sorted(results)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_issuers_get_different_numbers_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("runs on PostgreSQL (DATABASE_URL=postgres://…); SQLite is covered by the process test")
    office = office_user(username="pg-office")
    _, unit = department_user(username="pg-unit", department_name="市甲局")
    tasks = [workflow_task(lead=unit, status=Task.Status.SIGNED, due_on=date(2099, 6, 30)) for _ in range(WORKERS + 1)]
    different = _fire(lambda i: notice_issue(task=tasks[i], actor=office, as_of=AS_OF).number)
    assert sorted(different, key=len) == sorted(NUMBERS, key=len)
    same = _fire(lambda i: notice_issue(task=tasks[WORKERS], actor=office, as_of=AS_OF).number)
    assert same == ["督办〔2026〕9号"] * WORKERS
    assert DocumentCounter.objects.get(kind="notice", year=2026).last == WORKERS + 1
    assert IssuedDocument.objects.count() == WORKERS + 1
