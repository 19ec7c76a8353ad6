"""General shapes, fourth set: a system's bodies (…机关), a drafting team, dates whose 月 was dropped.

Every text here is synthetic (written for the rule it checks); each test parses with an empty directory.
"""
from __future__ import annotations

from datetime import date

from parsing.departments import DepartmentDirectory
from parsing.results import ExtractedTask, ParsedDocument
from tests.parsing.shapes import one_document


def _lead(task: ExtractedTask) -> list[str]:
    return [u.as_written for u in task.lead_units]


# --- units ----------------------------------------------------------------------------------------------------------


def test_a_systems_bodies_of_a_place_are_a_unit():
    directory = DepartmentDirectory()
    for name in ("全区公安机关", "全省检察机关", "县税务机关"):
        assert directory.is_unit_shaped(name), name
    for name in ("机关", "全区机关", "党政机关要"):
        assert not directory.is_unit_shaped(name), name


def test_the_note_of_minutes_names_a_systems_bodies():
    doc = one_document("\n".join([
        "3月2日,县长主持召开县政府第十二次常务会议。",
        "会议指出,全县公安机关集中开展专项整治行动,取得了明显成效。会议要求,要继续加大打击力度,守好群众安全。",
    ]))
    assert [_lead(t) for t in doc.tasks] == [["全县公安机关"]]


def test_a_team_named_by_the_document_it_drafts_is_a_unit():
    directory = DepartmentDirectory()
    assert directory.is_unit_shaped("《报告》起草组")
    assert directory.is_unit_shaped("《规划》编制工作专班")
    assert not directory.is_unit_shaped("《报告》要")
    doc = one_document("\n".join([
        "12月2日,区长主持召开区政府第三十次常务会议。",
        "会议强调,《报告》起草组要认真吸收会上提出的意见,对《报告》作进一步修改完善。",
    ]))
    assert [_lead(t) for t in doc.tasks] == [["《报告》起草组"]]


# --- dates whose 月 was dropped -------------------------------------------------------------------------------------


def test_dates_listed_without_their_month_sharing_one_before():
    doc = one_document("\n".join([
        "关于做好2031年重点工作调度的通知",
        "各乡镇人民政府,县直各单位:",
        "一、各牵头单位须分别于615日、1215日前将半年进展、全年完成情况报县政府督查室。",
        "县人民政府",
        "2031年3月1日",
    ]))
    (task,) = doc.tasks
    assert [(d.text, d.due) for d in task.deadlines] == [("615日", date(2031, 6, 15)), ("1215日前", date(2031, 12, 15))]


# --- one cell per line: requirements under a task, the category column before 序号 left out --------------------------


def _requirements_table(last: list[str]) -> ParsedDocument:
    return one_document("\n".join([
        "县人民政府办公室关于印发2031年政务公开重点工作任务分工的通知",
        "各乡镇人民政府,县直各部门:",
        "现将任务分工印发给你们,请认真贯彻执行。",
        "县人民政府办公室",
        "2031年3月1日",
        "2031年政务公开重点工作任务分工",
        "目标",
        "序号",
        "任 务",
        "有 关 要 求",
        "责 任 单 位",
        "1",
        "加强政策解读",
        "围绕财政、就业等政策开展解读,及时准确传递政策意图。",
        "县发展改革局、县财政局",
        "召开季度经济运行新闻发布会,及时发布重要指标数据。",
        "县统计局、县融媒体中心",
        "2",
        "回应社会关切",
        "建立舆情收集研判机制,对不实信息主动发声。",
        "县委网信办",
        *last,
    ]))


def test_requirement_rows_under_a_task_each_are_a_task():
    doc = _requirements_table(["完善政务舆情回应机制,做好重大突发事件信息发布。", "县应急管理局"])
    assert [t.text[:6] for t in doc.tasks] == ["加强政策解读", "召开季度经济", "回应社会关切", "完善政务舆情"]
    assert [_lead(t) for t in doc.tasks] == [["县发展改革局", "县财政局"], ["县统计局", "县融媒体中心"], ["县委网信办"],
                                            ["县应急管理局"]]


def test_a_requirement_cut_by_the_end_of_the_text_names_no_unit():
    doc = _requirements_table(["完善政务舆情回应机制,做好重大突发事"])
    assert [t.text[:6] for t in doc.tasks] == ["加强政策解读", "召开季度经济", "回应社会关切", "完善政务舆情"]
    assert _lead(doc.tasks[2]) == ["县委网信办"]
    assert "no_unit" in doc.tasks[3].flags


# --- a table whose cells are separated by spaces ---------------------------------------------------------------------


def test_a_table_separated_by_spaces_with_section_rows_and_units_one_per_line():
    doc = one_document("\n".join([
        "2031年县政府工作报告目标任务推进情况表",
        "序号 目标任务 责任单位 推进情况",
        "一、主要预期目标",
        "1 地区生产总值增长6%以上。 县发展改革委 同比增长2.9%。",
        "2 农业增加值增长5%。 县农业农村委",
        "县林业局",
        "县供销联社",
        "同比增长3.4%。",
        "二、重点工作",
        "(一)以创建高新区为抓手,推动科技创新",
        "3 实施创新平台建设行动,启动创建孵化器。 县科技局 已启动。",
    ]))
    assert [t.ref for t in doc.tasks] == ["一、#1", "一、#2", "二、(一)#3"]
    assert [t.text[:6] for t in doc.tasks] == ["地区生产总值", "农业增加值增", "实施创新平台"]
    assert [_lead(t) for t in doc.tasks] == [["县发展改革委"], ["县农业农村委", "县林业局", "县供销联社"], ["县科技局"]]


# --- a row naming no 牵头 unit -----------------------------------------------------------------------------------------


def test_a_row_whose_lead_cell_is_cut_leads_with_its_responsible_units():
    doc = one_document("\n".join([
        "2031年县政府工作报告重点工作责任分解",
        "序号", "事项", "责任单位", "牵头单位",
        "1", "地区生产总值增长6.5%以上。", "县农业农村局、县经商局", "县发改局",
        "2", "深化政务服务“一网通办”改革。", "县行政服务中心、县深改服务中心",  # the text ends: 牵头 cut
    ]))
    assert [(_lead(t), [u.as_written for u in t.support_units]) for t in doc.tasks] == [
        (["县发改局"], ["县农业农村局", "县经商局"]), (["县行政服务中心", "县深改服务中心"], [])]
