"""Field values as a person reads them, for audit trails (the task page's 数据修改记录, the admin's history):
choice labels, not codes; people's names, not ids; 北京时间 to the minute, not ISO/UTC with microseconds;
是/否; review flags in Chinese; lists joined with 、 — never JSON. One definition for every page."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db.models import Field, Model
from django.utils import timezone

from tracker.flags import flag_labels

EMPTY = "无"
FLAG_FIELDS = frozenset({"flags"})  # JSON lists of review-flag codes (tracker.flags)


def person_name(user: Any) -> str:
    """A user as the portal names them: the full name, else the login name."""
    if user is None:
        return EMPTY
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full or str(getattr(user, "username", "") or user)


def when(value: datetime | date | None) -> str:
    """北京时间 (settings.TIME_ZONE) to the minute; a date as 2026-12-04."""
    if value is None:
        return EMPTY
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return f"{value:%Y-%m-%d %H:%M}"
    return f"{value:%Y-%m-%d}"


def _related(field: Field, value: Any) -> str:
    if value is None or value == "":
        return EMPTY
    if not isinstance(value, Model):
        pk = getattr(value, "pk", value)  # a raw id, or simple-history's DeletedObject
        if pk is None:
            return EMPTY
        model = field.related_model
        found = model._base_manager.filter(pk=pk).first() if model is not None else None
        if found is None:
            return f"（已删除的{model._meta.verbose_name if model is not None else '对象'}）"
        value = found
    if value._meta.model_name == "user" or hasattr(value, "get_full_name"):
        return person_name(value)
    return str(value)


def _listed(field: Field, value: Any) -> str:
    if isinstance(value, list | tuple):
        items = flag_labels(str(v) for v in value) if field.name in FLAG_FIELDS else [_plain(v) for v in value]
        return "、".join(items) if items else EMPTY
    if isinstance(value, dict):
        return "；".join(f"{k}：{_plain(v)}" for k, v in value.items()) or EMPTY
    return _plain(value)


def _plain(value: Any) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime | date):
        return when(value)
    return str(value)


def value_shown(field: Field, value: Any) -> str:
    """One field's value as a person reads it (a code as its label, an id as a name, a time in 北京时间)."""
    if field.is_relation:
        return _related(field, value)
    if value is None or value == "":
        return EMPTY
    if field.flatchoices:
        return str(dict(field.flatchoices).get(value, value))
    if field.get_internal_type() == "JSONField":
        return _listed(field, value)
    if field.get_internal_type() == "BooleanField":
        return "是" if value else "否"
    if isinstance(value, datetime | date):
        return when(value)
    if isinstance(value, str) and field.get_internal_type() in ("DateTimeField", "DateField"):
        return value  # already text (a historical diff of strings): shown as stored
    return _plain(value)


def field_label(model: type[Model], name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # a field since removed: its name is all there is
        return name


def urge_outcome_text(urges: Iterable[Any]) -> str:
    """What a 催办 really did, for the office: which units were notified on which channel, and which have no
    channel and got the in-app message only (never "已通知" for a unit nothing was sent to)."""
    reached: list[str] = []
    silent: list[str] = []
    for urge in urges:
        department = urge.assignment.department
        channels = [label for label, address in (("邮件", department.contact_email),
                                                 ("群机器人", department.webhook_url)) if address]
        if channels and department.active:
            reached.append(f"{department.name}（{'、'.join(channels)}）")
        else:
            silent.append(department.name)
    parts = []
    if reached:
        parts.append(f"已催办并发送通知：{'、'.join(reached)}，同时生成站内消息")
    if silent:
        who = "该单位" if len(silent) == 1 and not reached else f"{'、'.join(silent)}"
        parts.append(f"{who}未配置通知渠道，已生成站内消息")
    return "；".join(parts) or "已催办"
