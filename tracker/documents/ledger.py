"""督办台账 and overdue report: one row per unit's part (its own status, date, light and record), as .xlsx
(tracker.documents.xlsx, streamed) and CSV (UTF-8 with BOM).

The caller passes the parts already scoped to the user (tracker.permissions.assignment_for) and filtered
(AssignmentFilterSet, lead units by default); this module only shapes rows. One query reads every row —
the task's other units joined into names and the local dates computed by the database — with a server-side
cursor (`.iterator()`), so 100,000 rows stay in constant memory. Every text cell starting with = + - @ (or a tab / carriage return) is
prefixed with an apostrophe so that Excel or LibreOffice never evaluates it as a formula (CSV injection).
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from django.db import connection
from django.db.models import Aggregate, CharField, Min, OuterRef, QuerySet, Subquery
from django.db.models.functions import Cast, TruncDate

from tracker.documents.xlsx import SheetWriter
from tracker.models import Assignment, Deadline, DeadlineOccurrence, Department, Task
from tracker.selectors import LIGHT_LABELS, RED, assignments_with_light

LEDGER = "ledger"
OVERDUE = "overdue"
REPORTS: dict[str, str] = {LEDGER: "督办台账", OVERDUE: "逾期事项通报"}
# The sheet's title row (printed on the first page; the header row repeats on every page).
TITLES: dict[str, str] = {LEDGER: "督查督办事项台账", OVERDUE: "督查督办逾期事项清单"}
CHUNK = 2000
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
SEPARATOR = "、"

# (header, column width in characters)
COLUMNS: tuple[tuple[str, int], ...] = (
    ("序号", 7),
    ("文号", 22),
    ("文件标题", 36),
    ("发文机关", 18),
    ("成文日期", 12),
    ("任务编号", 9),
    ("任务内容", 60),
    ("承办单位", 24),
    ("职责", 6),
    ("其他牵头单位", 24),
    ("配合单位", 30),
    ("时限（原文）", 18),
    ("办理时限", 12),
    ("原时限（延期前）", 14),
    ("办理状态", 10),
    ("督办灯", 8),
    ("完成进度（%）", 10),
    ("交办日期", 12),
    ("签收日期", 12),
    ("办结日期", 12),
    ("逾期天数", 9),
)
HEADERS = [header for header, _ in COLUMNS]
STATUS_LABELS = dict(Assignment.Status.choices)
ROLE_LABELS = dict(Assignment.Role.choices)
SOURCE_LABELS = dict(Task.SourceKind.choices)


@dataclass(frozen=True, slots=True)
class ExportResult:
    rows: int
    filename: str


def cell_text(value: str) -> str:
    """A text cell, neutralised against formula injection."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


class JoinedIds(Aggregate):
    """Ids joined by commas (STRING_AGG on PostgreSQL, GROUP_CONCAT on SQLite)."""

    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, ',')"
    output_field = CharField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra)


def _other_units(role: str) -> Subquery:
    """The department ids of the other units of the outer part's task in `role` (names are looked up in
    Python: a join to the directory inside the per-row subquery costs more than the whole export)."""
    others = (Assignment.objects.filter(task=OuterRef("task_id"), role=role).exclude(pk=OuterRef("pk"))
              .exclude(status=Assignment.Status.PROPOSED).order_by().values("task")
              .annotate(ids=JoinedIds(Cast("department_id", CharField()))).values("ids"))
    return Subquery(others, output_field=CharField())


def _names(ids: str | None, directory: dict[int, str]) -> str:
    if not ids:
        return ""
    return SEPARATOR.join(sorted(directory[int(pk)] for pk in ids.split(",")))


@contextmanager
def _no_jit() -> Iterator[None]:
    """PostgreSQL's JIT compiles this one long scan for longer than it runs (1.3 s of 6 at 100,000 rows)."""
    postgres = connection.vendor == "postgresql"
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")
    try:
        yield
    finally:
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("RESET jit")


def export_assignments(*, assignments: QuerySet[Assignment], report: str, as_of: date) -> QuerySet[Assignment]:
    """The parts of a report: the overdue report keeps only AssignmentQuerySet.overdue(as_of)."""
    if report not in REPORTS:
        raise ValueError(f"unknown report {report!r}")
    return assignments.overdue(as_of) if report == OVERDUE else assignments


def _row_query(assignments: QuerySet[Assignment], *, report: str, as_of: date) -> Iterator[tuple[Any, ...]]:
    first_text = (Deadline.objects.filter(task=OuterRef("task_id")).order_by("due_on", "pk").values("text")[:1])
    original = (DeadlineOccurrence.objects.filter(assignment=OuterRef("pk")).order_by().values("assignment")
                .annotate(first=Min("original_due_on")).values("first"))
    rows = assignments_with_light(export_assignments(assignments=assignments, report=report, as_of=as_of)
                                  .order_by(), as_of=as_of)
    rows = rows.annotate(
        deadline_text=Subquery(first_text), original_due=Subquery(original),
        other_leads=_other_units(Assignment.Role.LEAD), supports=_other_units(Assignment.Role.SUPPORT),
        assigned_on=TruncDate("assigned_at"), signed_on=TruncDate("signed_at"), accepted_on=TruncDate("accepted_at"),
    )
    ordering = (("current_due", "directive_id", "task_id", "pk") if report == OVERDUE
                else ("directive_id", "task__line_start", "task_id", "role", "pk"))
    return rows.order_by(*ordering).values_list(
        "directive__doc_number", "directive__title", "directive__issuer", "directive__issued_on", "task__ref", "task__text", "department__name", "role", "other_leads",
        "supports", "deadline_text", "current_due", "original_due", "status", "light", "progress_percent",
        "assigned_on", "signed_on", "accepted_on",
        "task__source_kind", "task__source_ref", "task__instructed_by", "task__instructed_on",
    ).iterator(chunk_size=CHUNK)


def _source_cells(doc_number: str | None, title: str | None, issuer: str | None, issued_on: date | None,
                  kind: str, ref: str, instructed_by: str, instructed_on: date | None) -> tuple[Any, ...]:
    """文号, 文件标题, 发文机关, 成文日期 — or, for an item registered by hand (立项, no directive), its reference,
    source kind, 批示人 and date in the same columns."""
    if doc_number is not None:
        return doc_number, title, issuer, issued_on
    return ref, SOURCE_LABELS.get(kind, kind), instructed_by, instructed_on


def ledger_rows(*, assignments: QuerySet[Assignment], report: str, as_of: date) -> Iterator[tuple[list[Any], bool]]:
    """(cells, overdue) per part, cells aligned with COLUMNS; dates as `date`, text not yet escaped."""
    directory = dict(Department.objects.values_list("pk", "name"))
    with _no_jit():
        for number, (doc_number, title, issuer, issued_on, ref, text, department, role, other_leads, supports,
                     deadline_text, due, original_due, status, light, percent, assigned_on, signed_on, accepted_on,
                     *source) in enumerate(_row_query(assignments, report=report, as_of=as_of), 1):
            overdue = light == RED
            yield [
                number, *_source_cells(doc_number, title, issuer, issued_on, *source), ref, text, department,
                ROLE_LABELS.get(role, role),
                _names(other_leads, directory), _names(supports, directory), deadline_text or "", due,
                original_due, STATUS_LABELS.get(status, status), LIGHT_LABELS[light], percent, assigned_on,
                signed_on, accepted_on, (as_of - due).days if overdue and due else None,
            ], overdue


def sheet_title(*, report: str, as_of: date) -> str:
    """督查督办事项台账（截至2026年12月4日）"""
    return f"{TITLES[report]}（截至{as_of.year}年{as_of.month}月{as_of.day}日）"


def export_filename(*, report: str, as_of: date, extension: str) -> str:
    return f"{REPORTS[report]}_{as_of:%Y%m%d}.{extension}"


def ledger_xlsx_write(*, assignments: QuerySet[Assignment], report: str, as_of: date, out: IO[bytes]
                      ) -> ExportResult:
    """Write the report as .xlsx to `out`: a title row, the header frozen and repeated on every printed page,
    landscape and one page wide, widths, real dates, overdue rows red."""
    sheet = SheetWriter(out, name=REPORTS[report], headers=HEADERS, widths=[width for _, width in COLUMNS],
                        title=sheet_title(report=report, as_of=as_of))
    count = 0
    for cells, overdue in ledger_rows(assignments=assignments, report=report, as_of=as_of):
        count += 1
        sheet.row([cell_text(v) if isinstance(v, str) else v for v in cells], red=overdue)
    sheet.close()
    return ExportResult(count, export_filename(report=report, as_of=as_of, extension="xlsx"))


class _Echo:
    def write(self, value: str) -> str:
        return value


def ledger_csv_lines(*, assignments: QuerySet[Assignment], report: str, as_of: date) -> Iterator[str]:
    """The report as CSV lines, the first one starting with a UTF-8 BOM so that Excel reads Chinese right."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(HEADERS)
    for cells, _ in ledger_rows(assignments=assignments, report=report, as_of=as_of):
        yield writer.writerow([
            cell_text(v) if isinstance(v, str) else v.isoformat() if isinstance(v, date) else "" if v is None else v
            for v in cells
        ])


def ledger_csv_bytes(*, assignments: QuerySet[Assignment], report: str, as_of: date) -> bytes:
    buffer = io.StringIO()
    buffer.writelines(ledger_csv_lines(assignments=assignments, report=report, as_of=as_of))
    return buffer.getvalue().encode("utf-8")


def iter_encoded(lines: Iterable[str]) -> Iterator[bytes]:
    for line in lines:
        yield line.encode("utf-8")
