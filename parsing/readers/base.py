"""What every reader shares: the refusal, the checks on decoded text, and building a SourceText from lines."""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

from ..results import SourceText

# Share of characters that may be control/unassigned/private-use before a text counts as binary.
MAX_NON_TEXT_RATIO = 0.01
# A line longer than this is no paragraph of a directive (a binary blob or a file without line breaks).
MAX_LINE_CHARS = 50_000
_ALLOWED_CONTROLS = frozenset("\t\n\r\x0c")


class UnreadableFile(ValueError):
    """The file cannot be read as a directive; the message (Chinese) names it, and the line or page if relevant."""


def _is_non_text(ch: str) -> bool:
    return ch == "\ufffd" or (ch not in _ALLOWED_CONTROLS and unicodedata.category(ch) in ("Cc", "Cn", "Co", "Cs"))


def check_text(text: str, *, name: str, where: Sequence[str] = ()) -> None:
    """Refuse decoded text that is empty, holds a NUL, is mostly control characters, or has an absurd line.

    Runs on the decoded text whatever the encoding (a UTF-8 file with a BOM or a UTF-16 file may hold a NUL too).
    `where[i]` names line i+1's place in the file ("第 3 页") when line numbers of the text mean nothing to the user.
    """
    if not text.strip():
        raise UnreadableFile(f"文件「{name}」是空文件（没有文字），未导入。")
    nul = text.find("\x00")
    if nul >= 0:
        raise UnreadableFile(
            f"文件「{name}」是二进制文件（{_place(text, nul, where)}含空字节），不是文本，未导入。")
    sample = text if len(text) <= 400_000 else text[:200_000] + text[-200_000:]
    if _has_suspect(sample) and sum(1 for ch in sample if _is_non_text(ch)) / len(sample) > MAX_NON_TEXT_RATIO:
        raise UnreadableFile(f"文件「{name}」含大量非文本字符，疑似二进制文件，未导入。")
    for number, line in enumerate(text.split("\n"), start=1):
        if len(line) > MAX_LINE_CHARS:
            place = where[number - 1] if number <= len(where) else f"第 {number} 行"
            raise UnreadableFile(
                f"文件「{name}」{place}过长（{len(line)} 字，超过 {MAX_LINE_CHARS} 字），不像公文文本，未导入。")


def _has_suspect(text: str) -> bool:
    """Any character outside the usual text ranges at all? (The per-character category scan is slow.)"""
    return any(_is_non_text(ch) for ch in set(text))


def _place(text: str, offset: int, where: Sequence[str]) -> str:
    number = text.count("\n", 0, offset) + 1
    return where[number - 1] if number <= len(where) else f"第 {number} 行"


def source_text(
    lines: Iterable[tuple[str, str]], *, fmt: str, encoding: str = "utf-8",
    metadata: Iterable[tuple[str, str]] = (),
) -> SourceText:
    """A SourceText from (line, origin) pairs; a line's own breaks are folded into spaces, empty lines dropped."""
    # str.splitlines() breaks at \v \f \x1c-\x1e \x85 \u2028 \u2029 too, and the parser numbers lines with it
    kept = [(" ".join(text.splitlines()).strip(), origin) for text, origin in lines]
    kept = [(text, origin) for text, origin in kept if text]
    return SourceText(
        text="\n".join(text for text, _ in kept), format=fmt, encoding=encoding,
        origins=tuple(origin for _, origin in kept), metadata=tuple(metadata),
    )
