"""Issuing numbered documents: 督办通知单 (one per task), 催办通知单 (one per task and day), 督查通报 (one per period).

Each document gets the next number of its kind and year — 督办〔2026〕12号, 催办〔2026〕3号, 督查通报〔2026〕11期 —
and is stored as issued (IssuedDocument: number, subject, addressees, day, issuer and the .docx). Issuing is
idempotent per key: asking again for the same task's notice (or the same period's 通报) returns the stored
document, number and bytes unchanged. Numbers are taken under a lock — the UPDATE of the kind's counter row,
the first write of the transaction — so concurrent issuers queue, never share a number, and a rolled-back
issue returns its number (no gaps). Only the office issues; others read what was issued (selectors_documents).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from tracker.documents.bulletin import bulletin_docx
from tracker.documents.notices import notice_docx, urge_notice_docx
from tracker.models import Department, DocumentCounter, IssuedDocument, Task
from tracker.periods import Period
from tracker.permissions import user_is_office
from tracker.selectors_documents import (
    bulletin_data,
    bulletin_document_title,
    late_parts,
    notice_data,
    task_title,
    urge_notice_data,
)
from tracker.transitions import TransitionError

K = IssuedDocument.Kind
DEFAULT_PREFIXES = {K.NOTICE: "督办", K.URGE: "催办", K.BULLETIN: "督查通报"}


def document_number(*, kind: str, year: int, serial: int) -> str:
    """督办〔2026〕12号 / 催办〔2026〕3号 / 督查通报〔2026〕11期 (prefixes: settings.DOCUMENT_NUMBER_PREFIXES)."""
    prefix = settings.DOCUMENT_NUMBER_PREFIXES.get(kind) or DEFAULT_PREFIXES[kind]
    return f"{prefix}〔{year}〕{serial}{'期' if kind == K.BULLETIN else '号'}"


@dataclass(frozen=True, slots=True)
class Draft:
    """What a document is, given its number: built inside the numbering lock."""

    title: str
    filename: str
    content: bytes
    departments: Sequence[Department] = ()


class _AlreadyIssued(Exception):
    def __init__(self, document: IssuedDocument) -> None:
        self.document = document


def _serial_take(*, kind: str, year: int) -> int:
    """The next serial of (kind, year); the counter row stays locked until the transaction ends."""
    DocumentCounter.objects.get_or_create(kind=kind, year=year)
    DocumentCounter.objects.filter(kind=kind, year=year).update(last=F("last") + 1)
    return DocumentCounter.objects.values_list("last", flat=True).get(kind=kind, year=year)


def document_issue(*, kind: str, key: str, issued_on: date, actor: Any, task: Task | None = None,
                   period: str = "", build: Callable[[str], Draft]) -> IssuedDocument:
    """The document stored under `key`, issued now if it was not yet: number taken, `build(number)` stored."""
    existing = IssuedDocument.objects.filter(key=key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            serial = _serial_take(kind=kind, year=issued_on.year)
            # Another issuer may have committed this key while this one waited for the counter: roll back.
            existing = IssuedDocument.objects.filter(key=key).first()
            if existing is not None:
                raise _AlreadyIssued(existing)
            number = document_number(kind=kind, year=issued_on.year, serial=serial)
            draft = build(number)
            document = IssuedDocument.objects.create(
                kind=kind, year=issued_on.year, serial=serial, number=number, key=key, task=task, period=period,
                title=draft.title[:200], issued_on=issued_on, issued_by=actor, filename=draft.filename[:200],
                content=draft.content,
            )
            document.departments.set(draft.departments)
            return document
    except _AlreadyIssued as found:
        return found.document
    except IntegrityError:  # the same key inserted concurrently (a backend without row locks)
        return IssuedDocument.objects.get(key=key)


def _office_check(actor: Any, what: str) -> None:
    if not user_is_office(actor):
        raise TransitionError(f"只有督查室可以出具{what}")


def _in_hands(task: Task) -> list[Any]:
    return list(task.assignments.lead().in_hands().select_related("department").order_by("pk"))


def notice_issue(*, task: Task, actor: Any, as_of: date) -> IssuedDocument:
    """督办通知单 of an assigned task, addressed to its units in hands; once per task."""
    _office_check(actor, "督办通知单")
    if task.status == Task.Status.PENDING_REVIEW or not _in_hands(task):
        raise TransitionError("该事项尚未交办到承办单位，不能出具督办通知单")

    def build(number: str) -> Draft:
        data = notice_data(task=task, number=number, issued_on=as_of)
        units = list(task.assignments.in_hands().select_related("department").order_by("pk"))
        return Draft(title=task_title(task), filename=f"督办通知单_{number}.docx", content=notice_docx(data),
                     departments=[unit.department for unit in units])

    return document_issue(kind=K.NOTICE, key=f"notice:{task.pk}", issued_on=as_of, actor=actor, task=task,
                          build=build)


def urge_notice_issue(*, task: Task, actor: Any, as_of: date) -> IssuedDocument:
    """催办通知单 to the task's units overdue on `as_of`; once per task and day (a unit still late on a later day
    gets the next round, 第N次催办, with its own number)."""
    _office_check(actor, "催办通知单")
    late = list(late_parts(task=task, as_of=as_of))
    key = f"urge:{task.pk}:{as_of:%Y%m%d}"
    if not late and not IssuedDocument.objects.filter(key=key).exists():
        raise TransitionError("该事项没有逾期的承办单位，无需出具催办通知单")

    def build(number: str) -> Draft:
        earlier = IssuedDocument.objects.filter(task=task, kind=K.URGE).count()
        notice = IssuedDocument.objects.filter(task=task, kind=K.NOTICE).values_list("number", flat=True).first()
        data = urge_notice_data(task=task, number=number, issued_on=as_of, urge_round=earlier + 1,
                                notice_number=notice or "")
        return Draft(title=task_title(task), filename=f"催办通知单_{number}.docx", content=urge_notice_docx(data),
                     departments=[part.department for part in late])

    return document_issue(kind=K.URGE, key=key, issued_on=as_of, actor=actor, task=task, build=build)


def bulletin_issue(*, period: Period, actor: Any, as_of: date) -> IssuedDocument:
    """督查通报 of a period that has begun (counted to its end, or to today while it runs); once per period."""
    _office_check(actor, "督查通报")
    if not period.started(as_of):
        raise TransitionError(f"{period.label}尚未开始，不能出具督查通报")

    def build(number: str) -> Draft:
        data = bulletin_data(period=period, as_of=as_of, number=number, issued_on=as_of)
        return Draft(title=bulletin_document_title(period), filename=f"{number}_{period.label}.docx",
                     content=bulletin_docx(data))

    return document_issue(kind=K.BULLETIN, key=f"bulletin:{period.key}", issued_on=as_of, actor=actor,
                          period=period.key, build=build)
