"""General shapes, second set: clauses with persons and extra roles, traditional text, group clauses, sub-items.

Every text here is synthetic (written for the rule it checks); each test parses with an empty directory.
"""
from __future__ import annotations

from parsing.departments import DepartmentDirectory
from parsing.responsibility import parse_clause
from tests.parsing.shapes import one_document, unit_names

# --- clauses with a person first and extra roles --------------------------------------------------------------------


def test_a_clause_opening_with_a_leader_reads_the_unit_fields_after_the_comma():
    units, _ = parse_clause("牵头领导:王某某,牵头单位:区文旅局,数据提供单位:区统计局", DepartmentDirectory())
    assert units is not None
    assert (units.lead, units.support) == (["区文旅局"], ["区统计局"])


def test_beside_a_lead_label_the_responsible_and_data_units_are_support():
    units, _ = parse_clause("牵头单位:县水利局;责任单位:县农业局、县林业局;数据提供单位:县统计局", DepartmentDirectory())
    assert units is not None
    assert units.lead == ["县水利局"]
    assert units.support == ["县农业局", "县林业局", "县统计局"]


def test_a_responsible_office_label_names_units():
    units, _ = parse_clause("责任处室:办公室、财务处", DepartmentDirectory())
    assert units is not None and units.lead == ["办公室", "财务处"]


def test_a_target_with_a_leader_and_data_unit_is_a_task_of_the_lead():
    doc = one_document("\n".join([
        "关于分解落实2031年区政府工作目标的通知",
        "各街道办事处,区政府各部门:",
        "一、主要预期目标",
        "(一)全区旅游收入增长9%。(牵头领导:王某某,牵头单位:区文旅局,责任单位:区商务局,数据提供单位:区统计局)",
        "(二)城镇新增就业1.2万人。(牵头领导:李某某,牵头单位:区人社局,数据提供单位:区统计局)",
    ]))
    assert [unit_names(t) for t in doc.tasks] == [
        (["区文旅局"], ["区商务局", "区统计局"]),
        (["区人社局"], ["区统计局"]),
    ]


# --- traditional characters ------------------------------------------------------------------------------------------


def test_a_task_starting_mid_line_is_shown_in_the_files_own_characters():
    from parsing.normalize import as_written, for_parsing

    written = "工作安排:一是加強鄉村道路養護;二是加強城區路燈維護;三是擴大公共區域監控覆蓋。"
    cleaned = for_parsing(written * 3)
    assert cleaned is not None and cleaned.converted
    source = cleaned.text
    piece = source[source.index("三是", 40): source.index("。", source.index("三是", 40))]
    assert as_written(piece, source=source, written=cleaned.written) == "三是擴大公共區域監控覆蓋"


def test_a_year_named_as_the_start_of_a_span_is_not_the_plan_year():
    from parsing.extract import _only_year_start
    from parsing.results import SourceLine

    def lines(*texts: str) -> tuple[SourceLine, ...]:
        return tuple(SourceLine(number=i + 1, text=t) for i, t in enumerate(texts))

    assert _only_year_start(lines("今年全市将办好十件实事。", "自2009年开始,本市已连续多年征集实事。")) is None
    assert _only_year_start(lines("全市2031年重点工作如下。", "从2012年起连续开展。")).year == 2031


# --- numbers without punctuation, 主要/相关责任单位 lines ---------------------------------------------------------------


def test_numbered_headings_without_a_dot_with_main_and_related_unit_lines():
    doc = one_document("\n".join([
        "关于印发2031年全县十件民生实事工作方案的通知",
        "各乡镇人民政府,县直各单位:",
        "1新建乡镇污水处理站",
        "主要责任单位:县住建局,相关责任单位有县财政局、县环保局。",
        "2提升农村学校供暖条件",
        "主要责任单位:县教育局,相关责任单位有县残联、县妇联。",
        "县教育局",
        "3改造城区背街小巷",
        "主要责任单位:县城管局。",
    ]))
    assert [(t.line, t.text[:4]) for t in doc.tasks] == [(3, "1新建乡"), (5, "2提升农"), (8, "3改造城")]
    assert [unit_names(t) for t in doc.tasks] == [
        (["县住建局"], ["县财政局", "县环保局"]),
        (["县教育局"], ["县残联", "县妇联"]),
        (["县城管局"], []),
    ]


def test_a_bare_number_before_an_amount_or_a_date_opens_no_item():
    from parsing.outline import _bare_number

    assert _bare_number("3个社区建成食堂", None) is None
    assert _bare_number("5月底前完成验收", 4) is None
    assert _bare_number("4推进老旧小区改造", 2) is None  # not the next number
    assert _bare_number("3推进老旧小区改造", 2) == ("num", 3, "3.", "推进老旧小区改造")


def test_units_a_subject_organises_support_it():
    from parsing.responsibility import parse_prose

    units = parse_prose("各牵头单位要带领有关责任单位,抓紧制定年度推进计划并按月报送。", DepartmentDirectory())
    assert units is not None
    assert (units.lead, units.support) == (["各牵头单位"], ["有关责任单位"])


# --- groups of items closed by one line -------------------------------------------------------------------------------


def test_paragraphs_closed_by_a_group_line_are_tasks_of_its_unit():
    doc = one_document("\n".join([
        "上述项目由区民政局牵头负责。",
        "【便民服务】",
        "七、完善社区便民服务网络。新开社区食堂3家;新增助浴点5个。",
        "新开社区食堂3家。项目具体实施进度为:第一季度完成选址;第二季度完成装修;第四季度投入运营。",
        "新增社区助浴点5个,覆盖全部街道。项目具体实施进度为:第二季度完成招标;第三季度投入使用。",
        "上述项目由区民政局牵头负责。",
        "改造社区卫生服务站2个。项目具体实施进度为:第三季度完成改造。",
        "上述项目由区卫健委牵头负责。",
        "八、推进城区绿化建",
    ]))
    assert [(t.line, unit_names(t)) for t in doc.tasks] == [
        (4, (["区民政局"], [])), (5, (["区民政局"], [])), (7, (["区卫健委"], []))]
    # no year anywhere: the schedule's quarters are deadlines without a date, each listed
    assert [d.text for d in doc.tasks[0].deadlines] == ["第一季度", "第二季度", "第四季度"]
    assert all(d.due is None for d in doc.tasks[0].deadlines)


def test_an_item_whose_paragraphs_are_closed_by_group_lines():
    doc = one_document("\n".join([
        "关于印发2031年区政府实事项目的通知",
        "各街道办事处,区政府各部门:",
        "一、完善养老服务。",
        "新建长者食堂2家。",
        "新增家庭养老床位300张。",
        "以上项目由区民政局牵头负责。",
        "建设智慧健康驿站4个。",
        "以上项目由区卫健委牵头负责。",
    ]))
    assert [(t.line, unit_names(t)) for t in doc.tasks] == [
        (4, (["区民政局"], [])), (5, (["区民政局"], [])), (7, (["区卫健委"], []))]


def test_a_bare_numbered_section_heading_over_decimal_items_is_no_item():
    doc = one_document("\n".join([
        "关于印发某县森林防火应急预案的通知",
        "各乡镇人民政府,县直各单位:",
        "1总则",
        "1.1编制目的",
        "为有效应对森林火灾,制定本预案。",
        "2组织体系",
        "2.1县森林防火指挥部",
        "县应急局负责指挥部日常工作。",
    ]))
    assert all(not t.text.startswith(("1总则", "2组织")) for t in doc.tasks)


def test_a_heading_cut_with_the_stored_text_is_no_task_unless_its_duty_names_a_doer():
    head = ["关于印发2031年重点工作分工方案的通知", "各乡镇人民政府,县直各单位:",
            "一、推进项目建设。县发改局要于6月底前完成项目入库。"]
    cut = one_document("\n".join([*head, "二、 重点工作任务", "(一"]))
    assert [t.ref for t in cut.tasks] == ["一、"]
    begun = one_document("\n".join([*head, "二、落实工作责任,按月报告进度", "各牵头单位要组织有关责任单位,制定推进计划(推进计"]))
    assert [t.ref for t in begun.tasks] == ["一、", "二、"]


def test_a_field_label_cut_by_the_end_of_the_text_is_not_part_of_the_unit_list():
    doc = one_document("\n".join([
        "关于印发2031年区重点工作分工方案的通知",
        "各街道办事处,区政府各部门:",
        "一、主要预期目标",
        "1.全区税收收入增长5%。",
        "牵头领导:常务副区长",
        "主要责任单位:区财政局",
        "完成时",
    ]))
    assert [unit_names(t) for t in doc.tasks] == [(["区财政局"], [])]


def test_a_clause_cut_inside_its_role_qualifier_keeps_leaders_out_and_others_as_support():
    from parsing.responsibility import find_clauses

    clauses = find_clauses("粮食产量稳定在600万吨以上(分管副州长负责,州农业局牵头,州水利局、州统计局等按照职责分",
                           DepartmentDirectory())
    assert len(clauses) == 1
    assert (clauses[0].units.lead, clauses[0].units.support) == (["州农业局"], ["州水利局", "州统计局"])


def test_a_team_named_by_its_work_is_the_subject_of_its_duty():
    from parsing.responsibility import parse_prose

    units = parse_prose("压实检查责任,督查组要每日汇总抽查情况并上报,确保五日内完成全部核查。", DepartmentDirectory())
    assert units is not None and units.lead == ["督查组"]


def test_numbered_items_closed_together_by_a_group_line():
    doc = one_document("\n".join([
        "关于印发2031年县政府民生实事项目的通知",
        "各乡镇人民政府,县直各单位:",
        "一、教育项目",
        "1.新建幼儿园2所。",
        "2.改造薄弱学校校舍5所。",
        "上述项目由县教育局牵头负责。",
        "3.新增公共停车位500个。",
        "4.改造城区老旧路灯300盏(县城管局负责)。",
        "以上项目由县住建局牵头负责。",
    ]))
    assert [(t.ref, unit_names(t)) for t in doc.tasks] == [
        ("一、1.", (["县教育局"], [])), ("一、2.", (["县教育局"], [])),
        ("一、3.", (["县住建局"], [])), ("一、4.", (["县城管局"], []))]
