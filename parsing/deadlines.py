"""Deadline phrases in a task's text → DeadlineSpec, resolved against the directive's issue date.

Reading rules (documented once, here):
- A missing year is the issue year ("4月底前" issued 2023-03-15 → 2023-04-30); an explicit year always
  wins. A fixed date already past at issue is kept and flagged "past_at_issue".
- "X月前" / "2025年前" are read as "by X" (end of X), the usual administrative reading (confidence 0.8).
- 上旬 → 10th, 中旬 → 20th, 下旬/底/末 → last day; 年初 → 01-31, 年中/上半年 → 06-30 (approximate ones
  carry a lower confidence).
- "N个工作日内" counts N working days after the issue date (the issue day itself does not count) on
  WorkCalendar; N日/天/周/个月/年内 are calendar spans from the issue date. Spans counted from another
  event (接报后1小时内, 自车辆购置之日起三个月内) keep offset + anchor, due None, kind "relative_event".
- Recurring duties carry `rule` (see `occurrences`); `due` is the first occurrence on or after the issue
  date. 每月 without a day → month end; 每季度 → quarter end; 每半年 → 06-30 / 12-31; 每年 without a
  date → 12-31; 每周 without a day → Friday (the usual weekly report day). 定期 → recurrence unknown,
  flagged "recurrence_unknown".
- Not deadlines (claimed and dropped): years in cited titles 《…》, effective dates (自…起施行), version
  labels (2023年版), reporting-period labels (2023年第一季度全市政府网站…), rates (每人每年280元), service
  levels (压缩至1个工作日内, 1个工作日内办结), look-back windows (三年内发生过), past events.
- Festivals: "清明节前" is the day before the next 清明 after the issue date (one already past rolls to next
  year; a written year wins, flagged "past_at_issue" if past). Several named (中秋、国庆前): the first one
  named that is still ahead decides. 春节/端午/中秋 come from tables, 清明 is the solar term, "…假期后第一个
  工作日" needs the package's holiday block; beyond the data: kind "holiday", due None, "unresolved".
- What cannot be resolved is returned with due None and the flag "unresolved", never guessed.
"""
from __future__ import annotations

import calendar as _cal
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from .normalize import half_width
from .results import DeadlineSpec
from .workdays import DEFAULT_CALENDAR, WorkCalendar, festival_day

KINDS: dict[str, str] = {
    "date": "a calendar day written out: 2023年4月14日前, 11月30日前, 2020.3.15",
    "month": "a named month or part of it: 4月底前, 3月前, 6月下旬",
    "quarter": "a quarter: 一季度, 第三季度末, 季度末",
    "half_year": "a half year: 上半年, 下半年, 年中",
    "year": "a year or its end/start: 年底前, 年内, 2020年底前, 到2025年, 2025年前, 2025年预期值",
    "range": "a span of time; due is its end, range_start its start: 2019—2021年, 十四五期间, 1月-3月",
    "holiday": "a festival: 春节前, 元旦前, 清明节前, 端午节前, 中秋、国庆前, 汛期前 (when defined), 春节假期后的第一个工作日",
    "relative": "a span counted from the issue date: 3个工作日内, 30日内, 自印发之日起三个月内",
    "relative_event": "a span counted from another event (offset + anchor, due None): 接报后1小时内",
    "recurring": "a recurring duty: 每月2日前, 每季度末, 每年3月底前, 每周, 定期 (recurrence unknown)",
    "ongoing": "an open-ended duty without a date: 长期坚持, 持续推进, 常态化",
}

RECURRENCES = ("daily", "weekly", "monthly", "bimonthly", "quarterly", "half-yearly", "yearly", "ongoing")

# --- normalisation with a map back to the input -------------------------------------------------

_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_SPACES = frozenset(" \t\r\n\u3000\xa0\u2002\u2003\u2009\u200b")


_NEEDS_PREP = re.compile("[\\s\u3000\xa0\u2002\u2003\u2009\u200b\uff01-\uff5e]")


_SPACE_RUN = re.compile("[" + "".join(sorted(_SPACES)) + "]+")


def _prepare(text: str) -> tuple[str, Sequence[int]]:
    """Half-width, whitespace removed; `index[i]` is the input position of normalised char i."""
    if not _NEEDS_PREP.search(text):
        return text, range(len(text))  # already normalised: the common case, kept cheap
    text = half_width(text)  # one char for one char: positions unchanged
    if not _SPACE_RUN.search(text):
        return text, range(len(text))
    parts: list[str] = []
    index: list[int] = []
    pos = 0
    for m in _SPACE_RUN.finditer(text):  # copy the runs between whitespace, not char by char
        parts.append(text[pos:m.start()])
        index.extend(range(pos, m.start()))
        pos = m.end()
    parts.append(text[pos:])
    index.extend(range(pos, len(text)))
    return "".join(parts), index


# --- numerals ----------------------------------------------------------------------------------

_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "O": 0, "o": 0, "0": 0, "一": 1, "二": 2, "两": 2,
              "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _num(text: str) -> int | None:
    """'12' → 12, '十二' → 12, '二十五' → 25, '二〇二三' → 2023, '两' → 2."""
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if "十" not in text and "百" not in text:
        if all(ch in _CN_DIGITS for ch in text):
            return int("".join(str(_CN_DIGITS[ch]) for ch in text))
        return None
    total, current = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


_Z = "〇零○ＯOo0"
_YEAR = rf"(?:(?<![\d])(?:19|20)\d\d(?!\d)|二[{_Z}][{_Z}一二三四五六七八九][{_Z}一二三四五六七八九])"
_MONTH = r"(?:(?<!\d)(?:1[0-2]|0?[1-9])(?!\d)|十[一二]?|[一二三四五六七八九])"
_DAY = r"(?:(?<!\d)(?:3[01]|[12]\d|0?[1-9])(?!\d)|三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九])"
_COUNT = r"(?:(?<!\d)\d{1,3}(?!\d)|[一二两三四五六七八九十百]{1,4})"
_BEFORE = r"(?:之前|以前|前|止)"
_DASH = r"(?:—{1,2}|–|-|~|～|至|到)"
_YPRE = rf"(?:(?P<y>{_YEAR})年|(?P<rel>今|明|当|次|本)年)"

# --- result helpers ----------------------------------------------------------------------------


@dataclass(slots=True)
class _Ctx:
    norm: str
    index: Sequence[int]
    raw: str
    issued_on: date
    calendar: WorkCalendar
    festival: str | None = None  # the one festival the directive is about: a bare "节前" means before it
    standalone: bool = False  # the text is a time-limit field (完成时限 cell): a bare period is its deadline


@dataclass(slots=True)
class _Hit:
    start: int  # in normalised text
    end: int
    spec: _Draft | None  # None: claimed but not a deadline


def _month_end(y: int, m: int) -> date:
    return date(y, m, _cal.monthrange(y, m)[1])


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _year_of(m: re.Match[str], issued: date) -> tuple[int, bool]:
    """The year a phrase names, and whether it was written out (explicit)."""
    y = m.groupdict().get("y")
    if y:
        value = _num(y)
        if value is not None:
            return value, True
    rel = m.groupdict().get("rel")
    if rel in ("明", "次"):
        return issued.year + 1, True
    return issued.year, False


@dataclass(slots=True)
class _Draft:
    """A deadline before it is placed in the input: mutable and cheap (frozen dataclasses are slow to build)."""

    kind: str
    due: date | None
    recurrence: str | None = None
    offset: str | None = None
    anchor: str | None = None
    range_start: date | None = None
    confidence: float = 1.0
    flags: tuple[str, ...] = ()
    rule: str | None = None


def _spec(kind: str, due: date | None, **kw: object) -> _Draft:
    return _Draft(kind, due, **kw)  # type: ignore[arg-type]


_RE_DONE = re.compile(r"完成|实现|建成|达到|前")
_RE_VALIDITY = re.compile(r"有效期(?:至|到|为|截至)?$")
_RE_CUTOFF = re.compile(r"(?:截至|截止|截止到|截至到)$")
# A date introduced as a time field: "报送截止时间为", "上报时间:", "完成时限:", "截止日期".
_TIME_FIELD_BEFORE = re.compile(r"(?:时间|日期|时限|期限|截止|截至)(?:为|是|:|定为|定于)?$")
_RE_COUNTED_YEAR = re.compile(r"(?:[一二两三四五六七八九十\d]|每|近|多|半)$")
_RE_LOOKBACK_BEFORE = re.compile(r"(?:近|前|过去|以来)$")
_RE_CONDITION = re.compile(r"^[^,;。]{0,6}的(?:[,;。]|$)")
_RE_ONGOING_BEFORE = re.compile(r"(?:推动|推进|实现|坚持|保持|形成)")
_RE_ONGOING_NOT = re.compile(r"(?:适应|统筹做好|条件下)")
_RE_ATTRIBUTE = re.compile(r"^[^、]{0,4}(?:要求|需要|条件|机制|制度|体系|场所)")


# --- context tests -----------------------------------------------------------------------------

_CLAUSE_END = ",;。;!?:\n、"
_TITLE_OPEN, _TITLE_CLOSE = "《", "》"


def _in_title(ctx: _Ctx, s: int) -> bool:
    return ctx.norm.rfind(_TITLE_OPEN, 0, s) > ctx.norm.rfind(_TITLE_CLOSE, 0, s)


def _in_parens(ctx: _Ctx, s: int, e: int) -> bool:
    return ctx.norm.rfind("(", 0, s) > ctx.norm.rfind(")", 0, s) and ctx.norm.startswith(")", e)


def _clause_before(ctx: _Ctx, s: int) -> str:
    i = s
    while i > 0 and ctx.norm[i - 1] not in ",;。;!?\n:":
        i -= 1
    return ctx.norm[i:s]


def _clause_after(ctx: _Ctx, e: int) -> str:
    i = e
    while i < len(ctx.norm) and ctx.norm[i] not in ",;。;!?\n":
        i += 1
    return ctx.norm[e:i]


_NOT_DEADLINE_AFTER = re.compile(r"^(?:起|以来|开始|至今|来|版|年版|修订|召开|举行|举办|开幕|印发|发布|出台|颁布|下发|施行|实施|生效)")
_START_WORDS = re.compile(r"(?:自|从|于|由)$")
_EFFECTIVE_AFTER = re.compile(r"^[^。;]{0,12}?起(?:施行|实施|执行|生效)")
_DEADLINE_BEFORE = re.compile(r"(?:到|至|于|在|截至|截止|截止到|力争|争取|确保|不晚于|务必|务于|要在|应在|需在|必须在|前)$")
_ACTION_AFTER = re.compile(
    r"^(?:之前|以前|前|底|末|内|止|[,:]|完成|实现|建成|基本|全面|全部|启动|出台|制定|形成|达到|力争|确保|"
    r"要|将|需|须|应|由|各|全市|建立|开展|落实|推动|推进|完善|印发|组织|报送|上报|提交|前后)"
)
_PERIOD_LABEL_AFTER = re.compile(r"^(?:度|份|的|以来|同期|期间|全市|全省|全区|全县|深化|工作|政府|重点|目标|数据|统计|情况|考核|不合格|试点|专项|新增|累计|共)")


_LABEL_BEFORE = re.compile(r"(?:关于|印发|部署|开展了|开展|组织|完成了|的|及|和|与|是|为|我省|我市|全省|全市|本)$")
_SCHEDULE_BEFORE = re.compile(r"(?:进度|安排|步骤|节点|时间表|计划)[为是如下]{0,2}:$")
_LABEL_NOUNS = re.compile(r"任务|情况|要点|计划|方案|报告|通报|总结|数据|统计|规划|行动")
_CLAUSE_START = re.compile(r"(?:^|[,;。;:!?\n)]|[一二三四五六七八九十\d]+[、.])$")


def _bare_period_is_deadline(ctx: _Ctx, s: int, e: int) -> bool:
    """A period written without 前/底/末/内 is a deadline only when the sentence uses it as one:
    "上半年,各企业要…" or "到2021年" is; "2020年下半年深化医改重点工作任务" (a label) is not."""
    before, after = ctx.norm[max(0, s - 6):s], ctx.norm[e:e + 6]
    if after[:1] == ":" and (s == 0 or ctx.norm[s - 1] in ":。; "):
        return True  # a milestone: "第一季度:印发…方案。第二季度:完成…"
    if before[-1:] == ":" and _SCHEDULE_BEFORE.search(before):
        return True  # a schedule: "实施进度为:第一季度制定方案;第二季度…"
    if _PERIOD_LABEL_AFTER.match(after) or _LABEL_BEFORE.search(before):
        return False
    rest = _clause_after(ctx, e)[:32]
    if _LABEL_NOUNS.search(rest) and not _RE_DONE.search(rest):
        return False
    return bool(_DEADLINE_BEFORE.search(before) or _ACTION_AFTER.match(after) or _CLAUSE_START.search(before)
                or e == len(ctx.norm))


def _finish(ctx: _Ctx, spec: _Draft) -> _Draft:
    if spec.due is not None and spec.kind not in ("recurring", "relative") and spec.due < ctx.issued_on:
        spec.flags = (*spec.flags, "past_at_issue")
    return spec


# A deadline written without its year and gone by more than this at issue belongs to the next year: "3月底前" in a
# winter plan signed in December is next March, not last March (a writer never sets a deadline months gone).
_NEXT_YEAR_AFTER = timedelta(days=90)


def _unyeared(ctx: _Ctx, due: date) -> tuple[date, tuple[str, ...]]:
    """The date of a phrase with no written year: this year's, or next year's when this year's is long past."""
    if ctx.issued_on - due > _NEXT_YEAR_AFTER:
        later = _safe_date(due.year + 1, due.month, due.day) or _month_end(due.year + 1, due.month)
        return later, ("year_inferred",)
    return due, ()


# --- handlers: each gets the match and the context, returns a spec, None (claim, not a deadline)
# --- or False (no claim: let shorter patterns try) ---------------------------------------------

Handler = Callable[[re.Match[str], _Ctx], "_Draft | None | bool"]


def _common_skip(m: re.Match[str], ctx: _Ctx) -> bool:
    s, e = m.start(), m.end()
    if _in_title(ctx, s):
        return True
    after = ctx.norm[e:e + 4]
    if _NOT_DEADLINE_AFTER.match(after) and not m.groupdict().get("before"):
        return True
    if _EFFECTIVE_AFTER.match(ctx.norm[e:e + 16]) and _START_WORDS.search(ctx.norm[max(0, s - 1):s]):
        return True
    if _POLICY_PERIOD_BEFORE.search(ctx.norm, max(0, s - 10), s):
        return True  # "实施期限至2021年12月31日": how long a policy applies, not a duty's deadline
    return bool(_RE_VALIDITY.search(ctx.norm[max(0, s - 5):s]))


_POLICY_PERIOD_BEFORE = re.compile(r"(?:实施|执行|有效|适用|施行)(?:期限|期|时间)?(?:延长|顺延|暂定)?(?:至|到|截至|为)$")
_POLICY_PERIOD_AFTER = re.compile(r"(?:期间|内|之间)?(?:实施|执行|施行|适用|有效)")


def _h_date(m: re.Match[str], ctx: _Ctx) -> _Draft | None | bool:
    if _common_skip(m, ctx):
        return None
    y, explicit = _year_of(m, ctx.issued_on)
    mo, d = _num(m.group("m")), _num(m.group("d"))
    if mo is None or d is None or not 1 <= mo <= 12:
        return None
    due = _safe_date(y, mo, d)
    if due is None:
        return _spec("date", None, flags=("unresolved",), confidence=0.0)
    marked = bool(m.group("before")) or m.groupdict().get("listed") is not None or bool(
        _LISTED_BEFORE_RE.match(ctx.norm, m.end()))
    if m.groupdict().get("rel") == "当" and marked:  # 当年6月30日前 in a standing rule: every year
        return _recurring(ctx, "yearly", f"Y:{mo}:{d}")
    before = ctx.norm[max(0, m.start() - 4):m.start()]
    labelled = ctx.standalone or bool(_TIME_FIELD_BEFORE.search(ctx.norm[max(0, m.start() - 8):m.start()]))
    if not marked and not (labelled and due >= ctx.issued_on):
        if _RE_CUTOFF.search(before) and due <= ctx.issued_on:
            return None  # a statistics cut-off, not a duty
        if due < ctx.issued_on and not _DEADLINE_BEFORE.search(before):
            return None  # a past event: 今年2月18日召开
        if not _DEADLINE_BEFORE.search(before) and not _ACTION_AFTER.match(ctx.norm[m.end():m.end() + 4]):
            return None
    flags: tuple[str, ...] = ()
    if not explicit:
        due, flags = _unyeared(ctx, due)
    confidence = 1.0 if explicit or due >= ctx.issued_on else 0.9
    return _finish(ctx, _spec("date", due, confidence=confidence, flags=flags))


# A date listed before others that share one 前: "3月25日、6月25日、9月25日前" — each is a deadline.
_LISTED_BEFORE_RE = re.compile(rf"(?:(?:、|和|及)(?:{_YEAR}年)?(?:{_MONTH}月)?{_DAY}[日号])+(?:之前|以前|前)")


def _h_date_range(m: re.Match[str], ctx: _Ctx) -> _Draft | None | bool:
    if _common_skip(m, ctx):
        return None
    y, _ = _year_of(m, ctx.issued_on)
    y2 = _num(m.group("y2")) if m.group("y2") else y
    m1, d1 = _num(m.group("m")), _num(m.group("d"))
    m2 = _num(m.group("m2")) if m.group("m2") else m1
    d2 = _num(m.group("d2"))
    if None in (m1, d1, m2, d2, y2):
        return None
    if _POLICY_PERIOD_AFTER.match(ctx.norm, m.end()):
        return None  # "2021年5月1日至2022年4月30日实施…": the period a policy applies
    start = _safe_date(y, m1, d1)  # type: ignore[arg-type]
    due = _safe_date(y2, m2, d2)  # type: ignore[arg-type]
    if start is None or due is None or due < start:
        return _spec("range", None, flags=("unresolved",), confidence=0.0)
    return _finish(ctx, _spec("range", due, range_start=start))


def _h_month_range(m: re.Match[str], ctx: _Ctx) -> _Draft | None | bool:
    if _common_skip(m, ctx):
        return None
    y, explicit = _year_of(m, ctx.issued_on)
    y2 = _num(m.group("y2")) if m.group("y2") else y
    m1, m2 = _num(m.group("m")), _num(m.group("m2"))
    if m1 is None or m2 is None or y2 is None or not (1 <= m1 <= 12 and 1 <= m2 <= 12):
        return None
    if not explicit and not (m.group("before") or ctx.standalone
                             or _bare_period_is_deadline(ctx, m.start(), m.end())):
        return None  # 1-2月份的低保: a period of the benefit, not a deadline
    start, due = date(y, m1, 1), _month_end(y2, m2)
    if due < start:
        return None
    return _finish(ctx, _spec("range", due, range_start=start))


_PART_DAY = {"上旬": 10, "中旬": 20, "初": 10, "中": 15}
# Result verbs that make a bare month a deadline; "完成了" is a past event.
_BARE_MONTH_DUTY = re.compile(
    r"份?(?:全面|全部|基本)?(?:完成|建成|实现|出台|制定|报送|上报|提交|竣工|投用|投运|投入使用|动工|开工|启用|交付)(?!了)")


def _h_month(m: re.Match[str], ctx: _Ctx) -> _Draft | None | bool:
    if _common_skip(m, ctx):
        return None
    y, explicit = _year_of(m, ctx.issued_on)
    mo = _num(m.group("m"))
    if mo is None or not 1 <= mo <= 12:
        return None
    part, before = m.group("part") or "", m.group("before") or ""
    if ctx.standalone and _whole(ctx, m):
        pass  # "2021年8月" / "8月" as the whole time-limit cell
    elif not part and not before and not explicit:
        # A bare "5月" is too weak to be a deadline, unless a result verb follows it: "6月(份)完成招标".
        if not _BARE_MONTH_DUTY.match(ctx.norm, m.end()):
            return None
    elif not part and not before and not _bare_period_is_deadline(ctx, m.start(), m.end()):
        return None
    if m.groupdict().get("rel") == "当" and (part or before):
        day = _day_rule(None, part or "底")
        return _recurring(ctx, "yearly", f"Y:{mo}:{day}")
    confidence = 1.0
    if part in _PART_DAY:
        due = date(y, mo, _PART_DAY[part])
        confidence = 0.9
    else:
        due = _month_end(y, mo)
        if not part:
            confidence = 0.8 if before else 0.7
    flags: tuple[str, ...] = ()
    if not explicit:
        due, flags = _unyeared(ctx, due)
    return _finish(ctx, _spec("month", due, confidence=confidence, flags=flags))


def _whole(ctx: _Ctx, m: re.Match[str]) -> bool:
    """The match is the whole text but for sentence marks and 前/完成 around it."""
    rest = ctx.norm[:m.start()] + ctx.norm[m.end():]
    return not _WHOLE_REST_RE.sub("", rest)


_WHOLE_REST_RE = re.compile(r"[。;,.:、()]|前|之前|以前|完成|底|末|内|止")


def _h_year_month(m: re.Match[str], ctx: _Ctx) -> _Draft | None | bool:
    """"2021.8" / "2021-08" as a month: its last day."""
    if _in_title(ctx, m.start()) or _NOT_DEADLINE_AFTER.match(ctx.norm[m.end():m.end() + 4]):
        return None
    y, mo = _num(m.group("y")), _num(m.group("m"))
    if y is None or mo is None or not 1 <= mo <= 12:
        return None
    if not (m.group("before") or m.group("part") or ctx.standalone
            or _bare_period_is_deadline(ctx, m.start(), m.end())):
        return None
    return _finish(ctx, _spec("month", _month_end(y, mo), confidence=0.9))


def _h_year_month_range(m: re.Match[str], ctx: _Ctx) -> _Draft | None | bool:
    """"2021.8-2021.12" / "2021.8-12": a span of months, due at the end of the last."""
    if _in_title(ctx, m.start()):
        return None
    y, m1 = _num(m.group("y")), _num(m.group("m"))
    y2 = _num(m.group("y2")) if m.group("y2") else y
    m2 = _num(m.group("m2"))
    if None in (y, m1, y2, m2) or not (1 <= m1 <= 12 and 1 <= m2 <= 12):  # type: ignore[operator]
        return None
    start, due = date(y, m1, 1), _month_end(y2, m2)  # type: ignore[arg-type]
    if due < start:
        return None
    return _finish(ctx, _spec("range", due, range_start=start))


def _h_whole_year(m: re.Match[str], ctx: _Ctx) -> _Draft | None | bool:
    """"全年" as a time limit (a 完成时限 cell, "全年完成"): the end of that year."""
    if _in_title(ctx, m.start()):
        return None
    if not ((ctx.standalone and _whole(ctx, m)) or _WHOLE_YEAR_AFTER.match(ctx.norm, m.end())
            or (_CLAUSE_START.search(ctx.norm, 0, m.start()) and not _PERIOD_LABEL_AFTER.match(ctx.norm, m.end())
                and not _LABEL_NOUNS.search(_clause_after(ctx, m.end())[:12]))):
        return None  # "全年粮食播种面积4600万亩" opens its clause: the year's target
    y, _ = _year_of(m, ctx.issued_on)
    return _finish(ctx, _spec("year", date(y, 12, 31), confidence=0.8))


_WHOLE_YEAR_AFTER = re.compile(r"(?:内|以内|之内|持续|完成(?!情况|率)|推进|实施|落实(?!情况))")


def _h_year_cell(m: re.Match[str], ctx: _Ctx) -> _Draft | None | bool:
    """"2024年" / "2024年度" as the whole 完成时限 cell: the end of that year."""
    if not (ctx.standalone and _whole(ctx, m)):
        return False
    y = _num(m.group("y"))
    return None if y is None else _finish(ctx, _spec("year", date(y, 12, 31), confidence=0.8))


def _h_year_part(m: re.Match[str], ctx: _Ctx) -> _Draft | None | bool:
    """年底前, 2020年底前, 2020年年底前, 年内, 年末, 年初, 今年年底."""
    if _common_skip(m, ctx):
        return None
    part = m.group("part")
    y, _ = _year_of(m, ctx.issued_on)
    if part == "初":
        return _finish(ctx, _spec("year", date(y, 1, 31), confidence=0.6, flags=("approximate",)))
    if part == "中":
        return _finish(ctx, _spec("half_year", date(y, 6, 30), confidence=0.8))
    if part == "内" and _RE_COUNTED_YEAR.search(ctx.norm[max(0, m.start() - 1):m.start()]):
        return False
    return _finish(ctx, _spec("year", date(y, 12, 31)))


def _h_year_target(m: re.Match[str], ctx: _Ctx) -> _Draft | None | bool:
    """到2025年, 2025年前, 2025年预期值, 力争到2025年底."""
    if _in_title(ctx, m.start()):
        return None
    y = _num(m.group("y"))
    if y is None:
        return None
    if m.groupdict().get("lead") in ("截至", "截止", "截止到") and y <= ctx.issued_on.year and not m.group("before"):
        return None
    confidence = 0.8 if m.group("before") and not m.group("end") else 1.0
    return _finish(ctx, _spec("year", date(y, 12, 31), confidence=confidence))


_EVERY_YEAR_AFTER = re.compile(r"[,;:]?(?:期间|内)?[,]?每年")


def _h_year_range(m: re.Match[str], ctx: _Ctx) -> _Draft | None | bool:
    if _in_title(ctx, m.start()) or _in_parens(ctx, m.start(), m.end()):
        return None
    y1, y2 = _num(m.group("y")), _num(m.group("y2"))
    if y1 is None or y2 is None or not y1 < y2 <= y1 + 30:
        return None
    if _NOT_DEADLINE_AFTER.match(ctx.norm[m.end():m.end() + 3]) or ctx.norm.startswith("度", m.end()):
        return None
    if _EVERY_YEAR_AFTER.match(ctx.norm, m.end()):
        return None  # "2024—2026年,每年…": the years a yearly duty runs over, not a deadline
    if not _bare_period_is_deadline(ctx, m.start(), m.end()):
        return None
    return _finish(ctx, _spec("range", date(y2, 12, 31), range_start=date(y1, 1, 1)))


def _h_year_action(m: re.Match[str], ctx: _Ctx) -> _Draft | None | bool:
    """"2017年开工建设…", "今明两年投资…": a year written for an action is its deadline (that year's end)."""
    if _in_title(ctx, m.start()) or _START_WORDS.search(ctx.norm, max(0, m.start() - 1), m.start()):
        return None
    if m.group("both"):  # 今明两年: this year and next, from the issue date (group empty in the year pattern)
        y = ctx.issued_on.year
        return _finish(ctx, _spec("range", date(y + 1, 12, 31), range_start=date(y, 1, 1), confidence=0.8))
    written = _num(m.group("y"))
    if written is None or written < ctx.issued_on.year:
        return None  # a past year's action is an account, not a duty
    y = written
    return _finish(ctx, _spec("year", date(y, 12, 31), confidence=0.8))


def _h_year_bare(m: re.Match[str], ctx: _Ctx) -> _Draft | None | bool:
    """"2020年,我市建成区实现…": a sentence opened by a bare year states that year's target."""
    y = _num(m.group("y") or "")
    if y is None or y < ctx.issued_on.year or _in_title(ctx, m.start()):
        return None
    if _LABEL_NOUNS.search(_clause_after(ctx, m.end() + 1)[:12]):
        return None
    return _finish(ctx, _spec("year", date(y, 12, 31), confidence=0.7))


_FYP_FIRST = {"十一": 2006, "十二": 2011, "十三": 2016, "十四": 2021, "十五": 2026, "十六": 2031}


def _h_five_year(m: re.Match[str], ctx: _Ctx) -> _Draft | None | bool:
    if _in_title(ctx, m.start()):
        return None
    first = _FYP_FIRST.get(m.group("n"))
    if first is None:
        return None
    last = date(first + 4, 12, 31)
    if m.group("part") in ("末", "末期"):
        return _finish(ctx, _spec("year", last))
    return _finish(ctx, _spec("range", last, range_start=date(first, 1, 1)))


def _h_quarter(m: re.Match[str], ctx: _Ctx) -> _Draft | None | bool:
    if _common_skip(m, ctx):
        return None
    q = _num(m.groupdict().get("q") or "")
    y, _ = _year_of(m, ctx.issued_on)
    if q is None:  # 季度末 alone: the current quarter
        q = (ctx.issued_on.month - 1) // 3 + 1
    if not 1 <= q <= 4:
        return None
    if not (m.group("part") or m.group("before")) and not _bare_period_is_deadline(ctx, m.start(), m.end()):
        return None
    return _finish(ctx, _spec("quarter", _month_end(y, q * 3)))


def _h_half(m: re.Match[str], ctx: _Ctx) -> _Draft | None | bool:
    if _common_skip(m, ctx):
        return None
    y, _ = _year_of(m, ctx.issued_on)
    if not (m.group("part") or m.group("before")) and not _bare_period_is_deadline(ctx, m.start(), m.end()):
        return None
    due = date(y, 6, 30) if m.group("h") in ("上半年", "年中") else date(y, 12, 31)
    return _finish(ctx, _spec("half_year", due))


_HOLIDAY_NAMES = {"春节": "春节", "元旦": "元旦", "元旦节": "元旦", "国庆": "国庆节", "国庆节": "国庆节",
                  "五一": "劳动节", "五一节": "劳动节", "劳动节": "劳动节", "清明": "清明", "清明节": "清明",
                  "端午": "端午", "端午节": "端午", "中秋": "中秋", "中秋节": "中秋"}
_FESTIVAL = "(?:春节|元旦节?|国庆节?|五一节?|劳动节|清明节?|端午节?|中秋节?)"  # a festival name, 节 optional
_FESTIVAL_NAME = re.compile(_FESTIVAL)


def festival_of(title: str) -> str | None:
    """The one festival a directive is about ("关于做好2024年春节期间…的通知" → 春节); None for none or several."""
    names = {_HOLIDAY_NAMES[n] for n in _FESTIVAL_NAME.findall(title)}
    return names.pop() if len(names) == 1 else None
_FLOOD_DEF = re.compile(
    rf"(?:汛期|主汛期)(?:为|是|:|\()?(?:每年)?(?P<m>{_MONTH})月(?:(?P<d>{_DAY})日)?{_DASH}"
)


def _h_holiday(m: re.Match[str], ctx: _Ctx) -> _Draft | None | bool:
    if _in_title(ctx, m.start()):
        return None
    name = m.group("name")
    issued = ctx.issued_on
    if name in ("汛期", "主汛期"):
        found = _FLOOD_DEF.search(ctx.norm)
        if not found:
            return _spec("holiday", None, flags=("unresolved",), confidence=0.0)
        mo, d = _num(found.group("m")), _num(found.group("d") or "1")
        start = _safe_date(issued.year, mo or 0, d or 0)
        if start is None:
            return _spec("holiday", None, flags=("unresolved",), confidence=0.0)
        if start <= issued:
            start = _safe_date(issued.year + 1, start.month, start.day) or start
        return _spec("holiday", start - timedelta(days=1), confidence=0.9)
    names = [_HOLIDAY_NAMES[n] for n in _FESTIVAL_NAME.findall(name)]
    year: int | None = None  # a year written out (2025年春节前, 明年春节前) wins: no rollover, kept if past
    if m.group("y") or m.group("rel"):
        year = _year_of(m, issued)[0]
    try:
        if m.group("after"):  # 春节假期后的第一个工作日: the day after the package's holiday block
            def block_end(festival: str, in_year: int) -> date | None:
                span = ctx.calendar.holiday_span(festival, in_year)
                return span[1] if span else None

            end = _first_named_ahead(names, issued, block_end, year=year, include_issue_day=True)
            due = ctx.calendar.next_workday(end) if end else None
        else:
            day = _first_named_ahead(names, issued, festival_day, year=year, include_issue_day=False)
            due = day - timedelta(days=1) if day else None
    except (ValueError, OverflowError, NotImplementedError):  # a year outside what dates can hold
        due = None
    if due is None:
        return _spec("holiday", None, flags=("unresolved",), confidence=0.0)
    return _finish(ctx, _spec("holiday", due))


def _first_named_ahead(names: list[str], issued: date, day_of: Callable[[str, int], date | None], *,
                       year: int | None, include_issue_day: bool) -> date | None:
    """The day of the festival that decides a phrase naming `names` in text order; None when unknown.

    One name: its day in the issue year if still ahead, else next year's. Several (中秋、国庆前, 元旦春节前):
    the FIRST one named whose day in the issue year is still ahead decides. A product decision: the
    order the writer chose wins, not the calendar (国庆、中秋前 issued in 2023 reads as by 国庆 although
    中秋 fell two days earlier). When all have passed, the first one named, next year. A day the data
    cannot give (a year beyond the tables) makes the whole phrase unresolved rather than skipping it.
    With an explicit `year` the same choice is made within that year, and nothing rolls over.
    """
    for name in names:
        day = day_of(name, issued.year if year is None else year)
        if day is None:
            return None
        if day > issued or (include_issue_day and day == issued):
            return day
    return day_of(names[0], issued.year + 1 if year is None else year)


# --- relative spans ---------------------------------------------------------------------------

_UNIT = {"个工作日": "workdays", "工作日": "workdays", "个自然日": "days", "自然日": "days", "日": "days",
         "天": "days", "周": "weeks", "个星期": "weeks", "星期": "weeks", "个月": "months", "月": "months",
         "年": "years", "个小时": "hours", "小时": "hours", "分钟": "minutes"}
_SERVICE_BEFORE = re.compile(r"(?:压缩至|压缩到|压减至|缩短至|缩短到|缩减至|减少至|控制在|不超过|不得超过|时限为|期限为|时间为|办理|由|为|有效期|提速至|限)$")
_SERVICE_AFTER = re.compile(r"^(?:办结|办理完毕|完成审批|出具|予以办结|答复办结|的|左右)")
_SERVICE_LIST_END = re.compile(r"内(?:办结|办理完毕|完成审批|予以办结|出具|答复|审结)")
_LOOKBACK_AFTER = re.compile(r"^(?:发生过|发生|曾|有过|累计|未|不得|无|连续|受到|被)")
_ISSUE_ANCHOR = re.compile(r"印发|下发|发文|本通知|本方案|本意见|本文件|本决定|本计划")
_ANCHOR_END = re.compile(r"(?:之日起|之日|起|以后|后的|后)的?$")
_ANCHOR_LEAD = re.compile(r"^.*(?:在|于|应当|应|并|要|须|需|均|将)")
_LEAD_WORDS = re.compile(r"(?:务必|必须|应当|务于|需要|需|须|应|要|并|在|于|均|将|力争|争取|原则上|一般|要求|请)+$")
_UNIT_SUFFIX = re.compile(r"(?:局|委|办|部门|政府|单位|组|中心|县区|县\(区\)|各地|企业|机构|公司|人员|各方|科室|乡镇|街道|小组|有关方面)$")


_EARLIER_ANCHOR = re.compile(r"(?:自|从|在|于)?(?P<a>[^,;。]{1,16}?)(?=[之以后])(?:之日起|以后|后),(?:[^,;。]*,)?$")


def _sentence_anchor(ctx: _Ctx, clause_start: int) -> str | None:
    """An event named earlier in the same sentence: "在收到上级文件后,要及时…,并于三个工作日内"."""
    i = clause_start
    while i > 0 and ctx.norm[i - 1] not in "。;;!?\n":
        i -= 1
    found = _EARLIER_ANCHOR.search(ctx.norm[i:clause_start])
    if not found:
        return None
    return re.split(r"[自从在于应并要须需均将]", found.group("a"))[-1][-16:] or None


def _add_months(d: date, months: int) -> date:
    total = d.month - 1 + months
    y, mo = d.year + total // 12, total % 12 + 1
    return date(y, mo, min(d.day, _cal.monthrange(y, mo)[1]))


def _h_relative(m: re.Match[str], ctx: _Ctx) -> _Draft | None | bool:
    if _in_title(ctx, m.start()):
        return None
    n = _num(m.group("n"))
    unit = _UNIT[m.group("unit")]
    if n is None or n <= 0 or n > 1000:
        return None
    before_clause = _clause_before(ctx, m.start())
    after = ctx.norm[m.end():m.end() + 8]
    if _SERVICE_BEFORE.search(before_clause) or _SERVICE_AFTER.match(after):
        return None
    if after.startswith("、") and _SERVICE_LIST_END.search(_clause_after(ctx, m.end())):
        return None  # "报告书14个工作日内、报告表7个工作日内完成审批": a list of service levels
    if _LOOKBACK_AFTER.match(after) or _RE_LOOKBACK_BEFORE.search(before_clause):
        return None
    if _RE_CONDITION.match(_clause_after(ctx, m.end()) + "。"):
        return None  # 入职训练2个月内退出的: a condition on people, not a duty
    offset = f"{n} {unit}"
    anchor: str | None = None
    chunk = re.sub(r"的$", "", before_clause)
    chunk = _LEAD_WORDS.sub("", chunk)
    if _ANCHOR_END.search(chunk):
        core = _ANCHOR_END.sub("", chunk)
        core = re.split(r"[自从]", core)[-1] if re.search(r"[自从]", core) else (_ANCHOR_LEAD.sub("", core) or core)
        anchor = core[-16:] or None
    elif chunk and not _UNIT_SUFFIX.search(chunk):
        tail = re.split(r"[自从在于应并要须需均将]", chunk)[-1]
        anchor = tail[-10:] or None
    if anchor is None and not chunk:
        anchor = _sentence_anchor(ctx, m.start() - len(before_clause))
    if anchor is not None and _ISSUE_ANCHOR.search(anchor):
        anchor = None
    if anchor is not None or unit in ("hours", "minutes"):
        return _spec("relative_event", None, offset=offset, anchor=anchor or "unspecified", confidence=0.9)
    issued = ctx.issued_on
    flags: tuple[str, ...] = ()
    if unit == "workdays":
        due = ctx.calendar.add_workdays(issued, n)
        if not ctx.calendar.range_confirmed(issued, due):
            flags = ("calendar_unconfirmed",)
    elif unit == "days":
        due = issued + timedelta(days=n)
    elif unit == "weeks":
        due = issued + timedelta(weeks=n)
    elif unit == "months":
        due = _add_months(issued, n)
    else:
        due = _add_months(issued, 12 * n)
    return _spec("relative", due, offset=offset, flags=flags)


# --- recurring and ongoing --------------------------------------------------------------------

_RATE_BEFORE = re.compile(r"(?:每|平均|人均)(?:人|户|亩|名|位|家|吨|辆|次|个)$")
_RATE_AFTER = re.compile(r"^[^,;。]{0,14}?\d+(?:\.\d+)?(?:%|‰|元|万元|亿元|个百分点|倍|千克|公斤|吨)")
_WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "1": 0, "2": 1, "3": 2,
            "4": 3, "5": 4, "6": 5, "7": 6}


def _recurring(ctx: _Ctx, recurrence: str | None, rule: str | None, *, at: int = -1, **kw: object) -> _Draft:
    spec = _spec("recurring", None, recurrence=recurrence, rule=rule, **kw)
    if rule is not None:
        start = max(ctx.issued_on, _since(ctx, at) or ctx.issued_on)
        first = _rule_dates(rule, start=start, end=start + timedelta(days=800), limit=1)
        spec.due = first[0] if first else None
    return spec


_SINCE_RE = re.compile(
    rf"(?:从|自|于)(?:(?P<y>{_YEAR})年)?(?:(?P<m>{_MONTH})月(?:份)?|第(?P<q>[一二三四1-4])季度)(?:起|开始)")


def _since(ctx: _Ctx, at: int) -> date | None:
    """The start a duty states earlier in its sentence: "从2022年3月起，每月25日前…" → 2022-03-01."""
    if at < 0:
        return None
    begin = max(ctx.norm.rfind(mark, 0, at) for mark in "。;!?")
    found = next(reversed(list(_SINCE_RE.finditer(ctx.norm, begin + 1, at))), None)  # the nearest one
    if found is None:
        return None
    y, _ = _year_of(found, ctx.issued_on)
    quarter = found.group("q")
    mo = _num(found.group("m")) if quarter is None else "一二三四1234".index(quarter) % 4 * 3 + 1
    return date(y, mo, 1) if mo and 1 <= mo <= 12 else None


def _rate_like(m: re.Match[str], ctx: _Ctx) -> bool:
    """A rate or an attribute, not a duty: "每人每年280元", "每季度进展情况" (the reports a listed date asks for)."""
    return bool(_RATE_BEFORE.search(ctx.norm[max(0, m.start() - 3):m.start()])
                or _RATE_AFTER.match(ctx.norm[m.end():]) or _RECURRING_ATTRIBUTE_RE.match(ctx.norm, m.end()))


# "每年安排…资金", "每年对…给予…资助": money allotted per year, a yearly quantity rather than a dated duty
_ALLOCATION_AFTER = re.compile(r"[^,;。]{0,24}?(?:安排|给予|拨付)[^,;。]{0,16}?(?:资金|资助|补助|补贴|奖补|经费)(?!项目)")


_RECURRING_ATTRIBUTE_RE = re.compile(r"(?:的)?(?:工作)?(?:进展|完成|落实|推进|执行|办理|工作)(?:情况|进度)")


def _day_rule(day: str | None, part: str | None) -> str | None:
    """'10' or 'end' from the day/part groups of a recurring phrase."""
    if day:
        value = _num(day)
        return str(value) if value and 1 <= value <= 31 else None
    if part in ("上旬", "初"):
        return "10"
    if part == "中旬":
        return "20"
    return "end"


def _h_every_year(m: re.Match[str], ctx: _Ctx) -> _Draft | None | bool:
    if _rate_like(m, ctx) or _in_title(ctx, m.start()):
        return None
    if m.end() == m.start() + 2 and _ALLOCATION_AFTER.match(ctx.norm, m.end()):
        return None
    if m.group("m"):
        mo = _num(m.group("m"))
        day = _day_rule(m.group("d"), m.group("part"))
        if mo is None or not 1 <= mo <= 12 or day is None:
            return None
        return _recurring(ctx, "yearly", f"Y:{mo}:{day}", at=m.start())
    ypart = m.group("ypart") or ""
    if ypart in ("年初", "初"):
        return _recurring(ctx, "yearly", "Y:1:31", confidence=0.6, flags=("approximate",), at=m.start())
    if ypart in ("上半年", "年中"):
        return _recurring(ctx, "yearly", "Y:6:end", at=m.start())
    return _recurring(ctx, "yearly", "Y:12:end", confidence=1.0 if ypart else 0.8, at=m.start())


def _h_every_month(m: re.Match[str], ctx: _Ctx) -> _Draft | None | bool:
    if _rate_like(m, ctx) or _in_title(ctx, m.start()):
        return None
    day = _day_rule(m.group("d"), m.group("part"))
    if day is None:
        return None
    return _recurring(ctx, "monthly", f"M:{day}", confidence=1.0 if m.group("d") or m.group("part") else 0.8,
                      at=m.start())


def _h_every_quarter(m: re.Match[str], ctx: _Ctx) -> _Draft | None | bool:
    if _rate_like(m, ctx) or _in_title(ctx, m.start()):
        return None
    which = m.group("which") or ""
    month = 1 if which in ("首月", "初") else 2 if which in ("第二个月", "第2个月") else 1 if which in (
        "第一个月", "第1个月") else 3
    day = _day_rule(m.group("d"), None if m.group("d") else "末")
    if which == "初" and not m.group("d"):
        day = "10"
    return _recurring(ctx, "quarterly", f"Q:{month}:{day}",
                      confidence=1.0 if which or m.group("d") or m.group("part") else 0.8, at=m.start())


def _h_every_half(m: re.Match[str], ctx: _Ctx) -> _Draft | None | bool:
    if _rate_like(m, ctx) or _in_title(ctx, m.start()):
        return None
    return _recurring(ctx, "half-yearly", "H:6:end", at=m.start())


def _h_every_two_months(m: re.Match[str], ctx: _Ctx) -> _Draft | None | bool:
    """每两个月 / 每双月 (even months) / 每单月 (odd months), with an optional day: a bimonthly duty."""
    if _rate_like(m, ctx) or _in_title(ctx, m.start()):
        return None
    day = _day_rule(m.group("d"), m.group("part"))
    if day is None:
        return None
    which = 1 if m.group("odd") else 2
    return _recurring(ctx, "bimonthly", f"B:{which}:{day}",
                      confidence=1.0 if m.group("d") or m.group("part") else 0.8, at=m.start())


def _h_every_week(m: re.Match[str], ctx: _Ctx) -> _Draft | None | bool:
    if _rate_like(m, ctx) or _in_title(ctx, m.start()):
        return None
    wd = _WEEKDAY.get(m.group("wd") or "五", 4)
    return _recurring(ctx, "weekly", f"W:{wd}", confidence=1.0 if m.group("wd") else 0.8, at=m.start())


def _h_every_day(m: re.Match[str], ctx: _Ctx) -> _Draft | None | bool:
    if _rate_like(m, ctx) or _in_title(ctx, m.start()):
        return None
    return _recurring(ctx, "daily", "D", at=m.start())


def _h_every_n_years(m: re.Match[str], ctx: _Ctx) -> _Draft | None | bool:
    if _rate_like(m, ctx):
        return None
    return _spec("recurring", None, flags=("recurrence_unknown",), confidence=0.5)


_REGULAR_VERBS = re.compile(
    r"^(?:或不定期|不定期)?(?:的)?(?:开展|组织|召开|召集|检查|检测|调度|通报|评估|报送|报备|上报|公布|公开|听取|梳理|对|向|进行|"
    r"深入|举办|更新|接受|核查|巡回|抽查|分析|研究|会商|发布|清理|督查|督导|考核|维护|汇总|提供|将|在|监测|排查|"
    r"培训|演练|联合|通报|开会|复核|自查|报告)"
)


def _h_regular(m: re.Match[str], ctx: _Ctx) -> _Draft | None | bool:
    if ctx.norm[max(0, m.start() - 1):m.start()] == "不" or _in_title(ctx, m.start()):
        return None
    if not _REGULAR_VERBS.match(ctx.norm[m.end():m.end() + 8]):
        return None
    return _spec("recurring", None, flags=("recurrence_unknown",), confidence=0.5)


# "长期" alone is an ongoing time limit only as a field of its own: "(完成时限:长期)", a 完成时限 cell "长期".
_FIELD_OPEN = "(:,;。"
_FIELD_CLOSE = "),;。"


def _h_bare_festival(m: re.Match[str], ctx: _Ctx) -> _Draft | None | bool:
    """A bare "节前" / "节日前": before the festival the directive is about, unresolved when it names none."""
    if _in_title(ctx, m.start()):
        return None
    if ctx.festival is None:
        return _spec("holiday", None, flags=("unresolved",), confidence=0.0)
    try:
        day = _first_named_ahead([ctx.festival], ctx.issued_on, festival_day, year=None, include_issue_day=False)
    except (ValueError, OverflowError, NotImplementedError):
        day = None
    if day is None:
        return _spec("holiday", None, flags=("unresolved",), confidence=0.0)
    return _finish(ctx, _spec("holiday", day - timedelta(days=1), confidence=0.9))


_ONGOING_AFTER = re.compile(r"^(?:抓好|做好|落实|排查|督查|督导|整治|调度|走访|清理|治理|执行|开展|推进|运行|监测|管控|检查|监管|实施|开展|联合|路检|巡查|管理|防控|宣传|减灾|建设|向|对|组织|举行|召开|进行|[,;。、]|$)")


def _h_ongoing(m: re.Match[str], ctx: _Ctx) -> _Draft | None | bool:
    if _in_title(ctx, m.start()):
        return None
    word = m.group(0)
    if word == "长期":
        before, after = ctx.norm[m.start() - 1:m.start()], ctx.norm[m.end():m.end() + 1]
        if not ((ctx.standalone and _whole(ctx, m)) or (
                (not before or before in _FIELD_OPEN) and (not after or after in _FIELD_CLOSE))):
            return None
    if "常态化" in word:
        after = ctx.norm[m.end():m.end() + 3]
        before = ctx.norm[max(0, m.start() - 12):m.start()]
        if not (_ONGOING_AFTER.match(after) or _RE_ONGOING_BEFORE.search(before)):
            return None
        if _RE_ONGOING_NOT.search(before + after):
            return None
        if _RE_ATTRIBUTE.match(_clause_after(ctx, m.end())):
            return None  # 常态化监管要求, 常态化防控条件下: an attribute of a noun, not a duty
    return _spec("ongoing", None, recurrence="ongoing")


# --- the grammar --------------------------------------------------------------------------------

_BEF = rf"(?P<before>{_BEFORE})?"
# Verbs of work a year is written for: "2017年开工建设", "2025年建成".
_YEAR_ACTIONS = r"(?:开工|建成|完成|实现|启动|投用|投运|投产|竣工|通车|开通|运营|达到|出台|制定|新增|新建|改造|投资)"
# A clock time after a date: 17:00, 17时, 下午5时30分, 12点 (the day is what counts).
_CLOCK = r"(?:上午|下午|中午|晚上)?(?:[01]?\d|2[0-4])(?::[0-5]\d|时(?:[0-5]?\d分)?|点(?:[0-5]?\d分?)?)"
# Lookaheads on the first character: they let the regex engine skip most positions cheaply.
_AT_NUM = "(?=[0-9〇零○ＯOo一二两三四五六七八九十今明当次本年]{1,8}月)"  # a month within reach
_AT_YEAR = "(?=(?:19|20)[0-9][0-9]|二[〇零○ＯOo0])"
# Per pattern, groups of characters: every match holds one character of each group, so a pattern runs
# only on texts that have them all (this skips most scans cheaply).
_DASHES = "—–-~至到"
_YEAR_FIRST = "12二"  # a written year starts 19…, 20… or 二〇…
_TRIGGERS: tuple[tuple[frozenset[str], ...], ...] = tuple(tuple(frozenset(g) for g in groups) for groups in (
    ("月", "日号", _DASHES), (".-/", _YEAR_FIRST), ("月", "日号"), ("月", _DASHES), ("月",), ("年", "到至截争"), ("年", "前预目止"),
    ("年", ","), ("年", "底末内初中"), ("年", _DASHES), ("五",), ("季",), ("季",), ("年", "半中"), ("春旦庆五劳明午秋", "前第"),
    ("汛",), ("内",), ("每", "年"), ("月", "每按"), ("季", "每按"), ("半",), ("周星",), ("日天",), ("每",),
    ("定", "期"), ("坚持常长",),
    (".-/", _YEAR_FIRST), (".-/", _DASHES, _YEAR_FIRST), ("全", "年"), ("年",), ("每按隔", "月"), ("节", "前"),
    ("年", _YEAR_FIRST), ("今",),
    ("年", ","), ("于在", "日", "前"),
))
_PATTERNS: list[tuple[re.Pattern[str], Handler]] = [
    (re.compile(rf"{_AT_NUM}{_YPRE}?(?P<m>{_MONTH})月(?P<d>{_DAY})[日号]{_DASH}(?:(?P<y2>{_YEAR})年)?(?:(?P<m2>{_MONTH})月)?"
                rf"(?P<d2>{_DAY})[日号]{_BEF}"), _h_date_range),
    # one separator throughout (2020.3.15, 2020-03-15): "2021.8-12" is a span of months, not 12 August
    (re.compile(rf"{_AT_YEAR}(?:(?P<y>{_YEAR})(?P<sep>[.\-/])(?P<m>{_MONTH})(?P=sep)(?P<d>{_DAY})(?![\d.\-/]))(?:日)?{_BEF}"), _h_date),
    (re.compile(rf"{_AT_NUM}{_YPRE}?(?P<m>{_MONTH})月(?P<d>{_DAY})[日号](?:{_CLOCK})?{_BEF}"), _h_date),
    (re.compile(rf"{_AT_NUM}{_YPRE}?(?P<m>{_MONTH})月(?:份)?{_DASH}(?:(?P<y2>{_YEAR})年)?(?P<m2>{_MONTH})月(?:份)?(?:底|末)?{_BEF}"),
     _h_month_range),
    (re.compile(rf"{_AT_NUM}{_YPRE}?(?P<m>{_MONTH})月(?:份)?(?P<part>底|末|上旬|中旬|下旬|中下旬|初|中(?=前|旬))?{_BEF}"), _h_month),
    (re.compile(rf"(?=[到至截力争])(?P<lead>到|至|截至|截止到|截止|力争到|争取到|力争在|到了)(?P<y>{_YEAR})年(?P<end>底|末|年底|年末)?{_BEF}"),
     _h_year_target),
    (re.compile(rf"{_AT_YEAR}(?P<y>{_YEAR})年(?:(?P<before>{_BEFORE})|(?P<end>预期值|目标值|目标))"), _h_year_target),
    (re.compile(rf"(?<=[,;。;:\n)])(?P<y>{_YEAR})年(?=,)"), _h_year_bare),  # (the text's start: the last pattern)
    (re.compile(rf"(?=[0-9二今明当次本年])(?:{_YPRE}|(?<![一二两三四五六七八九十\d每近多半去同上下])(?=年))年?(?P<part>底|末|内|初|中(?=前|期前|(?:和|、|及|与)年[末底]))(?!度){_BEF}"),
     _h_year_part),
    (re.compile(rf"{_AT_YEAR}(?P<y>{_YEAR})年?{_DASH}(?P<y2>{_YEAR})年"), _h_year_range),
    (re.compile(r"[“\"]?(?P<n>十[一二三四五六])五[”\"]?(?:规划)?(?P<part>期间|时期|末期|末)"), _h_five_year),
    (re.compile(rf"(?=[0-9二今明当次本第一三四])(?:{_YPRE})?(?:第)?(?P<q>[一二三四1-4])季度(?P<part>末|底)?{_BEF}"), _h_quarter),
    (re.compile(rf"(?<![每各按本个])季度(?P<part>末|底){_BEF}"), _h_quarter),
    (re.compile(rf"(?=[0-9二今明当次本上下年])(?:{_YPRE})?(?P<h>上半年|下半年|年中(?=前))(?P<part>末|底)?{_BEF}"), _h_half),
    # 清明节前, 2025年春节前, 中秋、国庆前, 春节假期后的第一个工作日; not 前后, nor 前往 after a name (王国庆前往)
    (re.compile(rf"(?=[春元国五劳清端中]|{_YEAR}年|[今明当次本]年)(?:{_YPRE})?(?P<name>{_FESTIVAL}(?:(?:、|和|及|与|暨)?{_FESTIVAL})*)"
                r"(?:(?P<after>假期后的?第一个工作日|节后第一个工作日|后的?第一个工作日)|(?:假期|放假)?(?:之前|以前|前)(?![后往]))"),
     _h_holiday),
    (re.compile(r"(?P<name>主汛期|汛期)(?:之前|以前|前)(?!后)"), _h_holiday),
    (re.compile(rf"(?=[0-9一二两三四五六七八九十百]{{1,4}}[个工自日天周星月年小分])(?<![0-9.])(?P<n>{_COUNT})(?P<unit>个工作日|工作日|个自然日|自然日|日|天|周|个星期|个月|年|个小时|小时|分钟)"
                r"(?:之内|以内|内)"), _h_relative),
    (re.compile(rf"每(?:个)?年(?:度)?(?:的)?(?:(?P<m>{_MONTH})月(?:份)?(?:(?P<d>{_DAY})[日号])?"
                rf"(?P<part>底|末|上旬|中旬|下旬)?|(?P<ypart>年初|年底|年末|上半年|年中|初|底|末))?{_BEF}"), _h_every_year),
    (re.compile(rf"(?:每(?:个)?月|按月)(?:的)?(?:(?P<d>{_DAY})[日号]|(?P<part>底|末|上旬|中旬|下旬|初))?{_BEF}"),
     _h_every_month),
    (re.compile(rf"(?:每|按)(?:个)?季度?(?:的)?(?:(?P<which>首月|第[一二三123]个月|末月|最后一个月|初)(?:的)?(?:(?P<d>{_DAY})[日号])?|"
                rf"(?P<part>末|底))?{_BEF}"), _h_every_quarter),
    (re.compile(rf"(?:每半年|每半个年度|按半年)(?:末|底)?{_BEF}"), _h_every_half),
    (re.compile(rf"(?:每(?:个)?周|每星期|按周)(?:的)?(?:星期|周)?(?P<wd>[一二三四五六日天1-7](?!季|次|年|个|周))?{_BEF}"),
     _h_every_week),
    (re.compile(r"(?:每日|每天|按日|逐日)"), _h_every_day),
    # 每两年, 每两个月, 每三周, 每十天, 每半月, 每旬: a cadence the recurrence values cannot hold
    (re.compile(r"每(?:(?:两|二|三|四|五|六|十|[2-9])(?:个)?(?:年|周|星期|天|日)|(?:三|四|五|六|十|[3-9])(?:个)?月|半(?:个)?月|旬)"),
     _h_every_n_years),
    (re.compile(r"定期"), _h_regular),
    (re.compile(r"长期坚持|持续推进|常态化|长期"), _h_ongoing),
    # 2021.8, 2021/8, 2021-08 (a month, written the way tables write it)
    (re.compile(rf"{_AT_YEAR}(?P<y>{_YEAR})[.\-/](?P<m>{_MONTH})(?![\d.\-/%万亿千百元个])(?:月)?(?P<part>底|末)?{_BEF}"),
     _h_year_month),
    (re.compile(rf"{_AT_YEAR}(?P<y>{_YEAR})[.\-/](?P<m>{_MONTH}){_DASH}(?:(?P<y2>{_YEAR})[.\-/])?(?P<m2>{_MONTH})"
                r"(?![\d.\-/%万亿千百元个])(?:月)?(?:底|末)?"), _h_year_month_range),
    (re.compile(rf"(?=[0-9二今明当次本全])(?:{_YPRE})?全年"), _h_whole_year),
    (re.compile(rf"{_AT_YEAR}(?P<y>{_YEAR})年(?:度)?(?:内)?"), _h_year_cell),
    (re.compile(rf"(?:每(?:两|二|2)(?:个)?月|每隔(?:一|1)个月|(?:每|按)(?P<even>双)月|(?:每|按)(?P<odd>单)月)(?:的)?"
                rf"(?:(?P<d>{_DAY})[日号]|(?P<part>底|末|上旬|中旬|下旬|初))?{_BEF}"), _h_every_two_months),
    # a bare 节前: before the festival the directive is about; not 环节前, 季节前, 细节前
    (re.compile(r"(?<![环季细章关调礼时情音过小两])节(?:日|假日)?(?:之前|以前|前)(?![后往])"), _h_bare_festival),
    (re.compile(rf"{_AT_YEAR}(?P<y>{_YEAR})年(?:内|底前)?(?:计划|力争|确保)?(?={_YEAR_ACTIONS})(?P<both>)"), _h_year_action),
    (re.compile(rf"(?P<both>今明两年)(?:内|底前)?(?={_YEAR_ACTIONS})(?P<y>)"), _h_year_action),
    # a bare year opening the text, after the item's own number maybe ("3、2017年,…建成通车"): anchored, so cheap
    (re.compile(rf"^(?P<pre>\d{{1,2}}[、.]|[一二三四五六七八九十]{{1,3}}、|\([一二三四五六七八九十\d]{{1,3}}\))?"
                rf"(?P<y>{_YEAR})年(?=,)"), _h_year_bare),
    # "于128日前": a date whose 月 a mirror dropped — no month has a 128th day, so it is month 1, day 28; a list of
    # them sharing one 前 ("分别于615日、1215日前") is a list of deadlines
    (re.compile(r"(?:(?P<pre>[于在])|(?<=\d日、))(?=\d{3,4}日)(?P<m>[1-9]|1[0-2])(?P<d>[0-3]\d)日"
                r"(?:(?P<before>之前|以前|前)|(?P<listed>(?=(?:、\d{3,4}日)+(?:之前|以前|前))))"), _h_date),
]

_ENGLISH_DATE = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? \d{1,2}, \d{4}\b"
    r"|\b\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]* \d{4}\b"
)


def _placed(spec: _Draft, text: str, start: int, end: int) -> DeadlineSpec:
    """The result for a draft found at [start, end) of the input."""
    return DeadlineSpec(text, start, end, spec.kind, spec.due, spec.recurrence, spec.offset, spec.anchor,
                        spec.range_start, spec.confidence, spec.flags, spec.rule)


def _fallback(text: str, taken: list[tuple[int, int]]) -> list[DeadlineSpec]:
    """Generic absolute dates the grammar does not know, through dateparser (imported lazily)."""
    out = []
    for m in _ENGLISH_DATE.finditer(text):
        if any(a < m.end() and m.start() < b for a, b in taken):
            continue
        import dateparser  # type: ignore[import-untyped]  # lazy: costly import, rarely needed

        parsed = dateparser.parse(m.group(0), languages=["en"])
        due = parsed.date() if parsed else None
        out.append(DeadlineSpec(text=m.group(0), start=m.start(), end=m.end(), kind="date", due=due,
                                confidence=0.7 if due else 0.0, flags=() if due else ("unresolved",)))
    return out


_LATIN_DATE_HINT = re.compile(r"[A-Za-z]{3}[a-z]*\.? \d")


_ORDERS_CACHE: dict[frozenset[str], tuple[int, ...]] = {}


def _orders_for(present: frozenset[str]) -> tuple[int, ...]:
    """The patterns whose trigger groups all occur among `present` characters (memoised: few distinct sets)."""
    orders = _ORDERS_CACHE.get(present)
    if orders is None:
        orders = tuple(o for o, groups in enumerate(_TRIGGERS) if all(not present.isdisjoint(g) for g in groups))
        if len(_ORDERS_CACHE) > 4096:
            _ORDERS_CACHE.clear()
        _ORDERS_CACHE[present] = orders
    return orders


def extract_deadlines(
    text: str, *, issued_on: date, calendar: WorkCalendar | None = None, festival: str | None = None,
    standalone: bool = False,
) -> tuple[DeadlineSpec, ...]:
    """Every deadline phrase of a task's text, in order, resolved against `issued_on`.

    `festival`: the one festival the directive is about (`festival_of(title)`), for a bare "节前".
    `standalone`: the text is a time-limit field of its own (a table's 完成时限 cell, "完成时限：…"), where a bare
    "2021年8月", "2021.8", "2024年", "全年" or "长期" is the deadline."""
    if not text:
        return ()
    norm, index = _prepare(text)
    specs: list[DeadlineSpec] = []
    taken_raw: list[tuple[int, int]] = []
    present = frozenset(_TRIGGER_RE.findall(norm))
    if present:
        ctx = _Ctx(norm, index, text, issued_on, calendar or DEFAULT_CALENDAR, festival, standalone)
        hits: list[tuple[int, int, int, re.Match[str], Handler]] = []
        gates: dict[re.Pattern[str], bool] = {}
        for order in _orders_for(present):
            pattern, handler = _PATTERNS[order]
            if handler is _h_year_cell and not standalone:
                continue
            gate = _GATES[order]
            if gate is not None:  # the pattern opens with a lookahead: no place where it holds, no match at all
                if gate not in gates:
                    gates[gate] = gate.search(norm) is not None
                if not gates[gate]:
                    continue
            for m in pattern.finditer(norm):
                if m.end() > m.start():
                    hits.append((m.end() - m.start(), -order, m.start(), m, handler))
        hits.sort(key=lambda h: (-h[0], -h[1], h[2]))
        claimed = bytearray(len(norm))
        chosen: list[_Hit] = []
        for _, _, _, m, handler in hits:
            s, e = m.start(), m.end()
            if any(claimed[s:e]):
                continue
            try:
                result = handler(m, ctx)
            except (ValueError, OverflowError):
                result = _spec("date", None, flags=("unresolved",), confidence=0.0)
            if result is False:
                continue
            claimed[s:e] = b"\x01" * (e - s)
            if "pre" in m.re.groupindex and m.group("pre"):
                s = m.end("pre")  # context the pattern needed before the phrase (an item's number): not its text
            chosen.append(_Hit(s, e, result if isinstance(result, _Draft) else None))
        chosen.sort(key=lambda h: h.start)
        for hit in chosen:
            start, end = index[hit.start], index[hit.end - 1] + 1
            taken_raw.append((start, end))
            if hit.spec is not None:
                specs.append(_placed(hit.spec, text[start:end], start, end))
    if " " in text and _LATIN_DATE_HINT.search(text):  # (the hint holds a space: most texts have none)
        specs.extend(_fallback(text, taken_raw))
        specs.sort(key=lambda s: s.start)
    if len(specs) > 1 and any(s.kind == "recurring" for s in specs):
        specs = _without_listed_occurrences(text, specs)
    if specs and "将" in text and "政府" in text and len(text) > 40:
        specs = _without_issuer_schedule(text, specs)
    return tuple(specs)


# A sentence in which the issuing government or its office states what it will do itself ("区政府办公室将…跟踪督办,
# 从3月份起每季度通报"): its schedule is the issuer's own follow-up, no deadline of the task it closes.
_ISSUER_WILL_RE = re.compile(
    r"(?:(?<=[。;!?])|^)\s*(?:[省市县区镇乡旗]|本级)?(?:人民)?政府(?:办公室|办公厅|督查室|督办室)?将")


def _without_issuer_schedule(text: str, specs: list[DeadlineSpec]) -> list[DeadlineSpec]:
    spans = []
    for m in _ISSUER_WILL_RE.finditer(text):
        # its sentence, or up to the next subject asked for something ("…每季度通报,各单位要于6月底前…")
        end = re.search(r"[。;!?]|[,，](?=各|请|由)", text[m.end():])
        spans.append((m.start(), m.end() + end.start() if end else len(text)))
    if not spans:
        return specs
    return [s for s in specs if not any(a <= s.start and s.end <= b for a, b in spans)]


def _without_listed_occurrences(text: str, specs: list[DeadlineSpec]) -> list[DeadlineSpec]:
    """"每季度末(分别在6月、9月和12月底)": the bracket after a recurring phrase lists its occurrences, no deadline of
    their own."""
    spans = []
    for spec in specs:
        if spec.kind == "recurring" and text[spec.end:spec.end + 1] in ("(", "（"):
            close = min((k for k in (text.find(")", spec.end), text.find("）", spec.end)) if k > 0), default=-1)
            if close > 0:
                spans.append((spec.end, close))
    if not spans:
        return specs
    return [s for s in specs if not any(a < s.start and s.end <= b for a, b in spans)]


# --- recurrence ---------------------------------------------------------------------------------


def _day_in(y: int, mo: int, day: str) -> date:
    last = _cal.monthrange(y, mo)[1]
    return date(y, mo, last if day == "end" else min(int(day), last))


def occurrences(spec: DeadlineSpec, *, start: date, end: date, limit: int | None = None) -> list[date]:
    """The due dates of a recurring deadline within [start, end], in order.

    `spec.rule`: "D" daily; "W:<weekday 0=Mon>"; "M:<day|end>"; "B:<month of the pair 1-2>:<day|end>" (B:2 even
    months, B:1 odd months); "Q:<month of quarter 1-3>:<day|end>";
    "H:<month of half 1-6>:<day|end>"; "Y:<month>:<day|end>". No rule (定期, ongoing): empty list.
    """
    return _rule_dates(spec.rule, start=start, end=end, limit=limit)


def _rule_dates(rule: str | None, *, start: date, end: date, limit: int | None = None) -> list[date]:
    out: list[date] = []
    if not rule or end < start:
        return out
    parts = rule.split(":")
    code = parts[0]

    def push(d: date) -> bool:
        if start <= d <= end:
            out.append(d)
        return limit is not None and len(out) >= limit

    if code == "D":
        d = start
        while d <= end and not push(d):
            d += timedelta(days=1)
        return out
    if code == "W":
        d = start + timedelta(days=(int(parts[1]) - start.weekday()) % 7)
        while d <= end and not push(d):
            d += timedelta(days=7)
        return out
    step, first_month = {"M": (1, 1), "B": (2, 1), "Q": (3, 1), "H": (6, 1), "Y": (12, 1)}[code]
    if code == "M":
        offset, day = 1, parts[1]
    elif code == "Y":
        offset, day = int(parts[1]), parts[2]
        first_month = 1
    else:
        offset, day = int(parts[1]), parts[2]
    y, mo = start.year, first_month
    if code == "M":
        mo = start.month
    elif code in ("B", "Q", "H"):
        mo = (start.month - 1) // step * step + 1
    while True:
        month = mo + offset - 1 if code != "M" else mo
        if code == "Y":
            month = offset
        d = _day_in(y, month, day)
        if d > end:
            break
        if push(d):
            break
        mo += step
        if mo > 12:
            mo -= 12
            y += 1
    return out

if len(_TRIGGERS) != len(_PATTERNS):  # pragma: no cover - a wiring error, caught at import
    raise RuntimeError("parsing.deadlines: one trigger tuple per pattern")
_BY_CHAR: dict[str, tuple[int, ...]] = {  # first-group character → patterns it may start
    ch: tuple(o for o, groups in enumerate(_TRIGGERS) if ch in groups[0])
    for ch in set().union(*(g for groups in _TRIGGERS for g in groups))
}

_TRIGGER_RE = re.compile("[" + re.escape("".join(sorted(_BY_CHAR))) + "]")
# Patterns opening with _AT_YEAR or _AT_NUM match only where that lookahead holds: one search of it per text
# tells whether they can match anywhere (a text with no written year skips every year pattern).
_GATE_RES = {_AT_YEAR: re.compile(_AT_YEAR), _AT_NUM: re.compile(_AT_NUM)}
_GATES: tuple[re.Pattern[str] | None, ...] = tuple(
    next((gate for head, gate in _GATE_RES.items() if pattern.pattern.startswith(head)), None)
    for pattern, _ in _PATTERNS
)

