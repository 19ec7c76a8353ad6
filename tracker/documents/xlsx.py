"""A small streaming .xlsx writer for the 台账: one sheet, rows written straight into the zip as they come.

Why not a library's cell API: at 100,000 rows × 21 columns the per-cell calls of XlsxWriter (constant-memory
mode) and openpyxl (write-only mode) alone take 10–25 s; the sheet XML built row by row here takes a few
seconds, in constant memory. What it writes is plain Office Open XML (ECMA-376): inline strings, numbers,
dates as serial numbers with a yyyy-mm-dd format, percentages, an optional title row, a bold shaded header
row repeated on every printed page and frozen, column widths, two row styles (normal, filled red), and the
print setup (landscape A4, one page wide, page numbers). Excel, WPS and LibreOffice open
it; openpyxl reads it back in the tests.
"""
from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from datetime import date
from typing import IO, Any

EPOCH = date(1899, 12, 30).toordinal()  # Excel's day 0 (the 1900 leap-year bug included)
# Characters XML 1.0 forbids (kept out of cell text rather than making the file unreadable).
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})

# cellXfs indexes in STYLES below
HEADER, DATE, RED, RED_DATE, PERCENT, TITLE = 1, 2, 3, 4, 5, 6
STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/><numFmt numFmtId="165" formatCode="0.0%"/></numFmts>
<fonts count="3"><font><sz val="11"/><name val="宋体"/><family val="2"/></font>
<font><b/><sz val="11"/><name val="宋体"/><family val="2"/></font>
<font><b/><sz val="16"/><name val="宋体"/><family val="2"/></font></fonts>
<fills count="4"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>
<fill><patternFill patternType="solid"><fgColor rgb="FFDDE7F3"/><bgColor indexed="64"/></patternFill></fill>
<fill><patternFill patternType="solid"><fgColor rgb="FFFFC7CE"/><bgColor indexed="64"/></patternFill></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="7"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">\
<alignment vertical="center" wrapText="1"/></xf>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="0" fontId="0" fillId="3" borderId="0" xfId="0" applyFill="1"/>
<xf numFmtId="164" fontId="0" fillId="3" borderId="0" xfId="0" applyNumberFormat="1" applyFill="1"/>
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">\
<alignment horizontal="center" vertical="center"/></xf></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""
CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
</Types>"""
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>"""
WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets>
<definedNames><definedName name="_xlnm.Print_Titles" localSheetId="0">'{name}'!${header}:${header}</definedName></definedNames>
</workbook>"""


def text(value: str) -> str:
    """Cell text made safe for XML."""
    return _INVALID_XML.sub("", value).translate(_ESCAPE)


class Percent(float):
    """A fraction written as a number with a 0.0% format (0.75 shows as 75.0%)."""


def column_letters(number: int) -> str:
    """1 → A, 26 → Z, 27 → AA."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class SheetWriter:
    """Write one worksheet row by row into `out` (a binary file); call close() once at the end.

    With a `title`, row 1 holds it (bold, merged across the columns) and the header is row 2. Printing: A4
    landscape, fit to one page wide (as many tall as needed), the header row repeated on every page, page
    numbers in the footer; the view keeps the header frozen."""

    def __init__(self, out: IO[bytes], *, name: str, headers: Sequence[str], widths: Sequence[int],
                 title: str = "") -> None:
        self.zip = zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
        self.name = text(name)[:31]
        self.stream = self.zip.open("xl/worksheets/sheet1.xml", "w", force_zip64=True)
        self.rows = 0
        self.buffer: list[str] = []
        self.columns = len(headers)
        self.title = title
        self.header_row = 2 if title else 1
        first = f"A{self.header_row + 1}"
        cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths, 1))
        self._put(
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
            f'<sheetViews><sheetView workbookViewId="0"><pane ySplit="{self.header_row}" topLeftCell="{first}" '
            f'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="{first}" '
            f'sqref="{first}"/></sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>'
        )
        if title:
            self.rows += 1
            self._put(f'<row r="1" ht="30" customHeight="1"><c r="A1" t="inlineStr" s="{TITLE}"><is><t>'
                      f'{text(title)}</t></is></c></row>')
        self._row([f'<c t="inlineStr" s="{HEADER}"><is><t>{text(h)}</t></is></c>' for h in headers])

    def _put(self, chunk: str) -> None:
        self.buffer.append(chunk)
        if len(self.buffer) >= 2000:
            self._flush()

    def _flush(self) -> None:
        self.stream.write("".join(self.buffer).encode("utf-8"))
        self.buffer.clear()

    def _row(self, cells: list[str]) -> None:
        self.rows += 1
        self._put(f'<row r="{self.rows}">{"".join(cells)}</row>')

    def row(self, values: Sequence[Any], *, red: bool = False) -> None:
        """One data row: str → text, date → date cell, int/float → number, None or "" → empty."""
        plain, dated = (f' s="{RED}"', f' s="{RED_DATE}"') if red else ("", f' s="{DATE}"')
        cells = []
        for value in values:
            if value is None or value == "":
                cells.append(f"<c{plain}/>" if red else "<c/>")
            elif isinstance(value, str):
                cells.append(f'<c t="inlineStr"{plain}><is><t xml:space="preserve">{text(value)}</t></is></c>')
            elif isinstance(value, date):
                cells.append(f"<c{dated}><v>{value.toordinal() - EPOCH}</v></c>")
            elif isinstance(value, Percent):
                cells.append(f'<c s="{PERCENT}"><v>{float(value)}</v></c>')
            else:
                cells.append(f"<c{plain}><v>{value}</v></c>")
        self._row(cells)

    def close(self) -> None:
        merge = (f'<mergeCells count="1"><mergeCell ref="A1:{column_letters(self.columns)}1"/></mergeCells>'
                 if self.title and self.columns > 1 else "")
        self._put(f'</sheetData>{merge}<printOptions horizontalCentered="1"/>'
                  '<pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
                  '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
                  '<headerFooter><oddFooter>&amp;C第 &amp;P 页，共 &amp;N 页</oddFooter></headerFooter>'
                  '</worksheet>')
        self._flush()
        self.stream.close()
        self.zip.writestr("[Content_Types].xml", CONTENT_TYPES)
        self.zip.writestr("_rels/.rels", ROOT_RELS)
        self.zip.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        self.zip.writestr("xl/workbook.xml", WORKBOOK.format(name=self.name, header=self.header_row))
        self.zip.writestr("xl/styles.xml", STYLES)
        self.zip.close()
