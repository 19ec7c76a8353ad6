"""The 公文 look shared by the printables, after GB/T 9704-2012 (党政机关公文格式).

A4 portrait, margins top 37 / bottom 35 / left 28 / right 26 mm (a 156 × 225 mm type area of 22 lines of 28
characters), 三号仿宋 body on a fixed 28.95 pt line, 二号小标宋 title, 黑体 / 楷体 headings, the red 发文机关标志 with
the 文号 and a red rule under it, page numbers "— 1 —" in 四号宋体 (odd pages right, even pages left), the
signature centred over the date four characters from the right. Every font is set for East Asian text too
(w:eastAsia), and the font table names the face Word falls back to (w:altName) on PCs without the 方正/GB2312
faces. Pure formatting: no data, no clock.
"""
from __future__ import annotations

import io
from collections.abc import Sequence
from copy import deepcopy
from datetime import UTC, date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import docx
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Emu, Length, Mm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.table import Table
from docx.text.font import Font
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
# The face Word takes when the named one is not installed (most PCs have 宋体/仿宋/楷体, few the 方正/GB2312 ones).
FALLBACKS = {TITLE_FONT: "宋体", BODY_FONT: "仿宋", SUBHEADING_FONT: "楷体"}
SANS_FONTS = {HEADING_FONT}

RED = RGBColor(0xE6, 0x00, 0x12)
SIZE_2 = Pt(22)  # 二号
SIZE_3 = Pt(16)  # 三号
SIZE_4 = Pt(14)  # 四号
SIZE_SMALL_4 = Pt(12)  # 小四
LINE = Pt(28.95)  # 22 lines fill the 225 mm type area
CHAR = 16  # points in one 三号 character: indents are counted in characters
TYPE_AREA_WIDTH_MM = 156
SHANGHAI = ZoneInfo("Asia/Shanghai")

BODY = "公文正文"
TITLE = "公文标题"
ADDRESSEE = "主送机关"
HEADING_1 = "一级标题"
HEADING_2 = "二级标题"
MASTHEAD = "发文机关标志"
NUMBER = "发文字号"
SIGNATURE = "署名"
NOTE = "附注"
CELL = "表格文字"
CELL_HEAD = "表格标题"
PAGE_NUMBER = "页码"

# name: (style id, font, size, alignment, first-line indent in characters, line spacing (None: single))
STYLES: dict[str, tuple[str, str, Length, WD_ALIGN_PARAGRAPH, int, Length | None]] = {
    BODY: ("GwBody", BODY_FONT, SIZE_3, WD_ALIGN_PARAGRAPH.JUSTIFY, 2, LINE),
    TITLE: ("GwTitle", TITLE_FONT, SIZE_2, WD_ALIGN_PARAGRAPH.CENTER, 0, Pt(36)),
    ADDRESSEE: ("GwAddressee", BODY_FONT, SIZE_3, WD_ALIGN_PARAGRAPH.JUSTIFY, 0, LINE),
    HEADING_1: ("GwHeading1", HEADING_FONT, SIZE_3, WD_ALIGN_PARAGRAPH.JUSTIFY, 2, LINE),
    HEADING_2: ("GwHeading2", SUBHEADING_FONT, SIZE_3, WD_ALIGN_PARAGRAPH.JUSTIFY, 2, LINE),
    MASTHEAD: ("GwMasthead", TITLE_FONT, Pt(36), WD_ALIGN_PARAGRAPH.CENTER, 0, None),
    NUMBER: ("GwNumber", BODY_FONT, SIZE_3, WD_ALIGN_PARAGRAPH.CENTER, 0, LINE),
    SIGNATURE: ("GwSignature", BODY_FONT, SIZE_3, WD_ALIGN_PARAGRAPH.RIGHT, 0, LINE),
    NOTE: ("GwNote", BODY_FONT, SIZE_3, WD_ALIGN_PARAGRAPH.JUSTIFY, 2, LINE),
    CELL: ("GwCell", BODY_FONT, SIZE_SMALL_4, WD_ALIGN_PARAGRAPH.LEFT, 0, Pt(20)),
    CELL_HEAD: ("GwCellHead", HEADING_FONT, SIZE_SMALL_4, WD_ALIGN_PARAGRAPH.CENTER, 0, Pt(20)),
    PAGE_NUMBER: ("GwPageNumber", PAGE_NUMBER_FONT, SIZE_4, WD_ALIGN_PARAGRAPH.RIGHT, 0, None),
}
KEEP_WITH_NEXT = {TITLE, HEADING_1, HEADING_2, MASTHEAD, NUMBER}
# What may follow w:pBdr inside w:pPr (the schema fixes the order; Word refuses a file that breaks it).
AFTER_BORDER = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
    "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
    "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)


# ---- text -------------------------------------------------------------------------------------------------

def cn_date(day: date) -> str:
    """2026年12月4日 (公文 dates: Arabic numerals, no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日"


def percent(rate: float | None) -> str:
    """0.9055 → 90.6%, 1.0 → 100%; None (nothing due) → —."""
    if rate is None:
        return "—"
    return decimal_text(rate * 100) + "%"


def decimal_text(value: float | None, places: int = 1) -> str:
    """One decimal rounded half up, without a trailing .0: 3.25 → 3.3, 4.0 → 4; None → —."""
    if value is None:
        return "—"
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = format(rounded, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


CN_DIGITS = "零一二三四五六七八九"


def cn_numeral(number: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (section numbers 一、二、…, up to 99)."""
    tens, units = divmod(number, 10)
    if number < 10:
        return CN_DIGITS[number]
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[units] if units else "")


def lines(count: float) -> Length:
    """Vertical space of `count` body lines."""
    return Emu(int(LINE * count))


def joined(names: Sequence[str]) -> str:
    return "、".join(names)


def text_width(text: str) -> float:
    """Width in characters of the body face: CJK and full-width one, ASCII half."""
    return sum(0.5 if ord(char) < 0x2E80 else 1.0 for char in text)


# ---- document ---------------------------------------------------------------------------------------------

def new_document(*, title: str, author: str, issued_on: date) -> Document:
    """An empty A4 公文 with its styles, font table, page-number footers and properties set."""
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(24)
    _set_defaults(document)
    for name in STYLES:
        _add_style(document, name)
    _declare_fonts(document)
    document.settings.odd_and_even_pages_header_footer = True
    # Theme faces (left in the template's built-in styles) resolve to the Chinese ones, not the Japanese.
    theme_language = document.settings.element.find(qn("w:themeFontLang"))
    if theme_language is not None:
        theme_language.set(qn("w:eastAsia"), "zh-CN")
    _page_number(section.footer.paragraphs[0], odd=True)
    _page_number(section.even_page_footer.paragraphs[0], odd=False)
    _set_properties(document, title=title, author=author, issued_on=issued_on)
    return document


def to_bytes(document: Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def set_font(font: Font, name: str) -> None:
    """Name the face for Latin and East Asian text alike; drop theme fonts, which would win over it."""
    font.name = name
    rfonts = font.element.get_or_add_rPr().get_or_add_rFonts()  # type: ignore[union-attr]
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(theme), None)
    rfonts.set(qn("w:eastAsia"), name)
    # Quotes, dashes and the like are drawn in the East Asian face (full width), as Chinese text wants.
    rfonts.set(qn("w:hint"), "eastAsia")


def _set_defaults(document: Document) -> None:
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    rfonts = rpr.find(qn("w:rFonts"))
    for attribute in list(rfonts.attrib):
        del rfonts.attrib[attribute]
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attribute), BODY_FONT)
    rpr.find(qn("w:sz")).set(qn("w:val"), "32")
    rpr.find(qn("w:szCs")).set(qn("w:val"), "32")
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    normal = document.styles["Normal"]
    # No extra quarter-em between Chinese and digits/Latin: text keeps to the 28-character grid as 公文 do.
    # Set on Normal, which every style here is based on (Word honours it; LibreOffice spaces anyway).
    properties = normal.element.get_or_add_pPr()
    properties.append(_element("w:autoSpaceDE", val="0"))
    properties.append(_element("w:autoSpaceDN", val="0"))
    set_font(normal.font, BODY_FONT)
    normal.font.size = SIZE_3


def _add_style(document: Document, name: str) -> ParagraphStyle:
    style_id, font, size, alignment, indent, line = STYLES[name]
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.style_id = style_id  # ASCII ids, Chinese names: what Word shows is the name
    style.base_style = document.styles["Normal"]
    style.quick_style = True
    set_font(style.font, font)
    style.font.size = size
    layout = style.paragraph_format
    layout.alignment = alignment
    layout.space_before = layout.space_after = Pt(0)
    layout.first_line_indent = Pt(CHAR * indent) if indent else None
    if line is None:
        layout.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        layout.line_spacing, layout.line_spacing_rule = line, WD_LINE_SPACING.EXACTLY
    layout.widow_control = True
    layout.keep_with_next = name in KEEP_WITH_NEXT
    return style


def _declare_fonts(document: Document) -> None:
    """Add the Chinese faces to the font table: GB2312 charset, family, and the fallback face."""
    part = document.part.part_related_by(RT.FONT_TABLE)
    root = etree.fromstring(part.blob)
    for name in (TITLE_FONT, BODY_FONT, HEADING_FONT, SUBHEADING_FONT, PAGE_NUMBER_FONT, *FALLBACKS.values()):
        if root.find(f"{qn('w:font')}[@{qn('w:name')}='{name}']") is not None:
            continue
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        if name in FALLBACKS:
            etree.SubElement(font, qn("w:altName")).set(qn("w:val"), FALLBACKS[name])
        etree.SubElement(font, qn("w:charset")).set(qn("w:val"), "86")  # GB2312
        etree.SubElement(font, qn("w:family")).set(qn("w:val"), "modern" if name in SANS_FONTS else "roman")
        etree.SubElement(font, qn("w:pitch")).set(qn("w:val"), "variable")
    # python-docx keeps the font table as an opaque part: its bytes are all there is to replace.
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _set_properties(document: Document, *, title: str, author: str, issued_on: date) -> None:
    properties = document.core_properties
    properties.title = title
    properties.author = properties.last_modified_by = author
    properties.subject = properties.keywords = properties.comments = properties.category = ""
    properties.language = "zh-CN"
    properties.revision = 1
    # Midnight of the issue day in Beijing, written as UTC (the file format's convention).
    stamp = datetime.combine(issued_on, time(), tzinfo=SHANGHAI).astimezone(UTC)
    properties.created = properties.modified = stamp
    # The default template's preview picture is of another document: drop it.
    package_rels = document.part.package.rels
    for rel_id, rel in list(package_rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package_rels[rel_id]


def _page_number(paragraph: Paragraph, *, odd: bool) -> None:
    """— N — in 四号宋体, one character in from the outer edge (GB/T 9704 7.5)."""
    paragraph.style = PAGE_NUMBER
    layout = paragraph.paragraph_format
    layout.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
    if odd:
        layout.right_indent = SIZE_4
    else:
        layout.left_indent = SIZE_4
    add_run(paragraph, "— ")
    field = add_run(paragraph, "")._r
    field.append(_element("w:fldChar", fldCharType="begin"))
    field.append(_element("w:instrText", " PAGE "))
    field.append(_element("w:fldChar", fldCharType="separate"))
    field.append(_element("w:t", "1"))  # shown until the field is updated, which Word does on opening
    field.append(_element("w:fldChar", fldCharType="end"))
    add_run(paragraph, " —")


def _element(tag: str, text: str = "", **attributes: str) -> BaseOxmlElement:
    element = OxmlElement(tag, attrs={qn(f"w:{name}"): value for name, value in attributes.items()})
    if text:
        element.text = text
        element.set(qn("xml:space"), "preserve")
    return element


# ---- blocks -----------------------------------------------------------------------------------------------

def add_run(
    paragraph: Paragraph,
    text: str,
    *,
    font: str | None = None,
    size: Length | None = None,
    color: RGBColor | None = None,
) -> Run:
    """A run with its face named on the run itself (it survives copy and paste into another document)."""
    run = paragraph.add_run(text)
    set_font(run.font, font or STYLES[paragraph.style.name][1])
    if size is not None:
        run.font.size = size
    if color is not None:
        run.font.color.rgb = color
    return run


def add_paragraph(document: Document, text: str = "", *, style: str = BODY, **run_format: object) -> Paragraph:
    paragraph = document.add_paragraph(style=document.styles[style])
    if text:
        add_run(paragraph, text, **run_format)  # type: ignore[arg-type]
    return paragraph


def add_masthead(document: Document, *, office_name: str, number: str) -> None:
    """The red 发文机关标志, the 文号 under it, and the red rule 4 mm under that. Tighter than GB/T 9704's
    blank lines (35 mm above the 标志, two lines around the 文号) so that a one-item notice fits on a page."""
    # As large as the type area allows, at most 42 pt (GB/T 9704 recommends ≤ 15 mm per character).
    size = min(42, int(TYPE_AREA_WIDTH_MM / 25.4 * 72 / max(text_width(office_name), 1)))
    add_paragraph(document, office_name, style=MASTHEAD, size=Pt(size), color=RED)
    line = add_paragraph(document, number, style=NUMBER)
    line.paragraph_format.space_before = lines(1)
    border = _element("w:pBdr")
    border.append(_element("w:bottom", val="single", sz="12", space="11", color=str(RED)))  # 1.5 pt, 4 mm below
    properties = line._p.get_or_add_pPr()
    properties.insert_element_before(border, *AFTER_BORDER)


def add_title(document: Document, *lines_of_title: str) -> Paragraph:
    """The title, one or more lines: a long title is broken by the caller where the words allow."""
    title = add_paragraph(document, style=TITLE)
    for number, text in enumerate(lines_of_title):
        run = add_run(title, text)
        if number < len(lines_of_title) - 1:
            run.add_break()
    title.paragraph_format.space_before = lines(1)
    title.paragraph_format.space_after = lines(0.5)
    return title


def add_addressee(document: Document, text: str) -> None:
    add_paragraph(document, text.rstrip("：:") + "：", style=ADDRESSEE)


def add_signature(document: Document, *, office_name: str, issued_on: date, seal: bool = True) -> None:
    """署名 centred over the date, the date four characters from the right, and a place for the seal."""
    day = cn_date(issued_on)
    date_indent = 4.0
    name_indent = date_indent + (text_width(day) - text_width(office_name)) / 2
    if name_indent < 0:
        date_indent, name_indent = date_indent - name_indent, 0.0
    rows = [(office_name, name_indent), (day, date_indent)]
    if seal:
        mark = "（盖章）"
        rows.insert(0, (mark, name_indent + (text_width(office_name) - text_width(mark)) / 2))
    for position, (text, indent) in enumerate(rows):
        paragraph = add_paragraph(document, text, style=SIGNATURE)
        paragraph.paragraph_format.right_indent = Pt(CHAR * indent)
        if position == 0:
            paragraph.paragraph_format.space_before = lines(2)
            paragraph.paragraph_format.keep_with_next = True
        elif position < len(rows) - 1:
            paragraph.paragraph_format.keep_with_next = True


def add_contact_note(document: Document, *, name: str, phone: str) -> None:
    """附注 under the date: （联系人：张三，联系电话：…）; nothing when neither is known."""
    parts = [f"联系人：{name}" if name else "", f"联系电话：{phone}" if phone else ""]
    text = "，".join(part for part in parts if part)
    if text:
        note = add_paragraph(document, f"（{text}）", style=NOTE)
        note.paragraph_format.space_before = LINE


def add_table(
    document: Document,
    *,
    rows: Sequence[Sequence[str]],
    widths_mm: Sequence[float],
    header: Sequence[str] = (),
    centered: frozenset[int] = frozenset(),
    label_column: bool = False,
    size: Length = SIZE_SMALL_4,
) -> Table:
    """A bordered table across the type area. A cell's lines ("\\n") become paragraphs; the header row repeats
    on every page; rows never break across pages; with `label_column` the first column is a 黑体 label."""
    table = document.add_table(rows=0, cols=len(widths_mm))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    if header:
        _add_row(table, header, widths_mm, heads=frozenset(range(len(header))), centered=centered, size=size)
        _row_property(table.rows[0], "w:tblHeader")
    heads = frozenset({0}) if label_column else frozenset()
    # Rows of the same shape (lines per cell) are copies of the first one made with their texts swapped in:
    # formatting each cell through python-docx costs ~10 ms a row, seconds for a 通报 listing 300 units.
    made: dict[tuple[tuple[bool, ...], ...], BaseOxmlElement] = {}
    for values in rows:
        lines = [value.split("\n") for value in values]
        shape = tuple(tuple(bool(line) for line in cell) for cell in lines)
        plain = not any("\t" in value or "\r" in value for value in values)  # one w:t per line
        if not plain or shape not in made:
            row = _add_row(table, values, widths_mm, heads=heads, centered=centered, size=size)
            if plain:
                made[shape] = row
            continue
        copy = deepcopy(made[shape])
        for element, text in zip(copy.iter(qn("w:t")), [line for cell in lines for line in cell if line], strict=True):
            element.text = text
            if text != text.strip():
                element.set(qn("xml:space"), "preserve")
            else:
                element.attrib.pop(qn("xml:space"), None)
        table._tbl.append(copy)
    return table


def _add_row(
    table: Table,
    values: Sequence[str],
    widths_mm: Sequence[float],
    *,
    heads: frozenset[int],
    centered: frozenset[int],
    size: Length,
) -> BaseOxmlElement:
    row = table.add_row()
    _row_property(row, "w:cantSplit")
    row.height = Mm(10)
    for index, (cell, value, width) in enumerate(zip(row.cells, values, widths_mm, strict=True)):
        cell.width = Mm(width)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        style_id, font = STYLES[CELL_HEAD if index in heads else CELL][:2]
        for number, line in enumerate(value.split("\n")):
            paragraph = cell.paragraphs[0] if number == 0 else cell.add_paragraph()
            # The style set by its id: python-docx resolves a name by scanning the styles part on every call,
            # which took seconds for a 通报 listing 300 units.
            paragraph._p.get_or_add_pPr().style = style_id
            if index in centered or index in heads:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            if line:
                add_run(paragraph, line, size=size, font=font)
    return row._tr


def _row_property(row: object, tag: str) -> None:
    properties = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    properties.append(_element(tag))
