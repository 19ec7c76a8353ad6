"""PDF with a text layer: lines in reading order, page furniture removed, width-broken lines re-joined, ruled tables
read as rows.

pypdfium2 (PDFium) reads the text and its geometry: it is fast (hundreds of pages a second). pdfplumber, much slower,
is opened only for pages that draw lines, to read their tables. Rules, kept general:
- running headers and footers: a line in the top or bottom band of the page that recurs (digits aside) on at least
  half the pages or is set smaller than the body text, and page numbers there ("— 3 —", "-3-", "第3页", "3/12", "第 3 页 共 12 页"), are dropped;
- a line that starts at the left margin (or a paragraph indent from it) and reaches the right margin, and does not
  end a sentence (。；：！？), continues on the next line (across a page break too); a line ending in an opening
  bracket ("…〔" / "2020〕45号") always does. Centred titles, right-aligned signatures and short last lines of
  paragraphs stay lines of their own;
- a table the PDF draws with ruling lines comes out as "| a | b | c |" rows, a cell spanning rows repeated in each
  (as parsing.readers.docx does), text wrapped inside a cell joined;
- no text layer (a scan) or a password: refused, nothing read.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass

from ..results import SourceText
from .base import UnreadableFile, check_text, source_text

MAX_PAGES = 3000
MIN_TEXT_CHARS = 20  # fewer non-blank characters in the whole file: no text layer
FURNITURE_BAND = 0.1  # top and bottom share of the page height where running headers and page numbers sit
FURNITURE_SIZE = 0.85  # a line in that band in a smaller type than the body's is a header or footer
SENTENCE_END = "。；;：:！!？?"
OPENING = "〔［[（(【《“‘「『"
PAGE_NUMBER_RE = re.compile(
    r"^(?:[-—–－_~·•\s]*\d{1,4}[-—–－_~·•\s]*|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|"
    r"\d{1,4}\s*/\s*\d{1,4}|[Pp]age\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$"
)
DIGITS_RE = re.compile(r"\d+")
CJK_RE = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")
# A line opening an outline item (一、 （一） 1. ① 第一条) begins a paragraph: never the tail of the line above.
ITEM_START_RE = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[.、．](?!\d)|"
                           r"[①-⑳]|第[一二三四五六七八九十百]+条)")
MIN_RULES_FOR_TABLE = 4
MIN_FULL_SHARE = 0.55  # a full line spans at least this share of the page width (a short file's longest line may not)  # path objects on a page before pdfplumber is asked for its tables


@dataclass(slots=True)
class _Line:
    text: str
    page: int  # 1-based
    x0: float
    x1: float
    top: float  # distance from the top of the page
    size: float  # character height
    origin: str = ""
    table: bool = False
    width: float = 0.0  # of the page


def _join(left: str, right: str) -> str:
    """Two pieces of one line: no space between CJK characters, one between Latin words."""
    if not left or not right:
        return left + right
    if CJK_RE.match(left[-1]) or CJK_RE.match(right[0]):
        return left + right
    return left + " " + right


def _page_lines(textpage: object, page_no: int, width: float, height: float) -> list[_Line]:
    import pypdfium2.raw as pdfium_c

    text: str = textpage.get_text_range()  # type: ignore[attr-defined]
    if not text.strip():
        return []
    exact = len(text) == textpage.count_chars()  # type: ignore[attr-defined]  # char index == string index
    raw_page = textpage.raw  # type: ignore[attr-defined]
    lines = []
    for match in re.finditer(r"[^\r\n]+", text):
        raw = match.group()
        stripped = raw.strip()
        if not stripped:
            continue
        left = right = top = 0.0
        size = 1.0
        if exact:
            first = match.start() + len(raw) - len(raw.lstrip())
            last = match.start() + len(raw.rstrip()) - 1
            left, _, _, top = textpage.get_charbox(first)  # type: ignore[attr-defined]
            _, _, right, top2 = textpage.get_charbox(last)  # type: ignore[attr-defined]
            top = max(top, top2)
            # the type size, not the glyph's box: a line of digits or Latin letters is as big as its neighbours
            size = max(pdfium_c.FPDFText_GetFontSize(raw_page, first), pdfium_c.FPDFText_GetFontSize(raw_page, last),
                       1.0)
        lines.append(_Line(" ".join(stripped.split()), page_no, left, right, height - top, size, width=width))
    return lines


def _reading_order(lines: list[_Line]) -> list[_Line]:
    """Top to bottom, and left to right within one row (lines whose tops differ by less than half a character):
    PDFium follows the content stream, where a page's footer may come first."""
    ordered = sorted(lines, key=lambda ln: ln.top)
    rows: list[list[_Line]] = []
    for ln in ordered:
        if rows and ln.top - rows[-1][0].top < 0.5 * min(ln.size, rows[-1][0].size) and not ln.table:
            rows[-1].append(ln)
        else:
            rows.append([ln])
    return [ln for row in rows for ln in sorted(row, key=lambda ln: ln.x0)]


def _is_furniture_band(line: _Line, height: float) -> bool:
    return line.top < height * FURNITURE_BAND or line.top > height * (1 - FURNITURE_BAND)


def _drop_furniture(pages: list[list[_Line]], heights: list[float]) -> list[list[_Line]]:
    """Running headers/footers (recurring on half the pages or more) and page numbers, in the page's top and bottom
    bands only: a number or a title inside the body stays."""
    counts: dict[str, int] = {}
    for lines, height in zip(pages, heights, strict=True):
        for key in {DIGITS_RE.sub("#", ln.text) for ln in lines if _is_furniture_band(ln, height)}:
            counts[key] = counts.get(key, 0) + 1
    recurring = {k for k, n in counts.items() if len(pages) >= 2 and n >= max(2, len(pages) / 2)}
    sizes = sorted(ln.size for lines in pages for ln in lines if not ln.table)
    small = sizes[len(sizes) // 2] * FURNITURE_SIZE if sizes else 0.0
    kept = []
    for lines, height in zip(pages, heights, strict=True):
        kept.append([
            ln for ln in lines
            if ln.table or not _is_furniture_band(ln, height)
            or not (PAGE_NUMBER_RE.match(ln.text) or DIGITS_RE.sub("#", ln.text) in recurring or ln.size < small)
        ])
    return kept


def _cell_text(text: str | None) -> str:
    if not text:
        return ""
    parts = [p.strip() for p in text.split("\n") if p.strip()]
    joined = ""
    for part in parts:
        joined = _join(joined, part)
    return joined.replace("|", "/")


Box = tuple[float, float, float, float]


def _tables(plumber_page: object, page_no: int, number: int) -> list[tuple[Box, list[_Line]]]:
    """(bbox, row lines) of every ruled table on the page, numbered on from `number`; rows as docx.py writes them."""
    found = []
    for table in plumber_page.find_tables():  # type: ignore[attr-defined]
        rows = table.extract()
        columns = [col.bbox[0] for col in table.columns]
        if len(rows) < 2 and len(columns) < 3:
            continue
        number += 1
        above: dict[int, str] = {}
        lines = []
        for r, (values, row) in enumerate(zip(rows, table.rows, strict=True), start=1):
            x0, top, x1, _ = row.bbox
            texts = []
            for c, (value, bbox) in enumerate(zip(values, row.cells, strict=True)):
                if bbox is not None:
                    above[c] = _cell_text(value)
                    texts.append(above[c])
                elif _spans_down(table.cells, columns[c], top):
                    texts.append(above.get(c, ""))  # a cell merged down: counts for every row it spans
                else:
                    texts.append("")  # a cell merged across: written once
            origin = f"第 {page_no} 页 表格 {number} 第 {r} 行"
            filled = [t for t in texts if t]
            if len(columns) < 3 or sum(1 for b in row.cells if b is not None) == 1:
                lines.extend(_Line(t, page_no, x0, x1, top, 1.0, origin, True) for t in filled)
            elif filled:
                lines.append(_Line("| " + " | ".join(texts) + " |", page_no, x0, x1, top, 1.0, origin, True))
        found.append((table.bbox, lines))
    return found


def _spans_down(cells: list[Box], x: float, top: float) -> bool:
    """Whether a cell starting in column x above `top` reaches below it."""
    return any(abs(b[0] - x) <= 1 and b[1] < top - 1 and b[3] > top + 1 for b in cells)


def _margins(pages: list[list[_Line]]) -> tuple[float, float]:
    """The text block's left and right edges. Left: the leftmost start that two lines or more share (within 3
    points), where wrapped lines continue; indented first lines, centred titles and signatures start further right.
    Right: where most full lines end (a line spanning MIN_FULL_SHARE of the page width from the left edge) — a file
    of mostly short lines (one cell per line, a list of names) has few, and its short lines say nothing of it.
    Right is 0 when no line is full: nothing was broken by the page width."""
    starts: dict[int, int] = {}
    for lines in pages:
        for ln in lines:
            if not ln.table and ln.x1 > ln.x0:
                starts[round(ln.x0)] = starts.get(round(ln.x0), 0) + 1
    if not starts:
        return 0.0, 0.0

    def near(counts: dict[int, int], x: int) -> int:
        return sum(n for v, n in counts.items() if abs(v - x) <= 3)

    shared = [x for x in starts if near(starts, x) >= 2]
    left = min(shared) if shared else min(starts, key=lambda x: (-near(starts, x), x))
    ends: dict[int, int] = {}
    for lines in pages:
        for ln in lines:
            if not ln.table and ln.x1 > ln.x0 and ln.x1 - left >= MIN_FULL_SHARE * ln.width:
                ends[round(ln.x1)] = ends.get(round(ln.x1), 0) + 1
    right = max(ends, key=lambda x: (near(ends, x), x), default=0)
    if right and near(ends, right) < 2:
        # one full line alone shows a margin only where it mirrors the left one (a title or a table's caption
        # may reach far without reaching it)
        width = max(ln.width for lines in pages for ln in lines)
        size = max(ln.size for lines in pages for ln in lines if not ln.table)
        if right < width - left - 1.5 * size:
            right = 0
    return float(left), float(right)


def _indents_paragraphs(pages: list[list[_Line]], left: float) -> bool:
    """Whether the text's paragraphs open with a first-line indent (as directives are set: 2 characters), so that a
    line at the left edge continues a paragraph even after a full stop."""
    body = [ln for lines in pages for ln in lines if not ln.table and ln.x1 > ln.x0]
    indented = sum(1 for ln in body if left + 0.9 * ln.size < ln.x0 <= left + 3 * ln.size)
    return indented >= max(3, INDENTED_SHARE * len(body))


INDENTED_SHARE = 0.2


def _rejoin(pages: list[list[_Line]]) -> list[_Line]:
    left, right = _margins(pages)
    indents = _indents_paragraphs(pages, left)
    out: list[_Line] = []
    # "" no, "bracket" (a 文号 broken after 〔), "width" (the line reached the right margin), "sentence" (it reached
    # the margin at a full stop: the next line continues the paragraph only if it is not indented, in a text whose
    # paragraphs are)
    carry = ""
    for lines in pages:
        for ln in lines:
            prev = out[-1] if out else None
            if prev is not None and carry and not ln.table and (
                    carry == "bracket" or not (ln.x0 > left + 0.9 * ln.size or ITEM_START_RE.match(ln.text))):
                # (an indented line, or one opening an item, starts a paragraph even after a full line)
                prev.text = _join(prev.text, ln.text)
                if prev.page != ln.page:
                    prev.origin = f"第 {prev.page}–{ln.page} 页"
                line, starts_at = prev, (prev.x0 if prev.page == ln.page else ln.x0)
            else:
                ln.origin = ln.origin or f"第 {ln.page} 页"
                out.append(ln)
                line, starts_at = ln, ln.x0
            carry = ""
            if not line.table:
                if line.text[-1] in OPENING:
                    carry = "bracket"
                elif (right > left and starts_at <= left + 3 * ln.size
                      and ln.x1 >= right - 1.5 * ln.size and ln.x1 - left >= MIN_FULL_SHARE * ln.width):
                    carry = "width" if line.text[-1] not in SENTENCE_END else "sentence" if indents else ""
    return out


def read(data: bytes, *, name: str) -> SourceText:
    """A PDF's text layer as lines (see the module docstring), each with its page ("第 3 页")."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if "password" in str(error).lower():
            raise UnreadableFile(f"文件「{name}」是加密的 PDF（需要密码才能打开），请提供未加密的文件后再导入。") from error
        raise UnreadableFile(f"文件「{name}」是损坏的 PDF，无法读取，未导入。") from error
    plumber = None
    try:
        if len(document) > MAX_PAGES:
            raise UnreadableFile(f"文件「{name}」有 {len(document)} 页，超过 {MAX_PAGES} 页，不像一件公文，未导入。")
        pages: list[list[_Line]] = []
        heights: list[float] = []
        tables = 0
        for index in range(len(document)):
            page = document[index]
            width, height = page.get_size()
            lines = _page_lines(page.get_textpage(), index + 1, width, height)
            rules = sum(1 for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=2))
            if lines and rules >= MIN_RULES_FOR_TABLE:
                if plumber is None:
                    import pdfplumber

                    plumber = pdfplumber.open(io.BytesIO(data))
                found = _tables(plumber.pages[index], index + 1, tables)
                tables += len(found)
                for (x0, top, x1, bottom), rows in found:
                    lines = [ln for ln in lines  # the text inside the table: its rows replace it
                             if not (x0 <= (ln.x0 + ln.x1) / 2 <= x1 and top <= ln.top + ln.size / 2 <= bottom)]
                    lines.extend(rows)
            lines = _reading_order(lines)
            pages.append(lines)
            heights.append(height)
    finally:
        if plumber is not None:
            plumber.close()
        document.close()
    if sum(len(ln.text) for lines in pages for ln in lines) < MIN_TEXT_CHARS:
        raise UnreadableFile(f"文件「{name}」是扫描件（没有文字层），请先做文字识别（OCR）后再导入。")
    lines = _rejoin(_drop_furniture(pages, heights))
    result = source_text(((ln.text, ln.origin) for ln in lines), fmt="pdf")
    check_text(result.text, name=name, where=result.origins)
    return result
