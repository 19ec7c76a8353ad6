"""How figures and dates are written in the printables."""
from __future__ import annotations

from datetime import date

import pytest

from tracker.documents.style import cn_date, cn_numeral, decimal_text, percent, text_width


@pytest.mark.parametrize(
    ("day", "text"),
    [(date(2026, 12, 4), "2026年12月4日"), (date(2027, 1, 31), "2027年1月31日"), (date(2026, 10, 1), "2026年10月1日")],
)
def test_dates_read_in_chinese_without_leading_zeros(day, text):
    assert cn_date(day) == text


@pytest.mark.parametrize(
    ("rate", "text"),
    [(0.9055, "90.6%"), (1.0, "100%"), (0.0, "0%"), (2 / 3, "66.7%"), (0.125, "12.5%"), (0.99949, "99.9%"),
     (0.99951, "100%"), (None, "—")],
)
def test_rates_print_as_percentages_rounded_half_up(rate, text):
    assert percent(rate) == text


@pytest.mark.parametrize(
    ("value", "text"), [(12.25, "12.3"), (4.0, "4"), (18.75, "18.8"), (0.04, "0"), (130, "130"), (None, "—")]
)
def test_decimals_drop_a_trailing_zero(value, text):
    assert decimal_text(value) == text


@pytest.mark.parametrize(
    ("number", "text"), [(1, "一"), (5, "五"), (10, "十"), (12, "十二"), (20, "二十"), (21, "二十一"), (99, "九十九")]
)
def test_section_numbers_in_chinese(number, text):
    assert cn_numeral(number) == text


def test_width_counts_ascii_as_half_a_character():
    assert text_width("督办〔2026〕12号") == 2 + 1 + 2 + 1 + 1 + 1
    assert text_width("2026年12月4日") == 6.5
