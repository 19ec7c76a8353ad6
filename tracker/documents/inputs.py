"""What each printable needs, as plain frozen values: the contract between the selectors and the builders.

The builders (notices.py, bulletin.py) format what they are given and decide nothing: which tasks are overdue,
how many days, which rate, which units are named, all come from the selectors (overdue is defined once, in the
querysets). Dates are `date`s, rates fractions in [0, 1] (None: nothing was due, printed as "—"), texts are
already in Chinese. Sequences are tuples so the values stay immutable.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class NoticeData:
    """One 督办通知单: an item handed to its units with a deadline and requirements."""

    number: str  # 文号-style, e.g. 督办〔2026〕12号
    issued_on: date
    office_name: str  # e.g. 南山市人民政府督查室: the red header and the signature
    task_text: str
    lead_units: tuple[str, ...]  # 牵头/责任单位, in the task's order
    support_units: tuple[str, ...] = ()  # 配合单位
    task_ref: str = ""  # 事项编号, e.g. 南府发〔2026〕3号第五项
    task_title: str = ""
    source: str = ""  # 《标题》（文号） / 张市长2026年3月5日批示 / 市政府第12次常务会议纪要（〔2026〕12号）
    due: date | None = None
    due_text: str = ""  # wins over `due`: "2026年6月30日前", "每季度末", "长期"
    requirements: tuple[str, ...] = ()  # 办理要求, one sentence each, numbered by the builder
    leader_in_charge: str = ""  # 分管领导
    contact_name: str = ""
    contact_phone: str = ""


@dataclass(frozen=True, slots=True)
class UrgedUnit:
    """One late unit's part of an urged item."""

    name: str
    due: date | None  # this unit's current due date (after an approved extension)
    days_overdue: int  # calendar days past `due` on the notice's issued_on
    latest_report: str = ""  # summary of its latest progress report; empty: none yet
    latest_report_on: date | None = None


@dataclass(frozen=True, slots=True)
class UrgeNoticeData:
    """One 催办通知单: a reminder in writing to the units late on one item."""

    number: str  # e.g. 催办〔2026〕3号
    issued_on: date  # also the day the overdue figures are counted to
    office_name: str
    task_text: str
    units: tuple[UrgedUnit, ...]  # the units urged (主送)
    task_ref: str = ""
    task_title: str = ""
    source: str = ""
    notice_number: str = ""  # the 督办通知单 that assigned the item
    assigned_on: date | None = None
    original_due: date | None = None  # the deadline as first assigned
    due_text: str = ""  # wins over `original_due`
    urge_round: int = 1  # 第N次催办; printed from the second on
    urge_note: str = ""  # 催办意见
    reply_by: date | None = None
    leader_in_charge: str = ""
    contact_name: str = ""
    contact_phone: str = ""


@dataclass(frozen=True, slots=True)
class BulletinTotals:
    """The period's figures. Tasks count items; the rest count units' parts (a task with three units counts 3)."""

    tasks: int  # 督办事项 in hand in the period
    tasks_completed: int  # of which 办结销号 (every lead unit's part accepted)
    assignments: int  # 责任单位承办件数
    completed: int  # parts completed (accepted)
    completed_on_time: int  # parts completed by their due date
    overdue: int  # parts open and past due on period_end
    on_time_rate: float | None  # 按期办结率 as the selectors define it; None: nothing was due


@dataclass(frozen=True, slots=True)
class Ratings:
    """Counts of the office's ratings at 办结 (优秀/良好/合格/不合格)."""

    excellent: int = 0
    good: int = 0
    adequate: int = 0
    poor: int = 0

    @property
    def total(self) -> int:
        return self.excellent + self.good + self.adequate + self.poor


@dataclass(frozen=True, slots=True)
class UnitRow:
    """One responsible unit's line in the 通报 table, in the order the selector ranks them."""

    unit: str
    assigned: int
    completed: int
    completed_on_time: int
    overdue: int
    on_time_rate: float | None
    average_overdue_days: float | None  # None: nothing overdue
    ratings: Ratings = Ratings()
    extended: int = 0  # completed after an approved extension: counted apart from the rate (考评 table)


@dataclass(frozen=True, slots=True)
class OverdueItem:
    """One unit's overdue part, as listed in the 通报."""

    task_title: str  # short title, or the task text shortened by the caller
    unit: str
    due: date
    days_overdue: int
    task_ref: str = ""


@dataclass(frozen=True, slots=True)
class LateUnit:
    """A unit named in the 通报 for its overdue parts."""

    name: str
    overdue: int


@dataclass(frozen=True, slots=True)
class BulletinData:
    """One 督查通报 for a month or a quarter."""

    number: str  # e.g. 督通〔2026〕11号 or 2026年第11期
    period_label: str  # "2026年11月" / "2026年第四季度": goes into the title
    period_end: date  # the figures are counted to this day (截至)
    issued_on: date
    office_name: str
    totals: BulletinTotals
    units: tuple[UnitRow, ...] = ()
    overdue_items: tuple[OverdueItem, ...] = ()
    late_units: tuple[LateUnit, ...] = ()
    typical_cases: tuple[str, ...] = ()  # short paragraphs
    requirements: tuple[str, ...] = ()  # 下步工作要求, one paragraph each
    summary_paragraph: str = ""  # empty: composed from the totals
    recipients: str = ""  # 主送, e.g. 各县（区）人民政府，市政府各部门
    scope_label: str = "全市"  # 全市 / 全县 / 全省, the opening of the composed summary
    contact_name: str = ""
    contact_phone: str = ""
