"""Reminders (issue 6): the daily scan that records notices, and the sender that delivers them once.

Exactly-once rests on the database, not on Celery:
Per unit: an occurrence belongs to one lead unit's part (DeadlineOccurrence.assignment), so a unit is
reminded of its own dates only, never of a co-lead's, and its digest lists only its own items; node clocks
are per part too; managers' escalation copies name the late unit of each line.

1. `reminders_scan` inserts one Reminder row per (occurrence or node, department, kind, channel, day)
   with INSERT … SELECT … ON CONFLICT DO NOTHING under the model's unique constraints, tagging the
   rows with a fresh run token; it then reads back the rows carrying its own token (the ones this
   run created) and enqueues their sending after commit. A concurrent or repeated scan inserts
   nothing and so sends nothing.
2. `reminder_send` claims rows with one conditional UPDATE (pending/failed → sending, with a claim
   token) before each delivery, so two workers holding the same ids never both deliver a digest.
   A failure is recorded on the rows (attempts, error, next_attempt_at) for a retry with backoff.
Selection is set-based: occurrences are chosen by due-date ranges computed on the working-day
calendar, never by walking tasks in Python.
"""
from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    CharField,
    DateField,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.fields import PositiveSmallIntegerField
from django.db.models.functions import Cast
from django.utils import timezone

from parsing.workdays import WorkCalendar
from tracker.clocks import node_breached_assignments, work_calendar
from tracker.models import Assignment, DeadlineOccurrence, Reminder
from tracker.querysets import OWED_STATUSES
from tracker.services import notifications
from tracker.services.messages import reminder_messages_record
from tracker.services.webhooks import webhook_overdue_record

# The statuses in which a unit still owes the work (the same set that can be overdue).
REMINDABLE_STATUSES: tuple[str, ...] = OWED_STATUSES
SWEEP_DAYS = 7  # pending or failed rows older than this are left alone (stale news)
SENDING_LEASE = timedelta(minutes=15)  # longer than any delivery, rate-limit waits included
MANAGERS = "managers"  # digest key of the escalation copies

_INSERT_COLUMNS = (
    "occurrence_id", "node", "task_id", "department_id", "kind", "channel", "sent_on", "due_on",
    "status", "attempts", "error", "run_token", "claim_token", "created_at",
)


@dataclass
class ScanResult:
    """What one scan recorded (or, in a dry run, would have recorded)."""

    as_of: date
    deferred: str = ""
    dry_run: bool = False
    created: dict[str, int] = field(default_factory=dict)
    reminder_ids: list[int] = field(default_factory=list)
    swept_ids: list[int] = field(default_factory=list)
    digests: list[tuple[str, str, str]] = field(default_factory=list)  # dry run: (recipient, channel, subject)


@dataclass
class SendResult:
    """Outcome of one sending batch."""

    sent_ids: list[int] = field(default_factory=list)
    failed_ids: list[int] = field(default_factory=list)
    deferred: str = ""
    messages: int = 0


# ---------------------------------------------------------------- windows and calendar arithmetic


def send_window_closed(*, now: datetime, calendar: WorkCalendar | None = None) -> str:
    """Why nothing may be sent at `now` (quiet hours, non-working day), or "" when sending is allowed."""
    if not settings.REMINDER_SEND_WINDOW:
        return ""
    calendar = calendar or work_calendar()
    local = timezone.localtime(now)
    if not calendar.is_workday(local.date()):
        return "non-working day"
    start, end = settings.REMINDER_QUIET_START_HOUR, settings.REMINDER_QUIET_END_HOUR
    hour = local.hour
    quiet = (hour >= start or hour < end) if start > end else (start <= hour < end)
    return "quiet hours" if quiet and start != end else ""


def overdue_workdays_by_date(*, calendar: WorkCalendar, as_of: date, due_dates: Sequence[date]) -> dict[date, int]:
    """Working days in (due, as_of] for each due date before as_of: 1 on the first working day after it."""
    dates = sorted({d for d in due_dates if d < as_of})
    if not dates:
        return {}
    running, counts, day = 0, {}, dates[0]
    while day <= as_of:
        if calendar.is_workday(day):
            running += 1
        counts[day] = running
        day += timedelta(days=1)
    return {d: counts[as_of] - counts[d] for d in dates}


def overdue_reminder_due(*, overdue_workdays: int) -> bool:
    """Overdue notices go out on the first working day overdue, then every REPEAT working days."""
    repeat = max(1, settings.REMINDER_OVERDUE_REPEAT_WORKDAYS)
    return overdue_workdays >= 1 and (overdue_workdays - 1) % repeat == 0


def escalation_due(*, overdue_workdays: int) -> bool:
    """Managers get a copy with the overdue notices once the task is ESCALATE working days late."""
    return overdue_reminder_due(overdue_workdays=overdue_workdays) and (
        overdue_workdays >= settings.REMINDER_ESCALATE_AFTER_WORKDAYS
    )


# ---------------------------------------------------------------- selection (set-based)


def _open_occurrences() -> QuerySet[DeadlineOccurrence]:
    """Open occurrences of the parts their units still owe (an approved extension moved the unit's own)."""
    return DeadlineOccurrence.objects.filter(completed_at__isnull=True, assignment__status__in=REMINDABLE_STATUSES)


def _channel_q(prefix: str, channel: str) -> Q:
    """Departments reachable on `channel` (a non-empty address; `> ''` keeps it a plain join condition)."""
    column = "contact_email" if channel == Reminder.Channel.EMAIL else "webhook_url"
    return Q(**{f"{prefix}active": True, f"{prefix}{column}__gt": ""})


def _occurrence_rows(
    occurrences: QuerySet[DeadlineOccurrence], *, kind: str, channel: str, escalation: bool = False
) -> QuerySet[DeadlineOccurrence]:
    """(occurrence, department) pairs: the one unit that owes each occurrence (managers' copies: every one)."""
    rows = occurrences if escalation else occurrences.filter(_channel_q("assignment__department__", channel))
    return rows.annotate(
        r_occurrence=F("pk"),
        r_node=Value("", output_field=CharField()),
        r_task=F("assignment__task_id"),
        r_department=F("assignment__department_id"),
        r_kind=Value(kind, output_field=CharField()),
        r_channel=Value(channel, output_field=CharField()),
        r_due_on=F("due_on"),
    )


def _node_rows(assignments: QuerySet[Assignment], *, node: str, channel: str) -> QuerySet[Assignment]:
    """(task, department) pairs for a breached node clock, once per node: earlier notices block it."""
    # urge__isnull matches the partial unique index on (task, node, department, kind, channel, sent_on), so
    # PostgreSQL probes it instead of scanning every earlier reminder for each breached part.
    earlier = Reminder.objects.filter(
        task_id=OuterRef("task_id"), department_id=OuterRef("department_id"), node=node,
        kind=Reminder.Kind.NODE_BREACH, channel=channel, occurrence__isnull=True, urge__isnull=True,
    )
    return (
        assignments
        .filter(_channel_q("department__", channel))
        .exclude(Exists(earlier))
        .annotate(
            # Typed NULLs: PostgreSQL reads an untyped parameter in a sub-select as text.
            r_occurrence=Cast(Value(None), output_field=BigIntegerField()),
            r_node=Value(node, output_field=CharField()),
            r_task=F("task_id"),
            r_department=F("department_id"),
            r_kind=Value(Reminder.Kind.NODE_BREACH, output_field=CharField()),
            r_channel=Value(channel, output_field=CharField()),
            r_due_on=Cast(Value(None), output_field=DateField()),
        )
    )


def _insert(rows: QuerySet, *, as_of: date, token: str, now: datetime) -> None:  # type: ignore[type-arg]
    """INSERT … SELECT the annotated rows; conflicts with the unique constraints are skipped."""
    rows = rows.annotate(
        r_sent_on=Value(as_of, output_field=DateField()),
        r_status=Value(Reminder.Status.PENDING, output_field=CharField()),
        r_attempts=Value(0, output_field=PositiveSmallIntegerField()),
        r_error=Value("", output_field=CharField()),
        r_run_token=Value(token, output_field=CharField()),
        r_claim_token=Value("", output_field=CharField()),
        r_created_at=Value(now, output_field=DateTimeField()),
    )
    aliases = (
        "r_occurrence", "r_node", "r_task", "r_department", "r_kind", "r_channel", "r_sent_on", "r_due_on",
        "r_status", "r_attempts", "r_error", "r_run_token", "r_claim_token", "r_created_at",
    )
    sql, params = rows.values_list(*aliases).query.sql_with_params()
    qn = connection.ops.quote_name
    # SQLite needs a WHERE in INSERT … SELECT … ON CONFLICT to parse it; PostgreSQL accepts it too.
    statement = (
        f"INSERT INTO {qn(Reminder._meta.db_table)} ({', '.join(qn(c) for c in _INSERT_COLUMNS)}) "
        f"SELECT {', '.join('sub.' + qn(a) for a in aliases)} FROM ({sql}) sub WHERE 1 = 1 "
        "ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _record(*, as_of: date, token: str, now: datetime, calendar: WorkCalendar) -> None:
    """Insert every notice due on `as_of` (all kinds, both channels)."""
    channels = (Reminder.Channel.EMAIL, Reminder.Channel.WEBHOOK)
    open_occurrences = _open_occurrences()
    soon_until = calendar.add_workdays(as_of, settings.REMINDER_DUE_SOON_WORKDAYS)
    overdue_dates = overdue_workdays_by_date(
        calendar=calendar,
        as_of=as_of,
        due_dates=list(open_occurrences.filter(due_on__lt=as_of).order_by().values_list("due_on", flat=True)
                       .distinct()),
    )
    repeat_dates = [d for d, n in overdue_dates.items() if overdue_reminder_due(overdue_workdays=n)]
    escalate_dates = [d for d, n in overdue_dates.items() if escalation_due(overdue_workdays=n)]
    for channel in channels:
        _insert(
            _occurrence_rows(open_occurrences.filter(due_on=as_of), kind=Reminder.Kind.DUE_TODAY, channel=channel),
            as_of=as_of, token=token, now=now,
        )
        # Due-soon goes out once per due date: on the first scan inside the window.
        soon = _occurrence_rows(
            open_occurrences.filter(due_on__gt=as_of, due_on__lte=soon_until),
            kind=Reminder.Kind.DUE_SOON, channel=channel,
        ).exclude(
            Exists(Reminder.objects.filter(
                occurrence_id=OuterRef("pk"), department_id=OuterRef("r_department"),
                kind=Reminder.Kind.DUE_SOON, channel=channel, due_on=OuterRef("due_on"),
            ))
        )
        _insert(soon, as_of=as_of, token=token, now=now)
        if repeat_dates:
            _insert(
                _occurrence_rows(
                    open_occurrences.filter(due_on__in=repeat_dates), kind=Reminder.Kind.OVERDUE, channel=channel
                ),
                as_of=as_of, token=token, now=now,
            )
    if escalate_dates and _manager_emails():
        _insert(
            _occurrence_rows(
                open_occurrences.filter(due_on__in=escalate_dates),
                kind=Reminder.Kind.ESCALATION, channel=Reminder.Channel.EMAIL, escalation=True,
            ),
            as_of=as_of, token=token, now=now,
        )
    for node in (Reminder.Node.SIGN, Reminder.Node.FIRST_REPORT):
        # Parts whose sign / first-report clock ran out before `as_of` (tracker.clocks defines it).
        breached = node_breached_assignments(node=node, as_of=as_of, calendar=calendar)
        for channel in channels:
            _insert(_node_rows(breached, node=node, channel=channel), as_of=as_of, token=token, now=now)


# ---------------------------------------------------------------- scan


def reminders_scan(
    *, as_of: date, now: datetime | None = None, dry_run: bool = False, dispatch: bool = True
) -> ScanResult:
    """Record today's notices under the unique constraints and enqueue the sending of this run's rows."""
    now = now or timezone.now()
    calendar = work_calendar()
    result = ScanResult(as_of=as_of, dry_run=dry_run)
    if not dry_run:  # other systems hear of a newly overdue part every day, quiet hours or not
        webhook_overdue_record(as_of=as_of, now=now)
    if not calendar.is_workday(as_of):
        result.deferred = "non-working day"
        return result
    if reason := send_window_closed(now=now, calendar=calendar):
        result.deferred = reason
        return result
    token = uuid.uuid4().hex
    with transaction.atomic():
        _record(as_of=as_of, token=token, now=now, calendar=calendar)
        # The same day's notice in the portal, for every unit (with or without e-mail or robot).
        reminder_messages_record(as_of=as_of, calendar=calendar)
        mine = Reminder.objects.filter(run_token=token)
        result.reminder_ids = list(mine.order_by("department_id", "channel", "id").values_list("id", flat=True))
        for kind, count in _count_by_kind(mine).items():
            result.created[kind] = count
        result.swept_ids = _sweep_ids(as_of=as_of, now=now, exclude_token=token)
        if dry_run:
            result.digests = _preview(result.reminder_ids, as_of=as_of)
            transaction.set_rollback(True)
            return result
        if dispatch:
            _dispatch(result.reminder_ids + result.swept_ids)
    return result


def _count_by_kind(rows: QuerySet[Reminder]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for kind in rows.values_list("kind", flat=True).iterator():
        counts[kind] += 1
    return dict(counts)


def _sweep_ids(*, as_of: date, now: datetime, exclude_token: str) -> list[int]:
    """Earlier rows still owed a delivery: failures whose backoff has passed, orphans of a crashed scan."""
    # A row left "sending" by a killed worker may or may not have reached the robot: it is never
    # resent automatically (no duplicates); the office sees it in the log and may resend it.
    Reminder.objects.filter(status=Reminder.Status.SENDING, claimed_at__lt=now - SENDING_LEASE).update(
        status=Reminder.Status.FAILED, attempts=settings.REMINDER_MAX_ATTEMPTS,
        error="投递结果未知：发送进程中断（未自动重发，以免重复）", next_attempt_at=None,
    )
    recent = Q(sent_on__gte=as_of - timedelta(days=SWEEP_DAYS), sent_on__lte=as_of)
    retry = Q(status=Reminder.Status.FAILED, attempts__lt=settings.REMINDER_MAX_ATTEMPTS) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    # A pending row this old lost its enqueue (broker down at commit, a crash before it).
    orphan = Q(status=Reminder.Status.PENDING,
               created_at__lte=now - timedelta(seconds=settings.REMINDER_REQUEUE_AFTER_SECONDS))
    return list(
        Reminder.objects.filter(recent & (retry | orphan))
        .exclude(run_token=exclude_token)
        .order_by("department_id", "channel", "id")
        .values_list("id", flat=True)
    )


def reminders_sweep(*, now: datetime | None = None) -> list[int]:
    """Between daily scans: enqueue the rows still owed a delivery (orphans, failures due for a retry)."""
    now = now or timezone.now()
    if send_window_closed(now=now):
        return []
    with transaction.atomic():
        ids = _sweep_ids(as_of=timezone.localdate(now), now=now, exclude_token="")
        _dispatch(ids)
    return ids


def _dispatch(ids: list[int], batch: int = 500) -> None:
    """Enqueue sending after commit, in batches that never split one digest's rows... mostly."""
    from tracker.tasks import enqueue_on_commit
    from tracker.tasks import reminder_send as reminder_send_task

    for start in range(0, len(ids), batch):
        enqueue_on_commit(reminder_send_task, ids[start:start + batch])


# ---------------------------------------------------------------- sending


def _digest_key(row: Reminder) -> tuple[str, str, date]:
    who = MANAGERS if row.kind == Reminder.Kind.ESCALATION else str(row.department_id)
    return who, row.channel, row.sent_on


def _manager_emails() -> list[str]:
    emails = [e for e in settings.REMINDER_MANAGER_EMAILS if e]
    user_model = get_user_model()
    emails += list(
        user_model.objects.filter(groups__name=settings.REMINDER_MANAGER_GROUP, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    return sorted(set(emails))


def _items(rows: Sequence[Reminder], *, calendar: WorkCalendar, for_managers: bool) -> list[notifications.NoticeItem]:
    roles = dict(
        ((a.task_id, a.department_id), a.role)
        for a in Assignment.objects.filter(task_id__in={r.task_id for r in rows})
    )
    items = []
    for row in rows:
        overdue = remaining = 0
        if row.due_on is not None and row.due_on < row.sent_on:
            overdue = overdue_workdays_by_date(calendar=calendar, as_of=row.sent_on, due_dates=[row.due_on])[row.due_on]
        elif row.due_on is not None and row.due_on > row.sent_on:
            remaining = _workdays_until(calendar, row.sent_on, row.due_on)
        note = ""
        if row.urge_id is not None and row.urge is not None:
            note = getattr(row.urge, "note", "") or ""
        items.append(notifications.NoticeItem(
            kind=row.kind,
            task_id=row.task_id,
            task_title=row.task.title,
            doc_number=row.task.source_number,
            due_on=row.due_on,
            overdue_workdays=overdue,
            remaining_workdays=remaining,
            node=row.node,
            role=roles.get((row.task_id, row.department_id), ""),
            department_name=row.department.name if for_managers else "",
            note=note,
        ))
    return items


def _workdays_until(calendar: WorkCalendar, start: date, end: date) -> int:
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += calendar.is_workday(day)
    return count


def _deliver(rows: Sequence[Reminder], *, key: tuple[str, str, date], calendar: WorkCalendar,
             claim: str = "") -> int:
    """Send one digest; raises notifications.DeliveryError. Returns the number of messages."""
    who, channel, sent_on = key
    for_managers = who == MANAGERS
    items = _items(rows, calendar=calendar, for_managers=for_managers)
    department = rows[0].department
    recipient = "各位领导" if for_managers else department.name
    subject, body = notifications.digest_render(recipient=recipient, as_of=sent_on, items=items)
    if channel == Reminder.Channel.EMAIL:
        addresses = _manager_emails() if for_managers else [
            a.strip() for a in department.contact_email.replace("；", ",").replace(";", ",").split(",") if a.strip()
        ]
        if not addresses:
            raise notifications.DeliveryError("no e-mail address")
        notifications.email_send(recipients=addresses, subject=subject, body=body)
        return 1
    if not department.webhook_url:
        raise notifications.DeliveryError("no webhook URL")
    def part_sent(number: int) -> None:
        # Recorded at once (outside any transaction): a failure of a later part keeps the count.
        Reminder.objects.filter(claim_token=claim).update(parts_sent=number)

    # A retry of the same rows renders the same text and so the same parts: those the robot already has are
    # skipped (a digest that fails half-way is not sent twice in its first half).
    return notifications.webhook_send(
        url=department.webhook_url, kind=department.webhook_kind, secret=department.webhook_secret,
        text=f"{subject}\n{body}", skip=min(r.parts_sent for r in rows), on_part_sent=part_sent,
    )


def reminder_send(*, reminder_ids: Sequence[int], now: datetime | None = None) -> SendResult:
    """Deliver the given rows as one digest per (recipient, channel, day); each row at most once."""
    now = now or timezone.now()
    calendar = work_calendar()
    result = SendResult()
    if reason := send_window_closed(now=now, calendar=calendar):
        result.deferred = reason  # rows stay pending; the next scan sweeps them
        return result
    sendable = Q(status=Reminder.Status.PENDING) | Q(
        status=Reminder.Status.FAILED, attempts__lt=settings.REMINDER_MAX_ATTEMPTS
    )
    groups: dict[tuple[str, str, date], list[int]] = defaultdict(list)
    for row in Reminder.objects.filter(sendable, id__in=list(reminder_ids)).only(
        "id", "kind", "department_id", "channel", "sent_on"
    ):
        groups[_digest_key(row)].append(row.id)
    for key, ids in groups.items():
        claim = uuid.uuid4().hex
        # The claim is committed before delivery: a second worker's UPDATE then matches nothing.
        claimed = Reminder.objects.filter(sendable, id__in=ids).update(
            status=Reminder.Status.SENDING, claim_token=claim, claimed_at=now,
            attempts=F("attempts") + 1,
        )
        if not claimed:
            continue
        rows = list(
            Reminder.objects.filter(claim_token=claim)
            .select_related("task__directive", "department", "urge")
            .order_by("kind", "due_on", "task_id")
        )
        try:
            result.messages += _deliver(rows, key=key, calendar=calendar, claim=claim)
        except notifications.DeliveryError as exc:
            attempts = max(r.attempts for r in rows)
            delay = settings.REMINDER_RETRY_BASE_SECONDS * 2 ** max(0, attempts - 1)
            Reminder.objects.filter(claim_token=claim).update(
                status=Reminder.Status.FAILED, error=str(exc)[:2000],
                next_attempt_at=now + timedelta(seconds=delay),
            )
            result.failed_ids += [r.id for r in rows]
            continue
        Reminder.objects.filter(claim_token=claim).update(
            status=Reminder.Status.SENT, sent_at=timezone.now(), error=""
        )
        result.sent_ids += [r.id for r in rows]
    return result


def _preview(ids: list[int], *, as_of: date) -> list[tuple[str, str, str]]:
    """Dry run: the digests the ids would make (recipient, channel, subject), nothing sent."""
    calendar = work_calendar()
    groups: dict[tuple[str, str, date], list[Reminder]] = defaultdict(list)
    for row in Reminder.objects.filter(id__in=ids).select_related("task__directive", "department", "urge"):
        groups[_digest_key(row)].append(row)
    out = []
    for key, rows in groups.items():
        for_managers = key[0] == MANAGERS
        recipient = "各位领导" if for_managers else rows[0].department.name
        subject, _ = notifications.digest_render(
            recipient=recipient, as_of=as_of, items=_items(rows, calendar=calendar, for_managers=for_managers)
        )
        out.append((recipient, key[1], subject))
    return sorted(out)


# ---------------------------------------------------------------- 催办 (manual urge)


def urge_notify(*, urge_id: int, now: datetime | None = None) -> list[int]:
    """Record the urge's notices to the urged unit (each of its channels) and send them after commit."""
    from tracker.models import Urge

    now = now or timezone.now()
    urge = Urge.objects.select_related("assignment__department").get(pk=urge_id)
    token = uuid.uuid4().hex
    assignments = [urge.assignment] if urge.assignment is not None else list(
        Assignment.objects.filter(task_id=urge.task_id).select_related("department"))
    rows = [
        Reminder(
            urge=urge, task_id=urge.task_id, department=a.department, kind=Reminder.Kind.URGE, channel=channel,
            sent_on=timezone.localdate(now), due_on=a.current_due, run_token=token,
        )
        for a in assignments if a.department.active
        for channel, address in (
            (Reminder.Channel.EMAIL, a.department.contact_email),
            (Reminder.Channel.WEBHOOK, a.department.webhook_url),
        )
        if address
    ]
    with transaction.atomic():
        Reminder.objects.bulk_create(rows, ignore_conflicts=True)
        ids = list(Reminder.objects.filter(run_token=token).values_list("id", flat=True))
        _dispatch(ids)
    return ids


def reminders_retry(*, reminder_ids: Sequence[int]) -> int:
    """Office action: give failed rows a fresh set of attempts and send them after commit."""
    with transaction.atomic():
        rows = Reminder.objects.filter(id__in=list(reminder_ids), status=Reminder.Status.FAILED)
        ids = list(rows.values_list("id", flat=True))
        rows.update(attempts=0, next_attempt_at=None)
        _dispatch(ids)
    return len(ids)
