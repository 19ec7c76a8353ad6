"""Demo content for the review screen and 立项 (`demo_setup`, after the workflow walk): a notice left awaiting review
whose items carry the usual doubts (no unit, a deadline the grammar cannot date, an unknown unit, a group without
members, an item that is not a task — marked so), and a task registered from a 会议纪要 and assigned. Dates follow
`as_of`, so that the deadlines lie ahead whatever day it runs. Idempotent: a second run adds nothing."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from tracker.models import Department, DepartmentMembership, Directive, Task
from tracker.permissions import OFFICE_GROUP
from tracker.services.directives import directive_import
from tracker.services.register import task_register
from tracker.services.review import task_dismiss

DEMO_ISSUER = "阳泉市人民政府办公室"
MEETING_REF = "市政府常务会议纪要〔{year}〕12号"
NOTICE = """阳泉市人民政府办公室文件

阳政办发〔{year}〕58号

阳泉市人民政府办公室
关于做好{year}年安全生产和防汛重点工作的通知

各县（区）人民政府，市直各有关单位：
为切实做好安全生产和防汛工作，经市人民政府同意，现将有关事项通知如下：
一、开展安全生产大检查。全面排查危险化学品、矿山、建筑施工等重点行业领域隐患，{due}完成整改销号。（市应急管理局牵头，市公安局、市住房和城乡建设局配合）
二、加强汛期隐患巡查。对山洪、地质灾害隐患点逐一落实监测责任人，主汛期前完成全覆盖巡查。
三、做好高温天气作业防护。督促用人单位落实防暑降温措施，适时开展专项督导检查。（市人力资源和社会保障局负责）
四、强化安全宣传引导。利用广播、电视和新媒体开展安全生产宣传，每月25日前报送宣传工作进展。（市融媒体中心负责）
五、严格值班值守。各单位要严格落实领导带班和24小时值班制度，重要情况及时报告。

阳泉市人民政府办公室
{issued_text}
"""
MINUTES = ("会议议定：加快推进城区老旧小区改造，年内完成供热管网更新改造30公里，"
           "同步实施雨污分流，每月底前报送工程进展。")


def _month_end_phrase(day: date, issued: date) -> str:
    """"9月底前", with the year when it is not the issue year."""
    return f"{day.month}月底前" if day.year == issued.year else f"{day.year}年{day.month}月底前"


def _demo_units() -> list[Department]:
    """The demo units (unit1, unit2 …) in account order."""
    memberships = (DepartmentMembership.objects.filter(user__username__startswith="unit")
                   .select_related("department", "user").order_by("user__username"))
    return [m.department for m in memberships]


def _support(*, exclude: list[Department]) -> list[Department]:
    """A verified unit with no demo account (so that the demo units still see only their own tasks)."""
    found = (Department.objects.filter(verified=True, active=True, kind=Department.Kind.CITY_DEPARTMENT)
             .exclude(pk__in=[d.pk for d in exclude]).order_by("name").first())
    return [found] if found else []


def demo_review_seed(*, as_of: date, office_username: str = "duban", leader_username: str = "lingdao") -> list[str]:
    """Add the review screen's and 立项's demo content; returns what was added (for the command's output)."""
    users = get_user_model().objects
    office = users.filter(username=office_username, groups__name=OFFICE_GROUP).first()
    if office is None:
        return []
    added = []
    issued = as_of - timedelta(days=3)
    number = f"阳政办发〔{issued.year}〕58号"
    if not Directive.objects.filter(doc_number=number, issuer=DEMO_ISSUER).exists():
        text = NOTICE.format(year=issued.year, issued_text=f"{issued.year}年{issued.month}月{issued.day}日",
                             due=_month_end_phrase(as_of + timedelta(days=75), issued))
        result = directive_import(name=f"演示-安全生产和防汛通知-{issued:%Y%m%d}.txt", data=text.encode("utf-8"),
                                  user=office, as_of=as_of)
        for directive in result.directives:
            duty = directive.tasks.filter(text__contains="值班值守", status=Task.Status.PENDING_REVIEW).first()
            if duty is not None:
                task_dismiss(task=duty, actor=office, reason="属日常工作要求，不是具体督办任务")
            added.append(f"待审核文件：{directive.doc_number} {directive.title}")
    reference = MEETING_REF.format(year=issued.year)
    units = _demo_units()
    if units and not Task.objects.filter(source_ref=reference).exists():
        leader: Any = users.filter(username=leader_username).first()
        met = as_of - timedelta(days=7)
        task = task_register(
            actor=office, as_of=as_of, source_kind=Task.SourceKind.MEETING, source_ref=reference,
            instructed_by="市政府常务会议（市长主持）", instructed_on=met,
            title="加快推进城区老旧小区改造", text=MINUTES, leads=units[:1], supports=_support(exclude=units),
            deadline_text=_month_end_phrase(as_of + timedelta(days=90), met), leader=leader, category=Task.Category.MAJOR,
            files=[SimpleUploadedFile("会议纪要（摘录）.txt", MINUTES.encode("utf-8"), content_type="text/plain")],
            assign=True,
        )
        added.append(f"会议纪要立项并交办：{task.title}")
    return added
