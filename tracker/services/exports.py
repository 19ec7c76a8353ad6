"""督办台账 and overdue report exports: .xlsx (openpyxl, write-only, streamed rows) and CSV (UTF-8 with BOM).

The caller passes the tasks already scoped to the user (tracker.permissions.task_visible_to) and filtered
(TaskFilterSet); this module only shapes rows. Rows are read with `.values_list().iterator()` in chunks and
the departments of each chunk in one more query, so 100,000 rows stay in constant memory.
Every text cell starting with = + - @ (or a tab / carriage return) is prefixed with an apostrophe so that
Excel or LibreOffice never evaluates it as a formula (CSV injection).
"""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator
from copy import copy
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from django.db.models import Exists, Min, OuterRef, QuerySet, Subquery
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from tracker.models import Assignment, Deadline, ExtensionRequest, Task
from tracker.selectors import LIGHT_LABELS, RED, _light, _yellow_until

LEDGER = "ledger"
OVERDUE = "overdue"
REPORTS: dict[str, str] = {LEDGER: "督办台账", OVERDUE: "逾期事项通报"}
CHUNK = 2000
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
OVERDUE_FILL = PatternFill(fill_type="solid", start_color="FFFFC7CE", end_color="FFFFC7CE")
HEADER_FILL = PatternFill(fill_type="solid", start_color="FFDDE7F3", end_color="FFDDE7F3")

# (header, column width in characters)
COLUMNS: tuple[tuple[str, int], ...] = (
    ("序号", 7),
    ("文号", 22),
    ("文件标题", 36),
    ("发文机关", 18),
    ("成文日期", 12),
    ("任务编号", 9),
    ("任务内容", 60),
    ("牵头单位", 24),
    ("配合单位", 30),
    ("时限（原文）", 18),
    ("办理时限", 12),
    ("原时限（延期前）", 14),
    ("状态", 10),
    ("督办灯", 8),
    ("完成进度（%）", 10),
    ("交办日期", 12),
    ("销号日期", 12),
    ("逾期天数", 9),
)
HEADERS = [header for header, _ in COLUMNS]
DATE_COLUMNS = {4, 10, 11, 15, 16}  # zero-based indexes of date cells
STATUS_LABELS = dict(Task.Status.choices)


@dataclass(frozen=True, slots=True)
class ExportResult:
    rows: int
    filename: str


def cell_text(value: str) -> str:
    """A text cell, neutralised against formula injection."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def _local_day(moment: datetime | None) -> date | None:
    return timezone.localtime(moment).date() if moment is not None else None


def export_tasks(*, tasks: QuerySet[Task], report: str, as_of: date) -> QuerySet[Task]:
    """The tasks of a report: the overdue report keeps only TaskQuerySet.overdue(as_of)."""
    if report not in REPORTS:
        raise ValueError(f"unknown report {report!r}")
    return tasks.overdue(as_of) if report == OVERDUE else tasks


def _row_query(tasks: QuerySet[Task], *, report: str, as_of: date) -> Iterator[tuple[Any, ...]]:
    first_text = Deadline.objects.filter(task=OuterRef("pk")).order_by("due_on", "pk").values("text")[:1]
    original = (Deadline.objects.filter(task=OuterRef("pk")).order_by().values("task")
                .annotate(first=Min("original_due_on")).values("first"))
    annotated = export_tasks(tasks=tasks, report=report, as_of=as_of).order_by().with_current_due()
    annotated = annotated.annotate(
        deadline_text=Subquery(first_text), original_due=Subquery(original),
        is_extended=Exists(ExtensionRequest.objects.filter(task=OuterRef("pk"), status="approved")),
    )
    ordering = ("current_due", "directive_id", "pk") if report == OVERDUE else ("directive_id", "line_start", "pk")
    return annotated.order_by(*ordering).values_list(
        "pk", "directive__doc_number", "directive__title", "directive__issuer", "directive__issued_on",
        "ref", "text", "deadline_text", "current_due", "original_due", "status", "progress_percent",
        "assigned_at", "signed_off_at",
    ).iterator(chunk_size=CHUNK)


def _chunks(rows: Iterator[tuple[Any, ...]], size: int) -> Iterator[list[tuple[Any, ...]]]:
    chunk: list[tuple[Any, ...]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _departments(task_ids: list[int]) -> dict[int, tuple[list[str], list[str]]]:
    found: dict[int, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    for task_id, role, name in (Assignment.objects.filter(task_id__in=task_ids)
                                .order_by("task_id", "pk").values_list("task_id", "role", "department__name")):
        found[task_id][0 if role == Assignment.Role.LEAD else 1].append(name)
    return found


def ledger_rows(*, tasks: QuerySet[Task], report: str, as_of: date) -> Iterator[tuple[list[Any], bool]]:
    """(cells, overdue) per task, cells aligned with COLUMNS; dates as `date`, text not yet escaped.

    The light is tracker.selectors' own rule applied per row (cheaper here than the SQL CASE, whose
    current-due subqueries PostgreSQL would evaluate once per reference)."""
    overdue_ids = set(export_tasks(tasks=tasks, report=report, as_of=as_of).overdue(as_of)
                      .order_by().values_list("pk", flat=True).iterator(chunk_size=20_000))
    yellow_until = _yellow_until(as_of)
    number = 0
    for chunk in _chunks(_row_query(tasks, report=report, as_of=as_of), CHUNK):
        departments = _departments([row[0] for row in chunk])
        for (pk, doc_number, title, issuer, issued_on, ref, text, deadline_text, due, original_due, status,
             percent, assigned_at, signed_off_at) in chunk:
            number += 1
            leads, supports = departments.get(pk, ([], []))
            light = _light(status=status, overdue=pk in overdue_ids, due_on=due, assigned_on=_local_day(assigned_at),
                           percent=percent or 0, as_of=as_of, yellow_until=yellow_until)
            overdue = light == RED
            yield [
                number, doc_number, title, issuer, issued_on, ref, text, "、".join(leads), "、".join(supports),
                deadline_text or "", due, original_due, STATUS_LABELS.get(status, status), LIGHT_LABELS[light],
                percent, _local_day(assigned_at), _local_day(signed_off_at),
                (as_of - due).days if overdue and due else None,
            ], overdue


def export_filename(*, report: str, as_of: date, extension: str) -> str:
    return f"{REPORTS[report]}_{as_of:%Y%m%d}.{extension}"


def ledger_xlsx_write(*, tasks: QuerySet[Task], report: str, as_of: date, out: IO[bytes]) -> ExportResult:
    """Write the report as .xlsx to `out`: frozen header, widths, real dates, overdue rows filled red."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(REPORTS[report])
    sheet.freeze_panes = "A2"
    for index, (_, width) in enumerate(COLUMNS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    header_font, wrap = Font(bold=True), Alignment(vertical="center", wrap_text=True)
    header = []
    for title in HEADERS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font, cell.fill, cell.alignment = header_font, HEADER_FILL, wrap
        header.append(cell)
    sheet.append(header)
    count = 0
    # Style the red template once and copy its style array: assigning `fill` per cell re-hashes the fill.
    red = WriteOnlyCell(sheet)
    red.fill = OVERDUE_FILL
    for cells, overdue in ledger_rows(tasks=tasks, report=report, as_of=as_of):
        count += 1
        values = [cell_text(v) if isinstance(v, str) else v for v in cells]
        if overdue:
            row: list[Any] = []
            for value in values:
                cell = WriteOnlyCell(sheet)
                cell._style = copy(red._style)
                cell.value = value  # after the style: a date sets its number format on top of the fill
                row.append(cell)
            sheet.append(row)
        else:
            sheet.append(values)
    for index in DATE_COLUMNS:  # openpyxl picks yyyy-mm-dd for date values; keep the column format too
        sheet.column_dimensions[get_column_letter(index + 1)].number_format = "yyyy-mm-dd"
    workbook.save(out)
    return ExportResult(count, export_filename(report=report, as_of=as_of, extension="xlsx"))


class _Echo:
    def write(self, value: str) -> str:
        return value


def ledger_csv_lines(*, tasks: QuerySet[Task], report: str, as_of: date) -> Iterator[str]:
    """The report as CSV lines, the first one starting with a UTF-8 BOM so that Excel reads Chinese right."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(HEADERS)
    for cells, _ in ledger_rows(tasks=tasks, report=report, as_of=as_of):
        yield writer.writerow([
            cell_text(v) if isinstance(v, str) else v.isoformat() if isinstance(v, date) else "" if v is None else v
            for v in cells
        ])


def ledger_csv_bytes(*, tasks: QuerySet[Task], report: str, as_of: date) -> bytes:
    buffer = io.StringIO()
    buffer.writelines(ledger_csv_lines(tasks=tasks, report=report, as_of=as_of))
    return buffer.getvalue().encode("utf-8")


def iter_encoded(lines: Iterable[str]) -> Iterator[bytes]:
    for line in lines:
        yield line.encode("utf-8")
