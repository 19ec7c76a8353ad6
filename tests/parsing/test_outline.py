from __future__ import annotations

import json
from pathlib import Path

import pytest

from parsing.departments import DepartmentDirectory
from parsing.normalize import source_lines
from parsing.outline import extract_tasks
from parsing.results import ParsedDocument

ROOT = Path(__file__).resolve().parents[2]
COUNTIES = ["城区人民政府", "矿区人民政府", "郊区人民政府", "平定县人民政府", "盂县人民政府"]


@pytest.fixture(scope="module")
def directory() -> DepartmentDirectory:
    return DepartmentDirectory.from_entries(json.loads((ROOT / "fixtures" / "departments.json").read_text("utf-8")))


def _doc(text: str, recipients: tuple[str, ...] = ("各县区人民政府",)) -> ParsedDocument:
    return ParsedDocument(file="t", doc_number="x", title="", issuer="", issued_on=None, recipients=recipients,
                          kind="", task_bearing=True, line_start=1, line_end=99, lines=tuple(source_lines(text)))


def test_tree_refs_broken_lines_and_non_task_sections(directory: DepartmentDirectory) -> None:
    text = "\n".join([
        "一、指导思想",
        "以习近平新时代中国特色社会主义思想为指导。",
        "二、重点任务",
        "（一）夯实基础",
        "1.提升监测能力。优化站网布局，补齐",
        "短板。（责任单位：市气象局、市财政局，各县（区）人",
        "民政府）",
        "2.完善体系。各县区人民政府要加强统筹。",
        "三、保障措施",
        "（一）加强组织领导。各单位要高度重视。",
    ])
    tasks = extract_tasks(_doc(text), directory=directory)
    assert [t.ref for t in tasks] == ["二、(一)1.", "二、(一)2."]
    first, second = tasks
    assert (first.line, first.line_end, first.parent_ref) == (5, 7, "二、(一)")
    assert "补齐短板" in first.text
    assert {m.name for m in first.lead_units} >= {"市气象局", "市财政局", "盂县人民政府"}
    assert {m.name for m in second.lead_units} == {
        "城区人民政府", "矿区人民政府", "郊区人民政府", "平定县人民政府", "盂县人民政府"}
    assert second.flags == ()


def test_sentence_groups_each_with_its_bracket(directory: DepartmentDirectory) -> None:
    text = "一、拓宽融资渠道。引导基金投资。（市金融办、市财政局负责）支持外资企业融资。（人行阳泉中心支行负责）"
    tasks = extract_tasks(_doc(text), directory=directory)
    assert [t.ref for t in tasks] == ["一、[1]", "一、[2]"]
    assert [t.lead_units[0].name for t in tasks] == ["市地方金融监督管理局", "中国人民银行阳泉市中心支行"]


def test_table_rows_are_tasks(directory: DepartmentDirectory) -> None:
    text = "\n".join([
        "二、工作分工",
        "1. 核心指标",
        "序号\t指标内容\t2025年预期值\t责任单位",
        "1\t生产安全事故死亡人数\t下降15%\t市应急局牵头，市安委会有关成员单位按职责分工负责",
        "2\t煤矿百万吨死亡率\t<0.04\t市应急局牵头，市能源局按职责分工负责",
    ])
    tasks = extract_tasks(_doc(text), directory=directory)
    assert [(t.ref, t.line) for t in tasks] == [("二、1.#1", 4), ("二、1.#2", 5)]
    assert [m.name for m in tasks[1].support_units] == ["市能源局"]


def test_no_unit_falls_back_to_recipients_and_drafting_notes_are_ignored(directory: DepartmentDirectory) -> None:
    text = "\n".join([
        "一、重点任务",
        "（一）开展排查。全面排查隐患。",
        "关于落实方案的起草说明",
        "（二）征求意见。共收到8个部门的回复。（市商务局负责）",
    ])
    (task,) = extract_tasks(_doc(text, recipients=("市直各有关单位",)), directory=directory)
    assert task.flags == ("no_unit",)
    assert task.lead_units[0].name == "市直各有关单位"


def test_inline_alias_holds_for_the_rest(directory: DepartmentDirectory) -> None:
    text = "\n".join([
        "一、重点任务",
        "1. 编制规划。中国铁塔股份有限公司阳泉分公司（以下简称“阳泉铁塔”）要牵头完成规划。（市通联办负责，阳泉铁塔配合）",
    ])
    (task,) = extract_tasks(_doc(text), directory=directory)
    assert task.support_units[0].name == "中国铁塔股份有限公司阳泉分公司"
    assert task.support_units[0].as_written == "阳泉铁塔"


def test_qualified_role_verbs_name_all_leads(directory: DepartmentDirectory) -> None:
    tasks = extract_tasks(_doc(
        "一、重点任务\n1.保障生态流量。(市水利局、市生态环境局按职责牵头,市财政局配合)\n"
        "2.推进专业镇。(市工信局牵头,市发改委、市财政局等部门分工负责)\n"
    ), directory=directory)
    assert {m.name for m in tasks[0].lead_units} == {"市水利局", "市生态环境局"}
    assert {m.name for m in tasks[0].support_units} == {"市财政局"}
    assert {m.name for m in tasks[1].lead_units} == {"市工业和信息化局"}
    assert "no_unit" not in tasks[0].flags + tasks[1].flags


def test_title_line_and_attachment_list_close_the_item(directory: DepartmentDirectory) -> None:
    tasks = extract_tasks(_doc(
        "一、重点任务\n1.建设基站。(市工信局负责)\n阳泉市加快5G产业发展的若干措施\n"
        "附件:1.阳泉市基站名录(略)\n2.阳泉市站址清单(略)\n阳泉市人民政府办公室\n2020年1月10日\n"
    ), directory=directory)
    assert [t.ref for t in tasks] == ["一、1."]
    assert tasks[0].line_end == tasks[0].line


def test_recipients_fall_back_through_the_directory(directory: DepartmentDirectory) -> None:
    tasks = extract_tasks(_doc("一、开展排查。\n", recipients=("孟县人民政府",)), directory=directory)
    assert [m.name for m in tasks[0].lead_units] == ["盂县人民政府"]
    assert tasks[0].flags == ("no_unit", "unit_review")  # 孟县 exists only once repaired: checked by a person


def test_a_category_subject_is_no_unit_and_falls_back_to_recipients(directory: DepartmentDirectory) -> None:
    text = "\n".join([
        "一、重点任务",
        "1.加强企业数字化建设。各耐材企业要按照环保要求安装在线监测装置。",
        "2.完善经费保障。各县区政府要保障经费。所有企业要足额提取安全费用。",
    ])
    first, second = extract_tasks(_doc(text, recipients=("市直各有关单位",)), directory=directory)
    assert [m.name for m in first.lead_units] == ["市直各有关单位"] and first.flags == ("no_unit",)
    assert {m.name for m in second.lead_units} == set(COUNTIES) and second.flags == ()


def test_article_marker_is_not_part_of_the_prose_subject(directory: DepartmentDirectory) -> None:
    text = "第一条 阳泉市医药储备所需资金由市人民政府负责落实。\n第二条 市财政局要做好资金保障。"
    first, second = extract_tasks(_doc(text), directory=directory)
    assert [(m.name, m.known) for m in first.lead_units] == [("阳泉市人民政府", True)]
    assert [m.as_written for m in second.lead_units] == ["市财政局"]


def test_a_decimal_section_heading_ends_the_item_above(directory: DepartmentDirectory) -> None:
    text = "\n".join([
        "(1) 当省政府派遣工作组到达事发地时，市指挥部按照指导意见开展处置。",
        "### 5.4 信息报送",
        "信息报告要包括事件发生时间、地点。市公安局要立即报告。",
        "(1) 市应急局要做好值守。",
        "全市投入3.5亿元",
    ])
    tasks = extract_tasks(_doc(text), directory=directory)
    assert [(t.ref, t.line, t.line_end) for t in tasks] == [("(1)", 1, 1), ("P2/(1)", 4, 5)]


def test_prose_after_a_heading_line_and_bare_function_departments(directory: DepartmentDirectory) -> None:
    text = "\n".join([
        "一、确保各项救助帮扶政策落到实处",
        "各县(区)、各有关部门要进一步提高政治站位。财政部门要优先安排资金。民政部门要畅通社会救助服务热线。",
    ])
    (task,) = extract_tasks(_doc(text, recipients=("各县（区）人民政府", "市直各单位")), directory=directory)
    assert {m.name for m in task.lead_units} == {*COUNTIES, "市直各有关单位", "市财政局", "市民政局"}
    assert task.flags == ()


def test_field_lines_under_an_item_are_not_unit_list_tails(directory: DepartmentDirectory) -> None:
    text = "\n".join([
        "一、提升政务服务效能",
        "（一）推进“一网通办”。企业开办时间压缩至1个工作日内。",
        "责任单位：市行政审批局",
        "完成时限：2024年6月底前",
        "（二）深化“证照分离”改革。",
        "牵头单位：市市场监管局",
        "配合单位：市行政审批局、市司法局",
        "责任领导：张三",
    ])
    first, second = extract_tasks(_doc(text), directory=directory)
    assert [m.as_written for m in first.lead_units] == ["市行政审批局"] and not first.support_units
    assert first.text.endswith("完成时限:2024年6月底前") and (first.line, first.line_end) == (2, 4)
    assert [m.as_written for m in second.lead_units] == ["市市场监管局"]
    assert [m.as_written for m in second.support_units] == ["市行政审批局", "市司法局"]
    assert first.flags == second.flags == ()


def test_clause_with_a_time_limit_field_and_an_implementing_unit(directory: DepartmentDirectory) -> None:
    text = "\n".join([
        "（一）规范涉企行政执法。开展涉企执法专项检查（市司法局牵头，各县区人民政府落实）。",
        "（二）建立企业诉求响应机制。（责任单位：市司法局；完成时限：长期坚持）",
    ])
    first, second = extract_tasks(_doc(text), directory=directory)
    assert [m.as_written for m in first.lead_units] == ["市司法局"]
    assert {m.name for m in first.support_units} == set(COUNTIES)
    assert [m.as_written for m in second.lead_units] == ["市司法局"] and second.flags == ()


def test_table_with_lead_and_support_columns(directory: DepartmentDirectory) -> None:
    text = "\n".join([
        "二、重点任务",
        "|序号|任务内容|牵头单位|配合单位|完成时限|",
        "|---|---|---|---|---|",
        "|1|完成城镇老旧小区改造100个|市住建局|各县区人民政府|2024年11月底前|",
        "|2|实施背街小巷改造|市城市管理局||每季度|",
    ])
    first, second = extract_tasks(_doc(text), directory=directory)
    assert (first.ref, second.ref) == ("二、#1", "二、#2")
    assert [m.as_written for m in first.lead_units] == ["市住建局"]
    assert {m.name for m in first.support_units} == set(COUNTIES)
    assert [m.as_written for m in second.lead_units] == ["市城市管理局"] and not second.support_units


def test_signature_block_is_not_part_of_the_last_item(directory: DepartmentDirectory) -> None:
    text = "\n".join(["一、全面开展整治。", "二、建立长效机制。", "阳泉市人民政府办公室", "2024年3月15日"])
    tasks = extract_tasks(_doc(text), directory=directory)
    assert [(t.ref, t.line_end, t.text) for t in tasks] == [("一、", 1, "一、全面开展整治。"), ("二、", 2, "二、建立长效机制。")]


@pytest.mark.parametrize("text", [
    "二、加强火源管控。市林业局会同市公安局开展专项检查。",
    "(二)市林业局会同市公安局开展专项检查。",
    "第一条 市林业局会同市公安局开展专项检查。",
])
def test_item_number_is_not_part_of_the_opening_subject(directory: DepartmentDirectory, text: str) -> None:
    (task,) = extract_tasks(_doc(text), directory=directory)
    assert ([m.as_written for m in task.lead_units], [m.as_written for m in task.support_units]) == (
        ["市林业局"], ["市公安局"])
    assert task.flags == ()
