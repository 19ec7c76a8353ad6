"""Who may call what, from tracker.permissions (roles) and tracker.transitions (which role takes an action).

Row scoping is not here: every viewset starts from the scoped querysets of tracker.permissions, so an object
outside the caller's units is a 404 before any of these checks sees it. These give 403 to a role that may not:
managers (领导) change nothing; office-only actions refuse units; a unit acts only for its own part, and only
a lead unit asks for an extension or for completion.
"""
from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission

from tracker.models import Assignment
from tracker.permissions import DEPARTMENT_GROUP, _groups, user_is_manager, user_is_office
from tracker.transitions import ACTION_LABELS, ASSIGNMENT_TRANSITIONS, LEAD_UNIT, OFFICE, actor_speaks_for


def user_roles(user: Any) -> list[str]:
    """The user's role codes: office (督查室), manager (领导), unit (承办单位)."""
    roles = []
    if user_is_office(user):
        roles.append("office")
    if user_is_manager(user):
        roles.append("manager")
    if user.is_authenticated and user.is_active and DEPARTMENT_GROUP in _groups(user):
        roles.append("unit")
    return roles


class ReadOnlyForManagers(BasePermission):
    """Managers read everything and write nothing; a user with no role may not write either."""

    message = "领导账号只能查看，不能办理。"

    def has_permission(self, request: Any, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        if user_is_office(request.user):
            return True
        if user_is_manager(request.user):
            return False
        self.message = "您没有办理权限。"
        return "unit" in user_roles(request.user)


class IsOffice(BasePermission):
    """督查室 only (立项, 交办, 催办, 办结确认, 退办, 延期审批, 导入, the reminder log)."""

    message = "只有督查室可以执行此操作。"

    def has_permission(self, request: Any, view: Any) -> bool:
        return user_is_office(request.user)


class MayTakeUnitAction(BasePermission):
    """The role a unit's action needs (tracker.transitions.ASSIGNMENT_TRANSITIONS): the unit itself, a lead
    unit, or the office. Whether the part's status allows the action is the service's answer (400)."""

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        action = getattr(view, "transition", None)
        if action is None or not isinstance(obj, Assignment):
            return True
        rule = ASSIGNMENT_TRANSITIONS[action]
        label = ACTION_LABELS[action]
        if rule.role == OFFICE:
            self.message = f"只有督查室可以执行「{label}」。"
            return user_is_office(request.user)
        if not actor_speaks_for(actor=request.user, assignment=obj):
            self.message = f"只有{obj.department.name}可以执行「{label}」。"
            return False
        if rule.role == LEAD_UNIT and obj.role != Assignment.Role.LEAD:
            self.message = f"配合单位不能「{label}」，由牵头单位办理。"
            return False
        return True
