"""Directives of any city and province (issue 11): the forms the web corpus showed, written as such directives are.

Every test parses with an empty directory: nothing here may depend on a city's own departments.
"""
from __future__ import annotations

from datetime import date

import pytest

from parsing.departments import DepartmentDirectory
from parsing.extract import parse_gazette
from parsing.results import ExtractedTask, ParsedDocument


def _parse(text: str) -> list[ParsedDocument]:
    return parse_gazette(text, file="t.txt", directory=DepartmentDirectory())


def _one(text: str) -> ParsedDocument:
    documents = _parse(text)
    assert len(documents) == 1
    return documents[0]


def _units(task: ExtractedTask) -> tuple[list[str], list[str]]:
    return [u.as_written for u in task.lead_units], [u.as_written for u in task.support_units]


def _dues(task: ExtractedTask) -> list[tuple[date | None, str | None]]:
    return [(d.due, d.recurrence) for d in task.deadlines]


# --- one directive per file -------------------------------------------------------------------------------------------


def test_a_saved_web_page_gives_its_directive_from_the_metadata_card_and_the_body():
    doc = _one("\n".join([
        "上海市宝山区人民政府办公室关于印发《2022年实事项目》的通知_区政府办公室文件_门户网站",
        "上海市宝山区人民政府办公室关于印发《2022年实事项目》的通知",
        "信息来源: 区政府办公室 发布时间 2022-01-10",
        "【字号",
        "  • 所属类目: 区政府办公室文件",
        "  • 发文字号: 宝府办〔2022〕1号",
        "  • 发文日期: 2022-01-08",
        "  • 机构名称: 区政府办公室",
        "各镇人民政府,各街道办事处,区政府各委、办、局:",
        "现将《2022年实事项目》印发给你们,请抓紧组织实施。",
        "特此通知。",
        "上海市宝山区人民政府办公室",
        "2022年实事项目",
        "1.既有多层住宅加装电梯新增400台。",
        "2.50个小区新增电动自行车充电设施。",
    ]))
    assert (doc.doc_number, doc.issued_on) == ("宝府办〔2022〕1号", date(2022, 1, 8))
    assert doc.recipients == ("各镇人民政府", "各街道办事处", "区政府各委、办、局")
    # 特此通知 ends the notice's own part; "2.50个小区" after item 1 is item 2, not an amount
    assert [(t.ref, t.line) for t in doc.tasks] == [("1.", 14), ("2.", 15)]
    assert all(_units(t)[0] == list(doc.recipients) and "no_unit" in t.flags for t in doc.tasks)


def test_a_title_whose_genre_word_is_on_the_next_line_and_a_number_printed_with_the_date():
    doc = _one("\n".join([
        "四川省人民政府",
        "关于落实《政府工作报告》重点工作",
        "部门分工的意见",
        "川府发〔2011〕8号 二○一一年三月十七日",
        "省政府各部门、各直属机构:",
        "根据省委工作部署,现提出部门分工意见。",
        "一、努力扩大内需,促进经济平稳较快发展",
        "认真落实中央积极的财政政策和稳健的货币政策。(财政厅负责)",
        "加强银政、银企合作,引导商业银行优化信贷结构。",
    ]))
    assert (doc.title, doc.issuer) == ("四川省人民政府关于落实《政府工作报告》重点工作部门分工的意见", "四川省人民政府")
    assert (doc.doc_number, doc.issued_on) == ("川府发〔2011〕8号", date(2011, 3, 17))
    # the heading's paragraphs are the tasks, each closed by its own clause or falling to the recipients
    first, second = doc.tasks
    assert (first.ref, first.line, _units(first)) == ("一、[1]", 8, (["财政厅"], []))
    assert (second.line, _units(second)[0], second.flags) == (9, ["省政府各部门", "各直属机构"], ("no_unit",))


@pytest.mark.parametrize(("line", "recipients"), [
    ("长春市、吉林市、珲春市长吉图办、财政局,永吉县长吉图办(发改局)及财政局,省直有关部门:",
     ("长春市、吉林市、珲春市长吉图办", "财政局", "永吉县长吉图办（发改局）", "省直有关部门")),
    ("各市(州)、县(市、区)人民政府,省政府各部门:", ("各市（州）、县（市、区）人民政府", "省政府各部门")),
    ("各新区、区政府各部门:", ("各新区", "区政府各部门")),
])
def test_recipients_keep_places_that_share_a_head_and_split_the_rest(line: str, recipients: tuple[str, ...]):
    doc = _one("\n".join(["关于做好专项资金申报工作的通知", line, "请于12月25日前报送申报材料。"]))
    assert doc.recipients == recipients


def test_an_untitled_note_is_no_directive_but_an_untitled_notice_is():
    assert _parse("会议记录\n今天天气很好，大家讨论了春耕。\n") == []
    doc = _one("各乡镇人民政府:\n请于12月25日前将申报材料报县发改局。\n")
    assert doc.recipients == ("各乡镇人民政府",) and len(doc.tasks) == 1


def test_a_document_sharing_copy_loses_its_page_numbers_and_keeps_its_title_and_recipients():
    doc = _one("\n".join([
        "2022市食品安全重点工作安排的通知.docx",
        "《2022市食品安全重点工作安排的通知.docx》由会员分享,可在线阅读。",
        "1、2022市食品安全重点工作安排的通知 市食品安全重点工作安排的通知各区政府,市委宣传部、教育局、x海关:"
        "现将工作安排印发给你们,请认真贯彻执行。执行中遇到问题,请向市食安办反映。x市食品安全委员会xxxx年xx月x日"
        "xxxx年x市食品安全重点工作安排xxxx年,x市食品安全工作要以新时代中国特色社会主义思想为指导,全面贯彻党的十九大"
        "精神,围绕市委、市政府中心工作,全面推动实施食品安全战略,不断提高人民群众的获得感、幸福感、安全感。"
        "现就我市xxxx年食品安全重点工作安排如下:一、切实加强食品安全工作制定出台若干措施。(市食安办负责)"
        "依据机构改革状况,调整成员单位工作职责。(市食安办牵头,市食安委各有关成员单位协作)",
        "2、全面落实食品安全战略。(各区食安办负责)",
    ]))
    assert doc.title.endswith("市食品安全重点工作安排的通知")
    assert doc.recipients == ("各区政府", "市委宣传部", "教育局", "x海关")
    refs = [(t.ref, _units(t)) for t in doc.tasks]
    assert refs[:2] == [("一、[1]", (["市食安办"], [])), ("一、[2]", (["市食安办"], ["市食安委各有关成员单位"]))]
    assert not any(t.ref.startswith("2") for t in doc.tasks)  # "2、" numbered a page, not an item


def test_a_news_page_printing_its_heading_after_the_report():
    doc = _one("\n".join([
        "5月10日上午,县第十七届人民代表大会第五次会议隆重开幕,县长向大会作《政府工作报告》。 《报告》指出,"
        "县政府将继续优先保障民生投入,重点抓好15件大事和民生实事。分别是: (1)加快建设总投资7.58亿元的县医院迁建项目。"
        " (2)开工新建西环路,改造提升新城路、像山路、渭川路、康庄东路。 (3)完成新安大道一期工程。"
        " (4)加快建成产业园。 (5)完成柳湖片区黑臭水体治理。",
        "政府信息公开",
        "【直击两会】县政府2020年将为民办好15件大事和民生实事",
    ]))
    assert doc.title == "【直击两会】县政府2020年将为民办好15件大事和民生实事"
    assert [t.ref for t in doc.tasks] == ["(1)", "(2)", "(3)", "(4)", "(5)"]


def test_numbers_alone_on_their_lines_number_the_text_below():
    doc = _one("\n".join([
        "2019年区政府实事项目安排",
        "政府实事项目事关群众切身利益。下面是今年的实事项目。",
        "01", "完成30台多层住宅电梯加装工作", "*为8个住宅小区新增电动自行车充电设施",
        "02", "建成区行政服务中心东部分中心",
    ]))
    assert [(t.ref, t.line) for t in doc.tasks] == [("01", 4), ("02", 7)]


# --- who: clauses, prose, requests, bulletins ---------------------------------------------------------------------


def test_a_clause_states_the_first_listed_rule_and_names_leaders_before_its_units():
    doc = _one("\n".join([
        "重点工作责任分工方案",
        "1、加快构建环湖旅游快速通道。(省发改委、省交通运输厅、省财政厅等负责,列第一位者为牵头单位,下同)",
        "2、加快国省道升级改造。(省交通运输厅、省发改委负责)",
        "3、经济增长7.5%左右。(分管副省长、协管副秘书长负责,省发展改革委牵头,省工业和信息化厅、省",
    ]))
    assert [_units(t) for t in doc.tasks] == [
        (["省发改委"], ["省交通运输厅", "省财政厅"]),
        (["省交通运输厅"], ["省发改委"]),
        (["省发展改革委"], ["省工业和信息化厅"]),  # persons dropped, a name cut by the end of the text dropped
    ]


@pytest.mark.parametrize(("text", "lead", "support"), [
    ("各相关单位也要完善督导机制,提高工作质效。", ["各相关单位"], []),
    ("各责任单位主要负责人切实履行第一责任人职责,加强调度。", ["各责任单位"], []),
    ("各责任单位要逐项谋划,特别是牵头单位(无牵头单位的,责任单位即为牵头单位,下同)要统筹制定方案。",
     ["各责任单位", "牵头单位"], []),
    ("各省辖市政府,济源示范区、航空港区管委会要切实扛牢属地责任。", ["各省辖市政府", "济源示范区、航空港区管委会"], []),
    ("各牵头单位对承担的工作目标任务落实负总责。各责任单位要主动支持、积极配合牵头单位。", ["各牵头单位"], ["各责任单位"]),
    ("各单位要在2月29日前完成数据汇总,由市政府督查室统一组织上传。", ["市政府督查室", "各单位"], []),
    ("会议要求,各级各部门要加强执行。会议同意区发改局提出的《实施意见》,作进一步修改完善后提请审议。", ["区发改局"], []),
])
def test_prose_names_its_subjects(text: str, lead: list[str], support: list[str]):
    doc = _one(f"工作安排\n一、做好落实工作。{text}\n")
    (task,) = doc.tasks
    assert _units(task) == (lead, support)


def test_requests_of_a_notice_name_their_units_or_fall_to_the_recipients():
    doc = _one("\n".join([
        "省发改委关于印发十大工程推进工作方案的通知",
        "各市人民政府,省直各单位:",
        "《工作方案》已经省政府同意,现印发给你们,请牵头单位组织相关部门,对各项工作提出5年行动计划和具体实施方案。",
        "请于2017年12月25日前,将申报材料报省发改委。",
    ]))
    planned, dated = doc.tasks
    assert _units(planned) == (["牵头单位"], ["相关部门"])
    assert _units(dated)[0] == ["各市人民政府", "省直各单位"] and _dues(dated) == [(date(2017, 12, 25), None)]


def test_a_bulletin_names_the_units_behind_its_lagging_decisions():
    quoted = _one("\n".join([
        "2024年第五次县政府常务会议确定事项落实情况的通报",
        "县政府督查室对确定事项落实情况开展了专项督查,现通报如下。",
        "一、总体情况",
        "确定事项43件,已完成16件,占37%。",
        "二、工作要求",
        "需要加快推进落实事项2件,如县发改局负责的“严格落实全县重点项目前期工作计划。”截至目前已完成论证;"
        "县自然资源局、县水利局负责的“紧盯国债项目6月底前开工、12月底前完工的时间节点。”",
    ]))
    assert [(t.ref, _units(t)[0]) for t in quoted.tasks] == [
        ("二、[1]", ["县发改局"]), ("二、[2]", ["县自然资源局", "县水利局"])]
    numbered = _one("\n".join([
        "第八次县政府常务会议确定事项落实情况的通报",
        "一、工作要求",
        "其中,由县民政局负责的第1件、县发改局负责的第4件确定事项进展滞后,请以上责任单位加快工作节奏。",
    ]))
    (task,) = numbered.tasks
    assert _units(task)[0] == ["县民政局", "县发改局"]


def test_a_requirement_heading_only_counts_where_it_opens_the_heading():
    doc = _one("\n".join([
        "关于做好2023年安全生产工作的通知",
        "各县区人民政府:",
        "一、主要任务",
        "(一)提高政治站位,积极推进责任落实",
        "1.强化政治引领。各县区要认真学习贯彻。",
        "二、压实责任,狠抓落实",
        "各地要加强领导。",
    ]))
    assert [t.ref for t in doc.tasks] == ["一、(一)1."]


def test_a_regulation_published_by_a_notice_signed_in_chinese_numerals_sets_no_task():
    doc = _one("\n".join([
        "西宁市人民政府关于印发《企业治乱减负工作暂行规定》的通知",
        "宁政[2006]86号",
        "各区、县人民政府:",
        "《暂行规定》已经市政府同意,现印发给你们,请认真贯彻执行。",
        "二○○六年五月十八日",
        "企业治乱减负工作暂行规定",
        "第三条 市、区县人民政府应当加强对企业治乱减负工作的领导,组织有关部门做好监督管理工作。",
    ]))
    assert doc.tasks == ()


def test_attachment_names_and_bulleted_details_are_no_tasks():
    doc = _one("\n".join([
        "重点工作任务分解",
        "一、稳定经济增长",
        "1.地区生产总值增长6%左右。(区发改委、区统计局负责)",
        "▲增加值可比增长14%左右,其中第三产业增长12%。",
        "附:1、目标任务分解和分值责任细则.docx",
        "2、各单位主要工作任务.docx",
    ]))
    (task,) = doc.tasks
    assert task.ref == "一、1." and "▲增加值" in task.text


# --- tables and cards ---------------------------------------------------------------------------------------------


def test_a_flattened_table_with_a_continuation_row_and_a_merged_unit_cell():
    doc = _one("\n".join([
        "2016年民生实事目标任务分解表",
        "序号", "项目内容", "责任单位", "完成时限",
        "5", "开工建设县老年养护楼。", "县民政局", "5月底前动工", "开工建设老年大学。", "12月底前",
        "6", "迁建县政务服务中心。", "县政务服务中心", "12月底前",
        "分享到:",
    ]))
    assert [(t.text, _units(t)[0]) for t in doc.tasks] == [
        ("开工建设县老年养护楼。", ["县民政局"]), ("开工建设老年大学。", ["县民政局"]),
        ("迁建县政务服务中心。", ["县政务服务中心"])]
    assert [_dues(t) for t in doc.tasks][:2] == [[(date(2016, 5, 31), None)], [(date(2016, 12, 31), None)]]


def test_a_table_stored_from_its_80th_row_with_lead_and_responsible_columns():
    doc = _one("\n".join([
        "2024年重点工作目标任务分解表",
        "序号 |", "目标与任务 |", "分 管 县领导 |", "牵头责任单位 |", "责任单位 |",
        "80 |", "加大普惠性托育供给,新增托位数400个以上。 |", "俞 悦 |", "县教育局 |", "县各有关单位 |",
        "81 |", "保障职业学院秋季开学。 |", "陆 明 |", "县教育局 |", "县各有关单位 |",
    ]))
    assert [(t.ref, _units(t)) for t in doc.tasks] == [
        ("#80", (["县教育局"], ["县各有关单位"])), ("#81", (["县教育局"], ["县各有关单位"]))]


def test_a_task_card_on_one_line_with_its_milestones():
    doc = _one("\n".join([
        "重点工作: | 135.统筹违法建设治理与城市更新。 |牵头单位: | 市城市管理综合执法局 |",
        "年度阶段性工作目标: | 第一季度:印发《2023年违法建设治理工作方案》。 第二季度:完成工作任务的50%以上。 |",
    ]))
    (task,) = doc.tasks
    assert (task.ref, _units(task)[0]) == ("135.", ["市城市管理综合执法局"])
    assert _dues(task) == [(date(2023, 3, 31), None), (date(2023, 6, 30), None)]  # the one year the card names


def test_items_joined_on_one_line_by_a_pdf_are_cut():
    doc = _one("\n".join([
        "区政府各委、办、局:",
        "现将《重点工作目标安排》印发给你们,请认真落实。",
        "特此通知。",
        "重点工作目标安排",
        "一、推动区域发展规划实施",
        "(一)开展区“十四五”规划编制。(二)围绕打响服务品牌,集聚服务机构。",
    ]))
    assert [t.ref for t in doc.tasks] == ["一、(一)", "一、(二)"]


# --- when -----------------------------------------------------------------------------------------------------------


def test_deadlines_read_in_the_forms_of_other_provinces():
    doc = _one("\n".join([
        "关于分解落实《政府工作报告》的通知",
        "各区人民政府:",
        "一、强化督办。从2017年第二季度起,各牵头单位要在每个季度第1个月的20日前,将完成情况报市政府督查室。",
        "二、加快基础设施建设",
        "1、开办企业0.5个工作日内完成。(区市场监管局负责)",
        "2、2017年,九景衢铁路建成通车。(省发改委负责)",
        "2017年1月12日",
    ]))
    quarterly, service, year = doc.tasks
    assert _dues(quarterly) == [(date(2017, 4, 20), "quarterly")]
    assert _dues(service) == []  # a service level, not a deadline
    assert [(d.text, d.due) for d in year.deadlines] == [("2017年", date(2017, 12, 31))]


# --- units by their shape -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "shaped"), [
    ("广元经济技术开发区", True),  # a zone with its name
    ("市政府督查室", True),  # a place's own office
    ("各责任单位", True),  # the units a table assigns, by their role
    ("乌鲁木齐市住房和城乡建设局", True),
    ("呼和浩特市赛罕区人民政府", True),
    ("工业园区", False),  # a zone without a name is a category
    ("会议室", False),
    ("吕维峰副省长", False),
])
def test_units_are_told_by_their_shape_in_any_city(name: str, shaped: bool):
    assert DepartmentDirectory().is_unit_shaped(name) is shaped


def test_persons_and_officials_beside_units_are_no_units():
    from parsing.responsibility import split_units

    assert split_units("分管副市长、市发改委、市县党政领导干部", DepartmentDirectory()) == ["市发改委"]


# --- headers read alike from every layout of a page (issue 11.7) ------------------------------------------------------


def test_a_number_heading_the_page_above_a_title_over_four_lines():
    doc = _one("\n".join([
        "某政办发〔2021〕5号", "县人民政府办公室关于", "对县《政府工作报告》确定的2021年", "重点工作进行", "责任分解的通知",
        "各镇人民政府，县政府各部门：", "现将重点工作责任分解给你们，请认真落实。",
        "一、地区生产总值增长11%。（牵头单位：县发改局；责任单位：各镇人民政府）",
    ]))
    assert (doc.doc_number, doc.issuer) == ("某政办发〔2021〕5号", "县人民政府办公室")
    assert doc.title == "县人民政府办公室关于对县《政府工作报告》确定的2021年重点工作进行责任分解的通知"


def test_a_cited_number_alone_on_a_line_heads_no_page():
    documents = _parse("\n".join([
        "某某县人民政府关于做好春耕生产工作的通知", "各乡镇人民政府：", "根据", "某政发〔2021〕5号",
        "精神，现通知如下。", "一、各乡镇要于3月底前完成备耕。",
    ]))
    assert [d.doc_number for d in documents] == [""]


def test_an_untitled_notice_under_its_number_signs_above_the_plan_it_publishes():
    doc = _one("\n".join([
        "某办函〔2015〕54号", "各市（州）人民政府，省政府各部门：", "经省政府同意，现将《2015年重点工作推进方案》印发给你们，请认真贯彻执行。",
        "某某省人民政府办公厅", "2015年3月20日", "2015年重点工作推进方案",
        "一、深化农村改革。各市（州）要于6月底前完成确权登记。（省农业厅负责）",
    ]))
    assert (doc.doc_number, doc.issuer, doc.issued_on) == ("某办函〔2015〕54号", "某某省人民政府办公厅", date(2015, 3, 20))
    assert doc.title == "2015年重点工作推进方案"
    assert _dues(doc.tasks[-1]) == [(date(2015, 6, 30), None)]


def test_page_furniture_around_a_saved_directive_is_none_of_it():
    doc = _one("\n".join([
        "某某县人民政府办公室关于对2016年民生实事进行重点督办的通知", "来源:信息公开办", "发布日期:2016-03-01",
        "点击数:人次", "竹府办〔2016〕20号", "各乡镇人民政府，县级各部门：",
        "一、新建2座人行天桥。（县住建局负责，12月底前完成）", "分享到:",
    ]))
    assert (doc.doc_number, doc.title) == ("竹府办〔2016〕20号", "某某县人民政府办公室关于对2016年民生实事进行重点督办的通知")
    assert doc.tasks[-1].text.endswith("12月底前完成)") and doc.line_end == 7  # (no 分享到)


def test_a_centred_title_broken_inside_its_quoted_name_is_read_whole():
    doc = _one("\n".join([
        "贯彻落实《关于加强新时代", "街道工作的意见》的任务分解方案",
        "一、完善街道职能。各街道办事处要于6月底前完成职责清单。（区委编办牵头）",
    ]))
    assert doc.title == "贯彻落实《关于加强新时代街道工作的意见》的任务分解方案"
