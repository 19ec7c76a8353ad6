"""The office's review of a draft: units, split, merge, 非任务, bulk 交办 with the assign-time checks. Each write
records a readable event and marks the draft edited; nobody but the office changes anything."""
from __future__ import annotations

from datetime import date

import pytest

from tests.factories import (
    AssignmentFactory,
    DeadlineFactory,
    DepartmentFactory,
    DirectiveFactory,
    SourceFileFactory,
    TaskFactory,
)
from tests.tracker.workflow import department_user, manager_user, office_user
from tracker.models import Assignment, Deadline, Task, TaskEvent
from tracker.services import review
from tracker.services.directives import directive_reextract
from tracker.transitions import TransitionError

pytestmark = pytest.mark.django_db
AS_OF = date(2024, 3, 1)
SOURCE = ("关于推进重点工作的通知\n"
          "一、推进道路改造。6月底前完成主干道改造，\n"
          "同时完成雨污分流工程。（市住房和城乡建设局牵头）\n"
          "二、加强绿化管护。年底前完成。（市林业局负责）\n")


@pytest.fixture
def office():
    return office_user()


@pytest.fixture
def directive():
    return DirectiveFactory(source=SourceFileFactory(text=SOURCE), line_start=1, line_end=4)


def _draft(directive, text, *, lines=(2, 3), ref="一、", flags=()):
    return TaskFactory(directive=directive, ref=ref, text=text, title=text[:40], line_start=lines[0],
                       line_end=lines[1], flags=list(flags))


def _notes(task, action):
    return list(TaskEvent.objects.filter(task=task, action=action).values_list("note", flat=True))


# --- units -----------------------------------------------------------------------------------------------


def test_assignment_set_adds_a_unit_changes_its_role_and_clears_the_unit_flags(office, directive):
    task = _draft(directive, "推进道路改造。", flags=["no_unit", "deadline_unresolved"])
    roads = DepartmentFactory(name="市交通运输局")
    part = review.assignment_set(task=task, department=roads, role="lead", actor=office)
    assert (part.role, part.status) == ("lead", Assignment.Status.PROPOSED)
    review.assignment_set(task=task, department=roads, role="support", actor=office)
    task.refresh_from_db()
    assert task.assignments.get().role == "support"
    assert task.flags == ["deadline_unresolved"] and task.edited
    assert _notes(task, "edit") == ["增加承办单位：市交通运输局（牵头）", "市交通运输局由牵头改为配合"]


def test_assignment_remove_takes_the_unit_off_and_says_which(office, directive):
    task = _draft(directive, "推进道路改造。")
    part = AssignmentFactory(task=task, department=DepartmentFactory(name="市林业局"))
    review.assignment_remove(assignment=part, actor=office)
    assert not task.assignments.exists()
    assert _notes(task, "edit") == ["删除承办单位：市林业局（牵头）"]


@pytest.mark.parametrize("who", ["manager", "unit"])
def test_nobody_but_the_office_changes_a_draft(who, directive):
    user = manager_user() if who == "manager" else department_user(username="u1")[0]
    task = _draft(directive, "推进道路改造。6月底前完成主干道改造，同时完成雨污分流工程。")
    other = _draft(directive, "加强绿化管护。", lines=(4, 4), ref="二、")
    part = AssignmentFactory(task=task)
    calls = [
        lambda: review.assignment_set(task=task, department=DepartmentFactory(), role="lead", actor=user),
        lambda: review.assignment_remove(assignment=part, actor=user),
        lambda: review.task_split(task=task, actor=user, at=10),
        lambda: review.task_merge(task=task, other=other, actor=user),
        lambda: review.task_dismiss(task=task, actor=user),
        lambda: review.task_edit(task=task, user=user, text="改"),
        lambda: review.tasks_assign(tasks=[task], actor=user, as_of=AS_OF),
    ]
    for call in calls:
        with pytest.raises(TransitionError, match="只有督查室"):
            call()
    assert Task.objects.count() == 2 and Task.objects.get(pk=task.pk).status == Task.Status.PENDING_REVIEW
    assert not TaskEvent.objects.exists() and task.assignments.get() == part


def test_an_assigned_task_is_no_longer_reviewed(office, directive):
    task = _draft(directive, "推进道路改造。")
    Task.objects.filter(pk=task.pk).update(status=Task.Status.ASSIGNED)
    with pytest.raises(TransitionError, match="当前状态为「已交办」，不能修改承办单位"):
        review.assignment_set(task=task, department=DepartmentFactory(), role="lead", actor=office)


# --- split and merge ------------------------------------------------------------------------------------


def test_split_cuts_the_text_copies_units_and_moves_the_deadline_that_went_with_the_second_part(office, directive):
    text = "推进道路改造。6月底前完成主干道改造，同时完成雨污分流工程。"
    task = _draft(directive, text, flags=["deadline_unresolved"])
    lead = AssignmentFactory(task=task, department=DepartmentFactory(name="市住房和城乡建设局"))
    AssignmentFactory(task=task, department=DepartmentFactory(name="市水务局"), role="support")
    stays = DeadlineFactory(task=task, text="6月底前", due_on=date(2024, 6, 30))
    at = text.index("同时完成")
    new = review.task_split(task=task, actor=office, at=at, units=[lead])
    task.refresh_from_db()
    assert task.text == "推进道路改造。6月底前完成主干道改造，" and new.text == "同时完成雨污分流工程。"
    # The second part starts on line 3 of the file; the first part now ends there.
    assert (task.line_start, task.line_end, new.line_start, new.line_end) == (2, 3, 3, 3)
    assert new.ref == "一、之二" and new.status == Task.Status.PENDING_REVIEW and new.edited and task.edited
    assert list(new.assignments.values_list("department__name", "role")) == [("市住房和城乡建设局", "lead")]
    assert task.assignments.count() == 2
    # "6月底前" is in the first part: the second part gets a copy, the first keeps its own.
    assert list(task.deadlines.all()) == [stays]
    assert list(new.deadlines.values_list("text", "due_on")) == [("6月底前", date(2024, 6, 30))]
    assert _notes(task, "split") == ["拆分：自「同时完成雨污分流工程。」起另立为第 一、之二 项"]
    assert _notes(new, "split") == ["由第 一、 项拆分而来"]


def test_split_moves_a_deadline_whose_phrase_left_with_the_second_part(office, directive):
    text = "推进道路改造，完成主干道改造。同时完成雨污分流工程，年底前完成。"
    task = _draft(directive, text)
    moved = DeadlineFactory(task=task, text="年底前", due_on=date(2024, 12, 31))
    new = review.task_split(task=task, actor=office, at=text.index("同时"), deadlines=[moved])
    assert list(new.deadlines.all()) == [moved] and not task.deadlines.exists()
    assert "时限年底前随之移出" in _notes(task, "split")[0]


def test_split_refuses_a_cut_at_either_end(office, directive):
    task = _draft(directive, "推进道路改造。")
    for at in (0, len(task.text)):
        with pytest.raises(TransitionError, match="拆分位置"):
            review.task_split(task=task, actor=office, at=at)
    assert Task.objects.count() == 1


def test_merge_keeps_the_earlier_task_and_takes_the_others_text_units_and_deadlines(office, directive):
    first = _draft(directive, "推进道路改造。", lines=(2, 2), ref="一、")
    second = _draft(directive, "同时完成雨污分流工程", lines=(3, 3), ref="（二）", flags=["no_unit"])
    shared = DepartmentFactory(name="市住房和城乡建设局")
    AssignmentFactory(task=first, department=shared, role="support")
    AssignmentFactory(task=second, department=shared, role="lead")
    AssignmentFactory(task=second, department=DepartmentFactory(name="市水务局"), role="support")
    DeadlineFactory(task=second, text="年底前", due_on=date(2024, 12, 31))
    kept = review.task_merge(task=second, other=first, actor=office)
    assert kept.pk == first.pk and not Task.objects.filter(pk=second.pk).exists()
    kept.refresh_from_db()
    assert kept.text == "推进道路改造。同时完成雨污分流工程" and (kept.line_start, kept.line_end) == (2, 3)
    assert sorted(kept.assignments.values_list("department__name", "role")) == [
        ("市住房和城乡建设局", "lead"), ("市水务局", "support")]
    assert list(kept.deadlines.values_list("text", flat=True)) == ["年底前"] and kept.flags == ["no_unit"]
    assert _notes(kept, "merge") == ["合并：第 （二） 项「同时完成雨污分流工程」并入本项"]


def test_merge_joins_with_a_semicolon_when_the_first_text_has_no_full_stop(office, directive):
    first = _draft(directive, "推进道路改造", lines=(2, 2))
    second = _draft(directive, "完成雨污分流", lines=(3, 3), ref="二、")
    assert review.task_merge(task=first, other=second, actor=office).text == "推进道路改造；完成雨污分流"


def test_merge_refuses_tasks_of_two_directives(office, directive):
    first = _draft(directive, "推进道路改造。")
    other = TaskFactory(text="另一个文件的任务。")
    with pytest.raises(TransitionError, match="同一文件"):
        review.task_merge(task=first, other=other, actor=office)
    assert Task.objects.count() == 2


# --- not a task -------------------------------------------------------------------------------------------


def test_dismiss_hides_the_task_keeps_it_and_restore_brings_it_back(office, directive):
    task = _draft(directive, "各单位要严格落实值班制度。")
    AssignmentFactory(task=task)
    review.task_dismiss(task=task, actor=office, reason="属日常要求")
    task.refresh_from_db()
    assert task.status == Task.Status.DISMISSED and task.assignments.count() == 1
    assert not Task.objects.filter(status=Task.Status.PENDING_REVIEW).exists()
    [(held, reason)] = review.tasks_assign(tasks=[task], actor=office, as_of=AS_OF).held
    assert held == task and "不是待审核" in reason
    review.task_restore(task=task, actor=office)
    task.refresh_from_db()
    assert task.status == Task.Status.PENDING_REVIEW
    events = list(TaskEvent.objects.filter(task=task).values_list("action", "from_status", "to_status", "note"))
    assert events == [("dismiss", "pending_review", "dismissed", "标记为非任务：属日常要求"),
                      ("restore", "dismissed", "pending_review", "恢复为待审核任务")]


def test_a_unit_never_sees_a_draft_marked_not_a_task(office, directive):
    from tracker.permissions import assignment_for, task_visible_to

    user, unit = department_user(username="u1")
    task = _draft(directive, "各单位要严格落实值班制度。")
    AssignmentFactory(task=task, department=unit)
    review.task_dismiss(task=task, actor=office)
    assert not task_visible_to(user=user).exists() and not assignment_for(user=user).exists()


def test_reextraction_keeps_what_the_office_dismissed_or_edited(office):
    from tracker.services.directives import directive_import

    text = ("阳泉市人民政府办公室\n关于做好防汛工作的通知\n阳政办发〔2024〕7号\n各县（区）人民政府：\n"
            "一、加强隐患巡查。6月底前完成巡查。（市水利局牵头）\n二、严格值班值守。各单位要落实值班制度。（市应急管理局负责）\n"
            "阳泉市人民政府办公室\n2024年3月1日\n")
    result = directive_import(name="n.txt", data=text.encode(), as_of=AS_OF)
    directive = result.directives[0]
    duty = directive.tasks.get(text__contains="值班")
    patrol = directive.tasks.get(text__contains="巡查")
    review.task_dismiss(task=duty, actor=office)
    review.assignment_set(task=patrol, department=DepartmentFactory(name="市应急管理局"), role="support",
                          actor=office)
    directive_reextract(directive=directive, as_of=AS_OF)
    assert Task.objects.get(pk=duty.pk).status == Task.Status.DISMISSED
    assert Task.objects.get(pk=patrol.pk).assignments.filter(department__name="市应急管理局").exists()
    assert directive.tasks.count() == 2


# --- bulk 交办 --------------------------------------------------------------------------------------------


def _ready(directive, text, due_on, *, department=None, lines=(2, 2)):
    task = _draft(directive, text, lines=lines)
    AssignmentFactory(task=task, department=department or DepartmentFactory())
    if due_on is not None:
        DeadlineFactory(task=task, text=f"{due_on:%Y年%m月%d日}前", due_on=due_on)
    return task


def test_bulk_assign_holds_back_past_and_undated_tasks_unless_decided_and_says_why(office, directive):
    good = _ready(directive, "道路改造。", date(2024, 6, 30))
    past = _ready(directive, "绿化管护。", date(2023, 10, 31))
    undated = _ready(directive, "值班值守。", None)
    unverified = _ready(directive, "宣传引导。", date(2024, 6, 30),
                        department=DepartmentFactory(name="市融媒体中心", verified=False))
    result = review.tasks_assign(tasks=[good, past, undated, unverified], actor=office, as_of=AS_OF)
    assert [t.pk for t in result.confirmed] == [good.pk]
    reasons = {task.pk: reason for task, reason in result.held}
    assert "办理时限（2023-10-31）在交办之日已过" in reasons[past.pk]
    assert "没有明确的办理时限" in reasons[undated.pk]
    assert "「市融媒体中心」尚未核实" in reasons[unverified.pk]
    assert Task.objects.get(pk=past.pk).status == Task.Status.PENDING_REVIEW
    decisions = review.AssignDecisions(past_due="new", new_due_on=date(2024, 9, 30), undated="ongoing")
    result = review.tasks_assign(tasks=[past, undated], actor=office, as_of=AS_OF, decisions=decisions)
    assert {t.pk for t in result.confirmed} == {past.pk, undated.pk} and not result.held
    assert Task.objects.get(pk=past.pk).current_due == date(2024, 9, 30)
    assert Deadline.objects.get(task=undated).recurrence == "ongoing"
    note = TaskEvent.objects.get(task=past, action="assign").note
    assert "时限「2023年10月31日前」由 2023-10-31 改为 2024-09-30" in note


def test_bulk_assign_keeps_the_old_date_when_asked(office, directive):
    past = _ready(directive, "绿化管护。", date(2023, 10, 31))
    result = review.tasks_assign(tasks=[past], actor=office, as_of=AS_OF,
                                 decisions=review.AssignDecisions(past_due="keep"))
    assert result.confirmed and "按原时限（2023-10-31）交办" in TaskEvent.objects.get(task=past, action="assign").note


def test_bulk_assign_leaves_out_group_members_unticked_in_the_check_list(office, directive):
    counties = [DepartmentFactory(name=n, kind="county_government") for n in ("城区人民政府", "矿区人民政府")]
    group = DepartmentFactory(name="各县区人民政府", kind="group")
    group.members.add(*counties)
    task = _ready(directive, "各县区推进道路改造。", date(2024, 6, 30), department=group)
    decisions = review.AssignDecisions(excluded={group.pk: frozenset({counties[1].pk})})
    result = review.tasks_assign(tasks=[task], actor=office, as_of=AS_OF, decisions=decisions)
    assert result.confirmed
    assert list(task.assignments.values_list("department__name", flat=True)) == ["城区人民政府"]
    assert "各县区人民政府展开为：城区人民政府" in TaskEvent.objects.get(task=task, action="assign").note
