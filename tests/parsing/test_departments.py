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


@pytest.mark.parametrize(("written", "canonical"), [
    ("区文旅局", "城区文化和旅游局"),  # 城区 bulletin: "区X局" are 城区 bodies, not city ones
    ("区科技局", "城区科学技术局"),
    ("区生态环境分局", "市生态环境局城区分局"),
    ("区河长办", "城区河长制办公室"),
    ("阳泉农商行", "山西阳泉农村商业银行"),
    ("平定农信联社", "平定县农村信用合作联社"),
    ("市医保中心", "市医疗保障服务中心"),
    ("武警阳泉支队", "武警阳泉市支队"),
    ("市军分区战备建设处", "阳泉军分区战备建设处"),
    ("阳泉公路分局", "山西省公路局阳泉分局"),
])
def test_real_units_of_the_gazettes_are_in_the_directory(
    directory: DepartmentDirectory, written: str, canonical: str
) -> None:
    assert directory.match(written) == canonical


@pytest.mark.parametrize(("written", "name"), [
    ("第五条 各单位", "各单位"),
    ("第二十七条申请动用医药储备的市有关部门", "申请动用医药储备的市有关部门"),
    ("(六)市直各部门", "市直各部门"),
    ("5.4队伍保障各成员单位", "队伍保障各成员单位"),
    ("六、市直各部门", "市直各部门"),
    ("3.市财政局", "市财政局"),
])
def test_outline_markers_glued_to_a_unit_are_stripped(directory: DepartmentDirectory, written: str, name: str) -> None:
    (mention, *_) = directory.mentions(written, "lead")
    assert mention.as_written == name


@pytest.mark.parametrize("written", ["行业部门", "起草部门", "市工业经济主管部门", "新闻媒体", "各耐材企业",
                                     "参加突发事件医药储备调拨的各有关单位", "事发地县(区)人民政府", "各金融机构"])
def test_described_units_and_categories_are_groups_not_unverified_departments(
    directory: DepartmentDirectory, written: str
) -> None:
    (mention,) = directory.mentions(written, "support")
    assert mention.is_group and not mention.known


def test_a_name_ending_like_a_body_stays_a_unit(directory: DepartmentDirectory) -> None:
    (mention,) = directory.mentions("市某某新设中心", "lead")
    assert not mention.is_group and not mention.known


@pytest.mark.parametrize(("written", "canonical"), [
    ("财政部门", "市财政局"), ("人力资源和社会保障部门", "市人力资源和社会保障局"), ("发改部门", "市发展和改革委员会"),
    ("行业部门", None), ("各县(区)能源部门", None), ("市级部门", None),
])
def test_a_bare_function_department_is_the_one_city_department(
    directory: DepartmentDirectory, written: str, canonical: str | None
) -> None:
    assert directory.match(written) == canonical
