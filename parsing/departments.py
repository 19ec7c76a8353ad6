"""The department directory: canonical units, their aliases and groups, and matching of written unit names.

Matching order for one written name (`DepartmentDirectory.match`):
1. exact alias (or canonical name);
2. normalised form: half-width, no spaces, "县（区）" → "县区", and a place prefix ("XX省XX市", "XX市", "市")
   stripped on both sides alike, so "湖州市财政局" and "市财政局" are one name;
3. rule-based abbreviation: 和/与/及 dropped, 委员会 → 委, 发展改革 → 发改, then a written name whose characters
   appear in order in exactly one canonical name with the same kind suffix (市工信局 ⊂ 市工业和信息化局).
4. OCR confusions (孟县 → 盂县), only when the name as written matches nothing: 孟州市 stays 孟州市.
Unknown units come back with known=False and a cleaned name; they are never dropped. A name found only by repairing
it (an OCR-doubled suffix "市财政局局", a single unit written as a group "各义井镇人民政府") is matched and flagged.
Groups (kind "group") with members expand to one mention per member, each keeping the group's text as as_written.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .normalize import normalize_line
from .results import DepartmentMention, Role

LEAD_MARK = "★"  # a unit marked as its list's lead (parsing.responsibility keeps the mark on the written name)

KINDS = ("city_department", "county_government", "development_zone", "branch", "company", "bank", "group", "other")

# OCR confusions seen in gazettes: the character on the left is read where the right one is meant (tried only when
# the name as written matches nothing).
OCR_FIXES = str.maketrans({"孟": "盂"})
OCR_SUSPECTS = frozenset("孟")
# Characters a written name may start with that matching drops or repairs: spaces, quotes, a lead mark, OCR suspects.
_START_NOISE = frozenset(" \u3000\t“”\"'‘’《》★☆") | OCR_SUSPECTS
# "各县（区）" → "各县区": a one- or two-character bracket inside a name is part of the name.
SHORT_BRACKET_RE = re.compile(r"\(([^()]{1,2})\)")
DOUBLED_SUFFIX_RE = re.compile(r"(局|委|办|厅)\1$")  # OCR repeats a line-final character: 市财政局局
SPACE_RE = re.compile(r"\s+")
QUOTE_RE = re.compile(r"[“”\"'‘’《》]")
# A place prefix in front of a unit's own name: "浙江省湖州市" / "湖州市" / "市". Not in front of the government
# itself ("湖州市人民政府" is the city's government, not one of its departments).
CITY_PREFIX_RE = re.compile(r"^(?:[\u4e00-\u9fff]{2,3}省)?(?:[\u4e00-\u9fff]{2,3}市|市)(?!人民政府$|政府$)")
# Abbreviation rules applied to both sides before the subsequence test.
ABBREVIATIONS = (("委员会", "委"), ("发展改革", "发改"), ("和", ""), ("与", ""), ("及", ""), ("管理委员会", "管委会"))
# The last characters that say what kind of body a name is; an abbreviation must keep them.
KIND_SUFFIX_RE = re.compile(
    r"(管委会|委员会|中心支行|支行|分行|中心|公司|集团|政府|小组|指挥部|办公室|局|委|办|厅|部|院|队|社|所|会|站|行|处|台)$"
)
# Words that make a name a group of units rather than one unit: 各…, 市直…, members of a body, "事发地…"
# (whichever county the event is in).
GROUP_RE = re.compile(
    r"^各|^事发地|成员单位|有关单位|相关单位|有关部门|相关部门|各有关|各相关|各单位|各部门|各直属|[省市县区]直|[省市县区]级各|"
    r"^(?:各|相关|有关)?(?:牵头|总牵头|责任|配合|协办|承办|汇总)单位$"  # the units a table assigns ("牵头单位要统筹…",
    # "总牵头单位要综合…", "汇总单位": the unit that collects the others' reports)
)
# A unit described by its function ("行业部门", "起草部门", "市工业经济主管部门"): no single body of the directory
# ends in 部门/单位/机构, so an unknown one is a group of the text, not an unverified department. (Only flags the
# mention; it does not make a prose subject acceptable.)
DESCRIBED_GROUP_RE = re.compile(r"(?:部门|单位|机构)$")
# A level or scope in front of a name: "市…", "各…", "县级…" are not a bare function ("财政部门").
LEVEL_PREFIX_RE = re.compile(
    r"^(?:[\u4e00-\u9fff]{2,3}[省市州县区]|市(?!场)|县|区|各|省|乡|镇|全|本|有关|相关|其他|上级|同级|当地|属地|事发地)"
)
# Generic categories of enterprises, media and people: addressed by directives, but never a department of the
# directory. As a prose subject ("耐材企业要…", "所有企业要…") they name no responsible unit; in an explicit
# unit list ("配合单位：新闻媒体") they stay, as a group mention, never as an unverified department.
CATEGORY_RE = re.compile(r"(?:企业|媒体|群众|公众|个人|居民|市民|经营者|经营户|商户|业主|农户|从业人员)$")
# Outline or article markers glued to a name by a lost line break: "第五条各单位", "5.4队伍保障…", "(六)市直…".
LEADING_MARKER_RE = re.compile(
    r"^(?:第[一二三四五六七八九十百零〇\d]+条|\d{1,2}(?:\.\d{1,2})+\.?|\d{1,2}[.、]|[一二三四五六七八九十]{1,3}[、.]|"
    r"\([一二三四五六七八九十\d]{1,3}\))\s*"
)
# Words trimmed from either end of a written unit name.
TRIM_HEAD_RE = re.compile(r"^(?:由|和|及|与|以及|并|会同|协调|联合|请)+")
TRIM_TAIL_RE = re.compile(
    r"(?:(?:按照?职[责能])?(?:分工)?(?:分别|共同|具体)?(?:负责落实|负责|总牵头|牵头|主办|配合|参与|协助|协同|协办|协作)|"
    r"等有关单位|等相关单位|等有关部门|等相关部门|等部门|等单位|等)+$"
)


@lru_cache(maxsize=8192)
def normalize_unit(text: str) -> str:
    """A written unit name in matching form: half-width, no spaces, quotes or lead marks, 县(区) → 县区."""
    text = normalize_line(text)
    text = SPACE_RE.sub("", QUOTE_RE.sub("", text)).replace("★", "")
    return SHORT_BRACKET_RE.sub(r"\1", text)


@lru_cache(maxsize=8192)
def clean_unit(text: str) -> str:
    """The written name without connectors and role words around it (由A负责 → A)."""
    text = SPACE_RE.sub("", normalize_line(text))
    text = LEADING_MARKER_RE.sub("", text, count=1).strip("、,;:。.")
    if text.count("(") != text.count(")"):
        text = text.strip("()")
    previous = None
    while previous != text:
        previous = text
        text = TRIM_TAIL_RE.sub("", TRIM_HEAD_RE.sub("", text)).strip("、,;:。.")
    return text


def _is_group_text(text: str) -> bool:
    return bool(GROUP_RE.search(text) or DESCRIBED_GROUP_RE.search(text) or CATEGORY_RE.search(text))


def _strip_city(key: str) -> str:
    stripped = CITY_PREFIX_RE.sub("", key, count=1)
    return stripped or key


def _abbreviate(key: str) -> str:
    for long, short in ABBREVIATIONS:
        key = key.replace(long, short)
    return key


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


@dataclass(frozen=True, slots=True)
class DepartmentEntry:
    """One directory row: canonical name, kind, aliases, group members, parent."""

    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    members: tuple[str, ...] = ()
    parent: str | None = None


@dataclass(slots=True)
class DepartmentDirectory:
    """Canonical units and their aliases; `match` resolves a written name, `mentions` expands groups."""

    entries: dict[str, DepartmentEntry] = field(default_factory=dict)
    _exact: dict[str, str] = field(default_factory=dict)
    _normal: dict[str, str] = field(default_factory=dict)
    _abbrev: list[tuple[str, str, str]] = field(default_factory=list)  # (abbreviated key, suffix, name)
    _abbrev_index: tuple[int, dict[str, list[tuple[str, str, str]]]] | None = None
    _cache: dict[str, str | None] = field(default_factory=dict)
    _shape_cache: dict[str, bool] = field(default_factory=dict)
    _strong_cache: dict[str, bool] = field(default_factory=dict)
    _mention_cache: dict[tuple[str, str], tuple[DepartmentMention, ...]] = field(default_factory=dict)
    _last_chars: set[str] = field(default_factory=set)  # last characters of every known written name
    _first_chars: set[str] = field(default_factory=set)  # first characters a known name may be written with

    @classmethod
    def from_entries(cls, entries: Iterable[Mapping[str, Any]]) -> DepartmentDirectory:
        """Build from the JSON list of fixtures/departments.json (or rows of the same shape from the DB)."""
        directory = cls()
        for raw in entries:
            entry = DepartmentEntry(
                name=str(raw["name"]),
                kind=str(raw.get("kind") or "other"),
                aliases=tuple(str(a) for a in raw.get("aliases") or ()),
                members=tuple(str(m) for m in raw.get("members") or ()),
                parent=raw.get("parent") or None,
            )
            directory.add(entry)
        return directory

    def add(self, entry: DepartmentEntry) -> None:
        """Register one entry and its aliases (later entries never steal an earlier exact alias)."""
        self.entries[entry.name] = entry
        self._cache.clear()
        self._shape_cache.clear()
        self._strong_cache.clear()
        self._mention_cache.clear()
        for written in (entry.name, *entry.aliases):
            key = normalize_unit(written)
            self._last_chars.update((written[-1:], key[-1:]))
            self._first_chars.update((written[:1], key[:1], _strip_city(key)[:1]))
            self._exact.setdefault(written, entry.name)
            self._normal.setdefault(key, entry.name)
            self._normal.setdefault(_strip_city(key), entry.name)
        key = _abbreviate(_strip_city(normalize_unit(entry.name)))
        suffix = KIND_SUFFIX_RE.search(key)
        self._abbrev.append((key, suffix.group(1) if suffix else "", entry.name))
        self._first_chars.add(key[:1])

    def with_aliases(self, aliases: Mapping[str, str]) -> DepartmentDirectory:
        """A copy that also knows a directive's inline aliases (short → full written name)."""
        derived = DepartmentDirectory(
            entries=dict(self.entries), _exact=dict(self._exact), _normal=dict(self._normal),
            _abbrev=list(self._abbrev), _last_chars=set(self._last_chars), _first_chars=set(self._first_chars),
        )
        for short, full in aliases.items():
            name = self.match(full)
            if name is None:
                name = normalize_unit(clean_unit(full))
                derived.add(DepartmentEntry(name=name, kind="other"))
            derived._exact[short] = name
            derived._last_chars.add(short[-1:])
            derived._first_chars.update((short[:1], normalize_unit(short)[:1]))
            derived._normal[normalize_unit(short)] = name
        return derived

    def may_start_a_name(self, char: str) -> bool:
        """A cheap test before `match` on the prefixes of a text: can a known name, written in any of the ways
        `match` reads (full, without its city, abbreviated, with a quote, a lead mark or an OCR confusion), begin
        with this character? A name with a place in front of it ("XX市…") is told by the caller."""
        return char in self._first_chars or char in _START_NOISE

    def may_end_a_name(self, char: str) -> bool:
        """A cheap test before `match`: can a known name end in this character (局, 委, 府, ")", …)?"""
        return char in self._last_chars

    def __len__(self) -> int:
        return len(self.entries)

    def match(self, text: str) -> str | None:
        """The canonical name a written unit stands for, or None when the directory does not know it."""
        if text in self._cache:
            return self._cache[text]
        result = self._match(text) or self._repaired(text)[0]
        self._cache[text] = result
        return result

    def _repaired(self, text: str) -> tuple[str | None, str]:
        """A name the text gets slightly wrong: an OCR confusion (孟县), an OCR-doubled last character (市财政局局).
        Returns (canonical name, the repair) or (None, "")."""
        key = normalize_unit(text)
        if not OCR_SUSPECTS.isdisjoint(key):
            fixed = key.translate(OCR_FIXES)
            if fixed != key and (name := self._match(fixed)) is not None:
                return name, "ocr"
        undoubled = DOUBLED_SUFFIX_RE.sub(r"\1", key)
        if undoubled != key and (name := self._match(undoubled)) is not None:
            return name, "doubled"
        return None, ""

    def _match(self, text: str) -> str | None:
        if text in self._exact:
            return self._exact[text]
        key = normalize_unit(text)
        for candidate in (key, _strip_city(key)):
            if candidate in self._normal:
                return self._normal[candidate]
        short = _abbreviate(_strip_city(key))
        if len(short) < 2:
            return None
        suffix = KIND_SUFFIX_RE.search(short)
        if suffix is None:
            return self._match_function(key)
        found = {
            name
            for long, long_suffix, name in self._abbrev_by_first().get(short[0], ())
            if long_suffix == suffix.group(1) and _is_subsequence(short, long)
        }
        if len(found) == 1:
            return found.pop()
        exact_length = {name for name in found if len(_abbreviate(_strip_city(normalize_unit(name)))) == len(short)}
        if len(exact_length) == 1:
            return exact_length.pop()
        return self._match_function(key)

    def _abbrev_by_first(self) -> dict[str, list[tuple[str, str, str]]]:
        """The abbreviation keys by first character (an abbreviation keeps its name's first character)."""
        if self._abbrev_index is None or self._abbrev_index[0] != len(self._abbrev):
            index: dict[str, list[tuple[str, str, str]]] = {}
            for entry in self._abbrev:
                if entry[0]:
                    index.setdefault(entry[0][0], []).append(entry)
            self._abbrev_index = (len(self._abbrev), index)
        return self._abbrev_index[1]

    def _match_function(self, key: str) -> str | None:
        """"财政部门" / "人力资源和社会保障部门" with no level: the one city department of that function
        (市财政局). Prefixed ones ("各县(区)能源部门", "市级部门") and unclear functions stay unmatched."""
        if not key.endswith("部门") or LEVEL_PREFIX_RE.match(key) or len(key) < 4:
            return None
        function = _abbreviate(key[:-2])
        found = {
            name
            for long, _, name in self._abbrev_by_first().get(function[0], ())
            if self.entries[name].kind == "city_department" and _is_subsequence(function, long)
        }
        return found.pop() if len(found) == 1 else None

    def is_group_name(self, text: str) -> bool:
        """Whether a written name denotes a group (各县区人民政府, 市直各有关单位, …)."""
        name = self.match(text)
        if name is not None:
            return self.entries[name].kind == "group"
        written = clean_unit(text)
        return bool(GROUP_RE.search(written) or CATEGORY_RE.search(written))

    def mentions(self, text: str, role: Role, *, aliases: Mapping[str, str] | None = None) -> list[DepartmentMention]:
        """One written unit → mentions: a known unit, its group's members, or an unknown unit or group."""
        if aliases:
            return self._mentions(text, role, aliases)
        key = (text, role)
        cached = self._mention_cache.get(key)
        if cached is None:
            cached = self._mention_cache[key] = tuple(self._mentions(text, role, None))
        return list(cached)

    def _mentions(self, text: str, role: Role, aliases: Mapping[str, str] | None) -> list[DepartmentMention]:
        written = clean_unit(text)
        if not written:
            return []
        target = aliases.get(written, written) if aliases else written
        flags: tuple[str, ...] = ()
        name = self._match(target)
        if name is None:
            name, repair = self._repaired(target)
            flags = ("unit_repaired",) if name else ()
        if name is None and target.startswith("各") and self.match(target[1:]) is not None \
                and not _is_group_text(target[1:]):
            # "各义井镇人民政府": one known unit written as a group; it does not exist as written
            name, flags = self.match(target[1:]), ("unit_repaired",)
        if name is None:
            return [DepartmentMention(name=normalize_unit(target), as_written=written, role=role, known=False,
                                      is_group=_is_group_text(target))]
        entry = self.entries[name]
        if entry.kind == "group":
            if entry.members:
                return [DepartmentMention(name=m, as_written=written, role=role, flags=flags) for m in entry.members]
            return [DepartmentMention(name=name, as_written=written, role=role, is_group=True, flags=flags)]
        return [DepartmentMention(name=name, as_written=written, role=role, flags=flags)]

    def looks_like_unit(self, text: str) -> bool:
        """Whether a cleaned piece of text reads as a unit name (known, or shaped like one)."""
        cached = self._shape_cache.get(text)
        if cached is None:
            cached = self._shape_cache[text] = self._looks_like_unit(text)
        return cached

    def _looks_like_unit(self, text: str) -> bool:
        written = clean_unit(text)
        if not written or len(written) > 32:
            return False
        if self.match(written) is not None:
            return True
        if written[0] == "《" and DRAFTING_TEAM_RE.match(written):
            return True
        return bool(UNIT_SHAPE_RE.search(normalize_unit(written))) and not NOT_UNIT_RE.search(written)

    def is_unit_shaped(self, text: str) -> bool:
        """Whether a written name is surely a unit, known or not: in the directory, a group of units (各县区,
        市直各有关部门), or a body's name with a body's ending (…局, …委员会, …街道办事处, …镇, …公司)."""
        cached = self._strong_cache.get(text)
        if cached is None:
            cached = self._strong_cache[text] = self._is_unit_shaped(text)
        return cached

    def _is_unit_shaped(self, text: str) -> bool:
        written = clean_unit(text.replace(LEAD_MARK, ""))
        if written[:1] == "《" and DRAFTING_TEAM_RE.match(written):
            return True
        if not written or len(written) > 32 or NOT_UNIT_RE.search(written):
            return False
        if self.match(written) is not None:
            return True
        key = normalize_unit(written)
        if CATEGORY_RE.search(key):
            return False
        # a department named by its function ("生态环境部门") is a unit of the text, if not of the directory
        return bool(STRONG_UNIT_RE.search(key) or GROUP_RE.search(key) or FUNCTION_UNIT_RE.match(key))


# A plausible unit name: ends in a body word.
UNIT_SHAPE_RE = re.compile(
    r"(局|委|办|厅|部|院|队|社|所|政府|管委会|委员会|中心|公司|集团|银行|支行|分行|分局|支局|小组|(?:督查|督导|检查|考核|巡查|验收|评估|核查|工作)组|指挥部|办公室|单位|部门|企业|"
    r"电视台|站|海关|机关|税务局|法院|检察院|团委|妇联|总工会|工商联|科协|残联|红十字会|协会|学院|学校|医院|供电公司|媒体|乡镇|街道|镇|"
    r"处|乡|县区|区县|^各[省市县区州盟旗乡镇]{1,3}|^各地(?:区|方)?|开发区|高新区|园区|新区|示范区|管理区|\(市、区\)|\(区、市\)|\(街道\)|"
    r"^(?:自治区|[省市县区州盟旗乡镇])\S{1,12}室|^(?:自治区|[省市县区州盟旗乡镇])\S{0,8}(?:督查|督导|检查|工作)组)$"  # "市政府督查室" (a room of a place's
    # own body; "会议室" is none), "区督查组" (a team of a place's own body)
)
# A name that can only be a unit: a body's ending (weak ones such as 所, 站, 部 need a place or level in front).
STRONG_UNIT_RE = re.compile(
    r"^(?=\S{4,}$)\S*(?:局|委|办|厅|政府|管委会|委员会|中心|办事处|街道|公司|集团|银行|支行|分行|海关|法院|检察院|团委|妇联|总工会|"
    r"工商联|科协|残联|红十字会|指挥部|领导小组|办公室|联社|电视台|气象台|税务局|大队|支队|总队|军分区|武装部)$|"
    r"^各?(?:自治区|[省市县区州盟旗乡镇])[^\s]{0,12}(?:局|委|办|厅|部|院|所|站|队|社|处|馆|室|镇|乡|县|区|委员会|管委会|联合会|协会|"
    r"商会|总工会|红十字会|督查组|督导组|检查组|工作组)$|^[^各\s市县区省]{2,3}[镇乡]$|"
    r"^(?=\S{5,}$)\S*(?:开发区|高新区|示范区|新区|园区|试验区|保税区|合作区|管理区)$|"  # a zone with its name
    r"^(?:全|各)?(?:自治区|[省市县区州盟旗乡镇])[\u4e00-\u9fff]{2,4}机关$|"  # a system's bodies: "全区公安机关"
    r"^各?(?:督查|督导|检查|考核|巡查|验收|评估|核查)[组队]$"  # a team the directive sends, named by its work
)
# A team named by the document it drafts ("《报告》起草组"): the quotes are part of its name.
DRAFTING_TEAM_RE = re.compile(r"^《[^《》]{1,20}》(?:起草|编制|编写|修订|修改)(?:工作)?(?:组|小组|专班)$")
FUNCTION_UNIT_RE = re.compile(r"^[\u4e00-\u9fff]{2,12}(?:部门|机构)$")
# Verbs and function words that never occur inside a unit name.
# ("督查落实办": an office named for what it follows up, a unit)
NOT_UNIT_RE = re.compile(
    r"[。;:《》的]|(?<![主重需])要|应当|开展|加强|建立|推进|落实(?!办)|完成|实施|确保|做好|提供|进行|督促|按照|依据|将|把|月|日前|年底|强化|抓好|优化|"
    r"提升|支持|鼓励|引导|完善|持续|切实|严格|健全|积极|加快|委托|收取|配合|负责|满足|实现|达到|形成"
)
