"""Split one gazette into its directives (文件).

A directive starts at its header: the issuer line (发文机关), the title lines (关于……的通知) and its 文号
(阳政发〔2023〕1号). Three kinds of line anchor a header:
- a line holding only the 文号 (also in brackets): the title is found by walking back from it, or below it in the
  red-header layout;
- a title line ending in its 文号, "……的通知（阳政发〔2024〕3号）" or "……的通知 阳政发〔2024〕3号", when a 主送 line
  follows or the line above ends the previous directive (a cited 文号 wrapped in running text is neither);
- no 文号 at all (pasted from a website, or printed without one): title line(s) that start with 关于/印发/转发 (or
  issuer + 关于) and end in a genre word, directly followed by a 主送 line of unit names ending in a colon. Such a
  directive has ``doc_number=""`` and the flag "no_doc_number". An attached plan's own title has no 主送 line
  under it, and a table-of-contents entry neither, so neither starts a directive.
The directive runs to just before the next header, so an attached plan, its annexes and any second signature block
belong to the directive that printed them. Cover, table of contents and back-cover lines belong to no directive.

Field conventions (README: extract contract):
- ``doc_number``: brackets unified to 〔〕, spaces removed, half-width digits: 阳政办函〔2021〕32号.
- ``title``: the full official title, issuer included, joined over its broken lines with the line-break spaces
  removed (spaces inside “quoted” phrases are kept), without the 文号: 阳泉市人民政府关于做好2023年安全生产工作的通知.
- ``title``, ``issuer`` and ``recipients`` use Chinese punctuation (（）：，); ``lines`` are plain
  ``normalize_line`` output (half-width ASCII) with Markdown markup removed.
- ``issuer``: the header's organisation (issuer line, or the title's leading name); when the header names none, the
  signature block's (落款).
- ``issued_on``: the signed date (成文日期); for a 印发 notice, the notice's own date, which precedes the plan.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date

from .normalize import chinese_to_int, normalize_line, source_lines, strip_markup
from .results import ParsedDocument, SourceLine
from .tables import UNIT_HEADER_LINE_RE, UNIT_HEADER_MAX

_CJK = "\u3400-\u9fff"

# A 文号: issuer abbreviation, year in brackets of any shape, serial number, 号. OCR puts spaces anywhere.
DOC_NUMBER_RE = re.compile(
    rf"(?P<prefix>[{_CJK}](?:\s?[{_CJK}]){{0,9}})\s*[〔\[［【(（]\s*(?P<year>\d{{4}})\s*[〕\]］】)）]\s*(?P<serial>\d{{1,4}})\s*号"
)
# A line holding nothing but a 文号 (the header anchor); a 文号 inside running text is never alone on its line.
DOC_NUMBER_LINE_RE = re.compile(rf"^{DOC_NUMBER_RE.pattern}$")

# 发文机关: an organisation name, alone on its line (header or signature).
ISSUER_RE = re.compile(
    rf"^(?P<issuer>[{_CJK}()（）]{{2,30}}?(?=[人办委管领局厅部中政])(?:人民政府办公室|人民政府办公厅|人民政府|办公室|"
    rf"办公厅|委员会|管委会|领导小组|局|厅|委|部|中心|政府))(?:文件)?$"
)
# Issuer and title printed on one line: "阳泉市人民政府 关于印发……的通知".
ISSUER_TITLE_RE = re.compile(
    rf"^(?P<issuer>[{_CJK}()（）]{{2,30}}?(?:人民政府办公室|人民政府办公厅|人民政府|办公室|办公厅|委员会|管委会|局|厅))"
    rf"\s*(?P<title>(?:关于|印发|转发).*)$"
)

_YEAR_DIGITS = "0-9〇○零OoΟ一二三四五六七八九"
_SMALL_NUMBER = "0-9一二三四五六七八九十"
DATE_RE = re.compile(
    rf"(?P<y>[{_YEAR_DIGITS}]{{4}})\s*年\s*(?P<m>[{_SMALL_NUMBER}]{{1,3}})\s*月\s*(?P<d>[{_SMALL_NUMBER}]{{1,3}})\s*日"
)
# The signed date line, possibly printed on one line with the signature or wrapped in brackets.
DATE_LINE_RE = re.compile(rf"^[(（]?(?:[{_CJK}()（）]{{2,30}}\s+)?{DATE_RE.pattern}[)）]?$")
PUBLICATION_NOTE_RE = re.compile(r"^[(（]?此件[^)）]{0,20}[)）]?$")

# Lines that cannot be part of a header: sentence ends, list/TOC leaders, dates, publication notes.
_HEADER_STOP_RE = re.compile(r"[。；;：:]$|\.{3,}|…{2,}|^附件|^附表|^[(（]?此件")

# Genre (文种) of a title, checked at its end, longest first.
_TITLE_KINDS: tuple[tuple[str, str], ...] = (
    ("补充通知", "通知"), ("通知", "通知"), ("通报", "通报"), ("报告", "报告"), ("实施意见", "意见"),
    ("意见", "意见"), ("决定", "决定"), ("批复", "批复"), ("复函", "函"), ("函", "函"), ("办法", "办法"),
    ("规定", "规定"), ("落实措施", "措施"), ("措施", "措施"), ("公告", "公告"), ("通告", "通告"),
    ("命令", "命令"), ("实施方案", "实施方案"), ("方案", "方案"),
)
# Genre of the document a 印发 notice publishes: the directive's kind is that of its attachment.
_ATTACHMENT_KINDS: tuple[tuple[str, str], ...] = (
    ("实施方案", "实施方案"), ("应急预案", "预案"), ("预案", "预案"), ("实施意见和若干措施", "意见"),
    ("实施意见", "意见"), ("意见", "意见"), ("实施细则", "细则"), ("细则", "细则"), ("办法", "办法"),
    ("规定", "规定"), ("规则", "规则"), ("条例", "条例"), ("制度", "制度"), ("若干政策", "政策"), ("政策", "政策"), ("若干措施", "措施"),
    ("措施", "措施"), ("行动计划", "计划"), ("计划", "计划"), ("规划", "规划"), ("任务", "任务"),
    ("方案", "方案"),
)
_KIND_SUFFIXES = tuple(suffix for suffix, _ in _TITLE_KINDS)

# A 文号 to embed (DOC_NUMBER_RE without its group names); unbracketed after a title, its abbreviation must carry
# no OCR space, or the end of the title would be taken for it.
_NUMBER = re.sub(r"\(\?P<\w+>", "(?:", DOC_NUMBER_RE.pattern)
_UNSPACED_NUMBER = rf"[{_CJK}]{{1,10}}\s*[〔\[［【(（]\s*\d{{4}}\s*[〕\]］】)）]\s*\d{{1,4}}\s*号"
# Title and 文号 on one line: "……的通知（阳政发〔2024〕3号）", "……的通知 阳政发〔2024〕3号". The title is greedy and
# must end in a genre word, so an abbreviation holding one (阳政办函) stays whole.
TITLE_DOC_NUMBER_RE = re.compile(
    rf"^(?P<title>.*(?:{'|'.join(_KIND_SUFFIXES)}))\s*"
    rf"(?:[(（]\s*(?P<bracketed>{_NUMBER})\s*[)）]|(?P<bare>{_UNSPACED_NUMBER}))$"
)
# A 文号 alone on its line but in brackets, under its title: "（阳政发〔2024〕3号）".
BRACKETED_DOC_NUMBER_LINE_RE = re.compile(rf"^[(（]\s*(?P<number>{DOC_NUMBER_RE.pattern})\s*[)）]$")
# 主送: unit names separated by 、，, the last one ending in a unit word ("如下：", "措施：" end a sentence instead).
_RECIPIENT_ITEM_RE = re.compile(rf"^[{_CJK}()（）]{{1,40}}$|^[xX×][{_CJK}]{{1,40}}$")  # "x海关": a masked place
_RECIPIENT_LAST_RE = re.compile(
    r"(?:政府|海关|单位|部门|企业|办事处|街道|管委会|委员会|常委会|委|局|办|厅|室|中心|公司|集团|银行|院|所|镇|乡|社区|村|"
    r"机构|学校|医院|部|处|组|会|队|站|行|社|校|馆|团|厂|场|区|县|市)$"
)
# Role labels ending in 单位 that head a list inside a task ("责任单位："), never a 主送 line.
_ROLE_LABEL_RE = re.compile(r"^(?:牵头|责任|配合|协办|主办|承办|参与|联系|督办|实施|抄送|主送|报送|成员)")
_APPOINTMENT_RE = re.compile(r"任免|任职|免职|任命|提名|职务")
# A 通报 bears tasks only when it ends with requirements (工作要求, 下一步, 整改); otherwise it reports results.
_REQUIREMENTS_RE = re.compile(
    r"^[一二三四五六七八九十]+、.{0,8}(要求|工作安排|整改|下一步)|立行整改|限期整改|^请(?:各|以上|相关|有关)"
    r"|^(?:下一步|下步|下阶段)[,，:：][^。]{0,30}[要须应]"  # "下一步,各牵头单位要…": the next steps it asks for
    r"|(?<=[\u4e00-\u9fff])(?:牵头|责任)(?:责任)?(?:单位|部门)[:：][^。;；,，:：()（）〔〕]{2,60}$")  # (an item headed by its
# task and its unit label, "(二)社区食堂建设牵头单位:县民政局": the 通报 tracks that list's tasks)

# Back cover: gazette masthead and colophon fields after the last directive.
_COLOPHON_RE = re.compile(
    r"^(?:-{3,}|—{2,}|[A-Z ]{8,}|.{0,20}公报.{0,12}|(?:主办|主管|承办|编辑|出版|印刷|发行|地\s*址|邮\s*编|电\s*话|"
    r"传\s*真|网\s*址|刊\s*号|定\s*价|准印证|内部资料|投稿|E-?mail|邮\s*箱).{0,60})$",
    re.IGNORECASE,
)
_MASTHEAD_RE = re.compile(r"公报|^-{3,}$")
# Running headers and page numbers inside the body: "·区政府办公室文件· 4/2023 阳泉市城区人民政府公报", "- 12 -".
_PAGE_NUMBER_RE = re.compile(r"^(?:[-—–－]\s*\d{1,4}\s*[-—–－]|第\s*\d{1,4}\s*页(?:\s*共\s*\d+\s*页)?|\d{1,4}\s*/\s*\d{1,4})$")
_RUNNING_HEADER_RE = re.compile(r"^(?=.{0,60}$)(?=.*公报)(?=.*(?:·|\d{1,2}\s*/\s*\d{4}|第\s*\d+\s*期)).*$")

_BRACKETS = str.maketrans({"[": "〔", "［": "〔", "【": "〔", "(": "〔", "（": "〔",
                           "]": "〕", "］": "〕", "】": "〕", ")": "〕", "）": "〕"})
_CHINESE_PUNCT = str.maketrans({"(": "（", ")": "）", ",": "，", ":": "：", ";": "；"})
# A lone ! or ? is punctuation; a run of them ("北京市!!!通州区") is noise a page inserted, kept as written.
_LONE_MARK_RE = re.compile(r"(?<![!?])[!?](?![!?])")
_RECIPIENT_SPLIT_RE = re.compile(r"[、，,]")
_RECIPIENT_COMMA_RE = re.compile(r"[，,;；]")  # between kinds of recipient; 、 between the members of one
_CJK_CHAR = rf"[{_CJK}“”‘’《》〈〉（）()〔〕、，。：；！？—]"
_CJK_SPACE_RE = re.compile(rf"(?<={_CJK_CHAR})\s+|\s+(?={_CJK_CHAR})")
_QUOTED_RE = re.compile(r"“[^”]*”")


def normalize_doc_number(text: str) -> str:
    """阳政办发 [ 2023 ] 20 号 → 阳政办发〔2023〕20号."""
    compact = re.sub(r"\s+", "", normalize_line(text))
    return compact.translate(_BRACKETS)


_NOISE_FIRST = frozenset("-—–－第0123456789")  # the first characters a page number or a separator can have
_SEPARATOR_RE = re.compile(r"-{3,}")


def is_noise_line(text: str) -> bool:
    """Running headers, page numbers and separators that are not part of any directive's text."""
    if text[:1] in _NOISE_FIRST and (_PAGE_NUMBER_RE.match(text) or _SEPARATOR_RE.fullmatch(text)):
        return True
    return "公报" in text and _RUNNING_HEADER_RE.match(text) is not None


def parse_date(text: str) -> date | None:
    """The first date in a line: 2023年4月28日 or 二〇二三年四月二十八日."""
    m = DATE_RE.search(text)
    if not m:
        return None
    year_text = m["y"].translate(str.maketrans("OoΟ", "〇〇〇"))
    year, month, day = chinese_to_int(year_text), chinese_to_int(m["m"]), chinese_to_int(m["d"])
    if year is None or month is None or day is None:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _join_title(parts: Sequence[str]) -> str:
    """Title lines joined: line-break and OCR spaces next to CJK go, spaces inside “quotes” stay."""
    # A physical line break inside a title carries no space; a space inside one line is an earlier line break.
    text = "".join(p.strip() for p in parts if p.strip())
    kept: list[str] = []

    def hide(m: re.Match[str]) -> str:
        kept.append(m.group(0))
        return f"\x00{len(kept) - 1}\x00"

    text = _QUOTED_RE.sub(hide, text)
    text = _CJK_SPACE_RE.sub("", text)
    text = re.sub(r"\x00(\d+)\x00", lambda m: kept[int(m.group(1))], text)
    return _display(text)


def _display(text: str) -> str:
    """Chinese punctuation for display fields (title, issuer, recipients)."""
    text = text.translate(_CHINESE_PUNCT)
    if "!" in text or "?" in text:
        text = _LONE_MARK_RE.sub(lambda m: "！" if m.group() == "!" else "？", text)
    return re.sub(r"\s{2,}", " ", text).strip()


def _kind(title: str, doc_number: str) -> str:
    """The directive's genre, from its title; a 印发 notice takes the genre of what it publishes."""
    if _APPOINTMENT_RE.search(title) and ("任" in doc_number or title.endswith(("任免职务的通知", "免职的通知",
                                                                                 "任职的通知"))):
        return "任免"
    published = re.search(r"(?:印发|转发)(.+?)的?通知$", title)
    # "关于阳泉市……实施方案的通知" publishes a plan without saying 印发.
    carried = published or re.search(r"关于(.+?(?:方案|预案|办法|规定|意见|措施|计划))的通知$", title)
    if carried:
        inner = re.sub(r"[(（][^()（）]*[)）]$", "", carried.group(1).rstrip("的").strip("《》〈〉"))  # "方案（2019—2021年）"
        for suffix, kind in _ATTACHMENT_KINDS:
            if inner.endswith(suffix):
                return kind
        return "通知"
    for suffix, kind in _TITLE_KINDS:
        if title.endswith(suffix):
            return kind
    return "通知"


def _task_bearing(kind: str, body: Sequence[SourceLine]) -> bool:
    """Appointments, reports, approvals and replies assign no work; a 通报 does only when it sets requirements."""
    if kind in ("任免", "报告", "批复", "函"):
        return False
    if kind == "通报":
        return any(_REQUIREMENTS_RE.search(line.text) for line in body)
    return True


class _Header:
    __slots__ = ("start", "anchor", "issuer", "title_parts", "doc_number", "recipients_at", "issued_on")

    def __init__(self, start: int, anchor: int, issuer: str, title_parts: list[str], doc_number: str) -> None:
        self.start = start  # index into the cleaned lines
        self.anchor = anchor  # index of the header's last line (the 文号, or the title below it)
        self.issuer = issuer
        self.title_parts = title_parts
        self.doc_number = doc_number
        self.recipients_at = anchor + 1  # where the 主送 is looked for (above the title in an untitled notice)
        self.issued_on: date | None = None  # a date printed beside the 文号 under the title


_SPACES_RE = re.compile(r"\s+")


def _compact(text: str) -> str:
    """Letter-spaced OCR headings: "阳 泉 市 人 民 政 府" → "阳泉市人民政府"."""
    return _SPACES_RE.sub("", text)


def _ends_in_kind(text: str) -> bool:
    """The line ends in a genre word (通知, 意见, ……), letter-spaced or not: the last line of a title."""
    return text.endswith(_KIND_SUFFIXES) or (" " in text and _compact(text).endswith(_KIND_SUFFIXES))


def _find_header(lines: Sequence[SourceLine], anchor: int) -> _Header | None:
    """The header around a 文号 line: title above it (gazette layout) or below it (red-header layout)."""
    return _header_before(lines, anchor) or _header_after(lines, anchor)


def _header_after(lines: Sequence[SourceLine], anchor: int) -> _Header | None:
    """发文机关文件 / 文号 / title / 主送: the title follows the 文号."""
    above = ISSUER_RE.match(_compact(lines[anchor - 1].text)) if anchor > 0 else None
    parts: list[str] = []
    for j in range(anchor + 1, min(len(lines), anchor + 5)):
        text = lines[j].text
        if _HEADER_STOP_RE.search(text) or DATE_LINE_RE.match(text) or DOC_NUMBER_RE.search(text):
            break
        parts.append(text)
        if _compact(text).endswith(tuple(s for s, _ in _TITLE_KINDS)):
            break
    joined = _compact("".join(parts))
    if "关于" not in joined:
        return None
    embedded = re.match(r"^(.{2,30}?)关于", joined)
    if embedded and ISSUER_RE.match(embedded.group(1)):
        issuer = embedded.group(1)
    elif above is not None:
        issuer = above["issuer"]
    else:
        return None
    if above is None and not joined.endswith(tuple(s for s, _ in _TITLE_KINDS)):
        return None  # no red-header line: the 文号 heads the page only when a whole title "XX关于…的通知" follows
    if embedded and joined.startswith(issuer):
        parts = [_compact(p) for p in parts]
        parts[0] = parts[0][len(issuer):]
    start = anchor - 1 if above is not None else anchor
    header = _Header(start, anchor + len(parts), _display(issuer), parts, normalize_doc_number(lines[anchor].text))
    return header


def _header_before(lines: Sequence[SourceLine], anchor: int, *, doc_number: str = "",
                   tail: str = "") -> _Header | None:
    """Walk back from a 文号 line over the title lines to the issuer; None when no title precedes it.

    ``tail`` is the title text printed on the 文号's own line ("……的通知（阳政发〔2024〕3号）"), its last part."""
    doc_number = doc_number or normalize_doc_number(lines[anchor].text)
    title_parts: list[str] = []
    issuer = ""
    start = anchor
    for j in range(anchor if tail else anchor - 1, max(-1, anchor - 7), -1):
        text = tail if j == anchor else lines[j].text
        if j != anchor and (_HEADER_STOP_RE.search(text) or DATE_LINE_RE.match(text) or DOC_NUMBER_RE.search(text)):
            break
        if j != anchor and SITE_DEBRIS_RE.search(text):
            if title_parts:
                break
            continue  # a saved page's 来源/发布日期/点击数 between its title and the 文号
        issuer_only = ISSUER_RE.match(_compact(text))
        if issuer_only:
            if title_parts:
                issuer, start = issuer_only["issuer"], j
            break  # an issuer right above the 文号: red-header layout, the title follows
        combined = ISSUER_TITLE_RE.match(text)
        if combined:
            issuer, start = combined["issuer"], j
            title_parts.insert(0, combined["title"])
            break
        title_parts.insert(0, text)
        start = j
        if re.match(r"^(关于|印发|转发)", text):
            # No issuer line of its own: it may head the line, or sit on the line just above.
            above = ISSUER_RE.match(_compact(lines[j - 1].text)) if j > 0 else None
            if above:
                issuer, start = above["issuer"], j - 1
            break
    if not title_parts:
        return None
    joined = "".join(title_parts)
    if not issuer:
        embedded = re.match(rf"^([{_CJK}()（）]{{2,30}}?(?:人民政府办公室|人民政府|办公室|办公厅|委员会|局))关于", joined)
        if embedded:
            issuer = embedded.group(1)
            title_parts[0] = title_parts[0][len(issuer):] if title_parts[0].startswith(issuer) else title_parts[0]
    if "关于" not in joined and not joined.endswith(tuple(s for s, _ in _TITLE_KINDS)):
        return None
    return _Header(start, anchor, _display(issuer), title_parts, doc_number)


def _title_and_number(text: str) -> tuple[str, str] | None:
    """A title line ending in its 文号 → (title, normalised 文号); None for any other line."""
    if len(text) > 200:  # a paragraph that happens to end in 号
        return None
    m = TITLE_DOC_NUMBER_RE.match(text)
    if m is None:
        return None
    title, number = m["title"], m["bracketed"] or m["bare"]
    head, space, rest = title.rpartition(" ")
    if m["bare"] and space and head.endswith(_KIND_SUFFIXES) and re.fullmatch(rf"[{_CJK}]{{1,9}}", rest):
        title, number = head, rest + number  # "……的通知 晋政办函字〔2024〕1号": that 函 belongs to the 文号
    if _HEADER_STOP_RE.search(title) or re.search(r"[。；;：:]", title):
        return None
    return title.rstrip(), normalize_doc_number(number)


def _title_line_header(lines: Sequence[SourceLine], i: int) -> _Header | None:
    """A header whose 文号 closes a title line, or sits in brackets alone under its title.

    Either shape also occurs where running text cites a document, so the header must be confirmed: a 主送 line
    follows it, or the line above it ends the previous directive (signed date, publication note, page furniture,
    a finished sentence) or there is none."""
    text = lines[i].text
    bracketed = BRACKETED_DOC_NUMBER_LINE_RE.match(text)
    if bracketed:
        if i == 0 or _inside_sentence(lines, i) or not _ends_in_kind(lines[i - 1].text):
            return None
        header = _header_before(lines, i, doc_number=normalize_doc_number(bracketed["number"]))
    else:
        split = _title_and_number(text)
        if split is None:
            return None
        header = _header_before(lines, i, doc_number=split[1], tail=split[0])
    if header is None or not _compact(header.title_parts[0]).startswith(("关于", "印发", "转发")):
        return None
    if _recipients_end(lines, i + 1) is None and not _ends_directive(lines, header.start - 1):
        return None
    return header


def _ends_directive(lines: Sequence[SourceLine], i: int) -> bool:
    """Line i closes whatever came before a header: no line at all, a signed date, a publication note, page
    furniture, a masthead, a finished sentence."""
    if i < 0:
        return True
    text = lines[i].text
    return bool(DATE_LINE_RE.match(text) or PUBLICATION_NOTE_RE.match(text) or text.endswith(("此件公开发布)", "。"))
                or is_noise_line(text) or _MASTHEAD_RE.search(text))


def _is_recipient_list(text: str) -> bool:
    """主送 without its colon: unit names separated by 、，, the last ending in a unit word."""
    text = text.rstrip("、，,")  # "局属各单位、各科室、：": a separator left before the colon
    if not text or len(text) > 150:
        return False
    items = _RECIPIENT_SPLIT_RE.split(text)
    items[-1] = re.sub(r"[(（][^()（）]{1,10}[)）]$", "", items[-1])  # "市级有关部门（单位）"
    return (all(_RECIPIENT_ITEM_RE.match(item) and not _ROLE_LABEL_RE.match(item) for item in items)
            and bool(_RECIPIENT_LAST_RE.search(items[-1])))


def _recipients_end(lines: Sequence[SourceLine], begin: int) -> int | None:
    """Index of the colon line closing a 主送 block of 1–3 lines that starts at begin; None when there is none."""
    for i in range(begin, min(len(lines), begin + 3)):
        text = lines[i].text
        if text[-1] in ":：":
            joined = "".join(_compact(lines[j].text) for j in range(begin, i + 1))[:-1]
            return i if _is_recipient_list(joined) else None
        if re.search(r"[。；;:：]", text):
            return None
    return None


def _unnumbered_header(lines: Sequence[SourceLine], colon: int) -> _Header | None:
    """A header without 文号: title line(s) directly above a 主送 block that ends at line ``colon``."""
    for begin in range(colon, max(0, colon - 3), -1):
        if begin < colon and re.search(r"[。；;:：]", lines[begin].text):
            return None
        if not _ends_in_kind(lines[begin - 1].text):
            continue
        if _recipients_end(lines, begin) == colon:
            return _title_above(lines, begin)
    return None


def _title_above(lines: Sequence[SourceLine], begin: int) -> _Header | None:
    """Up to four title lines ending just above line begin, the first starting with 关于/印发/转发 or an issuer and
    关于, with an optional issuer line above; None when they do not start that way (an attached plan's title)."""
    parts: list[str] = []
    for j in range(begin - 1, max(-1, begin - 5), -1):
        text = lines[j].text
        if _HEADER_STOP_RE.search(text) or DATE_LINE_RE.match(text) or DOC_NUMBER_RE.search(text) \
                or is_noise_line(text):
            return None
        compact = _compact(text)
        parts.insert(0, text)
        if compact.startswith(("关于", "印发", "转发")):
            above = ISSUER_RE.match(_compact(lines[j - 1].text)) if j > 0 else None
            if above:
                return _Header(j - 1, begin - 1, _display(above["issuer"]), parts, "")
            return _Header(j, begin - 1, "", parts, "")
        combined = ISSUER_TITLE_RE.match(compact)
        if combined:
            parts[0] = combined["title"]
            return _Header(j, begin - 1, _display(combined["issuer"]), parts, "")
    return None


def _inside_sentence(lines: Sequence[SourceLine], i: int) -> bool:
    """A cited 文号 that a hard wrap left alone on its line: "（" before it or "）" after it."""
    before = lines[i - 1].text if i > 0 else ""
    after = lines[i + 1].text if i + 1 < len(lines) else ""
    return before.endswith(("(", "（", "《", "、", "和", "及", "与")) or after.startswith((")", "）", "，", ",", "。", "、", "精神", "文件"))


def _has_body(lines: Sequence[SourceLine], begin: int, end: int) -> bool:
    """A directive has sentences; a table-of-contents entry has none before the next entry."""
    return any(re.search(r"[。：:；;]", lines[i].text) for i in range(begin, min(end, begin + 40)))


def _colophon_start(lines: Sequence[SourceLine], after: int) -> int:
    """Index of the first back-cover line at the end of the file (len(lines) when there is none)."""
    start = len(lines)
    while start - 1 > after and _COLOPHON_RE.match(lines[start - 1].text):
        start -= 1
    if start < len(lines) and not any(_MASTHEAD_RE.search(lines[i].text) for i in range(start, len(lines))):
        return len(lines)  # a trailing "电话：" line of the last directive, not a back cover
    return start


_DATE_ONLY_RE = re.compile(r"^\s*(?:19|20)\d{2}(?:[-./]\d{1,2}[-./]\d{1,2}|年\d{1,2}月\d{1,2}日)\s*$")


_DIGIT_OR_NUMBER_RE = re.compile(r"[\d〔]")


def _unlabelled_meta_row(text: str) -> bool:
    """A page's data printed without colons: "索 引 号  0150… 发布机构  州政府", "文  号  X〔2020〕91号"."""
    if "。" in text or text.rstrip().endswith((":", "：")):
        return False
    compact = re.sub(r"\s+", "", text)
    return compact.startswith(_META_LABEL_STARTS) and len(compact) > 6 and bool(_DIGIT_OR_NUMBER_RE.search(compact))


def _recipients(lines: Sequence[SourceLine], begin: int, end: int) -> tuple[str, ...]:
    """主送: the line(s) after the 文号 up to the first colon, split on 、，. A title or 文号 printed again, page
    furniture or a metadata line between the header and the 主送 is passed over."""
    repeats = 0
    while True:
        if begin >= end:
            return ()
        text = lines[begin].text
        furniture = SITE_DEBRIS_RE.search(text) or _is_meta_line(text) or is_noise_line(text) \
            or _DATE_ONLY_RE.match(text) or _unlabelled_meta_row(text)  # a page's publication date, its data
        if not furniture:
            if text.endswith((":", "：")) or not (_ends_in_kind(text.strip("《》")) or DOC_NUMBER_LINE_RE.match(text)):
                break
            repeats += 1
            if repeats > 2:
                return ()
        begin += 1
    parts: list[str] = []
    for i in range(begin, min(end, begin + 3)):
        text = lines[i].text
        parts.append(text)
        if text.endswith((":", "：")):
            joined = "".join(parts)[:-1].rstrip("、，,")
            if "。" in joined or len(joined) > 120 or DATE_RE.search(joined) or not _is_recipient_list(_compact(joined)):
                return ()  # "为做好防汛工作，现通知如下：" opens the body of a directive sent to no one in particular
            names: list[str] = []
            for group in _RECIPIENT_COMMA_RE.split(joined):
                pieces = [_display(re.sub(r"\s+", "", p)) for p in _outside_brackets_split(group, "、")]
                pieces = [p for p in pieces if p]
                if any(len(p) < 3 or _BARE_LEVEL_RE.match(p) for p in pieces) or _each_shared(pieces):
                    # "各市、特区、区人民政府", "市人民政府各委、办、局": one group whose parts are no names of their own
                    names.append("、".join(pieces))
                    continue
                places: list[str] = []  # "长春市、吉林市、珲春市长吉图办": places sharing the body named after them
                for piece in pieces:
                    if _BARE_PLACE_RE.match(piece):
                        places.append(piece)
                        continue
                    if places and not _PLACED_BODY_RE.match(piece):
                        names.extend(places)
                        places = []
                    both = _RECIPIENT_AND_RE.match(piece)  # "永吉县发改局及财政局": two
                    first, *rest = both.groups() if both else (piece,)
                    names.extend(["、".join([*places, first]), *rest])
                    places = []
                names.extend(places)
            return tuple(dict.fromkeys(names))
        if re.search(r"[。；;]", text):
            return ()
    return ()


_BARE_PLACE_RE = re.compile(rf"^[{_CJK}]{{1,6}}(?:省|市|州|县|区|盟|旗)$")
_BARE_LEVEL_RE = re.compile(r"^各?[省市县区州盟旗乡镇][(（][^()（）]{1,8}[)）]$")  # "各市（州）、县（市、区）人民政府"
_PLACED_BODY_RE = re.compile(rf"^[{_CJK}]{{2,6}}?(?:省|市|州|县|区|盟|旗)[{_CJK}]{{2,}}")
_RECIPIENT_AND_RE = re.compile(r"^(.{3,}?(?:局|委|办|厅|[)）]))及(.{2,}(?:局|委|办|厅))$")


# A recipient that has no scope of its own and so shares the 各 opening the group before it: a level's government
# ("各盟行政公署、市人民政府": each 市's), a kind of body ("各大企业、事业单位").
_EACH_SHARED_RE = re.compile(r"^[市县区州盟旗乡镇](?:人民政府|政府|行政公署)$|^[^各省市县区州盟旗乡镇直]{2,4}(?:单位|机构)$")


def _each_shared(pieces: list[str]) -> bool:
    """A 、 list opened by a 各 group whose later pieces name no scope of their own: one group, as written."""
    return len(pieces) > 1 and pieces[0].startswith("各") and all(_EACH_SHARED_RE.match(p) for p in pieces[1:])


def _outside_brackets_split(text: str, sep: str) -> list[str]:
    """Split at `sep` where it is not inside brackets: "各市（州）、县（市、区）人民政府" → 2 pieces."""
    parts, depth, begin = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            depth = max(0, depth - 1)
        elif ch == sep and depth == 0:
            parts.append(text[begin:i])
            begin = i + 1
    parts.append(text[begin:])
    return parts


def _issued_on(lines: Sequence[SourceLine], begin: int, end: int) -> tuple[date | None, tuple[str, ...], str]:
    """The signed date: the first date line next to a signature or publication note, else the first date line;
    with the signing organisation (落款) when one stands next to that date."""
    first: date | None = None
    for i in range(begin, end):
        text = lines[i].text
        if not DATE_LINE_RE.match(text):
            continue
        found = parse_date(text)
        if found is None:
            continue
        near = [lines[j].text for j in range(max(begin, i - 2), min(end, i + 3)) if j != i]
        if any(ISSUER_RE.match(t) or PUBLICATION_NOTE_RE.match(t) or t.endswith("此件公开发布)") for t in near) \
                or ISSUER_RE.match(text.split(" ")[0]):
            flags: tuple[str, ...] = ()
            if i + 1 < end and ISSUER_RE.match(lines[i + 1].text) and not (i > begin and ISSUER_RE.match(
                    lines[i - 1].text)):
                flags = ("date_before_signature",)
            # The signer: above the date, on its line, or (date_before_signature) below it.
            candidates = [lines[j].text for j in (i - 1, i - 2) if j >= begin] + [text.split(" ")[0]] + \
                [lines[j].text for j in (i + 1, i + 2) if j < end]
            signer = next((m["issuer"] for t in candidates if (m := ISSUER_RE.match(_compact(t)))), "")
            return found, flags, signer
        if first is None:
            first = found
    return first, (() if first else ("no_issued_on",)), ""


def _similar(a: Sequence[SourceLine], b: Sequence[SourceLine]) -> float:
    """Character-bigram Jaccard similarity of two bodies."""
    def grams(lines: Sequence[SourceLine]) -> set[str]:
        text = "".join(line.text for line in lines)
        return {text[i:i + 2] for i in range(len(text) - 1)}

    ga, gb = grams(a), grams(b)
    return len(ga & gb) / len(ga | gb) if ga and gb else 0.0


def split_documents(
    text: str, *, file: str, metadata: Mapping[str, str] | None = None
) -> list[ParsedDocument]:
    """Every directive of one gazette, in order, with its header fields and source lines.

    `metadata` (doc_number, title, issuer, issued_on, index_no) is what the file's container states outside the
    body; it fills the fields of a file that holds one directive.
    """
    lines = [s if (clean := strip_markup(s.text)) == s.text else SourceLine(s.number, clean)
             for s in source_lines(text)]  # (most lines carry no markup: keep them rather than copy them)
    lines = split_run_on(_without_page_chunks([s for s in lines if s.text]))
    meta = _checked_metadata({**inline_metadata(lines), **(metadata or {})})
    headers: list[_Header] = []
    for i, line in enumerate(lines):
        text = line.text
        last = text[-1]  # every anchor is told by its last character first: most lines are none
        header = None
        if last == "号" and DOC_NUMBER_LINE_RE.match(text):
            if not _inside_sentence(lines, i):
                header = _find_header(lines, i)
        elif last == "号" or (last == ")" and text.endswith("号)")):
            header = _title_line_header(lines, i)
        elif last in ":：" and i > 0 and len(text) <= 150:  # a 主送 line is short; "……通知如下：" often is not
            header = _unnumbered_header(lines, i)
        if header is not None and (not headers or header.start > headers[-1].anchor):
            headers.append(header)
    # Drop anchors with no body before the next one: table-of-contents entries laid out like headers.
    kept: list[_Header] = []
    for n, header in enumerate(headers):
        nxt = headers[n + 1].start if n + 1 < len(headers) else len(lines)
        if _has_body(lines, header.anchor + 1, nxt):
            kept.append(header)
    headers = kept
    if not headers:
        single = _single_directive_header(lines, meta)
        if single is None:
            return []
        headers = [single]
    tail = _colophon_start(lines, headers[-1].anchor)
    documents: list[ParsedDocument] = []
    for n, header in enumerate(headers):
        end = headers[n + 1].start if n + 1 < len(headers) else tail
        while end - 1 > header.anchor and (is_noise_line(lines[end - 1].text) or (
                len(lines[end - 1].text) <= TRAILING_DEBRIS_MAX and SITE_DEBRIS_RE.search(lines[end - 1].text))):
            end -= 1  # page number / running header between two directives; a saved page's 分享到/打印本页 after one
        body = lines[header.anchor + 1:end]
        own = [s for s in lines[header.start:end] if not is_noise_line(s.text)]
        issued_on, flags, signer = _issued_on(lines, header.anchor + 1, end)
        if issued_on is None and header.issued_on is not None:
            issued_on, flags = header.issued_on, tuple(f for f in flags if f != "no_issued_on")
        recipients = _recipients(lines, header.recipients_at, end)
        issuer = header.issuer or _display(signer)
        title_core = _join_title(header.title_parts)
        # the issuer heads a notice's title ("XX人民政府关于…的通知"), not a plan's ("…任务分解方案")
        prefixed = bool(issuer) and title_core.startswith(("关于", "印发", "转发")) and not title_core.startswith(issuer)
        title = issuer + title_core if prefixed else title_core
        kind = _kind(title, header.doc_number)
        if not header.doc_number:
            flags = ("no_doc_number", *flags)
        if not recipients:
            flags += ("no_recipients",)
        documents.append(ParsedDocument(
            file=file.replace("\\", "/").rsplit("/", 1)[-1],
            doc_number=header.doc_number,
            title=title,
            issuer=issuer,
            issued_on=issued_on,
            recipients=recipients,
            kind=kind,
            task_bearing=_task_bearing(kind, body),
            line_start=lines[header.start].number,
            line_end=lines[end - 1].number,
            lines=tuple(own),
            flags=flags,
        ))
    if len(documents) == 1 and meta:
        documents = [_with_metadata(documents[0], meta)]
    return _link_duplicates(documents)


def _with_metadata(doc: ParsedDocument, meta: Mapping[str, str]) -> ParsedDocument:
    """A file that is one directive: what its container states fills the fields its body lacks."""
    doc_number = doc.doc_number or normalize_doc_number(meta.get("doc_number", "")) if meta.get("doc_number") \
        else doc.doc_number
    issuer = doc.issuer or _display(meta.get("issuer", ""))
    title = doc.title or _join_title([meta.get("title", "")])
    issued_on = doc.issued_on
    if issued_on is None and meta.get("issued_on"):
        issued_on = _meta_date(meta["issued_on"])
    flags = tuple(f for f in doc.flags if not (
        (f == "no_doc_number" and doc_number) or (f == "no_issued_on" and issued_on is not None)))
    if (doc_number, issuer, title, issued_on, flags) == (doc.doc_number, doc.issuer, doc.title, doc.issued_on, doc.flags):
        return doc
    return replace(doc, doc_number=doc_number, issuer=issuer, title=title, issued_on=issued_on, flags=flags,
                   kind=_kind(title, doc_number) if not doc.title else doc.kind)


def _meta_date(text: str) -> date | None:
    """"2024-02-22", "2024-02-22 00:00:00", "2024年02月22日" → a date; None otherwise."""
    m = re.match(r"\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", text)
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    return parse_date(text)


TRAILING_DEBRIS_MAX = 40  # a short line of page furniture (分享到, 打印本页) ending a saved page is none of its text


# --- files that hold one directive, as saved from a web page or a Word file -------------------------------------------

# A line saved with a web page's text that is no part of the directive: breadcrumbs, publication data, buttons.
SITE_DEBRIS_RE = re.compile(
    r"当前位置|您的位置|所在位置|>>|首页\s*>|>\s*正文|^\s*>\s*[^>]{1,12}>|^\s*(?:发布|更新|上传|浏览|点击|阅读|访问)(?:时间|日期|次数|量|数)?\s*[:：]|"
    r"来源\s*[:：]|浏览(?:次数|量)|字号\s*[:：]?\s*[大中小]|【\s*字体|打印(?:本页|此页)|关闭(?:窗口|本页)|分享到|复制链接|"
    r"^\s*(?:政策|文件|通知公告|政府文件|政策文件|政策法规)\s*$|^\s*(?:有效性|是否有效|时效|信息分类|主题分类|主题词|"
    r"内容概述|分\s*类|栏目)\s*[:：]|^\s*【?\s*字\s*[号体]|\.(?:docx?|pdf|wps|jpg|png)\b|由会员分享|^\s*\|\s*$"
)
_META_FIELDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("index_no", ("索引号",)),
    ("doc_number", ("发文字号", "发布文号", "文号")),
    ("title", ("文件名称", "名称", "标题")),
    ("issuer", ("发布机构", "发布机关", "发文机关", "发文单位", "发布部门", "制发机关", "发布单位", "发文机构")),
    ("issued_on", ("成文日期", "发文日期", "印发日期", "成文时间")),
)
META_OTHER_LABELS = ("信息分类", "生成日期", "是否有效", "有效性", "发布日期", "发布时间", "主题分类", "主题词", "内容概述",
               "分类", "时效", "公开方式", "公开范围", "体裁分类", "信息来源", "来源", "浏览次数", "公开时限",
               "所属类目", "体裁", "公开类别", "机构名称", "所属机构", "文件分类", "组配分类", "服务对象", "有效期")


def _spaced(word: str) -> str:
    return r"\s*".join(word)  # "文  号", "发 布 机 构": labels letter-spaced to align a table


_META_LABEL = "|".join(_spaced(w) for _, words in _META_FIELDS for w in words) + "|" + "|".join(
    _spaced(w) for w in META_OTHER_LABELS)
META_PAIR_RE = re.compile(
    rf"(?P<label>{_META_LABEL})\s*[:：]\s*\|?\s*(?P<value>.*?)\s*(?=\|?\s*(?:{_META_LABEL})\s*[:：]|\||$)"
)
# A pair of a page's data printed without a colon: the value runs to the next label ("成文日期 2022-03-19 发布机构").
_SPACED_PAIR_RE = re.compile(rf"(?P<label>{_META_LABEL})\s*(?P<value>\S.*?)\s*(?=(?:{_META_LABEL})|$)")
META_LINE_LIMIT = 30
_ALL_META_LABELS = frozenset(w for _, words in _META_FIELDS for w in words) | frozenset(META_OTHER_LABELS)  # a page's metadata block is printed above the directive
_META_LABEL_STARTS = tuple(sorted(w for w in _ALL_META_LABELS if len(w) >= 2))


_ISSUE_NUMBER_RE = re.compile(r"第[\d〇零一二三四五六七八九十百]{1,5}期$")


def inline_metadata(lines: Sequence[SourceLine]) -> dict[str, str]:
    """The metadata table a saved web page prints above the directive ("索 引 号: … 文 号: 苏政发〔2011〕164号",
    "名 称: | … |"): doc_number, title, issuer, issued_on, index_no; empty values are left out."""
    found: dict[str, str] = {}
    for line in lines[:META_LINE_LIMIT]:
        if "|" in line.text:  # a card of cells: "文件名称 | … | 成文日期: | 2022年09月14日 |"
            cells = [c.strip(" :：") for c in line.text.split("|")]
            for k, cell in enumerate(cells[:-1]):
                key = next((f for f, words in _META_FIELDS if _compact(cell) in words), None)
                value = next((c for c in cells[k + 1:k + 2] if c), "")
                if key and value and key not in found and _compact(value) not in _ALL_META_LABELS:
                    found[key] = value
        if ":" not in line.text and "：" not in line.text:
            if _unlabelled_meta_row(line.text):  # "发文日期 2022-04-08 成文日期 2022-03-19 发布机构 …"
                # (the signed date, 成文日期, before the day it was put online, 发文日期: the fields' word order)
                pairs = sorted((words.index(_compact(m["label"])), key, m["value"].strip())
                               for m in _SPACED_PAIR_RE.finditer(line.text) for key, words in _META_FIELDS
                               if key == "issued_on" and _compact(m["label"]) in words)
                for _, key, value in pairs:
                    found.setdefault(key, value)
            continue
        for m in META_PAIR_RE.finditer(line.text):
            label, value = _compact(m["label"]), m["value"].strip(" |")
            key = next((k for k, words in _META_FIELDS if label in words), None)
            if key and value and key not in found:
                found[key] = value
    return _checked_metadata(found)


def _checked_metadata(found: dict[str, str]) -> dict[str, str]:
    """A 文号 that is one ("文件分类:" read after an empty "文 号:" is not) and an issue date that is a date."""
    if "doc_number" in found:
        number = DOC_NUMBER_RE.search(found["doc_number"])
        if number is None and _ISSUE_NUMBER_RE.search(found["doc_number"]):
            found["doc_number"] = _compact(found["doc_number"])  # a bulletin's issue: "督察通报第十七期"
        elif number is None:
            del found["doc_number"]
        else:
            found["doc_number"] = number.group(0)
    if "issued_on" in found and _meta_date(found["issued_on"]) is None:
        del found["issued_on"]
    return found


def _is_meta_line(text: str) -> bool:
    if "|" in text and _compact(text.split("|")[0].strip(" :：•·")) in _ALL_META_LABELS:
        return True
    return bool(META_PAIR_RE.match(text.lstrip("|•· ")))


# A title: no sentence punctuation, ends in a genre word, maybe followed by its years "(2022—2024年)" or 文号.
_TITLE_TAIL_RE = re.compile(
    rf"(?:{'|'.join(_KIND_SUFFIXES)}|要点|清单|分工|分解|分解表|工作安排|安排|细则|计划|规划|任务|事项|重点工作|实事|大事"
    r"|项目|(?<!代)表|推进情况|进展情况|完成情况)"
    r"(?:\s*[(（][^()（）]{2,20}[)）])?\s*$"
)
_TITLE_STOP_RE = re.compile(r"[。;；!?！？]|[:：]\s*$|^附件|^[一二三四五六七八九十]{1,3}、|^[(（][一二三四五六七八九十\d]"
                            r"|^\d{1,2}[.、．](?!\d)")  # (an item of a list: "2.十方面民生实事责任分解" of 附件：1.…)
TITLE_SEARCH_LINES = 40
TEXT_ABOVE_TITLE_MIN = 60
# What an untitled directive says somewhere near its top: a duty, a request, a 主送's colon, a numbered item, a 文号.
# A table row's cell naming a unit ("| 县水务局 |"): the row is a task of that unit, as a sentence would be.
_UNIT_CELL_ROW_RE = re.compile(r"\|\s*[^|。,;:\s]{2,20}(?:局|委|办|厅|中心|政府|街道|乡镇|各乡|各镇)\s*\|")
_DIRECTIVE_SIGN_RE = re.compile(r"要求|务必|负责|牵头|落实|[要应须需]|请|[:：]$|^[一二三四五六七八九十]+、|^[(（][一二三四五六七八九十]|号$"
                                rf"|{_UNIT_CELL_ROW_RE.pattern}")  # sentences above a title that make them the body, not page debris
_TRAILING_NUMBER_RE = re.compile(rf"[(（]\s*({_NUMBER})\s*[)）]\s*$")


_PAGE_GENRES = ("政策解读", "文件解读", "解读")
_PAGE_GENRE_RE = re.compile(r"^(?:政策解读|文件解读|解读)\s*[:：|]\s*")


def _title_at(lines: Sequence[SourceLine], i: int) -> tuple[list[str], int] | None:
    """Title lines starting at line i (one to four, ending in a genre word) and the index of the last one."""
    parts: list[str] = []
    for j in range(i, min(len(lines), i + 4)):
        text = lines[j].text
        if text.startswith("《") and text.endswith("》") and text.count("《") == 1:
            text = text[1:-1]  # a page heading that quotes the title: "《……的通知》"
        if j == i and text.startswith(_PAGE_GENRES):
            text = _PAGE_GENRE_RE.sub("", text)  # "政策解读：…方案": the page's genre, then the title
        if _TITLE_STOP_RE.search(text) or len(text) > 120 or DATE_LINE_RE.match(text) or SITE_DEBRIS_RE.search(text) \
                or PUBLICATION_NOTE_RE.match(text):
            return None
        if j > i and (DOC_NUMBER_LINE_RE.match(text) or ISSUER_RE.match(_compact(text))):
            return None
        parts.append(text)
        compact = _compact("".join(parts))
        number = _title_and_number(text)
        if number is None:
            bracketed = _TRAILING_NUMBER_RE.search(text)  # "2021年县政府重点工作任务（华政发〔2021〕2号）"
            if bracketed and _TITLE_TAIL_RE.search(_compact(text[:bracketed.start()])):
                number = text[:bracketed.start()].rstrip(), normalize_doc_number(bracketed.group(1))
        if number is not None:
            parts[-1] = number[0]
            return parts, j
        if _TITLE_TAIL_RE.search(compact) and len(compact) >= 6:
            if compact.count("》") > compact.count("《"):
                return None  # the tail of a title broken inside its 《…》 (a centred title over two lines)
            if j + 1 < len(lines) and j + 1 < i + 4 and _continues_title(lines[j + 1].text):
                continue  # "关于落实《政府工作报告》重点工作" / "部门分工的意见": the genre word is on the next line
            return parts, j
    return None


# A news page's dateline under its headline: "2016-12-16 10:26 来源:…", "2015年01月23日 来源:".
# (a time or a source after the date: a signature's date under the issuer's name is none)
_DATELINE_RE = re.compile(r"^\s*(?:19|20)\d{2}(?:-\d{1,2}-\d{1,2}|年\d{1,2}月\d{1,2}日)"
                          r"\s+(?:\d{1,2}:\d{2}|[^\s:：]{0,6}(?:来源|作者|编辑|记者)\s*[:：])"
                          # the source first: "来源: 某某区政府办公室 时间: 2021-07-25"
                          r"|^\s*(?:信息)?来源\s*[:：][^:：]{1,40}?(?:发布)?(?:时间|日期)\s*[:：]\s*(?:19|20)\d{2}[-年]"
                          # a labelled date and time: "发布日期:2020-05-14 09:44 浏览次数:"
                          r"|^\s*(?:发布|更新)?(?:日期|时间)\s*[:：]\s*(?:19|20)\d{2}-\d{1,2}-\d{1,2}\s+\d{1,2}:\d{2}")
_FONT_BUTTONS_RE = re.compile(r"^\s*(?:字体|字号)\s*[:：]?\s*【?\s*[大中小]")
_HEADLINE_STOP_RE = re.compile(r"[。;；!?！？]|[:：]\s*$")


def _headline_at(lines: Sequence[SourceLine], i: int) -> tuple[int, list[str], int] | None:
    """A news report's headline (one or two short lines without sentence punctuation) right above its dateline:
    the title of a page whose heading ends in no genre word ("…项目确定", "…全完成了")."""
    for last in (i, i + 1):
        if last + 1 >= len(lines):
            continue
        below = lines[last + 1].text
        # the dateline, or the page's font buttons under a heading printed below the page's data
        if not (_DATELINE_RE.match(below) or (last == i and _FONT_BUTTONS_RE.match(below) and (
                i == 0 or re.sub(r"\s+", "", lines[i - 1].text).startswith(_META_LABEL_STARTS)
                or _is_meta_line(lines[i - 1].text)))):
            continue
        parts = [lines[k].text.strip() for k in range(i, last + 1)]
        if all(4 <= len(p) <= 60 and not _HEADLINE_STOP_RE.search(p) and not SITE_DEBRIS_RE.search(p)
               and not _is_meta_line(p) and not DATE_LINE_RE.match(p) and not ISSUER_RE.match(_compact(p))
               for p in parts):
            return i, ["".join(parts)], last
    return None


def _continues_title(text: str) -> bool:
    """A short line that ends a title: no sentence punctuation, ends in a genre word ("部门分工的意见")."""
    return len(text) <= 30 and not _TITLE_STOP_RE.search(text) and not DOC_NUMBER_LINE_RE.match(text) and \
        bool(_KIND_END_RE.search(text)) and text.endswith(_KIND_SUFFIXES)


_NUMBER_AND_DATE_RE = re.compile(r"^(?P<number>\S+号)\s+(?P<date>\S{6,16}日)$")  # "川府发〔2011〕8号 二○一一年三月十七日"


def _single_directive_header(lines: Sequence[SourceLine], meta: Mapping[str, str]) -> _Header | None:
    """The header of a file that holds one directive without the 文号 + title + 主送 block the splitter anchors on:
    a page saved from a government site (breadcrumbs, "发布时间：…来源：…" and a metadata table before the title), a
    plan published alone, a notice whose title is followed by neither. None when no title is found near the top or
    no sentence follows (a table of contents)."""
    meta_title = _compact(meta.get("title", ""))
    candidates: list[tuple[int, list[str], int]] = []
    for i in range(min(len(lines), TITLE_SEARCH_LINES)):
        text = lines[i].text
        if SITE_DEBRIS_RE.search(text) or _is_meta_line(text) or is_noise_line(text):
            continue
        found = _title_at(lines, i)
        if found is not None:
            candidates.append((i, *found))

    if not candidates:
        headline = next((found for i in range(min(len(lines), TITLE_SEARCH_LINES))
                         if (found := _headline_at(lines, i)) is not None), None)
        if headline is not None:
            candidates.append(headline)

    def rank(candidate: tuple[int, list[str], int]) -> tuple[int, int, int]:
        joined = _compact("".join(candidate[1]))
        formal = joined.startswith(("关于", "印发", "转发")) or bool(ISSUER_TITLE_RE.match(joined))
        return (0 if meta_title and joined == meta_title else 1 if formal else 2, len(candidate[1]), candidate[0])

    first_body = next((i for i, line in enumerate(lines[:TITLE_SEARCH_LINES]) if not (
        SITE_DEBRIS_RE.search(line.text) or _is_meta_line(line.text) or is_noise_line(line.text))), 0)
    best = min(candidates, key=rank) if candidates else None
    if meta_title and (best is None or (_compact("".join(best[1])) != meta_title and any(
            "。" in lines[k].text for k in range(first_body, best[0])))):
        best = None  # the body's first title is an attached plan's; the notice's own title is the page's
    if best is not None:
        start, parts, last = best
    else:  # the title only in the page's metadata, or nowhere: the directive starts after the page furniture
        start, parts, last = first_body, [meta.get("title", "")] if meta_title else [], first_body - 1
        if not meta_title and not any(_DIRECTIVE_SIGN_RE.search(lines[k].text)
                                      for k in range(first_body, min(len(lines), first_body + 60))):
            return None  # no title and nothing a directive says: a note, a report of the weather
    # a news page may print its heading after the report: sentences above the title are then the body
    text_above = best is not None and sum(len(lines[k].text) for k in range(first_body, start)
                                          if "。" in lines[k].text) >= TEXT_ABOVE_TITLE_MIN
    if not text_above and not any("。" in lines[k].text or ("|" in lines[k].text and _UNIT_CELL_ROW_RE.search(lines[k].text))
                                  or (len(lines[k].text) <= UNIT_HEADER_MAX and UNIT_HEADER_LINE_RE.match(lines[k].text))
                                  for k in range(last + 1, min(len(lines), last + 60))):
        return None  # no sentence below it (nor a task table: its unit column): a table of contents, a cover
    issuer = ""
    head = start
    above = ISSUER_RE.match(_compact(lines[start - 1].text)) if start > 0 else None
    doc_number = ""
    if above is not None and start > 0:
        issuer, head = above["issuer"], start - 1
    elif start > 1 and DOC_NUMBER_LINE_RE.match(lines[start - 1].text):  # red header: issuer / 文号 / title
        doc_number = normalize_doc_number(lines[start - 1].text)
        issuer_line = ISSUER_RE.match(_compact(lines[start - 2].text))
        if issuer_line is not None:
            issuer, head = issuer_line["issuer"], start - 2
        else:
            head = start - 1
    number = _title_and_number(lines[last].text) if last >= 0 else None
    trailing = _TRAILING_NUMBER_RE.search(lines[last].text) if last >= 0 and number is None else None
    if number is not None:
        doc_number = number[1]
    elif trailing is not None:
        doc_number = normalize_doc_number(trailing.group(1))
    anchor = last
    dated: date | None = None
    if anchor + 1 < len(lines):  # the 文号 alone (or bracketed, or with the date) under the title
        below = lines[anchor + 1].text
        bracketed = BRACKETED_DOC_NUMBER_LINE_RE.match(below)
        with_date = _NUMBER_AND_DATE_RE.match(below) if not bracketed and below[-1:] == "日" else None
        if DOC_NUMBER_LINE_RE.match(below) or bracketed:
            doc_number = normalize_doc_number(bracketed["number"] if bracketed else below)
            anchor += 1
        elif with_date is not None and DOC_NUMBER_LINE_RE.match(with_date["number"]):
            doc_number, dated = normalize_doc_number(with_date["number"]), parse_date(with_date["date"])
            anchor += 1
    joined = _compact("".join(parts))
    if not issuer:
        embedded = ISSUER_TITLE_RE.match(joined) or re.match(
            rf"^(?P<issuer>[{_CJK}()（）]{{2,30}}?(?:人民政府办公室|人民政府办公厅|人民政府|办公室|办公厅|委员会|管委会|局|厅))"
            r"(?P<title>(?:关于|印发|转发).*)$", joined)
        if embedded is not None:
            issuer, parts = embedded["issuer"], [embedded["title"]]
    header = _Header(head, max(anchor, head), _display(issuer), parts, doc_number)
    header.issued_on = dated
    if anchor < head:
        # no title line in the body: the 主送 may be its first line, or follow a page heading and its furniture
        header.recipients_at = next((k for k in range(head, min(len(lines), head + 8))
                                     if _recipients_end(lines, k) == k), head)
    notice = next((k for k in range(first_body, head) if _recipients_end(lines, k) == k), None)
    if notice is not None and notice < head:
        # an untitled notice above the plan it publishes ("各街道办事处：现将《…》印发给你们"): one directive
        header.start, header.recipients_at = notice, notice
        if not header.doc_number and notice > first_body and DOC_NUMBER_LINE_RE.match(lines[notice - 1].text):
            header.doc_number, header.start = normalize_doc_number(lines[notice - 1].text), notice - 1  # its 文号
        signed, _, signer = _issued_on(lines, notice, head)  # the notice's own signature, above the plan
        if signed is not None and header.issued_on is None:
            header.issued_on = signed
        if signer and not header.issuer:
            header.issuer = _display(signer)
    elif text_above:
        header.start = first_body
    return header


# --- lines that hold a whole page ---------------------------------------------------------------------------------------

RUN_ON_MIN = 200  # a line this long may be several paragraphs a web page or a PDF extraction ran together
# Where a run-on line holds a paragraph break: an outline marker after a finished sentence or a space, a space
# between two CJK characters (≥ RUN_ON_SPACES of them in the line), the end of a bracketed 文号 after a title.
# Forward patterns (a cut falls at the match's end): lookbehinds at every position are several times slower.
_RUN_ON_MARKER_RE = re.compile(
    r"(?:[。;!?]\s*|[”)]\s+|[\u4e00-\u9fff:]\s+)(?=(?:[一二三四五六七八九十]{1,3}、|"
    r"\([一二三四五六七八九十]{1,3}\)|\d{1,2}[.、](?!\d)|\(\d{1,2}\)|[①-⑳⑴-⒇]|第[一二三四五六七八九十百]+条|"
    r"[一二三四五六七八九十](?:是|要)(?![否求])))|[,:](?=一(?:是|要)(?![否求]))|"
    r"(?:[:)])(?=[一二三四五六七八九十]{1,3}、)"  # "…安排如下:一、…", "…(市食安办负责)二、…"
)
_RUN_ON_SPACE_RE = re.compile(r"[\u4e00-\u9fff。!?”][ \u3000]+(?=[\u4e00-\u9fff“(《])")
_RUN_ON_NUMBER_RE = re.compile(r"(?<=号\))\s*|(?<=号）)\s*|(?<=号)\s+(?=[\u4e00-\u9fff])")
RUN_ON_SPACES = 3
_RUN_ON_SIGNATURE_RE = re.compile(
    rf"(?<=[。!])[{_CJK}xX]{{2,30}}?(?=[委人政办局厅])(?:委员会|人民政府|政府|办公室|办公厅|局|厅)"
    r"(?P<date>(?:\d{4}|[xX]{4})年[\dxX]{1,2}月[\dxX]{1,2}日)")
ENUMERATED_MIN = 60  # shorter lines hold one item at most, unless they start with one ("(五)…。(六)…")
ITEMS_MIN = 20
TITLE_MIN = 8  # a title and its 主送 before a colon: "责任单位：" is none
_KIND_END_RE = re.compile("|".join(_KIND_SUFFIXES))


def _title_recipients_cut(text: str) -> int:
    """Where a title ends when its 主送 follows on the same line ("……的通知各市、县人民政府，省直各单位："); 0 if not."""
    colon = min((i for i in (text.find(":"), text.find("：")) if i > 0), default=-1)
    if colon < 0 or "。" in text[:colon]:
        return 0
    cut = 0  # the last genre word before the 主送 ("…安排的通知 市食品平安…支配的通知各区政府,…:")
    for m in _KIND_END_RE.finditer(text, 0, colon):
        title = text[:m.end()]
        if title.count("《") == title.count("》") and _is_recipient_list(_compact(text[m.end():colon])):
            cut = m.end()
    return cut
_LINE_ITEM_RE = re.compile(r"[(（][一二三四五六七八九十]{1,3}[)）]|[一二三四五六七八九十]{1,3}、|\d{1,2}[.、](?!\d)")
_ITEM_FIRST = frozenset("(（一二三四五六七八九十0123456789")
_SENTENCE_THEN_MARK_RE = re.compile(r"[。;!?]\s*(?:[(一二三四五六七八九十①-⑳⑴-⒇第]|\d{1,2}[.、])")
_MARK_HINT_RE = re.compile(r"[。;!?,:\s]\s*(?:[一二三四五六七八九十]{1,3}[、是要]|\(|\d{1,2}[.、]|[①-⑳⑴-⒇]|第)")
# The title and its 文号 opening a run-on page: "……的通知 (鄂州政办发〔2010〕10号)", not a cited "《…》(中发〔2020〕5号)".
_RUN_ON_TITLE_RE = re.compile(
    rf"(?:{'|'.join(_KIND_SUFFIXES)})\s*(?:[(（]\s*{_NUMBER}\s*[)）]|{_UNSPACED_NUMBER})\s*$"
)


# A document-sharing site's copy of a Word file: its pages, line breaks lost, are numbered "1、", "2、"… at the start
# of each chunk, whatever the text there ("2、二中、三中全会精神，…" goes on with a sentence of page 1).
_DOC_SHARE_RE = re.compile(r"由会员分享|珍藏版|文档分享|原创力文档|道客巴巴|豆丁网|人人文库|淘文阁|第壹文秘|文库网")
_PAGE_CHUNK_RE = re.compile(r"^(\d{1,3})、")


def _without_page_chunks(lines: list[SourceLine]) -> list[SourceLine]:
    """The page numbers of a document-sharing copy taken off its chunks (they number pages, not items)."""
    if not any(_DOC_SHARE_RE.search(line.text) for line in lines[:5]):
        return lines
    out, expected = [], 1
    for line in lines:
        m = _PAGE_CHUNK_RE.match(line.text)
        if m is not None and int(m.group(1)) == expected:
            expected += 1
            line = SourceLine(line.number, line.text[m.end():])
        out.append(line)
    return [line for line in out if line.text]


def split_run_on(lines: list[SourceLine]) -> list[SourceLine]:
    """Long lines cut at the paragraph breaks they hide; every piece keeps the line's number. A shorter line is cut
    only where it numbers two items or more after finished sentences ("…强调，一是…。二是…。")."""
    longer = [i for i, line in enumerate(lines) if len(line.text) >= ENUMERATED_MIN or (
        len(line.text) >= ITEMS_MIN and line.text[0] in _ITEM_FIRST and "。" in line.text[:-1])]
    if not longer:
        return lines
    out: list[SourceLine] = []
    done = 0
    for i in longer:
        out.extend(lines[done:i])  # the shorter lines between, as they are
        done = i + 1
        line = lines[i]
        text = line.text
        later = _SENTENCE_THEN_MARK_RE.search(text) if len(text) < RUN_ON_MIN else None
        # (a shorter line holds two items when it starts with one and another follows a sentence, or two follow)
        items = later is not None and (text[0] in _ITEM_FIRST and _LINE_ITEM_RE.match(text) is not None
                                       or _SENTENCE_THEN_MARK_RE.search(text, later.end()) is not None)
        if len(text) < RUN_ON_MIN and ":" not in text and "：" not in text and not items and not (
                "二是" in text or "二要" in text or ("日" in text and "。" in text and (
                    "委员会" in text or "政府" in text or "办公" in text))):
            out.append(line)  # the common case: nothing a shorter line may hide (a 主送, 一是…, a second item)
            continue
        colon = text.find(":")
        cut = _title_recipients_cut(text) if (colon >= TITLE_MIN or "：" in text) and "。" not in text[:colon] and (
            "关于" in text[:40] or "印发" in text[:40] or _KIND_END_RE.search(text, 0, 80)) else 0
        if cut:
            # a title and its 主送 run together (a PDF line joined to the next): "……的通知各市、县人民政府："
            out.append(SourceLine(line.number, text[:cut]))
            colon = min(i for i in (text.find(":", cut), text.find("：", cut)) if i > 0) if ":" in text[cut:] or \
                "：" in text[cut:] else -1
            if 0 < colon < len(text) - 1:  # the 主送 ends at its colon, the body follows
                out.append(SourceLine(line.number, text[cut:colon + 1]))
                cut = colon + 1
            line = SourceLine(line.number, text[cut:])
            text = line.text
        if len(text) >= RUN_ON_MIN:  # cheap: two numbered items may hide in the line
            first = _MARK_HINT_RE.search(text)
            numbered = first is not None and _MARK_HINT_RE.search(text, first.end()) is not None
        else:  # a shorter line: "…强调，一是…。二是…。", "(一)…。(二)…。" (a PDF's lines joined)
            numbered = ("二是" in text and "一是" in text) or ("二要" in text and "一要" in text) or items
        # a signature run into the text: "…反映。X市食品安全委员会2022年3月1日2022年…方案"
        signed = [m for m in _RUN_ON_SIGNATURE_RE.finditer(text)] if "日" in text and "。" in text and (
            len(text) >= RUN_ON_MIN or numbered or ("委员会" in text or "政府" in text or "办公" in text)) else []
        if len(text) < RUN_ON_MIN and not numbered and not signed:
            out.append(line)  # the common case
            continue
        cuts = {m.end() for m in _RUN_ON_MARKER_RE.finditer(text)} if numbered else set()
        for m in signed:
            cuts.update((m.start(), m.start("date"), m.end()))
        if len(text) < RUN_ON_MIN:
            # two items at least: two cuts, or one after the line's own item ("(一)…。(二)…", a PDF's lines joined)
            if len(cuts) < (1 if _LINE_ITEM_RE.match(text) else 2):
                out.append(line)
                continue
        else:
            spaces = [m for m in _RUN_ON_SPACE_RE.finditer(text)] if " " in text or "\u3000" in text else []
            if len(spaces) >= RUN_ON_SPACES:
                cuts.update(m.start() + 1 for m in spaces)
            head = text.find("。")
            head = RUN_ON_MIN if head < 0 else min(head, RUN_ON_MIN)
            if "号" in text[:head]:  # a title's 文号 before the first sentence: "……的通知 (鄂州政办发〔2010〕10号)"
                cuts.update(m.end() for m in _RUN_ON_NUMBER_RE.finditer(text, 0, head)
                            if _RUN_ON_TITLE_RE.search(text, 0, m.end()))
        pieces, begin = [], 0
        for cut in sorted(c for c in cuts if 0 < c < len(text)):
            pieces.append(text[begin:cut])
            begin = cut
        pieces.append(text[begin:])
        out.extend(SourceLine(line.number, piece.strip()) for piece in pieces if piece.strip())
    out.extend(lines[done:])
    return out


def _link_duplicates(documents: list[ParsedDocument]) -> list[ParsedDocument]:
    """The same text sent under two 文号 (e.g. one report to two recipients): the later one points to the first."""
    out: list[ParsedDocument] = []
    for doc in documents:
        twin = next((d for d in out if d.duplicate_of is None and d.issuer == doc.issuer and d.title == doc.title
                     and d.doc_number != doc.doc_number and _similar(d.lines[3:], doc.lines[3:]) >= 0.6), None)
        out.append(replace(doc, duplicate_of=twin.doc_number, flags=doc.flags + ("duplicate",)) if twin else doc)
    return out
