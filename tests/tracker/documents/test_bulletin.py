"""督查通报, read back as a manager would: the figures in words, each unit's line, who is late and by how much."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from docx.oxml.ns import qn

from tests.tracker.documents.reading import body_texts, east_asia_font, open_docx, paragraph_with, rows
from tracker.documents import style
from tracker.documents.bulletin import bulletin_docx, bulletin_title, summary_text
from tracker.documents.inputs import BulletinData, BulletinTotals, LateUnit, OverdueItem, Ratings, UnitRow

OFFICE = "东湖市人民政府督查室"
TOTALS = BulletinTotals(
    tasks=40, tasks_completed=25, assignments=57, completed=44, completed_on_time=37, overdue=5, on_time_rate=37 / 44
)


def bulletin(**changes: object) -> BulletinData:
    data = BulletinData(
        number="督通〔2026〕3号",
        period_label="2026年第三季度",
        period_end=date(2026, 9, 30),
        issued_on=date(2026, 10, 9),
        office_name=OFFICE,
        totals=TOTALS,
        units=(
            UnitRow("市教育局", 20, 18, 17, 1, 17 / 18, 4.0),
            UnitRow("市卫生健康委员会", 25, 19, 14, 4, 14 / 19, 21.25, Ratings(excellent=1, good=2, poor=1)),
            UnitRow("湖东区人民政府", 12, 7, 6, 0, None, None),
        ),
        overdue_items=(
            OverdueItem("社区卫生服务中心建设", "市卫生健康委员会", date(2026, 6, 30), 92, "东政发〔2026〕2号第七项"),
            OverdueItem("校舍维修", "市教育局", date(2026, 8, 31), 30),
        ),
        late_units=(LateUnit("市卫生健康委员会", 4), LateUnit("市教育局", 1)),
        recipients="各区人民政府，市政府各部门",
    )
    return replace(data, **changes)


def test_title_number_and_addressees():
    document = open_docx(bulletin_docx(bulletin()))
    assert bulletin_title("2026年第三季度") == ("关于2026年第三季度", "督查督办事项办理情况的通报")
    assert bulletin_title("5月") == ("关于5月督查督办事项办理情况的通报",)
    title = paragraph_with(document, "关于2026年第三季度\n督查督办事项办理情况的通报")
    assert {east_asia_font(run) for run in title.runs} == {style.TITLE_FONT}
    paragraph_with(document, "督通〔2026〕3号")
    paragraph_with(document, "各区人民政府，市政府各部门：")
    assert document.core_properties.title == "关于2026年第三季度督查督办事项办理情况的通报"


def test_composed_summary_states_the_figures():
    texts = body_texts(open_docx(bulletin_docx(bulletin())))
    summary = texts[texts.index("一、总体情况") + 1]
    assert summary == (
        "截至2026年9月30日，全市共交办督办事项40项，落实到责任单位57件；已办结销号25项。各责任单位已办结44件，"
        "其中按期办结37件，按期办结率84.1%；逾期未办结5件，涉及2个单位。"
    )


def test_summary_variants_follow_the_figures():
    nothing_late = bulletin(totals=replace(TOTALS, overdue=0), late_units=(), scope_label="全县")
    assert summary_text(nothing_late).startswith("截至2026年9月30日，全县共交办督办事项40项")
    assert summary_text(nothing_late).endswith("按期办结率84.1%；无逾期未办结事项。")
    nothing_due = bulletin(totals=replace(TOTALS, on_time_rate=None))
    assert "按期办结率" not in summary_text(nothing_due)
    assert summary_text(bulletin(totals=BulletinTotals(0, 0, 0, 0, 0, 0, None))) == "截至2026年9月30日，全市本期无在办督办事项。"


def test_given_summary_is_printed_as_it_is():
    given = "本季度各单位总体推进有力，但部分民生事项进度滞后。"
    texts = body_texts(open_docx(bulletin_docx(bulletin(summary_paragraph=given))))
    assert texts[texts.index("一、总体情况") + 1] == given
    assert not any(text.startswith("截至2026年9月30日，全市") for text in texts)


def test_per_unit_table_rates_as_percentages_and_a_total_row():
    document = open_docx(bulletin_docx(bulletin()))
    units, ratings, overdue = document.tables
    assert rows(units) == [
        ["序号", "责任单位", "承办件数", "已办结", "按期办结", "逾期未办结", "按期办结率", "平均逾期天数"],
        ["1", "市教育局", "20", "18", "17", "1", "94.4%", "4"],
        ["2", "市卫生健康委员会", "25", "19", "14", "4", "73.7%", "21.3"],
        ["3", "湖东区人民政府", "12", "7", "6", "0", "—", "—"],
        ["合计", "合计", "57", "44", "37", "5", "84.1%", "—"],
    ]
    assert rows(ratings) == [
        ["序号", "责任单位", "优秀", "良好", "合格", "不合格"],
        ["1", "市卫生健康委员会", "1", "2", "0", "1"],
    ]
    header = units.rows[0]._tr.trPr
    assert header is not None and header.find(qn("w:tblHeader")) is not None, "header not repeated"
    texts = body_texts(document)
    assert texts.index("（一）按期办结情况") < texts.index("（二）办结质量评价") < texts.index("三、逾期事项")


def test_overdue_items_and_late_units_are_named():
    document = open_docx(bulletin_docx(bulletin()))
    assert rows(document.tables[-1]) == [
        ["序号", "督办事项", "责任单位", "办理时限", "逾期天数"],
        ["1", "社区卫生服务中心建设\n（东政发〔2026〕2号第七项）", "市卫生健康委员会", "2026年6月30日", "92天"],
        ["2", "校舍维修", "市教育局", "2026年8月31日", "30天"],
    ]
    assert (
        "截至2026年9月30日，市卫生健康委员会（4件）、市教育局（1件）共2个单位存在逾期未办结事项，予以通报。"
    ) in body_texts(document)


def test_without_ratings_there_is_no_rating_table_or_subheadings():
    plain = tuple(replace(row, ratings=Ratings()) for row in bulletin().units)
    document = open_docx(bulletin_docx(bulletin(units=plain)))
    assert len(document.tables) == 2
    assert not any("办结质量评价" in text or "按期办结情况" in text for text in body_texts(document))


def test_empty_period_says_so_instead_of_empty_tables():
    empty = bulletin(totals=BulletinTotals(0, 0, 0, 0, 0, 0, None), units=(), overdue_items=(), late_units=())
    document = open_docx(bulletin_docx(empty))
    assert document.tables == []
    texts = body_texts(document)
    assert texts[texts.index("二、各单位办理情况") + 1] == "本期无交办到责任单位的督办事项。"
    assert texts[texts.index("三、逾期事项") + 1] == "本期无逾期事项。"


def test_sections_are_numbered_in_order_whatever_is_present():
    def headings(data: BulletinData) -> list[str]:
        return [text for text in body_texts(open_docx(bulletin_docx(data))) if re.match(r"^[一二三四五六七八九十]+、", text)]

    assert headings(bulletin()) == ["一、总体情况", "二、各单位办理情况", "三、逾期事项"]
    full = bulletin(typical_cases=("市教育局提前完成校舍改造。",), requirements=("加快进度。", "按月反馈。"))
    assert headings(full) == ["一、总体情况", "二、各单位办理情况", "三、逾期事项", "四、典型案例", "五、下步工作要求"]
    texts = body_texts(open_docx(bulletin_docx(full)))
    assert texts[texts.index("四、典型案例") + 1] == "市教育局提前完成校舍改造。"
    assert texts[texts.index("五、下步工作要求") + 1 :][:2] == ["（一）加快进度。", "（二）按月反馈。"]
    only_requirements = bulletin(requirements=("加快进度。",))
    assert headings(only_requirements)[-1] == "四、下步工作要求"
