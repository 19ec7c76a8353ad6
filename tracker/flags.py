"""Review flags (待核标记) as the office reads them: the one mapping from flag code to Chinese label.

Codes come from the parser (tasks, deadlines, directives), from the importer (`deadline_unresolved`) and from
the review screen's own checks (`unit_unverified`, `group_unknown`, `no_deadline`, `past_due`). Every page, the
admin included, shows `flag_labels(...)`, never a code; a code nobody mapped yet reads "其他待核事项".
"""
from __future__ import annotations

from collections.abc import Iterable

FLAG_LABELS: dict[str, str] = {
    # tasks (parser and importer)
    "no_unit": "未写明单位",
    "deadline_unresolved": "时限无法解析",
    "prose_assignment": "单位取自正文叙述",
    "unit_repaired": "单位名称经纠错识别",
    # tasks (computed on the review screen)
    "unit_unverified": "单位未核实",
    "group_unknown": "单位组成员未知",
    "no_deadline": "无明确时限",
    "past_due": "时限已过",
    # deadlines
    "unresolved": "时限无法解析",
    "approximate": "时限为估算",
    "recurrence_unknown": "周期无法识别",
    "calendar_unconfirmed": "工作日历未确认",
    "past_at_issue": "发文时已过期",
    # directives
    "no_doc_number": "无文号",
    "no_recipients": "未写明主送单位",
    "no_issued_on": "无成文日期",
    "date_before_signature": "成文日期位置异常",
    "duplicate": "与另一文号重复发文",
}
UNKNOWN_FLAG = "其他待核事项"

# Flags a person settles by setting the units or the deadlines (they no longer hold once the office has).
UNIT_FLAGS = frozenset({"no_unit", "prose_assignment", "unit_repaired"})
DEADLINE_FLAGS = frozenset({"deadline_unresolved"})
# The flags an office user may set or clear by hand on a task (the admin's check boxes).
TASK_FLAGS = ("no_unit", "deadline_unresolved", "prose_assignment", "unit_repaired")


def flag_label(code: str) -> str:
    return FLAG_LABELS.get(code, UNKNOWN_FLAG)


def flag_labels(codes: Iterable[str]) -> list[str]:
    """Chinese labels of `codes`, each once, in order (two codes may read the same)."""
    labels: list[str] = []
    for code in codes:
        label = flag_label(code)
        if label not in labels:
            labels.append(label)
    return labels
