"""Plain text: UTF-8 (with or without BOM), UTF-16 with BOM, GBK/GB18030."""
from __future__ import annotations

from collections.abc import Sequence

from ..results import SourceText
from .base import UnreadableFile, check_text

BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def decode(data: bytes, *, name: str) -> tuple[str, str]:
    """(text, encoding): the BOM's encoding, else UTF-8, else GB18030 (a superset of GBK and GB2312).

    Line breaks come out as "\\n" whatever the file used. Raises UnreadableFile naming the file, and for bytes that
    no encoding reads, the line of the first bad byte.
    """
    if not data.strip():
        raise UnreadableFile(f"文件「{name}」是空文件，未导入。")
    bom = next((encoding for mark, encoding in BOMS if data.startswith(mark)), None)
    candidates: Sequence[str] = (bom,) if bom else ("utf-8", "gb18030")
    if bom is None and b"\x00" in data:
        # No BOM: a NUL byte means binary (UTF-16 without BOM is not a text format anyone sends).
        line = data.count(b"\n", 0, data.find(b"\x00")) + 1
        raise UnreadableFile(f"文件「{name}」是二进制文件（第 {line} 行含空字节），不是文本，未导入。")
    furthest: UnicodeDecodeError | None = None
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as error:
            if furthest is None or error.start > furthest.start:
                furthest = error
            continue
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        return text, encoding
    assert furthest is not None
    line = data.count(b"\n", 0, furthest.start) + 1
    raise UnreadableFile(
        f"文件「{name}」第 {line} 行无法按 UTF-8 或 GB18030 解码（{' / '.join(candidates)}），未导入。")


def read(data: bytes, *, name: str) -> SourceText:
    """A text file as written: its lines are the lines line numbers refer to."""
    text, encoding = decode(data, name=name)
    check_text(text, name=name)
    return SourceText(text=text, format="txt", encoding=encoding)
