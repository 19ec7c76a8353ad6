"""The deadline grammar: the gazette table, edge cases, recurrence, and properties on arbitrary text."""
from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsing import deadlines
from parsing.deadlines import KINDS, RECURRENCES, extract_deadlines, festival_of, occurrences
from parsing.workdays import WorkCalendar

CASES_PATH = Path(__file__).with_name("deadline_cases.tsv")


def _load_cases() -> list[dict[str, str]]:
    with CASES_PATH.open(encoding="utf-8") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


CASES = _load_cases()


def _first(text: str, issued: str, calendar: WorkCalendar | None = None):
    specs = extract_deadlines(text, issued_on=date.fromisoformat(issued), calendar=calendar)
    assert specs, f"no deadline found in {text!r}"
    return specs[0]


def test_table_is_large_and_covers_every_kind() -> None:
    assert len(CASES) >= 150
    kinds = {row["kind"] for row in CASES}
    assert {"date", "month", "year", "half_year", "range", "holiday", "relative", "relative_event",
            "recurring", "ongoing", "none"} <= kinds


@pytest.mark.parametrize("row", CASES, ids=[row["source"] for row in CASES])
def test_gazette_expression(row: dict[str, str]) -> None:
    specs = extract_deadlines(row["text"], issued_on=date.fromisoformat(row["issued_on"]))
    if row["kind"] == "none":
        assert specs == (), [(s.text, s.kind) for s in specs]
        return
    assert specs, "no deadline found"
    spec = specs[0]
    assert spec.kind == row["kind"]
    assert (spec.due.isoformat() if spec.due else "-") == row["due"]
    assert (spec.recurrence or "-") == row["recurrence"]
    assert spec.text == row["text"][spec.start:spec.end]


# --- absolute dates -------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "2020年3月15日前完成", "2020.3.15前完成", "于2020-03-15前报送", "2020 年 3 月 15 日前完成",
    "２０２０年３月１５日前完成", "二〇二〇年三月十五日前完成", "于2020/3/15前报送",
])
def test_full_date_forms(text: str) -> None:
    spec = _first(text, "2020-01-10")
    assert (spec.kind, spec.due) == ("date", date(2020, 3, 15))
    assert spec.text == text[spec.start:spec.end]


@pytest.mark.parametrize(("text", "issued", "due", "kind"), [
    ("4月底前完成", "2023-03-15", date(2023, 4, 30), "month"),
    ("3月前完成清单", "2023-01-10", date(2023, 3, 31), "month"),
    ("十二月底前完成", "2023-03-15", date(2023, 12, 31), "month"),
    ("二〇二三年十二月底前完成", "2023-03-15", date(2023, 12, 31), "month"),
    ("6月上旬前完成", "2023-03-15", date(2023, 6, 10), "month"),
    ("6月中旬前完成", "2023-03-15", date(2023, 6, 20), "month"),
    ("6月下旬前完成", "2023-03-15", date(2023, 6, 30), "month"),
    ("年底前建成", "2023-03-15", date(2023, 12, 31), "year"),
    ("年末完成验收", "2023-03-15", date(2023, 12, 31), "year"),
    ("年内完成", "2023-03-15", date(2023, 12, 31), "year"),
    ("一季度末前完成", "2023-01-10", date(2023, 3, 31), "quarter"),
    ("第三季度完成", "2023-01-10", date(2023, 9, 30), "quarter"),
    ("季度末前报送", "2023-05-10", date(2023, 6, 30), "quarter"),
    ("下半年,全面完成改造", "2023-03-15", date(2023, 12, 31), "half_year"),
    ("力争到2025年,全市达到", "2023-03-15", date(2025, 12, 31), "year"),
    ("2025年前建成", "2023-03-15", date(2025, 12, 31), "year"),
    ("指标|2025年预期值|85%", "2023-03-15", date(2025, 12, 31), "year"),
    ("11月30日前书面报送", "2023-10-08", date(2023, 11, 30), "date"),
])
def test_periods(text: str, issued: str, due: date, kind: str) -> None:
    spec = _first(text, issued)
    assert (spec.kind, spec.due) == (kind, due)


def test_explicit_past_year_is_kept_and_flagged() -> None:
    spec = _first("于2019年底前完成市级排水专项规划的修编工作", "2020-01-07")
    assert spec.due == date(2019, 12, 31)
    assert "past_at_issue" in spec.flags


def test_year_range_records_its_start() -> None:
    spec = _first("2023-2025年,全市完成老旧小区改造", "2023-03-15")
    assert (spec.kind, spec.range_start, spec.due) == ("range", date(2023, 1, 1), date(2025, 12, 31))
    spec = _first("“十四五”期间,全市新建公园20个", "2021-03-01")
    assert (spec.range_start, spec.due) == (date(2021, 1, 1), date(2025, 12, 31))


# --- holidays -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "issued", "due"), [
    ("春节前全部发放到位", "2023-11-21", date(2024, 2, 9)),  # the next Spring Festival
    ("春节前全部发放到位", "2027-01-05", date(2027, 2, 5)),  # beyond the package: lunar table
    ("元旦前完成", "2023-11-10", date(2023, 12, 31)),
    ("国庆前完成", "2023-08-01", date(2023, 9, 30)),
    ("在春节假期后的第一个工作日召开", "2023-01-10", date(2023, 1, 28)),  # a 调休 Saturday
    ("汛期为6月1日至9月30日。汛期前完成隐患排查", "2023-03-01", date(2023, 5, 31)),
])
def test_holidays(text: str, issued: str, due: date) -> None:
    spec = next(s for s in extract_deadlines(text, issued_on=date.fromisoformat(issued)) if s.kind == "holiday")
    assert spec.due == due


# Festival days used below (hand-checked): 清明 2023-04-05, 2024-04-04, 2025-04-04, 2030-04-05;
# 端午 2024-06-10, 2025-05-31; 中秋 2023-09-29, 2024-09-17, 2025-10-06; 春节 2024-02-10, 2025-01-29.
@pytest.mark.parametrize(("text", "issued", "due"), [
    # 清明: the solar term, computable beyond the package's years
    ("市林业局会同市公安局在清明节前开展专项检查", "2024-02-20", date(2024, 4, 3)),
    ("清明节之前完成", "2023-01-05", date(2023, 4, 4)),
    ("清明前完成", "2024-04-10", date(2025, 4, 3)),  # already past: next year's
    ("清明节前完成", "2030-01-10", date(2030, 4, 4)),
    ("清明假期后的第一个工作日报送", "2024-03-01", date(2024, 4, 7)),  # a 调休 Sunday
    # 端午
    ("端午节前完成", "2024-02-20", date(2024, 6, 9)),
    ("端午前完成", "2024-06-10", date(2025, 5, 30)),  # issued on the day itself: next year's
    ("端午节假期后第一个工作日报送", "2025-05-20", date(2025, 6, 3)),  # block 05-31..06-02
    # 中秋
    ("中秋节前", "2024-08-01", date(2024, 9, 16)),
    ("中秋节前完成", "2023-09-01", date(2023, 9, 28)),
    ("中秋节前完成", "2024-09-20", date(2025, 10, 5)),
    ("中秋假期后的第一个工作日召开", "2020-09-01", date(2020, 10, 9)),  # 中秋 2020 = 国庆, block 10-01..10-08
    # several named: the first one named that is still ahead decides, not the earliest date
    ("中秋、国庆前", "2024-08-01", date(2024, 9, 16)),
    ("中秋、国庆前完成", "2024-09-20", date(2024, 9, 30)),  # 中秋 passed: 国庆
    ("国庆、中秋前完成", "2023-08-01", date(2023, 9, 30)),  # 国庆 named first, though 中秋 (09-29) is earlier
    ("中秋国庆节前完成", "2025-09-01", date(2025, 10, 5)),
    ("元旦、春节前发放到位", "2023-11-10", date(2023, 12, 31)),  # both passed in 2023: 元旦 2024
    ("元旦和春节前发放到位", "2024-01-05", date(2024, 2, 9)),
    ("元旦节前完成", "2023-11-10", date(2023, 12, 31)),
    # a year written out wins
    ("2025年春节前完成", "2024-03-01", date(2025, 1, 28)),
    ("明年中秋节前完成", "2024-03-01", date(2025, 10, 5)),
])
def test_festivals(text: str, issued: str, due: date) -> None:
    spec = _first(text, issued)
    assert (spec.kind, spec.due, spec.flags) == ("holiday", due, ())
    assert spec.text == text[spec.start:spec.end]


def test_festival_named_with_a_past_year_is_kept_and_flagged() -> None:
    spec = _first("今年春节前完成", "2024-03-01")
    assert (spec.kind, spec.due, spec.flags) == ("holiday", date(2024, 2, 9), ("past_at_issue",))


@pytest.mark.parametrize(("text", "issued"), [
    ("端午节前完成", "2026-07-01"),  # 端午 2026 passed; 2027 is beyond the table
    ("端午节前完成", "2007-03-01"),  # before 端午 was a statutory holiday: not in the table
    ("中秋、国庆前完成", "2026-10-05"),  # both passed; 中秋 2027 unknown
    ("2027年中秋节前完成", "2024-03-01"),
    ("清明节前完成", "2101-01-05"),  # beyond the solar-term formula
    ("中秋假期后的第一个工作日召开", "2027-01-05"),  # the package does not know 2027's holidays
    ("春节前完成", "2035-03-01"),  # 春节 2036 is beyond the lunar table
])
def test_unknown_festival_days_are_unresolved_not_dropped(text: str, issued: str) -> None:
    spec = _first(text, issued)
    assert (spec.kind, spec.due, spec.flags, spec.confidence) == ("holiday", None, ("unresolved",), 0.0)


@pytest.mark.parametrize("text", [
    "清明前后是森林防火关键期",
    "中秋、国庆期间加强值班值守",
    "《关于在端午节前开展安全检查的通知》",
    "成员:王国庆前往现场督导",
])
def test_festivals_that_are_not_deadlines(text: str) -> None:
    assert extract_deadlines(text, issued_on=date(2024, 3, 1)) == ()


def test_undefined_flood_season_is_unresolved_not_guessed() -> None:
    spec = _first("汛期前完成隐患排查", "2023-03-01")
    assert spec.due is None
    assert "unresolved" in spec.flags


# --- relative spans -----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "issued", "due"), [
    ("3个工作日内报送", "2023-03-15", date(2023, 3, 20)),  # Wed → Thu, Fri, Mon
    ("3个工作日内报送", "2023-09-27", date(2023, 10, 8)),  # 9-28, 10-7 and 10-8 (调休 weekend)
    ("30日内报送", "2023-03-15", date(2023, 4, 14)),
    ("自印发之日起三个月内完成", "2023-03-15", date(2023, 6, 15)),
    ("在本通知印发后的20个工作日内报本级人民政府", "2020-09-10", date(2020, 10, 14)),
    ("三年内完成改造", "2023-03-15", date(2026, 3, 15)),
])
def test_relative_spans(text: str, issued: str, due: date) -> None:
    spec = _first(text, issued)
    assert (spec.kind, spec.due) == ("relative", due)


def test_office_overrides_change_the_count() -> None:
    calendar = WorkCalendar({date(2023, 3, 16): False})
    assert _first("3个工作日内报送", "2023-03-15", calendar).due == date(2023, 3, 21)


def test_workdays_beyond_the_package_are_flagged() -> None:
    spec = _first("5个工作日内报送", "2026-12-28")
    assert spec.due == date(2027, 1, 4)
    assert "calendar_unconfirmed" in spec.flags


@pytest.mark.parametrize(("text", "offset", "anchor"), [
    ("接报后1小时内到达现场", "1 hours", "接报"),
    ("车辆所有人应当自车辆购置之日起三个月内申请登记", "3 months", "车辆购置"),
])
def test_event_anchored_spans_keep_offset_and_anchor(text: str, offset: str, anchor: str) -> None:
    spec = _first(text, "2023-03-15")
    assert (spec.kind, spec.due, spec.offset, spec.anchor) == ("relative_event", None, offset, anchor)
    assert "unresolved" not in spec.flags


# --- not deadlines ------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "本办法自2023年5月1日起施行。",
    "执行《国家基本医疗保险药品目录(2023年版)》",
    "今年2月18日召开全市安全生产工作会议",
    "企业开办业务1个工作日内办结",
    "落实《阳泉市国土空间总体规划(2021—2035年)》",
    "达到每人每年280元",
    "对三年内发生过安全生产事故的企业予以取缔",
    "组织开展了2023年第一季度全市政府网站检查",
])
def test_not_deadlines(text: str) -> None:
    assert extract_deadlines(text, issued_on=date(2023, 3, 15)) == ()


# --- recurring ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "issued", "recurrence", "due"), [
    ("每季度末报送进展", "2023-03-15", "quarterly", date(2023, 3, 31)),
    ("每季度首月10日前报送", "2023-03-15", "quarterly", date(2023, 4, 10)),
    ("每半年报告一次", "2023-07-01", "half-yearly", date(2023, 12, 31)),
    ("每周报送进展", "2023-03-15", "weekly", date(2023, 3, 17)),  # Friday
    ("每月报送进展", "2023-03-15", "monthly", date(2023, 3, 31)),
    ("每月5日前报送", "2023-03-15", "monthly", date(2023, 4, 5)),
    ("每年二月底前报送", "2021-01-05", "yearly", date(2021, 2, 28)),
    ("每年二月底前报送", "2020-01-05", "yearly", date(2020, 2, 29)),
])
def test_recurring_first_due(text: str, issued: str, recurrence: str, due: date) -> None:
    spec = _first(text, issued)
    assert (spec.kind, spec.recurrence, spec.due) == ("recurring", recurrence, due)


def test_regular_without_period_is_flagged() -> None:
    spec = _first("定期开展检查", "2023-03-15")
    assert (spec.kind, spec.recurrence, spec.due) == ("recurring", None, None)
    assert "recurrence_unknown" in spec.flags


@pytest.mark.parametrize("text", ["每三个月调度一次", "每三周调度一次", "每十天通报", "每半月报送", "每旬调度一次", "每两年评估一次"])
def test_cadences_without_a_recurrence_value_are_flagged_not_dropped(text: str) -> None:
    spec = _first(text, "2024-05-06")
    assert (spec.kind, spec.recurrence, spec.due) == ("recurring", None, None)
    assert "recurrence_unknown" in spec.flags


@pytest.mark.parametrize(("text", "due"), [
    ("6月完成招标", date(2024, 6, 30)),
    ("于6月份完成招标", date(2024, 6, 30)),
    ("10月全面建成", date(2024, 10, 31)),
])
def test_bare_month_followed_by_a_result_verb(text: str, due: date) -> None:
    spec = _first(text, "2024-05-06")
    assert (spec.kind, spec.due) == ("month", due)


@pytest.mark.parametrize("text", ["6月份启动", "今年2月完成了摸底", "5月,市政府召开会议"])
def test_bare_month_without_a_result_is_no_deadline(text: str) -> None:
    assert extract_deadlines(text, issued_on=date(2024, 5, 6)) == ()


def test_ongoing() -> None:
    spec = _first("长期坚持,久久为功", "2023-03-15")
    assert (spec.kind, spec.recurrence, spec.due) == ("ongoing", "ongoing", None)


@pytest.mark.parametrize(("text", "start", "end", "expected"), [
    ("每季度首月10日前报送", date(2023, 1, 1), date(2023, 12, 31),
     [date(2023, 1, 10), date(2023, 4, 10), date(2023, 7, 10), date(2023, 10, 10)]),
    ("每季度报送", date(2023, 2, 1), date(2023, 12, 31), [date(2023, 3, 31), date(2023, 6, 30), date(2023, 9, 30),
                                                        date(2023, 12, 31)]),
    ("每年二月底前报送", date(2020, 1, 1), date(2022, 12, 31), [date(2020, 2, 29), date(2021, 2, 28), date(2022, 2, 28)]),
    ("每半年报送", date(2023, 1, 1), date(2024, 6, 30), [date(2023, 6, 30), date(2023, 12, 31), date(2024, 6, 30)]),
    ("每周报送", date(2023, 3, 1), date(2023, 3, 20), [date(2023, 3, 3), date(2023, 3, 10), date(2023, 3, 17)]),
    ("每月底前报送", date(2023, 1, 15), date(2023, 3, 31), [date(2023, 1, 31), date(2023, 2, 28), date(2023, 3, 31)]),
    ("定期开展检查", date(2023, 1, 1), date(2023, 12, 31), []),
])
def test_occurrences(text: str, start: date, end: date, expected: list[date]) -> None:
    spec = _first(text, start.isoformat())
    assert occurrences(spec, start=start, end=end) == expected


# --- properties ---------------------------------------------------------------------------------

_TOKENS = st.sampled_from([
    "2023年", "4月", "底前", "30日", "前", "每", "季度", "年底前", "个工作日内", "《", "》", "(", ")", "—", "-",
    "二〇二三", "十二", "上半年", "春节", "汛期前", "定期", "常态化", "自", "之日起", "后", ",", "。", " ", "9",
    "31", "2月29日", "13月", "0", "每月", "每年", "施行", "版", "清明节", "端午", "中秋、国庆", "元旦",
    "假期后的第一个工作日", "节之前",
])
_TEXT = st.one_of(st.text(max_size=80), st.lists(st.one_of(_TOKENS, st.text(max_size=3)), max_size=25).map("".join))


@settings(max_examples=400, deadline=None)
@given(text=_TEXT, issued=st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)))
def test_never_raises_and_spans_are_exact(text: str, issued: date) -> None:
    for spec in extract_deadlines(text, issued_on=issued):
        assert 0 <= spec.start < spec.end <= len(text)
        assert spec.text == text[spec.start:spec.end]
        assert spec.kind in KINDS
        assert spec.recurrence is None or spec.recurrence in RECURRENCES
        if spec.due is None and spec.kind not in ("relative_event", "recurring", "ongoing"):
            assert "unresolved" in spec.flags


# --- forms of other provinces' directives (issue 11) ------------------------------------------------

@pytest.mark.parametrize(("text", "issued", "due", "recurrence"), [
    ("每两个月报送一次工作进展", "2024-03-15", date(2024, 4, 30), "bimonthly"),
    ("每双月10日前报送进展情况", "2024-03-15", date(2024, 4, 10), "bimonthly"),
    ("每单月底前报送", "2024-02-15", date(2024, 3, 31), "bimonthly"),
    ("每隔一个月通报一次", "2024-05-06", date(2024, 6, 30), "bimonthly"),
])
def test_bimonthly(text: str, issued: str, due: date, recurrence: str) -> None:
    spec = _first(text, issued)
    assert (spec.kind, spec.recurrence, spec.due) == ("recurring", recurrence, due)


def test_bimonthly_occurrences_are_even_months() -> None:
    spec = _first("每两个月报送一次", "2024-01-10")
    assert occurrences(spec, start=date(2024, 1, 10), end=date(2024, 8, 31)) == [
        date(2024, 2, 29), date(2024, 4, 30), date(2024, 6, 30), date(2024, 8, 31)]


@pytest.mark.parametrize(("text", "due"), [
    ("材料报送截止时间为2024年5月10日17:00", date(2024, 5, 10)),
    ("请于2024年5月10日下午5时前报送", date(2024, 5, 10)),
    ("报送时间:2024年5月10日", date(2024, 5, 10)),
    ("上报时间为5月10日", date(2024, 5, 10)),
    ("截止日期:2024年6月30日", date(2024, 6, 30)),
])
def test_dates_introduced_as_time_fields(text: str, due: date) -> None:
    spec = _first(text, "2024-04-20")
    assert (spec.kind, spec.due) == ("date", due)


def test_a_past_cut_off_date_is_still_no_deadline() -> None:
    assert extract_deadlines("截至2024年3月31日,全市已完成80%", issued_on=date(2024, 4, 20)) == ()


@pytest.mark.parametrize(("text", "due", "kind"), [
    ("2021.8", date(2021, 8, 31), "month"),
    ("2021年8月", date(2021, 8, 31), "month"),
    ("2021/12", date(2021, 12, 31), "month"),
    ("2021年", date(2021, 12, 31), "year"),
    ("2021年底前", date(2021, 12, 31), "year"),
    ("全年", date(2021, 12, 31), "year"),
    ("2021.6-2021.12", date(2021, 12, 31), "range"),
    ("2021年6月-12月", date(2021, 12, 31), "range"),
    ("11月前", date(2021, 11, 30), "month"),
    ("8月", date(2021, 8, 31), "month"),
])
def test_time_limit_cells(text: str, due: date, kind: str) -> None:
    specs = extract_deadlines(text, issued_on=date(2021, 3, 1), standalone=True)
    assert [(s.kind, s.due) for s in specs] == [(kind, due)]


@pytest.mark.parametrize("text", ["长期", "持续推进", "长期坚持"])
def test_ongoing_cells(text: str) -> None:
    (spec,) = extract_deadlines(text, issued_on=date(2021, 3, 1), standalone=True)
    assert (spec.kind, spec.recurrence) == ("ongoing", "ongoing")


@pytest.mark.parametrize("text", ["长期以来,我市高度重视", "建立长期稳定的合作机制", "2021.8亿元", "增长2021.5%"])
def test_words_that_only_look_like_time_limits(text: str) -> None:
    assert extract_deadlines(text, issued_on=date(2021, 3, 1)) == ()


def test_long_term_as_a_field_inside_a_clause() -> None:
    (spec,) = extract_deadlines("(责任单位:市民政局;完成时限:长期)", issued_on=date(2021, 3, 1))
    assert spec.recurrence == "ongoing"


def test_in_prose_a_bare_year_month_needs_a_deadline_reading() -> None:
    assert [s.due for s in extract_deadlines("2021.8前完成验收", issued_on=date(2021, 3, 1))] == [date(2021, 8, 31)]
    assert extract_deadlines("全年完成造林5万亩", issued_on=date(2021, 3, 1))[0].due == date(2021, 12, 31)
    # a clause opened by 全年 states the year's target; 全年 as an attribute is no deadline
    assert extract_deadlines("全年粮食播种面积4600万亩", issued_on=date(2021, 3, 1))[0].due == date(2021, 12, 31)
    assert extract_deadlines("确保完成全年主要预期目标", issued_on=date(2021, 3, 1)) == ()
    assert extract_deadlines("12月25日前报告全年落实情况", issued_on=date(2021, 3, 1))[0].text == "12月25日前"
    assert len(extract_deadlines("12月25日前报告全年落实情况", issued_on=date(2021, 3, 1))) == 1


@pytest.mark.parametrize(("text", "issued", "due"), [
    ("2017年开工建设鄱余高等级公路", "2017-03-01", date(2017, 12, 31)),
    ("今明两年投资530亿元", "2014-05-01", date(2015, 12, 31)),
    ("2025年建成区域物流中心", "2023-03-01", date(2025, 12, 31)),
])
def test_a_year_written_for_an_action_is_its_deadline(text: str, issued: str, due: date) -> None:
    assert _first(text, issued).due == due


@pytest.mark.parametrize("text", [
    "实施期限至2021年12月31日", "将失业保险浮动费率政策实施期限延长至2022年4月30日",
    "2021年5月1日至2022年4月30日实施阶段性下调工伤保险费率50%的政策",
    "2016年开工建设的项目已全部完工",
])
def test_the_period_a_policy_applies_is_no_deadline(text: str) -> None:
    assert [s.due for s in extract_deadlines(text, issued_on=date(2021, 3, 1))] == []


def test_a_quarterly_day_after_de() -> None:
    spec = _first("各责任单位要在每季度最后一个月的30日前报送进展", "2023-01-03")
    assert (spec.recurrence, spec.due) == ("quarterly", date(2023, 3, 30))


@pytest.mark.parametrize(("text", "issued", "due"), [
    ("3月底前完成冬季清洁取暖改造验收", "2023-12-10", date(2024, 3, 31)),
    ("1月15日前报送全年总结", "2023-12-20", date(2024, 1, 15)),
    ("2月底前完成", "2023-03-15", date(2023, 2, 28)),  # two weeks gone: kept, flagged past_at_issue
    ("12月底前完成", "2021-01-05", date(2021, 12, 31)),
])
def test_year_of_an_unyeared_deadline_around_the_turn_of_the_year(text: str, issued: str, due: date) -> None:
    assert _first(text, issued).due == due


def test_a_written_year_is_never_moved() -> None:
    spec = _first("2023年3月底前完成", "2023-12-10")
    assert spec.due == date(2023, 3, 31) and "past_at_issue" in spec.flags


@pytest.mark.parametrize(("festival", "issued", "due"), [
    ("春节", "2024-01-20", date(2024, 2, 9)),
    ("中秋", "2023-09-01", date(2023, 9, 28)),
    ("国庆节", "2023-09-01", date(2023, 9, 30)),
])
def test_bare_festival_in_a_directive_about_one_festival(festival: str, issued: str, due: date) -> None:
    (spec,) = extract_deadlines("在节前开展一次安全隐患大排查", issued_on=date.fromisoformat(issued), festival=festival)
    assert (spec.kind, spec.due) == ("holiday", due)


def test_bare_festival_without_a_festival_is_flagged_not_dropped() -> None:
    (spec,) = extract_deadlines("节前开展一次大排查", issued_on=date(2024, 1, 20))
    assert (spec.kind, spec.due, spec.flags) == ("holiday", None, ("unresolved",))


@pytest.mark.parametrize("text", ["优化审批环节前置条件", "在季节前后加强巡查"])
def test_words_ending_in_jie_are_no_festival(text: str) -> None:
    assert extract_deadlines(text, issued_on=date(2024, 1, 20), festival="春节") == ()


@pytest.mark.parametrize(("title", "festival"), [
    ("关于做好2024年元旦春节期间安全生产工作的通知", None),
    ("关于做好2024年春节期间困难群众生活保障工作的通知", "春节"),
    ("关于做好中秋节国庆节期间有关工作的通知", None),
    ("关于做好端午节期间疫情防控工作的通知", "端午"),
    ("关于印发某某实施方案的通知", None),
])
def test_festival_of_title(title: str, festival: str | None) -> None:
    assert festival_of(title) == festival


# --- across the year's end, limits, exact spans (docs/mutation.md: survivors of the mutation run) ---------------

@pytest.mark.parametrize(("text", "start", "end", "expected"), [
    ("每月底前报送", date(2023, 11, 10), date(2024, 2, 29),
     [date(2023, 11, 30), date(2023, 12, 31), date(2024, 1, 31), date(2024, 2, 29)]),
    ("每月10日前报送", date(2023, 12, 1), date(2024, 1, 31), [date(2023, 12, 10), date(2024, 1, 10)]),
    ("每两个月报送一次", date(2023, 11, 10), date(2024, 4, 30), [date(2023, 12, 31), date(2024, 2, 29),
                                                        date(2024, 4, 30)]),
    ("每季度末报送", date(2023, 11, 10), date(2024, 9, 30), [date(2023, 12, 31), date(2024, 3, 31),
                                                     date(2024, 6, 30), date(2024, 9, 30)]),
    ("每半年报送", date(2023, 11, 10), date(2025, 1, 1), [date(2023, 12, 31), date(2024, 6, 30), date(2024, 12, 31)]),
    ("每年12月20日前报送", date(2023, 12, 21), date(2025, 12, 31), [date(2024, 12, 20), date(2025, 12, 20)]),
    ("每周五报送", date(2023, 12, 25), date(2024, 1, 13), [date(2023, 12, 29), date(2024, 1, 5), date(2024, 1, 12)]),
    ("每天报送", date(2023, 12, 30), date(2024, 1, 2), [date(2023, 12, 30), date(2023, 12, 31), date(2024, 1, 1),
                                                   date(2024, 1, 2)]),
])
def test_occurrences_cross_the_years_end(text: str, start: date, end: date, expected: list[date]) -> None:
    spec = extract_deadlines(text, issued_on=date(2023, 11, 10))[0]
    assert occurrences(spec, start=start, end=end) == expected


@pytest.mark.parametrize("text", ["每月底前报送", "每天报送", "每周五报送", "每季度末报送"])
def test_occurrences_stop_at_the_limit_and_an_empty_range_has_none(text: str) -> None:
    spec = extract_deadlines(text, issued_on=date(2023, 11, 10))[0]
    every = occurrences(spec, start=date(2023, 11, 10), end=date(2024, 12, 31))
    assert len(every) > 2
    assert occurrences(spec, start=date(2023, 11, 10), end=date(2024, 12, 31), limit=2) == every[:2]
    assert occurrences(spec, start=date(2024, 1, 1), end=date(2023, 12, 31)) == []


@pytest.mark.parametrize(("text", "span", "start"), [
    ("请于2020年3月15日前完成并报送", "2020年3月15日前", 2),
    ("各单位每月底前报送进展", "每月底前", 3),
    ("按要求30个工作日内完成", "30个工作日内", 3),
    ("力争年底前完成", "年底前", 2),
])
def test_the_span_is_the_phrase_itself(text: str, span: str, start: int) -> None:
    """Not only text[start:end] == spec.text (true by construction) but the right words at the right place."""
    spec = extract_deadlines(text, issued_on=date(2019, 11, 10))[0]
    assert (spec.text, spec.start, spec.end) == (span, start, start + len(span))


# --- weekly edges and one-day windows (docs/mutation.md: survivors of the `_rule_dates` sample) ------------------

def test_a_weekly_friday_duty_issued_on_a_saturday_is_first_due_the_next_friday() -> None:
    # 2024-01-06 is a Saturday: the Friday just past (01-05) is gone, the next one is 01-12, not Saturday 01-13.
    spec = _first("每周五报送", "2024-01-06")
    assert (spec.kind, spec.recurrence, spec.due) == ("recurring", "weekly", date(2024, 1, 12))


def test_a_weekly_range_ending_on_a_friday_includes_that_friday() -> None:
    spec = _first("每周五报送", "2024-01-01")
    assert occurrences(spec, start=date(2024, 1, 1), end=date(2024, 1, 12)) == [date(2024, 1, 5), date(2024, 1, 12)]


@pytest.mark.parametrize(("text", "day"), [
    ("每月底前报送", date(2024, 1, 31)),
    ("每天报送", date(2024, 1, 2)),
    ("每周五报送", date(2024, 1, 5)),
])
def test_a_one_day_range_holding_a_due_date_gives_that_date(text: str, day: date) -> None:
    spec = _first(text, "2023-11-10")
    assert occurrences(spec, start=day, end=day) == [day]


# --- a duty that starts later: "从…起, 每月…" (docs/mutation.md: the recurrence sample) -------------------------

@pytest.mark.parametrize(("text", "due"), [
    ("从2025年3月起，每月25日前报送", date(2025, 3, 25)),  # the stated start, not the issue date
    ("自第三季度起，每月底前报送", date(2024, 7, 31)),  # Q3 starts 07-01
    ("自2025年第1季度起，每月底前报送", date(2025, 1, 31)),  # the quarter written as a digit
    ("自第4季度开始，每周三报送", date(2024, 10, 2)),  # 2024-10-01 is a Tuesday
    ("从7月起每周五报送", date(2024, 7, 5)),  # 2024-07-01 is a Monday
    ("从2025年1月起试点，自2025年3月起，每月10日前报送", date(2025, 3, 10)),  # the nearest start decides
    ("从2025年3月起，每天报送", date(2025, 3, 1)),
    ("从2025年3月起，每月25日前报送。按时报送", date(2025, 3, 25)),  # a sentence ending after the duty
    ("从2025年3月起，XX县每月底前报送", date(2025, 3, 31)),  # a placeholder place name in a template
    ("从12月起，每月10日前报送", date(2024, 12, 10)),
])
def test_a_duty_with_a_stated_start_is_first_due_after_it(text: str, due: date) -> None:
    spec = _first(text, "2024-05-06")
    assert (spec.kind, spec.due) == ("recurring", due)


@pytest.mark.parametrize(("text", "due"), [
    ("从2023年3月起，每月底前报送", date(2024, 5, 31)),  # a start already past: the issue date counts
    ("从2025年3月起实施新标准。每月底前报送", date(2024, 5, 31)),  # the start belongs to another sentence
    ("从2025年1月起;每月底前报送", date(2024, 5, 31)),
    ("从13月起，每月底前报送", date(2024, 5, 31)),  # no such month: no start
    ("已部署。从2025年3月起实施新标准。每月底前报送", date(2024, 5, 31)),  # only the duty's own sentence counts
    ("各单位每月底前报送，自2025年3月起纳入考核", date(2024, 5, 31)),  # a start written after the duty is not its start
])
def test_a_start_that_does_not_apply_leaves_the_issue_date(text: str, due: date) -> None:
    spec = _first(text, "2024-05-06")
    assert (spec.kind, spec.due) == ("recurring", due)


@pytest.mark.parametrize(("text", "due", "stated"), [
    ("每周报送", date(2024, 5, 10), False),  # no day: Friday, the usual report day, is assumed
    ("每周日报送", date(2024, 5, 12), True),
    ("每周一报送", date(2024, 5, 6), True),  # issued on a Monday: due that day
    ("每月报送进展", date(2024, 5, 31), False),  # no day: the month's end is assumed
    ("每月中旬报送", date(2024, 5, 20), True),
])
def test_a_weekly_or_monthly_day_assumed_is_less_certain_than_one_stated(text: str, due: date, stated: bool) -> None:
    spec = _first(text, "2024-05-06")
    assert (spec.kind, spec.due) == ("recurring", due)
    assert (spec.confidence == 1.0) if stated else (0 < spec.confidence < 1.0)


@pytest.mark.parametrize("text", ["每人每月补助500元", "每户每周补贴50元", "执行《每月工作例会制度》", "落实《每周安全检查制度》"])
def test_a_weekly_or_monthly_rate_or_title_is_no_deadline(text: str) -> None:
    assert extract_deadlines(text, issued_on=date(2024, 5, 6)) == ()


# --- relative spans: weeks, hours, what is no span (docs/mutation.md: the `_h_relative` sample) ------------------

@pytest.mark.parametrize(("text", "due", "offset"), [
    ("2周内报送", date(2024, 5, 20), "2 weeks"),  # 2024-05-06 + 14 days
    ("30日内报送", date(2024, 6, 5), "30 days"),  # 25 days left in May, 5 in June
])
def test_a_calendar_span_from_the_issue_date(text: str, due: date, offset: str) -> None:
    spec = _first(text, "2024-05-06")
    assert (spec.kind, spec.due, spec.offset) == ("relative", due, offset)
    assert "calendar_unconfirmed" not in spec.flags  # a calendar span needs no working-day calendar


@pytest.mark.parametrize(("text", "offset"), [("2小时内报告", "2 hours"), ("30分钟内到达", "30 minutes")])
def test_hours_and_minutes_without_an_event_are_counted_from_an_unspecified_one(text: str, offset: str) -> None:
    spec = _first(text, "2024-05-06")  # never from the issue date: nobody reports within 2 hours of a directive
    assert (spec.kind, spec.due, spec.offset, spec.anchor) == ("relative_event", None, offset, "unspecified")
    assert 0 < spec.confidence < 1.0


@pytest.mark.parametrize("text", [
    "0日内报送",  # no span at all
    "报告书14个工作日内、报告表7个工作日内完成审批",  # a list of service levels
    "学习《三年内完成改造的指导意见》",  # a span inside a cited title
    "入职训练2个月内退出的",  # a condition on people, at the text's end
])
def test_spans_that_are_no_deadline(text: str) -> None:
    assert extract_deadlines(text, issued_on=date(2024, 5, 6)) == ()


@pytest.mark.parametrize(("text", "offset", "anchor"), [
    ("从事运输的企业自取得许可之日起30日内备案", "30 days", "取得许可"),  # the last 自/从 opens the event
    ("企业应当在收到通知后10日内整改", "10 days", "收到通知"),  # the duty's subject and 应当在 are not the event
    ("企业应当在收到通知的10日内整改", "10 days", "收到通知"),
    ("自收到通知之日起须在10日内整改", "10 days", "收到通知"),
])
def test_the_event_a_span_counts_from_is_named_by_its_own_words(text: str, offset: str, anchor: str) -> None:
    spec = _first(text, "2024-05-06")
    assert (spec.kind, spec.due, spec.offset, spec.anchor) == ("relative_event", None, offset, anchor)


def test_a_span_after_the_units_named_counts_from_the_issue_date() -> None:
    spec = _first("各单位30日内报送", "2024-05-06")
    assert (spec.kind, spec.due, spec.anchor) == ("relative", date(2024, 6, 5), None)


# --- every field of a phrase, handler by handler (docs/mutation.md: the whole-module run) ------------------------

def _described(spec) -> str:
    """kind, due, start of a range, recurrence and rule, offset and anchor, confidence, flags and the exact span."""
    parts = [spec.kind, spec.due.isoformat() if spec.due else "-"]
    if spec.range_start:
        parts.append("from " + spec.range_start.isoformat())
    if spec.recurrence:
        parts.append(spec.recurrence)
    if spec.rule:
        parts.append("rule " + spec.rule)
    if spec.offset:
        parts.append("offset " + spec.offset)
    if spec.anchor:
        parts.append("anchor " + spec.anchor)
    parts.append(f"c{spec.confidence:g}")
    parts.extend(spec.flags)
    parts.append(f"[{spec.start}:{spec.end}]{spec.text}")
    return " ".join(parts)


# (text, issue date, options, every phrase found as _described gives it, joined by " | "; "" = none)
FIELD_CASES = [
    # dates: a year written, unwritten, relative, past, invalid; lists sharing one 前; time fields; cut-offs
    ('2024年3月15日前完成', '2024-01-10', {}, 'date 2024-03-15 c1 [0:11]2024年3月15日前'),
    ('3月15日前完成', '2024-01-10', {}, 'date 2024-03-15 c1 [0:6]3月15日前'),
    ('3月15日前完成', '2024-12-20', {}, 'date 2025-03-15 c1 year_inferred [0:6]3月15日前'),
    ('3月15日前完成', '2024-04-20', {}, 'date 2024-03-15 c0.9 past_at_issue [0:6]3月15日前'),
    ('于3月15日完成', '2024-01-10', {}, 'date 2024-03-15 c1 [1:6]3月15日'),
    ('3月15日,完成', '2024-01-10', {}, 'date 2024-03-15 c1 [0:5]3月15日'),
    ('3月15日召开会议', '2024-01-10', {}, ''),
    ('2024年2月30日前完成', '2024-01-10', {}, 'date - c0 unresolved [0:11]2024年2月30日前'),
    ('2月29日前完成', '2023-01-10', {}, 'date - c0 unresolved [0:6]2月29日前'),
    ('当年6月30日前报送', '2024-01-10', {}, 'recurring 2024-06-30 yearly rule Y:6:30 c1 [0:8]当年6月30日前'),
    ('当年6月30日报送', '2024-01-10', {}, 'date 2024-06-30 c1 [0:7]当年6月30日'),
    ('明年3月15日前完成', '2024-01-10', {}, 'date 2025-03-15 c1 [0:8]明年3月15日前'),
    ('次年3月15日前完成', '2024-01-10', {}, 'date 2025-03-15 c1 [0:8]次年3月15日前'),
    ('今年3月15日前完成', '2024-01-10', {}, 'date 2024-03-15 c1 [0:8]今年3月15日前'),
    ('3月25日、6月25日、9月25日前报送', '2024-01-10', {}, 'date 2024-03-25 c1 [0:5]3月25日 | date 2024-06-25 c1 [6:11]6月25日 | date 2024-09-25 c1 [12:18]9月25日前'),
    ('截至2024年3月31日,已完成', '2024-01-10', {}, 'date 2024-03-31 c1 [2:12]2024年3月31日'),
    ('截至2024年3月31日,已完成', '2024-04-10', {}, ''),
    ('报送时间:3月31日', '2024-01-10', {}, 'date 2024-03-31 c1 [5:10]3月31日'),
    ('3月31日', '2024-01-10', {'standalone': True}, 'date 2024-03-31 c1 [0:5]3月31日'),
    ('3月31日', '2024-04-10', {'standalone': True}, ''),
    ('于2024年1月31日前完成', '2024-04-10', {}, 'date 2024-01-31 c1 past_at_issue [1:12]2024年1月31日前'),
    ('2024年1月31日召开', '2024-04-10', {}, ''),
    ('要在2024年1月31日完成', '2024-04-10', {}, 'date 2024-01-31 c1 past_at_issue [2:12]2024年1月31日'),
    ('13月31日前', '2024-04-10', {}, ''),
    ('2024.3.15前完成', '2024-01-10', {}, 'date 2024-03-15 c1 [0:10]2024.3.15前'),
    ('2024.13.15前完成', '2024-01-10', {}, ''),
    # dates whose 月 was dropped ("615日" is June 15): alone before 前, or listed sharing one 前; no 前, no date
    ('须分别于615日、1215日前报送', '2024-01-10', {}, 'date 2024-06-15 c1 [4:8]615日 | date 2024-12-15 c1 [9:15]1215日前'),
    ('分别于615日、1215日、930日前报送', '2024-01-10', {}, 'date 2024-06-15 c1 [3:7]615日 | date 2024-12-15 c1 [8:13]1215日 | date 2024-09-30 c1 [14:19]930日前'),
    ('须于615日报送', '2024-01-10', {}, ''),
    ('共615日、1215日前', '2024-01-10', {}, ''),
    # date ranges
    ('2024年3月1日至6月30日开展专项整治', '2024-02-01', {}, 'range 2024-06-30 from 2024-03-01 c1 [0:15]2024年3月1日至6月30日'),
    ('2024年3月1日至6月30日开展专项整治', '2024-04-01', {}, 'range 2024-06-30 from 2024-03-01 c1 [0:15]2024年3月1日至6月30日'),
    ('3月1日—4月15日开展集中排查', '2024-02-01', {}, 'range 2024-04-15 from 2024-03-01 c1 [0:10]3月1日—4月15日'),
    ('3月1日至15日开展集中排查', '2024-02-01', {}, 'range 2024-03-15 from 2024-03-01 c1 [0:8]3月1日至15日'),
    ('2024年11月1日至2025年1月31日开展冬季攻势', '2024-10-01', {}, 'range 2025-01-31 from 2024-11-01 c1 [0:21]2024年11月1日至2025年1月31日'),
    ('6月30日至3月1日开展', '2024-02-01', {}, 'range - c0 unresolved [0:10]6月30日至3月1日'),
    ('2月10日至2月30日开展排查', '2024-01-05', {}, 'range - c0 unresolved [0:11]2月10日至2月30日'),
    ('2月30日至3月10日开展排查', '2024-01-05', {}, 'range - c0 unresolved [0:11]2月30日至3月10日'),
    ('3月1日至3月1日开展', '2024-02-01', {}, 'range 2024-03-01 from 2024-03-01 c1 [0:9]3月1日至3月1日'),
    ('2021年5月1日至2022年4月30日实施', '2021-03-01', {}, ''),
    ('5月1日至10月31日每天巡查', '2024-03-01', {}, 'range 2024-10-31 from 2024-05-01 c1 [0:11]5月1日至10月31日 | recurring 2024-03-01 daily rule D c1 [11:13]每天'),
    ('落实《2024年3月1日至6月30日专项整治方案》', '2024-02-01', {}, ''),
    # month ranges
    ('3月-5月完成清查', '2024-02-01', {}, 'range 2024-05-31 from 2024-03-01 c1 [0:5]3月-5月'),
    ('2024年3月至5月完成清查', '2024-02-01', {}, 'range 2024-05-31 from 2024-03-01 c1 [0:10]2024年3月至5月'),
    ('2024年11月至2025年2月开展冬季行动', '2024-10-01', {}, 'range 2025-02-28 from 2024-11-01 c1 [0:16]2024年11月至2025年2月'),
    ('1-2月份的低保金', '2024-02-01', {}, ''),
    ('12月至12月开展', '2024-02-01', {}, 'range 2024-12-31 from 2024-12-01 c1 [0:7]12月至12月'),
    ('1月至1月开展', '2024-02-01', {}, 'range 2024-01-31 from 2024-01-01 c1 past_at_issue [0:5]1月至1月'),
    ('5月至3月开展', '2024-02-01', {}, ''),
    ('3月至5月', '2024-02-01', {'standalone': True}, 'range 2024-05-31 from 2024-03-01 c1 [0:5]3月至5月'),
    ('3月至5月前完成', '2024-02-01', {}, 'range 2024-05-31 from 2024-03-01 c1 [0:6]3月至5月前'),
    ('3月至5月底前完成', '2024-02-01', {}, 'range 2024-05-31 from 2024-03-01 c1 [0:7]3月至5月底前'),
    ('10月-12月,完成验收', '2024-02-01', {}, 'range 2024-12-31 from 2024-10-01 c1 [0:7]10月-12月'),
    ('1月-12月,各单位开展', '2024-02-01', {}, 'range 2024-12-31 from 2024-01-01 c1 [0:6]1月-12月'),
    ('2024年1月至12月', '2024-02-01', {}, 'range 2024-12-31 from 2024-01-01 c1 [0:11]2024年1月至12月'),
    ('2023年1月至3月开展', '2024-02-01', {}, 'range 2023-03-31 from 2023-01-01 c1 past_at_issue [0:10]2023年1月至3月'),
    # year-month spans and months written the way tables write them
    ('2021.8-2021.12', '2021-03-01', {'standalone': True}, 'range 2021-12-31 from 2021-08-01 c1 [0:14]2021.8-2021.12'),
    ('2021.8-12', '2021-03-01', {'standalone': True}, 'range 2021-12-31 from 2021-08-01 c1 [0:9]2021.8-12'),
    ('2021.1-12完成', '2021-03-01', {}, 'range 2021-12-31 from 2021-01-01 c1 [0:9]2021.1-12'),
    ('2021.12-2022.1', '2021-03-01', {'standalone': True}, 'range 2022-01-31 from 2021-12-01 c1 [0:14]2021.12-2022.1'),
    ('2021.12-2021.12', '2021-03-01', {'standalone': True}, 'range 2021-12-31 from 2021-12-01 c1 [0:15]2021.12-2021.12'),
    ('2021.1-2021.1', '2021-03-01', {'standalone': True}, 'range 2021-01-31 from 2021-01-01 c1 past_at_issue [0:13]2021.1-2021.1'),
    ('2021.8-2021.3', '2021-03-01', {'standalone': True}, ''),
    ('2021.1-2021.12完成', '2021-03-01', {}, 'range 2021-12-31 from 2021-01-01 c1 [0:14]2021.1-2021.12'),
    ('落实《2021.1-2021.12工作计划》', '2021-03-01', {}, ''),
    ('2021.8', '2021-03-01', {'standalone': True}, 'month 2021-08-31 c0.9 [0:6]2021.8'),
    ('2021.1', '2021-03-01', {'standalone': True}, 'month 2021-01-31 c0.9 past_at_issue [0:6]2021.1'),
    ('2021.12', '2021-03-01', {'standalone': True}, 'month 2021-12-31 c0.9 [0:7]2021.12'),
    ('2021.12前完成', '2021-03-01', {}, 'month 2021-12-31 c0.9 [0:8]2021.12前'),
    ('2021.12底完成', '2021-03-01', {}, 'month 2021-12-31 c0.9 [0:8]2021.12底'),
    ('2021.12,完成验收', '2021-03-01', {}, 'month 2021-12-31 c0.9 [0:7]2021.12'),
    ('于2021.12完成验收', '2021-03-01', {}, 'month 2021-12-31 c0.9 [1:8]2021.12'),
    ('2021.12召开总结会', '2021-03-01', {}, ''),
    ('2021.12发布', '2021-03-01', {}, ''),
    ('《2021.12版目录》印发', '2021-03-01', {}, ''),
    ('2021.6月底', '2021-03-01', {}, 'month 2021-06-30 c0.9 [0:8]2021.6月底'),
    # year spans
    ('2023-2025年,全市完成改造', '2023-03-15', {}, 'range 2025-12-31 from 2023-01-01 c1 [0:10]2023-2025年'),
    ('2023—2025年完成改造', '2023-03-15', {}, 'range 2025-12-31 from 2023-01-01 c1 [0:10]2023—2025年'),
    ('2025-2025年完成改造', '2023-03-15', {}, ''),
    ('2021-2051年完成', '2021-03-15', {}, 'range 2051-12-31 from 2021-01-01 c1 [0:10]2021-2051年'),
    ('2021-2052年完成', '2021-03-15', {}, ''),
    ('落实国土空间规划(2021-2035年)', '2021-03-15', {}, ''),
    ('(2021-2023年完成改造)', '2021-03-15', {}, 'range 2023-12-31 from 2021-01-01 c1 [1:11]2021-2023年'),
    ('(2021-2023年)', '2021-03-15', {}, ''),
    ('2021-2023年度考核', '2021-03-15', {}, ''),
    ('2021-2023年以来,全市', '2021-03-15', {}, ''),
    ('2021-2023年版', '2021-03-15', {}, ''),
    ('2021-2023年召开', '2021-03-15', {}, ''),
    ('《2021-2023年行动计划》', '2021-03-15', {}, ''),
    ('印发2021-2023年行动计划', '2021-03-15', {}, ''),
    # 到…年, …年前, targets; cut-offs (截至) of past years
    ('到2025年,全市达到', '2023-03-15', {}, 'year 2025-12-31 c1 [0:6]到2025年'),
    ('到2025年底,全市达到', '2023-03-15', {}, 'year 2025-12-31 c1 [0:7]到2025年底'),
    ('力争到2025年底前实现', '2023-03-15', {}, 'year 2025-12-31 c1 [0:10]力争到2025年底前'),
    ('2025年前建成', '2023-03-15', {}, 'year 2025-12-31 c0.8 [0:6]2025年前'),
    ('2025年目标值', '2023-03-15', {}, 'year 2025-12-31 c1 [0:8]2025年目标值'),
    ('截至2022年,全市已建成', '2023-03-15', {}, ''),
    ('截至2023年,全市已建成', '2023-03-15', {}, ''),
    ('截止2023年,全市已建成', '2023-03-15', {}, ''),
    ('截止到2023年,全市已建成', '2023-03-15', {}, ''),
    ('截至2024年,全市建成', '2023-03-15', {}, 'year 2024-12-31 c1 [0:7]截至2024年'),
    ('截至2023年前完成', '2023-03-15', {}, 'year 2023-12-31 c0.8 [0:8]截至2023年前'),
    ('截至2023年底前完成', '2023-03-15', {}, 'year 2023-12-31 c1 [0:9]截至2023年底前'),
    ('《到2025年建成的规划》', '2023-03-15', {}, ''),
    ('到2022年底前完成', '2023-03-15', {}, 'year 2022-12-31 c1 past_at_issue [0:8]到2022年底前'),
    # a year written for an action, 今明两年
    ('2017年开工建设鄱余高等级公路', '2017-03-01', {}, 'year 2017-12-31 c0.8 [0:5]2017年'),
    ('2016年开工建设', '2017-03-01', {}, ''),
    ('自2018年开工建设', '2017-03-01', {}, ''),
    ('从2018年投资', '2017-03-01', {}, ''),
    ('今明两年投资530亿元', '2014-05-01', {}, 'range 2015-12-31 from 2014-01-01 c0.8 [0:4]今明两年'),
    ('今明两年内完成', '2014-05-01', {}, 'range 2015-12-31 from 2014-01-01 c0.8 [0:5]今明两年内'),
    ('《2018年建成的项目清单》', '2017-03-01', {}, ''),
    ('2018年内建成', '2017-03-01', {}, 'year 2018-12-31 c1 [0:6]2018年内'),
    # a bare year opening a sentence
    ('3、2017年,全市建成通车', '2017-03-01', {}, 'year 2017-12-31 c0.7 [2:7]2017年'),
    ('一、2018年,全市建成', '2017-03-01', {}, 'year 2018-12-31 c0.7 [2:7]2018年'),
    ('2016年,全市建成', '2017-03-01', {}, ''),
    ('目标:2018年,全市建成', '2017-03-01', {}, 'year 2018-12-31 c0.7 [3:8]2018年'),
    ('2018年,工作要点如下', '2017-03-01', {}, ''),
    ('2018年,全市重点工作任务', '2017-03-01', {}, ''),
    ('《方案》。2018年,全市建成', '2017-03-01', {}, 'year 2018-12-31 c0.7 [5:10]2018年'),
    ('2018年,完成', '2017-03-01', {}, 'year 2018-12-31 c0.7 [0:5]2018年'),
    # 全年
    ('全年完成造林5万亩', '2021-03-01', {}, 'year 2021-12-31 c0.8 [0:2]全年'),
    ('全年', '2021-03-01', {'standalone': True}, 'year 2021-12-31 c0.8 [0:2]全年'),
    ('全年,各单位持续推进', '2021-03-01', {}, 'year 2021-12-31 c0.8 [0:2]全年 | ongoing - ongoing c1 [6:10]持续推进'),
    ('2022年全年完成', '2021-03-01', {}, 'year 2022-12-31 c0.8 [0:7]2022年全年'),
    ('明年全年完成', '2021-03-01', {}, 'year 2022-12-31 c0.8 [0:4]明年全年'),
    ('《全年完成的任务》', '2021-03-01', {}, ''),
    ('安排全年工作', '2021-03-01', {}, ''),
    ('全年工作任务目标', '2021-03-01', {}, ''),
    ('全年粮食播种面积4600万亩', '2021-03-01', {}, 'year 2021-12-31 c0.8 [0:2]全年'),
    ('全年完成情况', '2021-03-01', {}, ''),
    ('各地全年完成', '2021-03-01', {}, 'year 2021-12-31 c0.8 [2:4]全年'),
    # a year as the whole time-limit cell
    ('2024年', '2021-03-01', {'standalone': True}, 'year 2024-12-31 c0.8 [0:5]2024年'),
    ('2024年度', '2021-03-01', {'standalone': True}, 'year 2024-12-31 c0.8 [0:6]2024年度'),
    ('2024年。', '2021-03-01', {'standalone': True}, 'year 2024-12-31 c0.8 [0:5]2024年'),
    ('2024年', '2021-03-01', {}, ''),
    ('二〇二四年', '2021-03-01', {'standalone': True}, 'year 2024-12-31 c0.8 [0:5]二〇二四年'),
    ('2020年', '2021-03-01', {'standalone': True}, 'year 2020-12-31 c0.8 past_at_issue [0:5]2020年'),
    # five-year plans
    ('“十四五”期间,全市新建公园20个', '2021-03-01', {}, 'range 2025-12-31 from 2021-01-01 c1 [0:7]“十四五”期间'),
    ('十四五末,全市达到', '2021-03-01', {}, 'year 2025-12-31 c1 [0:4]十四五末'),
    ('十四五末期,全市达到', '2021-03-01', {}, 'year 2025-12-31 c1 [0:5]十四五末期'),
    ('“十三五”时期', '2021-03-01', {}, 'range 2020-12-31 from 2016-01-01 c1 past_at_issue [0:7]“十三五”时期'),
    ('十七五期间', '2021-03-01', {}, ''),
    ('落实《“十四五”期间规划》', '2021-03-01', {}, ''),
    # months: parts of a month, 前, a bare month with a result verb, 当年 (every year), a written year
    ('4月底前完成', '2023-03-15', {}, 'month 2023-04-30 c1 [0:4]4月底前'),
    ('4月底前完成', '2023-12-15', {}, 'month 2024-04-30 c1 year_inferred [0:4]4月底前'),
    ('4月前完成', '2023-03-15', {}, 'month 2023-04-30 c0.8 [0:3]4月前'),
    ('4月上旬完成', '2023-03-15', {}, 'month 2023-04-10 c0.9 [0:4]4月上旬'),
    ('4月中旬完成', '2023-03-15', {}, 'month 2023-04-20 c0.9 [0:4]4月中旬'),
    ('4月初完成', '2023-03-15', {}, 'month 2023-04-10 c0.9 [0:3]4月初'),
    ('4月中前完成', '2023-03-15', {}, 'month 2023-04-15 c0.9 [0:4]4月中前'),
    ('4月下旬完成', '2023-03-15', {}, 'month 2023-04-30 c1 [0:4]4月下旬'),
    ('4月末完成', '2023-03-15', {}, 'month 2023-04-30 c1 [0:3]4月末'),
    ('2023年4月完成', '2023-03-15', {}, 'month 2023-04-30 c0.7 [0:7]2023年4月'),
    ('2023年4月,全市开展', '2023-03-15', {}, 'month 2023-04-30 c0.7 [0:7]2023年4月'),
    ('2023年4月的数据', '2023-03-15', {}, ''),
    ('当年4月底前报送', '2023-03-15', {}, 'recurring 2023-04-30 yearly rule Y:4:end c1 [0:6]当年4月底前'),
    ('当年4月上旬报送', '2023-03-15', {}, 'recurring 2023-04-10 yearly rule Y:4:10 c1 [0:6]当年4月上旬'),
    ('明年4月底前完成', '2023-03-15', {}, 'month 2024-04-30 c1 [0:6]明年4月底前'),
    ('4月', '2023-03-15', {'standalone': True}, 'month 2023-04-30 c0.7 [0:2]4月'),
    ('4月', '2023-12-15', {'standalone': True}, 'month 2024-04-30 c0.7 year_inferred [0:2]4月'),
    ('4月份完成', '2023-03-15', {}, 'month 2023-04-30 c0.7 [0:3]4月份'),
    ('4月份完成了', '2023-03-15', {}, ''),
    ('2月底前完成', '2023-03-15', {}, 'month 2023-02-28 c1 past_at_issue [0:4]2月底前'),
    ('13月底前完成', '2023-03-15', {}, ''),
    ('十二月底前完成', '2023-03-15', {}, 'month 2023-12-31 c1 [0:5]十二月底前'),
    # every quarter: which month, which day, how sure
    ('每季度报送进展', '2024-05-06', {}, 'recurring 2024-06-30 quarterly rule Q:3:end c0.8 [0:3]每季度'),
    ('每季度末报送进展', '2024-05-06', {}, 'recurring 2024-06-30 quarterly rule Q:3:end c1 [0:4]每季度末'),
    ('每季度首月10日前报送', '2024-05-06', {}, 'recurring 2024-07-10 quarterly rule Q:1:10 c1 [0:9]每季度首月10日前'),
    ('每季度初报送', '2024-05-06', {}, 'recurring 2024-07-10 quarterly rule Q:1:10 c1 [0:4]每季度初'),
    ('每季度初5日前报送', '2024-05-06', {}, 'recurring 2024-07-05 quarterly rule Q:1:5 c1 [0:7]每季度初5日前'),
    ('每季度第二个月15日前报送', '2024-05-06', {}, 'recurring 2024-05-15 quarterly rule Q:2:15 c1 [0:11]每季度第二个月15日前'),
    ('每季度第2个月15日前报送', '2024-05-06', {}, 'recurring 2024-05-15 quarterly rule Q:2:15 c1 [0:11]每季度第2个月15日前'),
    ('每季度第二个月报送', '2024-05-06', {}, 'recurring 2024-05-31 quarterly rule Q:2:end c1 [0:7]每季度第二个月'),
    ('每季度第一个月10日前报送', '2024-05-06', {}, 'recurring 2024-07-10 quarterly rule Q:1:10 c1 [0:11]每季度第一个月10日前'),
    ('每季度第1个月10日前报送', '2024-05-06', {}, 'recurring 2024-07-10 quarterly rule Q:1:10 c1 [0:11]每季度第1个月10日前'),
    ('每季度第一个月报送', '2024-05-06', {}, 'recurring 2024-07-31 quarterly rule Q:1:end c1 [0:7]每季度第一个月'),
    ('每季度末月20日前报送', '2024-05-06', {}, 'recurring 2024-06-20 quarterly rule Q:3:20 c1 [0:9]每季度末月20日前'),
    ('每季度最后一个月的25日前报送', '2024-05-06', {}, 'recurring 2024-06-25 quarterly rule Q:3:25 c1 [0:13]每季度最后一个月的25日前'),
    ('按季度报送', '2024-05-06', {}, 'recurring 2024-06-30 quarterly rule Q:3:end c0.8 [0:3]按季度'),
    ('每季度首月报送', '2024-05-06', {}, 'recurring 2024-07-31 quarterly rule Q:1:end c1 [0:5]每季度首月'),
    ('落实《每季度报送制度》要求', '2024-05-06', {}, ''),
    ('每季度人均增长5%', '2024-05-06', {}, ''),
    ('从2025年3月起,每季度末报送', '2024-05-06', {}, 'recurring 2025-03-31 quarterly rule Q:3:end c1 [10:14]每季度末'),
    # every two months, odd or even months
    ('每两个月报送一次', '2024-05-06', {}, 'recurring 2024-06-30 bimonthly rule B:2:end c0.8 [0:4]每两个月'),
    ('每双月10日前报送', '2024-05-06', {}, 'recurring 2024-06-10 bimonthly rule B:2:10 c1 [0:7]每双月10日前'),
    ('每单月底前报送', '2024-05-06', {}, 'recurring 2024-05-31 bimonthly rule B:1:end c1 [0:5]每单月底前'),
    ('每单月上旬报送', '2024-05-06', {}, 'recurring 2024-05-10 bimonthly rule B:1:10 c1 [0:5]每单月上旬'),
    ('每双月中旬报送', '2024-05-06', {}, 'recurring 2024-06-20 bimonthly rule B:2:20 c1 [0:5]每双月中旬'),
    ('每双月初报送', '2024-05-06', {}, 'recurring 2024-06-10 bimonthly rule B:2:10 c1 [0:4]每双月初'),
    ('落实《每两个月通报制度》要求', '2024-05-06', {}, ''),
    ('从2025年3月起,每两个月报送', '2024-05-06', {}, 'recurring 2025-04-30 bimonthly rule B:2:end c0.8 [10:14]每两个月'),
    # weekly, daily, half-yearly, cadences without a value
    ('每周报送', '2024-05-06', {}, 'recurring 2024-05-10 weekly rule W:4 c0.8 [0:2]每周'),
    ('每周三报送', '2024-05-06', {}, 'recurring 2024-05-08 weekly rule W:2 c1 [0:3]每周三'),
    ('每星期五报送', '2024-05-06', {}, 'recurring 2024-05-10 weekly rule W:4 c1 [0:4]每星期五'),
    ('每周星期二报送', '2024-05-06', {}, 'recurring 2024-05-07 weekly rule W:1 c1 [0:5]每周星期二'),
    ('每周7报送', '2024-05-06', {}, 'recurring 2024-05-12 weekly rule W:6 c1 [0:3]每周7'),
    ('从2025年3月起,每周一报送', '2024-05-06', {}, 'recurring 2025-03-03 weekly rule W:0 c1 [10:13]每周一'),
    ('每天报送', '2024-05-06', {}, 'recurring 2024-05-06 daily rule D c1 [0:2]每天'),
    ('每日17时前报送', '2024-05-06', {}, 'recurring 2024-05-06 daily rule D c1 [0:2]每日'),
    ('从2025年3月起,每天报送', '2024-05-06', {}, 'recurring 2025-03-01 daily rule D c1 [10:12]每天'),
    ('落实《每日报告制度》要求', '2024-05-06', {}, ''),
    ('每半年报送', '2024-05-06', {}, 'recurring 2024-06-30 half-yearly rule H:6:end c1 [0:3]每半年'),
    ('每半年报送', '2024-08-06', {}, 'recurring 2024-12-31 half-yearly rule H:6:end c1 [0:3]每半年'),
    ('每半年末报送', '2024-08-06', {}, 'recurring 2024-12-31 half-yearly rule H:6:end c1 [0:4]每半年末'),
    ('从2025年3月起,每半年报送', '2024-05-06', {}, 'recurring 2025-06-30 half-yearly rule H:6:end c1 [10:13]每半年'),
    ('落实《每半年考核办法》要求', '2024-05-06', {}, ''),
    ('每人每半年补助500元', '2024-05-06', {}, ''),
    ('每人每天补助50元', '2024-05-06', {}, ''),
    ('每人每季度补助500元', '2024-05-06', {}, ''),
    ('每户每两个月补助500元', '2024-05-06', {}, ''),
    ('每两年评估一次', '2024-05-06', {}, 'recurring - c0.5 recurrence_unknown [0:3]每两年'),
    ('每人每两年补助500元', '2024-05-06', {}, ''),
    # flood season and festivals
    ('汛期为6月1日至9月30日。汛期前完成隐患排查', '2023-03-01', {}, 'range 2023-09-30 from 2023-06-01 c1 [3:13]6月1日至9月30日 | holiday 2023-05-31 c0.9 [14:17]汛期前'),
    ('汛期为6月1日至9月30日。汛期前完成隐患排查', '2023-06-01', {}, 'range 2023-09-30 from 2023-06-01 c1 [3:13]6月1日至9月30日 | holiday 2024-05-31 c0.9 [14:17]汛期前'),
    ('主汛期为7月至8月,主汛期前完成', '2023-03-01', {}, 'holiday 2023-06-30 c0.9 [10:14]主汛期前'),
    ('汛期:5月15日-9月30日。汛期之前完成', '2023-03-01', {}, 'range 2023-09-30 from 2023-05-15 c1 [3:14]5月15日-9月30日 | holiday 2023-05-14 c0.9 [15:19]汛期之前'),
    ('汛期为每年5月-9月,汛期前完成', '2023-06-01', {}, 'range 2023-09-30 from 2023-05-01 c1 [5:10]5月-9月 | holiday 2024-04-30 c0.9 [11:14]汛期前'),
    ('汛期为6月31日至9月30日。汛期前完成', '2023-03-01', {}, 'range - c0 unresolved [3:14]6月31日至9月30日 | holiday - c0 unresolved [15:18]汛期前'),
    ('汛期前后加强巡查', '2023-03-01', {}, ''),
    ('《汛期前安全检查通知》印发', '2023-03-01', {}, ''),
    ('2025年春节前完成', '2024-03-01', {}, 'holiday 2025-01-28 c1 [0:8]2025年春节前'),
    ('今年春节前完成', '2024-03-01', {}, 'holiday 2024-02-09 c1 past_at_issue [0:5]今年春节前'),
    ('2024年春节前完成', '2024-01-03', {}, 'holiday 2024-02-09 c1 [0:8]2024年春节前'),
    ('春节前完成', '2024-02-10', {}, 'holiday 2025-01-28 c1 [0:3]春节前'),
    ('春节前完成', '2024-02-09', {}, 'holiday 2024-02-09 c1 [0:3]春节前'),
    ('春节假期后的第一个工作日召开', '2024-01-03', {}, 'holiday 2024-02-18 c1 [0:12]春节假期后的第一个工作日'),
    ('春节节后第一个工作日召开', '2024-01-03', {}, 'holiday 2024-02-18 c1 [0:10]春节节后第一个工作日'),
    ('国庆假期后第一个工作日报送', '2024-10-07', {}, 'holiday 2024-10-08 c1 [0:11]国庆假期后第一个工作日'),
    ('国庆假期后第一个工作日报送', '2024-10-08', {}, 'holiday 2025-10-09 c1 [0:11]国庆假期后第一个工作日'),
    ('2024年国庆假期后第一个工作日报送', '2024-10-08', {}, 'holiday 2024-10-08 c1 [0:16]2024年国庆假期后第一个工作日'),
    ('五一前完成', '2024-03-01', {}, 'holiday 2024-04-30 c1 [0:3]五一前'),
    ('劳动节前完成', '2024-03-01', {}, 'holiday 2024-04-30 c1 [0:4]劳动节前'),
    ('国庆节前完成', '2024-03-01', {}, 'holiday 2024-09-30 c1 [0:4]国庆节前'),
    ('端午节放假前完成', '2024-03-01', {}, 'holiday 2024-06-09 c1 [0:6]端午节放假前'),
    ('春节以前完成', '2024-03-01', {}, 'holiday 2025-01-28 c1 [0:4]春节以前'),
    ('中秋暨国庆前完成', '2024-03-01', {}, 'holiday 2024-09-16 c1 [0:6]中秋暨国庆前'),
    ('春节前往', '2024-03-01', {}, ''),
    ('二〇二五年春节前完成', '2024-03-01', {}, 'holiday 2025-01-28 c1 [0:8]二〇二五年春节前'),
    ('《关于春节前开展检查的通知》印发', '2024-03-01', {}, ''),
    ('节前开展检查', '2024-01-20', {'festival': '春节'}, 'holiday 2024-02-09 c0.9 [0:2]节前'),
    ('节日前开展检查', '2024-01-20', {'festival': '春节'}, 'holiday 2024-02-09 c0.9 [0:3]节日前'),
    ('节前开展检查', '2024-02-10', {'festival': '春节'}, 'holiday 2025-01-28 c0.9 [0:2]节前'),
    ('节前开展检查', '2026-07-01', {'festival': '端午'}, 'holiday - c0 unresolved [0:2]节前'),
    ('《节前检查通知》印发', '2024-01-20', {'festival': '春节'}, ''),
    ('节前开展检查', '2024-01-20', {'festival': '清明'}, 'holiday 2024-04-03 c0.9 [0:2]节前'),
    # an event named earlier in the sentence
    ('收到通知后,须在10日内整改', '2024-05-06', {}, 'relative_event - offset 10 days anchor 收到通知 c0.9 [8:12]10日内'),
    ('在收到通知后,须在10日内整改', '2024-05-06', {}, 'relative_event - offset 10 days anchor 收到通知 c0.9 [9:13]10日内'),
    ('各单位应在接到通知后,须在10日内整改', '2024-05-06', {}, 'relative_event - offset 10 days anchor 接到通知 c0.9 [13:17]10日内'),
    ('已部署。收到通知后,须在10日内整改', '2024-05-06', {}, 'relative_event - offset 10 days anchor 收到通知 c0.9 [12:16]10日内'),
    ('已部署。在收到通知后,须在10日内整改', '2024-05-06', {}, 'relative_event - offset 10 days anchor 收到通知 c0.9 [13:17]10日内'),
    # dates: due on the issue day itself, a time field at the text's start, a cut-off on the issue day
    ('1月10日完成', '2024-01-10', {}, 'date 2024-01-10 c1 [0:5]1月10日'),
    ('报送时间:1月10日', '2024-01-10', {}, 'date 2024-01-10 c1 [5:10]1月10日'),
    ('时限:4月30日', '2024-01-10', {}, 'date 2024-04-30 c1 [3:8]4月30日'),
    # a date without a written year gone by more than 90 days belongs to next year; 29 February has none
    ('3月1日前完成', '2024-05-30', {}, 'date 2024-03-01 c0.9 past_at_issue [0:5]3月1日前'),
    ('3月1日前完成', '2024-05-31', {}, 'date 2025-03-01 c1 year_inferred [0:5]3月1日前'),
    ('2月29日前完成', '2024-12-01', {}, 'date 2025-02-28 c1 year_inferred [0:6]2月29日前'),
    # quarters: 季度末 alone is the quarter of the issue date; the fourth; a bare quarter read by its sentence
    ('季度末前报送', '2023-04-10', {}, 'quarter 2023-06-30 c1 [0:4]季度末前'),
    ('季度末前报送', '2023-07-10', {}, 'quarter 2023-09-30 c1 [0:4]季度末前'),
    ('季度末前报送', '2023-10-10', {}, 'quarter 2023-12-31 c1 [0:4]季度末前'),
    ('第四季度末前完成', '2023-03-15', {}, 'quarter 2023-12-31 c1 [0:6]第四季度末前'),
    ('一季度末全市完成改造任务的80%', '2023-01-10', {}, 'quarter 2023-03-31 c1 [0:4]一季度末'),
    ('各地第三季度完成验收', '2023-01-10', {}, 'quarter 2023-09-30 c1 [2:6]第三季度'),
    ('力争第三季度具备通车条件', '2023-01-10', {}, 'quarter 2023-09-30 c1 [2:6]第三季度'),
    ('第一季度:印发实施方案。第二季度:报送工作总结', '2023-01-10', {}, 'quarter 2023-03-31 c1 [0:4]第一季度 | quarter 2023-06-30 c1 [12:16]第二季度'),
    # half years
    ('上半年末全市完成改造任务的50%', '2023-01-10', {}, 'half_year 2023-06-30 c1 [0:4]上半年末'),
    ('下半年深化医改重点工作任务', '2023-01-10', {}, ''),
    ('下半年全市新增就业1万人', '2023-01-10', {}, ''),
    ('年中前完成', '2023-01-10', {}, 'half_year 2023-06-30 c0.8 [0:3]年中前'),
    ('年初完成摸底', '2023-03-15', {}, 'year 2023-01-31 c0.6 approximate past_at_issue [0:2]年初'),
    # every year: a month and its part, the year's start, middle and end, a stated start, a title
    ('每年3月上旬报送', '2024-05-06', {}, 'recurring 2025-03-10 yearly rule Y:3:10 c1 [0:6]每年3月上旬'),
    ('每年1月底前报送', '2024-05-06', {}, 'recurring 2025-01-31 yearly rule Y:1:end c1 [0:6]每年1月底前'),
    ('每年报送一次', '2024-05-06', {}, 'recurring 2024-12-31 yearly rule Y:12:end c0.8 [0:2]每年'),
    ('每年初报送', '2024-05-06', {}, 'recurring 2025-01-31 yearly rule Y:1:31 c0.6 approximate [0:3]每年初'),
    ('每年年初报送', '2024-05-06', {}, 'recurring 2025-01-31 yearly rule Y:1:31 c0.6 approximate [0:4]每年年初'),
    ('每年上半年报送', '2024-05-06', {}, 'recurring 2024-06-30 yearly rule Y:6:end c1 [0:5]每年上半年'),
    ('每年年中报送', '2024-05-06', {}, 'recurring 2024-06-30 yearly rule Y:6:end c1 [0:4]每年年中'),
    ('每年年底前报送', '2024-05-06', {}, 'recurring 2024-12-31 yearly rule Y:12:end c1 [0:5]每年年底前'),
    ('从2025年3月起,每年6月底前报送', '2024-05-06', {}, 'recurring 2025-06-30 yearly rule Y:6:end c1 [10:16]每年6月底前'),
    ('从2025年3月起,每年年底前报送', '2024-05-06', {}, 'recurring 2025-12-31 yearly rule Y:12:end c1 [10:15]每年年底前'),
    ('落实《每年考核办法》要求', '2024-05-06', {}, ''),
    # 定期, 长期, 常态化
    ('定期开展检查', '2024-05-06', {}, 'recurring - c0.5 recurrence_unknown [0:2]定期'),
    ('不定期开展抽查', '2024-05-06', {}, ''),
    ('《定期开展检查制度》印发', '2024-05-06', {}, ''),
    ('建立长期,稳定的合作机制', '2024-05-06', {}, ''),
    ('(完成时限:长期)。', '2024-05-06', {}, 'ongoing - ongoing c1 [6:8]长期'),
    ('推动安全生产检查常态化长效化', '2024-05-06', {}, 'ongoing - ongoing c1 [8:11]常态化'),
    ('落实《常态化监管办法》要求', '2024-05-06', {}, ''),
    # festivals and the flood season without the data
    ('汛期前完成隐患排查', '2023-03-01', {}, 'holiday - c0 unresolved [0:3]汛期前'),
    ('节前开展一次大排查', '2024-01-20', {}, 'holiday - c0 unresolved [0:2]节前'),
    # the clause after a period
    ('全年达到85%,数据由统计局提供', '2021-03-01', {}, 'year 2021-12-31 c0.8 [0:2]全年'),
    ('2018年,XX县重点工作任务', '2017-03-01', {}, ''),
    ('完成时间定于2024年1月31日', '2024-04-10', {}, 'date 2024-01-31 c1 past_at_issue [6:16]2024年1月31日'),
    # a month: the first, alone in prose, its end followed by another clause; a next year's bare month
    ('1月底前完成', '2023-01-05', {}, 'month 2023-01-31 c1 [0:4]1月底前'),
    ('4月', '2023-03-15', {}, ''),
    ('4月底,各单位报送总结', '2023-03-15', {}, 'month 2023-04-30 c1 [0:3]4月底'),
    ('明年4月,全市开展检查', '2023-03-15', {}, 'month 2024-04-30 c0.7 [0:4]明年4月'),
    # what follows or precedes a phrase: an event, an effective date, a validity period
    ('于3月15日召开全市推进会', '2024-01-10', {}, ''),
    ('3月15日前发布实施细则', '2024-01-10', {}, 'date 2024-03-15 c1 [0:6]3月15日前'),
    ('本条例于2024年5月1日零时起实施', '2024-01-10', {}, ''),
    ('于2024年5月1日零时起实施', '2024-01-10', {}, ''),
    ('许可证有效期2023年1月1日至2025年12月31日', '2024-01-10', {}, ''),
    ('有效期2023年1月1日至2025年12月31日', '2024-01-10', {}, ''),
    # recurring days: the 1st, the 31st, 上旬, 初
    ('每月1日前报送', '2024-05-06', {}, 'recurring 2024-06-01 monthly rule M:1 c1 [0:5]每月1日前'),
    ('每年12月31日前报送', '2024-05-06', {}, 'recurring 2024-12-31 yearly rule Y:12:31 c1 [0:9]每年12月31日前'),
    ('每月上旬报送', '2024-05-06', {}, 'recurring 2024-05-10 monthly rule M:10 c1 [0:4]每月上旬'),
    ('每月初报送', '2024-05-06', {}, 'recurring 2024-05-10 monthly rule M:10 c1 [0:3]每月初'),
    # numerals with 十 and 百
    ('二十日内报送', '2024-05-06', {}, 'relative 2024-05-26 offset 20 days c1 [0:4]二十日内'),
    ('一百二十日内完成整改', '2024-05-06', {}, 'relative 2024-09-03 offset 120 days c1 [0:6]一百二十日内'),
    ('一百八十日内完成', '2024-05-06', {}, 'relative 2024-11-02 offset 180 days c1 [0:6]一百八十日内'),
    ('百日内完成整改', '2024-05-06', {}, 'relative 2024-08-14 offset 100 days c1 [0:3]百日内'),
    # rates and attributes are no duty
    ('每人每年参加培训不少于40学时', '2024-05-06', {}, ''),
    ('各单位按时报送每季度的工作进展情况', '2024-05-06', {}, ''),
    # spaces and full-width characters removed: the span still points at the input
    ('2020 年 3 月 15 日前完成', '2020-01-10', {}, 'date 2020-03-15 c1 [0:16]2020 年 3 月 15 日前'),
    ('请于 3月15日前完成', '2020-01-10', {}, 'date 2020-03-15 c1 [3:9]3月15日前'),
    ('请于 2020 年 3 月 15 日前完成', '2020-01-10', {}, 'date 2020-03-15 c1 [3:19]2020 年 3 月 15 日前'),
    # a period in brackets is its label, not a duty; titles opened or closed elsewhere in the sentence
    ('落实国土空间总体规划(规划期:2021-2035年)', '2021-03-15', {}, ''),
    ('(规划期:2021-2035年)', '2021-03-15', {}, ''),
    ('(一)落实国土空间总体规划(规划期:2021-2035年)', '2021-03-15', {}, ''),
    ('规划期:2021-2035年', '2021-03-15', {}, 'range 2035-12-31 from 2021-01-01 c1 [4:14]2021-2035年'),
    ('2024年底前完成《条例》修订工作', '2024-01-10', {}, 'year 2024-12-31 c1 [0:7]2024年底前'),
    ('落实《通知》和《2024年底前完成改造的实施方案》', '2024-01-10', {}, ''),
    ('按照《通知》和《方案》要求,2024年底前完成改造', '2024-01-10', {}, 'year 2024-12-31 c1 [14:21]2024年底前'),
    # an event named earlier in a template's sentence
    ('XX县收到通知后,须在10日内整改', '2024-05-06', {}, 'relative_event - offset 10 days anchor XX县收到通知 c0.9 [11:15]10日内'),
    # a plan's stages, periods read by what follows them, a year as a time-limit cell followed by more words
    ('实施步骤:2024年3月1日至3月31日,动员部署', '2024-02-01', {}, 'range 2024-03-31 from 2024-03-01 c1 [5:20]2024年3月1日至3月31日'),
    ('4月至6月前全市完成摸底', '2024-02-01', {}, 'range 2024-06-30 from 2024-04-01 c1 [0:6]4月至6月前'),
    ('按照《2021.12前完成改造的任务清单》要求', '2021-03-01', {}, ''),
    ('2021.12底全市完成验收', '2021-03-01', {}, 'month 2021-12-31 c0.9 [0:8]2021.12底'),
    ('2021.12前全市完成验收', '2021-03-01', {}, 'month 2021-12-31 c0.9 [0:8]2021.12前'),
    ('(全年)', '2021-03-01', {}, ''),
    ('全市:全年粮食播种面积稳定在4600万亩', '2021-03-01', {}, 'year 2021-12-31 c0.8 [3:5]全年'),
    ('2024年完成改造', '2021-03-01', {'standalone': True}, 'year 2024-12-31 c0.8 [0:5]2024年'),
    ('2024年度重点任务', '2021-03-01', {'standalone': True}, ''),
    # a recurring duty's occurrences listed in brackets after it are not deadlines of their own
    ('每季度末(分别在6月、9月和12月底)报送进展', '2024-05-06', {}, 'recurring 2024-06-30 quarterly rule Q:3:end c1 [0:4]每季度末'),
    ('每季度末(6月底、9月底、12月底)报送进展', '2024-05-06', {}, 'recurring 2024-06-30 quarterly rule Q:3:end c1 [0:4]每季度末'),
    ('每季度末（6月底、9月底、12月底）报送进展', '2024-05-06', {}, 'recurring 2024-06-30 quarterly rule Q:3:end c1 [0:4]每季度末'),
    ('每季度末报送进展(6月底前报送上半年总结)', '2024-05-06', {}, 'recurring 2024-06-30 quarterly rule Q:3:end c1 [0:4]每季度末 | month 2024-06-30 c1 [9:13]6月底前'),
    ('每季度末报送进展,6月底前报送上半年总结', '2024-05-06', {}, 'recurring 2024-06-30 quarterly rule Q:3:end c1 [0:4]每季度末 | month 2024-06-30 c1 [9:13]6月底前'),
    ('6月底前(每季度末)报送', '2024-05-06', {}, 'month 2024-06-30 c1 [0:4]6月底前 | recurring 2024-06-30 quarterly rule Q:3:end c1 [5:9]每季度末'),
    ('每季度末(6月底、9月底、12月底', '2024-05-06', {}, 'recurring 2024-06-30 quarterly rule Q:3:end c1 [0:4]每季度末 | month 2024-06-30 c1 [5:8]6月底 | month 2024-09-30 c1 [9:12]9月底 | month 2024-12-31 c1 [13:17]12月底'),
    # the issuing government's own follow-up is no deadline of the task
    ('各单位要于6月底前完成整改并报送整改报告。区政府办公室将对整改情况进行跟踪督办,从7月份起每季度通报一次进展情况', '2024-05-06', {}, 'month 2024-06-30 c1 [5:9]6月底前'),
    ('各单位要于6月底前完成整改并报送整改报告;市人民政府督查室将对整改情况跟踪督办,每季度末通报一次进展情况', '2024-05-06', {}, 'month 2024-06-30 c1 [5:9]6月底前'),
    ('各单位要于6月底前完成整改并报送整改报告。区政府办公室将对整改情况进行跟踪督办,每季度末通报一次', '2024-05-06', {}, 'month 2024-06-30 c1 [5:9]6月底前'),
    ('各单位要于6月底前完成整改并报送整改报告。区政府办公室将跟踪督办', '2024-05-06', {}, 'month 2024-06-30 c1 [5:9]6月底前'),
    ('各单位要于6月底前完成整改。请各县区政府将整改情况于7月10日前报送市政府办公室备查', '2024-05-06', {}, 'month 2024-06-30 c1 [5:9]6月底前 | date 2024-07-10 c1 [26:32]7月10日前'),
    ('各单位要于6月底前完成整改并报送整改报告。区政府办公室将对整改情况进行跟踪督办,每季度末通报一次。各单位于7月10日前报送总结', '2024-05-06', {}, 'month 2024-06-30 c1 [5:9]6月底前 | date 2024-07-10 c1 [53:59]7月10日前'),
    ('各单位要于6月底前完成整改并报送整改报告。区政府办公室将对整改情况进行跟踪督办,每季度末通报一次!各单位于7月10日前报送总结', '2024-05-06', {}, 'month 2024-06-30 c1 [5:9]6月底前 | date 2024-07-10 c1 [53:59]7月10日前'),
    ('区政府办公室将对整改情况进行跟踪督办,每季度末通报一次,各单位要于6月底前完成整改', '2024-05-06', {}, 'month 2024-06-30 c1 [33:37]6月底前'),
    ('区政府将跟踪督办,每季度末通报。各单位于6月底前完成', '2024-05-06', {}, 'recurring 2024-06-30 quarterly rule Q:3:end c1 [9:13]每季度末 | month 2024-06-30 c1 [20:24]6月底前'),
    # a span past the last date Python holds: unresolved, never a crash
    ('30日内完成', '9999-12-20', {}, 'date - c0 unresolved [0:4]30日内'),
    ('3个月内完成', '9999-12-20', {}, 'date - c0 unresolved [0:4]3个月内'),
    # the years a yearly duty runs over; a title closed later; money allotted per year; a stated start before 年初/上半年
    ('2024—2026年,每年新增城镇就业1万人以上', '2024-03-01', {}, 'recurring 2024-12-31 yearly rule Y:12:end c0.8 [11:13]每年'),
    ('落实《2021-2023年完成老旧小区改造实施方案》', '2021-03-15', {}, ''),
    ('为支持乡村振兴,市财政每年安排专项资金', '2024-05-06', {}, ''),
    ('每年安排专项资金支持乡村振兴', '2024-05-06', {}, ''),
    ('从2025年3月起,每年年初报送', '2024-05-06', {}, 'recurring 2026-01-31 yearly rule Y:1:31 c0.6 approximate [10:14]每年年初'),
    ('从2025年3月起,每年上半年报送', '2024-05-06', {}, 'recurring 2025-06-30 yearly rule Y:6:end c1 [10:15]每年上半年'),
    # occurrences in brackets after an item's own number; a later bracket is not the list's
    ('(一)每季度末(6月底、9月底、12月底)报送进展', '2024-05-06', {}, 'recurring 2024-06-30 quarterly rule Q:3:end c1 [3:7]每季度末'),
    ('（一）每季度末（6月底、9月底、12月底）报送进展', '2024-05-06', {}, 'recurring 2024-06-30 quarterly rule Q:3:end c1 [3:7]每季度末'),
    ('每季度末(6月、9月、12月底)报送进展,11月底前完成年度自查(见附件)', '2024-05-06', {}, 'recurring 2024-06-30 quarterly rule Q:3:end c1 [0:4]每季度末 | month 2024-11-30 c1 [21:26]11月底前'),
    ('每季度末（6月、9月、12月底）报送进展,11月底前完成年度自查（见附件）', '2024-05-06', {}, 'recurring 2024-06-30 quarterly rule Q:3:end c1 [0:4]每季度末 | month 2024-11-30 c1 [21:26]11月底前'),
    ('各单位要于6月底前完成整改并报送整改报告。区政府办公室将对整改情况进行跟踪督办,通报时间为每季度末。', '2024-05-06', {}, 'month 2024-06-30 c1 [5:9]6月底前'),
    # English dates, through dateparser
    ('Mar 15, 2024 报送;6月底前完成', '2024-01-10', {}, 'date 2024-03-15 c0.7 [0:12]Mar 15, 2024 | month 2024-06-30 c1 [16:20]6月底前'),
    ('Feb 30, 2024 报送', '2024-01-10', {}, 'date - c0 unresolved [0:12]Feb 30, 2024'),
    ('Mar 15, 2024年底前完成,Apr 30, 2024 报送', '2024-01-10', {}, 'year 2024-12-31 c1 [8:15]2024年底前 | date 2024-04-30 c0.7 [18:30]Apr 30, 2024'),
    # a schedule: "实施进度为:" opens a list of periods
    ('实施进度为:第一季度制定方案;第二季度完成验收', '2024-01-10', {}, 'quarter 2024-03-31 c1 [6:10]第一季度 | quarter 2024-06-30 c1 [15:19]第二季度'),
    # the issuer's follow-up is looked for only in texts over 40 characters
    ('各单位于6月底前完成整改并报送整改报告。区政府办公室将于每季度末通报整改进展情况', '2024-05-06', {}, 'month 2024-06-30 c1 [4:8]6月底前 | recurring 2024-06-30 quarterly rule Q:3:end c1 [28:32]每季度末'),
    ('各单位于6月底前完成整改并报送整改报告。区政府办公室将于每季度末通报整改进展情况等', '2024-05-06', {}, 'month 2024-06-30 c1 [4:8]6月底前'),
    # a colon that opens no schedule: the period is still read by what follows it
    ('重点:下半年深化医改重点工作任务', '2024-01-10', {}, ''),
]


@pytest.mark.parametrize(("text", "issued", "options", "expected"), FIELD_CASES,
                         ids=[f"case{i:03d}" for i in range(len(FIELD_CASES))])
def test_every_field_of_a_phrase(text: str, issued: str, options: dict, expected: str) -> None:
    specs = extract_deadlines(text, issued_on=date.fromisoformat(issued), **options)
    assert " | ".join(_described(s) for s in specs) == expected


def test_festival_data_that_raises_leaves_the_phrase_unresolved(monkeypatch: pytest.MonkeyPatch) -> None:
    """chinese_calendar raises NotImplementedError for a year it does not know: never a crash, never a guess."""
    def raising(name: str, year: int) -> date:
        raise NotImplementedError(year)

    monkeypatch.setattr(deadlines, "festival_day", raising)
    for text, festival in (("春节前完成", None), ("在节前开展一次安全隐患大排查", "春节")):
        (spec,) = extract_deadlines(text, issued_on=date(2024, 1, 20), festival=festival)
        assert (spec.kind, spec.due, spec.flags, spec.confidence) == ("holiday", None, ("unresolved",), 0.0)


def test_the_patterns_tried_do_not_depend_on_the_memo(monkeypatch: pytest.MonkeyPatch) -> None:
    """_orders_for memoises the patterns a set of characters allows: computed afresh, the same phrases are found."""
    monkeypatch.setattr(deadlines, "_ORDERS_CACHE", {})
    specs = extract_deadlines("请于2024年3月15日前完成,每季度末报送进展", issued_on=date(2024, 1, 10))
    assert [(s.text, s.kind, s.due) for s in specs] == [
        ("2024年3月15日前", "date", date(2024, 3, 15)), ("每季度末", "recurring", date(2024, 3, 31))]
