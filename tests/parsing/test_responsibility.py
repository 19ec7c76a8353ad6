from __future__ import annotations

import json
from pathlib import Path

import pytest

from parsing.departments import DepartmentDirectory
from parsing.responsibility import find_clauses, parse_clause, parse_prose, parse_unit_line

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def directory() -> DepartmentDirectory:
    return DepartmentDirectory.from_entries(json.loads((ROOT / "fixtures" / "departments.json").read_text("utf-8")))


@pytest.mark.parametrize(("clause", "lead", "support"), [
    ("责任单位:市财政局、市商务局,各县区人民政府", ["市财政局", "市商务局", "各县区人民政府"], []),
    ("牵头单位:市工信局;配合单位:市商务局、市财政局", ["市工信局"], ["市商务局", "市财政局"]),
    ("市财政局负责", ["市财政局"], []),
    ("市应急局牵头,市水利局配合", ["市应急局"], ["市水利局"]),
    ("市教育局会同市工信局、市科技局负责", ["市教育局"], ["市工信局", "市科技局"]),
    ("市科技局、市财政局按职责分工负责", ["市科技局", "市财政局"], []),
    ("市工信局、市市场监管局、市财政局负责", ["市工信局"], ["市市场监管局", "市财政局"]),
    ("市金融办、市财政局和各县(区)人民政府负责", ["市金融办"], ["市财政局", "各县(区)人民政府"]),
    ("市应急局牵头,市安委会有关成员单位按职责分工负责", ["市应急局"], ["市安委会有关成员单位"]),
])
def test_clause_roles(directory: DepartmentDirectory, clause: str, lead: list[str], support: list[str]) -> None:
    units, _ = parse_clause(clause, directory)
    assert units is not None
    assert (units.lead, units.support) == (lead, support)


@pytest.mark.parametrize("text", ["在城区设立网点(经营场所)。", "建设(基地)。", "开放清单(年底前公布首批开放清单),禁止收费。"])
def test_brackets_that_are_not_unit_lists(directory: DepartmentDirectory, text: str) -> None:
    assert find_clauses(text, directory) == []


def test_clause_opened_and_never_closed_runs_to_the_end(directory: DepartmentDirectory) -> None:
    (clause,) = find_clauses("加强监管。(市商务局、市财政局负责", directory)
    assert clause.units.lead == ["市商务局"]


def test_following_declaration(directory: DepartmentDirectory) -> None:
    text = "加强监管。(区自然资源局等按职责分工负责,义井镇人民政府负责落实。以下均需各义井镇人民政府,负责落实,不再列出)"
    (clause,) = find_clauses(text, directory)
    assert clause.following is not None and clause.following.lead


def test_unit_line_with_conditional_leads(directory: DepartmentDirectory) -> None:
    units = parse_unit_line("牵头单位:新建污水管网任务由市住房和城乡建设局牵头,提升改造污水管网任务由市城市管理局牵头", directory)
    assert units is not None and units.lead == ["市住房和城乡建设局", "市城市管理局"]


@pytest.mark.parametrize(("text", "lead", "support"), [
    ("加强火源管控。市林业局会同市公安局、市应急局在清明节前开展专项检查。",
     ["市林业局"], ["市公安局", "市应急局"]),
    ("及时报送信息。各县区每月5日前报送上月工作情况。", ["各县区"], []),
    ("各县(区)对本辖区范围内企业进行全面排查摸底。", ["各县(区)"], []),
    ("市发改委、市财政局和市工信局在年底前完成评估。", ["市发改委", "市财政局", "市工信局"], []),
    ("市应急局与市公安局联合开展检查。", ["市应急局", "市公安局"], []),
    ("市住建局等部门加快推进老旧小区改造。", ["市住建局"], []),
])
def test_prose_opening_subject(directory: DepartmentDirectory, text: str, lead: list[str], support: list[str]) -> None:
    units = parse_prose(text, directory)
    assert units is not None
    assert (units.lead, units.support) == (lead, support)


@pytest.mark.parametrize("text", [
    "政府网站内容保障待提升。市财政局网站存在严重表述错误。",  # the unit's website, not the unit
    "经研究,市政府同意。",
    "市政府同意设立专项资金。",
    "市人民政府工业经济主管部门会同市科技局开展认定。",  # a department the text does not name
    "市住建局已完成年度任务。",  # a past event
    "加大资金投入。建立多元化资金投入机制。各县(区)人民政府将资金纳入财政预算。",  # named only further down
    "政府委托自来水厂收取污水处理费。",  # a bare 政府 is nobody
])
def test_prose_without_an_opening_doer(directory: DepartmentDirectory, text: str) -> None:
    assert parse_prose(text, directory) is None
