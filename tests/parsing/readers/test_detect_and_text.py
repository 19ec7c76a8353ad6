"""Format detection by content, refusals that say what to do, and plain-text decoding (checks after decoding)."""
from __future__ import annotations

import io
import zipfile

import pytest

from parsing.readers import UnreadableFile, detect_format, read_file
from parsing.readers.text import decode

SAMPLE = "阳泉市人民政府办公室\n关于做好春耕工作的通知\n阳政办发〔2023〕5号\n各县区人民政府：\n一、做好春耕。\n"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def _zip(*names: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, b"<x/>")
    return out.getvalue()


def test_utf8_bom_utf16_and_gb18030_files_are_decoded():
    assert decode(SAMPLE.encode("utf-8"), name="a.txt") == (SAMPLE, "utf-8")
    assert decode(b"\xef\xbb\xbf" + SAMPLE.encode("utf-8"), name="b.txt") == (SAMPLE, "utf-8-sig")
    assert decode(SAMPLE.encode("gb18030"), name="c.txt") == (SAMPLE, "gb18030")
    assert decode(SAMPLE.encode("gbk"), name="d.txt") == (SAMPLE, "gb18030")
    assert decode(SAMPLE.encode("utf-16"), name="e.txt") == (SAMPLE, "utf-16")
    assert decode(SAMPLE.replace("\n", "\r\n").encode(), name="f.txt")[0] == SAMPLE


@pytest.mark.parametrize("data", [
    b"\xef\xbb\xbf" + "第一行\n第二行\n".encode() + b"\x00tail",  # issue 12.5: the BOM used to skip the NUL check
    "第一行\n第二行\n\x00".encode("utf-16"),
    "第一行\n第二行\n".encode() + b"\x00\x01\x02",
])
def test_a_nul_is_refused_whatever_the_encoding_with_its_line(data: bytes):
    with pytest.raises(UnreadableFile, match=r"「bad\.txt」.*二进制.*第 3 行"):
        read_file(data, name="bad.txt")


def test_a_huge_line_is_refused_with_its_number():
    with pytest.raises(UnreadableFile, match=r"「one\.txt」第 2 行过长"):
        read_file(("标题\n" + "字" * 60_000).encode(), name="one.txt")


@pytest.mark.parametrize(("data", "name", "says"), [
    (OLE2 + "WordDocument".encode("utf-16-le"), "通知.doc", "旧版 Word 格式.*另存为 .docx 或 PDF"),
    (OLE2 + "WordDocument".encode("utf-16-le"), "通知.wps", "WPS.*另存为 .docx 或 PDF"),
    (OLE2 + "Workbook".encode("utf-16-le"), "表.xls", "Excel"),
    (_zip("OFD.xml"), "通知.ofd", "OFD 版式文件.*PDF"),
    (_zip("xl/workbook.xml"), "表.xlsx", "Excel"),
    (_zip("a.txt"), "包.zip", "压缩包.*解压"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "扫描.png", "图片.*OCR"),
    (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "扫描.jpg", "图片.*OCR"),
    (b"{\\rtf1\\ansi hello}", "a.rtf", "RTF.*另存为"),
    (b"PK\x03\x04 not really a zip", "坏.docx", "损坏"),
    (b"", "空.txt", "空文件"),
])
def test_formats_not_read_are_refused_naming_the_file_and_what_to_do(data: bytes, name: str, says: str):
    with pytest.raises(UnreadableFile, match=f"「{name}」.*{says}"):
        read_file(data, name=name)


def test_format_is_detected_by_content_not_by_extension():
    page = b"<!DOCTYPE html><html><head><title>t</title></head><body><p>x</p></body></html>"
    assert detect_format(page, name="saved.txt") == "html"
    assert detect_format(b"%PDF-1.7\n...", name="x.docx") == "pdf"
    assert detect_format(SAMPLE.encode(), name="notice.html") == "txt"  # no markup: text, whatever the name
    assert detect_format(b"<p>\xe4\xb8\x80</p>", name="fragment.htm") == "html"  # a tie: the extension decides
    assert detect_format(_zip("word/document.xml"), name="a.bin") == "docx"
    assert detect_format(b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=x\r\n", name="a") == "html"
