"""General shapes, third set: parenthesised numerals, meeting minutes, working rules and inspection notices.

Every text here is synthetic (written for the rule it checks); each test parses with an empty directory.
"""
from __future__ import annotations

from parsing.departments import DepartmentDirectory
from parsing.responsibility import parse_prose
from tests.parsing.shapes import one_document, unit_names

# --- ⑴ ⑵ … as item numbers ------------------------------------------------------------------------------------------


def test_parenthesised_numeral_characters_number_items():
    doc = one_document("\n".join([
        "关于分解落实2031年县政府主要目标的通知",
        "各乡镇人民政府,县直各部门:",
        "一、主要指标",
        "1.约束性指标。",
        "⑴农田灌溉水有效利用系数达到0.6。",
        "责任单位:县水利局。",
        "⑵空气质量优良天数比例达到90%。",
        "责任单位:县生态环境局。",
        "⑶城镇新增就业3000人。",
        "牵头单位:县人社局。",
        "县人民政府",
        "2031年3月1日",
    ]))
    assert [t.ref for t in doc.tasks] == ["一、1.⑴", "一、1.⑵", "一、1.⑶"]
    assert [unit_names(t)[0] for t in doc.tasks] == [["县水利局"], ["县生态环境局"], ["县人社局"]]


# --- meeting minutes -------------------------------------------------------------------------------------------------


def test_each_decision_of_meeting_minutes_is_a_task():
    doc = one_document("\n".join([
        "3月2日,县长主持召开县政府第十二次常务会议。",
        "会议指出,当前全县供水管网老化问题比较突出。会议要求,县水务局要抓紧制定改造计划,6月底前完成主城区改造。"
        "会议同意新建一座城东污水处理厂。",
        "会议强调,开展安全生产大检查意义重大。",
        "会议强调,各乡镇要压实属地责任,确保汛期安全。",
        "会议还研究了其他事项。",
    ]))
    assert [t.text[:6] for t in doc.tasks] == ["会议要求,县", "会议同意新建", "会议强调,各"]
    assert [t.ref for t in doc.tasks] == ["¶2[2]", "¶2[3]", "¶4"]
    assert unit_names(doc.tasks[0])[0] == ["县水务局"]
    assert "no_unit" in doc.tasks[1].flags  # the decision names no unit
    assert unit_names(doc.tasks[2])[0] == ["各乡镇"]


def test_a_minutes_sentence_asking_a_named_unit_for_a_report_is_its_own_task():
    doc = one_document("\n".join([
        "会议要求,各部门要对照分工抓好落实,形成工作合力。市政府督查室要加强跟踪督办,每月汇总报告进展情况。",
    ]))
    assert [t.ref for t in doc.tasks] == ["¶1", "¶1[2]"]
    assert unit_names(doc.tasks[0])[0] == ["各部门"]
    assert doc.tasks[1].text.startswith("市政府督查室要")


def test_a_decision_without_a_subject_is_for_the_unit_the_meeting_noted():
    doc = one_document("\n".join([
        "会议指出,全县市场监管部门开展食品安全专项整治取得明显成效。会议要求,要持续加大抽检力度,严查违法行为。",
    ]))
    assert len(doc.tasks) == 1
    assert unit_names(doc.tasks[0])[0] == ["全县市场监管部门"]


# --- deadlines -------------------------------------------------------------------------------------------------------


def test_an_undated_task_naming_its_year_reads_its_yearless_dates_in_it():
    doc = one_document("\n".join([
        "会议强调,要启动2032年集镇公厕建设,确保8月底前全面建成;5月底前完成中转站验收,8月底前完成资金拨付。",
    ]))
    (task,) = doc.tasks
    assert [str(d.due) for d in task.deadlines] == ["2032-08-31", "2032-05-31", "2032-08-31"]


# --- directives found ------------------------------------------------------------------------------------------------


def test_a_meeting_headline_above_a_source_then_time_line_is_the_title():
    doc = one_document("\n".join([
        "首页>政务动态",
        "县政府第二十一次常务会议",
        "来源: 县政府办公室 时间: 2032-04-09",
        "4月8日,县长主持召开县政府第二十一次常务会议。",
        "会议要求,县交通运输局要加快农村公路建设,年底前全部完工。",
    ]))
    assert doc.title == "县政府第二十一次常务会议"
    assert [t.text[:6] for t in doc.tasks] == ["会议要求,县"]


def test_a_progress_table_headline_under_a_breadcrumb_is_the_title():
    doc = one_document("\n".join([
        "当前位置:首页",
        "> 信息公开 > 工作报告",
        "县政府2032年重点工作一季度进展情况表",
        "发布日期:2032-04-20 10:15 浏览次数: 字体:[ ]",
        "序号",
        "内容与要求",
        "进展情况",
        "责任单位",
        "1",
        "新建农村公路50公里。",
        "已完成路基工程12公里。",
        "县交通运输局",
        "2",
        "新增城镇就业2000人。",
        "已新增就业650人。",
        "县人社局",
    ]))
    assert doc.title == "县政府2032年重点工作一季度进展情况表"
    assert [unit_names(t)[0] for t in doc.tasks] == [["县交通运输局"], ["县人社局"]]


def test_a_run_of_exclamation_marks_in_a_title_is_kept_as_written():
    doc = one_document("\n".join([
        "某某市!!!某某区!!!关于印发2032年重点工作任务分工方案的通知",
        "某政办发〔2032〕3号",
        "各街道办事处,区政府各部门:",
        "现将《2032年重点工作任务分工方案》印发给你们,请认真贯彻落实。",
        "某某区人民政府办公室",
        "2032年3月1日",
    ]))
    assert doc.title.startswith("某某市!!!某某区!!!关于印发")


# --- working rules and an inspection's own sections ------------------------------------------------------------------


def test_a_task_forces_members_and_working_rules_are_no_tasks():
    doc = one_document("\n".join([
        "关于成立县智慧农业建设专班的通知",
        "各乡镇人民政府,县有关单位:",
        "为推进智慧农业建设,县政府决定成立专班,现将有关事项通知如下:",
        "一、专班组成人员",
        "组长:张某某(副县长)",
        "成员:李某某(县农业农村局局长)",
        "二、工作制度",
        "(一)联络员制度。各成员单位明确一名联络员,负责日常联系。",
        "(二)例会制度。每季度召开一次专班会议,研究解决重点问题。",
        "三、工作任务",
        "(一)县农业农村局要在6月底前完成智慧农业示范基地选址。",
        "县人民政府办公室",
        "2032年3月1日",
    ]))
    assert [t.ref for t in doc.tasks] == ["三、(一)"]


def test_an_inspections_purpose_time_and_method_are_no_tasks():
    doc = one_document("\n".join([
        "关于开展重点项目推进情况督查的通知",
        "各镇人民政府,区直各有关单位:",
        "经研究,决定对全区重点项目推进情况开展专项督查。",
        "一、督查目的",
        "全面掌握重点项目进展情况,推动项目加快建设。",
        "二、督查时间",
        "2032年5月10日至5月12日",
        "三、督查方式",
        "区政府督查室组成督查组,采取听取汇报、实地查看等方式进行。",
        "四、有关要求",
        "区发展改革局要于5月8日前将项目进展情况报区政府督查室。",
        "区人民政府办公室",
        "2032年5月2日",
    ]))
    assert [t.ref for t in doc.tasks] == ["四、"]


def test_a_section_improving_a_mechanism_heads_tasks():
    doc = one_document("\n".join([
        "关于进一步做好公平竞争审查工作的通知",
        "各乡镇人民政府,县直各单位:",
        "一、进一步完善工作机制",
        "(一)建立定期抽查机制。由县市场监管局每年牵头开展抽查,年底前形成报告。",
        "县人民政府办公室",
        "2032年2月1日",
    ]))
    assert [t.ref for t in doc.tasks] == ["一、(一)"]


def test_a_heading_only_ending_in_a_rule_word_stays_a_task():
    doc = one_document("\n".join([
        "关于印发2032年信访工作要点的通知",
        "各乡镇人民政府,县直各单位:",
        "一、完善信访工作制度",
        "(一)健全领导接访制度,县信访局负责,年底前完成。",
        "县人民政府办公室",
        "2032年2月1日",
    ]))
    assert [t.ref for t in doc.tasks] == ["一、(一)"]


# --- progress notes ---------------------------------------------------------------------------------------------------


def test_a_done_note_after_an_item_is_progress_not_task_text():
    doc = one_document("\n".join([
        "截至2032年12月31日,县政府十件民生实事全面完成。具体情况如下:",
        "一、新建农村公路80公里。(责任单位:县交通运输局)该项工作已全面完成",
        "此项工作已完成。截至2032年12月底,全县共新建农村公路85公里。",
        "二、改造老旧小区12个。(责任单位:县住建局)",
    ]))
    assert [t.ref for t in doc.tasks] == ["一、", "二、"]
    first = doc.tasks[0]
    assert "截至" not in first.text and "已全面完成" not in first.text
    assert unit_names(first)[0] == ["县交通运输局"]
    assert not first.deadlines


# --- tables ----------------------------------------------------------------------------------------------------------


def test_a_lead_column_after_the_responsible_column_still_leads():
    doc = one_document("\n".join([
        "2032年某某区政府工作报告重点工作责任分解",
        "序号",
        "事项",
        "责任单位",
        "牵头单位",
        "1",
        "城乡居民人均可支配收入增长6%。",
        "区人社局、区农业农村局、区统计局",
        "区发改局",
        "2",
        "新建城市公园3个。",
        "区园林局",
        "区建设局",
        "3",
        "完成老旧小区改造10个。",
        "区街道办、区城管局",
        "区建设局",
    ]))
    assert [unit_names(t) for t in doc.tasks] == [
        (["区发改局"], ["区人社局", "区农业农村局", "区统计局"]),
        (["区建设局"], ["区园林局"]),
        (["区建设局"], ["区街道办", "区城管局"]),
    ]


def test_an_office_of_an_autonomous_regions_government_is_one_unit():
    units = parse_prose("自治区政府督查室要加强跟踪督办,按月汇总报告进展情况。", DepartmentDirectory())
    assert units is not None and units.lead == ["自治区政府督查室"]


def test_a_news_paragraph_asking_a_group_for_a_written_report_is_a_task():
    doc = one_document("\n".join([
        "近日,县政府印发《2032年为民办实事项目计划》,要求各部门抓紧实施。各主办单位要加强统筹协调,"
        "并将项目进展情况按季度书面报告县委、县政府。",
        "一、新建农村公路50公里。",
    ]))
    first = doc.tasks[0]
    assert first.ref == "¶1"
    assert unit_names(first)[0] == ["各主办单位"]
    assert [d.recurrence for d in first.deadlines] == ["quarterly"]


def test_an_item_with_its_own_clause_whose_sub_items_are_tasks_is_a_heading():
    doc = one_document("\n".join([
        "截至2032年12月31日,县政府十件民生实事全面完成。具体情况如下:",
        "一、改善农村人居环境。(责任单位:县农业农村局、各乡镇)",
        "1.新建农村公厕30座(责任单位:县农业农村局)",
        "2.改造农村危房200户(责任单位:县住建局,各乡镇)",
        "二、新增城镇就业2000人。(责任单位:县人社局)",
    ]))
    assert [t.ref for t in doc.tasks] == ["一、1.", "一、2.", "二、"]


def test_a_requirement_asking_a_role_group_for_something_by_a_date_is_its_task():
    doc = one_document("\n".join([
        "各乡镇人民政府,县直各单位:",
        "经研究,决定对全县重点项目推进情况开展专项督查。",
        "一、督查时间",
        "2032年5月10日全天",
        "二、有关要求",
        "(一)各单位要高度重视,形成工作合力。",
        "(二)牵头单位要认真梳理项目进展,形成书面材料,于5月8日前报县政府督查室。",
    ]))
    assert [t.ref for t in doc.tasks] == ["二、(二)"]
    assert unit_names(doc.tasks[0])[0] == ["牵头单位"]
