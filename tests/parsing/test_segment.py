"""split_documents against the hand-labelled table fixtures/expected/documents.json.

Line-range rule of the table (1-based lines of the input file):
- line_start = the first non-empty line of the directive's header: its issuer line, or the title line when the
  issuer is printed on the same line as the title;
- line_end = the last non-empty line before the next directive's header (page numbers and running headers
  standing between two directives excluded), so an attached plan, its annexes and a
  second signature block belong to the directive that printed them; for the last directive, the last non-empty
  line before the back-cover (colophon) lines, or the last non-empty line of the file.
The cover, the table of contents and the colophon belong to no directive.
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from parsing.normalize import normalize_line, strip_markup
from parsing.segment import normalize_doc_number, parse_date, split_documents

ROOT = Path(__file__).resolve().parents[2]
GAZETTES = ROOT / "fixtures" / "gazettes"
EXPECTED = json.loads((ROOT / "fixtures" / "expected" / "documents.json").read_text(encoding="utf-8"))["documents"]
FILES = sorted({row["file"] for row in EXPECTED})


def _split(name: str):
    return split_documents((GAZETTES / name).read_text(encoding="utf-8"), file=name)


def _expected(name: str) -> list[dict]:
    return [row for row in EXPECTED if row["file"] == name]


def test_table_covers_every_fixture():
    assert FILES == sorted(p.name for p in GAZETTES.glob("*.txt"))
    assert len(EXPECTED) == 94


@pytest.mark.parametrize("name", FILES)
def test_documents_match_table(name):
    got = [(d.doc_number, d.title, d.issued_on.isoformat() if d.issued_on else None, d.line_start, d.line_end)
           for d in _split(name)]
    want = [(r["doc_number"], r["title"], r["issued_on"], r["line_start"], r["line_end"]) for r in _expected(name)]
    assert got == want


@pytest.mark.parametrize("name", FILES)
def test_header_fields_match_table(name):
    got = [(d.doc_number, d.issuer, list(d.recipients), d.kind, d.task_bearing, d.duplicate_of) for d in _split(name)]
    want = [(r["doc_number"], r["issuer"], r["recipients"], r["kind"], r["task_bearing"], r.get("duplicate_of"))
            for r in _expected(name)]
    assert got == want


@pytest.mark.parametrize("name", FILES)
def test_table_of_contents_yields_no_document(name):
    text = (GAZETTES / name).read_text(encoding="utf-8")
    docs = split_documents(text, file=name)
    lines = text.splitlines()
    toc = [n for n, line in enumerate(lines, 1) if "目" in line and line.replace(" ", "").strip("# ") == "目录"]
    if toc:
        assert docs[0].line_start > toc[0]
        # Every 文号 the table of contents lists is printed before the first document, and is still found once.
        assert len({d.doc_number for d in docs}) == len(docs)
    # Only the table of contents, alone, yields nothing.
    if toc:
        front = "\n".join(lines[: docs[0].line_start - 1])
        assert split_documents(front, file=name) == []


def test_doc_number_in_running_text_starts_no_document():
    docs = _split("000_0bee5a561071bf79.txt")
    cited = "晋政发〔2023〕1号"
    assert cited not in {d.doc_number for d in docs}
    first = docs[0]
    assert any(cited in line.text for line in first.lines)  # cited inside the first notice, which goes on
    assert first.line_end == 213


def test_lines_are_normalised_with_original_numbers_and_without_page_furniture():
    doc = _split("001_c4a016c4f9468904.txt")[1]
    numbers = [line.number for line in doc.lines]
    assert 995 not in numbers and 997 not in numbers  # running header and page number "- 12 -"
    assert 991 in numbers and 999 in numbers
    assert all(line.text == strip_markup(normalize_line(line.text)) for line in doc.lines)
    assert doc.lines[0].number == doc.line_start and doc.lines[-1].number == doc.line_end


@pytest.mark.parametrize("name", FILES)
def test_lines_span_exactly_the_line_range(name):
    docs = _split(name)
    for doc in docs:
        numbers = [line.number for line in doc.lines]
        assert numbers == sorted(numbers)  # a line holding several numbered items is cut, its pieces keep its number
        assert (numbers[0], numbers[-1]) == (doc.line_start, doc.line_end)
    assert all(a.line_end < b.line_start for a, b in zip(docs, docs[1:], strict=False))


def test_printed_plan_and_its_second_signature_stay_in_the_notice():
    doc = next(d for d in _split("004_f5765a5cf8ea0901.txt") if d.doc_number == "阳政发〔2020〕5号")
    texts = [line.text for line in doc.lines]
    assert "阳泉市加快5G产业发展的若干措施" in texts  # second attachment
    assert doc.issued_on == date(2020, 2, 21)  # the notice's date, not the attachment's 2020-01-21


def test_colophon_belongs_to_no_document():
    docs = _split("000_0bee5a561071bf79.txt")
    assert docs[-1].line_end == 1992
    assert all(line.number <= 1992 for line in docs[-1].lines)


SYNTHETIC = """阳泉市人民政府公报
目 录
阳泉市人民政府关于做好安全工作的通知（阳政发〔2024〕3号）……（1）
阳泉市人民政府办公室关于印发某方案的通知（阳政办发〔2024〕9号）……（4）

阳泉市人民政府
关于做好安全工作的
通 知
阳政发 [ 2024 ] 3 号
各县（区）人民政府，市直各单位：
按照《山西省人民政府关于做好安全工作的通知》（晋政发〔2024〕1号）要求，现通知如下：
一、各县区要在二〇二四年六月底前完成排查。
阳泉市人民政府
二〇二四年三月五日
（此件公开发布）
- 3 -
·市政府文件· 2/2024 阳泉市人民政府公报
阳泉市人民政府办公室
关于印发某方案的通知
阳政办发（2024）9号
市直各单位：
《某方案》已经市人民政府同意，现印发给你们。
阳泉市人民政府办公室
2024 年 4 月 1 日
某方案
一、市财政局负责资金保障。
阳泉市人民政府公报
主办单位：阳泉市人民政府办公室
邮 编：045000
"""


def test_synthetic_gazette_variants():
    docs = split_documents(SYNTHETIC, file="/tmp/x/synthetic.txt")
    assert [(d.file, d.doc_number, d.title, d.issued_on, d.line_start, d.line_end) for d in docs] == [
        ("synthetic.txt", "阳政发〔2024〕3号", "阳泉市人民政府关于做好安全工作的通知", date(2024, 3, 5), 6, 15),
        ("synthetic.txt", "阳政办发〔2024〕9号", "阳泉市人民政府办公室关于印发某方案的通知", date(2024, 4, 1), 18, 26),
    ]
    first, second = docs
    assert first.recipients == ("各县（区）人民政府", "市直各单位")
    assert [line.number for line in first.lines][-1] == 15  # page number and running header are no one's
    assert second.recipients == ("市直各单位",) and second.kind == "方案"


RED_HEADER = """阳 泉 市 人 民 政 府 文 件
阳 政 发〔 2024 〕 12 号
阳泉市人民政府关于开展春季
植树造林的通知
各县（区）人民政府：
现就开展春季植树造林通知如下：
一、各县区于4月底前完成任务。
阳泉市人民政府
2024年3月1日
"""


def test_red_header_layout_title_below_doc_number():
    (doc,) = split_documents(RED_HEADER, file="red.txt")
    assert (doc.doc_number, doc.title, doc.issuer, doc.issued_on, doc.line_start, doc.line_end) == (
        "阳政发〔2024〕12号", "阳泉市人民政府关于开展春季植树造林的通知", "阳泉市人民政府", date(2024, 3, 1), 1, 9)
    assert doc.recipients == ("各县（区）人民政府",)


def test_no_header_no_document():
    assert split_documents("", file="empty.txt") == []
    assert split_documents("按照（阳政发〔2023〕1号）要求，现通知如下：\n阳政发〔2023〕1号\n", file="x.txt") == []
    wrapped = ("阳泉市人民政府\n关于做好某工作的通知\n阳政发〔2023〕5号\n各县（区）人民政府：\n按照《阳泉市人民政府\n"
               "关于印发某方案的通知》（\n阳政办发〔2023〕54号\n）要求，现通知如下。\n阳泉市人民政府\n2023年5月6日\n")
    assert [d.doc_number for d in split_documents(wrapped, file="x.txt")] == ["阳政发〔2023〕5号"]


@pytest.mark.parametrize(("raw", "want"), [
    ("阳政办发〔2023〕20 号", "阳政办发〔2023〕20号"),
    ("阳政办发 [2023] 20号", "阳政办发〔2023〕20号"),
    ("阳政办函（２０２１）３２号", "阳政办函〔2021〕32号"),
    ("城政任字【2023】11号", "城政任字〔2023〕11号"),
])
def test_doc_number_normalisation(raw, want):
    assert normalize_doc_number(raw) == want


@pytest.mark.parametrize(("raw", "want"), [
    ("2023 年 4 月 28 日", date(2023, 4, 28)),
    ("2023年4月28日", date(2023, 4, 28)),
    ("二〇二三年四月二十八日", date(2023, 4, 28)),
    ("二O二三年十二月三十一日", date(2023, 12, 31)),
    ("2023年2月30日", None),
])
def test_parse_date(raw, want):
    assert parse_date(normalize_line(raw)) == want



def _fields(doc):
    return (doc.doc_number, doc.title, doc.issuer, doc.issued_on, doc.recipients, doc.kind, doc.task_bearing,
            doc.line_start, doc.line_end)


PRINTED_PLAN = """阳泉市人民政府关于印发阳泉市2024年大气污染防治行动计划的通知{number}
各县（区）人民政府，市直各单位，省属以上企业：
    现将《阳泉市2024年大气污染防治行动计划》印发给你们，请认真贯彻执行。
                                    阳泉市人民政府
                                    2024年2月20日
    （此件公开发布）
阳泉市2024年大气污染防治行动计划
    为持续改善环境空气质量，制定本计划。
    一、工作目标
    到2024年底，全市PM2.5平均浓度控制在40微克/立方米以下。
    二、重点任务
    （一）推进工业企业深度治理。9月底前完成焦化企业超低排放改造（牵头单位：市生态环境局）。
"""


@pytest.mark.parametrize("number", ["（阳政发〔2024〕3号）", "(阳政发[2024]3号)", " 阳政发〔2024〕3号", "阳政发〔2024〕3号"])
def test_doc_number_on_the_title_line(number):
    (doc,) = split_documents(PRINTED_PLAN.format(number=number), file="plan.txt")
    assert _fields(doc) == (
        "阳政发〔2024〕3号", "阳泉市人民政府关于印发阳泉市2024年大气污染防治行动计划的通知", "阳泉市人民政府",
        date(2024, 2, 20), ("各县（区）人民政府", "市直各单位", "省属以上企业"), "计划", True, 1, 12)
    assert doc.flags == ()
    assert "阳泉市2024年大气污染防治行动计划" in [line.text for line in doc.lines]  # the plan stays in the notice


def test_doc_number_closing_a_wrapped_title_under_its_issuer_line():
    text = ("阳泉市人民政府办公室\n关于印发阳泉市城市更新\n行动方案的通知（阳政办发〔2024〕7号）\n市直各单位：\n"
            "现将《阳泉市城市更新行动方案》印发给你们。\n阳泉市人民政府办公室\n2024年5月8日\n")
    (doc,) = split_documents(text, file="x.txt")
    assert _fields(doc) == ("阳政办发〔2024〕7号", "阳泉市人民政府办公室关于印发阳泉市城市更新行动方案的通知",
                            "阳泉市人民政府办公室", date(2024, 5, 8), ("市直各单位",), "方案", True, 1, 7)


def test_bracketed_doc_number_alone_under_its_title():
    text = ("阳泉市人民政府\n关于做好安全工作的通知\n（阳政发〔2024〕3号）\n各县（区）人民政府：\n现通知如下：\n"
            "一、各县区于6月底前完成排查。\n阳泉市人民政府\n2024年3月5日\n")
    (doc,) = split_documents(text, file="x.txt")
    assert _fields(doc) == ("阳政发〔2024〕3号", "阳泉市人民政府关于做好安全工作的通知", "阳泉市人民政府",
                            date(2024, 3, 5), ("各县（区）人民政府",), "通知", True, 1, 8)


WITHOUT_NUMBER = """关于进一步加强城市精细化管理工作的通知
各区人民政府，市直各有关单位：
    为进一步提升城市管理水平，经市政府同意，现就有关事项通知如下：
    一、全面开展市容环境整治。6月底前完成主次干道占道经营清理（责任单位：市城市管理局，各区人民政府）。
    二、建立长效管理机制。
                                    阳泉市人民政府办公室
                                      2024年3月15日
"""


def test_single_directive_without_doc_number():
    (doc,) = split_documents(WITHOUT_NUMBER, file="web.txt")
    # The title names no issuer: the signature does, and the title takes it as other titles carry theirs.
    assert _fields(doc) == ("", "阳泉市人民政府办公室关于进一步加强城市精细化管理工作的通知", "阳泉市人民政府办公室",
                            date(2024, 3, 15), ("各区人民政府", "市直各有关单位"), "通知", True, 1, 7)
    assert doc.flags == ("no_doc_number",)


def test_directive_without_doc_number_pasted_from_a_website():
    text = ("首页 > 政务公开 > 政策文件\n阳泉市人民政府办公室\n关于印发阳泉市城市更新\n行动方案的通知\n各区人民政府，\n"
            "市直各有关单位：\n《阳泉市城市更新行动方案》已经市政府同意，现印发给你们，请认真组织实施。\n"
            "阳泉市人民政府办公室\n2024年5月8日\n阳泉市城市更新行动方案\n一、总体要求\n（一）市住建局牵头，年底前完成。\n")
    (doc,) = split_documents(text, file="web.txt")
    assert _fields(doc) == ("", "阳泉市人民政府办公室关于印发阳泉市城市更新行动方案的通知", "阳泉市人民政府办公室",
                            date(2024, 5, 8), ("各区人民政府", "市直各有关单位"), "方案", True, 2, 12)
    assert doc.flags == ("no_doc_number",)


def test_directive_without_doc_number_after_a_numbered_one():
    numbered = ("阳泉市人民政府办公室\n关于做好春季森林防火工作的通知\n阳政办发〔2024〕8号\n各县（区）人民政府，市直各单位：\n"
                "为做好春季森林防火工作，现通知如下：\n一、各县区于3月底前完成隐患排查。\n阳泉市人民政府办公室\n"
                "2024年3月1日\n（此件公开发布）\n")
    unnumbered = ("阳泉市人民政府关于进一步加强城市精细化管理工作的通知\n各区人民政府，市直各有关单位：\n"
                  "为进一步提升城市管理水平，现就有关事项通知如下：\n一、全面开展市容环境整治。\n阳泉市人民政府\n"
                  "2024年3月15日\n")
    first, second = split_documents(numbered + unnumbered, file="mixed.txt")
    assert _fields(first) == ("阳政办发〔2024〕8号", "阳泉市人民政府办公室关于做好春季森林防火工作的通知",
                              "阳泉市人民政府办公室", date(2024, 3, 1), ("各县（区）人民政府", "市直各单位"), "通知",
                              True, 1, 9)
    assert _fields(second) == ("", "阳泉市人民政府关于进一步加强城市精细化管理工作的通知", "阳泉市人民政府",
                               date(2024, 3, 15), ("各区人民政府", "市直各有关单位"), "通知", True, 10, 15)
    assert (first.flags, second.flags) == ((), ("no_doc_number",))


def test_attachment_titles_inside_a_directive_do_not_split_it():
    text = ("关于印发阳泉市防汛工作方案的通知\n各县（区）人民政府，市直各单位：\n"
            "现将《阳泉市防汛工作方案》印发给你们，请认真贯彻执行。\n阳泉市人民政府\n2024年4月1日\n"
            "阳泉市防汛工作方案\n为做好防汛工作，制定本方案。\n一、市应急局牵头，5月底前完成演练。\n"
            "附件\n关于加强防汛物资储备的实施意见\n为加强防汛物资储备，提出如下意见：\n一、市应急局负责物资储备。\n"
            "关于建立防汛值班制度的通知\n责任单位：\n市应急局\n")
    (doc,) = split_documents(text, file="x.txt")
    assert (doc.doc_number, doc.title, doc.issuer, doc.line_start, doc.line_end, doc.kind) == (
        "", "阳泉市人民政府关于印发阳泉市防汛工作方案的通知", "阳泉市人民政府", 1, 15, "方案")


def test_title_line_doc_number_needs_recipients_or_the_end_of_the_directive_above():
    text = ("阳泉市人民政府\n关于做好安全工作的通知 阳政发 [2024] 3号\n各县（区）人民政府，市直各单位，省属以\n上企业：\n"
            "按照山西省人民政府\n关于做好安全工作的通知(晋政发〔2024〕1号)\n要求，现通知如下：\n"
            "一、各县区于6月底前完成排查。\n阳泉市人民政府\n2024年3月5日\n"
            "阳泉市人民政府关于做好防汛工作的通知（阳政发〔2024〕4号）\n为做好防汛工作，现通知如下：\n"
            "一、各县区于5月底前完成演练。\n阳泉市人民政府\n2024年4月1日\n")
    first, second = split_documents(text, file="x.txt")
    # The cited 晋政发 title in the running text (neither recipients below nor a directive's end above) is no header.
    assert _fields(first) == ("阳政发〔2024〕3号", "阳泉市人民政府关于做好安全工作的通知", "阳泉市人民政府",
                              date(2024, 3, 5), ("各县（区）人民政府", "市直各单位", "省属以上企业"), "通知", True, 1, 10)
    # Right after the signed date, a title line with its 文号 starts a directive even with no recipients line.
    assert _fields(second) == ("阳政发〔2024〕4号", "阳泉市人民政府关于做好防汛工作的通知", "阳泉市人民政府",
                               date(2024, 4, 1), (), "通知", True, 11, 15)
    assert second.flags == ("no_recipients",)


def test_table_of_contents_with_doc_numbers_on_title_lines_yields_no_document():
    toc = ("阳泉市人民政府公报\n目录\n阳泉市人民政府关于做好安全工作的通知（阳政发〔2024〕3号）\n"
           "阳泉市人民政府关于做好防汛工作的通知（阳政发〔2024〕4号）\n关于进一步加强城市精细化管理工作的通知\n")
    assert split_documents(toc, file="toc.txt") == []
    docs = split_documents(toc + PRINTED_PLAN.format(number="（阳政发〔2024〕3号）"), file="toc.txt")
    assert [(d.doc_number, d.line_start) for d in docs] == [("阳政发〔2024〕3号", 6)]


def test_recipients_keep_a_committees_offices_and_bureaus_group_whole():
    text = ("阳泉市人民政府关于做好2024年安全生产工作的通知\n阳政发〔2024〕2号\n"
            "各县（区）人民政府，市人民政府各委、办、局：\n现就做好安全生产工作通知如下：\n一、压实责任。\n"
            "阳泉市人民政府\n2024年1月5日\n")
    (doc,) = split_documents(text, file="t.txt")
    assert doc.recipients == ("各县（区）人民政府", "市人民政府各委、办、局")
