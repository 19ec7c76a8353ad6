"""Word files written here with python-docx: automatic numbering from numbering.xml, merged cells, header/footer."""
from __future__ import annotations

import io
import zipfile

import docx
import pytest
from docx.oxml import parse_xml

from parsing.readers import UnreadableFile, read_file
from parsing.readers import docx as docx_reader
from parsing.readers.docx import format_number

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _level(ilvl: int, fmt: str, text: str, start: int = 1, extra: str = "") -> str:
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{text}"/>{extra}</w:lvl>')


def _numbering(document: docx.document.Document, abstract: str, nums: dict[int, str]) -> None:
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(f'<w:abstractNum {W} w:abstractNumId="77">{abstract}</w:abstractNum>'))
    for num_id, overrides in nums.items():
        numbering.append(parse_xml(f'<w:num {W} w:numId="{num_id}"><w:abstractNumId w:val="77"/>{overrides}</w:num>'))


def _numbered(document: docx.document.Document, text: str, num_id: int, ilvl: int) -> None:
    paragraph = document.add_paragraph(text)
    paragraph._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr {W}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'))


def _bytes(document: docx.document.Document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _lines(data: bytes) -> list[str]:
    return read_file(data, name="a.docx").text.split("\n")


def test_automatic_numbering_is_rendered_as_the_text_shows_it():
    document = docx.Document()
    _numbering(document, "".join([
        _level(0, "chineseCounting", "%1、"),
        _level(1, "chineseCounting", "（%2）"),
        _level(2, "decimal", "%3."),
        _level(3, "decimalEnclosedCircle", "%4"),
        _level(4, "decimal", "%3.%5"),
    ]), {71: "", 72: '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/></w:lvlOverride>'})
    for text, num, ilvl in [("总体要求", 71, 0), ("重点任务", 71, 0), ("强化保障", 71, 1), ("压实责任", 71, 1),
                            ("建立台账", 71, 2), ("每月调度", 71, 3), ("每季通报", 71, 3), ("细则", 71, 4),
                            ("再一项", 71, 2), ("工作要求", 71, 0), ("加强领导", 71, 1), ("另起编号", 72, 0)]:
        _numbered(document, text, num, ilvl)
    document.add_paragraph("")  # an empty paragraph shows nothing
    assert _lines(_bytes(document)) == [
        "一、总体要求", "二、重点任务", "（一）强化保障", "（二）压实责任", "1.建立台账", "①每月调度", "②每季通报",
        "1.1 细则", "2.再一项", "三、工作要求", "（一）加强领导", "五、另起编号",
    ]


def test_numbering_through_a_style_and_a_level_that_never_restarts():
    document = docx.Document()
    _numbering(document, _level(0, "chineseCounting", "第%1条") + _level(
        1, "decimal", "%2.", extra='<w:lvlRestart w:val="0"/>'), {73: ""})
    style = document.styles.add_style("条款", docx.enum.style.WD_STYLE_TYPE.PARAGRAPH)
    style.element.get_or_add_pPr().append(parse_xml(f'<w:numPr {W}><w:numId w:val="73"/></w:numPr>'))
    document.add_paragraph("总则", style="条款")
    _numbered(document, "甲", 73, 1)
    document.add_paragraph("分则", style="条款")
    _numbered(document, "乙", 73, 1)  # lvlRestart 0: counts on across 第二条
    assert _lines(_bytes(document)) == ["第一条 总则", "1.甲", "第二条 分则", "2.乙"]


@pytest.mark.parametrize(("n", "fmt", "shown"), [
    (11, "chineseCounting", "十一"), (20, "chineseCountingThousand", "二十"), (105, "chineseCounting", "一百零五"),
    (3, "ideographTraditional", "丙"), (12, "chineseLegalSimplified", "壹拾贰"), (4, "decimalEnclosedParen", "⑷"),
    (28, "lowerLetter", "bb"), (9, "upperRoman", "IX"), (7, "decimalFullWidth", "７"), (21, "decimalEnclosedCircle", "21"),
])
def test_number_formats(n: int, fmt: str, shown: str):
    assert format_number(n, fmt) == shown


def test_tables_come_out_as_pipe_rows_with_merged_cells_repeated_down_and_not_across():
    document = docx.Document()
    table = document.add_table(rows=4, cols=4)
    for r, row in enumerate([["序号", "工作任务", "牵头单位", "完成时限"], ["1", "建立台账", "市发展改革委", "6月底前"],
                             ["2", "每月调度", "", "每月"], ["3", "全年通报（跨列）", "", ""]]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    table.cell(1, 2).merge(table.cell(2, 2)).text = "市发展改革委"  # merged down rows 2–3
    table.cell(3, 1).merge(table.cell(3, 3)).text = "全年通报（跨列）"  # merged across three columns
    data = _bytes(document)
    source = read_file(data, name="a.docx")
    assert source.text.split("\n") == [
        "| 序号 | 工作任务 | 牵头单位 | 完成时限 |",
        "| 1 | 建立台账 | 市发展改革委 | 6月底前 |",
        "| 2 | 每月调度 | 市发展改革委 | 每月 |",
        "| 3 | 全年通报（跨列） |  |  |",
    ]
    assert source.origins == ("表格 1 第 1 行", "表格 1 第 2 行", "表格 1 第 3 行", "表格 1 第 4 行")


def test_headers_footers_page_fields_and_deleted_text_are_left_out_text_boxes_and_breaks_kept():
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "某某市人民政府公报"
    footer = section.footer.paragraphs[0]
    footer.text = "第"
    document.add_paragraph("关于做好春耕工作的通知")
    body = document.add_paragraph("正文第一句。")
    for xml in ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>', '<w:r><w:instrText> PAGE </w:instrText></w:r>',
                '<w:r><w:fldChar w:fldCharType="separate"/></w:r>', "<w:r><w:t>7</w:t></w:r>",
                '<w:r><w:fldChar w:fldCharType="end"/></w:r>', "<w:del><w:r><w:delText>删掉的</w:delText></w:r></w:del>",
                "<w:ins><w:r><w:t>插入的。</w:t></w:r></w:ins>", "<w:r><w:br/><w:t>软回车后。</w:t></w:r>"):
        body._p.append(parse_xml(xml.replace(">", f" {W}>", 1)))  # the namespace on the outer element
    source = read_file(_bytes(document), name="a.docx")
    assert source.text.split("\n") == ["关于做好春耕工作的通知", "正文第一句。插入的。", "软回车后。"]
    assert source.origins == ("段落 1", "段落 2", "段落 2")


def test_an_empty_document_and_a_zip_bomb_are_refused(monkeypatch: pytest.MonkeyPatch):
    with pytest.raises(UnreadableFile, match="「空.docx」.*空的 Word"):
        read_file(_bytes(docx.Document()), name="空.docx")
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<" + b" " * (3 * 1024 * 1024) + b"/>")  # 3 MB from a few KB
    monkeypatch.setattr(docx_reader, "MAX_UNPACKED_BYTES", 2 * 1024 * 1024)
    with pytest.raises(UnreadableFile, match="「炸弹.docx」解压后过大"):
        read_file(data.getvalue(), name="炸弹.docx")
