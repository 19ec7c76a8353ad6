"""督办台账 and overdue report: one row per unit's part (its own status, date, light and record), as .xlsx
(XlsxWriter in constant-memory mode: rows go to disk as they are written) and CSV (UTF-8 with BOM).

The caller passes the parts already scoped to the user (tracker.permissions.assignment_for) and filtered
(AssignmentFilterSet, lead units by default); this module only shapes rows. Rows are read with
`.values_list().iterator()` in chunks, and the other units of each chunk's tasks in one more query, so
100,000 rows stay in constant memory. Every text cell starting with = + - @ (or a tab / carriage return) is
prefixed with an apostrophe so that Excel or LibreOffice never evaluates it as a formula (CSV injection).
"""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

import xlsxwriter
from django.db.models import Min, OuterRef, QuerySet, Subquery
from django.utils import timezone

from tracker.models import Assignment, Deadline, DeadlineOccurrence
from tracker.selectors import LIGHT_LABELS, RED, assignments_with_light

LEDGER = "ledger"
OVERDUE = "overdue"
REPORTS: dict[str, str] = {LEDGER: "督办台账", OVERDUE: "逾期事项通报"}
CHUNK = 2000
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
OVERDUE_FILL = "#FFC7CE"
HEADER_FILL = "#DDE7F3"

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
DATE_COLUMNS = frozenset({4, 12, 13, 17, 18, 19})  # zero-based indexes of date cells
STATUS_LABELS = dict(Assignment.Status.choices)
ROLE_LABELS = dict(Assignment.Role.choices)


@dataclass(frozen=True, slots=True)
class ExportResult:
    rows: int
    filename: str


def cell_text(value: str) -> str:
    """A text cell, neutralised against formula injection."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def _local_day(moment: datetime | None) -> date | None:
    return timezone.localtime(moment).date() if moment is not None else None


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
    rows = rows.annotate(deadline_text=Subquery(first_text), original_due=Subquery(original))
    ordering = (("current_due", "task__directive_id", "task_id", "pk") if report == OVERDUE
                else ("task__directive_id", "task__line_start", "task_id", "role", "pk"))
    return rows.order_by(*ordering).values_list(
        "task_id", "task__directive__doc_number", "task__directive__title", "task__directive__issuer",
        "task__directive__issued_on", "task__ref", "task__text", "department__name", "role", "deadline_text",
        "current_due", "original_due", "status", "light", "progress_percent", "assigned_at", "signed_at",
        "accepted_at", "department_id",
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


def _units(task_ids: list[int]) -> dict[int, list[tuple[int, str, str]]]:
    """Every unit of each task: (department id, role, name), in assignment order."""
    found: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for task_id, department_id, role, name in (
            Assignment.objects.filter(task_id__in=task_ids).exclude(status=Assignment.Status.PROPOSED)
            .order_by("task_id", "pk").values_list("task_id", "department_id", "role", "department__name")):
        found[task_id].append((department_id, role, name))
    return found


def ledger_rows(*, assignments: QuerySet[Assignment], report: str, as_of: date) -> Iterator[tuple[list[Any], bool]]:
    """(cells, overdue) per part, cells aligned with COLUMNS; dates as `date`, text not yet escaped."""
    number = 0
    for chunk in _chunks(_row_query(assignments, report=report, as_of=as_of), CHUNK):
        units = _units(list({row[0] for row in chunk}))
        for (task_id, doc_number, title, issuer, issued_on, ref, text, department, role, deadline_text, due,
             original_due, status, light, percent, assigned_at, signed_at, accepted_at, department_id) in chunk:
            number += 1
            others = [(r, name) for d, r, name in units.get(task_id, ()) if d != department_id]
            overdue = light == RED
            yield [
                number, doc_number, title, issuer, issued_on, ref, text, department, ROLE_LABELS.get(role, role),
                "、".join(name for r, name in others if r == Assignment.Role.LEAD),
                "、".join(name for r, name in others if r == Assignment.Role.SUPPORT),
                deadline_text or "", due, original_due, STATUS_LABELS.get(status, status), LIGHT_LABELS[light],
                percent, _local_day(assigned_at), _local_day(signed_at), _local_day(accepted_at),
                (as_of - due).days if overdue and due else None,
            ], overdue


def export_filename(*, report: str, as_of: date, extension: str) -> str:
    return f"{REPORTS[report]}_{as_of:%Y%m%d}.{extension}"


def ledger_xlsx_write(*, assignments: QuerySet[Assignment], report: str, as_of: date, out: IO[bytes]
                      ) -> ExportResult:
    """Write the report as .xlsx to `out`: frozen header, widths, real dates, overdue rows filled red."""
    workbook = xlsxwriter.Workbook(out, {
        "constant_memory": True, "in_memory": False, "strings_to_numbers": False, "strings_to_formulas": False,
        "strings_to_urls": False,
    })
    sheet = workbook.add_worksheet(REPORTS[report])
    header = workbook.add_format({"bold": True, "bg_color": HEADER_FILL, "text_wrap": True, "valign": "vcenter"})
    plain_date = workbook.add_format({"num_format": "yyyy-mm-dd"})
    red = workbook.add_format({"bg_color": OVERDUE_FILL, "pattern": 1})
    red_date = workbook.add_format({"bg_color": OVERDUE_FILL, "pattern": 1, "num_format": "yyyy-mm-dd"})
    sheet.freeze_panes(1, 0)
    for index, (_, width) in enumerate(COLUMNS):
        sheet.set_column(index, index, width, plain_date if index in DATE_COLUMNS else None)
    sheet.write_row(0, 0, HEADERS, header)
    count = 0
    write_string, write_number, write_date, write_blank = (
        sheet.write_string, sheet.write_number, sheet.write_datetime, sheet.write_blank)
    for cells, overdue in ledger_rows(assignments=assignments, report=report, as_of=as_of):
        count += 1
        text_format, date_format = (red, red_date) if overdue else (None, plain_date)
        for column, value in enumerate(cells):
            if value is None or value == "":  # an empty cell (filled red on an overdue row)
                if overdue:
                    write_blank(count, column, None, red)
            elif isinstance(value, str):
                write_string(count, column, cell_text(value), text_format)
            elif isinstance(value, date):
                write_date(count, column, value, date_format)
            else:
                write_number(count, column, value, text_format)
    workbook.close()
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
