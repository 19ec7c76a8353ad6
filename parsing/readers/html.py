"""Web pages (.html/.htm, and .mht/.mhtml web archives) saved from a government site: the article alone, and the
page's metadata block read into SourceText.metadata.

- charset from the BOM, else the page's <meta> declaration (GB2312/GBK pages are read as GB18030, their superset),
  else UTF-8, else GB18030;
- the metadata table or list (索引号, 发布机构/发文机关, 文号/发文字号, 成文日期/发文日期, 发布日期/发布时间,
  标题/名称, 主题分类) → keys index_no, issuer, doc_number, issued_on (ISO), published_on (ISO: when the site put the
  page up, not the directive's date), title, topic; the block is then taken out of the page so it is not read as
  body text;
- table cells merged across rows (rowspan) are repeated in each row, cells merged across columns (colspan) followed
  by empty cells, as parsing.readers.docx does;
- the article is the element holding the page's text: a container the site marks as content (id/class zoom,
  TRS_Editor, article, content…) when it holds most of the text, else found by walking down from <body> while one
  child holds most of the text that is not link text (navigation, breadcrumb, related links and footers are short
  or links). Its paragraphs (p, div, br, li, h1–h6) become lines, table rows "| a | b | c |". (trafilatura was
  tried: it drops repeated lines — every "牵头单位：市城市管理局" after the first — and short headings);
- leftover page furniture lines (打印本页, 关闭窗口, 浏览次数, 字号 大 中 小, 分享到…) are dropped, and the title
  (when the article does not repeat it) becomes the first line.
"""
from __future__ import annotations

import copy
import email
import email.policy
import re
from datetime import date

from ..normalize import chinese_to_int, to_simplified
from ..results import SourceText
from ..segment import META_OTHER_LABELS
from .base import UnreadableFile, check_text, source_text
from .text import BOMS

CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.IGNORECASE)
# Page furniture that survives article extraction: print/close links, counters, font-size switches, sharing.
FURNITURE_RE = re.compile(
    r"打印本页|关闭窗口|【\s*打印\s*】|【\s*关闭\s*】|浏览次数|访问次数|阅读次数|点击数|字号\s*[:：]?\s*[\[【(（]?\s*大|"
    r"分享到|扫一扫|返回顶部|上一篇|下一篇|收藏本页|责任编辑|^当前位置|^您现在的位置"
)
FURNITURE_MAX_CHARS = 80
# Metadata labels (spaces inside them are common: "索 引 号") → SourceText.metadata keys, in order of preference.
META_LABELS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("index_no", ("索引号",)),
    ("issuer", ("发文机关", "发布机构", "发布机关", "发文单位", "发布单位", "发布部门", "制发机关", "发文机构",
                "成文单位")),
    ("doc_number", ("发文字号", "文号", "发文文号", "发布文号")),
    ("issued_on", ("成文日期", "发文日期", "印发日期", "签发日期", "成文时间")),
    # when the site put the page up, days to years after the directive was signed: never its issue date
    ("published_on", ("发布日期", "公开日期", "发布时间")),
    ("title", ("标题", "名称", "文件名称")),
    ("topic", ("主题分类", "主题词")),
)
_LABEL_KEYS = {label: key for key, labels in META_LABELS for label in labels}
_LABEL_RANK = {label: rank for _, labels in META_LABELS for rank, label in enumerate(labels)}
# Labels of fields not read (信息分类, 是否有效…): they end the value before them.
_OTHER_LABELS = tuple(label for label in META_OTHER_LABELS if label not in _LABEL_KEYS)
LABEL_RE = re.compile(
    r"(?P<label>" + "|".join(r"\s*".join(label) for label in sorted((*_LABEL_KEYS, *_OTHER_LABELS), key=len,
                                                                      reverse=True)) + r")"
    r"\s*[:：]\s*"
)
DATE_RE = re.compile(
    r"(?P<y>\d{4}|[〇○零一二三四五六七八九]{4})\s*[-年./]\s*(?P<m>\d{1,2}|[一二三四五六七八九十]{1,3})\s*[-月./]\s*"
    r"(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})"
)
TITLE_SEPARATORS_RE = re.compile(r"\s*(?:[_|｜]|--|—|-\s)\s*")
REMOVED_TAGS = ("script", "style", "noscript", "iframe", "object", "embed", "svg", "template", "select", "button",
                "input", "textarea")
MAX_SPAN = 100


def decode_page(data: bytes) -> tuple[str, str]:
    """(text, encoding) of an HTML page."""
    for mark, encoding in BOMS:
        if data.startswith(mark):
            return data.decode(encoding, errors="replace"), encoding
    declared = CHARSET_RE.search(data[:8192])
    candidates = []
    if declared:
        name = declared.group(1).decode("ascii", "ignore").lower()
        candidates.append("gb18030" if name in ("gb2312", "gbk", "gb18030", "x-gbk", "cp936") else name)
    candidates += ["utf-8", "gb18030"]
    for encoding in candidates:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("gb18030", errors="replace"), "gb18030"


def _mhtml_page(data: bytes, name: str) -> bytes:
    """The HTML part of a web archive (.mht/.mhtml), with its charset declared in a <meta> if it was in the MIME
    header only."""
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            if not isinstance(payload, bytes):
                break
            charset = part.get_content_charset()
            if charset and not CHARSET_RE.search(payload[:8192]):
                payload = f'<meta charset="{charset}">'.encode("ascii") + payload
            return payload
    raise UnreadableFile(f"文件「{name}」是网页存档（MHTML），但其中没有网页正文，未导入。")


def _iso_date(text: str) -> str | None:
    match = DATE_RE.search(text)
    if not match:
        return None
    year, month, day = (chinese_to_int(match.group(k)) for k in ("y", "m", "d"))
    try:
        return date(year, month, day).isoformat() if year and month and day else None
    except ValueError:
        return None


def _clean(text: str) -> str:
    return " ".join(text.replace("\u3000", " ").split())


def _metadata(root: object) -> tuple[dict[str, str], list[object]]:
    """Fields of the page's metadata block, and the elements holding them (to take out of the body).

    A label and its value share one text ("文号：阳政办发〔2024〕3号") or the value is the next text in the page
    (<td>文号：</td><td>阳政办发〔2024〕3号</td>)."""
    found: dict[str, tuple[int, str]] = {}
    holders: list[object] = []
    chunks = [(el, _clean(el.text_content())) for el in root.iter("td", "th", "li", "span", "p", "div", "dt",  # type: ignore[attr-defined]
                                                                   "dd", "b", "strong", "label", "em", "font")]
    for index, (el, text) in enumerate(chunks):
        if not text or len(text) > 160 or len(el) > 4:  # type: ignore[arg-type]
            continue
        labels = list(LABEL_RE.finditer(text))
        if not labels or labels[0].start() != 0:
            continue
        if any(LABEL_RE.match(_clean(child.text_content())) for child in el if isinstance(child.tag, str)):  # type: ignore[attr-defined]
            continue  # a block of labelled rows: each row is read on its own
        for k, match in enumerate(labels):
            label = re.sub(r"\s", "", match.group("label"))
            last = k + 1 == len(labels)
            end = len(text) if last else labels[k + 1].start()
            # "文 号: | 某政办发〔2024〕3号 | 是否有效: |": a card of cells written as text, a value per cell
            value = text[match.end():end].strip(" |").split("|")[0].strip()
            if not value and last and "|" not in text:  # the value is the next cell's text (an empty cell: none)
                cell = _next_cell(el, text)
                if cell is not None:
                    value = "" if LABEL_RE.match(cell) else cell
                else:
                    value = next((t for _, t in chunks[index + 1:index + 4] if t and not LABEL_RE.match(t)), "")
                if len(value) > 120:
                    value = ""
            key = _LABEL_KEYS.get(label)
            if key is None:
                continue
            if key in ("issued_on", "published_on"):
                value = _iso_date(value) or ""
            rank = _LABEL_RANK[label]
            if value and (key not in found or rank < found[key][0]):
                found[key] = (rank, value)
        holders.append(el)
    return {key: value for key, (_, value) in found.items()}, holders


def _next_cell(el: object, text: str) -> str | None:
    """The text of the element after a label's cell (<td>文号：</td><td>…</td>, <dt>…</dt><dd>…</dd>, or a <b> label
    inside its cell); None when the label's cell is the last of its row."""
    node = el
    while node is not None:
        sibling = node.getnext()  # type: ignore[attr-defined]
        while sibling is not None and not isinstance(sibling.tag, str):
            sibling = sibling.getnext()
        if sibling is not None:
            return _clean(sibling.text_content())
        parent = node.getparent()  # type: ignore[attr-defined]
        if parent is None or _clean(parent.text_content()) != text:
            return None
        node = parent
    return None


def _remove_block(holders: list[object]) -> None:
    """Take the metadata block out: the table or list holding at least two of its labels."""
    blocks = []
    for el in holders:
        block = next((a for a in el.iterancestors("table", "ul", "dl", "ol")), None)  # type: ignore[attr-defined]
        if block is not None and block not in blocks:
            blocks.append(block)
    for block in blocks:
        if sum(1 for el in holders if block in list(el.iterancestors())) >= 2 and block.getparent() is not None:  # type: ignore[attr-defined]
            block.getparent().remove(block)  # type: ignore[attr-defined]


def _expand_spans(table: object) -> None:
    """rowspan → the cell repeated in every row it spans; colspan → the cell once, then empty cells."""
    pending: dict[int, tuple[int, object]] = {}
    for tr in [r for r in table.iter("tr") if next(r.iterancestors("table")) is table]:  # type: ignore[attr-defined]
        cells = [c for c in tr if c.tag in ("td", "th")]
        row: list[object] = []
        column = 0
        queue = list(cells)
        while queue or any(col >= column for col in pending):
            if column in pending:
                remaining, source = pending[column]
                row.append(copy.deepcopy(source))
                if remaining > 1:
                    pending[column] = (remaining - 1, source)
                else:
                    del pending[column]
                column += 1
                continue
            if not queue:
                column += 1
                continue
            cell = queue.pop(0)
            rowspan = min(_span(cell.get("rowspan")), MAX_SPAN)
            colspan = min(_span(cell.get("colspan")), MAX_SPAN)
            for attr in ("rowspan", "colspan"):
                cell.attrib.pop(attr, None)
            row.append(cell)
            if rowspan > 1:
                pending[column] = (rowspan - 1, cell)
            for k in range(1, colspan):
                blank = cell.makeelement(cell.tag, {})
                row.append(blank)
                if rowspan > 1:
                    pending[column + k] = (rowspan - 1, blank)
            column += colspan
        for cell in cells:
            tr.remove(cell)
        tr.extend(row)


def _span(value: str | None) -> int:
    return int(value) if value and value.strip().isdigit() and int(value) > 0 else 1


def _title(root: object, metadata: dict[str, str]) -> str:
    if metadata.get("title"):
        return metadata["title"]
    for xpath in ('//meta[@name="ArticleTitle"]/@content', "//h1", '//*[contains(@class, "title")]', "//title"):
        found = root.xpath(xpath)  # type: ignore[attr-defined]
        for item in found:
            text = _clean(item if isinstance(item, str) else item.text_content())
            if xpath == "//title":
                text = TITLE_SEPARATORS_RE.split(text)[0]
            if 4 <= len(text) <= 200:
                return text
    return ""


CONTENT_HINT_RE = re.compile(
    r"zoom|trs_?(?:ue)?editor|ucap-content|pages?[-_]?content|article|main[-_]?text|con[-_]?text|detail|"
    r"news[-_]?content|xxgk[-_]?content|wzcon|zwnr|content", re.IGNORECASE)
DOMINANT_SHARE = 0.7  # a child holding this share of its parent's text is where the article is
HINT_SHARE = 0.5  # a marked container is the article when it holds this share of the page's text
CJK_RE = re.compile(r"[\u3400-\u9fff]")
BLOCK_TAGS = frozenset(("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
                        "section", "article", "blockquote", "pre", "center", "header", "footer", "nav", "main",
                        "aside", "address", "figure", "figcaption", "hr", "form", "fieldset", "caption", "tbody"))
# Whitespace holding a line break between two CJK characters is source formatting, not a space in the text.
CJK_BREAK_RE = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])[ \t\r\f]*\n[ \t\r\f\n]*(?=[\u3000-\u9fff\uff00-\uffef])")
BREAK = "\u2028"  # a <br> or a <pre> line break, told apart from the source's own line breaks


def _text_weight(el: object) -> int:
    """CJK characters of the element's text, link text left out."""
    total = len(CJK_RE.findall(el.text_content()))  # type: ignore[attr-defined]
    links = sum(len(CJK_RE.findall(a.text_content())) for a in el.iter("a"))  # type: ignore[attr-defined]
    return total - links


def _article(root: object) -> object:
    body = root.find("body")  # type: ignore[attr-defined]
    body = body if body is not None else root
    total = _text_weight(body)
    if total == 0:
        return body
    hinted = [el for el in body.iter("div", "td", "article", "section", "main")
              if CONTENT_HINT_RE.search(f"{el.get('id', '')} {el.get('class', '')}")]
    weighed = sorted(((_text_weight(el), el) for el in hinted), key=lambda pair: pair[0], reverse=True)
    if weighed and weighed[0][0] >= HINT_SHARE * total:
        # the innermost marked container still holding (almost) all of that text
        best_weight, best = weighed[0]
        for weight, el in weighed[1:]:
            if weight >= DOMINANT_SHARE * best_weight and best in el.iterancestors():
                best_weight, best = weight, el
        return best
    node, weight = body, total
    while True:
        children = [(_text_weight(child), child) for child in node if isinstance(child.tag, str)]
        heavy = max(children, key=lambda pair: pair[0], default=(0, None))
        if heavy[1] is None or heavy[0] < DOMINANT_SHARE * weight or heavy[1].tag in ("p", "table", "tr"):
            return node
        weight, node = heavy


class _Lines:
    """An element's paragraphs as lines; tables as rows."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, str]] = []
        self.buffer: list[str] = []
        self.paragraphs = 0
        self.tables = 0

    def flush(self) -> None:
        text = _flatten("".join(self.buffer))
        self.buffer = []
        for line in text.split("\n"):
            line = _clean(line)
            if line and not (len(line) <= FURNITURE_MAX_CHARS and FURNITURE_RE.search(line)):
                self.paragraphs += 1
                self.lines.append((line, f"段落 {self.paragraphs}"))

    def walk(self, el: object) -> None:
        tag = el.tag  # type: ignore[attr-defined]
        if not isinstance(tag, str):  # comments, processing instructions
            self.buffer.append(el.tail or "")  # type: ignore[attr-defined]
            return
        if tag == "table":
            self.flush()
            self.table(el)
        elif tag == "br":
            self.buffer.append(BREAK)
        elif tag == "pre":
            self.flush()
            self.buffer.append((el.text_content() or "").replace("\n", BREAK))  # type: ignore[attr-defined]
            self.flush()
        else:
            block = tag in BLOCK_TAGS
            if block:
                self.flush()
            self.buffer.append(el.text or "")  # type: ignore[attr-defined]
            for child in el:  # type: ignore[attr-defined]
                self.walk(child)
            if block:
                self.flush()
        self.buffer.append(el.tail or "")  # type: ignore[attr-defined]

    def table(self, table: object) -> None:
        self.tables += 1
        rows = [r for r in table.iter("tr") if next(r.iterancestors("table")) is table]  # type: ignore[attr-defined]
        cells_per_row = [[_clean(_flatten(c.text_content())) for c in r if c.tag in ("td", "th")] for r in rows]
        columns = max((len(cells) for cells in cells_per_row), default=0)
        for number, cells in enumerate(cells_per_row, start=1):
            origin = f"表格 {self.tables} 第 {number} 行"
            filled = [c for c in cells if c]
            if columns < 3 or len(filled) == 1:
                self.lines.extend((c, origin) for c in filled)
            elif filled:
                cells = [c.replace("|", "/") for c in cells] + [""] * (columns - len(cells))
                self.lines.append(("| " + " | ".join(cells) + " |", origin))


def _flatten(text: str) -> str:
    """HTML whitespace: source line breaks between CJK characters vanish, other runs become one space; <br> and
    <pre> breaks (BREAK) become "\n"."""
    text = CJK_BREAK_RE.sub("", text)
    return "\n".join(" ".join(part.split()) for part in text.split(BREAK))


def _squeezed(text: str) -> str:
    """For comparing titles: no spaces, simplified characters (a page may mix scripts)."""
    return to_simplified(re.sub(r"\s", "", text))


TITLE_SEARCH_LINES = 15


def _with_title(lines: list[tuple[str, str]], title: str) -> list[tuple[str, str]]:
    """The title first, unless the article's first lines hold it (possibly over several lines); a heading that the text
    below repeats over its own lines (<h1> above the body's issuer and title lines) is dropped for those lines."""
    for k in (2, 3, 4):
        if len(lines) > k and _squeezed(lines[0][0]) == "".join(_squeezed(t) for t, _ in lines[1:k]):
            lines = lines[1:]
            break
    squeezed = _squeezed(title)
    # (the article may open with the page's metadata rows, a 文号 or a red-header line before its title)
    head = "".join(_squeezed(text) for text, _ in lines[:TITLE_SEARCH_LINES])
    if squeezed and squeezed not in head and not (lines and squeezed.startswith(_squeezed(lines[0][0]))):
        return [(title, "网页标题"), *lines]
    return lines


def read(data: bytes, *, name: str) -> SourceText:
    """A saved web page's article as lines ("段落 3", "表格 1 第 2 行") and its metadata block."""
    import lxml.html

    from . import MHTML_RE

    if MHTML_RE.match(data[:4096].lstrip()):
        data = _mhtml_page(data, name)
    text, encoding = decode_page(data)
    check_text(text, name=name)
    try:
        root = lxml.html.document_fromstring(text.replace("\x00", ""))
    except Exception as error:  # lxml raises ParserError/ValueError on pages with no elements
        raise UnreadableFile(f"文件「{name}」不是可读的网页，未导入。") from error
    for element in list(root.iter(*REMOVED_TAGS)):
        if element.getparent() is not None:
            element.drop_tree()
    metadata, holders = _metadata(root)
    title = _title(root, metadata)
    _remove_block(holders)
    for table in list(root.iter("table")):
        _expand_spans(table)
    walker = _Lines()
    walker.walk(_article(root))
    walker.flush()
    result = source_text(_with_title(walker.lines, title), fmt="html", encoding=encoding,
                         metadata=sorted(metadata.items()))
    if not result.text:
        raise UnreadableFile(f"文件「{name}」是网页，但没有找到正文文字，未导入。")
    check_text(result.text, name=name, where=result.origins)
    return result
