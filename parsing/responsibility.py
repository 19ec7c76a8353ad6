"""Who is responsible: unit clauses in brackets, 责任单位: lines, table cells and prose subjects.

Every parser here returns `Units` (lead and support written names, in text order); matching them against
the directory happens later (`resolve_units`). Roles:
- labelled lists: 牵头/主办/责任 单位 → lead, 配合/协办/参与/协助 单位 → support ("责任单位:" alone: all lead);
- verb clauses: "A牵头，B配合", "A会同B负责", "A负责，B配合" → A lead, B support; after a 牵头 part, units that
  are "按职责分工负责" are support;
- a list with no split: "按职责分工负责" / "分别负责" / "共同负责" → all lead, otherwise the first unit is lead and
  the others support.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .departments import CATEGORY_RE, LEAD_MARK, NOT_UNIT_RE, DepartmentDirectory, clean_unit
from .results import DepartmentMention

LEAD_LABEL = r"主要责任|牵头责任|牵头|主办|责任|主责|负责"  # 牵头责任单位, 协同责任单位: the first word decides
SUPPORT_LABEL = r"相关责任|有关责任|其他责任|协同责任|配合责任|配合|协办|参与|协助|协同|数据提供|提供"  # 数据提供单位: beside a lead, support
_LABEL_NOUN = r"(?:单位|部门|主体|处室)"
# "牵头单位：" / "配合部门:" / "【责任单位】" labels inside a clause or at the start of a line.
# "部门分工：A牵头，B配合": a label naming no role; the roles are in the list.
_SPLIT_LABEL = r"(?:部门|责任|任务|职责)?分工"
LABEL_RE = re.compile(rf"(?:[【\[〔]\s*)?(?:(?:({LEAD_LABEL})|({SUPPORT_LABEL})){_LABEL_NOUN}|({_SPLIT_LABEL}))"
                      rf"(?:\s*[】\]〕]\s*:?|\s*:)")
LINE_LABEL_RE = re.compile(rf"^(?:[【\[〔]\s*)?(?:(?:{LEAD_LABEL}|{SUPPORT_LABEL}){_LABEL_NOUN}|{_SPLIT_LABEL})"
                           rf"(?:\s*[】\]〕]\s*:?|\s*:)")
# A unit marked as the lead of its list: "★市发改委", "市发改委★", "市发改委（牵头）".
LEAD_MARK_RE = re.compile(r"[★☆]|\((?:牵头|牵头单位|主责|主责单位)\)")
# A segment of a verb clause ends at a comma/semicolon, or right after its role verb.
SEGMENT_SPLIT_RE = re.compile(r"(?<=负责|牵头|配合|参与|协助|落实|协同|主办|协办|协作)[、,;]|[,;]")
# A role verb at the end of a segment, with its optional qualifiers ("按职责分工分别负责", "按职责牵头").
ROLE_TAIL_RE = re.compile(
    r"(?:按照?职[责能])?(?:分工)?(?:分别|共同|具体)?(?P<verb>负责落实|负责|总牵头|牵头|主办|配合|参与|协助|协同|协办|协作|"
    r"抓好落实|组织落实|落实)$"
)
ROLE_TAIL_MAX = 14  # the longest ROLE_TAIL_RE match: "按照职责分工分别负责落实"
# Role verbs read as one of the two roles: "A主办，B协办" is "A牵头，B配合".
_VERB_ROLE = {"总牵头": "牵头", "主办": "牵头", "协办": "配合", "协作": "配合"}
# A field opening with its own label ("完成时限：", "责任领导：", "责任单位："); only unit labels name units.
FIELD_LABEL_RE = re.compile(r"^[\u4e00-\u9fff]{2,6}\s*[:]")
# Qualifiers that make every unit of a list a lead ("A、B按职责分工负责", "A、B分别牵头").
ALL_LEAD_RE = re.compile(r"按照?职[责能]|分工|分别|共同")
# Prose: "由A牵头" and sentence subjects "A要 / A应 / A负责".
PROSE_BY_RE = re.compile(r"由([^,;。由]{2,60}?)(?=[牵负统])(?:牵头|负责|统一(?:组织|负责|安排|部署))")
# "由区督查组综合后向区政府汇报": a report of the unit's own to make
PROSE_BY_REPORT_RE = re.compile(
    r"由([^,;。由]{1,30}?[局委办室府组心门位厅])(?:[^,;。由向]{1,8}后)?向[^,;。]{1,20}?(?:报告|汇报|报送)")
# Minutes: the units whose proposal a meeting approves carry it on ("会议同意区发改局提出的《…》").
PROPOSER_RE = re.compile(r"(?:原则)?同意(?P<units>[^,;。《]{2,60}?)(?=[提起拟上报])(?:提出|提交|起草|拟定|上报|报送)的")
# A request to units: "请各地、各部门…", at a clause start.
REQUEST_RE = re.compile(r"(?:^|(?<=[,;。:]))请(?P<rest>[^,;。]{2,60})")
_ORGANISE_RE = re.compile(r"组织|会同|联合|带领|协调|督促|指导")
_REQUEST_HEAD_RE = re.compile(r"[^“”\"'于在将把对按要务及时认真]{2,40}")
# A time phrase opening a sentence before its subject: "自2020年起，", "从3月份开始，", "汛期前，".
LEADING_TIME_RE = re.compile(r"^[^,;。]{1,14}?(?=[起开以之前后期])(?:起|开始|以来|以后|之后|之前|前|后|期间)[,:]")
PROSE_SUBJECT_RE = re.compile(  # (the lookahead on the verbs' first characters spares trying each at every end)
    r"^([^,;。]{2,60}?)(?:也|都|均|亦|还)?(?=[要应负牵须必务需每将于向适及定主对])(?:(?<![主重需])要|对(?=[^,;。]{1,30}?负总?责)|应当|应|负责|牵头(?![单部])|须|必须|务必|需(?!要)|每[月季年周半]|(?P<will>将(?![来近])|"
    r"于(?=\d|[一二三四五六七八九十]{1,2}月|每))|(?:适时|及时|定期|主动)?向(?=[^,;。]{1,20}(?:报告|报送|汇报|反馈)))"
)
# A unit declared once for many tasks: "以下均需A负责落实，不再列出" (every later task), "具体任务均涉及A，不再做分工，
# 下同" (this task and every later one), "以下各项均需各县区落实，不再单独列出".
# The regex starts at 均 (a literal: cheap to scan for); what scope precedes it is read by `_declaration_start`.
FOLLOWING_RE = re.compile(
    r"均(?:需|须|由|要|涉及|为|应)?(?P<units>[^。;,]{2,60}?)"
    r",?(?:负责落实|负责|牵头|落实|参与|的?责任单位)?,?(?:不再|不另)(?:做|作|进行)?"
    r"(?:一一|单独|另行|重复|逐一|逐项)?(?:分工|列出|标注|列明|标明)[^。;]{0,4}?(?P<same>下同)?"
)
_DECLARATION_SCOPE_RE = re.compile(r"(?P<scope>以下)?(?:各项|所有|全部|具体)?(?:任务|工作|事项|措施)?$")


def _declaration_start(text: str, at: int) -> tuple[int, bool]:
    """Where a declaration whose 均 is at `at` starts, and whether it says 以下 (the tasks below only)."""
    scope = _DECLARATION_SCOPE_RE.search(text, max(0, at - 8), at)
    if scope is None:
        return at, False
    return scope.start(), scope.group("scope") is not None
# A document's own rule for lists that mark no lead: "排在第一位的为牵头单位", "未标明牵头单位的，第一个为牵头单位".
FIRST_IS_LEAD_RE = re.compile(r"(?=[第首排])(?:第一位|第一个|首位|首个|第一家|排名第一|排序第一|第一)[^。;,]{0,6}?(?:为|是|即为|系)[^。;,牵]{0,3}牵头")  # ("…为工作牵头单位")
# Inline alias: "中国铁塔股份有限公司阳泉分公司（以下简称“阳泉铁塔”）".
INLINE_ALIAS_RE = re.compile(r"([^\s,;:。、()“”]{4,40})\(以下简称[“\"]?([^()“”\"]{2,20}?)[”\"]?\)")
ALIAS_OPEN_RE = re.compile(r"\(以下简称")
# The full name is the last piece before "(以下简称": "…其森林草原防灭火指挥部办公室" → not "其…".
ALIAS_HEAD_SPLIT_RE = re.compile(r"[,;、。由将要的其]")
CLAUSE_EDGE = "。;!?"  # a unit clause follows a sentence or ends one
SENTENCE_END_RE = re.compile(r"[。;!?]")
# "牵头领导:X,牵头单位:A,数据提供单位:B": fields of a clause separated by commas (a comma before a new label).
FIELD_COMMA_RE = re.compile(r"[,，](?=[\u4e00-\u9fff]{2,6}\s*[:：])")
BRACKET_RE = re.compile(r"[()]")
# Brackets that enclose a unit clause besides ( ): 〔〕 【】 [] are read as ( ) (same length, so spans hold).
_CLAUSE_BRACKETS = (("〔", "("), ("【", "("), ("[", "("), ("〕", ")"), ("】", ")"), ("]", ")"))
_CLAUSE_OPENERS = frozenset("(〔【[")


def _round_brackets(text: str) -> str:
    if "〔" not in text and "【" not in text and "[" not in text:
        return text
    for other, round_ in _CLAUSE_BRACKETS:  # str.translate walks every CJK char in Python: far slower
        if other in text:
            text = text.replace(other, round_)
    return text
CONJUNCTION_RE = re.compile(r"以及|和|及|与")


@dataclass(slots=True)
class Units:
    """Written unit names by role, in text order."""

    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    split: bool = False  # the text itself says who leads (牵头 label or verb, ★, 配合 part)
    duty: list[str] = field(default_factory=list)  # support names that a 责任单位 label gave beside a 牵头 label

    def __bool__(self) -> bool:
        return bool(self.lead or self.support)

    def extend(self, other: Units) -> None:
        self.lead.extend(other.lead)
        self.support.extend(other.support)
        self.duty.extend(other.duty)
        self.split = self.split or other.split


@dataclass(frozen=True, slots=True)
class Clause:
    """A bracketed unit clause found in a task's text: its span (brackets included) and its units."""

    start: int
    end: int
    units: Units
    following: Units | None = None  # units declared for every later task ("以下均需…不再列出")
    kind: str = "bracket"  # bracket | field ("…。责任单位：A") | tail (an unbracketed list or "A牵头，B配合" ending the item)


def split_outside_brackets(text: str, separators: str) -> list[str]:
    """Split at any separator character that is not inside round brackets."""
    if "(" not in text:  # the common case: a plain split
        for sep in separators[1:]:
            text = text.replace(sep, separators[0])
        return [p for p in (p.strip() for p in text.split(separators[0])) if p]
    splitter = _SPLITTERS.get(separators)
    if splitter is None:  # (separators never hold a bracket)
        splitter = _SPLITTERS[separators] = re.compile("[()" + re.escape(separators) + "]")
    parts: list[str] = []
    depth = begin = 0
    for m in splitter.finditer(text):  # only brackets and separators, not every character
        ch = m.group()
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif depth == 0:
            parts.append(text[begin:m.start()])
            begin = m.end()
    parts.append(text[begin:])
    return [p for p in (p.strip() for p in parts) if p]


_SPLITTERS: dict[str, re.Pattern[str]] = {}


def split_units(text: str, directory: DepartmentDirectory, *, lenient: bool = False) -> list[str] | None:
    """A unit list → written unit names; None when some piece does not read as a unit.

    lenient: after a label such as "责任单位：" every short piece is a unit (阳泉军分区)."""
    out: list[str] = []
    pieces = _shared_heads(split_outside_brackets(text, ",;/"), directory) if _BARE_BEFORE_COMMA_RE.search(
        text) else split_outside_brackets(text, "、,;/")  # the common case: every listed name has a body word
    for piece in pieces:
        marked = "★" in piece or "☆" in piece or "(" in piece and LEAD_MARK_RE.search(piece) is not None
        if marked:
            piece = LEAD_MARK_RE.sub("", piece)
        piece = clean_unit(piece)
        if not piece or (piece[-1] in _PERSON_LAST and PERSON_RE.search(piece)):
            continue  # a person ("吕维峰副省长负责"), no unit
        subs = _split_conjunctions(piece, directory)
        if "各" in piece[2:]:
            subs = [name for sub in subs for name in _split_run_together(sub, directory)]
        for sub in subs:
            expanded = _split_inner_bracket(sub, directory)
            if expanded is None and lenient and len(sub) <= 25 and not NOT_UNIT_RE.search(sub):
                expanded = [sub]
            if expanded is None:
                return None
            out.extend(LEAD_MARK + name if marked else name for name in expanded)
    return out or None


# A person named beside the units: "吕维峰副省长", "分管副市长", "责任领导".
PERSON_RE = re.compile(r"(?:省长|市长|县长|区长|州长|镇长|乡长|主任|书记|秘书长|局长|厅长|部长|同志|领导|干部|负责人|人员)$")
_PERSON_LAST = frozenset("长任记志导部人员")
# A bare place or level with no body word: "相关市", "哈尔滨", "绥芬河市", "特区" (the head is the next name's).
_BARE_PLACE_RE = re.compile(r"^(?:各|相关|有关)?(?:[\u4e00-\u9fff]{0,4}[省市县区州旗镇乡]|[\u4e00-\u9fff]{2,3})$")


_BARE_BEFORE_COMMA_RE = re.compile(r"[^局委办厅府会心处室队所站院部门位司团行道联)]、")  # 联: 残联, 妇联
_OWN_SCOPE_RE = re.compile(r"各|直|有关|相关")  # "市直各部门" is a group of its own, not a head to share
_BODY_END_RE = re.compile(r"(?:局|委|办|厅|府|会|中心|处|室|队|所|站|院|部|门|位|公司|集团|行|街道|联)$")


# A group's offices ("各部门办公室"): after bare places ("各地、"), the office is each place's too, one group.
_GROUP_OFFICE_RE = re.compile(r"^各(?:有关|相关)?(?:部门|单位)(?:办公室|综合科|秘书科|督查室)$")


def _shared_heads(parts: list[str], directory: DepartmentDirectory) -> list[str]:
    """Split at 、 too, except where 、 joins bare places or levels that share the next name's head:
    "相关市、县政府", "哈尔滨、黑河、绥芬河市政府", "各市、特区、区人民政府" each stay one group."""
    out: list[str] = []
    for part in parts:
        if not _BARE_BEFORE_COMMA_RE.search(part):
            out.extend(split_outside_brackets(part, "、"))  # every listed name has a body word: a plain split
            continue
        pieces = split_outside_brackets(part, "、")
        pending: list[str] = []
        for piece in pieces:
            clean = clean_unit(piece)
            if _BARE_PLACE_RE.match(clean) and not _BODY_END_RE.search(clean) and directory.match(clean) is None:
                pending.append(piece)
                continue
            if pending:
                shares = directory.looks_like_unit(clean) and (
                    not _OWN_SCOPE_RE.search(clean) or _GROUP_OFFICE_RE.match(clean) is not None)
                out.extend(["、".join([*pending, piece])] if shares else [*pending, piece])
                pending = []
            else:
                out.append(piece)
        out.extend(pending)
    return out


def settle_lead_marks(units: Units) -> Units:
    """A list with units marked as lead (★, "（牵头）"): the marked ones lead, the others support; marks removed."""
    names = units.lead + units.support
    if not any(n.startswith(LEAD_MARK) for n in names):
        return units
    return Units(lead=[n[1:] for n in names if n.startswith(LEAD_MARK)],
                 support=[n for n in names if not n.startswith(LEAD_MARK)], split=True)


def _split_conjunctions(piece: str, directory: DepartmentDirectory) -> list[str]:
    if directory.looks_like_unit(piece) and directory.match(piece) is not None:
        return [piece]
    for m in CONJUNCTION_RE.finditer(piece):
        left, right = clean_unit(piece[: m.start()]), clean_unit(piece[m.end():])
        if left and right and directory.looks_like_unit(left) and directory.looks_like_unit(right):
            return [left, *_split_conjunctions(right, directory)]
    return [piece]


# Two units whose separator (a space in a table cell) was lost: a body's name, then a group with its own level and
# body ("县教体局各相关乡镇政府"). "市政府各部门" (the body's own departments) has no level of its own and stays one.
_RUN_TOGETHER_RE = re.compile(
    r"(?<=[局委办厅府会心处室队所站院])(?=各(?:相关|有关)?[省市县区州盟旗乡镇街][^各]{0,8}(?:政府|办事处|局|委|办)$)")


def _split_run_together(piece: str, directory: DepartmentDirectory) -> list[str]:
    m = _RUN_TOGETHER_RE.search(piece)
    if m is None or directory.match(piece) is not None:
        return [piece]
    left, right = piece[: m.start()], piece[m.start():]
    return [left, right] if directory.is_unit_shaped(left) else [piece]


_INNER_BRACKET_RE = re.compile(r"(.+?)\(([^()]{3,})\)(.*)")


def _split_inner_bracket(piece: str, directory: DepartmentDirectory) -> list[str] | None:
    """"各县（区）人民政府（开发区管委会）" → the counties and the zone; "(区)" alone stays in the name."""
    m = _INNER_BRACKET_RE.fullmatch(piece) if "(" in piece else None
    if m and not m.group(3) and (directory.is_group_name(m.group(1)) or "、" in m.group(2) or "," in m.group(2)):
        # "各县（区）人民政府（开发区管委会）": a group and more units; "县发改局（粮食局）" is one body's two names
        head, inner = clean_unit(m.group(1)), m.group(2)
        inner_units = split_units(inner, directory)
        if inner_units and directory.looks_like_unit(head):
            return [head, *inner_units]
    return [piece] if directory.looks_like_unit(piece) else None


def parse_labelled(text: str, directory: DepartmentDirectory) -> Units | None:
    """"牵头单位：A；配合单位：B" / "责任单位：A、B" (inside a bracket or on lines of their own)."""
    if ":" not in text and "：" not in text and "】" not in text and "]" not in text and "〕" not in text:
        return None  # (cheap: every label ends in one of these)
    if "单位有" in text or "部门有" in text:
        text = _HAS_LABEL_RE.sub(r"\1:", text)
    labels = list(LABEL_RE.finditer(text))
    if not labels or text[: labels[0].start()].strip(" ,;、"):
        return None
    units = Units()
    # "牵头单位：A；责任单位：B": beside a lead, the responsible units are its support (kept in `duty`: where the
    # document also labels 配合单位, 责任单位 is a role of its own, carried out, so lead; the outline decides)
    has_lead_label = any(m.group(1) in _LEADING_LABELS for m in labels) and not any(
        m.group(2) and not m.group(2).endswith("提供") for m in labels)  # (数据提供单位 is no 配合 role)
    for i, m in enumerate(labels):
        body = text[m.end(): labels[i + 1].start() if i + 1 < len(labels) else len(text)].strip(" ,;。")
        is_lead = (m.group(1) is not None or m.group(3) is not None) and (
            not has_lead_label or m.group(1) in _LEADING_LABELS)
        if m.group(3) is not None or (m.group(1) is not None and "由" not in body and _ROLES_IN_BODY_RE.search(body)):
            # "责任单位：A牵头，B、C配合": the roles inside the list win over the label
            roles = parse_verb_clause(body, directory)
            if roles is not None and roles.split:
                units.extend(roles)
                continue
        by_clauses = PROSE_BY_RE.findall(body)
        if by_clauses and "由" in body:  # "新建X任务由A牵头，提升改造X任务由B牵头"
            names: list[str] = []
            for written in by_clauses:
                names.extend(split_units(written, directory) or [])
        else:
            names = split_units(body, directory, lenient=True) or []
        if not names:
            continue
        (units.lead if is_lead else units.support).extend(names)
        if m.group(1) is not None and not is_lead:
            units.duty.extend(names)
        if not is_lead or has_lead_label:
            units.split = True  # "牵头单位：" / "配合单位：" say who leads; "责任单位：A、B" alone does not
    return settle_lead_marks(units) if units else None


_LEADING_LABELS = ("牵头", "牵头责任", "主办", "主责", "主要责任")
# "相关责任单位有A、B": the label's verb instead of a colon.
_HAS_LABEL_RE = re.compile(r"((?:相关|有关|其他)责任(?:单位|部门))有(?!关)")
_ROLES_IN_BODY_RE = re.compile(r"(?:牵头|主办)[,;、]|(?:配合|协办|协助|参与|协同)$")


def parse_verb_clause(text: str, directory: DepartmentDirectory) -> Units | None:
    """"A牵头，B配合" / "A会同B负责" / "A、B按职责分工负责" / a bare unit list."""
    segments: list[tuple[list[str], list[str], str]] = []  # (before 会同, after 会同, role verb)
    pending: list[str] = []
    for raw in SEGMENT_SPLIT_RE.split(text):
        raw = raw.strip(" 。")
        if not raw:
            continue
        tail = ROLE_TAIL_RE.search(raw, max(0, len(raw) - ROLE_TAIL_MAX))  # (end-anchored: search the end only)
        verb = (tail.group("verb").removesuffix("落实") or "负责") if tail else ""  # "B落实": B carries it out
        verb = _VERB_ROLE.get(verb, verb)
        body = raw[: tail.start()] if tail else raw
        before, _, after = body.partition("会同")
        names_before = split_units(before, directory) if before.strip("、, ") else []
        if names_before is None and not after and _only_persons(before):
            continue  # "分管副省长、协管副秘书长负责，省发展改革委牵头": the leaders are no units
        names_after = split_units(after, directory) if after else []
        if names_before is None or names_after is None:
            return None
        if not verb:
            pending.extend(names_before + names_after)
            continue
        segments.append((pending + names_before, names_after, verb))
        pending = []
    if pending:
        segments.append((pending, [], ""))
    if not any(b or a for b, a, _ in segments):
        return None
    if not any(v for _, _, v in segments) and not all(
        directory.is_unit_shaped(n) for b, a, _ in segments for n in b + a
    ):
        return None  # a bare bracket such as "（经营场所）": a unit list only when every piece is surely a unit
    units = Units()
    has_lead_verb = any(v == "牵头" for _, _, v in segments)
    has_split = has_lead_verb or any(a for _, a, _ in segments) or any(
        v in ("配合", "参与", "协助", "协同") for _, _, v in segments
    )
    for before, after, verb in segments:
        if verb in ("配合", "参与", "协助", "协同"):
            units.support.extend(before + after)
        elif verb == "牵头" or not has_lead_verb:
            units.lead.extend(before)
            units.support.extend(after)
        else:  # a 负责 part after "A牵头": the others share the work
            units.support.extend(before + after)
    all_lead = bool(ALL_LEAD_RE.search(text))
    if not has_split and not all_lead and len(units.lead) > 1:
        units.support[:0] = units.lead[1:]
        del units.lead[1:]
    units.split = has_split or all_lead
    return settle_lead_marks(units)


def _only_persons(text: str) -> bool:
    pieces = [p for p in re.split(r"[、,和及]", text) if p.strip()]
    return bool(pieces) and all(PERSON_RE.search(p.strip()) for p in pieces)


def _without_rule(sentence: str) -> str:
    """A clause's sentence without the first-listed rule it states ("A、B等负责,列第一位者为牵头单位,下同" → "A、B等负责")."""
    if "牵头" not in sentence:
        return sentence
    m = FIRST_IS_LEAD_RE.search(sentence)
    if m is None:
        return sentence
    begin = max(sentence.rfind(",", 0, m.start()), sentence.rfind(";", 0, m.start()))
    opened = sentence.rfind("(", 0, m.start())
    closed = sentence.find(")", m.end())
    if opened > begin and closed > 0:  # "A、B(列第一位者为工作牵头单位或汇总单位,下同)": the bracket is the rule
        return (sentence[:opened] + sentence[closed + 1:]).strip(" ,")
    rest = sentence[m.end():]
    end = m.end() + (len(rest) - len(rest.lstrip("单位部门")))
    tail = _RULE_TAIL_RE.match(sentence, end)
    return (sentence[:max(begin, 0)] + sentence[tail.end() if tail else end:]).strip(" ,")


_RULE_TAIL_RE = re.compile(r"[^,;。]{0,4}(?:,下同)?")


def parse_clause(text: str, directory: DepartmentDirectory) -> tuple[Units | None, Units | None]:
    """The content of one bracket → (its units, units declared for the following tasks); (None, None) if no clause."""
    following = None
    m = FOLLOWING_RE.search(text) if "不" in text else None
    if m:
        following = Units(lead=split_units(m.group("units"), directory) or [])
        text = text[: _declaration_start(text, m.start())[0]]
    sentences = [s.strip(" ,") for s in SENTENCE_END_RE.split(text) if s.strip(" ,")]
    if ":" in text and FIELD_LABEL_RE.match(text) and not LINE_LABEL_RE.match(text):
        # "牵头领导:X,牵头单位:A": a person's field first; its comma ends it
        sentences = [p.strip(" ,") for s in sentences for p in FIELD_COMMA_RE.split(s) if p.strip(" ,")]
    # (a rule the clause states for the document, "列第一位的为牵头部门，下同", is read by extract_tasks)
    sentences = [_without_rule(s) for s in sentences if not is_other_field(s)]
    sentences = [s for s in sentences if s]
    labelled = [s for s in sentences if LINE_LABEL_RE.match(s)]
    units = Units()
    if len(labelled) > 1:  # "牵头单位：A；责任单位：B" read together: the labels decide each other's roles
        parsed = parse_labelled(";".join(labelled), directory)
        if parsed is None:
            return None, None
        units.extend(parsed)
        sentences = [s for s in sentences if s not in labelled]
    for sentence in sentences:
        parsed = parse_labelled(sentence, directory) or parse_verb_clause(sentence, directory)
        if parsed is None:
            return None, None
        units.extend(parsed)
    return (units or None), (following or None)


def find_clauses(text: str, directory: DepartmentDirectory, *, tail: bool = True) -> list[Clause]:
    """Unit clauses in a task's text, in order: bracketed ones ( ) 〔〕 【】 [], labelled fields after a sentence
    ("…。责任单位：A、B。"), and (`tail`) an unbracketed unit list or verb clause ending the text ("…。★A、B、C",
    "…，由A负责，B配合。"). Brackets that are not unit lists are skipped."""
    clauses: list[Clause] = []
    if "(" in text or "〔" in text or "【" in text or "[" in text:  # substring tests: far cheaper than a set
        _bracket_clauses(clauses, _round_brackets(text), directory)
    if "单位" in text or "部门" in text or "主体" in text:
        _field_clauses(clauses, text, directory)
    if tail:
        found = _tail_clause(text, directory)
        if found is not None and not any(c.start < found.end and found.start < c.end for c in clauses):
            clauses.append(found)
    clauses.sort(key=lambda c: c.start)
    return clauses


def _bracket_clauses(clauses: list[Clause], text: str, directory: DepartmentDirectory) -> None:
    depth, start = 0, -1
    for m in BRACKET_RE.finditer(text):
        i, ch = m.start(), m.group()
        if ch == "(":
            if depth == 0:
                start = i
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
            if depth == 0:
                _add_clause(clauses, text, start, i + 1, directory)
    if depth and start >= 0:  # opened and never closed: the clause runs to the end
        _add_clause(clauses, text, start, len(text), directory)


_LABEL_TAIL_RE = re.compile(r"(?:单位|部门|主体|分工)\s*[:】\]〕]")


def _field_clauses(clauses: list[Clause], text: str, directory: DepartmentDirectory) -> None:
    """"…。责任单位：A、B；完成时限：年底前。" inside an item's text: the labelled fields up to the first sentence
    that is no field."""
    taken = 0
    for tail in _LABEL_TAIL_RE.finditer(text):  # a label's last word (cheap), then the label and what precedes it
        window = text[max(0, tail.start() - 9):tail.start()]
        if tail.start() > 9 and not any(mark in window for mark in "。;!?"):
            continue  # no sentence ends just before it: a label inside a bracket or a sentence
        m = LABEL_RE.search(text, max(0, tail.start() - 6), tail.end() + 3)
        if m is None:
            continue
        start = back = m.start()
        while back > 0 and text[back - 1] in " 【[〔":
            back -= 1
        if back > 0 and text[back - 1] not in "。;!?":
            continue
        if start < taken or any(c.start <= start < c.end for c in clauses):
            continue
        end = start
        for sentence in re.finditer(r"[^。!?]+[。!?]?", text[start:]):
            body = sentence.group().strip(" 。")
            if not (LINE_LABEL_RE.match(body) or is_other_field(body)):
                break
            end = start + sentence.end()
        if end == start:
            continue
        units, following = parse_clause(text[start:end], directory)
        if units is not None:
            clauses.append(Clause(start, end, units, following, kind="field"))
            taken = end


# Where a tail clause may begin: after a sentence end, a comma, or a line break the outline joined.
_TAIL_SEGMENT_RE = re.compile(r"[^,;。!?]+")
_ROLE_END_RE = re.compile(r"(?:负责|牵头|配合|参与|协助|协同|落实)$")


def _tail_clause(text: str, directory: DepartmentDirectory) -> Clause | None:
    """The responsibility stated at the end of an item without brackets: its last sentence when that is a unit list
    or verb clause ("★区城管局、区住建局、各街道", "市发改委牵头，市财政局配合"), or the last comma-separated
    segments of it that are ("……全覆盖，由市税务局负责，市财政局配合")."""
    end = len(text.rstrip(" 。;!?"))
    if end == 0 or (text[end - 1] == ")" and "(" in text):
        return None
    verb_end = bool(_ROLE_END_RE.search(text, max(0, end - 2), end))
    if not verb_end and text[end - 1] not in _SHAPED_END and text[end - 1] != ")":
        return None  # neither a role verb nor a unit's last character ends the text: the common case, kept cheap
    cut = max(text.rfind(mark, 0, end) for mark in "。;!?")
    sentence_start = cut + 1
    segments = [m for m in _TAIL_SEGMENT_RE.finditer(text, sentence_start, end)]
    if not segments or len(text[sentence_start:end]) > 120:
        return None
    if not verb_end and sentence_start == 0:
        return None  # a whole item that is a bare list: a heading naming units, read by the outline
    best: tuple[int, Units] | None = None
    for k in range(len(segments) - 1, -1, -1):
        start = segments[k].start()
        by = text.find("由", start, segments[k].end())
        if by > start:  # "…资金由市人民政府负责": the clause starts at 由
            start = by
        chunk = text[start:end].strip()
        if not verb_end and k > 0:
            break  # a bare unit list must be the whole last sentence
        units = parse_verb_clause(chunk, directory) if chunk else None
        if units is None:
            if best is not None or not verb_end:
                break
            continue
        if not verb_end and not all(directory.is_unit_shaped(n) for n in units.lead + units.support):
            break
        best = (start, units)
    if best is None:
        return None
    start, units = best
    if start > sentence_start and not verb_end:
        return None
    return Clause(start, len(text), units, kind="tail")


# A role qualifier cut before its verb: "…、省统计局等按职责分" (the units are whole, their role is lost).
_CUT_ROLE_RE = re.compile(r"(?<=[\u4e00-\u9fff])(?:按照?(?:职(?:[责能](?:分工?)?)?)?|分别|共同)$")
_CUT_PIECE_RE = re.compile(r"[、,;](?:[^、,;]{1,2}|(?:牵头|配合|责任|协办|协同|参与|主办)[单部]?[位门]?\s*:?\s*)$")


def _add_clause(clauses: list[Clause], text: str, start: int, end: int, directory: DepartmentDirectory) -> None:
    closed = text[end - 1] == ")"
    inner = text[start + 1: end - 1 if closed else end]
    if not closed:  # cut by the end of the stored text: "…，省工业和信息化厅、省" keeps its whole names
        inner = _CUT_ROLE_RE.sub("", _CUT_PIECE_RE.sub("", inner))
    if len(inner) < 2 or "以下简称" in inner:
        return
    before = text[start - 1] if start else "。"
    after = text[end] if end < len(text) else "。"
    if before not in CLAUSE_EDGE and after not in CLAUSE_EDGE:
        return  # a parenthesis inside a sentence ("县区人民政府（开发区管委会）或…"), not a clause
    units, following = parse_clause(inner, directory)
    if units is not None or following is not None:
        clauses.append(Clause(start, end, units or Units(), following))


def parse_unit_line(text: str, directory: DepartmentDirectory) -> Units | None:
    """A line such as "责任单位：A、B" or "牵头单位：…由A牵头，…由B牵头"."""
    if not LINE_LABEL_RE.match(text):
        return None
    return parse_labelled(_without_rule(text.rstrip("。")), directory)  # (the rule it may state is the outline's)


def is_unit_line(text: str) -> bool:
    return LINE_LABEL_RE.match(text) is not None


def is_other_field(text: str) -> bool:
    """A labelled field that names no unit: "完成时限：年底前", "责任领导：张三"."""
    return FIELD_LABEL_RE.match(text) is not None and LINE_LABEL_RE.match(text) is None


def parse_prose(text: str, directory: DepartmentDirectory) -> Units | None:
    """Prose: "由A牵头" anywhere, or a sentence whose subject is a unit list ("各县区人民政府要…").

    `text` is the item's text without its own number (二、 / (一) / 第三条)."""
    units = prose_run(text, directory) or Units()
    if "同意" in text:  # minutes: "会议同意A、B提出的《…》，作进一步修改完善后提请…审议" → A, B revise and submit
        for m in PROPOSER_RE.finditer(text):
            units.lead.extend(split_units(m.group("units"), directory) or [])
    if "请" in text:  # "请各地、各部门于1月23日前报送…": the units asked
        for m in REQUEST_RE.finditer(text):
            head = _REQUEST_HEAD_RE.match(m.group("rest"))
            if head is None:
                continue
            lead_text, others = head.group(), ""
            joined = _ORGANISE_RE.search(lead_text)  # "请牵头单位组织相关部门…": the others work under the lead
            if joined:
                lead_text, others = lead_text[:joined.start()], lead_text[joined.end():]
            if any(PERSON_RE.search(p) for p in lead_text.split("、")):
                continue  # "请各责任领导、责任单位…": addressed to people first
            names = split_units(lead_text, directory)
            if names and all(directory.is_unit_shaped(n) for n in names):
                units.lead.extend(names)
                support = split_units(others, directory) if others else None
                if support and all(directory.is_unit_shaped(n) for n in support):
                    units.support.extend(support)
                    units.split = True
    for m in (*PROSE_BY_RE.finditer(text), *(PROSE_BY_REPORT_RE.finditer(text) if "由" in text and "向" in text else ())):
        names = split_units(m.group(1), directory)
        if names:  # ("由办公室负责": each unit's own office, no unit of the directive)
            units.lead.extend(n for n in names if directory.match(n) is not None or (
                not CATEGORY_RE.search(n) and (directory.is_unit_shaped(n) or directory.is_group_name(n))))
    for sentence in SENTENCE_END_RE.split(text):
        sentence = sentence.lstrip(" ,")
        opening = LEADING_TIME_RE.match(sentence) if "," in sentence or ":" in sentence else None
        if opening:
            sentence = sentence[opening.end():]  # "自2020年起，各成员单位每月底前…"
        # the subject of the sentence, and of each later part that starts with one ("…的事项，相关单位要及时报告")
        listed: list[str] = []  # "各省辖市政府，济源示范区、航空港区管委会要…": a subject listed over parts
        comma = sentence.find(",")
        several = comma > 0 and (_LATER_SUBJECT_RE.search(sentence, comma) is not None or (
            comma <= 30 and sentence[comma - 1] in _UNIT_LAST))  # (cheap: most sentences have one subject at most)
        for k, part in enumerate(_comma_parts(sentence) if several else (sentence,)):
            if k:
                part = _PART_OPENER_RE.sub("", part) if part[:1] in "特尤同其并再" else part
                if part[:1] not in _SUBJECT_FIRST and not listed:
                    listed = []
                    continue  # (cheap: a later part names its subject with a place, a level or a role word first)
            if "(" in part:  # "牵头单位(无牵头单位的,责任单位即为牵头单位,下同)要…", "…成员单位(详见任务分工)要"
                part = _ASIDE_RE.sub("", part)
            through = _HEADS_OF_RE.match(part) if "负责" in part or "领导" in part or "一把手" in part else None
            if through is not None:  # "各责任单位主要负责人切实履行第一责任人职责": the unit, through its head
                names = split_units(through.group(1), directory)
                if names and all(directory.is_unit_shaped(n) for n in names):
                    units.lead.extend(names)
                    continue
            subject = PROSE_SUBJECT_RE.match(part)
            written = subject.group(1) if subject else ""
            names = split_units(written, directory) if written[-1:] in _UNIT_LAST and "由" not in written else None
            # ("各责任单位将…纳入" assigns; "市政府将…", "区政府办公室将…跟踪督办" is the issuer's own word)
            if subject and names and all(_subject_shaped(n, directory, will=bool(subject.group("will")))
                                         for n in names):
                # "企业要…" / "新闻媒体要…": a category of enterprises or people is no responsible unit
                doers = listed + names
                if all(directory.match(n) is None and CATEGORY_RE.search(n) for n in doers):
                    doers = []  # (a category beside units is one of the subjects: "…各部门及重点工程业主")
                # "各责任单位要主动支持、积极配合牵头单位": the subject supports
                (units.support if _SUPPORTING_RE.match(part, subject.end()) else units.lead).extend(doers)
                listed = []
                joined = _JOINED_BY_RE.match(part, subject.end()) if _JOINED_HINT_RE.search(part) else None
                if joined is not None:  # "县发改委要会同县督查办对…进行督导": the units it works with support it
                    partners, _ = _unit_run(part[joined.end():], directory)
                    if not partners and ROLE_GROUP_RE.match(rest := part[joined.end():]) is not None:
                        partners = [rest]  # "各牵头单位要组织相关责任单位": a group named by its role
                    units.support.extend(n for n in partners if n not in units.support)
                continue
            if several:
                names = split_units(part, directory) if subject is None and 2 <= len(part) <= 30 and part[-1] in \
                    _UNIT_LAST and part[0] in _SUBJECT_FIRST else None
                listed = names if names and all(directory.is_unit_shaped(n) for n in names) else []
    if not units:
        units = _opening_subject(text, directory) or units
    if len(units.lead) > 1 and any(EVERYONE_RE.match(n) for n in units.lead):
        # "各级各部门要…" exhorts everyone: no unit of its own where the item names its duty holders
        kept = [n for n in units.lead if not EVERYONE_RE.match(n)]
        if kept:
            units = Units(lead=kept, support=units.support, split=units.split, duty=units.duty)
    if len(units.lead) > 1 and any(SUPERVISOR_RE.search(n) for n in units.lead):
        # "…各牵头单位要及时向市政府报告…。市政府督查室要将完成情况作为督查内容": the office that follows the reports
        # up is the issuer's own follow-up, no unit of the task — unless it has a report of its own to make
        following = [n for n in units.lead if SUPERVISOR_RE.search(n) and _only_follows_up(text, n)]
        if following and len(following) < len(units.lead):
            units = Units(lead=[n for n in units.lead if n not in following], support=units.support,
                          split=units.split, duty=units.duty)
    if units:
        # a group named twice ("牵头单位…各牵头单位"): once, as first written
        lead = list({n.removeprefix("各"): n for n in reversed(units.lead)}.values())[::-1]
        units = Units(lead=lead, support=[n for n in dict.fromkeys(units.support) if n not in lead], split=units.split)
    return units or None


SUPERVISOR_RE = re.compile(r"督查室|督办室|督查办|督查组|督查局")
_OWN_REPORT_RE = re.compile(r"报告|汇报|报送|上报|通报")


def _only_follows_up(text: str, name: str) -> bool:
    """Whether every sentence that `name` opens only supervises (督查, 督促, 跟踪), reporting nothing itself."""
    opened = [s for s in SENTENCE_END_RE.split(text) if s.lstrip(" ,").startswith(name)]
    return bool(opened) and not any(_OWN_REPORT_RE.search(s) for s in opened)


# The units a table or a list assigns, named by their role ("各责任单位将…纳入", "各牵头单位于2月10日前将…报送").
ROLE_GROUP_RE = re.compile(r"^(?:各|相关|有关)?(?:牵头|总牵头|责任|配合|协办|承办|成员|汇总)单位$")
# Everyone of the jurisdiction: "各级各部门", "各地各部门", "各级各有关单位", "全区上下".
EVERYONE_RE = re.compile(r"^(?:各级各|各地各|各地区各)(?:有关|相关)?(?:部门|单位)$|^全[省市县区镇]上下$")
# The first character of a subject named in a later part of a sentence ("…，相关责任单位要…", "…，市住建局要…").
_SUBJECT_FIRST = frozenset("各市区县省镇乡街旗州盟相有牵责其本该全配协成督考巡《")  # (督查组, 考核组, 巡查组; 《报告》起草组)
_LATER_SUBJECT_RE = re.compile(r",(?:特别是|尤其是|同时|其中|并|再由)?[各市区县省镇乡街旗州盟相有牵责其本该全配协成督考巡《]")
# The last character of a unit's or a group's name (a cheap test before splitting a would-be subject into names).
_UNIT_LAST = frozenset("局委办厅部院队社所府会心司团行站组门位道镇乡区县市州旗盟)厂场馆校关室处地方体构")


def _subject_shaped(name: str, directory: DepartmentDirectory, *, will: bool) -> bool:
    if will:
        return ROLE_GROUP_RE.search(name) is not None
    return directory.is_unit_shaped(name) or directory.is_group_name(name)


_JOINED_BY_RE = re.compile(r"(?:切实|主动|积极|认真)?(?:会同|联合|组织|带领)")  # "A要组织B,…": B works under A
_JOINED_HINT_RE = re.compile(r"会同|联合|组织|带领")
_SUPPORTING_RE = re.compile(r"[^,;。]{0,6}?(?:配合|协助|支持|协同)")
_HEADS_OF_RE = re.compile(r"^([^,;。]{2,30}?)(?=[主一])(?:主要负责人|主要负责同志|主要领导|一把手)(?:要|须|切实|亲自|履行|负总责|为第一责任人)")
_ASIDE_RE = re.compile(r"\([^()]*(?:[,:]|见|下同|简称)[^()]*\)")
_PART_OPENER_RE = re.compile(r"^(?:特别是|尤其是|同时|其中|并|再由)")


def _comma_parts(sentence: str) -> list[str]:
    """The parts of a sentence between commas outside brackets ("牵头单位(无牵头单位的,…)要统筹" is one part)."""
    pieces = sentence.split(",")
    if "(" not in sentence:
        return pieces
    parts: list[str] = []
    held, depth = "", 0
    for piece in pieces:  # re-join the pieces of a bracket that holds commas
        held = f"{held},{piece}" if depth > 0 else piece
        depth = max(0, depth + piece.count("(") - piece.count(")"))
        if depth == 0:
            parts.append(held)
    if depth > 0:
        parts.append(held)
    return parts


def prose_run(text: str, directory: DepartmentDirectory) -> Units | None:
    """The first run of comma-separated parts that only say who does the work, anywhere in the item:
    "由A牵头，B、C配合，开展…", "…，A负责，B配合。", "A、B分别负责". None when there is none."""
    if not _ROLE_IN_TEXT_RE.search(text):
        return None
    for sentence in SENTENCE_END_RE.split(text):
        parts = [p for p in _TAIL_SEGMENT_RE.findall(sentence) if p.strip()]
        for i, part in enumerate(parts):
            if not _ROLE_END_RE.search(part.strip()):
                continue
            best: Units | None = None
            for start in range(i, max(-1, i - 3), -1):  # a run ends in a role verb; it may start a few parts back
                by = parts[start].find("由")
                head = parts[start][by:] if by > 0 else parts[start]
                units = parse_verb_clause(",".join([head, *parts[start + 1:i + 1]]), directory)
                if units is None:
                    break
                best = units
            if best is None:
                continue
            for extra in range(i + 1, len(parts)):  # "…，B、C配合" after it
                if not _ROLE_END_RE.search(parts[extra].strip()):
                    break
                more = parse_verb_clause(parts[extra], directory)
                if more is None:
                    break
                best = _merge_run(best, more)
            if all(directory.match(n) is not None or not CATEGORY_RE.search(n) for n in best.lead):
                return best
    return None


# A role verb closing a part of a sentence: where a run of responsibility parts can end.
_ROLE_IN_TEXT_RE = re.compile(r"(?:负责|牵头|配合|落实|参与|协助|协同)\s*(?:[,;。!?]|$)")


def _merge_run(first: Units, more: Units) -> Units:
    """"A牵头" then "B配合": B supports; "A负责" then "B负责": both lead."""
    if not more.split or not more.support or more.lead:
        lead = first.lead + more.lead
        return Units(lead=lead, support=first.support + more.support, split=first.split or more.split)
    return Units(lead=first.lead, support=first.support + more.support, split=True)


def _opening_subject(text: str, directory: DepartmentDirectory) -> Units | None:
    """Units opening the item's first sentence, or the one after a short heading ("加强火源管控。市林业局会同…").

    A unit named further down is one actor among the item's measures, not its doer."""
    sentences: list[str] = []
    begin = 0
    for m in SENTENCE_END_RE.finditer(text):  # the first two sentences only: items can be long
        if text[begin:m.start()].strip(" ,"):
            sentences.append(text[begin:m.start()].lstrip(" ,"))
            if len(sentences) == 2:
                break
        begin = m.end()
    else:
        if text[begin:].strip(" ,"):
            sentences.append(text[begin:].lstrip(" ,"))
    for sentence in sentences[:2]:
        subject = sentence_subject(sentence, directory)
        if subject or len(sentence) > _HEADING_CHARS:
            return subject
    return None


# After a subject list: "A、B和C" continue it, "会同/联合/协同/协调 B" names support units.
_LIST_JOIN_RE = re.compile(r"[、和及与]|以及")
_SUPPORT_JOIN_RE = re.compile(r"会同|联合|协同|协调")
_SUBJECT_TAIL_RE = re.compile(r"等(?:有关|相关)?(?:部门|单位)?")
# A subject followed by these is not the doer of a task: "市政府同意…", "市财政局的资金…", "市住建局已完成…".
_NOT_A_DOER_RE = re.compile(r"^(?:的|之|是|已|曾|同意|批准|研究|决定|印发|发布|下发|召开|获|被|所|为|作为|于20"
                            r"|网站|平台|系统|门户|官网|公众号)")
# "市人民政府工业经济主管部门…": the doer is a department of the unit that the text does not name.
_SUB_UNIT_RE = re.compile(r"^[^\s,;。、]{0,12}?(?=[主管职部单机])(?:主管部门|管理部门|职能部门|部门|单位|机构)")
_MAX_UNIT_CHARS = 32
_HEADING_CHARS = 20


def _unit_prefix(text: str, directory: DepartmentDirectory) -> int:
    """Length of the longest unit at the start of `text`, known or surely shaped like one (0 when none)."""
    placed = _PLACED_START_RE.match(text)
    if placed or directory.may_start_a_name(text[:1]):  # (cheap: most sentences start with neither)
        for k in range(min(len(text), _MAX_UNIT_CHARS), 2, -1):  # a bare "政府" is nobody
            if directory.may_end_a_name(text[k - 1]) and directory.match(text[:k]) is not None:
                return k
    if not placed:
        return 0  # an unknown unit is written with its place or level first: 市…, 区…, 湖州市…, 各…
    joined = _JOINED_NAMES_RE.search(text, 1, _MAX_SHAPED_CHARS)
    limit = min(len(text), joined.start() if joined else _MAX_SHAPED_CHARS)
    for end in sorted((m.end() for m in _SHAPED_ENDING_RE.finditer(text, 0, limit)), reverse=True):
        if end > 2 and directory.is_unit_shaped(text[:end]) and not directory.is_group_name(text[:end]):
            return end
    return 0


_MAX_SHAPED_CHARS = 20
_PLACED_START_RE = re.compile(r"各|[省市县区州盟旗乡镇]|[\u4e00-\u9fff]{2,4}[省市县区州盟旗]")
_SHAPED_END = frozenset("局委办厅府会心处道司团行关院镇乡队")
# Where a unit's name may end: the body words of departments.STRONG_UNIT_RE.
_SHAPED_ENDING_RE = re.compile(r"局|委员会|委|办公室|办事处|办|厅|政府|管委会|中心|街道|公司|集团|行|海关|法院|检察院|联|"
                               r"联合会|协会|商会|工会|红十字会|指挥部|小组|社|台|队|部|院|所|站|处|馆|镇|乡|室")
# Two names joined ("市发改委会同市财政局", "A、B", "A和市B"): no single unit spans them.
_JOINED_NAMES_RE = re.compile(r"、|,|会同|联合|协同|配合|牵头|负责|(?:和|与|及)(?=[省市县区各])")


def _unit_run(text: str, directory: DepartmentDirectory) -> tuple[list[str], int]:
    """Known units listed at the start of `text` ("A、B和C"), and where the list ends."""
    names: list[str] = []
    pos = 0
    while True:
        k = _unit_prefix(text[pos:], directory)
        if not k:
            break
        names.append(text[pos: pos + k])
        pos += k
        join = _LIST_JOIN_RE.match(text, pos)
        if not join or not _unit_prefix(text[join.end():], directory):
            break
        pos = join.end()
    return names, pos


def sentence_subject(sentence: str, directory: DepartmentDirectory) -> Units | None:
    """A sentence opened by known units: "市林业局会同市公安局、市应急局在清明节前开展检查", "各县区每月5日前报送"."""
    lead, pos = _unit_run(sentence, directory)
    if not lead:
        return None
    support: list[str] = []
    join = _SUPPORT_JOIN_RE.match(sentence, pos)
    if join:
        support, end = _unit_run(sentence[join.end():], directory)
        if support:
            pos = join.end() + end
    tail = _SUBJECT_TAIL_RE.match(sentence, pos)
    if tail:
        pos = tail.end()
    rest = sentence[pos:]
    if not rest or _NOT_A_DOER_RE.match(rest) or _SUB_UNIT_RE.match(rest):
        return None
    return Units(lead=lead, support=support)


def parse_declaration(text: str, directory: DepartmentDirectory) -> Units | None:
    """A paragraph that only says who is responsible ("市应急局牵头，…按职责分工负责。"), for the items below it."""
    body = text.strip().rstrip("。")
    if not body or len(body) > 120 or not ROLE_TAIL_RE.search(body, max(0, len(body) - ROLE_TAIL_MAX)):
        return None
    units = parse_labelled(body, directory) or parse_verb_clause(body, directory)
    return units


@dataclass(frozen=True, slots=True)
class SharedUnits:
    """Units a document declares once for many tasks, from line `line` on (`inclusive`: the declaring task too)."""

    line: int
    units: Units
    inclusive: bool


def shared_declarations(
    lines: Sequence[tuple[int, str]], directory: DepartmentDirectory, *, text: str | None = None
) -> list[SharedUnits]:
    """Every "以下均需A负责落实，不再列出" / "均涉及A，不再做分工，下同" of a directive, with the line it ends on
    (a declaration may be broken over lines). `text`: the lines joined, when the caller has them."""
    if text is None:
        text = "".join(t for _, t in lines)
    if "不再" not in text and "不另" not in text:
        return []
    ends, offset = [], 0
    for number, line in lines:
        offset += len(line)
        ends.append((offset, number))
    out: list[SharedUnits] = []
    for m in FOLLOWING_RE.finditer(text):
        names = split_units(m.group("units"), directory)
        if names:
            number = next(n for end, n in ends if end >= m.end())
            below_only = _declaration_start(text, m.start())[1]
            out.append(SharedUnits(number, Units(lead=names), inclusive=m.group("same") is not None or not below_only))
    return out


def inline_aliases(text: str, directory: DepartmentDirectory) -> dict[str, str]:
    """"全称（以下简称“简称”）" definitions, short name → full written name, for the rest of the directive."""
    aliases: dict[str, str] = {}
    if "以下简称" not in text:
        return aliases
    # The full name is at most 40 chars before "(以下简称": search a window there, not the whole directive.
    end = 0
    for hit in ALIAS_OPEN_RE.finditer(text):
        if hit.start() < end:
            continue
        m = INLINE_ALIAS_RE.search(text, max(end, hit.start() - 40), hit.end() + 30)
        if m is None:
            continue
        end = m.end()
        full = clean_unit(ALIAS_HEAD_SPLIT_RE.split(m.group(1))[-1])
        if full and directory.looks_like_unit(full):
            aliases[m.group(2).strip()] = full
    return aliases


def resolve_units(
    units: Units, directory: DepartmentDirectory, *, aliases: Mapping[str, str] | None = None
) -> tuple[tuple[DepartmentMention, ...], tuple[DepartmentMention, ...]]:
    """Written names → (lead mentions, support mentions); a unit both lead and support stays lead only."""
    lead = _dedupe(m for w in units.lead for m in directory.mentions(w, "lead", aliases=aliases))
    lead_names = {m.name for m in lead}
    support = _dedupe(
        m for w in units.support for m in directory.mentions(w, "support", aliases=aliases) if m.name not in lead_names
    )
    return tuple(lead), tuple(support)


def _dedupe(mentions: object) -> list[DepartmentMention]:
    seen: set[str] = set()
    out: list[DepartmentMention] = []
    for m in mentions:  # type: ignore[attr-defined]
        if m.name not in seen:
            seen.add(m.name)
            out.append(m)
    return out


def units_of(names: Sequence[str]) -> Units:
    return Units(lead=list(names))
