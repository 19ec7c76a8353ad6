"""The numbering outline of a directive and the tasks in it.

Ref spelling (canonical): the markers of the path concatenated in half-width form, e.g. "三、(一)2.(1)":
一、 → "一、"; （一） → "(一)"; 1. / 1、 / 1． → "1."; （1） → "(1)"; 1） → "1)"; ① → "①"; 第一条 → "第一条";
1.1 / 2.3.1 → "1.1" / "2.3.1" (a decimal item with text; a short decimal heading such as "5.4 信息报送" is a plan's
section title and only ends the item above it).
A table row adds "#<序号>" (or "#<row>"), a sentence group inside one item adds "[k]" (k from 1), and a
second attached plan whose numbering starts again at 一、 is prefixed "P2/" (then "P3/", ...).

Which nodes are tasks: the leaves of the outline. A parent is a node of the tree (parent_ref of its children),
and a task itself only when its own text carries a bracketed unit clause. Leaves under sections such as
指导思想 / 工作目标 / 基本原则 / 保障措施 are tasks only when a unit is named for them (clause, 责任单位: line,
table cell or inherited declaration); elsewhere every leaf is a task, and a leaf with no unit at all falls
back to the directive's recipients with the flag "no_unit". Everything from an 起草说明 / 政策解读 heading on
is ignored (it quotes draft clauses).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from .deadlines import extract_deadlines
from .departments import CATEGORY_RE, DepartmentDirectory
from .normalize import chinese_to_int
from .responsibility import (
    FIRST_IS_LEAD_RE,
    ROLE_GROUP_RE,
    SENTENCE_END_RE,
    Clause,
    SharedUnits,
    Units,
    find_clauses,
    inline_aliases,
    is_unit_line,
    parse_clause,
    parse_declaration,
    parse_prose,
    parse_unit_line,
    resolve_units,
    shared_declarations,
    split_units,
)
from .results import ExtractedTask, ParsedDocument, SourceLine
from .segment import ISSUER_RE
from .tables import Columns, respaced, unflatten

_CN = "一二三四五六七八九十"
# Outline markers at the start of a line (after markdown "#"/"-" decoration), one per level kind.
MARKER_RES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("article", re.compile(rf"^第([{_CN}百零〇]+)条\s*")),
    ("cn", re.compile(rf"^([{_CN}]+)\s*[、.]\s*")),
    ("shi", re.compile(rf"^([{_CN}]{{1,2}})(?=[是要])")),  # 一是… 二是… / 一要… 二要…: enumerated instructions
    ("pcn", re.compile(rf"^\(\s*([{_CN}]+)\s*\)\s*")),
    ("num", re.compile(r"^(\d{1,2})\s*(?:[.．﹒](?!\d)|、|\s+(?=[\u4e00-\u9fff]))\s*")),  # "3、2017年…" too
    ("pnum", re.compile(r"^\(\s*(\d{1,2})\s*\)\s*")),
    ("circled", re.compile(r"^([①-⑳])\s*")),
    ("pcircled", re.compile(r"^([⑴-⒇])\s*")),  # ⑴ ⑵ … ⒇: parenthesised numerals of one character
    ("rnum", re.compile(r"^(\d{1,2})\s*\)\s*(?=\S)")),  # 1） / 1)
    # 1.1 / 2.3.1 followed by text (not an amount such as 3.5亿元); its depth is part of its kind
    ("dec", re.compile(r"^(\d{1,2}(?:\.\d{1,2}){1,3})\.?\s*(?![亿万千百元吨个米倍%\d.])(?=[\u4e00-\u9fff(])")),
)
MARKER_FIRST = frozenset(_CN + "第(0123456789" + "".join(chr(c) for c in range(ord("①"), ord("⑳") + 1)) + "".join(
    chr(c) for c in range(ord("⑴"), ord("⒇") + 1)))
DECORATION_RE = re.compile(r"^(?:#{1,6}\s*|-\s+|\*\s+)")
DECORATION_FIRST = frozenset("#-*")
# Page furniture of the printed gazette: "- 12 -", "·区政府办公室文件· 4/2023 阳泉市城区人民政府公报".
FURNITURE_RE = re.compile(r"-?\s*\d{1,3}\s*-?$|·[^·]{2,12}·|[—\s]*—\s*\d+\s*—$")  # used with .match (anchored)
FURNITURE_TAIL = "人民政府公报"
# Section headings whose items are not tasks unless a unit is named for them.
NON_TASK_RE = re.compile(
    r"指导思想|总体要求|总体思路|工作目标|目标(?:和|与|及)要求|发展目标|主要目标|总体目标|基本原则|工作原则|保障措施|组织保障|"
    r"工作要求|组织领导|实施步骤|总体情况|基本情况|存在问题|存在的问题|主要问题|时间安排|进度安排|实施范围|适用范围|编制依据|工作依据|有关要求|其他事项|附则|"
    r"工作回顾|回顾(?:与|和)?(?:总结|展望)|认识[^。,;]{0,30}(?:重要|重大|现实)意义"  # (a review of the past year; the
    # significance of the work: "充分认识…的重要意义")
)
# Headings that are the whole heading line of a section that sets no task: standing working rules, who sits on a
# 专班/领导小组, how an inspection itself is run (its purpose, dates, scope, method, schedule). Only as the whole
# heading: "三、进一步完善工作机制" heads tasks.
SECTION_HEAD_RE = re.compile(
    r"(?:工作)?(?:专班|领导小组|小组|指挥部|联席会议|委员会)?(?:工作制度|组成人员|人员组成|成员组成|"
    r"(?:督查|检查|巡查|暗访|调研)(?:重点)?(?:目的|时间|内容|方式|安排|范围|对象|步骤))")
# Requirement headings of a notice, how to carry the work out ("三、压实责任，狠抓落实"): when they open the heading
# (not "（一）提高政治站位，积极推进责任落实", a section of tasks).
REQUIREMENT_HEAD_RE = re.compile(
    r"行动目标|分工原则|统筹兼顾|责任落实|压实责任|强化责任|调度协调|协调配合|督查考核|督促检查|考核问责|宣传引导|"
    r"舆论引导|提高认识|统一思想|思想认识|高度重视|加强领导|强化领导"
)
_PHRASE_END_RE = re.compile(r"[,，。;；:：]")
STOP_WORDS = ("起草说明", "政策解读", "解读")  # heading words: "关于…的起草说明", not "深化政策解读形式"
# Lines that close the current item: an attachment heading or list ("附件：1. …"), the signature and date,
# "（此件公开发布）", and a plain title line of the next plan (no sentence punctuation, ends in 方案/措施/…).
ATTACHMENT_RE = re.compile(r"^附(?:件\s*\d{0,2}\s*[:：]?|\s*[:：])\s*(?:\d{1,2}\s*[.、．]?)?")
SIGNATURE_RE = re.compile(
    r"^(?:[\u4e00-\u9fff]{2,30}(?:人民政府|办公室|委员会|管委会|局|厅|部)\s*)?[\dxX〇○零一二三四五六七八九]{4}\s*年\s*[\dxX〇○零一二三四五六七八九十]{1,3}\s*月\s*"
    r"[\dxX〇○零一二三四五六七八九十]{1,3}\s*日$|"  # (xxxx: masked; 二○○六年五月十八日)
    r"^\(此件[^()]{0,20}\)$|^特此(?:通知|通报|通告|函告|批复|公告|报告)[。.]?$|^此复[。.]?$|"
    r"^(?:19|20)\d{4,6}$"  # a signed date whose 年月日 the page lost: "202091"
)
TITLE_LINE_RE = re.compile(
    r"^[^。;,:!?，；：、]{4,40}(?:方案|措施|办法|意见|规定|计划|细则|清单|制度|预案|规划|要点|名单|目录|标准|规则|通知|决定|工作安排|目标安排|任务分工|责任分工|任务分解|责任分解|分解表|\(略\))$"
)
# A decimal section heading of an emergency plan ("### 5.4 信息报送", "5.1.信息接报核查"): not an outline level we
# build, but it ends the item above it (its paragraphs are not that item's text). Amounts such as "3.5亿元" are not.
DECIMAL_HEADING_RE = re.compile(r"^\d{1,2}(?:\.\d{1,2})+\.?(?![亿万千百元吨个])[\u4e00-\u9fff][^\s。;,:!?、]{1,23}$")
SENTENCE_CLOSED = "。;!?)”"
TABLE_RULE_RE = re.compile(r"^:?-{2,}:?$")  # a markdown table's |---|---| line
TABLE_SPLIT_RE = re.compile(r"\t+|\s*\|\s*")
CLAUSE_MIN_REMAINDER = 6  # CJK characters after the last clause that make a task of their own
SINGLE_CLAUSE_REMAINDER = 15  # after an item's only clause, a whole further sentence (not a stray tail)
# A closing statement after the last item ("以上政策自公布之日起施行"), not a task of its own.
CLOSING_RE = re.compile(r"以上|本(?:方案|通知|意见|办法|政策|措施|规定|制度|细则|计划)")
BARE_GROUP_RE = re.compile(r"^各(?:有关|相关)?(?:部门|单位)$")
BARE_GROUPS = frozenset(f"各{scope}{noun}" for scope in ("", "有关", "相关") for noun in ("部门", "单位"))
CJK_RE = re.compile(r"[\u4e00-\u9fff]")
PARAGRAPH_MIN_CHARS = 20
# Kinds of directive that lay down standing rules: an article is a task only where it assigns dated work.
REGULATION_KINDS = frozenset({"规定", "办法", "规则", "细则", "制度", "条例"})
# A body's name before a duty word ("市住建局要", "领导小组办公室负责"): where prose may assign work to a named unit.
_NAMED_DOER_HINT_RE = re.compile(r"(?:局|委|办|厅|府|中心|小组|室|部门|队|院|公司)(?:要|应|须|负责|牵头|每)")
_DATE_HINT_RE = re.compile(r"[0-9]|[一二三四五六七八九十]月|年[底末内中初]|季度|每[年月周季天日半]|节前|两年|[日天]内")
ISSUING_GOVERNMENT_RE = re.compile(r"^[省市县区旗]?(?:人民)?政府$|^本级政府$")
# A notice that publishes a plan (its own numbered items are requirements on carrying the plan out).
PUBLISHING_TITLE_RE = re.compile(r"印发|转发")
PUBLISHING_BODY_RE = re.compile(r"(?:现|予以)?印发给你们|转发给你们|现将.{0,60}(?:印发|转发|分解|下达)|予以分解下达|"
                                r"(?:分解|下达)\((?:详)?见附件")  # "将各项任务分解(详见附件)": the plan is attached
# A notice's requirement that asks its addressees to submit or report something is a task of theirs.
# (a plan is asked for where it is requested or handed in: "请牵头单位…提出实施方案", "制定方案报市政府", not an
# exhortation to plan one's own work: "研究制定本部门实施方案")
_REPORT_RE = re.compile(r"报送|上报|报告|汇报|备案|请[^。;]{0,30}(?:制定|制订|提出|编制)[^。;]{0,20}(?:方案|计划|清单)"
                        r"|(?:制定|制订|提出|编制)[^。;]{0,20}(?:方案|计划|清单)[^。;]{0,8}(?:报|送|交)")
_CITED_TITLE_RE = re.compile(r"《[^《》]*》|政府工作报告")  # (a document cited by its name, with or without 《》)
_QUOTED_RE = re.compile(r"“[^“”]*”")


def _asks_report(text: str) -> bool:
    """Whether the text asks for a report or a filing (not "《政府工作报告》" cited by its title)."""
    return bool(_REPORT_RE.search(text)) and bool(_REPORT_RE.search(_CITED_TITLE_RE.sub("", text)))


PARAGRAPH_DEFAULT_ISSUE = date(2000, 1, 1)  # only whether a paragraph states a deadline matters, not its date
# A paragraph that assigns work, not one that explains or praises: a duty word next to its doer.
PARAGRAPH_DUTY_RE = re.compile(r"要|应|须|负责|牵头|务必|请")
_SUPPORT_WORDS = ("配合", "协办", "协助", "协同", "参与")
# A unit label closing an item's heading line, with nothing but units after it (no sentence).
_HEADING_LABEL_RE = re.compile(
    r"(?<=[\u4e00-\u9fff])(?:牵头|责任|主责)(?:责任)?(?:单位|部门)\s*[:：][^。;；,，:：()（）〔〕\[\]【】]{2,60}$")
SUPPORT_LABEL_RE = re.compile(r"(?:配合|协办|协助|协同|参与)(?:单位|部门)\s*[:】\]]")


@dataclass(slots=True)
class _Row:
    """One row of a task table: its ref, its line, the task text and its unit and time-limit cells."""

    seq: str  # the 序号 cell ("" for a continuation row)
    line: SourceLine
    text: str
    lead: str
    support: str
    time: str


@dataclass(slots=True)
class _Node:
    kind: str
    number: int
    marker: str
    ref: str
    parent: _Node | None
    lines: list[SourceLine] = field(default_factory=list)
    unit_lines: list[SourceLine] = field(default_factory=list)
    table_rows: list[_Row] = field(default_factory=list)
    children: list[_Node] = field(default_factory=list)
    declared: Units | None = None  # responsibility declared for the items beneath
    notice: bool = False  # an item of a 印发 notice's own text (before its signature), not of the plan it publishes
    non_task: bool | None = None  # under 指导思想/保障措施…: computed once (_section_is_non_task)
    labelled_heading: bool = False  # the heading line ends with the item's unit label
    closer: SourceLine | None = None  # "上述项目由A牵头负责。" after the item and its siblings: their unit


# The marker patterns a line's first character can open (most lines try one or two, not all).
_MARKERS_BY_FIRST: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = {
    ch: tuple((kind, pattern) for kind, pattern in MARKER_RES if pattern.match(ch + "一、1.1）x") or (
        kind in ("article",) and ch == "第") or (kind in ("cn", "shi") and ch in _CN) or (
        kind in ("num", "rnum", "dec") and ch in "0123456789") or (kind in ("pcn", "pnum") and ch == "(") or (
        kind == "circled" and "①" <= ch <= "⑳") or (kind == "pcircled" and "⑴" <= ch <= "⒇"))
    for ch in MARKER_FIRST
}


# How each kind of marker is written in a ref (built only for the kind found: _marker runs on every line)
_CANONICAL: dict[str, Callable[[str, int], str]] = {
    "article": lambda raw, _: f"第{raw}条", "cn": lambda raw, _: f"{raw}、", "pcn": lambda raw, _: f"({raw})",
    "num": lambda _, n: f"{n}.", "pnum": lambda _, n: f"({n})", "circled": lambda raw, _: raw,
    "pcircled": lambda raw, _: raw,
    "rnum": lambda _, n: f"{n})",
}


def _marker(text: str) -> tuple[str, int, str, str] | None:
    """(kind, number, canonical marker, rest of line) when the line opens an outline item."""
    if not text or text[0] not in MARKER_FIRST:
        return None
    for kind, pattern in _MARKERS_BY_FIRST[text[0]]:
        m = pattern.match(text)
        if not m:
            continue
        raw = m.group(1)
        if kind == "dec":
            if DECIMAL_HEADING_RE.match(text):
                return None  # "5.4 信息报送": a section heading of a plan, not an item
            parts = raw.split(".")
            return f"dec{len(parts)}", int(parts[-1]), raw, text[m.end():]
        if kind == "circled":
            number = ord(raw) - ord("①") + 1
        elif kind == "pcircled":
            number = ord(raw) - ord("⑴") + 1
        else:
            value = chinese_to_int(raw)
            if value is None:
                continue
            number = value
        if kind == "shi":
            return kind, number, raw + text[m.end():m.end() + 1], text[m.end() + 1:]
        return kind, number, _CANONICAL[kind](raw, number), text[m.end():]
    return None


_DIGITS = frozenset("0123456789")
_CARD_RE = re.compile(r"^([^|:]{2,24}?)\s*:\s*\|\s*([^|]+?)\s*\|?\s*$")
_CARD_PAIR_RE = re.compile(r"([^|:]{2,24}?)\s*:\s*\|\s*([^|]+?)\s*(?:\||$)")


def _split_cards(lines: list[SourceLine]) -> list[SourceLine]:
    """A card's rows run onto one line ("重点工作: | 135.… |牵头单位: | 市…局 |"): one line per "label: | value"."""
    out: list[SourceLine] = []
    for line in lines:
        pairs = _CARD_PAIR_RE.findall(line.text) if "|" in line.text and ":" in line.text else []
        if len(pairs) < 2 or not _only_pairs(line.text, pairs):
            out.append(line)
            continue
        out.extend(SourceLine(line.number, f"{label}: | {value} |") for label, value in pairs)
    return out


def _only_pairs(text: str, pairs: list[tuple[str, str]]) -> bool:
    """Whether the line holds nothing but its label/value pairs (spaces and borders aside)."""
    return re.sub(r"[\s|:]", "", text) == "".join(re.sub(r"[\s|:]", "", a + b) for a, b in pairs)


_CARD_TASK_LABEL_RE = re.compile(r"^(?:重点工作|工作任务|重点任务|主要任务|任务内容|工作事项|任务名称|事项名称)$")
_CARD_NUMBER_RE = re.compile(r"^(\d{1,4})\s*[.、．]\s*")


def _next_number(text: str, last: int | None) -> tuple[str, int, str, str] | None:
    """"2.50个小区新增…" after item 1.: the next number of a running list although an amount follows its dot (a
    line of its own after a finished sentence; elsewhere "2.5亿元" is an amount)."""
    if last is None:
        return None
    head = f"{last + 1}."
    if not text.startswith(head) or not text[len(head):len(head) + 1].isdigit():
        return None
    return "num", last + 1, head, text[len(head):]


# "1全面落实…" / "2免费开展…": an item heading whose number has lost its dot (a line of its own, no sentence end);
# not an amount or date ("3个", "5月底前", "10件"). Only 1 or the next number of the running list.
BARE_NUMBER_RE = re.compile(r"^(\d{1,2})(?=[\u4e00-\u9fff])(?![年月日时点号个件项家所座户人名次批万亿千百元吨米斤亩条套台辆类种期届倍周天岁级层栋股只头张部场块处位])")
BARE_NUMBER_MAX = 40


def _bare_number(text: str, last: int | None) -> tuple[str, int, str, str] | None:
    m = BARE_NUMBER_RE.match(text)
    if m is None:
        return None
    number = int(m.group(1))
    if number != (1 if last is None else last + 1):
        return None
    return "num", number, f"{number}.", text[m.end():]


def _opens_decimal_section(lines: tuple[SourceLine, ...], index: int, number: int) -> bool:
    head = f"{number}."
    for line in lines[index + 1: index + 1 + BARE_NUMBER_LOOKAHEAD]:
        text = _strip_decoration(line.text)
        if text.startswith(head) and text[len(head):len(head) + 1].isdigit():
            return True
    return False


BARE_NUMBER_LOOKAHEAD = 3  # lines after a bare-numbered heading searched for its first decimal sub-item


def _strip_decoration(text: str) -> str:
    if text[:1] not in DECORATION_FIRST:  # the common case: no markdown, skip the regex
        return text.strip()
    return DECORATION_RE.sub("", text).strip()


def _build_tree(lines: tuple[SourceLine, ...], *, publishing: bool = False) -> list[_Node]:
    roots: list[_Node] = []
    stack: list[_Node] = []
    part = 1
    seen_top: set[str] = set()
    last_unit_line: SourceLine | None = None
    columns: Columns | None = None  # the task table being read, from its header row
    last_number: dict[str, int] = {}
    in_attachment_list = False
    notice_part = publishing  # a 印发 notice's own items come before its signature
    body_started = False
    previous_text = "。"
    padded: str | None = None  # "01" alone on its line: the number of the item whose text follows
    for index, line in enumerate(lines):
        text = _strip_decoration(line.text)
        if len(text) == 2 and text.isdigit() and (text[0] == "0" or last_number.get("padded") == int(text) - 1):
            padded = text  # (a bare page number is never zero-padded)
            continue
        if not text or ((text[0] in "-·—" or text[0].isdigit() or text[0].isspace()) and FURNITURE_RE.match(text)) \
                or text.endswith(FURNITURE_TAIL):
            continue  # (FURNITURE_RE can match only where the line opens with one of those)
        if body_started and len(text) < 80 and (text.endswith(STOP_WORDS) or text.startswith(STOP_WORDS)):
            break
        card_task = False
        if "|" in text and (card := _CARD_RE.match(text)) is not None:
            # a "label: | value |" card: the task's own label gives its text, others are fields ("牵头单位:A")
            label, value = card.groups()
            card_task = _CARD_TASK_LABEL_RE.match(label) is not None
            text = value if card_task else f"{label}:{value}"
        marker = _marker(text)
        if card_task and (numbered := _CARD_NUMBER_RE.match(text)) is not None:
            number = int(numbered.group(1))  # "135.统筹…": a card's item keeps the number of its list
            marker = "num", number, f"{number}.", text[numbered.end():]
            last_number["num"] = number - 1
        if marker is None and text[0] in _DIGITS and previous_text[-1:] in SENTENCE_CLOSED:
            marker = _next_number(text, last_number.get("num"))
        if marker is None and text[0] in _DIGITS and len(text) <= BARE_NUMBER_MAX and "。" not in text:
            marker = _bare_number(text, last_number.get("num"))
            if marker is not None and _opens_decimal_section(lines, index, marker[1]):
                marker = None  # "1总则" over "1.1编制目的": a plan's section heading, numbered by its 1.1 items
        if padded is not None:
            if marker is None:
                marker = "padded", int(padded), padded, text
            padded = None
        if in_attachment_list:
            # "附件：1. A" / "2. B（略）": attachment names, never items; the list ends at a sentence
            if "。" not in text and len(text) <= 60 and (marker is None or marker[0] == "num") and "|" not in text \
                    and "\t" not in line.text:
                continue  # (a table row ends the list: "附件：任务分解表" is followed by its table)
            in_attachment_list = False
        closes = _closes_item(text, previous_text, marker is not None)
        if closes is None and len(text) <= 40 and _SIGNER_RE.match(text) and _signature_follows(lines, index + 1):
            closes = "end"  # the signing organisation (落款) above its date; two signing together, one per line
        previous_text = text
        body_started = body_started or "。" in text or (publishing and PUBLISHING_BODY_RE.search(text) is not None)
        if closes:
            stack.clear()
            last_unit_line = None
            columns = None
            in_attachment_list = closes == "attachment"
            notice_part = notice_part and not body_started  # the notice's own title closes nothing of it
            continue
        current = stack[-1] if stack else None
        own = line if text == line.text else SourceLine(line.number, text)  # (most lines are kept as they are)
        cells = _table_cells(text, line.text)
        if len(cells) >= 3:
            header = Columns.from_header(cells)
            if header is None and columns is None and cells[0].isdigit():
                columns = Columns.from_numbered_row(cells)  # a table stored without its header
                if columns is not None and (current is None or current.kind == "table"):
                    current = _Node("table", 0, "", "", None, [])
                    roots.append(current)
                    stack[:] = [current]
            if header is not None:
                columns = header
                if current is None or current.kind == "table":  # a table outside the numbering (an annex)
                    current = _Node("table", 0, "", "", None, [])
                    roots.append(current)
                    stack[:] = [current]
                continue
            if all(TABLE_RULE_RE.match(c) for c in cells if c):
                continue
            if columns is not None and current is not None and len(cells) > columns.lead:
                current.table_rows.append(_table_row(cells, columns, own))
                continue
        elif not cells:
            columns = None if marker else columns
        if marker is not None and not _accept_marker(marker, stack, last_number):
            marker = None
        if marker is not None:
            kind, number, canonical, _ = marker
            last_number[kind] = number
            kinds = [n.kind for n in stack]
            if kind in kinds:
                del stack[kinds.index(kind):]
            parent = stack[-1] if stack else None
            if parent is None:
                if kind in seen_top and number == 1:
                    part += 1
                    seen_top.clear()
                seen_top.add(kind)
            prefix = parent.ref if parent else (f"P{part}/" if part > 1 else "")
            label = _HEADING_LABEL_RE.search(own.text) if (":" in own.text or "：" in own.text) and (
                "部门" in own.text or "单位" in own.text) else None
            heading_units = []
            if label is not None and label.start() > len(canonical) + 2:
                # "（三）老年助餐点建设牵头单位:县民政局": the heading names the item, its label line follows it
                heading_units = [SourceLine(own.number, own.text[label.start():])]
                own = SourceLine(own.number, own.text[:label.start()].rstrip())
            node = _Node(kind, number, canonical, prefix + canonical, parent, [own], unit_lines=heading_units,
                         notice=notice_part, labelled_heading=bool(heading_units))
            (parent.children if parent else roots).append(node)
            stack.append(node)
            last_unit_line = None
            columns = None
            continue
        if current is None:
            if roots and text.startswith(("上述", "以上")) and GROUP_CLOSER_RE.match(text):
                # "上述项目由A牵头负责。" after paragraphs outside the numbering: A's, back to the group's heading
                for node in reversed(roots):
                    if node.kind != "para" or node.unit_lines or _marker(node.lines[0].text) is not None:
                        break
                    node.unit_lines.append(own)
                continue
            if (notice_part or not publishing) and "。" in text and len(text) >= PARAGRAPH_MIN_CHARS:
                # a paragraph outside the numbering (a notice's body): a task only if it names who does what
                roots.append(_Node("para", 0, "¶", f"¶{index + 1}", None, [own]))
            continue
        if text.startswith(("上述", "以上")) and (current.kind != "cn" or len(current.lines) == 1) \
                and not current.children and GROUP_CLOSER_RE.match(text):
            # items closed together: each item since the previous closer (paragraphs of one item: _emit_closed_groups)
            siblings = current.parent.children if current.parent else roots
            for node in reversed(siblings[:siblings.index(current) + 1]):
                if node.closer is not None or node.kind != current.kind:
                    break
                node.closer = own
            continue
        if is_unit_line(text):
            current.unit_lines.append(own)
            last_unit_line = current.unit_lines[-1]
            continue
        if last_unit_line is not None and "。" not in text and len(text) < 60 and ":" not in text \
                and "：" not in text and not last_unit_line.text.endswith(("。", ";")) and text not in CUT_FIELD_LABELS \
                and (last_unit_line.text[-1:] in "、,，" or _UNIT_TAIL_END_RE.search(text)):
            # (a list closed by its full stop ends there; "完成时", a field's label cut by the end of the text, is no name;
            # a line with a label of its own, "完成时限：", "人：" whose 责任 was lost, is a field of the item, never a
            # unit list's tail)
            # a unit list broken across lines ("…市规划和自然资源局、市水利局、" / "人民政府（开发区管委会）")
            current.unit_lines[-1] = SourceLine(last_unit_line.number, last_unit_line.text + text)
            last_unit_line = current.unit_lines[-1]
            continue
        last_unit_line = None
        current.lines.append(own)
    return roots


# How the tail of a broken unit list ends: a body's last character, a bracket, a separator ("完成时", a label cut
# by the end of the text, is none).
_UNIT_TAIL_END_RE = re.compile(r"[局委办厅府会心处室队所站院部门位司团行道镇乡区县市州旗盟)）、,，]$")


# A signing body on a line of its own (ISSUER_RE, and a 街道办事处 / 党工委 signing with it).
_SIGNER_RE = re.compile(rf"{ISSUER_RE.pattern}|^[\u4e00-\u9fff]{{2,20}}(?:办事处|党工委|党委)$")


def _signature_follows(lines: Sequence[SourceLine], at: int) -> bool:
    """Whether a signature date follows, maybe after one more signing body's line."""
    for k in range(at, min(len(lines), at + 2)):
        text = _strip_decoration(lines[k].text)
        if SIGNATURE_RE.match(text):
            return True
        if len(text) > 40 or not _SIGNER_RE.match(text):
            return False
    return False


# The labels of an item's other fields, and each start of them (a label cut by the end of the stored text).
CUT_FIELD_LABELS = frozenset(label[:k] for label in ("完成时限", "完成时间", "时间节点", "时限要求", "牵头领导", "责任领导",
                                                     "分管领导", "工作进度") for k in range(2, len(label) + 1))


def _closes_item(text: str, previous: str, is_marker: bool) -> str | None:
    """"attachment" for an attachment heading or list, "end" for a signature or a title line, else None."""
    if is_marker or len(text) > 60 or ("。" in text and not text.startswith(("特此", "此复"))):
        return None
    if text.startswith("附") and ATTACHMENT_RE.match(text):
        return "attachment"
    if SIGNATURE_RE.match(text) or DECIMAL_HEADING_RE.match(text):
        return "end"
    if previous[-1:] in SENTENCE_CLOSED and TITLE_LINE_RE.match(text):
        return "end"
    return None


def _accept_marker(marker: tuple[str, int, str, str], stack: list[_Node], last: dict[str, int]) -> bool:
    """A marker continues the outline when it follows a sibling, starts a list, or continues a numbering
    that runs on across parents (OCR slack of one)."""
    kind, number, _, rest = marker
    if not rest and kind not in ("cn", "pcn"):
        return False
    for node in reversed(stack):
        if node.kind == kind:
            return number <= node.number + 2 or number == 1
    return number <= 2 or 0 < number - last.get(kind, -9) <= 2


_SUBJECT_DUTY_RE = re.compile(r"[^,;。]{2,}(?:要|须|应)$")


def _section_is_non_task(node: _Node) -> bool:
    """Whether the item or a section above it is headed 指导思想, 工作目标, 保障措施, 组织领导…; an item's own
    heading counts only when it is one ("（一）加强组织领导。…"), not the opening of a sentence ("四是各街道要…")."""
    if node.non_task is None:
        # the heading: the first line up to its first full stop ("（一）加强组织领导。各单位要…")
        head = node.lines[0].text.split("。", 1)[0][:30] if node.lines and node.kind != "shi" else ""
        opening = _PHRASE_END_RE.split(_strip_marker(head), 1)[0] if head else ""
        requirement = REQUIREMENT_HEAD_RE.search(opening) if opening else None
        if requirement is not None and _SUBJECT_DUTY_RE.search(opening, 0, requirement.start()):
            requirement = None  # "各单位要高度重视…": a sentence whose subject has a duty, not a heading
        section = node.kind == "cn" and SECTION_HEAD_RE.fullmatch(_strip_marker(head).rstrip(":")) is not None
        node.non_task = bool(NON_TASK_RE.search(head) or requirement or section) or (
            node.parent is not None and _section_is_non_task(node.parent))
    return node.non_task


@dataclass(slots=True)
class _Context:
    doc: ParsedDocument
    directory: DepartmentDirectory
    aliases: dict[str, str]
    following: Units | None = None
    support_labelled: bool = False  # the document labels 配合单位: its 责任单位 are leads, not support
    shared: list[SharedUnits] = field(default_factory=list)  # units declared once for many tasks
    first_is_lead: bool = False  # the document says the first unit of an unmarked list leads
    regulation: bool = False  # rules (规定/办法/规则…): their articles state standing duties, tasks only when dated
    bulletin: bool = False  # a 通报: its requirements instruct the units it names, dated or not
    tasks: list[ExtractedTask] = field(default_factory=list)


def extract_tasks(doc: ParsedDocument, *, directory: DepartmentDirectory) -> tuple[ExtractedTask, ...]:
    """Every task of one directive, in document order, with its outline ref and its lead/support units."""
    full_text = "".join(line.text for line in doc.lines)
    aliases = inline_aliases(full_text, directory)
    if aliases:
        directory = directory.with_aliases(aliases)
    # (substring tests first: each regex below scans the whole directive)
    ctx = _Context(doc, directory, {}, support_labelled=any(w in full_text for w in _SUPPORT_WORDS)
                   and bool(SUPPORT_LABEL_RE.search(full_text)),
                   shared=shared_declarations([(line.number, line.text) for line in doc.lines], directory,
                                              text=full_text) if "不再" in full_text or "不另" in full_text else [],
                   first_is_lead="牵头" in full_text and ("第一" in full_text or "首" in full_text)
                   and bool(FIRST_IS_LEAD_RE.search(full_text)))
    publishing = bool(PUBLISHING_TITLE_RE.search(doc.title)) or any(
        ("印发" in line.text or "转发" in line.text or "现将" in line.text or "见附件" in line.text)
        and PUBLISHING_BODY_RE.search(line.text)
        for line in doc.lines[:12])
    ctx.regulation = doc.kind in REGULATION_KINDS
    ctx.bulletin = doc.kind == "通报"
    lines = respaced(unflatten(doc.lines))
    for root in _build_tree(tuple(_split_cards(lines) if "|" in full_text else lines), publishing=publishing):
        _walk(root, ctx, inherited=None)
    return tuple(ctx.tasks)


def _node_declaration(node: _Node, ctx: _Context) -> Units | None:
    """Units named for a parent's items: its 责任单位: lines or a paragraph that only names units."""
    units = _unit_lines(node, ctx) or Units()
    for line in node.lines[1:]:
        parsed = parse_declaration(line.text, ctx.directory)
        if parsed:
            units.extend(parsed)
    return units or None


def _unit_lines(node: _Node, ctx: _Context) -> Units | None:
    """The item's "牵头单位：" / "责任单位：" lines read together: beside a 牵头 line, 责任单位 are its support."""
    if not node.unit_lines:
        return None
    if len(node.unit_lines) == 1:
        return parse_unit_line(node.unit_lines[0].text, ctx.directory)
    return parse_unit_line(";".join(u.text.rstrip("。;") for u in node.unit_lines), ctx.directory)


def _walk(node: _Node, ctx: _Context, inherited: Units | None) -> None:
    if node.children:
        declared = _node_declaration(node, ctx) or inherited
        own = _text_of(node.lines)
        clauses = find_clauses(own[0], ctx.directory, tail=False)  # a parent's tail declares for its items
        at = len(ctx.tasks)
        if any(c.units for c in clauses):
            _emit_item(node, ctx, inherited, leaf=False)
        emitted = len(ctx.tasks) - at
        for child in node.children:
            _walk(child, ctx, declared)
        if emitted == 1 and len(ctx.tasks) > at + 1 and all(
                t.parent_ref is not None and t.parent_ref.startswith(node.ref) for t in ctx.tasks[at + 1:]):
            del ctx.tasks[at]  # an item whose sub-items are tasks is a heading, even with a clause of its own
        return
    _emit_item(node, ctx, inherited, leaf=True)


def _text_of(lines: list[SourceLine]) -> tuple[str, list[tuple[int, int]]]:
    """Joined text of broken lines and (offset, line number) starts for mapping spans back to lines."""
    parts, starts, offset = [], [], 0
    for line in lines:
        starts.append((offset, line.number))
        parts.append(line.text)
        offset += len(line.text)
    return "".join(parts), starts


def _line_at(starts: list[tuple[int, int]], offset: int) -> int:
    number = starts[0][1]
    for start, line_number in starts:
        if start > offset:
            break
        number = line_number
    return number


PROGRESS_LABEL_RE = re.compile(r"^(?:目前|当前)?(?:完成|进展|推进|落实|办理|办结|实施)情况\s*[:：]")
# A paragraph reporting the item done ("此项工作已完成。截至…"), or such a note closing the item's line
# ("…(责任单位:…)该件实事已全面完成"): progress, no text of the task.
PROGRESS_DONE_RE = re.compile(r"^(?:此|该|本)(?:件|项)?(?:实事|工作|任务|项目)?已(?:全面|全部|基本)?(?:完成|办结)")
_DONE_TAIL_RE = re.compile(r"(?<=[)）。])(?:此|该|本)(?:件|项)?(?:实事|工作|任务|项目)?已(?:全面|全部)?(?:完成|办结)[。]?$")


def _emit_item(node: _Node, ctx: _Context, inherited: Units | None, *, leaf: bool) -> None:
    # a 通报's item headed by its task and unit label: the paragraphs under it report progress, they set no task
    lines = node.lines[:1] if ctx.bulletin and node.labelled_heading else node.lines
    # a paragraph labelled with the item's progress ("完成情况：…") reports what was done: no text of the task
    if lines and "已" in lines[0].text and _DONE_TAIL_RE.search(lines[0].text):
        lines = [SourceLine(lines[0].number, _DONE_TAIL_RE.sub("", lines[0].text)), *lines[1:]]
    text, starts = _text_of(lines)
    if len(lines) > 1 and ("情况" in text or "已" in text):
        cut = next((k for k in range(1, len(lines)) if ("情况" in lines[k].text[:6]
                    and PROGRESS_LABEL_RE.match(lines[k].text)) or PROGRESS_DONE_RE.match(lines[k].text)), None)
        if cut is not None:
            text, starts = _text_of(lines[:cut])
    if node.kind == "para":
        _emit_paragraph(node, ctx, text)
        return
    non_task = _section_is_non_task(node) or ctx.regulation
    parent_ref = node.parent.ref if node.parent else None
    if node.table_rows:
        above: _Row | None = None
        for ref, row in _row_refs(node):
            if row.seq in ("", "+") and not row.lead and not row.support and above is not None:
                row = replace(row, lead=above.lead, support=above.support)  # the unit cell merged over both rows
            above = row
            units = _cell_units(row.lead, ctx)
            support = _cell_units(row.support, ctx) if row.support else None
            if units and support:
                units = Units(lead=units.lead, support=units.support + support.lead + support.support, split=True)
            elif support:  # no 牵头 named in the row (its cell cut, blank or a person's): its units all lead
                units = Units(lead=support.lead + support.support)
            _add_task(ctx, ref, row.line.number, row.line.number, row.text, node.ref or None, units,
                      time_limit=row.time)
        return
    if leaf and node.kind == "cn" and len(node.lines) > 2 and _emit_closed_groups(node, ctx, parent_ref):
        return
    clauses = find_clauses(text, ctx.directory, tail=leaf)
    line_units = _unit_lines(node, ctx) or Units()
    last_line = max([n.number for n in node.lines] + [u.number for u in node.unit_lines])
    groups = _sentence_groups(text, clauses)
    if len(groups) > 1:
        heading = node.lines[0].text  # "一、努力扩大内需" over paragraphs of its own: the paragraphs are the tasks
        if node.kind == "cn" and len(node.lines) > 2 and len(heading) <= 40 and "。" not in heading and all(
                "。" in line.text for line in node.lines[1:]) and groups[0][2] is not None \
                and groups[0][2].start > len(heading):
            groups[0] = (len(heading), *groups[0][1:])
        for k, (start, end, clause) in enumerate(groups, start=1):
            units = clause.units if clause and clause.units else None
            _add_task(ctx, f"{node.ref}[{k}]", _line_at(starts, start), _line_at(starts, max(start, end - 1)),
                      text[start:end], parent_ref, units or inherited, prose_text=text[start:end])
        _note_following(clauses, ctx)
        return
    units = Units()
    for clause in clauses:
        units.extend(clause.units)
    units.extend(line_units)
    if not units and node.closer is not None:
        units = parse_prose(node.closer.text.rstrip("。"), ctx.directory) or units
    explicit = bool(units)
    if not explicit and inherited:
        units = inherited
    flags: tuple[str, ...] = ()
    if ctx.bulletin and not units and leaf and "负责的" in text and _emit_quoted_duties(node, ctx, text, starts):
        return
    if node.notice and not non_task and parent_ref is not None and any(
            t.parent_ref == parent_ref and not {"no_unit", "prose_assignment"} & set(t.flags) for t in ctx.tasks[-4:]):
        pass  # the item's siblings name their units: a list of the plan published with no break from the notice
    elif (non_task or node.notice) and not units and leaf:
        # Requirements: a task only where the prose assigns dated work to a named unit ("市住建局要每月召开调度会"),
        # flagged for review. A 印发 notice's own items also where they name a unit, or a group with a date.
        strict = non_task and not node.notice and not ctx.bulletin
        if strict and not ((_NAMED_DOER_HINT_RE.search(text) or "单位" in text) and _states_deadline(text, ctx)):
            return  # cheap checks first: a body's name (or a group named by its role) before a duty word, a date
        prose = parse_prose(_strip_marker(_prose_text(node.lines, text)), ctx.directory)
        if prose is None:
            return
        # (a group named by its role in the work, "牵头单位" / "各责任单位", asked for something by a date)
        named = _names_a_unit(prose, ctx) or (strict and bool(prose.lead) and all(
            ROLE_GROUP_RE.match(n) for n in prose.lead))
        # (a notice's requirement names a unit in passing; a 通报's instruction to the units it names is theirs)
        if not (named if strict else ((named and ctx.bulletin) or _states_deadline(text, ctx) or _asks_report(text))):
            return
        units, flags = prose, ("prose_assignment",)
    elif non_task and not units:
        return
    if not leaf and not explicit:
        return
    if ctx.doc.kind == "通知" and leaf and not units and _THING_SUBJECT_RE.match(_item_body(node)) \
            and not _states_deadline(text, ctx):
        return  # "建议项目要符合…": what a thing must be (a criterion of the notice), no one's duty
    if not units and _cut_heading(node, ctx, text):
        return
    _add_task(ctx, node.ref, node.lines[0].number, last_line, text, parent_ref, units or None,
              prose_lines=node.lines, flags=flags)


# "上述项目由区商务委牵头负责。" on a line of its own: the unit of every paragraph since the previous such line.
GROUP_CLOSER_RE = re.compile(r"^(?:上述|以上)(?:各)?(?:项目|任务|工作|事项|实事)(?:均|统一)?由(?P<units>[^,;。由]{2,60}?)"
                             r"(?:牵头|负责|主办)")


def _emit_closed_groups(node: _Node, ctx: _Context, parent_ref: str | None) -> bool:
    """An item whose paragraphs (after its heading line) come in groups, each closed by a line naming the group's
    unit: each paragraph is a task of that unit (a heading that lists the paragraphs in brief is no task)."""
    body = node.lines[1:]
    if not any(line.text.startswith(("上述", "以上")) and GROUP_CLOSER_RE.match(line.text) for line in body):
        return False  # (cheap: the common item has no such line)
    pending: list[SourceLine] = []
    k = 0
    for line in body:
        closer = GROUP_CLOSER_RE.match(line.text)
        if closer is None:
            pending.append(line)
            continue
        units = parse_prose(line.text.rstrip("。"), ctx.directory)
        for paragraph in pending:
            k += 1
            _add_task(ctx, f"{node.ref}[{k}]", paragraph.number, paragraph.number, paragraph.text, parent_ref,
                      units, prose_text=paragraph.text)
        pending = []
    for paragraph in pending:  # paragraphs after the last group: tasks of their own words
        k += 1
        _add_task(ctx, f"{node.ref}[{k}]", paragraph.number, paragraph.number, paragraph.text, parent_ref, None,
                  prose_text=paragraph.text)
    return True


# A 督查通报 names the decisions that lag by their units: "县发改局负责的“严格落实…”" (quoted: a task each), "由县民政局
# 负责的第1件、县发改局负责的第4件…进展滞后，请以上责任单位加快…" (numbered: one instruction to all of them).
QUOTED_DUTY_RE = re.compile(
    r"(?P<units>[^,;。:“”]{2,60}?)(?:负责|牵头|承办)的(?:“(?P<quote>[^”]{2,}?)”|第[\d、,和及至-]+(?:件|项))")
_QUOTED_OPENER_RE = re.compile(r"^(?:如|例如|比如|其中|以及|及|和|由)")


def _cut_heading(node: _Node, ctx: _Context, text: str) -> bool:
    """"二、主要工作任务" followed only by the start of its first line ("(一", "按照上述原则,…") where the stored text
    ends: the heading of items that were not stored, no task of its own."""
    return (node.kind == "cn" and len(node.lines) > 1 and "。" not in text and ";" not in text
            and len(node.lines[0].text) <= CUT_HEADING_MAX and "。" not in node.lines[0].text
            and bool(ctx.doc.lines) and node.lines[-1].number == ctx.doc.lines[-1].number
            and parse_prose(_strip_marker(_prose_text(node.lines, text)), ctx.directory) is None)  # (a duty begun)


CUT_HEADING_MAX = 24


def _emit_quoted_duties(node: _Node, ctx: _Context, text: str, starts: list[tuple[int, int]]) -> bool:
    """The lagging decisions of a 通报 item as tasks of their units; False when the item names none."""
    quoted: list[tuple[int, int, list[str]]] = []
    numbered: list[str] = []
    for m in QUOTED_DUTY_RE.finditer(text):
        written = m.group("units")
        opener = _QUOTED_OPENER_RE.match(written)
        begin = m.start("units") + (opener.end() if opener else 0)
        names = split_units(text[begin:m.start("units") + len(written)], ctx.directory)
        if not names or not all(ctx.directory.is_unit_shaped(n) for n in names):
            continue
        if m.group("quote"):
            quoted.append((begin, m.end(), names))
        else:
            numbered.extend(n for n in names if n not in numbered)
    if quoted:
        for k, (begin, end, names) in enumerate(quoted, start=1):
            _add_task(ctx, f"{node.ref}[{k}]", _line_at(starts, begin), _line_at(starts, end - 1), text[begin:end],
                      node.ref, Units(lead=names))
        return True
    if numbered:
        _add_task(ctx, node.ref, node.lines[0].number, node.lines[-1].number, text,
                  node.parent.ref if node.parent else None, Units(lead=numbered))
        return True
    return False


def _strip_marker(text: str) -> str:
    marker = _marker(text)
    return marker[3] if marker else text


def _names_a_unit(units: Units, ctx: _Context) -> bool:
    """Whether a unit named is one body (市住建局), not only groups (各成员单位, 各级各部门), categories (建制镇) or
    the issuing government itself (市政府)."""
    return any(not ctx.directory.is_group_name(n) and not CATEGORY_RE.search(n) and not ISSUING_GOVERNMENT_RE.match(n)
               and ctx.directory.is_unit_shaped(n) for n in units.lead + units.support)


def _states_deadline(text: str, ctx: _Context) -> bool:
    """Whether the text sets a date or a dated recurrence (not 长期/定期)."""
    if not _DATE_HINT_RE.search(text):
        return False  # cheap: no digit, month, year part, quarter, cadence or festival anywhere
    if "“" in text:
        text = _QUOTED_RE.sub("", text)  # a quoted motto ("年初公布、年底兑现") is a principle, not a date
    return any((s.due is not None and s.kind not in ("recurring", "range"))
               or (s.kind == "recurring" and s.confidence >= 1.0)
               for s in extract_deadlines(text, issued_on=ctx.doc.issued_on or PARAGRAPH_DEFAULT_ISSUE))


_NAMED_REQUEST_RE = re.compile(r"请(?:各|以上|相关|有关|牵头|责任)")
_REQUEST_OPENING_RE = re.compile(r"^请(?:于|在|务必|各单位|你们|你单位)")


_NEXT_STEPS_RE = re.compile(r"^(?:下一步|下步|下阶段)")


def _reporting_sentence(text: str, ctx: _Context) -> str | None:
    """The sentence of a paragraph that asks a named unit or group for a report ("各责任单位要…及时报送进展情况");
    None when no sentence does (the issuer's own "区政府办公室将…通报" asks nobody)."""
    for sentence in SENTENCE_END_RE.split(text):
        if not _SUBMIT_RE.search(sentence):
            continue
        units = parse_prose(sentence, ctx.directory)
        if units and all(ctx.directory.is_unit_shaped(n) and not ISSUING_GOVERNMENT_RE.match(n) for n in units.lead):
            return sentence
    return None


_SUBMIT_RE = re.compile(r"(?:要|须|应|及时|按时|定期)[^。;,]{0,6}?(?:报送|上报)"
                        r"|将[^。;,]{1,20}?报(?:告|送)?(?=[省市县区州旗][^。;,]{0,6}(?:政府|委员会|办公室)|上级)")
# ("将…报省人民政府", "将进展情况按季度书面报告市委、市政府")


# A news report's lead: the day an event happened, then the event ("2月20日,市政府办公室印发通知,…"); what it
# retells of the directive is no task of its own.
NEWS_LEAD_RE = re.compile(r"^(?:(?:19|20)\d{2}年)?\d{1,2}月\d{1,2}日(?:上午|下午|晚)?[,，][^,，。]{0,40}?"
                          r"(?:印发|召开|发布|出台|举行|主持|获悉|了解到|公布)")


# A sentence whose subject is a thing ("建议项目要符合…", "申报材料要真实"): a criterion, not a duty.
_THING_SUBJECT_RE = re.compile(r"^[^,;。:]{0,10}(?:项目|建议|内容|材料|资料|资金|标准|方案)(?:均|都)?(?:要|须|应)")


def _item_body(node: _Node) -> str:
    """An item's first sentence after its marker, or after its heading line ("一、征集内容" / "民生实事项目要…")."""
    first = _strip_marker(node.lines[0].text)
    if len(node.lines) > 1 and "。" not in first and len(first) <= 20:
        return node.lines[1].text
    return first


def _emit_paragraph(node: _Node, ctx: _Context, text: str) -> None:
    """A paragraph outside the numbering is a task when it says who does what by when: a unit clause, "由A牵头负责"
    or a sentence whose subject is a unit ("各地、各部门应于年中…"), and a deadline. Without a date it describes
    standing roles (a plan's 职责 paragraphs) or exhorts, and is no task."""
    if node.unit_lines:  # one of the paragraphs a "上述项目由A牵头负责" line closes
        line = node.lines[0].number
        _add_task(ctx, node.ref, line, line, text, None, parse_prose(node.unit_lines[0].text, ctx.directory))
        return
    if "会议" in text and _emit_minutes(node, ctx, text):
        return
    if not PARAGRAPH_DUTY_RE.search(text) or (text[:1].isdigit() and NEWS_LEAD_RE.match(text)):
        return
    reporting: str | None = None
    if not _states_deadline(text, ctx) and not ("请" in text and (ctx.bulletin or (
            _NAMED_REQUEST_RE.search(text) and _asks_report(text)))):
        # (a 通报's request to the units it names is its instruction, dated or not; so is a request for a report or
        # a plan, and a 通报's next steps, "下一步,各牵头单位要…")
        if ctx.bulletin and _NEXT_STEPS_RE.match(text):
            pass
        elif _SUBMIT_RE.search(text) and (reporting := _reporting_sentence(text, ctx)) is not None:
            pass  # "…各责任单位要…及时报送工作进展情况": the units asked for the report, not everyone exhorted
        else:
            return
    clauses = find_clauses(text, ctx.directory)
    units = Units()
    for clause in clauses:
        units.extend(clause.units)
    if not units:
        units = parse_prose(reporting or text, ctx.directory) or Units()
    if not units and not _REQUEST_OPENING_RE.match(text):
        return  # ("请于12月25日前将申报材料报…": a dated request to the addressees, the recipients' task)
    line = node.lines[0].number
    _add_task(ctx, node.ref, line, line, text, None, units or None)


# Minutes: a sentence stating what the meeting decided or asked for ("会议要求,…", "会议同意…", "会议强调,…要…");
# one that notes or reviews ("会议指出", "会议听取", "经会议研究,同意《…》") ends the decision before it.
MINUTES_DECISION_RE = re.compile(r"^(?:会议|会上)(?:还|并|再次|进一步)?(?P<verb>要求|同意|决定|议定|强调|部署)[,:，：]?")
_MINUTES_OTHER_RE = re.compile(r"^(?:经?会议|会上|会前|会后)")
_MINUTES_SENTENCE_RE = re.compile(r"[^。!?;]*[。!?;]?")
# A modal verb of duty: a 强调 that states one ("各部门要…") asks something, one that only weighs ("意义重大") does not.
_DUTY_MODAL_RE = re.compile(r"(?<![重主需只])要(?![求点素件])|务必")


def _emit_minutes(node: _Node, ctx: _Context, text: str) -> bool:
    """A paragraph of meeting minutes: each decision sentence is a task, with the sentences that carry it on
    (those not opening with "会议…"); a later sentence of its own, a named unit asked for a report or a date
    ("督查室要…按月汇总报告"), is a task of that unit. The subject of the paragraph's opening note
    ("会议指出,全区公安机关…") is the doer of a decision that names none ("会议要求,要继续…")."""
    sentences = [m.group() for m in _MINUTES_SENTENCE_RE.finditer(text) if m.group().strip()]
    if not any(MINUTES_DECISION_RE.match(s.lstrip()) for s in sentences):
        return False
    groups: list[list[int]] = []  # sentence indexes of each decision
    current: list[int] | None = None
    for k, sentence in enumerate(sentences):
        body = sentence.lstrip()
        decision = MINUTES_DECISION_RE.match(body)
        if decision is not None:
            if decision.group("verb") in ("强调", "部署") and not _DUTY_MODAL_RE.search(body):
                current = None
                continue
            current = [k]
            groups.append(current)
        elif _MINUTES_OTHER_RE.match(body):
            current = None
        elif current is not None:
            if _states_deadline(body, ctx) or _asks_report(body):
                units = parse_prose(body, ctx.directory)
                if units is not None and _names_a_unit(units, ctx):
                    current = [k]
                    groups.append(current)
                    continue
            current.append(k)
    if not groups:
        return True  # minutes that decide nothing: no task (not a notice's paragraph)
    offsets = [0]
    for sentence in sentences:
        offsets.append(offsets[-1] + len(sentence))
    note_units: Units | None = None
    if groups[0][0] > 0:
        note = MINUTES_NOTE_RE.sub("", sentences[0].lstrip())
        note_units = parse_prose(note, ctx.directory)
        subject = _NOTE_SUBJECT_RE.match(note) if not note_units else None
        names = split_units(subject.group(1), ctx.directory) if subject else None
        if names and all(ctx.directory.is_unit_shaped(n) for n in names):
            note_units = Units(lead=names)
    shift = 1 if groups[0][0] > 0 else 0
    line = node.lines[0].number
    for ordinal, group in enumerate(groups, start=1 + shift):
        start, end = offsets[group[0]], offsets[group[-1] + 1]
        chunk = text[start:end].strip()
        body = MINUTES_DECISION_RE.sub("", chunk, count=1)
        clauses = find_clauses(chunk, ctx.directory)
        units = Units()
        for clause in clauses:
            units.extend(clause.units)
        if not units:  # the decision's own sentence first: later ones name roles within it ("牵头部门要…")
            units = parse_prose(sentences[group[0]].lstrip()[len(chunk) - len(body):], ctx.directory) or Units()
        if not units and len(group) > 1:
            units = parse_prose(body, ctx.directory) or Units()
        if not units and note_units and _DUTY_MODAL_RE.match(body.lstrip(",，")):
            units = note_units  # "会议要求,要…": the subject the meeting's note named
        ref = node.ref if ordinal == 1 else f"{node.ref}[{ordinal}]"
        _add_task(ctx, ref, line, line, chunk, None, units or None)
    return True


# The subject of a note on work done ("全县公安机关集中开展…,取得…成效"): the body before its activity verb.
_NOTE_SUBJECT_RE = re.compile(r"^([^,;。“《]{2,24}?)(?:集中|开展|认真|积极|扎实|深入|全力|持续|大力|切实|组织|部署)")
MINUTES_NOTE_RE = re.compile(r"^(?:会议|会上)(?:指出|认为|听取了?|肯定了?)[,:，：]?")


def _prose_text(lines: list[SourceLine], text: str) -> str:
    """The item's text for prose subjects: a heading line ("六、确保各项政策落到实处") ends a sentence of its own,
    so the next line's subject ("各县(区)、各有关部门要…") starts a sentence."""
    head = lines[0].text
    if len(lines) > 1 and head[-1:] not in SENTENCE_CLOSED and len(head) <= 40 and "。" not in head:
        return head + "。" + text[len(head):]
    return text


def _note_following(clauses: list[Clause], ctx: _Context) -> None:
    for clause in clauses:
        if clause.following:
            ctx.following = clause.following


_DETAIL_BULLETS = "▲△●○■□◆◇▪•"


def _sentence_groups(text: str, clauses: list[Clause]) -> list[tuple[int, int, Clause | None]]:
    """Split an item at unit clauses that are followed by more sentences: each group is its own task."""
    unit_clauses = [c for c in clauses if c.units]
    if not unit_clauses or (
        len(unit_clauses) == 1
        and (len(CJK_RE.findall(text[unit_clauses[0].end:])) < SINGLE_CLAUSE_REMAINDER
             or CLOSING_RE.match(text[unit_clauses[0].end:].lstrip("。;, ")))
    ):
        return [(0, len(text), unit_clauses[0] if unit_clauses else None)]
    groups: list[tuple[int, int, Clause | None]] = []
    start = 0
    for clause in unit_clauses:
        end = clause.end
        while end < len(text) and text[end] in "。;,":
            end += 1
        groups.append((start, end, clause))
        start = end
    rest = text[start:]
    if len(CJK_RE.findall(rest)) >= CLAUSE_MIN_REMAINDER and rest.lstrip()[:1] not in _DETAIL_BULLETS:
        # (a bulleted line after the clause, "▲增加值可比增长14%", details the item above it)
        groups.append((start, len(text), None))
    elif groups:
        s, _, c = groups[-1]
        groups[-1] = (s, len(text), c)
    return groups


def _table_cells(text: str, raw: str) -> list[str]:
    """A table row's cells: tab-separated (runs of tabs are one gap) or pipe-separated (an empty cell is kept
    in its column; the outer pipes open and close the row)."""
    if "|" in text:
        cells = [c.strip() for c in TABLE_SPLIT_RE.split(text)]
        if cells and not cells[0]:
            cells = cells[1:]
        if cells and not cells[-1]:
            cells = cells[:-1]
        return cells
    if "\t" in raw:
        return [c.strip() for c in TABLE_SPLIT_RE.split(text) if c.strip()]
    return []


def _table_row(cells: list[str], columns: Columns, line: SourceLine) -> _Row:
    def cell(index: int | None) -> str:
        return cells[index] if index is not None and index < len(cells) else ""

    if columns.seq and cells[0].isdigit() and columns.seq < len(cells) and not cells[columns.seq].isdigit():
        cells = [""] * columns.seq + cells  # the category cell before the 序号 spans rows: stored in its first only
    seq = cell(columns.seq) if columns.seq is not None else cells[0]
    # (a table without a 序号 column numbers its rows by position: "+", each row a task of its own)
    seq = seq if seq.isdigit() else "+" if columns.seq is None and cell(columns.task) else ""
    task = cell(columns.task)
    # the task's text: the task cell, else every cell but the 序号 (tab rows of OCR text carry no header roles)
    text = task or " ".join(c for i, c in enumerate(cells) if c and i != columns.seq)
    if task and columns.seq is None and not cells[0].isdigit():
        text = task
    return _Row(seq, line, text, cell(columns.lead), cell(columns.support), cell(columns.time))


def _row_refs(node: _Node) -> list[tuple[str, _Row]]:
    """Rows with their refs "#<序号>"; a row whose 序号 is empty continues the numbering of the row above it: that
    number's rows become "#3a", "#3b", …; a row repeating the one above it (merged cells read twice) is dropped."""
    groups: list[tuple[str, list[_Row]]] = []
    for row in node.table_rows:
        if groups and (row.seq in ("", "+") or row.seq == groups[-1][0]):
            previous = groups[-1][1][-1]
            if (row.text, row.lead, row.support, row.time) == (previous.text, previous.lead, previous.support,
                                                                 previous.time):
                continue
        if row.seq == "+":  # a table without 序号: each row numbered by its position
            groups.append((str(len(groups) + 1), [row]))
        elif groups and (not row.seq or row.seq == groups[-1][0]):
            groups[-1][1].append(row)
        else:
            groups.append((row.seq or str(len(groups) + 1), [row]))
    out: list[tuple[str, _Row]] = []
    for seq, rows in groups:
        for k, row in enumerate(rows):
            suffix = chr(ord("a") + k) if len(rows) > 1 and k < 26 else ""
            out.append((f"{node.ref}#{seq}{suffix}", row))
    return out


# A head's name: 2-3 characters, no place or level in front, no body's ending ("县文联" is a unit).
_PERSON_NAME_RE = re.compile(r"^(?![省市县区州镇乡街各])[\u4e00-\u9fff]{2,3}(?<![局委办厅府会联社所站队院部室处])$")


def _persons_dropped(cell: str, directory: DepartmentDirectory) -> str:
    """"市民政局 伍泽国": a unit and, after a space, its head's name (2-3 characters, no body's ending): the unit."""
    parts = cell.split()
    kept = [p for p in parts if not (_PERSON_NAME_RE.match(p) and not directory.looks_like_unit(p))]
    return " ".join(kept) if kept and len(kept) < len(parts) else cell


_BLANK_MARKS = frozenset("—–-/ ")


def _cell_units(cell: str, ctx: _Context) -> Units | None:
    """A unit column's cell: every unit it names has the column's role, unless the cell says who leads
    ("A牵头，B配合", ★A) or the document makes the first of a list its lead (then `_add_task` splits it)."""
    if cell[:1] in _BLANK_MARKS and not cell.strip("".join(_BLANK_MARKS)):
        return None  # "—", "/": a cell left blank on purpose names no unit
    if " " in cell.strip():
        cell = _persons_dropped(cell, ctx.directory)
    units, _ = parse_clause(cell, ctx.directory)
    if units is None:
        names = split_units(cell, ctx.directory, lenient=True)
        return Units(lead=names) if names else None
    if not units.split:
        units = Units(lead=units.lead + units.support)
    return units


def _add_task(
    ctx: _Context,
    ref: str,
    line: int,
    line_end: int,
    text: str,
    parent_ref: str | None,
    units: Units | None,
    *,
    prose_text: str | None = None,
    prose_lines: list[SourceLine] | None = None,
    time_limit: str = "",
    flags: tuple[str, ...] = (),
) -> None:
    flag_list = list(flags)
    if not units and prose_lines is not None:
        prose_text = _prose_text(prose_lines, text)  # built only when needed: most items name their units
    from_prose = "prose_assignment" in flag_list
    if not units and prose_text:
        marker = _marker(prose_text)
        units = parse_prose(marker[3] if marker else prose_text, ctx.directory)
        from_prose = units is not None
    shared = [d for d in ctx.shared if d.line < line or (d.inclusive and d.line <= line_end)] if ctx.shared else None
    if shared:
        merged = Units(lead=list(units.lead) if units else [], support=list(units.support) if units else [],
                       split=units.split if units else False)
        merged.lead.extend(n for n in shared[-1].units.lead if n not in merged.lead)
        units = merged
    if units and units.duty and ctx.support_labelled:
        units = Units(lead=units.lead + units.duty, support=[n for n in units.support if n not in units.duty],
                      split=True)
    # (the first-listed rule reads unit lists; the subjects of prose are each a doer of their own sentence)
    if units and ctx.first_is_lead and not from_prose and not units.split and len(units.lead) > 1:
        units = Units(lead=units.lead[:1], support=units.lead[1:] + units.support, split=True)
    if not units:
        units = Units(lead=list(ctx.doc.recipients))
        flag_list.append("no_unit")
    aliases = ctx.aliases
    if not BARE_GROUPS.isdisjoint(units.lead) or not BARE_GROUPS.isdisjoint(units.support):
        aliases = {**aliases, **_bare_groups_to_recipients(units, ctx.doc.recipients)}
    lead, support = resolve_units(units, ctx.directory, aliases=aliases)
    for mention in (*lead, *support):
        if mention.flags:
            flag_list.append("unit_review")  # a unit matched only by repairing its name: check it
            break
    ctx.tasks.append(
        ExtractedTask(
            ref=ref,
            line=line,
            line_end=line_end,
            text=text,
            title=_title(text),
            parent_ref=parent_ref,
            lead_units=lead,
            support_units=support,
            flags=tuple(flag_list),
            time_limit=time_limit,
        )
    )


def _bare_groups_to_recipients(units: Units, recipients: tuple[str, ...]) -> dict[str, str]:
    """"各部门" / "各单位" with no level: the directive's own recipient group of that kind (省政府各部门, 市直各单位),
    as an alias: the unit stays written as the text writes it."""
    out: dict[str, str] = {}
    for name in (*units.lead, *units.support):
        if not BARE_GROUP_RE.match(name):
            continue
        noun = name[-2:]
        group = next((r for r in recipients if r.endswith(noun) and ("直" in r or "各" in r)), None) or next(
            (r for r in recipients if "直" in r), None)
        if group is not None:
            out[name] = group
    return out


TITLE_RE = re.compile(r"^[^。;:]{2,40}?[。]")


def _title(text: str) -> str:
    body = text
    m = _marker(body)
    if m:
        body = m[3]
    t = TITLE_RE.match(body)
    return (t.group(0).rstrip("。") if t else body[:40]).strip()
