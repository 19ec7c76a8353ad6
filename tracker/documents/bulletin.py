"""督查通报: the office's monthly or quarterly report on the items in hand, as .docx bytes.

Sections, numbered as they occur: 总体情况 (the summary paragraph, given or composed from the totals), 各单位
办理情况 (per-unit table with a 合计 row, and the ratings when there are any), 逾期事项 (late units named and
the overdue parts listed, or 本期无逾期事项), 典型案例 and 下步工作要求 when given. The figures are taken as
they come (see inputs.py): this module computes no rate and decides nothing.
"""
from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH

from tracker.documents import style
from tracker.documents.inputs import BulletinData, BulletinTotals, UnitRow
from tracker.documents.style import cn_date, cn_numeral, decimal_text, joined, percent

TITLE_LINE_CHARS = 19  # 二号 characters on one line of the type area, with room to spare


def bulletin_title(period_label: str) -> tuple[str, ...]:
    """The title's lines: too long for one, it breaks after the period (上短下长, words kept whole)."""
    head, tail = f"关于{period_label}", "督查督办事项办理情况的通报"
    if style.text_width(head + tail) <= TITLE_LINE_CHARS:
        return (head + tail,)
    return (head, tail)


def summary_text(data: BulletinData) -> str:
    """The figures in one paragraph: 截至…，全市共交办督办事项N项……按期办结率X%……"""
    totals, scope = data.totals, data.scope_label
    as_of = f"截至{cn_date(data.period_end)}"
    if totals.tasks == 0:
        return f"{as_of}，{scope}本期无在办督办事项。"
    text = (
        f"{as_of}，{scope}共交办督办事项{totals.tasks}项，落实到责任单位{totals.assignments}件；"
        f"已办结销号{totals.tasks_completed}项。各责任单位已办结{totals.completed}件，"
        f"其中按期办结{totals.completed_on_time}件"
    )
    if totals.on_time_rate is not None:
        text += f"，按期办结率{percent(totals.on_time_rate)}"
    if totals.overdue:
        text += f"；逾期未办结{totals.overdue}件"
        if data.late_units:
            text += f"，涉及{len(data.late_units)}个单位"
        return text + "。"
    return text + "；无逾期未办结事项。"


def bulletin_docx(data: BulletinData) -> bytes:
    """The 督查通报 of one period."""
    title = bulletin_title(data.period_label)
    document = style.new_document(title="".join(title), author=data.office_name, issued_on=data.issued_on)
    style.add_masthead(document, office_name=data.office_name, number=data.number)
    style.add_title(document, *title)
    if data.recipients:
        style.add_addressee(document, data.recipients)
    style.add_paragraph(document, f"现将{data.period_label}督查督办事项办理情况通报如下。")

    sections = iter(range(1, 10))

    def heading(text: str) -> None:
        style.add_paragraph(document, f"{cn_numeral(next(sections))}、{text}", style=style.HEADING_1)

    heading("总体情况")
    style.add_paragraph(document, data.summary_paragraph or summary_text(data))

    heading("各单位办理情况")
    rated = [row for row in data.units if row.ratings.total]
    if not data.units:
        style.add_paragraph(document, "本期无交办到责任单位的督办事项。")
    else:
        if rated:
            style.add_paragraph(document, "（一）按期办结情况", style=style.HEADING_2)
        style.add_paragraph(document, "各责任单位办理情况如下表。")
        table = style.add_table(
            document,
            header=("序号", "责任单位", "承办件数", "已办结", "按期办结", "逾期未办结", "按期办结率", "平均逾期天数"),
            rows=[*(_unit_row(number, row) for number, row in enumerate(data.units, 1)), _total_row(data.totals)],
            widths_mm=(14, 43, 15, 15, 17, 17, 18, 17),
            centered=frozenset({0, 2, 3, 4, 5, 6, 7}),
        )
        total = table.rows[-1].cells
        total[0].merge(total[1]).paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER  # 合计 across 序号 and 单位
    if rated:
        style.add_paragraph(document, "（二）办结质量评价", style=style.HEADING_2)
        style.add_paragraph(document, "本期已办结事项评价情况如下表。")
        style.add_table(
            document,
            header=("序号", "责任单位", "优秀", "良好", "合格", "不合格"),
            rows=[
                (str(number), row.unit, *(str(count) for count in _rating_counts(row)))
                for number, row in enumerate(rated, 1)
            ],
            widths_mm=(14, 62, 20, 20, 20, 20),
            centered=frozenset({0, 2, 3, 4, 5}),
        )

    heading("逾期事项")
    if data.late_units:
        named = joined([f"{unit.name}（{unit.overdue}件）" for unit in data.late_units])
        style.add_paragraph(
            document,
            f"截至{cn_date(data.period_end)}，{named}共{len(data.late_units)}个单位存在逾期未办结事项，予以通报。",
        )
    if data.overdue_items:
        style.add_table(
            document,
            header=("序号", "督办事项", "责任单位", "办理时限", "逾期天数"),
            rows=[
                (
                    str(number),
                    f"{item.task_title}\n（{item.task_ref}）" if item.task_ref else item.task_title,
                    item.unit,
                    cn_date(item.due),
                    f"{item.days_overdue}天",
                )
                for number, item in enumerate(data.overdue_items, 1)
            ],
            widths_mm=(14, 45, 39, 36, 22),
            centered=frozenset({0, 3, 4}),
        )
    elif not data.late_units:
        style.add_paragraph(document, "本期无逾期事项。")

    if data.typical_cases:
        heading("典型案例")
        for case in data.typical_cases:
            style.add_paragraph(document, case)
    if data.requirements:
        heading("下步工作要求")
        for number, requirement in enumerate(data.requirements, 1):
            style.add_paragraph(document, f"（{cn_numeral(number)}）{requirement}")

    style.add_signature(document, office_name=data.office_name, issued_on=data.issued_on)
    style.add_contact_note(document, name=data.contact_name, phone=data.contact_phone)
    return style.to_bytes(document)


def _unit_row(number: int, row: UnitRow) -> tuple[str, ...]:
    return (
        str(number),
        row.unit,
        str(row.assigned),
        str(row.completed),
        str(row.completed_on_time),
        str(row.overdue),
        percent(row.on_time_rate),
        decimal_text(row.average_overdue_days),
    )


def _total_row(totals: BulletinTotals) -> tuple[str, ...]:
    return (
        "合计",
        "",
        str(totals.assignments),
        str(totals.completed),
        str(totals.completed_on_time),
        str(totals.overdue),
        percent(totals.on_time_rate),
        "—",
    )


def _rating_counts(row: UnitRow) -> tuple[int, int, int, int]:
    ratings = row.ratings
    return (ratings.excellent, ratings.good, ratings.adequate, ratings.poor)
