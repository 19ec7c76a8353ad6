"""Readers: a file's bytes → SourceText (the text line numbers refer to, each line's origin, the container's
metadata). The format is detected by content (magic bytes, the parts of a zip, the start of a page); the file name's
extension only breaks ties. Legacy and national formats, images and archives are refused with a message saying
what to do. Pure Python: no Django.
"""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePath

from ..results import SourceText
from .base import UnreadableFile

__all__ = ["FORMATS", "UnreadableFile", "detect_format", "read_file"]

FORMATS = ("txt", "docx", "pdf", "html")
FORMAT_LABELS = {"txt": "文本", "docx": "Word（.docx）", "pdf": "PDF", "html": "网页"}

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF87a", "GIF"), (b"GIF89a", "GIF"),
    (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF"),
)
ARCHIVE_MAGIC = (b"\x1f\x8b", b"7z\xbc\xaf\x27\x1c", b"Rar!\x1a\x07", b"BZh")
HTML_START_RE = re.compile(rb"<(?:!doctype\s+html|html|head|body|meta|title)\b", re.IGNORECASE)
MHTML_RE = re.compile(rb"^(?:[\w-]+:[^\n]*\r?\n)*?content-type:\s*multipart/related", re.IGNORECASE)
HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml"}

SAVE_AS = "请另存为 .docx 或 PDF 后再导入"


def _refuse(name: str, what: str, advice: str = SAVE_AS) -> UnreadableFile:
    return UnreadableFile(f"文件「{name}」是{what}，{advice}。")


def _zip_format(data: bytes, name: str, suffix: str) -> str:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise UnreadableFile(f"文件「{name}」是损坏的压缩文件（或 Word 文档），无法读取，未导入。") from error
    if "word/document.xml" in names:
        return "docx"
    if "OFD.xml" in names or suffix == ".ofd":
        raise _refuse(name, "OFD 版式文件", "请用版式阅读器另存为带文字层的 PDF 或 .docx 后再导入")
    if "xl/workbook.xml" in names:
        raise _refuse(name, "Excel 表格，不是公文", "请导入公文本身（Word、PDF、网页或文本）；任务分解表请放在公文中")
    if "ppt/presentation.xml" in names:
        raise _refuse(name, "PowerPoint 演示文稿，不是公文", "请导入公文本身（Word、PDF、网页或文本）")
    if "content.xml" in names and "mimetype" in names:
        raise _refuse(name, "OpenDocument（ODF）文档")
    raise _refuse(name, "压缩包", "请解压后逐个导入其中的公文")


def _ole2_format(data: bytes, name: str, suffix: str) -> str:
    """Old Office files are OLE2 compound files; their stream names (UTF-16) say which program wrote them."""
    if suffix in (".wps", ".wpt"):
        raise _refuse(name, "WPS 文字旧格式（.wps）", "请在 WPS 中另存为 .docx 或 PDF 后再导入")
    if "Workbook".encode("utf-16-le") in data or suffix in (".xls", ".et"):
        raise _refuse(name, "旧版 Excel 表格（.xls），不是公文", "请导入公文本身（Word、PDF、网页或文本）")
    if "PowerPoint Document".encode("utf-16-le") in data:
        raise _refuse(name, "旧版 PowerPoint 演示文稿，不是公文", "请导入公文本身（Word、PDF、网页或文本）")
    raise _refuse(name, "旧版 Word 格式（.doc）", "请在 Word 或 WPS 中另存为 .docx 或 PDF 后再导入")


def detect_format(data: bytes, *, name: str) -> str:
    """One of FORMATS; raises UnreadableFile (naming the file and what to do) for every format not read."""
    suffix = PurePath(name).suffix.lower()
    head = data[:4096]
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_format(data, name, suffix)
    if head.startswith(OLE2_MAGIC):
        return _ole2_format(data, name, suffix)
    image = next((kind for magic, kind in IMAGE_MAGIC if head.startswith(magic)), None)
    if image is None and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        image = "WEBP"
    if image is not None:
        raise _refuse(name, f"图片（{image}），不是可导入的公文",
                      "扫描件请先做文字识别（OCR），导出文字或带文字层的 PDF 后再导入")
    if head.startswith(ARCHIVE_MAGIC):
        raise _refuse(name, "压缩包", "请解压后逐个导入其中的公文")
    if head.startswith(b"{\\rtf"):
        raise _refuse(name, "RTF 格式")
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if MHTML_RE.match(stripped):
        return "html"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: look at the page start in its own encoding
        stripped = head.decode("utf-16", errors="ignore").lstrip("\ufeff \t\r\n").encode("ascii", errors="ignore")
    if stripped.startswith(b"<") and HTML_START_RE.search(stripped):
        return "html"
    if suffix in HTML_SUFFIXES and b"<" in head and b">" in head:
        return "html"
    return "txt"


def read_file(data: bytes, *, name: str) -> SourceText:
    """Read any supported file into a SourceText; raises UnreadableFile (Chinese, naming the file) otherwise."""
    fmt = detect_format(data, name=name)
    if fmt == "docx":
        from . import docx as reader
    elif fmt == "pdf":
        from . import pdf as reader
    elif fmt == "html":
        from . import html as reader
    else:
        from . import text as reader
    return reader.read(data, name=name)
