"""The pipeline: normalise → split into documents → tasks per document → deadlines per task."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from .deadlines import extract_deadlines, festival_of
from .departments import DepartmentDirectory
from .normalize import as_written, for_parsing, half_width, to_simplified
from .outline import extract_tasks
from .results import DeadlineSpec, DepartmentMention, ExtractedTask, ParsedDocument, SourceLine, SourceText
from .segment import split_documents
from .workdays import WorkCalendar


def parse_file(
    data: bytes, *, name: str, directory: DepartmentDirectory, calendar: WorkCalendar | None = None,
) -> list[ParsedDocument]:
    """Every directive of one file of any supported format (parsing.readers: detected by content).

    Raises parsing.readers.UnreadableFile (a Chinese message naming the file) for a file that cannot be read."""
    from .readers import read_file

    return parse_source(read_file(data, name=name), file=name, directory=directory, calendar=calendar)


def parse_source(
    source: SourceText, *, file: str, directory: DepartmentDirectory, calendar: WorkCalendar | None = None,
) -> list[ParsedDocument]:
    """Every directive of a file already read, the container's metadata passed on (see parse_gazette)."""
    return parse_gazette(source.text, file=file, directory=directory, calendar=calendar,
                         metadata=source.meta() or None)


def _task_as_written(
    task: ExtractedTask, parsed: list[str], written: list[str], names: dict[str, str] | None = None
) -> ExtractedTask:
    """The task's text and title in the file's own characters (the parser read them converted)."""
    names = {} if names is None else names
    span = slice(task.line - 1, max(task.line_end, task.line))
    source, original = "\n".join(parsed[span]), "\n".join(written[span])
    return replace(task, text=as_written(task.text, source=source, written=original),
                   title=as_written(task.title, source=source, written=original),
                   lead_units=_units_as_written(task.lead_units, parsed, written, names),
                   support_units=_units_as_written(task.support_units, parsed, written, names))


def _units_as_written(
    units: tuple[DepartmentMention, ...], parsed: list[str], written: list[str], names: dict[str, str]
) -> tuple[DepartmentMention, ...]:
    """Each unit's as_written in the file's own characters, where the converted text holds it verbatim
    (`names` caches the answers of one file)."""
    out = []
    for unit in units:
        name = names.get(unit.as_written)
        if name is None:
            name = unit.as_written
            for source, original in zip(parsed, written, strict=False):
                at = half_width(source).find(name) if name else -1
                if at >= 0:
                    name = original[at:at + len(name)]
                    break
            names[unit.as_written] = name
        out.append(unit if name == unit.as_written else replace(unit, as_written=name))
    return tuple(out)


def parse_gazette(
    text: str,
    *,
    file: str,
    directory: DepartmentDirectory,
    calendar: WorkCalendar | None = None,
    metadata: Mapping[str, str] | None = None,
) -> list[ParsedDocument]:
    """Every directive of one gazette file, with its tasks and their deadlines.

    Traditional characters and mirror noise (inserted pinyin) are cleaned for the parser, line numbers kept, and task
    texts and units come back as the file writes them. `metadata`: fields the file's container states
    (SourceText.metadata), used when the file is one directive.
    """
    cleaned = for_parsing(text)
    if cleaned is None:
        return _parse(text, file=file, directory=directory, calendar=calendar, metadata=metadata)
    if cleaned.converted and metadata:
        metadata = {key: to_simplified(value) for key, value in metadata.items()}
    documents = _parse(cleaned.text, file=file, directory=directory, calendar=calendar, metadata=metadata)
    if not cleaned.converted:
        return documents
    parsed, written = cleaned.text.split("\n"), cleaned.written.split("\n")
    names: dict[str, str] = {}
    return [replace(_header_as_written(doc, parsed, written),
                    tasks=tuple(_task_as_written(t, parsed, written, names) for t in doc.tasks))
            for doc in documents]


HEADER_LINES = 40  # a directive's title, issuer and 主送 stand in its first lines


def _header_as_written(doc: ParsedDocument, parsed: list[str], written: list[str]) -> ParsedDocument:
    """Title, issuer and recipients in the file's own characters (the parser read them converted)."""
    span = slice(doc.line_start - 1, min(doc.line_end, doc.line_start - 1 + HEADER_LINES))
    source, original = "\n".join(parsed[span]), "\n".join(written[span])

    def back(value: str) -> str:
        return as_written(value, source=source, written=original) if value else value

    title = doc.title
    if doc.issuer and title.startswith(doc.issuer):  # the issuer may come from the signature: map it apart
        title = back(doc.issuer) + back(title[len(doc.issuer):])
    else:
        title = back(title)
    return replace(doc, title=title, issuer=back(doc.issuer), recipients=tuple(back(r) for r in doc.recipients))


def _parse(
    text: str, *, file: str, directory: DepartmentDirectory, calendar: WorkCalendar | None,
    metadata: Mapping[str, str] | None,
) -> list[ParsedDocument]:
    documents = []
    for doc in split_documents(text, file=file, metadata=metadata):
        if doc.task_bearing:
            tasks = extract_tasks(doc, directory=directory)
            festival = festival_of(doc.title)
            reference = doc.issued_on or _title_year_start(doc.title) or _only_year_start(doc.lines)
            if reference is not None:
                tasks = tuple(_with_deadlines(t, reference, calendar, festival, dated=doc.issued_on is not None)
                              for t in tasks)
            else:  # a task naming the one year it plans for ("启动2019年…建设,8月底前建成") reads its dates in it
                tasks = tuple(_with_deadlines(t, year, calendar, festival, dated=False)
                              if (year := _only_year_start((SourceLine(t.line, t.text),))) is not None
                              else _with_undated_deadlines(t, calendar, festival) for t in tasks)
            doc = replace(doc, tasks=tasks)
        documents.append(doc)
    return documents


_TITLE_YEAR_RE = re.compile(r"((?:19|20)\d\d)年")


def _title_year_start(title: str) -> date | None:
    """A directive without a signed date is read as issued at the start of the year its title is for
    ("2025年开发区重点工作及责任清单" → 2025-01-01): deadlines without a year fall in that year."""
    m = _TITLE_YEAR_RE.search(title)
    return date(int(m.group(1)), 1, 1) if m else None


def _only_year_start(lines: tuple[SourceLine, ...]) -> date | None:
    """Neither a signed date nor a year in the title: the one year the directive's text names (a task card "第一
    季度:印发《广州市2023年…》"), read as its year; None when it names none or several."""
    years = {m.group(1) for line in lines[:ONLY_YEAR_LINES] for m in _TITLE_YEAR_RE.finditer(line.text)
             if not _since_year(line.text, m)}
    return date(int(years.pop()), 1, 1) if len(years) == 1 else None


ONLY_YEAR_LINES = 30


def _since_year(text: str, m: re.Match[str]) -> bool:
    """"自2005年开始", "从2010年起", "2015年以来": the start of a span reaching today, history and not the plan year."""
    return text[m.start() - 1: m.start()] in ("自", "从") or text.startswith(("以来", "开始", "起"), m.end())
# Two issue dates a year apart: a deadline that comes out the same under both does not depend on the issue date.
_PROBE_DATES = (date(2001, 3, 1), date(2002, 3, 1))


def _with_undated_deadlines(
    task: ExtractedTask, calendar: WorkCalendar | None, festival: str | None
) -> ExtractedTask:
    """Deadlines of a directive whose date is unknown: a written date keeps its day; one that needs the issue date
    ("5月底前", "30日内") is kept with due None, flagged "unresolved", never guessed."""
    first, second = (task_deadlines(task, issued_on=d, calendar=calendar, festival=festival) for d in _PROBE_DATES)
    if not first:
        return task
    resolved = {(s.start, s.end, s.due) for s in second}
    specs = tuple(s if (s.start, s.end, s.due) in resolved else replace(
        s, due=None, range_start=None, flags=tuple(f for f in s.flags if f != "past_at_issue") + ("unresolved",))
        for s in first)
    return _own_deadlines(task, specs)


def _with_deadlines(
    task: ExtractedTask, issued_on: date, calendar: WorkCalendar | None, festival: str | None = None,
    *, dated: bool = True,
) -> ExtractedTask:
    """`dated`: `issued_on` is the directive's own date; otherwise the start of the year it plans for, against which
    a yearless date resolves but a recurring duty has no first occurrence (it depends on the unknown issue day)."""
    deadlines = task_deadlines(task, issued_on=issued_on, calendar=calendar, festival=festival)
    if not deadlines:
        return task  # replace() is costly; most tasks have none
    if not dated and any(s.recurrence not in (None, "ongoing") and s.due is not None for s in deadlines):
        later = {(s.start, s.end, s.due) for s in task_deadlines(
            task, issued_on=issued_on.replace(year=issued_on.year - 1), calendar=calendar, festival=festival)}
        deadlines = tuple(
            replace(s, due=None, flags=(*s.flags, "unresolved"))
            if s.recurrence not in (None, "ongoing") and s.due is not None and (s.start, s.end, s.due) not in later
            else s for s in deadlines)
    return _own_deadlines(task, deadlines)


def _own_deadlines(task: ExtractedTask, specs: tuple[DeadlineSpec, ...]) -> ExtractedTask:
    """The task with the deadlines that are its own: a cadence the values cannot hold (定期, 每两年) becomes the
    task's flag "recurrence_unknown" rather than a deadline with neither date nor recurrence."""
    kept: list[DeadlineSpec] = []
    flags: list[str] = []
    for spec in specs:
        if spec.due is None and spec.recurrence is None and "recurrence_unknown" in spec.flags:
            flags.append("recurrence_unknown")
            continue
        kept.append(spec)
    new_flags = tuple(f for f in dict.fromkeys(flags) if f not in task.flags)
    if not kept and not new_flags:
        return task
    return replace(task, deadlines=distinct_schedules(tuple(kept)), flags=task.flags + new_flags)


def task_deadlines(
    task: ExtractedTask, *, issued_on: date, calendar: WorkCalendar | None = None, festival: str | None = None
) -> tuple[DeadlineSpec, ...]:
    """The deadlines of one task: its time-limit field read as a whole, then the rest of its text."""
    if not task.time_limit:
        return extract_deadlines(task.text, issued_on=issued_on, calendar=calendar, festival=festival)
    at = task.text.rfind(task.time_limit)
    field = extract_deadlines(task.time_limit, issued_on=issued_on, calendar=calendar, festival=festival,
                              standalone=True)
    if at < 0:
        return field + extract_deadlines(task.text, issued_on=issued_on, calendar=calendar, festival=festival)
    end = at + len(task.time_limit)
    field = tuple(replace(s, start=s.start + at, end=s.end + at) for s in field)
    rest = tuple(s for s in extract_deadlines(task.text, issued_on=issued_on, calendar=calendar, festival=festival)
                 if s.end <= at or s.start >= end)
    return tuple(sorted(field + rest, key=lambda s: s.start))


def distinct_schedules(specs: tuple[DeadlineSpec, ...]) -> tuple[DeadlineSpec, ...]:
    """One deadline per schedule: "每月至少召开…每月至少深入…" in one task is one monthly deadline, not two."""
    seen: set[tuple[object, ...]] = set()
    kept = []
    for spec in specs:
        key = (spec.kind, spec.due, spec.recurrence, spec.rule, spec.offset, spec.anchor,
               # (unresolved dates: "第一季度…第二季度" in an undated text are two deadlines, not one)
               spec.text if spec.due is None and spec.recurrence is None else None,
               # (one date written twice for two actions, "8月底前建成…8月底前完成验收", is two deadlines)
               spec.start if spec.due is not None and spec.recurrence is None else None)
        if key not in seen:
            seen.add(key)
            kept.append(spec)
    return tuple(kept) if len(kept) < len(specs) else specs


def _unit_json(unit: DepartmentMention) -> dict[str, Any]:
    return {"name": unit.name, "as_written": unit.as_written}


def deadline_json(spec: DeadlineSpec) -> dict[str, Any]:
    """The stable JSON shape of one deadline (README: extract contract)."""
    return {
        "text": spec.text,
        "due": spec.due.isoformat() if spec.due else None,
        "recurrence": spec.recurrence,
        "kind": spec.kind,
    }


def _task_json(task: ExtractedTask) -> dict[str, Any]:
    return {
        "ref": task.ref,
        "line": task.line,
        "line_end": task.line_end,
        "text": task.text,
        "lead_units": [_unit_json(u) for u in task.lead_units],
        "support_units": [_unit_json(u) for u in task.support_units],
        "deadlines": [deadline_json(d) for d in task.deadlines],
    }


def document_json(doc: ParsedDocument) -> dict[str, Any]:
    """The stable JSON shape of one document (README: extract contract)."""
    return {
        "file": doc.file,
        "doc_number": doc.doc_number,
        "title": doc.title,
        "issuer": doc.issuer,
        "issued_on": doc.issued_on.isoformat() if doc.issued_on else None,
        "recipients": list(doc.recipients),
        "kind": doc.kind,
        "task_bearing": doc.task_bearing,
        "line_start": doc.line_start,
        "line_end": doc.line_end,
        "tasks": [_task_json(t) for t in doc.tasks],
    }
