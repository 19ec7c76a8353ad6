"""Reads for the office's review screen and 立项: directives awaiting review, one directive's source beside its
tasks (with their flags in Chinese and what 交办 would need), the unit autocomplete (name, short name, alias),
and a typed deadline phrase as the office reads it."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from parsing.results import DeadlineSpec
from tracker.clocks import work_calendar
from tracker.flags import flag_labels
from tracker.models import Assignment, Deadline, Department, DepartmentAlias, Directive, Task
from tracker.permissions import MANAGER_GROUP
from tracker.selectors import AssignPlan, ExcerptLine, assign_plan_from, group_members

PENDING, DISMISSED = Task.Status.PENDING_REVIEW, Task.Status.DISMISSED
WEEKDAYS = "一二三四五六日"
RECURRENCE_LABELS = dict(Deadline.Recurrence.choices)


def date_label(day: date) -> str:
    """2026年6月30日（星期二）"""
    return f"{day.year}年{day.month}月{day.day}日（星期{WEEKDAYS[day.weekday()]}）"


# --- the list of what awaits review -------------------------------------------------------------------------


def review_directives() -> QuerySet[Directive]:
    """Directives with tasks awaiting review, newest first, with their pending and flagged counts."""
    pending = Q(tasks__status=PENDING)
    return (Directive.objects.filter(Exists(Task.objects.filter(directive=OuterRef("pk"), status=PENDING)))
            .annotate(pending=Count("tasks", filter=pending),
                      flagged=Count("tasks", filter=pending & ~Q(tasks__flags=[])))
            .order_by("-created_at", "-pk"))


def review_directives_pending() -> QuerySet[Directive]:
    """The directives of review_directives(), without their counts (to count them)."""
    return Directive.objects.filter(Exists(Task.objects.filter(directive=OuterRef("pk"), status=PENDING)))


def registered_drafts() -> QuerySet[Task]:
    """Tasks registered by hand (立项) not yet assigned: reviewed and assigned from their own page."""
    return Task.objects.filter(directive__isnull=True, status=PENDING).order_by("-created_at", "-pk")


# --- one directive ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReviewTask:
    """A task as the review screen shows it: the flags in Chinese (stored ones and what 交办 would stop on)."""

    task: Task
    units: list[Assignment]
    deadlines: list[Deadline]
    plan: AssignPlan | None
    flags: list[str]

    @property
    def pending(self) -> bool:
        return self.task.status == PENDING

    @property
    def lines(self) -> str:
        start, end = self.task.line_start, self.task.line_end or self.task.line_start
        if not start:
            return ""
        return f"第{start}行" if start == end else f"第{start}–{end}行"


def task_review_flags(*, task: Task, units: Sequence[Assignment], plan: AssignPlan | None) -> list[str]:
    """Everything the office should look at on a draft, as Chinese labels: the parser's flags, units not
    verified, groups whose members are unknown, and a date missing or already past on the day of 交办."""
    codes = list(task.flags)
    if any(not a.department.verified for a in units):
        codes.append("unit_unverified")
    if plan is not None:
        if plan.unresolved_groups:
            codes.append("group_unknown")
        if plan.undated:
            codes.append("no_deadline")
        if plan.past_due is not None:
            codes.append("past_due")
    return flag_labels(codes)


@dataclass(frozen=True, slots=True)
class GroupChoice:
    """A group named by drafts of the directive, with the members 交办 expands it to (the bulk check list)."""

    group: Department
    members: list[Department]


@dataclass(frozen=True, slots=True)
class ReviewPage:
    directive: Directive
    lines: list[ExcerptLine]
    tasks: list[ReviewTask]
    dismissed: list[ReviewTask]
    others: list[Task]  # already assigned (or further): shown for context, reviewed no more
    groups: list[GroupChoice]

    @property
    def pending(self) -> list[ReviewTask]:
        return [t for t in self.tasks if t.pending]

    @property
    def flagged(self) -> int:
        return sum(1 for t in self.tasks if t.flags)


def _review_tasks(tasks: Iterable[Task], *, as_of: date) -> list[ReviewTask]:
    """Rows for drafts read with _drafts (units and deadlines prefetched): the 交办 plans from those rows and
    one query for the groups' members."""
    tasks = list(tasks)
    groups = {a.department_id for t in tasks for a in t.assignments.all() if a.department.kind == Department.Kind.GROUP}
    members = group_members(group_ids=groups) if groups else {}
    rows = []
    for task in tasks:
        units = sorted(task.assignments.all(), key=lambda a: (a.role != Assignment.Role.LEAD, a.pk))
        proposed = sorted((a for a in units if a.status == Assignment.Status.PROPOSED), key=lambda a: (a.role, a.pk))
        plan = assign_plan_from(proposed=proposed, deadlines=task.deadlines.all(), as_of=as_of,
                                members_of=lambda group: members.get(group.pk, [])) \
            if task.status == PENDING else None
        rows.append(ReviewTask(task, units, list(task.deadlines.all()), plan,
                               task_review_flags(task=task, units=units, plan=plan)))
    return rows


def _drafts(tasks: QuerySet[Task]) -> QuerySet[Task]:
    return tasks.prefetch_related(Prefetch("assignments", Assignment.objects.select_related("department")),
                                  Prefetch("deadlines", Deadline.objects.order_by("due_on", "pk")))


def review_task(*, task: Task, as_of: date) -> ReviewTask:
    """One task as the review screen shows it."""
    return _review_tasks(_drafts(Task.objects.filter(pk=task.pk)), as_of=as_of)[0]


def draft_siblings(*, task: Task) -> list[Task]:
    """The other drafts of the task's directive, in text order (合并 offers the one before and after)."""
    if task.directive_id is None:
        return [task]
    return list(Task.objects.filter(directive_id=task.directive_id, status=PENDING)
                .only("pk", "ref", "title", "text", "line_start").order_by("line_start", "pk"))


CLAUSE_ENDS = frozenset("，,。；;：:！？!?")


def split_points(*, text: str) -> list[tuple[str, int | None]]:
    """The task's text cut after each clause mark, with the offset where a second task could begin after it
    (None after the last piece): the 拆分 panel's ✂ markers."""
    pieces: list[tuple[str, int | None]] = []
    start = 0
    for index, char in enumerate(text):
        if char in CLAUSE_ENDS and text[index + 1:].strip():
            pieces.append((text[start:index + 1], index + 1))
            start = index + 1
    pieces.append((text[start:], None))
    return pieces


def task_source_lines(*, task: Task, context: int = 5) -> list[ExcerptLine]:
    """The task's lines of its file and a few around them, numbered as in the file."""
    if task.directive_id is None or task.line_start is None:
        return []
    end = task.line_end or task.line_start
    return [ExcerptLine(n, text) for n, text in
            task.directive.source.numbered_lines(max(task.line_start - context, 1), end + context)]


def review_page(*, directive: Directive, as_of: date) -> ReviewPage:
    """The directive's own lines (numbered as in its file: what the tasks' line numbers refer to) and its
    tasks: the drafts to review, those marked not a task, and the ones already assigned."""
    drafts = _drafts(directive.tasks.filter(status__in=[PENDING, DISMISSED])).order_by("line_start", "pk")
    rows = _review_tasks(drafts, as_of=as_of)
    groups: dict[int, GroupChoice] = {}
    for row in rows:
        for candidate in (row.plan.candidates if row.plan else []):
            if candidate.via:
                group = next(u.department for u in row.units if u.department.name == candidate.via)
                groups.setdefault(group.pk, GroupChoice(group, []))
                if candidate.department not in groups[group.pk].members:
                    groups[group.pk].members.append(candidate.department)
    return ReviewPage(
        directive=directive,
        lines=[ExcerptLine(n, text) for n, text in directive.numbered_lines()],
        tasks=[r for r in rows if r.task.status == PENDING],
        dismissed=[r for r in rows if r.task.status == DISMISSED],
        others=list(directive.tasks.exclude(status__in=[PENDING, DISMISSED]).order_by("line_start", "pk")),
        groups=[g for g in groups.values() if g.members],
    )


# --- units --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DepartmentMatch:
    department: Department
    hint: str  # how it matched, when not by its own name: "别名：市卫健委", "简称：…"

    def as_json(self) -> dict[str, str]:
        kind = "单位组" if self.department.kind == Department.Kind.GROUP else ""
        notes = [n for n in (self.hint, kind, "" if self.department.verified else "未核实") if n]
        return {"name": self.department.name, "hint": "，".join(notes)}


def department_search(*, query: str, limit: int = 15) -> list[DepartmentMatch]:
    """Active units whose name, short name or alias contains `query`: verified before unverified, then the
    closest match first (exact, then the shortest name containing it)."""
    query = (query or "").strip()
    if not query:
        return []
    aliases: dict[int, str] = {}
    for alias in DepartmentAlias.objects.filter(alias__icontains=query).order_by("alias")[:50]:
        aliases.setdefault(alias.department_id, alias.alias)
    found = (Department.objects.filter(active=True)
             .filter(Q(name__icontains=query) | Q(short_name__icontains=query) | Q(pk__in=list(aliases)))
             .order_by("name")[:200])

    def labels(d: Department) -> list[tuple[str, str]]:
        """The department's names that contain the query, as (name, how to say it)."""
        named = [(d.name, ""), (d.short_name, f"简称：{d.short_name}"), (aliases.get(d.pk, ""), f"别名：{aliases.get(d.pk)}")]
        return [(name, hint) for name, hint in named if name and query in name]

    def rank(d: Department) -> tuple[int, int, str]:
        # Verified units first; among them the closest name: the fewest characters beyond what was typed.
        closest = min((len(name) - len(query) for name, _ in labels(d)), default=99)
        return (0 if d.verified else 1, closest, d.name)

    matches = []
    for department in sorted(found, key=rank)[:limit]:
        named = sorted(labels(department), key=lambda pair: len(pair[0]))
        hint = named[0][1] if named else ""
        matches.append(DepartmentMatch(department, hint))
    return matches


def department_lookup(*, name: str) -> Department | None:
    """The active unit called `name` exactly — by its name, short name or an alias."""
    name = (name or "").strip()
    if not name:
        return None
    found = Department.objects.filter(active=True, name=name).first()
    if found is None:
        found = Department.objects.filter(active=True, short_name=name).order_by("-verified", "pk").first()
    if found is None:
        alias = DepartmentAlias.objects.filter(alias=name, department__active=True).select_related("department").first()
        found = alias.department if alias else None
    return found


def leaders() -> QuerySet[Any]:
    """Users who may be a task's 分管领导: active members of the 领导 group."""
    return (get_user_model().objects.filter(is_active=True, groups__name=MANAGER_GROUP)
            .order_by("first_name", "username").distinct())


# --- a typed deadline phrase ----------------------------------------------------------------------------------


def deadline_preview(*, specs: Sequence[DeadlineSpec], reference: date) -> list[dict[str, Any]]:
    """What a phrase resolves to, in Chinese: the date (with its weekday), the cycle, and the flags."""
    calendar = work_calendar()
    out = []
    for spec in specs:
        recurrence = RECURRENCE_LABELS.get(spec.recurrence or "", "")
        codes = list(spec.flags)
        if spec.due is None and not spec.recurrence:
            codes.append("unresolved")
        notes = flag_labels(codes)
        if spec.due is not None and not calendar.is_workday(spec.due):
            notes.append("当天不是工作日")
        if spec.recurrence == "ongoing":
            summary = "长期（不设到期日）"
        elif spec.due is None:
            summary = "无法确定日期，请直接选择日期"
        elif spec.recurrence:
            summary = f"{recurrence}，首次 {date_label(spec.due)}"
        else:
            summary = date_label(spec.due)
        out.append({
            "text": spec.text,
            "due": spec.due.isoformat() if spec.due else "",
            "summary": summary,
            "recurrence": "" if spec.recurrence in (None, "ongoing") else recurrence,
            "flags": notes,
        })
    return out


def reference_label(*, task: Task | None, reference: date, as_of: date) -> str:
    """Which day a typed phrase counted from, said plainly."""
    if task is not None and task.directive_id is not None and task.directive.issued_on == reference \
            and reference != as_of:
        return f"按发文日期 {reference:%Y-%m-%d} 推算"
    if reference == as_of:
        return f"按今天（{reference:%Y-%m-%d}）推算"
    return f"按批示（会议）日期 {reference:%Y-%m-%d} 推算"
