"""Frozen result types of the parser: plain values only, no Django."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

Role = Literal["lead", "support"]


@dataclass(frozen=True, slots=True)
class SourceLine:
    """One non-empty physical line after normalisation, with its 1-based line number in the file."""

    number: int
    text: str


@dataclass(frozen=True, slots=True)
class SourceText:
    """A file read into text (parsing.readers): what line numbers refer to, and what its container says.

    `text` is the document as written, one line per paragraph, table row or PDF line; `origins[i]` tells where
    line i+1 came from ("段落 12", "表格 1 第 3 行", "第 2 页"); `metadata` holds fields the container states
    outside the body (an HTML page's 索引号/发布机构/文号/成文日期 table): keys doc_number, title, issuer,
    issued_on (ISO date), index_no.
    """

    text: str
    format: str  # txt | docx | pdf | html
    encoding: str = "utf-8"
    origins: tuple[str, ...] = ()
    metadata: tuple[tuple[str, str], ...] = ()

    def meta(self) -> dict[str, str]:
        return dict(self.metadata)


@dataclass(frozen=True, slots=True)
class DepartmentMention:
    """A unit named in a task; `name` is canonical, `as_written` is the text's own form."""

    name: str
    as_written: str
    role: Role
    known: bool = True  # False: not in the directory, to be created unverified
    is_group: bool = False  # an unexpanded group such as 各县区人民政府
    flags: tuple[str, ...] = ()  # "unit_repaired": matched only by repairing the text (市财政局局, 各义井镇人民政府)


@dataclass(frozen=True, slots=True)
class DeadlineSpec:
    """A deadline phrase found in a task's text, resolved against the issue date."""

    text: str
    start: int  # span in the task text
    end: int
    kind: str  # see parsing.deadlines.KINDS
    due: date | None
    recurrence: str | None = None  # daily|weekly|monthly|bimonthly|quarterly|half-yearly|yearly|ongoing
    offset: str | None = None  # "3 workdays", "1 hours" for relative spans
    anchor: str | None = None  # the event a relative span counts from, when not the issue date
    range_start: date | None = None
    confidence: float = 1.0
    flags: tuple[str, ...] = ()  # e.g. "past_at_issue", "calendar_unconfirmed", "unresolved"
    rule: str | None = None  # recurrence rule read by parsing.deadlines.occurrences, e.g. "M:end", "Y:3:end"


@dataclass(frozen=True, slots=True)
class ExtractedTask:
    """One task of a directive, with its place in the outline and its responsible units."""

    ref: str  # outline path, e.g. "二、(三)2"
    line: int
    line_end: int
    text: str
    title: str = ""
    parent_ref: str | None = None
    lead_units: tuple[DepartmentMention, ...] = ()
    support_units: tuple[DepartmentMention, ...] = ()
    deadlines: tuple[DeadlineSpec, ...] = ()
    flags: tuple[str, ...] = ()  # e.g. "no_unit": fell back to the recipients, review it
    time_limit: str = ""  # the task's own time-limit field (a table's 完成时限 cell), read as a whole


@dataclass(frozen=True, slots=True)
class ParsedDocument:
    """One directive (文件) of a gazette, with its attachments, and the tasks it bears."""

    file: str
    doc_number: str
    title: str
    issuer: str
    issued_on: date | None
    recipients: tuple[str, ...]
    kind: str
    task_bearing: bool
    line_start: int
    line_end: int
    lines: tuple[SourceLine, ...] = field(default=(), repr=False)
    duplicate_of: str | None = None  # 文号 of the twin when one report went out under two numbers
    tasks: tuple[ExtractedTask, ...] = ()
    flags: tuple[str, ...] = ()
