"""Importing a file of directives (text, Word, PDF, web page): read it (parsing.readers), split it into
directives, and store their tasks, departments and deadlines with the original file. The only importer of
`parsing` for documents; one transaction per file, and a refused file writes nothing.

Re-import rules: the same file (same SHA-256) changes nothing; a directive already stored — the same 文号 and
issuer, or without 文号 the same issuer, title and date, whichever file or format it came from (the .docx after
the .txt) — is skipped with a message naming the file it came from, and its tasks are left exactly as they are,
so a confirmed or edited task is never overwritten. A file in which no directive is found is not kept, so that it
can be imported again once the parser reads it.
"""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from parsing.extract import parse_source
from parsing.readers import UnreadableFile, read_file
from parsing.results import DeadlineSpec, DepartmentMention, ExtractedTask, ParsedDocument, SourceText
from tracker.models import Assignment, Deadline, Department, DepartmentAlias, Directive, SourceFile, Task
from tracker.services.deadlines import (
    task_due_refresh,
    work_calendar,
)
from tracker.services.departments import department_directory

logger = logging.getLogger(__name__)


class ImportRefused(ValueError):
    """The file cannot be imported (empty, binary, scanned, a legacy format…); the message names the file."""


@dataclass(slots=True)
class ImportResult:
    """What one file's import did; `messages` are for the user (Chinese)."""

    name: str
    sha256: str
    source: SourceFile | None = None
    duplicate_file: bool = False
    nothing_found: bool = False
    directives: list[Directive] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    tasks: int = 0
    deadlines: int = 0
    unknown_departments: list[str] = field(default_factory=list)
    flagged_tasks: int = 0
    messages: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.source is not None and not self.duplicate_file

    def summary(self) -> str:
        if self.duplicate_file:
            return f"{self.name}：该文件已导入过（SHA-256 相同），未做任何修改。"
        if self.nothing_found:
            return (f"{self.name}：未识别出任何公文（没有找到文号，也没有“关于……的通知”式标题），未导入；"
                    "文件未保存，可在解析规则改进后重新导入。")
        text = (f"{self.name}：导入文件 {len(self.directives)} 件、任务 {self.tasks} 项、时限 {self.deadlines} 条"
                f"（待核任务 {self.flagged_tasks} 项）")
        if self.skipped:
            text += f"；跳过已导入的文件 {len(self.skipped)} 件"
        if self.unknown_departments:
            text += f"；新建未核实单位 {len(self.unknown_departments)} 个"
        return text + "。"


# --- reading ------------------------------------------------------------------------------------------------------


def source_read(*, name: str, data: bytes) -> SourceText:
    """The file read by parsing.readers (format detected by content); ImportRefused, naming the file, otherwise.

    The readers wrap third-party parsers of untrusted files (python-docx, PDFium, pdfplumber, lxml): whatever they
    raise on a malformed file is a refusal for the user, logged for us, never a server error."""
    try:
        return read_file(data, name=name)
    except UnreadableFile as error:
        raise ImportRefused(str(error)) from error
    except Exception as error:
        logger.exception("reader failed on %s", name)
        raise ImportRefused(f"文件「{name}」格式异常，无法读取，未导入。") from error


# --- mapping ParsedDocument → rows -----------------------------------------------------------------


class _Departments:
    """Name/alias → Department for one import; unknown mentions become unverified departments."""

    def __init__(self) -> None:
        self.by_name: dict[str, Department] = {d.name: d for d in Department.objects.all()}
        self.by_alias: dict[str, Department] = {
            a.alias: a.department for a in DepartmentAlias.objects.select_related("department")
        }
        self.created: list[str] = []

    def resolve(self, mention: DepartmentMention) -> Department:
        found = self.by_name.get(mention.name) or self.by_alias.get(mention.name)
        if found is None:
            found = self.by_alias.get(mention.as_written) or self.by_name.get(mention.as_written)
        if found is not None:
            return found
        kind = Department.Kind.GROUP if mention.is_group else Department.Kind.OTHER
        department = Department.objects.create(name=mention.name[:100], kind=kind, verified=False)
        self.by_name[department.name] = department
        self.created.append(department.name)
        if mention.as_written and mention.as_written != department.name and mention.as_written not in self.by_alias:
            DepartmentAlias.objects.create(department=department, alias=mention.as_written[:100])
            self.by_alias[mention.as_written] = department
        return department


def _deadline_calendar(spec: DeadlineSpec) -> str:
    if spec.kind != "relative" or spec.offset is None or "workday" not in spec.offset:
        return ""
    return "weekends (unconfirmed)" if "calendar_unconfirmed" in spec.flags else "chinese_calendar"


def _deadline_unresolved(spec: DeadlineSpec) -> bool:
    return spec.due is None and spec.recurrence is None and not spec.anchor


def _task_create(
    *, directive: Directive, extracted: ExtractedTask, parent: Task | None, recipients: Iterable[DepartmentMention],
    departments: _Departments, as_of: date | None, result: ImportResult,
) -> Task:
    flags = list(extracted.flags)
    leads, supports = list(extracted.lead_units), list(extracted.support_units)
    if not leads and not supports:
        # A task naming no unit goes to the directive's recipients (主送), flagged for review.
        leads = list(recipients)
        if "no_unit" not in flags:
            flags.append("no_unit")
    if any(_deadline_unresolved(spec) for spec in extracted.deadlines):
        flags.append("deadline_unresolved")
    task = Task.objects.create(
        directive=directive, parent=parent, ref=extracted.ref[:100], title=(extracted.title or extracted.text)[:200],
        text=extracted.text, line_start=extracted.line, line_end=max(extracted.line_end, extracted.line),
        status=Task.Status.PENDING_REVIEW, origin=Task.Origin.EXTRACTED, flags=flags,
    )
    assigned: set[int] = set()
    for mention in [*leads, *supports]:
        department = departments.resolve(mention)
        if department.pk in assigned:  # named twice (lead and support): the first, lead, role stays
            continue
        assigned.add(department.pk)
        role = Assignment.Role.LEAD if mention in leads else Assignment.Role.SUPPORT
        Assignment.objects.create(task=task, department=department, role=role, as_written=mention.as_written[:100])
    for spec in extracted.deadlines:
        Deadline.objects.create(
            task=task, text=spec.text[:200], kind=spec.kind[:30], due_on=spec.due, parsed_due_on=spec.due,
            recurrence=spec.recurrence or "", rule=(spec.rule or "")[:40], offset=(spec.offset or "")[:40],
            anchor=(spec.anchor or "")[:100], range_start=spec.range_start, confidence=spec.confidence,
            flags=list(spec.flags), calendar=_deadline_calendar(spec), resolved_by=Deadline.ResolvedBy.RULE,
        )
        result.deadlines += 1
    result.tasks += 1
    result.flagged_tasks += bool(flags)
    return task


def _directive_create(
    *, source: SourceFile, doc: ParsedDocument, departments: _Departments, directory: Any,
    as_of: date | None, result: ImportResult,
) -> Directive:
    directive = Directive.objects.create(
        source=source, doc_number=doc.doc_number[:64], title=doc.title[:500], issuer=doc.issuer[:100],
        issued_on=doc.issued_on, recipients=list(doc.recipients), kind=doc.kind[:20],
        task_bearing=doc.task_bearing, line_start=doc.line_start, line_end=max(doc.line_end, doc.line_start),
        flags=list(doc.flags),
    )
    recipients = [m for r in doc.recipients for m in directory.mentions(r, "lead")]
    by_ref: dict[str, Task] = {}
    for extracted in doc.tasks:
        parent = by_ref.get(extracted.parent_ref) if extracted.parent_ref else None
        by_ref[extracted.ref] = _task_create(
            directive=directive, extracted=extracted, parent=parent, recipients=recipients,
            departments=departments, as_of=as_of, result=result,
        )
    task_due_refresh(task_ids=[task.pk for task in by_ref.values()])
    return directive


def _already_imported(result: ImportResult, sha256: str) -> ImportResult:
    result.duplicate_file = True
    result.source = SourceFile.objects.get(sha256=sha256)
    result.messages.append(result.summary())
    return result


def _skipped_message(name: str, doc: ParsedDocument) -> str:
    known = Directive.objects.filter(**_identity_lookup(doc)).select_related("source").first()
    where = f"已由「{known.source.name}」导入过" if known is not None and known.source.name != name else "已导入过"
    label = f"{doc.issuer}{doc.doc_number}《{doc.title}》" if doc.doc_number else f"{doc.issuer}《{doc.title}》"
    return f"{name}：{label}{where}，是同一文件，跳过（其任务保持不变）。"


def directive_import(*, name: str, data: bytes, user: Any = None, as_of: date | None = None) -> ImportResult:
    """Import one file in one transaction; refuses bad input with ImportRefused (nothing written).

    Tasks land as drafts (待审核) with their proposed units; the dates each unit owes (occurrences) are made
    at 交办 (services.lifecycle_office.task_assign). `as_of` is today, from the interface.
    """
    sha256 = hashlib.sha256(data).hexdigest()
    result = ImportResult(name=name, sha256=sha256)
    if SourceFile.objects.filter(sha256=sha256).exists():
        return _already_imported(result, sha256)
    source_text = source_read(name=name, data=data)
    directory = department_directory()
    documents = parse_source(source_text, file=name, directory=directory, calendar=work_calendar())
    if not documents:
        result.nothing_found = True
        result.messages.append(result.summary())
        return result
    stored: list[str] = []
    try:
        with transaction.atomic():
            source = SourceFile(
                name=name[:255], sha256=sha256, size=len(data), format=source_text.format,
                encoding=source_text.encoding[:20], text=source_text.text, origins=list(source_text.origins),
                metadata=source_text.meta(), imported_by=user if getattr(user, "is_authenticated", False) else None,
            )
            source.original.save(name, ContentFile(data), save=False)
            stored.append(source.original.name)
            source.save()
            result.source = source
            departments = _Departments()
            created: dict[tuple[Any, ...], Directive] = {}
            for doc in documents:
                key = _identity(doc)
                if key in created or Directive.objects.filter(**_identity_lookup(doc)).exists():
                    result.skipped.append(doc.doc_number or doc.title)
                    result.messages.append(_skipped_message(name, doc))
                    continue
                directive = _directive_create(
                    source=source, doc=doc, departments=departments, directory=directory, as_of=as_of,
                    result=result,
                )
                created[key] = directive
                result.directives.append(directive)
            _duplicates_link(documents=documents, created=created)
            result.unknown_departments = departments.created
            all_known = not created and bool(result.skipped)
            if all_known:
                # Every directive was already stored (another rendition of them): keep no trace of this file.
                transaction.set_rollback(True)
    except IntegrityError:
        _originals_delete(stored)
        # A concurrent import of the same file won the race on the unique SHA-256.
        if SourceFile.objects.filter(sha256=sha256).exists():
            return _already_imported(ImportResult(name=name, sha256=sha256), sha256)
        raise
    except BaseException:
        _originals_delete(stored)
        raise
    if all_known:
        _originals_delete(stored)
        result.source = None
        result.unknown_departments = []
        result.messages.append(f"{name}：文件中的公文均已导入过，未做任何修改。")
        return result
    result.messages.insert(0, result.summary())
    return result


def _originals_delete(names: list[str]) -> None:
    """The stored original of a rolled-back import (content-addressed: no other row can point at it)."""
    from django.core.files.storage import default_storage

    for stored in names:
        if not SourceFile.objects.filter(original=stored).exists():
            default_storage.delete(stored)


def _identity(doc: ParsedDocument) -> tuple[Any, ...]:
    """What makes two documents the same directive: 文号 and issuer; without a 文号, issuer, title and date."""
    if doc.doc_number:
        return (doc.doc_number, doc.issuer)
    return ("", doc.issuer, doc.title[:500], doc.issued_on)


def _identity_lookup(doc: ParsedDocument) -> dict[str, Any]:
    if doc.doc_number:
        return {"doc_number": doc.doc_number[:64], "issuer": doc.issuer[:100]}
    return {"doc_number": "", "issuer": doc.issuer[:100], "title": doc.title[:500], "issued_on": doc.issued_on}


def _duplicates_link(*, documents: Sequence[ParsedDocument], created: dict[tuple[Any, ...], Directive]) -> None:
    """Link a directive to its twin (one report sent under two 文号) when the parser found one."""
    for doc in documents:
        directive = created.get(_identity(doc))
        if directive is None or not doc.duplicate_of:
            continue
        twin = next((d for key, d in created.items() if key[0] == doc.duplicate_of), None)
        twin = twin or Directive.objects.filter(doc_number=doc.duplicate_of).exclude(pk=directive.pk).first()
        if twin is not None:
            directive.duplicate_of = twin
            directive.save(update_fields=["duplicate_of"])


@dataclass(slots=True)
class ReextractResult:
    kept: int = 0
    removed: int = 0
    created: int = 0
    messages: list[str] = field(default_factory=list)


def _task_is_the_offices(task: Task) -> bool:
    """Confirmed, edited, manual or already in the cycle: re-extraction never touches it."""
    return (task.edited or task.confirmed_at is not None or task.origin == Task.Origin.MANUAL
            or task.status != Task.Status.PENDING_REVIEW)


@transaction.atomic
def directive_reextract(*, directive: Directive, as_of: date | None = None) -> ReextractResult:
    """Run the current parser again over a stored directive's source text.

    Tasks the office has confirmed, edited or assigned are kept exactly as they are, and block a
    new task at the same outline ref; the other (untouched, pending-review) tasks are replaced.
    """
    directive = Directive.objects.select_for_update().select_related("source").get(pk=directive.pk)
    directory = department_directory()
    stored = directive.source
    source_text = SourceText(text=stored.text, format=stored.format, encoding=stored.encoding,
                             origins=tuple(stored.origins), metadata=tuple(sorted(stored.metadata.items())))
    documents = parse_source(source_text, file=stored.name, directory=directory, calendar=work_calendar())
    doc = next((d for d in documents if d.doc_number == directive.doc_number and d.issuer == directive.issuer
                and (d.doc_number or d.title == directive.title)), None)
    doc = doc or next((d for d in documents if d.line_start == directive.line_start), None)
    result = ReextractResult()
    if doc is None:
        result.messages.append(f"在原文中找不到{directive.doc_number or directive.title}，未做修改。")
        return result
    tasks = list(directive.tasks.all())
    kept = [t for t in tasks if _task_is_the_offices(t)]
    stale = [t for t in tasks if not _task_is_the_offices(t)]
    stale_ids = {t.pk for t in stale}
    # Kept children of replaced parents must not be cascaded away with them.
    Task.objects.filter(pk__in=[t.pk for t in kept if t.parent_id in stale_ids]).update(parent=None)
    for task in stale:  # one by one: simple-history records each deletion
        task.delete()
    result.kept, result.removed = len(kept), len(stale)
    import_result = ImportResult(name=directive.source.name, sha256=directive.source.sha256)
    departments = _Departments()
    recipients = [m for r in directive.recipients for m in directory.mentions(r, "lead")]
    by_ref: dict[str, Task] = {t.ref: t for t in kept}
    kept_refs = set(by_ref)
    for extracted in doc.tasks:
        if extracted.ref in kept_refs:
            continue
        parent = by_ref.get(extracted.parent_ref) if extracted.parent_ref else None
        by_ref[extracted.ref] = _task_create(
            directive=directive, extracted=extracted, parent=parent, recipients=recipients,
            departments=departments, as_of=as_of, result=import_result,
        )
    task_due_refresh(task_ids=[task.pk for ref, task in by_ref.items() if ref not in kept_refs])
    result.created = import_result.tasks
    result.messages.append(
        f"{directive.doc_number or directive.title}：保留已确认/已修改任务 {result.kept} 项，"
        f"替换待审核任务 {result.removed} 项，新提取 {result.created} 项。"
    )
    if departments.created:
        result.messages.append("新建未核实单位：" + "、".join(departments.created))
    return result
