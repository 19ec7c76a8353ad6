from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from parsing.results import DeadlineSpec, DepartmentMention, ExtractedTask, ParsedDocument
from tests.factories import DepartmentFactory
from tests.tracker.workflow import office_user
from tracker.models import (
    Assignment,
    Deadline,
    DeadlineOccurrence,
    Department,
    DepartmentAlias,
    Directive,
    SourceFile,
    Task,
)
from tracker.services import directives as directives_service
from tracker.services.departments import departments_seed
from tracker.services.directives import ImportRefused, directive_import
from tracker.services.lifecycle_office import task_assign

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
GAZETTES = ROOT / "fixtures" / "gazettes"
SAMPLE = "阳泉市人民政府办公室\n关于做好春耕工作的通知\n阳政办发〔2023〕5号\n各县区人民政府：\n一、做好春耕。\n"


def lead(name: str, written: str | None = None, **kw: object) -> DepartmentMention:
    return DepartmentMention(name=name, as_written=written or name, role="lead", **kw)  # type: ignore[arg-type]


def support(name: str) -> DepartmentMention:
    return DepartmentMention(name=name, as_written=name, role="support")


def document(number: str = "阳政办发〔2023〕5号", tasks: tuple[ExtractedTask, ...] = (), **kw: object) -> ParsedDocument:
    fields: dict[str, object] = dict(
        file="g.txt", doc_number=number, title="阳泉市人民政府办公室关于做好春耕工作的通知", issuer="阳泉市人民政府办公室",
        issued_on=date(2023, 3, 15), recipients=("市农业农村局",), kind="通知", task_bearing=True,
        line_start=1, line_end=5, tasks=tasks,
    )
    fields.update(kw)
    return ParsedDocument(**fields)  # type: ignore[arg-type]


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[ParsedDocument]:
    """The documents the (stubbed) parser returns for any file."""
    documents: list[ParsedDocument] = []
    monkeypatch.setattr(directives_service, "parse_source", lambda source, **kw: list(documents))
    return documents


@pytest.fixture
def directory() -> None:
    departments_seed(entries=[
        {"name": "市农业农村局", "kind": "city_department", "aliases": ["市农业局"]},
        {"name": "市财政局", "kind": "city_department", "aliases": []},
    ])


# --- decoding and refusals ------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"   \n\r\n\t  "])
def test_empty_file_is_refused_naming_it_and_nothing_is_written(data: bytes):
    with pytest.raises(ImportRefused, match="empty.txt.*空文件"):
        directive_import(name="empty.txt", data=data)
    assert not SourceFile.objects.exists()


def test_file_with_nul_bytes_is_refused_as_binary_with_its_line():
    data = "第一行\n第二行\n".encode() + b"\x00\x01\x02PK"
    with pytest.raises(ImportRefused, match=r"scan\.pdf.*二进制.*第 3 行"):
        directive_import(name="scan.pdf", data=data)
    assert not SourceFile.objects.exists()


def test_mostly_control_characters_are_refused_as_binary():
    data = bytes(range(1, 9)) * 50 + "文字".encode()
    with pytest.raises(ImportRefused, match="blob.bin.*二进制"):
        directive_import(name="blob.bin", data=data)


def test_undecodable_text_is_refused_with_the_line_of_the_first_bad_byte():
    data = "第一行\n第二行\n".encode() + b"\xff\xff\xff\n"
    with pytest.raises(ImportRefused, match=r"bad\.txt.*第 3 行.*无法"):
        directive_import(name="bad.txt", data=data)
    assert not SourceFile.objects.exists()


# --- mapping --------------------------------------------------------------------------------------


def test_import_maps_directive_tasks_units_and_deadlines(parsed, directory):
    task = ExtractedTask(
        ref="一、", line=5, line_end=5, text="做好春耕，4月底前完成。", title="做好春耕",
        lead_units=(lead("市农业农村局", "市农业局"),), support_units=(support("市财政局"),),
        deadlines=(DeadlineSpec(text="4月底前", start=5, end=9, kind="month_end", due=date(2023, 4, 30)),),
    )
    parsed.append(document(tasks=(task,)))
    result = directive_import(name="g.txt", data=SAMPLE.encode())
    directive = Directive.objects.get()
    assert (directive.doc_number, directive.issuer, directive.issued_on) == (
        "阳政办发〔2023〕5号", "阳泉市人民政府办公室", date(2023, 3, 15))
    assert directive.recipients == ["市农业农村局"] and directive.source.text == SAMPLE
    stored = Task.objects.get()
    assert stored.status == Task.Status.PENDING_REVIEW and stored.origin == Task.Origin.EXTRACTED
    assert (stored.ref, stored.line_start, stored.line_end) == ("一、", 5, 5)
    assert set(stored.assignments.values_list("department__name", "role", "as_written")) == {
        ("市农业农村局", "lead", "市农业局"), ("市财政局", "support", "市财政局")}
    deadline = Deadline.objects.get()
    assert (deadline.text, deadline.due_on, deadline.parsed_due_on) == ("4月底前", date(2023, 4, 30), date(2023, 4, 30))
    assert not deadline.occurrences.exists()  # a draft: each unit's occurrences are made at 交办
    assert set(stored.assignments.values_list("status", flat=True)) == {"proposed"}
    assert result.tasks == 1 and result.deadlines == 1 and not result.unknown_departments


def test_unknown_unit_becomes_an_unverified_department_never_dropped(parsed, directory):
    mention = lead("市数字乡村服务中心", "数字乡村中心", known=False)
    parsed.append(document(tasks=(ExtractedTask(ref="一、", line=5, line_end=5, text="建设数字乡村。",
                                                 lead_units=(mention,)),)))
    result = directive_import(name="g.txt", data=SAMPLE.encode())
    unknown = Department.objects.get(name="市数字乡村服务中心")
    assert unknown.verified is False
    assert DepartmentAlias.objects.get(alias="数字乡村中心").department == unknown
    assert Assignment.objects.get().department == unknown
    assert result.unknown_departments == ["市数字乡村服务中心"]


def test_task_naming_no_unit_goes_to_the_recipients_and_is_flagged(parsed, directory):
    parsed.append(document(tasks=(ExtractedTask(ref="一、", line=5, line_end=5, text="做好春耕。"),)))
    directive_import(name="g.txt", data=SAMPLE.encode())
    task = Task.objects.get()
    assert "no_unit" in task.flags
    assert list(task.assignments.values_list("department__name", "role")) == [("市农业农村局", "lead")]


def test_unresolved_deadline_is_kept_and_flags_the_task(parsed, directory):
    spec = DeadlineSpec(text="汛期前", start=0, end=3, kind="holiday", due=None, flags=("unresolved",), confidence=0)
    parsed.append(document(tasks=(ExtractedTask(ref="一、", line=5, line_end=5, text="汛期前完成。",
                                                 lead_units=(lead("市财政局"),), deadlines=(spec,)),)))
    directive_import(name="g.txt", data=SAMPLE.encode())
    assert "deadline_unresolved" in Task.objects.get().flags
    deadline = Deadline.objects.get()
    assert deadline.due_on is None and deadline.flags == ["unresolved"] and not deadline.occurrences.exists()


def test_recurring_deadline_gets_occurrences_over_the_horizon_from_the_day_of_assign(parsed, directory):
    spec = DeadlineSpec(text="每月底", start=0, end=3, kind="recurring", due=date(2023, 3, 31),
                        recurrence="monthly", rule="M:end")
    parsed.append(document(tasks=(ExtractedTask(ref="一、", line=5, line_end=5, text="每月底前报送。",
                                                 lead_units=(lead("市财政局"),), deadlines=(spec,)),)))
    directive_import(name="g.txt", data=SAMPLE.encode(), as_of=date(2023, 6, 10))
    assert not DeadlineOccurrence.objects.exists()
    office = office_user()
    task_assign(task=Task.objects.get(), actor=office, as_of=date(2023, 6, 10))
    # Horizon 90 days from 10 June: 30 June, 31 July, 31 August; past months are not invented.
    assert list(DeadlineOccurrence.objects.values_list("due_on", flat=True)) == [
        date(2023, 6, 30), date(2023, 7, 31), date(2023, 8, 31)]
    assert {o.assignment.department.name for o in DeadlineOccurrence.objects.all()} == {"市财政局"}


def test_task_tree_links_children_to_their_parent_task(parsed, directory):
    parent = ExtractedTask(ref="一、", line=5, line_end=5, text="总体任务。", lead_units=(lead("市财政局"),))
    child = ExtractedTask(ref="一、(一)", line=6, line_end=6, text="子任务。", parent_ref="一、",
                          lead_units=(lead("市财政局"),))
    parsed.append(document(tasks=(parent, child)))
    directive_import(name="g.txt", data=SAMPLE.encode())
    assert Task.objects.get(ref="一、(一)").parent == Task.objects.get(ref="一、")


# --- idempotency and transactions -----------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing_and_says_so(parsed, directory):
    parsed.append(document(tasks=(ExtractedTask(ref="一、", line=5, line_end=5, text="做好春耕。",
                                                 lead_units=(lead("市财政局"),)),)))
    directive_import(name="g.txt", data=SAMPLE.encode())
    counts = (SourceFile.objects.count(), Directive.objects.count(), Task.objects.count())
    again = directive_import(name="renamed.txt", data=SAMPLE.encode())
    assert again.duplicate_file and "已导入过" in again.summary()
    assert (SourceFile.objects.count(), Directive.objects.count(), Task.objects.count()) == counts


def test_directive_already_imported_is_skipped_and_its_edited_task_kept(parsed, directory):
    parsed.append(document(tasks=(ExtractedTask(ref="一、", line=5, line_end=5, text="做好春耕。",
                                                 lead_units=(lead("市财政局"),)),)))
    directive_import(name="g.txt", data=SAMPLE.encode())
    Task.objects.update(text="督查室改过的任务", edited=True, status=Task.Status.ASSIGNED)
    parsed.append(document("阳政办发〔2023〕6号", line_start=6, line_end=9))
    result = directive_import(name="g2.txt", data=(SAMPLE + "另一份\n").encode())
    assert result.skipped == ["阳政办发〔2023〕5号"]
    assert any("阳政办发〔2023〕5号" in m and "跳过" in m for m in result.messages)
    assert Task.objects.get().text == "督查室改过的任务"
    assert set(Directive.objects.values_list("doc_number", flat=True)) == {"阳政办发〔2023〕5号", "阳政办发〔2023〕6号"}


def test_file_whose_directives_are_all_known_leaves_no_trace(parsed, directory):
    parsed.append(document())
    directive_import(name="g.txt", data=SAMPLE.encode())
    result = directive_import(name="copy.txt", data=(SAMPLE + "\n\n").encode())
    assert result.source is None and any("未做任何修改" in m for m in result.messages)
    assert SourceFile.objects.count() == 1


def test_a_failure_midway_rolls_back_the_whole_file(parsed, directory, monkeypatch):
    parsed.extend([document(), document("阳政办发〔2023〕6号")])
    original = directives_service._directive_create
    calls = []

    def failing(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("boom")
        return original(**kwargs)

    monkeypatch.setattr(directives_service, "_directive_create", failing)
    with pytest.raises(RuntimeError):
        directive_import(name="g.txt", data=SAMPLE.encode())
    assert not SourceFile.objects.exists() and not Directive.objects.exists()


def test_duplicate_twin_is_linked(parsed, directory):
    parsed.extend([document("阳政函〔2021〕21号"), document("阳政函〔2021〕22号", duplicate_of="阳政函〔2021〕21号")])
    directive_import(name="g.txt", data=SAMPLE.encode())
    twin = Directive.objects.get(doc_number="阳政函〔2021〕22号")
    assert twin.duplicate_of.doc_number == "阳政函〔2021〕21号"


def test_known_department_is_reused_not_duplicated(parsed):
    known = DepartmentFactory(name="市财政局")
    parsed.append(document(tasks=(ExtractedTask(ref="一、", line=5, line_end=5, text="做好春耕。",
                                                 lead_units=(lead("市财政局"),)),)))
    directive_import(name="g.txt", data=SAMPLE.encode())
    assert Department.objects.filter(name="市财政局").count() == 1
    assert Assignment.objects.get().department == known


# --- end to end over the real gazettes ------------------------------------------------------------


def test_the_five_gazettes_import_every_labelled_directive_and_reimport_is_a_noop():
    departments_seed(entries=json.loads((ROOT / "fixtures" / "departments.json").read_text(encoding="utf-8")))
    labelled = json.loads((ROOT / "fixtures" / "expected" / "documents.json").read_text(encoding="utf-8"))["documents"]
    for path in sorted(GAZETTES.glob("*.txt")):
        result = directive_import(name=path.name, data=path.read_bytes())
        assert result.source is not None and not result.duplicate_file
    stored = {(d.source.name, d.doc_number): d for d in Directive.objects.select_related("source")}
    for doc in labelled:
        directive = stored[(doc["file"], doc["doc_number"])]
        assert (directive.title, directive.issuer) == (doc["title"], doc["issuer"])
        assert directive.issued_on == (date.fromisoformat(doc["issued_on"]) if doc["issued_on"] else None)
    # Hand-read: 阳政发〔2023〕1号 (000, lines 63-213) asks for 市县领导班子安全生产职责清单 "4月底前".
    safety = Directive.objects.get(doc_number="阳政发〔2023〕1号")
    assert safety.tasks.filter(text__contains="职责清单", deadlines__due_on=date(2023, 4, 30)).exists()
    assert not Task.objects.exclude(status=Task.Status.PENDING_REVIEW).exists()
    # A task never silently loses its units: unassigned tasks are flagged for review.
    assert all("no_unit" in t.flags for t in Task.objects.filter(assignments__isnull=True))
    counts = (Directive.objects.count(), Task.objects.count(), Assignment.objects.count())
    for path in sorted(GAZETTES.glob("*.txt")):
        assert directive_import(name=path.name, data=path.read_bytes()).duplicate_file
    assert (Directive.objects.count(), Task.objects.count(), Assignment.objects.count()) == counts


def test_reextract_keeps_confirmed_and_edited_tasks_and_replaces_the_rest(parsed, directory):
    from tracker.services.directives import directive_reextract

    first = ExtractedTask(ref="一、", line=5, line_end=5, text="做好春耕。", lead_units=(lead("市财政局"),))
    second = ExtractedTask(ref="二、", line=6, line_end=6, text="旧的第二项。", lead_units=(lead("市财政局"),))
    parsed.append(document(tasks=(first, second)))
    directive_import(name="g.txt", data=SAMPLE.encode())
    Task.objects.filter(ref="一、").update(text="督查室改写", edited=True)
    parsed[:] = [document(tasks=(
        ExtractedTask(ref="一、", line=5, line_end=5, text="新解析的第一项。", lead_units=(lead("市财政局"),)),
        ExtractedTask(ref="二、", line=6, line_end=6, text="新的第二项。", lead_units=(lead("市农业农村局"),)),
        ExtractedTask(ref="三、", line=7, line_end=7, text="新增第三项。", lead_units=(lead("市财政局"),)),
    ))]
    result = directive_reextract(directive=Directive.objects.get())
    assert (result.kept, result.removed, result.created) == (1, 1, 2)
    assert dict(Task.objects.values_list("ref", "text")) == {
        "一、": "督查室改写", "二、": "新的第二项。", "三、": "新增第三项。"}


UNNUMBERED = ("关于进一步加强城市精细化管理工作的通知\n各区人民政府，市直各有关单位：\n"
              "为进一步提升城市管理水平，现就有关事项通知如下：\n"
              "一、全面开展市容环境整治。6月底前完成占道经营清理（责任单位：市城市管理局）。\n"
              "阳泉市人民政府办公室\n2024年3月15日\n")
UNNUMBERED_TWO = UNNUMBERED + (
    "关于做好2024年春季植树工作的通知\n各区人民政府，市直各有关单位：\n现就有关事项通知如下：\n"
    "一、4月底前完成植树任务（责任单位：市林业局）。\n阳泉市人民政府办公室\n2024年3月15日\n")


def test_directives_without_doc_number_are_told_apart_by_title_and_reimport_is_a_noop():
    departments_seed(entries=[{"name": "市城市管理局", "kind": "city_department", "aliases": []},
                              {"name": "市林业局", "kind": "city_department", "aliases": []}])
    first = directive_import(name="web.txt", data=UNNUMBERED_TWO.encode())
    directives = list(Directive.objects.order_by("line_start"))
    assert [(d.doc_number, d.title, d.flags) for d in directives] == [
        ("", "阳泉市人民政府办公室关于进一步加强城市精细化管理工作的通知", ["no_doc_number"]),
        ("", "阳泉市人民政府办公室关于做好2024年春季植树工作的通知", ["no_doc_number"]),
    ]
    assert [t.deadlines.get().due_on for t in Task.objects.order_by("line_start")] == [date(2024, 6, 30),
                                                                                         date(2024, 4, 30)]
    assert len(first.directives) == 2
    # The same directive pasted again into another file (different bytes): known by issuer, title and date.
    again = directive_import(name="again.txt", data=("\n" + UNNUMBERED).encode())
    assert again.source is None and again.skipped == ["阳泉市人民政府办公室关于进一步加强城市精细化管理工作的通知"]
    assert (Directive.objects.count(), Task.objects.count()) == (2, 2)
