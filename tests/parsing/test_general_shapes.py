"""General shapes of directives from other provinces: progress tables, nested lists, preambles, group units.

Every text here is synthetic (written for the rule it checks); each test parses with an empty directory.
"""
from __future__ import annotations

from parsing.departments import DepartmentDirectory
from parsing.extract import parse_gazette
from parsing.results import ExtractedTask, ParsedDocument
from parsing.tables import cell_role


def _one(text: str) -> ParsedDocument:
    documents = parse_gazette(text, file="t.txt", directory=DepartmentDirectory())
    assert len(documents) == 1
    return documents[0]


def _units(task: ExtractedTask) -> tuple[list[str], list[str]]:
    return [u.as_written for u in task.lead_units], [u.as_written for u in task.support_units]


# --- tables ---------------------------------------------------------------------------------------------------------


def test_progress_and_remark_columns_are_neither_task_nor_time():
    assert [cell_role(c) for c in ("当前进度", "3-9月推进情况", "备注", "说明", "是否完成", "完成时限", "进度安排")] == [
        "note", "note", "note", "note", "note", "time", "time"]


def test_a_progress_table_one_cell_per_line_with_remarks_is_found_with_its_rows():
    doc = _one("\n".join([
        "2030年度县级为民办实事项目进度表(截至9月30日)",
        "", "序号", "", "项目名称", "", "目前进度", "", "牵头单位", "", "备注", "",
        "1", "", "改造城区老旧供水管网12公里。", "", "85%", "", "县水务局", "", "县级实事", "",
        "2", "", "新建社区食堂4个。", "", "70%(选址调整)", "", "县民政局", "", "县级实事", "",
    ]))
    assert doc.title.startswith("2030年度县级为民办实事项目进度表")
    assert [(t.ref, t.text, _units(t), t.deadlines) for t in doc.tasks] == [
        ("#1", "改造城区老旧供水管网12公里。", (["县水务局"], []), ()),
        ("#2", "新建社区食堂4个。", (["县民政局"], []), ())]


def test_a_header_column_the_rows_leave_out_is_dropped_and_a_spaced_unit_header_is_read():
    doc = _one("\n".join([
        "2030年区级民生项目推进情况(1-6月)",
        "序号 |", "主要任务 |", "年度目标 任务 |", "分管 领导 |", "牵头 单位 |", "协同单位 |",
        "1-5月推进情况 |", "1-6月推进情况 |", "说明 |",
        "7 |", "新增公共停车泊位300个。 |", "张某某 |", "交通局 |", "公安分局、各街道 |",
        "完成40%。 |", "完成60%。 |", "||",
        "8 |", "改造农贸市场3个。 |", "李某某 |", "商务局 |", "市场监管局 |",
        "已开工。 |", "完成主体。 |", "进度正常。 |",
        "9 |", "建设口袋公园5个。 |", "王某某 |", "园林局 |", "各街道 |", "已选址。 |", "已开工。 |", "||",
    ]))
    assert [(t.ref, t.text, _units(t)) for t in doc.tasks] == [
        ("#7", "新增公共停车泊位300个。", (["交通局"], ["公安分局", "各街道"])),
        ("#8", "改造农贸市场3个。", (["商务局"], ["市场监管局"])),
        ("#9", "建设口袋公园5个。", (["园林局"], ["各街道"]))]


def test_numbered_pipe_rows_without_a_header_take_the_first_unit_cell_as_lead():
    doc = _one("\n".join([
        "1 | 建成城乡公交首末站2个,更新新能源公交车30辆。 | 县交通运输局 | 首末站已完成选址,车辆采购已招标。 | 按序推进 |",
        "|",
        "2 | 为全县1000名以上老年人提供助餐服务。 | 县民政局、各乡镇 | 已开设助餐点12个。 | 按序推进 |",
    ]))
    assert [(t.ref, _units(t)) for t in doc.tasks] == [
        ("#1", (["县交通运输局"], [])), ("#2", (["县民政局", "各乡镇"], []))]
    assert doc.tasks[0].text.startswith("建成城乡公交首末站2个")
