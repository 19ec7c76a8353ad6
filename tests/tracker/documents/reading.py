"""Read a built .docx back the way a reader sees it: every paragraph in order (body, table cells, footers)."""
from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

import docx
from docx.document import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph


def open_docx(data: bytes) -> Document:
    return docx.Document(io.BytesIO(data))


def part_xml(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return package.read(name).decode("utf-8")


def body_paragraphs(document: Document) -> list[Paragraph]:
    """Paragraphs outside tables, in order."""
    return list(document.paragraphs)


def body_texts(document: Document) -> list[str]:
    return [paragraph.text for paragraph in document.paragraphs if paragraph.text]


def all_paragraphs(document: Document) -> Iterator[Paragraph]:
    """Body paragraphs, table-cell paragraphs and footer/header paragraphs of every section."""
    yield from document.paragraphs
    for table in document.tables:
        yield from table_paragraphs(table)
    for section in document.sections:
        for part in (section.footer, section.even_page_footer, section.first_page_footer,
                     section.header, section.even_page_header, section.first_page_header):
            if not part.is_linked_to_previous:
                yield from part.paragraphs


def table_paragraphs(table: Table) -> Iterator[Paragraph]:
    for row in table.rows:
        for cell in row.cells:
            yield from cell.paragraphs
            for inner in cell.tables:
                yield from table_paragraphs(inner)


def rows(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def form(table: Table) -> dict[str, str]:
    """A two-column label/value table as a dict."""
    return {label: value for label, value in rows(table)}


def east_asia_font(run: object) -> str | None:
    rpr = run._r.rPr  # type: ignore[attr-defined]
    fonts = rpr.rFonts if rpr is not None else None
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


def paragraph_with(document: Document, text: str) -> Paragraph:
    matches = [paragraph for paragraph in document.paragraphs if paragraph.text == text]
    assert len(matches) == 1, f"{text!r} found {len(matches)} times in {body_texts(document)}"
    return matches[0]
