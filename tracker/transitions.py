"""The rules of the 督办 cycle, per unit: which action each status allows, who may take it, and how the task's
status follows from its lead units'. Pure rules and checks (no writes): the services enforce them, the
portal and the API ask `*_allowed_actions` which forms to show.

A unit's part (Assignment): 待交办 → 已交办 → 已签收 → 办理中 → 申请办结 → 已办结, with 退回 (the unit hands a
misrouted part back; the office reroutes it: 重新交办) and 退办 (the office sends a completion request back to
办理中). Support (配合) units sign, report their input and may hand back, but never ask for completion.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from tracker.models import Assignment, DeadlineOccurrence, ExtensionRequest, Task
from tracker.permissions import user_department_ids, user_is_office

A = Assignment.Status
T = Task.Status
OFFICE, UNIT, LEAD_UNIT = "office", "unit", "lead_unit"
OPEN = frozenset({A.ASSIGNED, A.SIGNED, A.IN_PROGRESS, A.COMPLETION_REQUESTED})
OWED = frozenset({A.ASSIGNED, A.SIGNED, A.IN_PROGRESS})

ACTION_LABELS: dict[str, str] = {
    "assign": "交办",
    "sign": "签收",
    "return": "退回",
    "reassign": "重新交办",
    "report": "反馈进展",
    "extension_request": "申请延期",
    "extension_decide": "审批延期",
    "completion_request": "申请办结",
    "accept": "办结确认",
    "sign_off": "销号",
    "send_back": "退办",
    "urge": "催办",
    "urge_reply": "答复催办",
    "occurrence_complete": "完成本期",
    "rate": "修改评价",
}
WHO = {OFFICE: "督查室", UNIT: "本单位", LEAD_UNIT: "牵头单位"}


class TransitionError(ValueError):
    """The status, or the actor's role, does not allow the action; the message is for users."""


@dataclass(frozen=True, slots=True)
class Transition:
    """Which statuses allow an action, where it leads (None: unchanged) and who may take it."""

    sources: frozenset[str]
    target: str | None
    role: str  # office | unit (a member of the assignment's department) | lead_unit (the same, lead role)


ASSIGNMENT_TRANSITIONS: dict[str, Transition] = {
    "sign": Transition(frozenset({A.ASSIGNED}), A.SIGNED, UNIT),
    "return": Transition(frozenset({A.ASSIGNED}), A.RETURNED, UNIT),
    "report": Transition(frozenset({A.SIGNED, A.IN_PROGRESS}), A.IN_PROGRESS, UNIT),
    "extension_request": Transition(frozenset({A.SIGNED, A.IN_PROGRESS}), None, LEAD_UNIT),
    "completion_request": Transition(frozenset({A.IN_PROGRESS}), A.COMPLETION_REQUESTED, LEAD_UNIT),
    "urge_reply": Transition(OPEN, None, UNIT),
    "accept": Transition(frozenset({A.COMPLETION_REQUESTED}), A.ACCEPTED, OFFICE),
    "send_back": Transition(frozenset({A.COMPLETION_REQUESTED}), A.IN_PROGRESS, OFFICE),
    "reassign": Transition(frozenset({A.RETURNED}), A.ASSIGNED, OFFICE),
    "extension_decide": Transition(OPEN, None, OFFICE),
    "urge": Transition(OWED, None, OFFICE),
    # 修改评价: the office corrects the rating given at 办结确认 (lead units only: support units are not rated).
    "rate": Transition(frozenset({A.ACCEPTED}), None, OFFICE),
}
TASK_TRANSITIONS: dict[str, Transition] = {
    "assign": Transition(frozenset({T.PENDING_REVIEW}), T.ASSIGNED, OFFICE),
    "sign_off": Transition(frozenset({T.COMPLETION_REQUESTED}), T.SIGNED_OFF, OFFICE),
    # 申请办结: every active lead unit has asked or is done: nobody to urge.
    "urge": Transition(frozenset({T.ASSIGNED, T.SIGNED, T.IN_PROGRESS}), None, OFFICE),
}
# The office judges a unit's work: never that of a unit it belongs to itself.
JUDGEMENTS = frozenset({"accept", "send_back", "extension_decide", "rate"})

# The stages of a lead part, in order; the task stands where its least advanced active lead unit stands.
STAGES: tuple[str, ...] = (A.ASSIGNED, A.SIGNED, A.IN_PROGRESS, A.COMPLETION_REQUESTED, A.ACCEPTED)
TASK_STAGE: dict[str, str] = {
    A.ASSIGNED: T.ASSIGNED, A.SIGNED: T.SIGNED, A.IN_PROGRESS: T.IN_PROGRESS,
    A.COMPLETION_REQUESTED: T.COMPLETION_REQUESTED, A.ACCEPTED: T.SIGNED_OFF,
}


def task_status_from(*, lead_statuses: Iterable[str]) -> str:
    """The task's status derived from its lead units' statuses (the one rule; stored by task_status_sync).

    Parts handed back (已退回) wait for the office and do not hold the task; the task stands at the least
    advanced stage of the others: 已销号 once every one is 已办结, 申请办结 once every one has asked or is done,
    and so on down to 已交办. Every lead part handed back: 已退回. None assigned yet: 待审核.
    """
    statuses = list(lead_statuses)
    active = [s for s in statuses if s in STAGES]
    if active:
        return TASK_STAGE[min(active, key=STAGES.index)]
    if statuses and all(s == A.RETURNED for s in statuses):
        return T.RETURNED
    return T.PENDING_REVIEW


def status_label(status: str, *, unit: bool = True) -> str:
    choices = A if unit else T
    return str(choices(status).label) if status in choices.values else status


def actor_speaks_for(*, actor: Any, assignment: Assignment) -> bool:
    """Whether `actor` works for the assignment's department (and so may act on this part)."""
    return bool(actor.is_authenticated and actor.is_active
                and assignment.department_id in user_department_ids(actor))


def _has_role(*, actor: Any, assignment: Assignment | None, role: str) -> bool:
    if not (actor.is_authenticated and actor.is_active):
        return False
    if role == OFFICE:
        return user_is_office(actor)
    if assignment is None or not actor_speaks_for(actor=actor, assignment=assignment):
        return False
    return role == UNIT or assignment.role == Assignment.Role.LEAD


def assignment_transition_check(*, assignment: Assignment, actor: Any, action: str) -> None:
    """Raise TransitionError unless `actor` may take `action` on this unit's part in its current status."""
    rule = ASSIGNMENT_TRANSITIONS[action]
    if assignment.status not in rule.sources:
        raise TransitionError(
            f"{assignment.department.name}当前状态「{status_label(assignment.status)}」不能执行「{ACTION_LABELS[action]}」")
    if action == "rate" and assignment.role != Assignment.Role.LEAD:
        raise TransitionError("配合单位不单独评价，办结评价针对牵头（责任）单位")
    if not _has_role(actor=actor, assignment=assignment, role=rule.role):
        if rule.role == LEAD_UNIT and actor_speaks_for(actor=actor, assignment=assignment):
            raise TransitionError(f"配合单位不能「{ACTION_LABELS[action]}」，由牵头单位办理")
        raise TransitionError(f"只有{WHO[rule.role]}可以执行「{ACTION_LABELS[action]}」")
    if action in JUDGEMENTS and actor_speaks_for(actor=actor, assignment=assignment):
        raise TransitionError("不能审核本单位承办的事项")


def task_transition_check(*, task: Task, actor: Any, action: str) -> None:
    """Raise TransitionError unless `actor` may take the task-level `action` in the task's current status."""
    rule = TASK_TRANSITIONS[action]
    if task.status not in rule.sources:
        raise TransitionError(f"当前状态「{status_label(task.status, unit=False)}」不能执行「{ACTION_LABELS[action]}」")
    if not _has_role(actor=actor, assignment=None, role=rule.role):
        raise TransitionError(f"只有{WHO[rule.role]}可以执行「{ACTION_LABELS[action]}」")


def _passes(check: Any, **kwargs: Any) -> bool:
    try:
        check(**kwargs)
    except TransitionError:
        return False
    return True


def assignment_allowed_actions(*, assignment: Assignment, actor: Any) -> set[str]:
    """The actions `actor` may take on this unit's part now (the portal shows only these forms)."""
    return {action for action in ASSIGNMENT_TRANSITIONS
            if _passes(assignment_transition_check, assignment=assignment, actor=actor, action=action)}


def task_allowed_actions(*, task: Task, actor: Any) -> set[str]:
    """The task-level actions `actor` may take now (交办, 销号 of every requested part at once, 催办 all)."""
    allowed = {action for action in TASK_TRANSITIONS
               if _passes(task_transition_check, task=task, actor=actor, action=action)}
    if "sign_off" in allowed and set(task.assignments.filter(role=Assignment.Role.LEAD).values_list(
            "department_id", flat=True)) & user_department_ids(actor):
        allowed.discard("sign_off")
    return allowed


def extension_request_check(*, assignment: Assignment, as_of: date) -> DeadlineOccurrence:
    """What 延期申请 needs besides the status and the role (the service enforces it, the portal shows the form only
    when it passes): a one-off date still open and not yet passed, and no other request waiting. The occurrence
    whose date would move: the earliest open one-off date (a recurring duty is fulfilled period by period;
    moving its first date would change none of its periods)."""
    occurrence = (assignment.occurrences.filter(deadline__recurrence="", completed_at__isnull=True)
                  .select_related("deadline").order_by("due_on", "pk").first())
    if occurrence is None:
        if assignment.occurrences.filter(completed_at__isnull=True).exists():
            raise TransitionError("周期性时限按期逐期完成，不适用延期申请")
        raise TransitionError("该事项没有明确的办理时限，无需申请延期")
    # "Before the due date": on the due date itself the part is not yet overdue, so it may still ask.
    if as_of > occurrence.due_on:
        raise TransitionError(f"办理时限（{occurrence.due_on:%Y-%m-%d}）已过，不能再申请延期")
    if assignment.extension_requests.filter(status=ExtensionRequest.Status.PENDING).exists():
        raise TransitionError("已有待审批的延期申请，请等待督查室审批")
    return occurrence
