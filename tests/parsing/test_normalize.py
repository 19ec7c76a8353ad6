"""Line normalisation keeps every line's original number."""
from __future__ import annotations

import pytest

from parsing.normalize import chinese_to_int, normalize_line, source_lines, strip_markup


def test_source_lines_keep_original_numbers_and_skip_blank_lines():
    lines = source_lines("  \n２０２３ 年 ４ 月\n\n阳政办发〔 2023〕20 号\n\t\n")
    assert [(s.number, s.text) for s in lines] == [(2, "2023年4月"), (4, "阳政办发〔2023〕20号")]


@pytest.mark.parametrize(("raw", "want"), [
    ("2023 年 4 月 28 日", "2023年4月28日"),
    ("２０２３年４月２８日", "2023年4月28日"),
    ("城政办发〔2023〕23 号", "城政办发〔2023〕23号"),
    ("各县（区）人民政府，市直各单位：", "各县(区)人民政府,市直各单位:"),
    ("\u3000\u3000第一条　为了加强管理", "第一条 为了加强管理"),
    ("PM2.5 和臭氧", "PM2.5和臭氧"),
])
def test_normalize_line(raw, want):
    assert normalize_line(raw) == want


@pytest.mark.parametrize(("raw", "want"), [
    ("二〇二三", 2023), ("二○二○", 2020), ("二O二三", 2023), ("十二", 12), ("二十五", 25), ("三十一", 31),
    ("十", 10), ("12", 12), ("", None), ("年", None),
])
def test_chinese_to_int(raw, want):
    assert chinese_to_int(raw) == want


@pytest.mark.parametrize(("raw", "want"), [
    ("## 关于某事的通知", "关于某事的通知"),
    ("# 阳泉市人民政府 关于印发某方案的通知", "阳泉市人民政府 关于印发某方案的通知"),
    ("- （一）车辆来历凭证；", "（一）车辆来历凭证；"),
    ("- 附件：1. 流程图（略）", "附件：1. 流程图（略）"),
    ("**直接录用规则：**参加考试", "直接录用规则：参加考试"),
    ("- 12 -", "- 12 -"),
    ("——坚持市场主导。", "——坚持市场主导。"),
])
def test_strip_markup(raw, want):
    assert strip_markup(raw) == want
