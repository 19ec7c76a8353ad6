"""督办通知单 and 催办通知单: one per item, as .docx bytes.

Builders only lay out what NoticeData / UrgeNoticeData carry (see inputs.py): no query, no clock, no setting.
"""
from __future__ import annotations

from datetime import date

from docx.shared import Pt

from tracker.documents import style
from tracker.documents.inputs import NoticeData, UrgedUnit, UrgeNoticeData
from tracker.documents.style import cn_date, joined

NOTICE_TITLE = "督办通知单"
URGE_TITLE = "催办通知单"


def due_label(due: date | None, due_text: str) -> str:
    """What the notice says the deadline is: the given wording, else "2026年6月30日前", else 长期."""
    if due_text:
        return due_text
    return f"{cn_date(due)}前" if due is not None else "长期"


def notice_docx(data: NoticeData) -> bytes:
    """The 督办通知单 of one item: who does what by when, on what authority, and how to report."""
    document = style.new_document(title=NOTICE_TITLE, author=data.office_name, issued_on=data.issued_on)
    style.add_masthead(document, office_name=data.office_name, number=data.number)
    style.add_title(document, NOTICE_TITLE)
    style.add_addressee(document, joined((*data.lead_units, *data.support_units)))
    opening = "现将下列事项列入督办，请你单位认真抓好落实，按时限办结并报送办理情况。"
    if data.support_units:
        opening += "牵头单位要切实负起牵头责任，配合单位要积极主动配合。"
    style.add_paragraph(document, opening).paragraph_format.space_after = Pt(8)

    rows = [
        ("事项编号", data.task_ref),
        ("事项来源", data.source),
        ("督办事项", "\n".join(part for part in (data.task_title, data.task_text) if part)),
        ("牵头单位", joined(data.lead_units)),
        ("配合单位", joined(data.support_units) or "无"),
        ("办理时限", due_label(data.due, data.due_text)),
        ("分管领导", data.leader_in_charge),
        ("办理要求", "\n".join(f"{number}. {text}" for number, text in enumerate(data.requirements, 1))),
    ]
    style.add_table(
        document,
        rows=[row for row in rows if row[1]],
        widths_mm=(30, 126),
        label_column=True,
        size=style.SIZE_4,
    )
    style.add_signature(document, office_name=data.office_name, issued_on=data.issued_on)
    style.add_contact_note(document, name=data.contact_name, phone=data.contact_phone)
    return style.to_bytes(document)


def urge_notice_docx(data: UrgeNoticeData) -> bytes:
    """The 催办通知单 of one item, addressed to its late units: how late each is, its latest report, reply-by."""
    document = style.new_document(title=URGE_TITLE, author=data.office_name, issued_on=data.issued_on)
    style.add_masthead(document, office_name=data.office_name, number=data.number)
    title = style.add_title(document, URGE_TITLE)
    if data.urge_round > 1:
        title.paragraph_format.space_after = Pt(0)
        round_line = style.add_paragraph(document, f"（第{data.urge_round}次催办）", style=style.TITLE)
        round_line.runs[0].font.size = style.SIZE_3
        style.set_font(round_line.runs[0].font, style.SUBHEADING_FONT)
        round_line.paragraph_format.space_after = style.lines(0.5)
    style.add_addressee(document, joined([unit.name for unit in data.units]))

    item = f"“{data.task_title}”事项" if data.task_title else "督办事项"
    when = f"{cn_date(data.assigned_on)}，" if data.assigned_on else ""
    how = f"以{data.notice_number}督办通知单" if data.notice_number else ""
    due = f"，办理时限为{due_label(data.original_due, data.due_text)}" if data.original_due or data.due_text else ""
    style.add_paragraph(
        document,
        f"{when}{data.office_name}{how}交办你单位的{item}{due}。截至{cn_date(data.issued_on)}，"
        "该事项仍未办结，已超过办理时限。现予催办。",
    )

    style.add_paragraph(document, "一、督办事项", style=style.HEADING_1)
    style.add_paragraph(document, f"{data.task_title}：{data.task_text}" if data.task_title else data.task_text)
    facts = (("事项编号", data.task_ref), ("事项来源", data.source), ("分管领导", data.leader_in_charge))
    for label, value in facts:
        if value:
            style.add_paragraph(document, f"{label}：{value}。")

    style.add_paragraph(document, "二、逾期情况", style=style.HEADING_1)
    if data.units:
        style.add_table(
            document,
            header=("序号", "责任单位", "办理时限", "逾期天数", "最新反馈"),
            rows=[_urged_row(number, unit, data.original_due) for number, unit in enumerate(data.units, 1)],
            widths_mm=(14, 34, 36, 22, 50),
            centered=frozenset({0, 2, 3}),
        )
    else:
        style.add_paragraph(document, "本事项无逾期单位。")

    style.add_paragraph(document, "三、有关要求", style=style.HEADING_1)
    if data.urge_note:
        style.add_paragraph(document, data.urge_note)
    by = f"于{cn_date(data.reply_by)}前" if data.reply_by else "尽快"
    style.add_paragraph(
        document,
        f"请你单位高度重视，加快办理进度，{by}将办理进展、逾期原因及下步措施书面报送{data.office_name}。"
        "确因客观原因无法办结的，应当说明理由，提出延期申请。",
    )
    style.add_signature(document, office_name=data.office_name, issued_on=data.issued_on)
    style.add_contact_note(document, name=data.contact_name, phone=data.contact_phone)
    return style.to_bytes(document)


def _urged_row(number: int, unit: UrgedUnit, original_due: date | None) -> tuple[str, ...]:
    due = cn_date(unit.due) if unit.due is not None else "—"
    if unit.due is not None and original_due is not None and unit.due != original_due:
        due += "\n（已延期）"
    if unit.latest_report:
        report = f"{cn_date(unit.latest_report_on)}：{unit.latest_report}" if unit.latest_report_on else unit.latest_report
    else:
        report = "未反馈"
    return (str(number), unit.name, due, f"{unit.days_overdue}天", report)
