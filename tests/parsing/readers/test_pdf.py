"""PDFs written here with reportlab (CJK CID font STSong-Light, no font file): furniture, re-joined lines, tables."""
from __future__ import annotations

import io

import pytest
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Table

from parsing.readers import UnreadableFile, read_file

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
LEFT, RIGHT, SIZE = 72, 72 + 37 * 12, 12  # 37 CJK characters of 12 pt fill the text width exactly


def _page(c: canvas.Canvas, number: int, total: int, lines: list[tuple[str, float]]) -> None:
    c.setFont(FONT, 9)
    c.drawCentredString(A4[0] / 2, A4[1] - 40, "某某市人民政府公报")  # running header
    c.drawCentredString(A4[0] / 2, 30, f"— {number} —")  # page number
    c.setFont(FONT, SIZE)
    y = A4[1] - 90
    for text, x in lines:
        if x < 0:
            c.drawCentredString(A4[0] / 2, y, text)
        elif x > 1000:
            c.drawRightString(RIGHT, y, text)
        else:
            c.drawString(x, y, text)
        y -= 22
    c.showPage()


def _pdf(pages: list[list[tuple[str, float]]]) -> bytes:
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    for number, lines in enumerate(pages, start=1):
        _page(c, number, len(pages), lines)
    c.save()
    return out.getvalue()


FULL = "各县区人民政府要加强组织领导，落实工作责任，确保各项任务按期保质保量地完成"  # 37 characters: a full line
assert len(FULL) == 37


def test_headers_page_numbers_removed_lines_rejoined_wrapped_doc_number_kept_whole():
    indent = LEFT + 2 * SIZE
    pages = [
        [("某某市人民政府办公室", -1), ("关于做好春耕生产工作的", -1), ("通知", -1),
         ("根据《某某省人民政府办公厅关于做好春耕生产工作的通知》（某政办发〔", LEFT),
         ("2020〕45号）精神，现就有关事项通知如下：", LEFT),
         ("一、加强组织领导", indent), (FULL[2:], indent), (FULL, LEFT), ("及时报送进展情况。", LEFT)],
        [("二、强化督促检查", indent), (FULL[2:], indent), (FULL, LEFT)],
        [("按月报送。", LEFT), ("某某市人民政府办公室", 2000), ("2024年3月1日", 2000)],
    ]
    source = read_file(_pdf(pages), name="a.pdf")
    assert source.text.split("\n") == [
        "某某市人民政府办公室", "关于做好春耕生产工作的", "通知",  # a centred title stays on its lines
        "根据《某某省人民政府办公厅关于做好春耕生产工作的通知》（某政办发〔2020〕45号）精神，现就有关事项通知如下：",
        "一、加强组织领导", FULL[2:] + FULL + "及时报送进展情况。",
        "二、强化督促检查", FULL[2:] + FULL + "按月报送。",  # across the page break
        "某某市人民政府办公室", "2024年3月1日",  # the signature is not a full line
    ]
    assert source.origins[7] == "第 2–3 页" and source.origins[0] == "第 1 页"


def test_a_full_line_ending_a_sentence_continues_onto_an_unindented_line_where_paragraphs_are_indented():
    indent = LEFT + 2 * SIZE
    sentence = FULL[:36] + "。"  # the page width broke the paragraph just after a full stop
    pages = [[("一、加强组织领导", indent), (FULL[2:], indent), (sentence, LEFT), ("县督查室将跟踪督办。", LEFT),
              ("二、强化督促检查", indent), (FULL[2:-1] + "。", indent), ("各县区要按月报送。", indent)]]
    assert read_file(_pdf(pages), name="a.pdf").text.split("\n") == [
        "一、加强组织领导", FULL[2:] + sentence + "县督查室将跟踪督办。",
        "二、强化督促检查", FULL[2:-1] + "。", "各县区要按月报送。",  # an indented line opens a paragraph
    ]


def test_a_file_of_short_lines_has_no_line_broken_by_the_page_width():
    indent = LEFT + 2 * SIZE
    title = "某某县人民政府办公室关于对2016年民生实事进行重点督办的通知"  # 2 characters short of the margin
    lines = [(title, indent), ("来源：信息公开办", indent), ("竹府办〔2016〕20号", indent), ("各乡镇人民政府：", indent)]
    lines += [(name, indent) for name in ("县住建局", "12月底前", "县水务局", "9月底前", "县民政局", "5月底前")]
    assert read_file(_pdf([lines]), name="a.pdf").text.split("\n") == [text for text, _ in lines]


def test_a_ruled_table_is_read_as_rows_with_a_cell_spanning_rows_repeated():
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    c.setFont(FONT, SIZE)
    c.drawString(LEFT, 760, "附件：任务分解表")
    table = Table([["序号", "工作任务", "牵头单位", "完成时限"], ["1", "建立台账", "市发展改革委", "6月底前"],
                   ["2", "每月调度", "", "每月"]], colWidths=[40, 200, 120, 80])
    table.setStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("FONTNAME", (0, 0), (-1, -1), FONT),
                    ("SPAN", (2, 1), (2, 2))])
    table.wrapOn(c, 440, 400)
    table.drawOn(c, LEFT, 640)
    c.drawString(LEFT, 600, "以上任务请按时完成。")
    c.save()
    source = read_file(out.getvalue(), name="t.pdf")
    assert source.text.split("\n") == [
        "附件：任务分解表",
        "| 序号 | 工作任务 | 牵头单位 | 完成时限 |",
        "| 1 | 建立台账 | 市发展改革委 | 6月底前 |",
        "| 2 | 每月调度 | 市发展改革委 | 每月 |",
        "以上任务请按时完成。",
    ]
    assert source.origins[2] == "第 1 页 表格 1 第 2 行"


def test_a_scan_without_text_layer_is_refused_asking_for_ocr():
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    c.setFillColor(colors.grey)
    c.rect(50, 50, 400, 600, fill=1)  # a page that is only an image
    c.showPage()
    c.save()
    with pytest.raises(UnreadableFile, match="「扫描件.pdf」是扫描件（没有文字层）.*文字识别（OCR）"):
        read_file(out.getvalue(), name="扫描件.pdf")


def test_an_encrypted_pdf_is_refused():
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4, encrypt="secret")
    c.setFont(FONT, SIZE)
    c.drawString(LEFT, 700, "关于做好春耕生产工作的通知")
    c.save()
    with pytest.raises(UnreadableFile, match="「密.pdf」是加密的 PDF"):
        read_file(out.getvalue(), name="密.pdf")
