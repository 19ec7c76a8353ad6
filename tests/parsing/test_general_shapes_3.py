"""General shapes, third set: parenthesised numerals, meeting minutes, working rules and inspection notices.

Every text here is synthetic (written for the rule it checks); each test parses with an empty directory.
"""
from __future__ import annotations

from parsing.departments import DepartmentDirectory
from parsing.extract import parse_gazette
from parsing.results import ExtractedTask, ParsedDocument


def _one(text: str) -> ParsedDocument:
    documents = parse_gazette(text, file="t.txt", directory=DepartmentDirectory())
    assert len(documents) == 1
    return documents[0]


def _units(task: ExtractedTask) -> tuple[list[str], list[str]]:
    return [u.as_written for u in task.lead_units], [u.as_written for u in task.support_units]


# --- ⑴ ⑵ … as item numbers ------------------------------------------------------------------------------------------


def test_parenthesised_numeral_characters_number_items():
    doc = _one("\n".join([
        "关于分解落实2031年县政府主要目标的通知",
        "各乡镇人民政府,县直各部门:",
        "一、主要指标",
        "1.约束性指标。",
        "⑴农田灌溉水有效利用系数达到0.6。",
        "责任单位:县水利局。",
        "⑵空气质量优良天数比例达到90%。",
        "责任单位:县生态环境局。",
        "⑶城镇新增就业3000人。",
        "牵头单位:县人社局。",
        "县人民政府",
        "2031年3月1日",
    ]))
    assert [t.ref for t in doc.tasks] == ["一、1.⑴", "一、1.⑵", "一、1.⑶"]
    assert [_units(t)[0] for t in doc.tasks] == [["县水利局"], ["县生态环境局"], ["县人社局"]]
