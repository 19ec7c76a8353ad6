"""督办通知单 and 催办通知单, read back as a unit's staff would read them."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from docx.shared import Pt

from tests.tracker.documents.reading import body_texts, east_asia_font, form, open_docx, paragraph_with, rows
from tracker.documents import style
from tracker.documents.inputs import NoticeData, UrgedUnit, UrgeNoticeData
from tracker.documents.notices import due_label, notice_docx, urge_notice_docx

OFFICE = "西江市人民政府督查室"


def notice(**changes: object) -> NoticeData:
    data = NoticeData(
        number="督办〔2026〕45号",
        issued_on=date(2026, 4, 7),
        office_name=OFFICE,
        task_ref="西政办发〔2026〕9号第二项",
        task_title="优化营商环境",
        task_text="全面推行企业开办“一网通办”，开办时间压缩至1个工作日以内。",
        lead_units=("市行政审批服务管理局",),
        support_units=("市市场监督管理局", "市税务局"),
        source="《西江市人民政府办公室关于进一步优化营商环境的通知》（西政办发〔2026〕9号）",
        due=date(2026, 9, 30),
        requirements=("5月底前制定实施细则。", "每季度末报送进展。"),
        leader_in_charge="赵华副市长",
        contact_name="周敏",
        contact_phone="0771-2345678",
    )
    return replace(data, **changes)


def test_notice_shows_title_number_units_deadline_and_requirements():
    document = open_docx(notice_docx(notice()))
    title = paragraph_with(document, "督办通知单")
    assert {east_asia_font(run) for run in title.runs} == {style.TITLE_FONT}
    paragraph_with(document, "督办〔2026〕45号")
    paragraph_with(document, "市行政审批服务管理局、市市场监督管理局、市税务局：")
    (table,) = document.tables
    assert form(table) == {
        "事项编号": "西政办发〔2026〕9号第二项",
        "事项来源": "《西江市人民政府办公室关于进一步优化营商环境的通知》（西政办发〔2026〕9号）",
        "督办事项": "优化营商环境\n全面推行企业开办“一网通办”，开办时间压缩至1个工作日以内。",
        "牵头单位": "市行政审批服务管理局",
        "配合单位": "市市场监督管理局、市税务局",
        "办理时限": "2026年9月30日前",
        "分管领导": "赵华副市长",
        "办理要求": "1. 5月底前制定实施细则。\n2. 每季度末报送进展。",
    }
    labels = [row.cells[0].paragraphs[0] for row in table.rows]
    assert {east_asia_font(run) for label in labels for run in label.runs} == {style.HEADING_FONT}
    texts = body_texts(document)
    assert texts[-4:] == ["（盖章）", OFFICE, "2026年4月7日", "（联系人：周敏，联系电话：0771-2345678）"]
    assert any("牵头单位要切实负起牵头责任" in text for text in texts)


def test_notice_table_text_is_four_hao_fangsong():
    document = open_docx(notice_docx(notice()))
    value = document.tables[0].rows[3].cells[1].paragraphs[0]
    assert value.runs[0].font.size == Pt(14)
    assert east_asia_font(value.runs[0]) == style.BODY_FONT


def test_notice_with_only_what_is_required_leaves_no_empty_row():
    bare = NoticeData(
        number="督办〔2026〕46号",
        issued_on=date(2026, 4, 8),
        office_name=OFFICE,
        task_text="开展汛前隐患排查。",
        lead_units=("市水利局",),
    )
    document = open_docx(notice_docx(bare))
    assert form(document.tables[0]) == {
        "督办事项": "开展汛前隐患排查。",
        "牵头单位": "市水利局",
        "配合单位": "无",
        "办理时限": "长期",
    }
    texts = body_texts(document)
    assert texts[-1] == "2026年4月8日"
    assert not any("联系人" in text or "配合单位要" in text for text in texts)


def test_deadline_wording_wins_over_the_date_and_the_date_reads_in_chinese():
    assert due_label(date(2026, 6, 30), "") == "2026年6月30日前"
    assert due_label(date(2026, 6, 30), "每季度末") == "每季度末"
    assert due_label(None, "") == "长期"
    document = open_docx(notice_docx(notice(due_text="2026年年底前")))
    assert form(document.tables[0])["办理时限"] == "2026年年底前"


def test_file_properties_name_the_office_and_the_issue_day():
    properties = open_docx(notice_docx(notice())).core_properties
    assert (properties.author, properties.title) == (OFFICE, "督办通知单")
    # Midnight of 2026-04-07 in Beijing is 16:00 UTC the day before.
    assert (properties.created.date(), properties.created.hour) == (date(2026, 4, 6), 16)


def urge(**changes: object) -> UrgeNoticeData:
    data = UrgeNoticeData(
        number="催办〔2026〕9号",
        issued_on=date(2026, 10, 12),
        office_name=OFFICE,
        task_ref="西政办发〔2026〕9号第二项",
        task_title="优化营商环境",
        task_text="全面推行企业开办“一网通办”。",
        source="西政办发〔2026〕9号",
        notice_number="督办〔2026〕45号",
        assigned_on=date(2026, 4, 7),
        original_due=date(2026, 9, 30),
        units=(
            UrgedUnit("市行政审批服务管理局", date(2026, 9, 30), 12, "系统已上线试运行。", date(2026, 9, 25)),
            UrgedUnit("市税务局", date(2026, 10, 8), 4),
        ),
        urge_note="请于本周内召开专题会议研究。",
        reply_by=date(2026, 10, 16),
        contact_name="周敏",
        contact_phone="0771-2345678",
    )
    return replace(data, **changes)


def test_urge_notice_lists_each_late_unit_with_days_and_latest_report():
    document = open_docx(urge_notice_docx(urge()))
    paragraph_with(document, "催办通知单")
    paragraph_with(document, "催办〔2026〕9号")
    paragraph_with(document, "市行政审批服务管理局、市税务局：")
    (table,) = document.tables
    assert rows(table) == [
        ["序号", "责任单位", "办理时限", "逾期天数", "最新反馈"],
        ["1", "市行政审批服务管理局", "2026年9月30日", "12天", "2026年9月25日：系统已上线试运行。"],
        ["2", "市税务局", "2026年10月8日\n（已延期）", "4天", "未反馈"],
    ]
    texts = body_texts(document)
    assert (
        "2026年4月7日，西江市人民政府督查室以督办〔2026〕45号督办通知单交办你单位的“优化营商环境”事项，"
        "办理时限为2026年9月30日前。截至2026年10月12日，该事项仍未办结，已超过办理时限。现予催办。"
    ) in texts
    assert [text for text in texts if text[1:2] == "、"] == ["一、督办事项", "二、逾期情况", "三、有关要求"]
    assert "请于本周内召开专题会议研究。" in texts
    assert any("于2026年10月16日前将办理进展、逾期原因及下步措施书面报送西江市人民政府督查室" in text for text in texts)
    assert "事项编号：西政办发〔2026〕9号第二项。" in texts
    assert not any("次催办" in text for text in texts)


def test_repeated_urge_says_which_round():
    texts = body_texts(open_docx(urge_notice_docx(urge(urge_round=3))))
    assert texts[texts.index("催办通知单") + 1] == "（第3次催办）"


def test_urge_notice_without_units_reply_date_or_notice_says_so_in_words():
    bare = UrgeNoticeData(
        number="催办〔2026〕10号",
        issued_on=date(2026, 10, 13),
        office_name=OFFICE,
        task_text="完成老旧管网改造。",
        units=(),
    )
    document = open_docx(urge_notice_docx(bare))
    assert document.tables == []
    texts = body_texts(document)
    assert "本事项无逾期单位。" in texts
    assert texts[texts.index("一、督办事项") + 1] == "完成老旧管网改造。"
    assert any(text.startswith("西江市人民政府督查室交办你单位的督办事项。截至2026年10月13日，") for text in texts)
    assert any("尽快将办理进展" in text for text in texts)
