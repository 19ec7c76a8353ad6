"""Word, PDF and web-page renditions of a directive's text, written the way offices and websites write them.

Used by the reader tests, the rendition tests (each rendition must give the tasks the text gives) and the
benchmarks. As offices set a directive, the head (red header, 文号, title) is centred and larger, the signing office
and date right-aligned, the body justified with a 2-character indent (`layout`). Word files number their outline with real automatic numbering (numbering.xml), merge repeated unit
cells vertically and carry a header and a footer with a PAGE field; PDFs use the CJK CID font STSong-Light (no font
file needed), a running header, "— n —" page numbers and ruled tables; pages carry navigation, a breadcrumb, the
metadata table, a footer and scripts, in GBK.
"""
from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass, field

from parsing.normalize import strip_markup
from parsing.outline import FURNITURE_RE, FURNITURE_TAIL

# Outline markers and the numbering level that writes them: (kind, pattern, numFmt, lvlText)
MARKERS = (
    ("cn", re.compile(r"^([一二三四五六七八九十]+)、"), "chineseCounting", "%1、"),
    ("pcn", re.compile(r"^[（(]([一二三四五六七八九十]+)[）)]"), "chineseCounting", "（%1）"),
    ("num", re.compile(r"^(\d{1,2})[.．](?!\d)\s*"), "decimal", "%1."),
    ("pnum", re.compile(r"^[（(](\d{1,2})[）)]"), "decimal", "（%1）"),
    ("circled", re.compile(r"^([①-⑳])"), "decimalEnclosedCircle", "%1"),
)
CN = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}


def _marker_number(kind: str, raw: str) -> int:
    if kind == "circled":
        return ord(raw) - 0x2460 + 1
    if raw.isdigit():
        return int(raw)
    if len(raw) == 1:
        return CN[raw]
    if raw[0] == "十":
        return 10 + CN[raw[1]]
    return CN[raw[0]] * 10 + (CN[raw[2]] if len(raw) == 3 else 0)


@dataclass
class Paragraph:
    text: str
    level: int | None = None  # numbering level (index in MARKERS) when the text began with a marker
    number: int | None = None


@dataclass
class Table:
    rows: list[list[str]] = field(default_factory=list)


def blocks(text: str) -> list[Paragraph | Table]:
    """A directive's text as paragraphs and tables: markdown removed, tab or pipe rows of 3+ cells grouped."""
    out: list[Paragraph | Table] = []
    for raw in text.splitlines():
        line = strip_markup(raw.strip())
        if not line or FURNITURE_RE.match(line) or line.endswith(FURNITURE_TAIL):
            continue  # the OCR text's page numbers and running headers: a real file prints them as page furniture
        cells = [c.strip() for c in (line.strip("|").split("|") if line.startswith("|") else line.split("\t"))]
        cells = [c for c in cells if c and not re.fullmatch(r":?-{2,}:?", c)]
        if not cells:
            continue
        if len(cells) >= 3 and ("\t" in raw or line.startswith("|")):
            if not out or not isinstance(out[-1], Table):
                out.append(Table())
            out[-1].rows.append(cells)  # type: ignore[union-attr]
            continue
        line = " ".join(cells) if "\t" in raw else line
        for level, (kind, pattern, _, _) in enumerate(MARKERS):
            m = pattern.match(line)
            if m and line[m.end():].strip():
                out.append(Paragraph(line[m.end():].strip(), level, _marker_number(kind, m.group(1))))
                break
        else:
            out.append(Paragraph(line))
    return out


def plain_text(parts: list[Paragraph | Table]) -> str:
    """What the renditions say, as a text file: markers written out, table rows tab-separated."""
    lines = []
    for part in parts:
        if isinstance(part, Table):
            lines.extend("\t".join(row) for row in part.rows)
        elif part.level is None:
            lines.append(part.text)
        else:
            fmt, template = MARKERS[part.level][2], MARKERS[part.level][3]
            lines.append(template.replace("%1", _format(part.number or 1, fmt)) + part.text)
    return "\n".join(lines) + "\n"


def _format(n: int, fmt: str) -> str:
    if fmt == "chineseCounting":
        digits = "一二三四五六七八九"
        return digits[n - 1] if n < 10 else ("十" if n < 20 else digits[n // 10 - 1] + "十") + (
            digits[n % 10 - 1] if n % 10 else "")
    if fmt == "decimalEnclosedCircle":
        return chr(0x2460 + n - 1)
    return str(n)


# --- Word --------------------------------------------------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _abstract_xml(abstract_id: int) -> str:
    levels = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text.replace("%1", f"%{i + 1}")}"/>'
        f'<w:suff w:val="nothing"/><w:lvlJc w:val="left"/></w:lvl>'
        for i, (_, _, fmt, text) in enumerate(MARKERS)
    )
    return f'<w:abstractNum xmlns:w="{W_NS}" w:abstractNumId="{abstract_id}">{levels}</w:abstractNum>'


def _page_field_run(paragraph: object) -> None:
    from docx.oxml import parse_xml

    for xml in (f'<w:r xmlns:w="{W_NS}"><w:fldChar w:fldCharType="begin"/></w:r>',
                f'<w:r xmlns:w="{W_NS}"><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>',
                f'<w:r xmlns:w="{W_NS}"><w:fldChar w:fldCharType="separate"/></w:r>',
                f'<w:r xmlns:w="{W_NS}"><w:t>1</w:t></w:r>',
                f'<w:r xmlns:w="{W_NS}"><w:fldChar w:fldCharType="end"/></w:r>'):
        paragraph._p.append(parse_xml(xml))  # type: ignore[attr-defined]


class _WordLists:
    """Real automatic numbering: one list; a new list instance (startOverride) only where the text's number is not
    the one Word would print next."""

    def __init__(self, document: object) -> None:
        from docx.oxml import parse_xml

        self.parse_xml = parse_xml
        self.numbering = document.part.numbering_part.element  # type: ignore[attr-defined]
        self.numbering.insert(0, parse_xml(_abstract_xml(90)))
        self.counters: dict[int, int] = {}
        self.num_id = 0
        self._new_num(None, None)

    def _new_num(self, level: int | None, start: int | None) -> None:
        self.num_id += 1
        override = (f'<w:lvlOverride w:ilvl="{level}"><w:startOverride w:val="{start}"/></w:lvlOverride>'
                    if level is not None else "")
        self.numbering.append(self.parse_xml(
            f'<w:num xmlns:w="{W_NS}" w:numId="{900 + self.num_id}"><w:abstractNumId w:val="90"/>{override}</w:num>'))
        if level is not None:
            self.counters[level] = start - 1  # type: ignore[operator]

    def number(self, paragraph: object, level: int, number: int) -> None:
        expected = self.counters.get(level, 0) + 1
        if number != expected:
            self._new_num(level, number)
        self.counters[level] = number
        for deeper in [k for k in self.counters if k > level]:
            del self.counters[deeper]
        ppr = paragraph._p.get_or_add_pPr()  # type: ignore[attr-defined]
        ppr.append(self.parse_xml(
            f'<w:numPr xmlns:w="{W_NS}"><w:ilvl w:val="{level}"/><w:numId w:val="{900 + self.num_id}"/></w:numPr>'))


ALIGNMENTS = {"head": 1, "signature": 2}  # WD_ALIGN_PARAGRAPH.CENTER, .RIGHT


def docx_bytes(parts: list[Paragraph | Table], *, header: str = "政府公报", numbering: bool = True,
               merge_units: bool = True) -> bytes:
    """A .docx of the parts: numbered paragraphs through numbering.xml, tables with repeated cells merged down."""
    import docx

    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = header
    footer = section.footer.paragraphs[0]
    footer.text = "— "
    _page_field_run(footer)
    footer.add_run(" —")
    lists = _WordLists(document) if numbering else None
    for part, role in zip(parts, layout(parts), strict=True):
        if isinstance(part, Table):
            columns = max(len(row) for row in part.rows)
            table = document.add_table(rows=len(part.rows), cols=columns)
            table.style = "Table Grid"
            for r, row in enumerate(part.rows):
                for c in range(columns):
                    table.cell(r, c).text = row[c] if c < len(row) else ""
            if merge_units:
                _merge_repeated(table, part.rows, columns)
            continue
        if part.level is not None and lists is not None:
            paragraph = document.add_paragraph(part.text)
            lists.number(paragraph, part.level, part.number or 1)
        elif part.level is not None:
            fmt, template = MARKERS[part.level][2], MARKERS[part.level][3]
            document.add_paragraph(template.replace("%1", _format(part.number or 1, fmt)) + part.text)
        else:
            paragraph = document.add_paragraph(part.text)
            if role in ALIGNMENTS:
                paragraph.alignment = ALIGNMENTS[role]
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _merge_repeated(table: object, rows: list[list[str]], columns: int) -> None:
    """Merge runs of the same text down a column (from the third column on), as offices lay out unit columns."""
    for c in range(2, columns):
        r = 0
        while r < len(rows):
            text = rows[r][c] if c < len(rows[r]) else ""
            end = r
            while end + 1 < len(rows) and text and (rows[end + 1][c] if c < len(rows[end + 1]) else "") == text:
                end += 1
            if end > r:
                merged = table.cell(r, c).merge(table.cell(end, c))  # type: ignore[attr-defined]
                merged.text = text
            r = end + 1


# --- layout --------------------------------------------------------------------------------------------------------

HEAD_MAX_CHARS = 40
SIGNED_DATE_RE = re.compile(r"^(?:\d{4}|[〇○零一二三四五六七八九]{4})年[\d一二三四五六七十]{1,2}月[\d一二三四五六七十]{1,3}日$")


def layout(parts: list[Paragraph | Table]) -> list[str]:
    """How a directive sets each part: "head" (the red header, 文号 and title above the text, centred), "signature"
    (the signing office and the date under the text, right-aligned), "body" (justified, indented), "table"."""
    roles = ["table" if isinstance(p, Table) else "body" for p in parts]
    for k, part in enumerate(parts):  # the head: short lines without a sentence, before the 主送 or the first one
        if isinstance(part, Table) or part.level is not None or len(part.text) > HEAD_MAX_CHARS or \
                re.search(r"[。；;:：，,|]", part.text):  # (a page's metadata card row is no heading)
            break
        roles[k] = "head"
    for k, part in enumerate(parts):
        if isinstance(part, Paragraph) and SIGNED_DATE_RE.match(part.text) and k > 0 and roles[k] == "body":
            roles[k] = "signature"
            above = parts[k - 1]
            if isinstance(above, Paragraph) and above.level is None and len(above.text) <= 30 and \
                    not re.search(r"[。；;:：，,]", above.text):
                roles[k - 1] = "signature"
    return roles


# --- PDF ---------------------------------------------------------------------------------------------------------

def pdf_bytes(parts: list[Paragraph | Table], *, header: str = "政府公报", font_size: float = 12) -> bytes:
    """An A4 PDF of the parts: wrapped paragraphs, ruled tables, a running header and "— n —" page numbers."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph as P
    from reportlab.platypus import SimpleDocTemplate
    from reportlab.platypus import Table as T

    font = "STSong-Light"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    body = ParagraphStyle("body", fontName=font, fontSize=font_size, leading=font_size * 1.6, wordWrap="CJK",
                          alignment=TA_JUSTIFY, firstLineIndent=font_size * 2)  # 两端对齐, a 2-character indent
    styles = {
        "body": body,
        "head": ParagraphStyle("head", parent=body, fontSize=font_size * 1.5, leading=font_size * 2.2,
                               alignment=TA_CENTER, firstLineIndent=0),  # the title, 文号 and red header, centred
        "signature": ParagraphStyle("signature", parent=body, alignment=TA_RIGHT, firstLineIndent=0,
                                    rightIndent=font_size * 4),  # the signing office and its date
    }
    cell = ParagraphStyle("cell", fontName=font, fontSize=font_size * 0.8, leading=font_size, wordWrap="CJK")

    def furniture(canvas: object, doc: object) -> None:
        canvas.saveState()  # type: ignore[attr-defined]
        canvas.setFont(font, 9)  # type: ignore[attr-defined]
        if doc.page > 1:  # a different first page, as Word documents usually have
            canvas.drawCentredString(A4[0] / 2, A4[1] - 40, header)  # type: ignore[attr-defined]
        canvas.drawCentredString(A4[0] / 2, 30, f"— {doc.page} —")  # type: ignore[attr-defined]
        canvas.restoreState()  # type: ignore[attr-defined]

    flow: list[object] = []
    for part, role in zip(parts, layout(parts), strict=True):
        if isinstance(part, Table):
            columns = max(len(row) for row in part.rows)
            data = [[P(html.escape(row[c]) if c < len(row) else "", cell) for c in range(columns)] for row in part.rows]
            table = T(data, repeatRows=0)
            table.setStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")])
            flow.append(table)
        else:
            flow.append(P(html.escape(_written(part)), styles[role]))
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, leftMargin=72, rightMargin=72, topMargin=72, bottomMargin=72,
                      title="", author="").build(flow, onFirstPage=furniture, onLaterPages=furniture)
    return out.getvalue()


def _written(part: Paragraph) -> str:
    if part.level is None:
        return part.text
    fmt, template = MARKERS[part.level][2], MARKERS[part.level][3]
    return template.replace("%1", _format(part.number or 1, fmt)) + part.text


# --- web page ----------------------------------------------------------------------------------------------------

def html_bytes(parts: list[Paragraph | Table], *, title: str, metadata: dict[str, str] | None = None,
               encoding: str = "gbk") -> bytes:
    """A government web page: navigation, breadcrumb, the metadata table, the article, print/close links, footer."""
    meta_rows = "".join(
        f"<tr><td class='t'>{html.escape(k)}：</td><td>{html.escape(v)}</td></tr>" for k, v in (metadata or {}).items())
    body = []
    css = {"body": "text-indent:2em", "head": "text-align:center", "signature": "text-align:right"}
    for part, role in zip(parts, layout(parts), strict=True):
        if isinstance(part, Table):
            rows = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in part.rows)
            body.append(f"<table border='1'>{rows}</table>")
        else:
            body.append(f"<p style='{css[role]}'>{html.escape(_written(part))}</p>")
    charset = "gb2312" if encoding == "gbk" else encoding
    page = f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{html.escape(title)}_政府信息公开_市人民政府门户网站</title>
<script>var _hmt = _hmt || []; document.write("统计代码");</script>
<style>.nav li {{ display:inline }}</style></head>
<body>
<div class="header"><ul class="nav"><li><a href="/">首页</a></li><li><a href="/zw/">政务公开</a></li>
<li><a href="/hd/">互动交流</a></li><li><a href="/fw/">政务服务</a></li></ul>
<div class="search"><input type="text" value="请输入关键字"><a href="#">搜索</a></div></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zw/">政务公开</a> &gt; <a href="/zw/wj/">政府文件</a></div>
<div class="xxgk"><table class="meta">{meta_rows}</table></div>
<div class="article"><h1 class="title">{html.escape(title)}</h1>
<div class="info">发布时间：2024-01-05 10:30 来源：市政府办公室 浏览次数：1234 字号：[ <a>大</a> <a>中</a> <a>小</a> ]</div>
<div id="zoom" class="TRS_Editor">{''.join(body)}</div>
<div class="share">分享到：<a>微信</a> <a>微博</a></div>
<div class="tools"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
</div>
<div class="related"><h3>相关文件</h3><ul><li><a href="/a.html">关于印发某某工作方案的通知</a></li>
<li><a href="/b.html">关于做好某某工作的通知</a></li></ul></div>
<div class="footer"><p>主办：市人民政府办公室 承办：市大数据中心</p><p>网站标识码：1403000001 ICP备12345678号</p>
<p>版权所有 © 2024 联系我们 网站地图</p></div>
<script>console.log("footer")</script></body></html>"""
    return page.encode(encoding, errors="xmlcharrefreplace")
