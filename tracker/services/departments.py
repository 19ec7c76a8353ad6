"""The department directory: seeding it, reading it for the parser, merging unverified units."""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction

from parsing.departments import DepartmentDirectory
from tracker.models import Assignment, Department, DepartmentAlias, DepartmentMembership

KINDS = set(Department.Kind.values)


@dataclass(frozen=True, slots=True)
class SeedResult:
    created: int
    updated: int
    aliases: int


def _alias_add(*, department: Department, alias: str) -> bool:
    """Give `department` the alias unless it is its own name or already another unit's alias."""
    alias = alias.strip()
    if not alias or alias == department.name:
        return False
    _, created = DepartmentAlias.objects.get_or_create(alias=alias, defaults={"department": department})
    return created


@transaction.atomic
def departments_seed(*, entries: Iterable[Mapping[str, Any]]) -> SeedResult:
    """Create or update directory rows shaped like fixtures/departments.json (idempotent).

    Entries: {"name", "kind", "aliases": [...], "members": [...], "parent"}. Seeded units are
    verified; an existing unverified unit of the same name becomes verified. Contact details
    entered by the office are never touched.
    """
    entries = list(entries)
    created = updated = aliases = 0
    by_name: dict[str, Department] = {}
    for entry in entries:
        name = str(entry["name"]).strip()
        kind = str(entry.get("kind") or Department.Kind.OTHER)
        kind = kind if kind in KINDS else Department.Kind.OTHER
        department, was_created = Department.objects.get_or_create(name=name, defaults={"kind": kind})
        if was_created:
            created += 1
        elif department.kind != kind or not department.verified:
            department.kind, department.verified = kind, True
            department.save(update_fields=["kind", "verified"])
            updated += 1
        by_name[name] = department
        for alias in entry.get("aliases") or ():
            aliases += _alias_add(department=department, alias=str(alias))
    for entry in entries:
        department = by_name[str(entry["name"]).strip()]
        parent_name = entry.get("parent")
        parent = by_name.get(parent_name) or Department.objects.filter(name=parent_name).first() if parent_name else None
        if parent is not None and department.parent_id != parent.pk:
            department.parent = parent
            department.save(update_fields=["parent"])
        members = [by_name.get(m) or Department.objects.get_or_create(name=m)[0] for m in entry.get("members") or ()]
        if members:
            department.members.add(*members)
    return SeedResult(created=created, updated=updated, aliases=aliases)


def departments_seed_if_empty(*, entries: Iterable[Mapping[str, Any]]) -> SeedResult | None:
    """Seed the directory when it holds no verified unit yet (a fresh database); None otherwise."""
    if Department.objects.filter(verified=True).exists():
        return None
    return departments_seed(entries=entries)


def department_entries() -> list[dict[str, Any]]:
    """The directory as rows of the fixtures/departments.json shape, read from the database."""
    departments = list(
        Department.objects.filter(active=True).select_related("parent").prefetch_related("aliases", "members")
    )
    return [
        {
            "name": d.name,
            "kind": d.kind,
            "aliases": [a.alias for a in d.aliases.all()] + ([d.short_name] if d.short_name else []),
            "members": [m.name for m in d.members.all()],
            "parent": d.parent.name if d.parent else None,
        }
        for d in departments
    ]


def department_directory() -> DepartmentDirectory:
    """The parser's directory built from the database (verified units first, so they win aliases)."""
    entries = sorted(department_entries(), key=lambda e: e["kind"] == Department.Kind.OTHER)
    return DepartmentDirectory.from_entries(entries)


class MergeError(ValueError):
    """The merge is not allowed; the message is for users."""


@transaction.atomic
def department_merge(*, source: Department, target: Department) -> Department:
    """Fold `source` (typically an unverified unit) into `target`: its name and aliases become
    aliases of `target`, its assignments, memberships and records move, and `source` is deleted.

    Where both were assigned to the same task, the target keeps one assignment, as lead if either was.
    """
    if source.pk == target.pk:
        raise MergeError("不能将单位合并到其自身")
    source = Department.objects.select_for_update().get(pk=source.pk)
    target = Department.objects.select_for_update().get(pk=target.pk)
    DepartmentAlias.objects.filter(department=source).update(department=target)
    _alias_add(department=target, alias=source.name)
    # One by one (not bulk) so simple-history records each change.
    for assignment in Assignment.objects.filter(department=source):
        existing = Assignment.objects.filter(task_id=assignment.task_id, department=target).first()
        if existing is None:
            assignment.department = target
            assignment.save(update_fields=["department"])
            continue
        if assignment.role == Assignment.Role.LEAD and existing.role != Assignment.Role.LEAD:
            existing.role = Assignment.Role.LEAD
            existing.save(update_fields=["role"])
        assignment.delete()
    for membership in DepartmentMembership.objects.filter(department=source):
        DepartmentMembership.objects.get_or_create(user_id=membership.user_id, department=target)
        membership.delete()
    for relation in ("progress_reports", "extension_requests", "reminders", "events"):
        getattr(source, relation).update(department=target)
    for group in source.member_of.all():
        group.members.add(target)
    if source.members.exists():
        target.members.add(*source.members.all())
    Department.objects.filter(parent=source).update(parent=target)
    source.delete()
    return target


def departments_verify(*, departments: Iterable[Department]) -> int:
    """The office accepts unverified units as they are (a real unit the directory lacked)."""
    return Department.objects.filter(pk__in=[d.pk for d in departments], verified=False).update(verified=True)


# --- the office's own directory, imported from a spreadsheet -----------------------------------------------------

# Column headers an office's directory file may use (Chinese as it writes them, or the field names), by field.
IMPORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("单位名称", "名称", "单位", "部门名称", "name"),
    "aliases": ("别名", "其他名称", "曾用名", "aliases"),
    "short_name": ("简称", "short_name"),
    "kind": ("类别", "类型", "单位类别", "单位类型", "kind"),
    "parent": ("上级单位", "上级", "主管单位", "parent"),
    "members": ("成员单位", "members"),
    "contact_email": ("联系邮箱", "邮箱", "电子邮箱", "联系人邮箱", "contact_email", "email"),
    "webhook_kind": ("机器人类型", "群机器人类型", "webhook_kind"),
    "webhook_url": ("群机器人地址", "机器人地址", "webhook_url"),
    "active": ("启用", "是否启用", "active"),
}
_LIST_SPLIT_RE = re.compile(r"[、，,;；|/\n]+")
_YES = {"是", "启用", "有效", "1", "true", "yes", "y", "√"}
_NO = {"否", "停用", "无效", "0", "false", "no", "n", "×"}
_MAX_IMPORT_ROWS = 5000


class DepartmentImportError(ValueError):
    """The directory file was refused; `errors` are Chinese messages naming the file and line."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True, slots=True)
class DirectoryImportResult:
    created: int
    updated: int
    unchanged: int
    aliases: int
    ignored_columns: tuple[str, ...] = ()

    def message(self, *, name: str) -> str:
        text = (f"{name}：新建 {self.created} 个单位，更新 {self.updated} 个，未变 {self.unchanged} 个，"
                f"新增 {self.aliases} 个别名。")
        if self.ignored_columns:
            text += "未识别的列未导入：" + "、".join(self.ignored_columns) + "。"
        return text


@dataclass(slots=True)
class _DirectoryRow:
    line: int
    name: str
    values: dict[str, str]


def _sheet_rows(*, name: str, data: bytes) -> list[tuple[int, list[str]]]:
    """(line number, cells) of the first sheet of an .xlsx, or of a CSV / tab-separated text file."""
    if data[:4] == b"PK\x03\x04":
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds on a damaged file
            raise DepartmentImportError([f"{name}：无法读取 Excel 文件（{error.__class__.__name__}），请另存为 .xlsx 或 CSV 后重试。"]) from error
        sheet = book.worksheets[0]
        rows = [(n, ["" if c is None else str(c).strip() for c in row])
                for n, row in enumerate(sheet.iter_rows(values_only=True), start=1)]
        book.close()
        return rows
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise DepartmentImportError([f"{name}：不支持旧版 Excel（.xls）文件，请另存为 .xlsx 或 CSV（UTF-8）后导入。"])
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise DepartmentImportError([f"{name}：无法识别文件编码，请保存为 UTF-8 或 GB18030 编码的 CSV，或 .xlsx。"])
    if "\x00" in text:
        raise DepartmentImportError([f"{name}：不是 CSV 或 Excel（.xlsx）文件。"])
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    return [(n, [c.strip() for c in row]) for n, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter),
                                                                     start=1)]


def _kind_code(text: str) -> str | None:
    text = text.strip()
    if not text:
        return Department.Kind.OTHER
    for value, label in Department.Kind.choices:
        if text in (value, label):
            return value
    return None


def _directory_rows(*, name: str, data: bytes) -> tuple[list[_DirectoryRow], tuple[str, ...]]:
    """The file's rows keyed by field, and the header cells no field takes."""
    rows = [(n, cells) for n, cells in _sheet_rows(name=name, data=data) if any(cells)]
    if not rows:
        raise DepartmentImportError([f"{name}：文件是空的，没有可导入的单位。"])
    header_line, header = rows[0]
    fields: dict[int, str] = {}
    ignored: list[str] = []
    for index, cell in enumerate(header):
        label = re.sub(r"\s+", "", cell).rstrip("*＊")
        field_name = next((f for f, labels in IMPORT_COLUMNS.items() if label in labels), None)
        if field_name is None:
            if label and label not in ("序号", "编号", "备注"):
                ignored.append(label)
            continue
        if field_name in fields.values():
            raise DepartmentImportError([f"{name} 第{header_line}行：表头中“{cell}”一列重复。"])
        fields[index] = field_name
    if "name" not in fields.values():
        raise DepartmentImportError([
            f"{name} 第{header_line}行：表头缺少“单位名称”列（可用的列：单位名称、别名、简称、类别、上级单位、成员单位、"
            "联系邮箱、机器人类型、群机器人地址、启用）。"])
    if len(rows) - 1 > _MAX_IMPORT_ROWS:
        raise DepartmentImportError([f"{name}：单位超过 {_MAX_IMPORT_ROWS} 行，请分批导入。"])
    out = []
    for line, cells in rows[1:]:
        values = {field_name: (cells[i] if i < len(cells) else "").strip() for i, field_name in fields.items()}
        out.append(_DirectoryRow(line, values.pop("name"), values))
    return out, tuple(ignored)


def _names(text: str) -> list[str]:
    return [n.strip() for n in _LIST_SPLIT_RE.split(text) if n.strip()]


def _check_rows(rows: list[_DirectoryRow], *, name: str) -> list[str]:
    """Every error of the file, each naming its line; nothing is written when there is one."""
    errors: list[str] = []
    first_line: dict[str, int] = {}
    alias_owner: dict[str, tuple[str, int]] = {}
    in_file = {row.name for row in rows}
    existing_aliases = dict(DepartmentAlias.objects.values_list("alias", "department__name"))
    known = set(Department.objects.values_list("name", flat=True))
    for row in rows:
        where = f"{name} 第{row.line}行"
        if not row.name:
            errors.append(f"{where}：单位名称为空。")
            continue
        if len(row.name) > 100:
            errors.append(f"{where}：单位名称超过 100 个字。")
        if row.name in first_line:
            errors.append(f"{where}：单位“{row.name}”与第{first_line[row.name]}行重复。")
        first_line.setdefault(row.name, row.line)
        values = row.values
        if _kind_code(values.get("kind", "")) is None:
            labels = "、".join(label for _, label in Department.Kind.choices)
            errors.append(f"{where}：类别“{values['kind']}”无法识别（可填：{labels}）。")
        email = values.get("contact_email", "")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                errors.append(f"{where}：联系邮箱“{email}”格式不正确。")
        url = values.get("webhook_url", "")
        if url:
            try:
                URLValidator(schemes=["https", "http"])(url)
            except ValidationError:
                errors.append(f"{where}：群机器人地址“{url}”不是有效的网址。")
        webhook_kind = values.get("webhook_kind", "")
        if webhook_kind and webhook_kind not in {v for v, _ in Department.WebhookKind.choices} | {
                label for _, label in Department.WebhookKind.choices}:
            errors.append(f"{where}：机器人类型“{webhook_kind}”无法识别（可填：企业微信、钉钉）。")
        active = values.get("active", "").lower()
        if active and active not in _YES | _NO:
            errors.append(f"{where}：启用一栏应填“是”或“否”，而不是“{values['active']}”。")
        parent = values.get("parent", "")
        if parent and parent not in in_file and parent not in known:
            errors.append(f"{where}：上级单位“{parent}”不在本文件中，也不在单位目录中。")
        if parent == row.name:
            errors.append(f"{where}：单位不能是自己的上级单位。")
        for member in _names(values.get("members", "")):
            if member not in in_file and member not in known:
                errors.append(f"{where}：成员单位“{member}”不在本文件中，也不在单位目录中。")
        for alias in _names(values.get("aliases", "")):
            if len(alias) > 100:
                errors.append(f"{where}：别名“{alias[:20]}…”超过 100 个字。")
            owner = existing_aliases.get(alias)
            if owner is not None and owner != row.name:
                errors.append(f"{where}：别名“{alias}”已属于单位“{owner}”。")
            elif alias in in_file and alias != row.name:
                errors.append(f"{where}：别名“{alias}”是本文件中另一个单位的名称。")
            elif alias in alias_owner and alias_owner[alias][0] != row.name:
                errors.append(f"{where}：别名“{alias}”与第{alias_owner[alias][1]}行的单位重复。")
            alias_owner.setdefault(alias, (row.name, row.line))
    return errors


def departments_import(*, name: str, data: bytes) -> DirectoryImportResult:
    """Import the office's own department directory from a CSV or .xlsx file (one row per unit).

    Columns (IMPORT_COLUMNS): 单位名称 (required), 别名 (several, separated by 、，;), 简称, 类别 (市直部门, 县区政府, …),
    上级单位, 成员单位 (for a group), 联系邮箱, 机器人类型, 群机器人地址, 启用. One transaction: a file with any bad row is
    refused whole, with every error naming the file and line, and nothing is written. Imported units are verified; an
    unverified unit of the same name (found in a directive) becomes verified. A blank cell leaves the field as it is, so
    importing the same file again changes nothing.
    """
    rows, ignored = _directory_rows(name=name, data=data)
    errors = _check_rows(rows, name=name)
    if errors:
        raise DepartmentImportError(errors)
    aliases = 0
    created_names: set[str] = set()
    changed_names: set[str] = set()  # units whose row changed something (created ones counted apart)
    with transaction.atomic():
        by_name: dict[str, Department] = {}
        for row in rows:
            values = row.values
            department, was_created = Department.objects.get_or_create(name=row.name)
            wanted: dict[str, Any] = {"verified": True}
            if values.get("kind"):
                wanted["kind"] = _kind_code(values["kind"])
            elif was_created:
                wanted["kind"] = Department.Kind.OTHER
            for field_name in ("short_name", "contact_email", "webhook_url"):
                if values.get(field_name):
                    wanted[field_name] = values[field_name]
            if values.get("webhook_kind"):
                wanted["webhook_kind"] = next(v for v, label in Department.WebhookKind.choices
                                              if values["webhook_kind"] in (v, label))
            if values.get("active"):
                wanted["active"] = values["active"].lower() in _YES
            fields = [f for f, v in wanted.items() if getattr(department, f) != v]
            for field_name in fields:
                setattr(department, field_name, wanted[field_name])
            if fields:
                department.save(update_fields=fields)
            if was_created:
                created_names.add(row.name)
            elif fields:
                changed_names.add(row.name)
            by_name[row.name] = department
            for alias in _names(values.get("aliases", "")):
                if _alias_add(department=department, alias=alias):
                    aliases += 1
                    changed_names.add(row.name)
        for row in rows:
            department = by_name[row.name]
            parent_name = row.values.get("parent", "")
            if parent_name:
                parent = by_name.get(parent_name) or Department.objects.get(name=parent_name)
                if department.parent_id != parent.pk:
                    department.parent = parent
                    department.save(update_fields=["parent"])
                    changed_names.add(row.name)
            members = [by_name.get(m) or Department.objects.get(name=m) for m in _names(row.values.get("members", ""))]
            new_members = [m for m in members if not department.members.filter(pk=m.pk).exists()]
            if new_members:
                department.members.add(*new_members)
                changed_names.add(row.name)
    updated = len(changed_names - created_names)
    return DirectoryImportResult(created=len(created_names), updated=updated,
                                 unchanged=len(rows) - len(created_names) - updated, aliases=aliases,
                                 ignored_columns=ignored)
