"""Table rows copied from the first row of their shape are the rows python-docx would have built."""
from __future__ import annotations

import io
from datetime import date

import docx
from docx.shared import Pt
from lxml import etree

from tracker.documents import style

ROWS = [("1", "市交通运输局", "  前后有空格 "), ("2", "市住房和城乡建设局", "第一行\n第二行"), ("3", "市水务局", "无"),
        ("4", "市商务局", "第一行\n第二行"), ("5", "制表\t符", "x"), ("6", "", "空单元格")]


def _rows(copied: bool) -> list[bytes]:
    document = style.new_document(title="t", author="a", issued_on=date(2026, 12, 4))
    if copied:
        table = style.add_table(document, rows=ROWS, widths_mm=(14, 60, 80), header=("序号", "单位", "说明"),
                                centered=frozenset({0}))
    else:  # each row formatted on its own, as before copies were made
        table = style.add_table(document, rows=[], widths_mm=(14, 60, 80), header=("序号", "单位", "说明"),
                                centered=frozenset({0}))
        for values in ROWS:
            style._add_row(table, values, (14, 60, 80), heads=frozenset(), centered=frozenset({0}),
                           size=Pt(12))
    return [etree.tostring(tr) for tr in table._tbl.tr_lst]


def test_copied_rows_are_the_rows_built_one_by_one():
    copied, built = _rows(copied=True), _rows(copied=False)
    assert copied == built
    texts = [[cell.text for cell in row.cells] for row in docx.Document(io.BytesIO(style.to_bytes(
        _document_with(ROWS)))).tables[0].rows[1:]]
    assert texts == [list(values) for values in ROWS]


def _document_with(rows):
    document = style.new_document(title="t", author="a", issued_on=date(2026, 12, 4))
    style.add_table(document, rows=rows, widths_mm=(14, 60, 80), header=("序号", "单位", "说明"))
    return document
