"""General shapes of directives from other provinces: progress tables, nested lists, preambles, group units.

Every text here is synthetic (written for the rule it checks); each test parses with an empty directory.
"""
from __future__ import annotations

from datetime import date

from parsing.deadlines import extract_deadlines
from parsing.departments import DepartmentDirectory
from parsing.responsibility import split_units
from parsing.results import ParsedDocument
from parsing.tables import cell_role
from tests.parsing.shapes import one_document, unit_names

# --- tables ---------------------------------------------------------------------------------------------------------


def test_progress_and_remark_columns_are_neither_task_nor_time():
    assert [cell_role(c) for c in ("当前进度", "3-9月推进情况", "备注", "说明", "是否完成", "完成时限", "进度安排")] == [
        "note", "note", "note", "note", "note", "time", "time"]


def test_a_progress_table_one_cell_per_line_with_remarks_is_found_with_its_rows():
    doc = one_document("\n".join([
        "2030年度县级为民办实事项目进度表(截至9月30日)",
        "", "序号", "", "项目名称", "", "目前进度", "", "牵头单位", "", "备注", "",
        "1", "", "改造城区老旧供水管网12公里。", "", "85%", "", "县水务局", "", "县级实事", "",
        "2", "", "新建社区食堂4个。", "", "70%(选址调整)", "", "县民政局", "", "县级实事", "",
    ]))
    assert doc.title.startswith("2030年度县级为民办实事项目进度表")
    assert [(t.ref, t.text, unit_names(t), t.deadlines) for t in doc.tasks] == [
        ("#1", "改造城区老旧供水管网12公里。", (["县水务局"], []), ()),
        ("#2", "新建社区食堂4个。", (["县民政局"], []), ())]


def test_a_header_column_the_rows_leave_out_is_dropped_and_a_spaced_unit_header_is_read():
    doc = one_document("\n".join([
        "2030年区级民生项目推进情况(1-6月)",
        "序号 |", "主要任务 |", "年度目标 任务 |", "分管 领导 |", "牵头 单位 |", "协同单位 |",
        "1-5月推进情况 |", "1-6月推进情况 |", "说明 |",
        "7 |", "新增公共停车泊位300个。 |", "张某某 |", "交通局 |", "公安分局、各街道 |",
        "完成40%。 |", "完成60%。 |", "||",
        "8 |", "改造农贸市场3个。 |", "李某某 |", "商务局 |", "市场监管局 |",
        "已开工。 |", "完成主体。 |", "进度正常。 |",
        "9 |", "建设口袋公园5个。 |", "王某某 |", "园林局 |", "各街道 |", "已选址。 |", "已开工。 |", "||",
    ]))
    assert [(t.ref, t.text, unit_names(t)) for t in doc.tasks] == [
        ("#7", "新增公共停车泊位300个。", (["交通局"], ["公安分局", "各街道"])),
        ("#8", "改造农贸市场3个。", (["商务局"], ["市场监管局"])),
        ("#9", "建设口袋公园5个。", (["园林局"], ["各街道"]))]


def test_numbered_pipe_rows_without_a_header_take_the_first_unit_cell_as_lead():
    doc = one_document("\n".join([
        "1 | 建成城乡公交首末站2个,更新新能源公交车30辆。 | 县交通运输局 | 首末站已完成选址,车辆采购已招标。 | 按序推进 |",
        "|",
        "2 | 为全县1000名以上老年人提供助餐服务。 | 县民政局、各乡镇 | 已开设助餐点12个。 | 按序推进 |",
    ]))
    assert [(t.ref, unit_names(t)) for t in doc.tasks] == [
        ("#1", (["县交通运输局"], [])), ("#2", (["县民政局", "各乡镇"], []))]
    assert doc.tasks[0].text.startswith("建成城乡公交首末站2个")


def test_a_section_row_inside_a_flattened_table_heads_the_rows_below_it():
    doc = one_document("\n".join([
        "关于分解落实2030年区政府工作目标任务的通知",
        "各街道办事处,区政府各部门:",
        "现将2030年目标任务分解下达给你们,请认真组织落实。",
        "2030年1月6日",
        "2030年区政府工作目标任务分解表",
        "序号", "工作任务", "牵头单位", "责任单位",
        "一、城市建设类(牵头领导:某某)",
        "1", "新建城市绿道20公里。", "区园林局", "各街道",
        "2", "改造老旧小区12个。", "区住建局", "各街道",
        "二、社会事业类",
        "1", "新增普惠托位300个。", "区卫健局", "区教育局",
    ]))
    assert [(t.ref, t.text, unit_names(t)[0]) for t in doc.tasks] == [
        ("一、#1", "新建城市绿道20公里。", ["区园林局"]),
        ("一、#2", "改造老旧小区12个。", ["区住建局"]),
        ("二、#1", "新增普惠托位300个。", ["区卫健局"])]


# --- nested headings ------------------------------------------------------------------------------------------------


def test_a_progress_bulletin_of_items_headed_by_their_unit_label_tracks_those_items():
    doc = one_document("\n".join([
        "2030年县政府为民办实事项目5月份进展情况通报",
        "截至5月底,12件实事中3件已完成,其余正在有序推进。",
        "一、进展情况",
        "(一)城区公厕改造提升牵头责任部门:县住房和城乡建设局",
        "5月底,已完成改造8座,占年度任务的40%。",
        "(二)老年助餐点建设牵头单位:县民政局",
        "已建成助餐点6个,2个正在装修。",
    ]))
    assert [(t.ref, t.text, unit_names(t)[0], t.deadlines) for t in doc.tasks] == [
        ("一、(一)", "(一)城区公厕改造提升", ["县住房和城乡建设局"], ()),
        ("一、(二)", "(二)老年助餐点建设", ["县民政局"], ())]


def test_a_progress_bulletin_whose_items_only_report_lagging_units_has_no_task():
    doc = one_document("\n".join([
        "2030年1至6月份民生工程实施进度通报",
        "现将1至6月份实施进度通报如下:",
        "一、部分项目进展情况",
        "1、农村道路提升,牵头单位:县交通局。其中,进度较慢的为东乡镇。",
        "2、城乡供水一体化,牵头单位:县水利局。其中,进度较慢的为西乡镇。",
    ]))
    assert doc.tasks == ()


# --- requirements of a notice ---------------------------------------------------------------------------------------


def _notice(*items: str, opening: str = "现将《2030年重点工作任务分解方案》印发给你们,请认真贯彻执行。") -> ParsedDocument:
    return one_document("\n".join([
        "某某县人民政府办公室关于印发2030年重点工作任务分解方案的通知",
        "各乡镇人民政府,县政府各部门:",
        opening,
        *items,
        "某某县人民政府办公室",
        "2030年2月3日",
    ]))


def test_a_notice_requirement_naming_units_without_a_date_or_a_report_is_no_task():
    doc = _notice(
        "一、强化协同。县发改局要发挥统筹作用,牵头部门要主动协调,其他部门积极配合,形成工作合力。",
        "二、研究制定方案。各部门要结合实际,认真研究制定本部门落实方案,细化工作措施。",
        "三、按时报送。各牵头单位要于每月5日前将上月进展情况报送县政府督查室。",
    )
    assert [t.ref for t in doc.tasks] == ["三、"]


def test_a_request_to_propose_plans_is_a_task_of_the_units_it_names():
    doc = _notice(opening="现将《工作方案》印发给你们,请牵头单位会同有关部门提出年度实施计划,认真贯彻落实。")
    assert [unit_names(t)[0] for t in doc.tasks] == [["牵头单位"]]


def test_a_notice_that_hands_down_its_tables_reads_its_items_as_requirements():
    doc = one_document("\n".join([
        "各县区人民政府,市政府各部门:",
        "为完成全年目标任务,市政府决定将主要指标和重点任务予以分解下达。现将有关事项通知如下:",
        "一、统一思想抓落实。各地各部门要把落实任务作为重要政治任务,坚决完成各项目标任务。",
        "二、加强协作抓落实。各牵头部门要切实履行牵头抓总职责,各配合单位要主动作为。",
    ]))
    assert doc.tasks == ()


def test_a_review_of_the_past_year_and_the_significance_of_the_work_are_no_tasks():
    doc = _notice(
        "一、2029年工作回顾",
        "一年来,县住建局完成老旧小区改造15个,县交通局新建农村公路40公里。",
        "二、充分认识做好民生工作的重要意义",
        "民生工作事关群众切身利益,各部门要高度重视。",
        opening="现将《2030年政府工作报告》印发给你们,请认真贯彻落实。",
    )
    assert doc.tasks == ()


# --- deadlines ------------------------------------------------------------------------------------------------------


def _due_list(text: str, issued: date = date(2030, 3, 2)) -> list[tuple[date | None, str | None]]:
    return [(s.due, s.recurrence) for s in extract_deadlines(text, issued_on=issued)]


def test_a_bracket_listing_a_recurrence_s_occurrences_adds_no_deadline():
    assert _due_list("各单位要在每月底(分别在4月、5月和6月底)将进展情况报县政府督查室。") == [
        (date(2030, 3, 31), "monthly")]


def test_the_years_a_yearly_allocation_runs_over_and_the_allocation_are_no_deadlines():
    assert _due_list("2031—2033年,每年安排专项资金支持中小企业技术改造。") == []
    assert _due_list("市财政每年对新认定的示范园区给予一次性奖补资金。") == []
    assert _due_list("每年组织开展一次消防安全检查。") == [(date(2030, 12, 31), "yearly")]  # a duty stays one


def test_a_date_whose_month_character_was_dropped_is_read_as_month_and_day():
    assert _due_list("各单位于315日前将工作方案报送区政府督查室。") == [(date(2030, 3, 15), None)]
    assert _due_list("于1130日前完成验收。") == [(date(2030, 11, 30), None)]
    assert _due_list("应在120日内办结。") == []  # a span of days, not a date


def test_a_recurring_duty_of_an_undated_directive_has_no_first_occurrence():
    doc = one_document("\n".join([
        "关于印发2030年重点工作任务分解方案的通知",
        "各乡镇人民政府,县直各部门:",
        "现将《2030年重点工作任务分解方案》印发给你们,请认真组织实施。",
        "一、按时报告。各责任单位要于每月25日前将进展情况报送县政府督查室。",
        "二、年中评估。各责任单位要于6月30日前将半年工作总结报送县政府督查室。",
    ]))
    assert [[(d.due, d.recurrence) for d in t.deadlines] for t in doc.tasks] == [
        [(None, "monthly")], [(date(2030, 6, 30), None)]]  # a yearless date still falls in the year planned for


def test_an_explicit_start_gives_an_undated_directive_s_recurring_duty_its_first_occurrence():
    doc = one_document("\n".join([
        "关于印发2030年重点工作任务分解方案的通知",
        "各乡镇人民政府,县直各部门:",
        "现将《2030年重点工作任务分解方案》印发给你们,请认真组织实施。",
        "一、按时报告。从2030年第二季度起,各责任单位要于每季度首月10日前报送上季度进展情况。",
    ]))
    assert [(d.due, d.recurrence) for d in doc.tasks[0].deadlines] == [(date(2030, 4, 10), "quarterly")]


# --- units named by their role ----------------------------------------------------------------------------------------


def test_groups_named_by_their_role_are_the_subjects_of_a_reporting_requirement():
    doc = _notice(
        "一、按时报送方案。各牵头单位要于2030年2月20日前将办理方案报送总牵头单位。总牵头单位要于2月28日前将总体方案报送县政府办公室。",
        "二、及时报告。省政府各牵头部门要于3月底前将任务分解情况报县政府备案。",
    )
    assert [unit_names(t) for t in doc.tasks] == [(["各牵头单位", "总牵头单位"], []), (["省政府各牵头部门"], [])]


def test_the_first_listed_rule_and_the_supervision_office_s_follow_up_add_nothing_to_prose_subjects():
    doc = _notice(
        "一、分解表中,列第一位的责任单位为牵头单位或汇总单位。各牵头单位和汇总单位要及时向县政府报告完成情况。"
        "县政府督查室要将完成情况作为督查内容,督促推进落实。",
    )
    assert [unit_names(t) for t in doc.tasks] == [(["各牵头单位", "汇总单位"], [])]


def test_a_team_with_a_report_of_its_own_to_make_is_a_unit_of_the_task():
    doc = _notice("二、各责任单位要在每月底将进展情况报县督查组,由县督查组汇总后向县政府汇报。")
    assert sorted(unit_names(doc.tasks[0])[0]) == ["县督查组", "各责任单位"]


def test_the_next_steps_of_a_bulletin_are_its_instruction_and_a_partner_supports():
    doc = one_document("\n".join([
        "关于2030年5月份为民办实事项目进展情况的通报",
        "30件为民办实事项目已完成8件,其余正在推进中。",
        "下一步,各牵头单位要切实负起主体责任,加快工作进度。县住建局要会同县城管执法局对滞后项目进行督导。",
    ]))
    (task,) = doc.tasks
    assert unit_names(task) == (["各牵头单位", "县住建局"], ["县城管执法局"])


def test_a_notice_paragraph_asking_a_group_to_submit_reports_is_its_task_without_the_issuer_s_schedule():
    doc = _notice(
        "各乡镇、各部门要切实履行职责,抓好落实。各责任单位要加强与牵头单位沟通联系,及时报送工作进展情况。"
        "县政府办公室将对完成情况进行跟踪督办,从2030年4月起,每季度通报推进情况。",
        opening="现将2030年县政府工作目标任务分解下达给你们,请认真组织落实。",
    )
    (task,) = doc.tasks
    assert (unit_names(task), task.deadlines) == ((["各责任单位"], []), ())


def test_a_flattened_table_whose_numbers_were_not_stored_is_read_by_its_other_cells():
    doc = one_document("\n".join([
        "2030年县级民生实事项目进度表",
        "序号", "项目内容", "当前进度", "牵头单位", "备注",
        "改造城区老旧供水管网12公里。", "85%", "县水务局", "县级实事",
        "新建社区食堂4个。", "70%", "县民政局", "县级实事",
        "新增公办幼儿园学位600个。", "60%", "县教育局", "市级实事",
    ]))
    assert [(t.text, unit_names(t)[0]) for t in doc.tasks] == [
        ("改造城区老旧供水管网12公里。", ["县水务局"]), ("新建社区食堂4个。", ["县民政局"]),
        ("新增公办幼儿园学位600个。", ["县教育局"])]


def test_a_table_directive_without_a_sentence_is_one_directive_with_its_rows():
    rows = ["| 序号 | 项目名称 | 目标任务 | 责任单位 | 完成时限 | 1-9月推进情况 |",
            "| 1 | 城区供水管网改造 | 改造管网12公里 | 县水务局 | 12月底前 | 已完成8公里 |",
            "| 2 | 社区食堂建设 | 新建社区食堂4个 | 县民政局 | 11月底前 | 已建成2个 |"]
    cells = ["序号", "项目名称", "责任单位", "完成时限", "1", "城区供水管网改造", "县水务局", "12月底前",
             "2", "社区食堂建设", "县民政局", "11月底前"]
    for body in (rows, cells):
        doc = one_document("\n".join(["2030年县政府民生实事项目推进情况表", *body]))
        assert doc.title == "2030年县政府民生实事项目推进情况表"
        assert [(t.ref, unit_names(t)[0], [d.due for d in t.deadlines]) for t in doc.tasks] == [
            ("#1", ["县水务局"], [date(2030, 12, 31)]), ("#2", ["县民政局"], [date(2030, 11, 30)])]


def test_a_table_without_a_number_column_numbers_its_rows_and_any_title_ending_in_a_table_is_found():
    for body in (["项目名称", "责任单位", "完成时限", "城区供水管网改造", "县水务局", "12月底前",
                  "社区食堂建设", "县民政局", "11月底前"],
                 ["工作任务|责任单位|完成时限", "城区供水管网改造|县水务局|12月底前", "社区食堂建设|县民政局|11月底前"]):
        doc = one_document("\n".join(["2030年县政府民生实事项目安排表", *body]))
        assert doc.title == "2030年县政府民生实事项目安排表"
        assert [(t.ref, t.text, unit_names(t)[0]) for t in doc.tasks] == [
            ("#1", "城区供水管网改造", ["县水务局"]), ("#2", "社区食堂建设", ["县民政局"])]


# --- unit lists (holdout2 classes) ----------------------------------------------------------------------------------


def test_a_table_cell_with_two_units_whose_space_was_lost_gives_both_and_a_body_s_own_departments_stay_one():
    doc = one_document("\n".join([
        "2030年县级民生实事任务分解表",
        "序号 | 工作任务 | 责任单位 |",
        "1 | 改造城区老旧供水管网12公里。 | 县水务局 各相关镇政府 |",
        "2 | 新建社区食堂4个。 | 县民政局各有关街道办事处 |",
        "3 | 新增公办幼儿园学位600个。 | 县政府各部门 |",
    ]))
    assert [unit_names(t)[0] for t in doc.tasks] == [
        ["县水务局", "各相关镇政府"], ["县民政局", "各有关街道办事处"], ["县政府各部门"]]


def test_recipients_opened_by_each_share_it_with_a_level_s_government_and_a_kind_of_body():
    doc = one_document("\n".join([
        "某某市人民政府关于做好2030年春季防汛工作的通知",
        "各旗行政公署、县人民政府，市直各部门，各大企业、事业单位：",
        "一、各单位要于3月底前完成汛前检查。",
        "某某市人民政府",
        "2030年3月1日",
    ]))
    assert doc.recipients == ("各旗行政公署、县人民政府", "市直各部门", "各大企业、事业单位")


def test_a_notice_whose_plan_is_attached_keeps_only_requirements_that_ask_a_report_or_set_a_date():
    doc = one_document("\n".join([
        "关于做好2030年重点工作任务落实的通知",
        "各镇人民政府，区直各部门：",
        "为抓好年度工作，将各项工作任务分解(详见附件)，现就有关事宜通知如下：",
        "一、压紧压实，按期完成",
        "各责任单位要坚持“年初定账、年中对账、年底销账”的做法，把任务列为工作重点，确保按期完成。",
        "二、统筹推进，形成合力",
        "各单位要把政府工作报告确定的任务放在突出位置，相互支持，形成合力。",
        "三、按时报送进展",
        "各责任单位要于6月底前报送上半年进展情况。",
        "某某区人民政府办公室",
        "2030年3月1日",
    ]))
    assert [t.ref for t in doc.tasks] == ["三、"]


def test_a_flattened_unit_list_wrapped_after_its_separator_is_one_cell_and_a_note_running_on_is_no_task_text():
    doc = one_document("\n".join([
        "2030年第三季度重点工作落实情况表",
        "序号", "主要任务", "进展情况", "责任单位",
        "1", "改造城区老旧供水管网12公里。", "县水务局:已完成8公里。", "县水务局、", "城关镇人民政府",
        "城关镇人民政府:预计10月底前完工。",
        "2", "新建社区食堂4个。", "县民政局:已建成2个。", "县民政局、", "县商务局、", "城关镇人民政府",
        "县商务局:已于9月10日完成验收。",
        "城关镇人民政府:已选址。",
    ]))
    assert [(t.text, unit_names(t)[0], t.deadlines) for t in doc.tasks] == [
        ("改造城区老旧供水管网12公里。", ["县水务局", "城关镇人民政府"], ()),
        ("新建社区食堂4个。", ["县民政局", "县商务局", "城关镇人民政府"], ())]


def test_a_category_cell_stored_in_its_first_row_only_and_a_unit_cell_with_its_head_s_name():
    assert cell_role("牵头单位及主要负责人") == "lead" and cell_role("配合单位及联系人") == "support"
    assert cell_role("主要负责人") == "leader" and cell_role("牵头单位负责人") == "leader"
    doc = one_document("\n".join([
        "类别 | 序号 | 工作任务 | 分管领导 | 牵头单位及 主要负责人 | 推进情况 |",
        "一、教育 | 1 | 新增公办幼儿园学位600个。 | 张某某 | 县教育局 李某 | 已完成。 |",
        "2 | 改造农村学校旱厕20座。 | 张某某 | 县教育局 李某 | 已完成。 |",
        "3 | 建设社区食堂4个。 | 王某某 | 县民政局 赵某某 | 已选址。 |",
    ]))
    assert [(t.ref, t.text, unit_names(t)[0]) for t in doc.tasks] == [
        ("#1", "新增公办幼儿园学位600个。", ["县教育局"]), ("#2", "改造农村学校旱厕20座。", ["县教育局"]),
        ("#3", "建设社区食堂4个。", ["县民政局"])]


def test_a_progress_paragraph_under_an_item_is_no_task_of_its_own():
    doc = one_document("\n".join([
        "2030年县政府民生实事项目安排",
        "(一)改造城区老旧供水管网12公里。(县水务局负责)",
        "完成情况:已完成改造10公里,其余2公里于11月底前完工。",
        "(二)新建社区食堂4个。(县民政局、县商务局负责)",
        "进展情况:已建成2个。",
    ]))
    assert [(t.ref, t.text, unit_names(t), t.deadlines) for t in doc.tasks] == [
        ("(一)", "(一)改造城区老旧供水管网12公里。(县水务局负责)", (["县水务局"], []), ()),
        ("(二)", "(二)新建社区食堂4个。(县民政局、县商务局负责)", (["县民政局"], ["县商务局"]), ())]


def test_recipients_below_a_page_date_and_colonless_page_data_are_read():
    doc = one_document("\n".join([
        "某某县人民政府办公室关于印发春季植树行动方案的通知",
        "2030-03-02",
        "索 引 号  000000-1-30/2030-0302001  发布机构  县政府",
        "文  号  某政办〔2030〕9号  公开日期  2030-03-02",
        "各乡镇人民政府，县政府各部门：",
        "《春季植树行动方案》已经县政府同意，现印发给你们，请认真贯彻落实。",
        "某某县人民政府办公室",
        "2030年3月2日",
        "春季植树行动方案",
        "一、目标和要求",
        "坚持因地制宜，确保年底前全县新增造林1万亩。",
        "二、重点工作",
        "(一)常态化抓好林区防火巡查。",
    ]))
    assert doc.recipients == ("各乡镇人民政府", "县政府各部门")
    [task] = doc.tasks
    assert task.ref == "二、(一)" and unit_names(task)[0] == ["各乡镇人民政府", "县政府各部门"]
    assert [(d.text, d.recurrence) for d in task.deadlines] == [("常态化", "ongoing")]


def test_a_year_written_for_a_planned_action_is_its_deadline_but_an_expected_one_is_progress():
    issued = date(2030, 2, 1)
    assert [d.due for d in extract_deadlines("建设救治基地(2030年计划完成投资2亿元)。", issued_on=issued)] == [
        date(2030, 12, 31)]
    assert [d.due for d in extract_deadlines("建设救治基地,2030年力争建成投用。", issued_on=issued)] == [
        date(2030, 12, 31)]
    assert extract_deadlines("救治基地2030年预计完成投资2亿元。", issued_on=issued) == ()


def test_a_news_headline_above_its_dateline_is_the_title():
    for head in (["2030年县政府民生实事项目出炉"], ["30所学校食堂投用", "去年的十件实事全部兑现"]):
        doc = one_document("\n".join([
            *head,
            "2030-02-15 08:02:19 来源:某某日报",
            "记者从县政府获悉,今年县政府将办好以下实事。",
            "一、新增公办幼儿园学位600个。",
            "二、改造城区老旧供水管网12公里。",
        ]))
        assert doc.title == "".join(head) and doc.issued_on is None
        assert [t.ref for t in doc.tasks] == ["一、", "二、"]


def test_the_first_listed_rule_in_a_bracket_after_a_unit_line_applies_to_its_list_and_the_next():
    doc = one_document("\n".join([
        "2030年县政府工作报告重点工作责任分解",
        "1.改造城区老旧供水管网12公里。",
        "责任单位:县水务局、县财政局、县住建局(列第一位者为工作牵头单位或汇总单位,下同)",
        "2.新建社区食堂4个。",
        "责任单位:县民政局、县商务局",
    ]))
    assert [unit_names(t) for t in doc.tasks] == [
        (["县水务局"], ["县财政局", "县住建局"]), (["县民政局"], ["县商务局"])]


def test_an_item_of_the_attachment_list_is_no_title():
    doc = one_document("\n".join([
        "各乡镇人民政府，县政府各部门：",
        "《2030年县重点工作责任分解》和《民生实事责任分解》已经县政府同意，现印发给你们，请认真贯彻执行。",
        "附件:1.2030年县重点工作责任分解",
        "2.民生实事责任分解",
        "某某县人民政府办公室",
        "2030年3月2日",
        "附件1",
        "2030年县重点工作责任分解",
        "1.改造城区老旧供水管网12公里。",
        "责任单位:县水务局",
    ]))
    assert doc.title == "2030年县重点工作责任分解"


def test_a_news_lead_retelling_the_directive_is_no_task():
    doc = one_document("\n".join([
        "3月5日,县人民政府办公室印发通知,对县人大票决确定的民生实事进行责任分解。要求各牵头单位要做好统筹督促,"
        "及时掌握实施进度;有关县级审批部门要主动协调、限时办结。",
        "2030年县政府民生实事",
        "一、新建社区食堂4个。",
        "牵头单位:县民政局",
        "完成时限:2030年12月31日前",
        "二、改造城区老旧供水管网12公里。",
        "牵头单位:县水务局",
    ]))
    assert [(t.ref, unit_names(t)[0]) for t in doc.tasks] == [("一、", ["县民政局"]), ("二、", ["县水务局"])]


def test_a_label_line_after_a_unit_line_is_no_tail_of_its_list_and_a_shared_head_stays_one_unit():
    doc = one_document("\n".join([
        "2030年甲乙丙三市协同发展重点任务清单",
        "一、规划衔接方面",
        "1. 做好重大规划的有效衔接。",
        "工作成果:推动甲市与乙市、丙州同城化谋划。",
        "责任单位:甲市、乙市、丙州发展改革部门",
        "人:三市州发展改革部门主要负责同志",
    ]))
    assert [unit_names(t)[0] for t in doc.tasks] == [["甲市、乙市、丙州发展改革部门"]]


def test_a_clause_cut_inside_its_role_words_keeps_its_support_units():
    doc = one_document("\n".join([
        "2030年县政府工作报告重点工作分工",
        "一、主要目标",
        "(一)主要预期目标。地区生产总值增长6%,一般公共预算收入增长5%(分管副县长负责,县发改局牵头,县财政局、"
        "县统计局等按职责分",
    ]))
    assert [unit_names(t) for t in doc.tasks] == [(["县发改局"], ["县财政局", "县统计局"])]


def test_a_main_responsible_unit_label_and_a_label_cut_by_the_end_of_the_text():
    doc = one_document("\n".join([
        "2030年县政府重点工作任务分解",
        "一、全县经济社会发展主要预期目标",
        "1.地区生产总值比上年增长6%以上。",
        "牵头领导:常务副县长",
        "主要责任单位:县发展改革委",
        "完成时",
    ]))
    assert [(t.ref, unit_names(t)) for t in doc.tasks] == [("一、1.", (["县发展改革委"], []))]


def test_a_separator_left_before_the_recipients_colon_is_dropped():
    doc = one_document("\n".join([
        "关于报送2030年重点工作进展情况的通知",
        "局属各单位、各科室、:",
        "各责任单位要于每月25日前将重点工作进展情况报局办公室。",
        "某某县交通运输局办公室",
        "2030年2月15日",
    ]))
    assert doc.recipients == ("局属各单位", "各科室")


def test_bare_places_before_a_group_s_offices_share_the_office_but_not_a_plain_group():
    directory = DepartmentDirectory()
    assert split_units("各县区、各部门办公室", directory) == ["各县区、各部门办公室"]
    assert split_units("各县区、各部门", directory) == ["各县区", "各部门"]


def test_a_flattened_unit_column_listing_one_unit_per_line_keeps_them_all():
    doc = one_document("\n".join([
        "2030年县政府民生实事任务分解表",
        "序号", "工作任务", "责任单位",
        "1", "改造城区老旧供水管网12公里。", "县水务局", "县财政局",
        "2", "新建社区食堂4个。", "县民政局",
    ]))
    assert [unit_names(t)[0] for t in doc.tasks] == [["县水务局", "县财政局"], ["县民政局"]]


def test_a_paragraph_asking_a_named_unit_to_report_to_a_government_is_its_task_undated():
    doc = one_document("\n".join([
        "某某县乡镇供水规划获批",
        "2030-03-02 10:26 来源:某某日报",
        "近日,县政府批复同意《某某县乡镇供水规划》。各乡镇各有关部门要加强组织领导,确保规划目标顺利实现。",
        "县水利局要充分发挥牵头作用,建立规划监督检查制度,并适时将检查情况报县人民政府。",
    ]))
    assert [unit_names(t) for t in doc.tasks] == [(["县水利局"], [])]


def test_a_unit_s_duty_to_take_something_seriously_is_a_task_and_two_signing_bodies_close_the_items():
    doc = one_document("\n".join([
        "关于做好2031年度民生实事建议项目征集工作的通知",
        "各有关单位:",
        "为谋划好2031年度民生实事项目,现将有关事项通知如下:",
        "一、征集要求",
        "(一)提高认识,加强领导。",
        "(二)各单位要高度重视征集工作,认真梳理提出建议项目。",
        "某某街道党工委",
        "某某街道办事处",
        "2030年10月8日",
    ]))
    assert [(t.ref, t.text, unit_names(t)[0]) for t in doc.tasks] == [
        ("一、(二)", "(二)各单位要高度重视征集工作,认真梳理提出建议项目。", ["各单位"])]


def test_a_notice_item_whose_subject_is_a_thing_states_a_criterion_not_a_duty():
    doc = one_document("\n".join([
        "关于做好2031年度民生实事建议项目征集工作的通知",
        "各有关单位:",
        "为谋划好2031年度民生实事项目,现将有关事项通知如下:",
        "一、征集内容",
        "民生实事建议项目要立足于解决群众最关心的民生问题,主要包括公共教育、医疗服务等。",
        "二、征集要求",
        "(一)各单位要认真梳理提出建议项目,于10月20日前报街道办公室。",
        "(二)建议项目要符合街道发展实际,并能在年度内完成。",
        "某某街道办事处",
        "2030年10月8日",
    ]))
    assert [t.ref for t in doc.tasks] == ["二、(一)"]


def test_a_heading_between_the_page_data_and_its_font_buttons_is_the_title():
    doc = one_document("\n".join([
        "索引号 000000/2030-0001 主题分类 政务公开",
        "公开方式 主动公开 公开范围 面向社会",
        "县政府召开第5次常务会议 某某某主持",
        "字体:【大】 【中】 【小】",
        "3月18日,县长主持召开县政府第5次常务会议,现将会议研究的有关事项纪要如下:",
        "一、会议原则同意县发改局提出的《某某方案》,要求修改完善后印发实施。",
    ]))
    assert doc.title.replace(" ", "") == "县政府召开第5次常务会议某某某主持"
    assert [unit_names(t)[0] for t in doc.tasks] == [["县发改局"]]


def test_page_data_without_colons_gives_the_signed_date():
    doc = one_document("\n".join([
        "索 引 号 000000/2030-0001 发文日期 2030-04-08 成文日期 2030-03-19 发布机构 县政府办公室",
        "文  号 某政办〔2030〕9号",
        "县人民政府办公室关于印发2030年民生实事项目的通知",
        "各乡镇人民政府:",
        "现将《2030年民生实事项目》印发给你们,请认真贯彻落实。",
        "一、新建社区食堂4个。(县民政局负责)",
    ]))
    assert doc.issued_on == date(2030, 3, 19)
