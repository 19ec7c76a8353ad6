"""Word (.docx): body paragraphs and tables in document order, with Word's automatic numbering rendered as text.

python-docx opens the package (parts found through their relationships); the XML is walked here because python-docx
renders neither list numbers nor merged cells. What comes out, one line each:
- a paragraph, its list number first ("一、", "（一）", "1.", "①": numbering.xml levels, counters kept per list as Word
  does, restarts by lvlRestart/startOverride), a soft line break starting a new line; text boxes as lines of their own;
- a table row as "| 序号 | 工作任务 | 牵头单位 | 配合单位 |" (the pipe rows parsing.outline reads): a cell merged down
  several rows (vMerge) repeated in each, a cell spanning columns (gridSpan) once followed by empty cells so the
  columns stay aligned; a row that is one cell across the table, and tables of one or two columns (layout), as plain
  lines;
- headers, footers, footnotes, page-number fields and deleted text (tracked changes) left out.
"""
from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from ..results import SourceText
from .base import UnreadableFile, check_text, source_text

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
W_P, W_TBL, W_TR, W_TC, W_R, W_T = f"{W}p", f"{W}tbl", f"{W}tr", f"{W}tc", f"{W}r", f"{W}t"
W_VAL = f"{W}val"
# Containers whose children are read as if they stood in their place.
TRANSPARENT = {f"{W}{t}" for t in ("sdt", "sdtContent", "customXml", "smartTag", "hyperlink", "ins", "moveTo",
                                   "fldSimple", "dir", "bdo")} | {f"{MC}AlternateContent", f"{MC}Choice"}
# Elements whose text is not the document's: deleted or moved-away text, properties, fallbacks.
SKIPPED = {f"{W}{t}" for t in ("del", "moveFrom", "delText", "pPr", "rPr", "sdtPr", "sdtEndPr",
                               "footnoteReference", "endnoteReference", "commentReference")} | {f"{MC}Fallback"}
SPACED_AFTER = "条章节款项部分篇"  # a list number ending in a word, not in punctuation
PAGE_FIELDS = ("PAGE", "NUMPAGES", "SECTIONPAGES", "SECTION")
# A docx is a zip: refuse one that would unpack to more than this (a zip bomb), before python-docx reads it.
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
MAX_DOCUMENT_XML_BYTES = 64 * 1024 * 1024
LAYOUT_TABLE_COLUMNS = 2  # a table this narrow lays out text (signature, 主送/抄送), it lists nothing

FIELD_INSTR_RE = re.compile(r"^\s*([A-Z]+)")


# --- list numbers -------------------------------------------------------------------------------------------------

_CN_DIGITS = "〇一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"
_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
          (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def _chinese(n: int, digits: str = _CN_DIGITS, ten: str = "十", hundred: str = "百", thousand: str = "千") -> str:
    """12 → 十二, 20 → 二十, 105 → 一百零五 (Word's chineseCounting)."""
    if n < 10:
        return digits[n]
    if n < 20 and digits is _CN_DIGITS:
        return ten + (digits[n % 10] if n % 10 else "")
    parts, zero = [], False
    for value, unit in ((1000, thousand), (100, hundred), (10, ten), (1, "")):
        d = n // value % 10
        if d:
            if zero and parts:
                parts.append("零" if digits is _CN_DIGITS else digits[0])
            parts.append(digits[d] + unit)
            zero = False
        elif parts:
            zero = True
    return "".join(parts)


def _roman(n: int) -> str:
    out = []
    for value, symbol in _ROMAN:
        while n >= value:
            out.append(symbol)
            n -= value
    return "".join(out)


def _letters(n: int) -> str:
    """1 → A, 26 → Z, 27 → AA, 28 → BB (Word repeats the letter)."""
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    """A list counter as Word prints it in numFmt `fmt`."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting",
               "taiwaneseCountingThousand", "koreanCounting"):
        return _chinese(n)
    if fmt == "chineseLegalSimplified":
        return _chinese(n, _CN_LEGAL, "拾", "佰", "仟")
    if fmt in ("ideographDigital", "japaneseDigitalTenThousand", "taiwaneseDigital"):
        return "".join(_CN_DIGITS[int(d)] for d in str(n))
    if fmt == "ideographTraditional":
        return _TIANGAN[(n - 1) % 10]
    if fmt == "ideographZodiac":
        return _DIZHI[(n - 1) % 12]
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "decimalEnclosedParen" and 1 <= n <= 20:
        return chr(0x2474 + n - 1)
    if fmt == "decimalEnclosedFullstop" and 1 <= n <= 20:
        return chr(0x2488 + n - 1)
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return "".join(chr(0xFF10 + int(d)) for d in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("upperRoman", "lowerRoman"):
        return _roman(n) if fmt == "upperRoman" else _roman(n).lower()
    if fmt in ("upperLetter", "lowerLetter"):
        return _letters(n) if fmt == "upperLetter" else _letters(n).lower()
    return str(n)  # decimal, and the English ordinal/cardinal texts no directive uses


@dataclass(frozen=True, slots=True)
class Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    restart: int | None = None  # lvlRestart: 1-based level whose use restarts this one; 0 never; None: any above
    legal: bool = False  # isLgl: the numbers of the levels above in decimal
    style: str | None = None  # a paragraph style linked to this level


@dataclass(slots=True)
class _Num:
    abstract: str
    levels: dict[int, Level] = field(default_factory=dict)  # lvlOverride/lvl
    starts: dict[int, int] = field(default_factory=dict)  # lvlOverride/startOverride


def _val(el: object, path: str) -> str | None:
    found = el.find(path) if el is not None else None  # type: ignore[attr-defined]
    return None if found is None else found.get(W_VAL)


def _level(lvl: object, base: Level | None = None) -> Level:
    level = base or Level()
    start, fmt, text = _val(lvl, f"{W}start"), _val(lvl, f"{W}numFmt"), _val(lvl, f"{W}lvlText")
    restart, style = _val(lvl, f"{W}lvlRestart"), _val(lvl, f"{W}pStyle")
    return replace(
        level,
        start=int(start) if start and start.lstrip("-").isdigit() else level.start,
        fmt=fmt or level.fmt,
        text=text if text is not None else level.text,
        restart=int(restart) if restart and restart.isdigit() else level.restart,
        legal=lvl.find(f"{W}isLgl") is not None or level.legal,  # type: ignore[attr-defined]
        style=style or level.style,
    )


class Numbering:
    """numbering.xml and the styles' numPr: the list number each paragraph shows, counted in document order."""

    def __init__(self, numbering: object | None, styles: object | None) -> None:
        self.abstract: dict[str, dict[int, Level]] = {}
        self.style_link: dict[str, str] = {}  # abstractNum id → numStyleLink style id
        self.nums: dict[str, _Num] = {}
        self.style_numpr: dict[str, tuple[str | None, int | None]] = {}
        self.based_on: dict[str, str] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.started: set[str] = set()
        if styles is not None:
            for style in styles.iterfind(f"{W}style"):  # type: ignore[attr-defined]
                sid = style.get(f"{W}styleId")
                if not sid:
                    continue
                based = _val(style, f"{W}basedOn")
                if based:
                    self.based_on[sid] = based
                numpr = style.find(f"{W}pPr/{W}numPr")
                if numpr is not None:
                    ilvl = _val(numpr, f"{W}ilvl")
                    self.style_numpr[sid] = (_val(numpr, f"{W}numId"), int(ilvl) if ilvl and ilvl.isdigit() else None)
        if numbering is None:
            return
        for abstract in numbering.iterfind(f"{W}abstractNum"):  # type: ignore[attr-defined]
            aid = abstract.get(f"{W}abstractNumId")
            levels = {}
            for lvl in abstract.iterfind(f"{W}lvl"):
                ilvl = lvl.get(f"{W}ilvl")
                if ilvl is not None and ilvl.isdigit():
                    levels[int(ilvl)] = _level(lvl)
            self.abstract[aid] = levels
            link = _val(abstract, f"{W}numStyleLink")
            if link:
                self.style_link[aid] = link
        for num in numbering.iterfind(f"{W}num"):  # type: ignore[attr-defined]
            entry = _Num(_val(num, f"{W}abstractNumId") or "")
            for override in num.iterfind(f"{W}lvlOverride"):
                ilvl = int(override.get(f"{W}ilvl", "0"))
                start = _val(override, f"{W}startOverride")
                if start and start.isdigit():
                    entry.starts[ilvl] = int(start)
                lvl = override.find(f"{W}lvl")
                if lvl is not None:
                    entry.levels[ilvl] = _level(lvl)
            self.nums[num.get(f"{W}numId")] = entry

    def _style_numpr(self, style: str | None) -> tuple[str | None, int | None]:
        seen = set()
        while style and style not in seen:
            seen.add(style)
            if style in self.style_numpr:
                return self.style_numpr[style]
            style = self.based_on.get(style)
        return None, None

    def _abstract_of(self, num: _Num) -> str:
        """Follow numStyleLink: a list defined by a numbering style points at that style's list."""
        aid = num.abstract
        for _ in range(3):
            link = self.style_link.get(aid)
            target = self.nums.get(self._style_numpr(link)[0] or "") if link else None
            if target is None:
                break
            aid = target.abstract
        return aid

    def label(self, paragraph: object) -> str:
        """The number Word shows before `paragraph` ("一、", "（二）", "3."), or ""; advances the list's counters."""
        ppr = paragraph.find(f"{W}pPr")  # type: ignore[attr-defined]
        style = _val(ppr, f"{W}pStyle")
        numpr = ppr.find(f"{W}numPr") if ppr is not None else None
        num_id, ilvl = self._style_numpr(style)
        if numpr is not None:
            direct_id, direct_lvl = _val(numpr, f"{W}numId"), _val(numpr, f"{W}ilvl")
            num_id = direct_id or num_id
            ilvl = int(direct_lvl) if direct_lvl and direct_lvl.isdigit() else ilvl
        if not num_id or num_id == "0" or num_id not in self.nums:
            return ""
        num = self.nums[num_id]
        aid = self._abstract_of(num)
        levels = {**self.abstract.get(aid, {}), **num.levels}
        if ilvl is None:  # a style linked to a level of the list names no ilvl: the level names the style
            ilvl = next((i for i, lv in levels.items() if style and lv.style == style), 0)
        level = levels.get(ilvl)
        if level is None:
            return ""
        counters = self.counters.setdefault(aid, {})
        if num_id not in self.started:
            self.started.add(num_id)
            for i, start in num.starts.items():  # startOverride: this list instance starts afresh
                counters[i] = start - 1
        value = counters[ilvl] + 1 if ilvl in counters else level.start
        counters[ilvl] = value
        for deeper in [i for i in counters if i > ilvl]:
            rule = levels[deeper].restart if deeper in levels else None
            if rule is None or (rule != 0 and ilvl < rule):
                del counters[deeper]
        if level.fmt == "bullet":
            return ""

        def number(match: re.Match[str]) -> str:
            k = int(match.group(1)) - 1
            lv = levels.get(k, Level())
            fmt = "decimal" if level.legal and k != ilvl else lv.fmt
            return "" if fmt == "none" else format_number(counters.get(k, lv.start), fmt)

        return re.sub(r"%([1-9])", number, level.text)


# --- paragraphs and tables ------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Fields:
    """Open complex fields (fldChar begin … separate … end): the result of a PAGE field is not text."""

    stack: list[list[str]] = field(default_factory=list)  # [instruction, phase]

    @property
    def hidden(self) -> bool:
        for instruction, phase in self.stack:
            match = FIELD_INSTR_RE.match(instruction)
            if phase == "instr" or (match and match.group(1) in PAGE_FIELDS):
                return True
        return False


def _inline_text(el: object, out: list[str], boxes: list[object], fields: _Fields) -> None:
    for child in el:  # type: ignore[attr-defined]
        tag = child.tag
        if not isinstance(tag, str) or tag in SKIPPED:
            continue
        if tag == W_T:
            if not fields.hidden:
                out.append(child.text or "")
        elif tag == f"{W}fldChar":
            kind = child.get(f"{W}fldCharType")
            if kind == "begin":
                fields.stack.append(["", "instr"])
            elif kind == "separate" and fields.stack:
                fields.stack[-1][1] = "result"
            elif kind == "end" and fields.stack:
                fields.stack.pop()
        elif tag == f"{W}instrText":
            if fields.stack:
                fields.stack[-1][0] += child.text or ""
        elif tag == f"{W}fldSimple":
            match = FIELD_INSTR_RE.match(child.get(f"{W}instr", ""))
            if not (match and match.group(1) in PAGE_FIELDS):
                _inline_text(child, out, boxes, fields)
        elif tag == f"{W}tab" or tag == f"{W}ptab":
            if not fields.hidden:
                out.append("\t")
        elif tag in (f"{W}br", f"{W}cr"):
            out.append("\n")
        elif tag == f"{W}noBreakHyphen":
            out.append("-")
        elif tag == f"{W}txbxContent":
            boxes.append(child)  # a text box: its paragraphs become lines of their own
        else:
            _inline_text(child, out, boxes, fields)  # runs, hyperlinks, insertions, drawings holding text boxes


class _Walker:
    def __init__(self, numbering: Numbering) -> None:
        self.numbering = numbering
        self.fields = _Fields()
        self.paragraphs = 0
        self.tables = 0

    def paragraph(self, p: object, origin: str | None = None) -> Iterator[tuple[str, str]]:
        """The paragraph's lines (a soft break starts a new one), its list number in front, text boxes first."""
        label = self.numbering.label(p)
        out: list[str] = []
        boxes: list[object] = []
        _inline_text(p, out, boxes, self.fields)
        if origin is None:
            self.paragraphs += 1
            origin = f"段落 {self.paragraphs}"
        for box in boxes:
            for inner in box.iterfind(f"{W}p"):  # type: ignore[attr-defined]
                yield from self.paragraph(inner, origin)
        text = "".join(out)
        if label and text.strip():
            # "一、" "（一）" "1." "①" are followed by the text at once; "第一条" and "1.1" by a space
            text = label + (" " if label[-1] in SPACED_AFTER or label[-1].isascii() and label[-1].isalnum()
                            else "") + text.lstrip()
        for line in text.split("\n"):
            yield line, origin

    def blocks(self, container: object) -> Iterator[tuple[str, str]]:
        for child in container:  # type: ignore[attr-defined]
            tag = child.tag
            if tag == W_P:
                yield from self.paragraph(child)
            elif tag == W_TBL:
                yield from self.table(child)
            elif tag in TRANSPARENT:
                yield from self.blocks(child)

    def cell_text(self, tc: object) -> str:
        parts = []
        for child in _children(tc, {W_P, W_TBL}):
            lines = self.paragraph(child, "") if child.tag == W_P else self.table(child)  # type: ignore[attr-defined]
            parts.extend(" ".join(line.split()) for line, _ in lines)
        return " ".join(p for p in parts if p).replace("|", "/")

    def table(self, tbl: object) -> Iterator[tuple[str, str]]:
        self.tables += 1
        number = self.tables
        grid = len(tbl.findall(f"{W}tblGrid/{W}gridCol"))  # type: ignore[attr-defined]
        above: dict[int, str] = {}  # grid column → text of the cell that a vMerge continues
        rows: list[tuple[list[str], int]] = []
        for tr in _children(tbl, {W_TR}):
            trpr = tr.find(f"{W}trPr")  # type: ignore[attr-defined]
            before = int(_val(trpr, f"{W}gridBefore") or 0)
            column, cells, count = before, [""] * before, 0
            for tc in _children(tr, {W_TC}):
                tcpr = tc.find(f"{W}tcPr")  # type: ignore[attr-defined]
                span = int(_val(tcpr, f"{W}gridSpan") or 1)
                vmerge = tcpr.find(f"{W}vMerge") if tcpr is not None else None
                if vmerge is not None and vmerge.get(W_VAL) != "restart":
                    text = above.get(column, "")
                else:
                    text = self.cell_text(tc)
                    above[column] = text
                cells.extend([text] + [""] * (span - 1))
                column += span
                count += 1
            rows.append((cells, count))
            grid = max(grid, len(cells))
        for index, (cells, count) in enumerate(rows, start=1):
            origin = f"表格 {number} 第 {index} 行"
            if grid <= LAYOUT_TABLE_COLUMNS or count == 1:
                yield from ((cell, origin) for cell in cells if cell)
            elif any(cells):
                yield "| " + " | ".join(cells + [""] * (grid - len(cells))) + " |", origin


def _children(el: object, tags: set[str]) -> Iterator[object]:
    """Children with one of `tags`, looking through content controls (w:sdt) and custom XML wrapped around them."""
    for child in el:  # type: ignore[attr-defined]
        if child.tag in tags:
            yield child
        elif child.tag in TRANSPARENT:
            yield from _children(child, tags)


def _check_package(data: bytes, name: str) -> None:
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise UnreadableFile(f"文件「{name}」是损坏的 Word 文档，无法读取，未导入。") from error
    total = sum(info.file_size for info in infos)
    body = max((info.file_size for info in infos if info.filename.startswith("word/document")), default=0)
    if total > MAX_UNPACKED_BYTES or body > MAX_DOCUMENT_XML_BYTES:
        raise UnreadableFile(
            f"文件「{name}」解压后过大（{total // (1024 * 1024)} MB），不像正常的 Word 公文，未导入。")


def read(data: bytes, *, name: str) -> SourceText:
    """A .docx's body as lines (see the module docstring), each with its origin ("段落 12", "表格 1 第 3 行")."""
    import docx  # python-docx; imported here so that reading text files never loads it

    _check_package(data, name)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises KeyError, ValueError, lxml errors… on a damaged package
        raise UnreadableFile(f"文件「{name}」是损坏的 Word 文档，无法读取，未导入。") from error
    try:
        numbering_el = document.part.numbering_part.element
    except (KeyError, NotImplementedError):
        numbering_el = None
    walker = _Walker(Numbering(numbering_el, document.styles.element))
    result = source_text(walker.blocks(document.element.body), fmt="docx")
    if not result.text:
        raise UnreadableFile(f"文件「{name}」是空的 Word 文档（正文没有文字），未导入。")
    check_text(result.text, name=name, where=result.origins)
    return result
