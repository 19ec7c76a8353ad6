"""What every printable shares: the 公文 page, the faces (East Asian included), page numbers, and text a reader
can take as it is (no None, no ISO date, no English), whatever the input leaves out."""
from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
import time_machine
from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt

from tests.tracker.documents.reading import all_paragraphs, east_asia_font, open_docx, part_xml, rows
from tracker.documents import style
from tracker.documents.bulletin import bulletin_docx
from tracker.documents.inputs import NoticeData, UrgeNoticeData
from tracker.documents.notices import notice_docx, urge_notice_docx
from tracker.documents.preview import empty_bulletin, sample_bulletin, sample_notice, sample_urge_notice

ROOT = Path(__file__).resolve().parents[3]
OFFICE = "北岭县人民政府督查室"


def bare_notice() -> NoticeData:
    return NoticeData(
        number="督办〔2027〕1号",
        issued_on=date(2027, 1, 4),
        office_name=OFFICE,
        task_text="做好春节期间安全生产工作。",
        lead_units=("县应急管理局",),
    )


def bare_urge_notice() -> UrgeNoticeData:
    return UrgeNoticeData(
        number="催办〔2027〕1号",
        issued_on=date(2027, 2, 8),
        office_name=OFFICE,
        task_text="做好春节期间安全生产工作。",
        units=(),
    )


BUILDS: dict[str, Callable[[], bytes]] = {
    "督办通知单": lambda: notice_docx(sample_notice()),
    "督办通知单（最少信息）": lambda: notice_docx(bare_notice()),
    "催办通知单": lambda: urge_notice_docx(sample_urge_notice()),
    "催办通知单（最少信息）": lambda: urge_notice_docx(bare_urge_notice()),
    "督查通报": lambda: bulletin_docx(sample_bulletin()),
    "督查通报（空）": lambda: bulletin_docx(empty_bulletin()),
}
CHINESE_FACES = {style.TITLE_FONT, style.BODY_FONT, style.HEADING_FONT, style.SUBHEADING_FONT, style.PAGE_NUMBER_FONT}


@pytest.fixture(params=list(BUILDS), scope="module")
def built(request: pytest.FixtureRequest) -> bytes:
    return BUILDS[request.param]()


def test_page_is_a4_portrait_with_official_margins(built):
    section = open_docx(built).sections[0]
    measured = {
        "width": section.page_width.mm,
        "height": section.page_height.mm,
        "top": section.top_margin.mm,
        "bottom": section.bottom_margin.mm,
        "left": section.left_margin.mm,
        "right": section.right_margin.mm,
    }
    expected = {"width": 210, "height": 297, "top": 37, "bottom": 35, "left": 28, "right": 26}
    assert measured == pytest.approx(expected, abs=0.1)


def test_every_page_shows_its_number_between_dashes(built):
    document = open_docx(built)
    section = document.sections[0]
    assert document.settings.odd_and_even_pages_header_footer
    for footer in (section.footer, section.even_page_footer):
        (paragraph,) = footer.paragraphs
        assert paragraph.text == "— 1 —"
        codes = [node.text for node in paragraph._p.iter(qn("w:instrText"))]
        assert [code.strip() for code in codes] == ["PAGE"]
        assert {east_asia_font(run) for run in paragraph.runs} == {style.PAGE_NUMBER_FONT}


def test_every_run_names_a_chinese_face_for_east_asian_text(built):
    document = open_docx(built)
    faces = {
        east_asia_font(run): run.font.name
        for paragraph in all_paragraphs(document)
        for run in paragraph.runs
        if run.text
    }
    assert set(faces) <= CHINESE_FACES
    assert all(faces[face] == face for face in faces), "Latin text in the same face as the Chinese"
    assert style.BODY_FONT in faces and style.TITLE_FONT in faces


def test_styles_carry_the_faces_too_and_the_body_keeps_a_fixed_line(built):
    document = open_docx(built)
    body = document.styles[style.BODY]
    assert body.element.rPr.rFonts.get(qn("w:eastAsia")) == style.BODY_FONT
    assert body.font.size == Pt(16)
    assert body.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert 28 <= body.paragraph_format.line_spacing.pt <= 29
    assert body.paragraph_format.first_line_indent == Pt(32)
    title = document.styles[style.TITLE]
    assert title.element.rPr.rFonts.get(qn("w:eastAsia")) == style.TITLE_FONT
    assert title.font.size == Pt(22)
    heading = document.styles[style.HEADING_1]
    assert heading.element.rPr.rFonts.get(qn("w:eastAsia")) == style.HEADING_FONT
    defaults = part_xml(built, "word/styles.xml")
    assert "minorEastAsia" not in defaults.split("</w:docDefaults>")[0], "theme face left in the defaults"
    assert 'w:eastAsia="zh-CN"' in re.search(r"<w:themeFontLang[^>]*>", part_xml(built, "word/settings.xml")).group()


def test_font_table_names_the_face_to_fall_back_to(built):
    fonts = part_xml(built, "word/fontTable.xml")
    for face, fallback in style.FALLBACKS.items():
        entry = re.search(rf'<w:font w:name="{face}">(.*?)</w:font>', fonts, re.S)
        assert entry is not None, face
        assert f'<w:altName w:val="{fallback}"/>' in entry.group(1)
        assert '<w:charset w:val="86"/>' in entry.group(1)


def test_a_reader_sees_no_none_no_iso_date_no_english_and_no_empty_cell(built):
    document = open_docx(built)
    texts = [paragraph.text for paragraph in all_paragraphs(document)]
    assert texts
    for text in texts:
        assert "None" not in text
        assert not re.search(r"\d{4}-\d{1,2}-\d{1,2}", text), text
        assert not re.search(r"[A-Za-z]", text), text
    for table in document.tables:
        assert len(table.rows) > 1, "a table with a header and nothing under it"
        for row in rows(table):
            assert all(cell.strip() for cell in row), row
    properties = document.core_properties
    assert properties.author == properties.last_modified_by
    assert not re.search(r"[A-Za-z]", properties.author + properties.title + properties.comments)
    assert "docProps/thumbnail" not in part_xml(built, "_rels/.rels")


def test_red_header_number_rule_signature_and_seal_place(built):
    document = open_docx(built)
    paragraphs = [paragraph for paragraph in document.paragraphs if paragraph.text]
    masthead, number = paragraphs[0], paragraphs[1]
    assert masthead.text.endswith("督查室")
    assert {str(run.font.color.rgb) for run in masthead.runs} == {str(style.RED)}
    assert re.fullmatch(r"\S+〔\d{4}〕\d+号", number.text)
    rule = number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert rule.get(qn("w:color")) == str(style.RED)
    texts = [paragraph.text for paragraph in paragraphs]
    seal = texts.index("（盖章）")
    assert texts[seal + 1] == masthead.text
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", texts[seal + 2])


def test_the_clock_changes_nothing():
    # Built at another moment, the same input gives the same document and the same file properties.
    def snapshot() -> dict[str, str]:
        built = {key: build() for key, build in BUILDS.items()}
        return {key: part_xml(data, "word/document.xml") + part_xml(data, "docProps/core.xml")
                for key, data in built.items()}

    now = snapshot()
    with time_machine.travel("2031-05-17 03:00:00+00:00", tick=False):
        later = snapshot()
    assert later == now


def test_builders_import_no_django():
    code = (
        f"import sys; sys.path[:0] = [{str(ROOT)!r}]\n"
        "import tracker.documents.notices, tracker.documents.bulletin, tracker.documents.preview\n"
        "assert not [m for m in sys.modules if m == 'django' or m.startswith('django.')], 'django imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                            timeout=120, env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
