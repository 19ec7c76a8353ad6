"""Traditional characters and noisy mirrors (issue 11.3): converted for parsing line by line, shown as written."""
from __future__ import annotations

import json
from pathlib import Path

import opencc
import pytest

from parsing.departments import DepartmentDirectory
from parsing.extract import parse_gazette, parse_source
from parsing.normalize import as_written, for_parsing, is_traditional
from parsing.results import SourceText

ROOT = Path(__file__).resolve().parents[2]
TEXT = """某某市人民政府办公室关于做好春耕生产工作的通知
某政办发〔2024〕3号
各县区人民政府，市直各单位：
现就做好春耕生产工作通知如下：
一、加强组织领导。各县区要于2024年4月底前制定工作方案（牵头单位：市农业农村局；配合单位：市财政局）。
二、强化督促检查。市农业农村局会同市财政局每月开展督导，确保发展目标按期完成。
某某市人民政府办公室
2024年3月1日
"""


@pytest.fixture(scope="module")
def directory() -> DepartmentDirectory:
    return DepartmentDirectory.from_entries(json.loads((ROOT / "fixtures" / "departments.json").read_text("utf-8")))


def _key(documents: list) -> list:
    simplified = opencc.OpenCC("t2s").convert  # header fields are shown as written: compare them converted
    return [(d.doc_number, simplified(d.issuer), d.issued_on, [(t.ref, t.line, [u.name for u in t.lead_units],
                                                   [u.name for u in t.support_units],
                                                   [(s.text, s.due) for s in t.deadlines]) for t in d.tasks])
            for d in documents]


def test_simplified_text_needs_nothing():
    assert for_parsing(TEXT) is None and not is_traditional(TEXT)


def test_traditional_text_parses_like_simplified_and_tasks_are_shown_as_written(directory):
    traditional = opencc.OpenCC("s2t").convert(TEXT)
    assert traditional != TEXT and is_traditional(traditional)
    cleaned = for_parsing(traditional)
    assert cleaned is not None and cleaned.converted
    assert [len(line) for line in cleaned.text.split("\n")] == [len(line) for line in traditional.split("\n")]
    expected = parse_gazette(TEXT, file="a", directory=directory)
    got = parse_source(SourceText(traditional, "txt"), file="a", directory=directory)
    assert _key(got) == _key(expected) and expected[0].tasks
    for ours, theirs in zip(got[0].tasks, expected[0].tasks, strict=True):
        assert ours.text != theirs.text and opencc.OpenCC("t2s").convert(ours.text) == theirs.text
    assert "組織領導" in got[0].tasks[0].text  # as the file writes it
    assert (got[0].issuer, got[0].title) == ("某某市人民政府辦公室", "某某市人民政府辦公室關於做好春耕生產工作的通知")
    assert [u.as_written for u in got[0].tasks[0].lead_units] == ["市農業農村局"]


def test_inserted_pinyin_and_stray_characters_are_removed_for_parsing(directory):
    noisy = (TEXT.replace("关于", "关(guān)于").replace("发展", "发（fā）展")
             .replace("加强", "加\u200b强"))
    cleaned = for_parsing(noisy)
    assert cleaned is not None and not cleaned.converted
    assert "guān" not in cleaned.text and "\u200b" not in cleaned.text
    assert _key(parse_source(SourceText(noisy, "txt"), file="a", directory=directory)) == _key(
        parse_gazette(TEXT, file="a", directory=directory))
    assert for_parsing("（API）接口按照GB/T（2020）执行") is None  # brackets without tone marks are text


def test_pinyin_split_from_its_character_by_a_line_break_keeps_the_line():
    cleaned = for_parsing("关于印发\n(fā)展规划的通知")
    assert cleaned is not None and cleaned.text == "关于印发\n展规划的通知"


def test_ascii_punctuation_parses_like_full_width(directory):
    ascii_text = TEXT.replace("（牵头单位：市农业农村局；配合单位：市财政局）", "(牵头单位:市农业农村局;配合单位:市财政局)")
    assert ascii_text != TEXT
    assert _key(parse_gazette(ascii_text, file="a", directory=directory)) == _key(
        parse_gazette(TEXT, file="a", directory=directory))


def test_as_written_maps_a_parsed_piece_back_to_the_files_characters():
    assert as_written("发展规划", source="关于发展规划", written="關於發展規劃") == "發展規劃"
    assert as_written("(一)发展", source="（一）发展", written="（一）發展") == "(一)發展"  # width as parsed
