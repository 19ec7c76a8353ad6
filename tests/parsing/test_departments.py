from __future__ import annotations

import json
from pathlib import Path

import pytest

from parsing.departments import DepartmentDirectory

ROOT = Path(__file__).resolve().parents[2]
COUNTIES = ["城区人民政府", "矿区人民政府", "郊区人民政府", "平定县人民政府", "盂县人民政府"]


@pytest.fixture(scope="module")
def directory() -> DepartmentDirectory:
    return DepartmentDirectory.from_entries(json.loads((ROOT / "fixtures" / "departments.json").read_text("utf-8")))


@pytest.mark.parametrize(("written", "canonical"), [
    ("市发改委", "市发展和改革委员会"),
    ("市发展改革委", "市发展和改革委员会"),
    ("阳泉市发展和改革委员会", "市发展和改革委员会"),
    ("市工信局", "市工业和信息化局"),
    ("市卫健委", "市卫生健康委员会"),
    ("市自然资源和规划局", "市规划和自然资源局"),
    ("孟县人民政府", "盂县人民政府"),
    ("市 财政局", "市财政局"),
    ("人行阳泉中心支行", "中国人民银行阳泉市中心支行"),
    ("市财政局局", "市财政局"),
])
def test_match_aliases_normal_forms_and_ocr(directory: DepartmentDirectory, written: str, canonical: str) -> None:
    assert directory.match(written) == canonical


def test_rule_based_abbreviation_without_alias() -> None:
    directory = DepartmentDirectory.from_entries([{"name": "市工业和信息化局", "kind": "city_department"}])
    assert directory.match("市工信局") == "市工业和信息化局"
    assert directory.match("市财政局") is None


def test_group_expands_to_members_with_group_text(directory: DepartmentDirectory) -> None:
    mentions = directory.mentions("各县(区)人民政府", "lead")
    assert [m.name for m in mentions] == COUNTIES
    assert {m.as_written for m in mentions} == {"各县(区)人民政府"}


def test_unknown_unit_kept_unverified(directory: DepartmentDirectory) -> None:
    (mention,) = directory.mentions("市某某新设局负责", "support")
    assert (mention.name, mention.known, mention.role) == ("市某某新设局", False, "support")
    (group,) = directory.mentions("市安委会有关成员单位", "support")
    assert group.is_group and not group.known


def test_from_entries_accepts_database_shaped_rows() -> None:
    rows = [{"name": "市财政局", "kind": "city_department", "aliases": [], "members": [], "parent": None}]
    assert DepartmentDirectory.from_entries(rows).match("阳泉市财政局") == "市财政局"
