"""The fast paths give exactly what the plain, slow definitions give, over every line and task of the fixtures."""
from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parsing.deadlines import _prepare
from parsing.departments import DepartmentDirectory
from parsing.extract import parse_gazette
from parsing.normalize import (
    _MARKUP_RE,
    _WIDTH_TABLE,
    DIGIT_CJK_SPACE_RE,
    drop_digit_cjk_spaces,
    half_width,
    normalize_line,
    source_lines,
    strip_markup,
)
from parsing.responsibility import ALIAS_HEAD_SPLIT_RE, INLINE_ALIAS_RE, inline_aliases

ROOT = Path(__file__).resolve().parents[2]
GAZETTES = sorted((ROOT / "fixtures" / "gazettes").glob("*.txt"))
SPACES = frozenset(" \t\r\n\u3000\xa0\u2002\u2003\u2009\u200b")


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return [p.read_text("utf-8") for p in GAZETTES]


@pytest.fixture(scope="module")
def task_texts(texts: list[str]) -> list[str]:
    directory = DepartmentDirectory.from_entries(json.loads((ROOT / "fixtures" / "departments.json").read_text("utf-8")))
    out = [t.text for path, text in zip(GAZETTES, texts, strict=True) for d in parse_gazette(text, file=path.name,
                                                                              directory=directory) for t in d.tasks]
    assert len(out) > 1000
    return out


def _prepare_reference(text: str) -> tuple[str, list[int]]:
    chars, index = [], []
    for i, ch in enumerate(text):
        if ch in SPACES:
            continue
        code = ord(ch)
        chars.append(chr(code - 0xFEE0) if 0xFF01 <= code < 0xFF5F else ch)
        index.append(i)
    return "".join(chars), index


def _same_prepare(text: str) -> None:
    norm, index = _prepare(text)
    expected_norm, expected_index = _prepare_reference(text)
    assert norm == expected_norm
    assert list(index) == expected_index


def test_source_lines_equal_line_by_line_normalisation(texts: list[str]) -> None:
    for text in texts:
        expected = [(n, line) for n, raw in enumerate(text.splitlines(), start=1) if (line := normalize_line(raw))]
        assert [(s.number, s.text) for s in source_lines(text)] == expected


def test_half_width_equals_translate(texts: list[str]) -> None:
    for text in texts:
        assert half_width(text) == text.translate(_WIDTH_TABLE)
    assert half_width("（一）２０２３年　ａ，Ｂ") == "(一)2023年 a,B"


def test_strip_markup_fast_path_equals_the_regex(texts: list[str]) -> None:
    for text in texts:
        for raw in text.splitlines():
            line = normalize_line(raw)
            assert strip_markup(line) == _MARKUP_RE.sub("", line).replace("**", "").strip()


def test_prepare_equals_char_by_char_over_all_task_texts(task_texts: list[str]) -> None:
    for text in task_texts:
        _same_prepare(text)
        _same_prepare(text.replace(",", "，").replace("(", "（ "))  # full-width and spaces: the slow path


@given(st.text(alphabet=st.sampled_from(list("年月日 　\t２0一,，-－(（") + ["\xa0", "\u200b"]), max_size=40))
def test_prepare_equals_char_by_char_on_arbitrary_text(text: str) -> None:
    _same_prepare(text)


def _aliases_reference(text: str, directory: DepartmentDirectory) -> dict[str, str]:
    from parsing.departments import clean_unit

    aliases: dict[str, str] = {}
    for m in INLINE_ALIAS_RE.finditer(text):
        full = clean_unit(ALIAS_HEAD_SPLIT_RE.split(m.group(1))[-1])
        if full and directory.looks_like_unit(full):
            aliases[m.group(2).strip()] = full
    return aliases


def test_inline_aliases_window_search_equals_full_scan(texts: list[str]) -> None:
    directory = DepartmentDirectory.from_entries([])
    found = 0
    for text in texts:
        joined = "".join(s.text for s in source_lines(text))
        expected: Sequence[str] = list(_aliases_reference(joined, directory).items())
        assert list(inline_aliases(joined, directory).items()) == expected
        found += len(expected)
    assert found >= 1  # 阳泉铁塔 at least


def test_digit_cjk_spaces_fast_path_equals_the_regex(texts: list[str]) -> None:
    for text in texts:
        assert drop_digit_cjk_spaces(half_width(text)) == DIGIT_CJK_SPACE_RE.sub("", half_width(text))


@given(st.text(alphabet=st.sampled_from(list("12 年〔〕号a\n一") + ["\u3400", "\u9fff", "\u33ff", "\ua000"]), max_size=30))
def test_digit_cjk_spaces_fast_path_on_arbitrary_text(text: str) -> None:
    assert drop_digit_cjk_spaces(text) == DIGIT_CJK_SPACE_RE.sub("", text)


def test_small_numeral_table_equals_the_computation() -> None:
    from parsing.normalize import _SMALL_NUMERALS, _chinese_to_int

    assert len(_SMALL_NUMERALS) == 99
    assert all(_chinese_to_int(text) == value for text, value in _SMALL_NUMERALS.items())


def test_holiday_index_equals_a_scan_of_the_package_table() -> None:
    import chinese_calendar

    from parsing.workdays import _package_holidays

    for english in ("Spring Festival", "National Day", "Mid-autumn Festival", "Dragon Boat Festival"):
        for year in (2006, 2020, 2024, 2025, 1990):
            assert _package_holidays(english, year) == tuple(sorted(
                d for d, holiday in chinese_calendar.holidays.items() if holiday == english and d.year == year))


def test_is_workday_equals_the_package_on_every_day_it_knows() -> None:
    from datetime import date, timedelta

    import chinese_calendar

    from parsing.workdays import WorkCalendar

    calendar = WorkCalendar()
    first, last = min(chinese_calendar.holidays), max(chinese_calendar.holidays)
    d = date(first.year, 1, 1)
    while d.year <= last.year:
        assert calendar.is_workday(d) == chinese_calendar.is_workday(d), d
        d += timedelta(days=1)


def _split_outside_brackets_reference(text: str, separators: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        if depth == 0 and ch in separators:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p for p in (p.strip() for p in parts) if p]


@given(st.text(alphabet=st.sampled_from(list("市局委()、,;/ 办")), max_size=30),
       st.sampled_from(["、,;/", ",;/", "、"]))
def test_split_outside_brackets_equals_char_by_char(text: str, separators: str) -> None:
    from parsing.responsibility import split_outside_brackets

    assert split_outside_brackets(text, separators) == _split_outside_brackets_reference(text, separators)
