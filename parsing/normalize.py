"""Text normalisation that keeps every line's number: full/half width, OCR spacing, Chinese numerals."""
from __future__ import annotations

import re
from typing import Any, NamedTuple

from .results import SourceLine

# Full-width ASCII block (！..～) and the ideographic space map to their half-width forms; ① 〔〕 、 。 stay.
_WIDTH_TABLE = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20, 0xA0: 0x20}
_CJK = r"\u3400-\u9fff"
# OCR puts spaces between digits and CJK characters: "2023 年 4 月" → "2023年4月"
# Tabs are kept: they separate table cells ("4\t煤矿百万吨死亡率\t…").
DIGIT_CJK_SPACE_RE = re.compile(rf"(?<=[0-9]) +(?=[{_CJK}〕号])|(?<=[{_CJK}〔]) +(?=[0-9])")
# The same rule, fast: a pattern opening with a lookbehind is tried at every character; one opening with the space
# is tried only at spaces, and the characters around a run are checked in Python.
_SPACE_RUN_RE = re.compile(" +")
_DIGITS_ASCII = frozenset("0123456789")


def _digit_cjk_space(m: re.Match[str]) -> str:
    text, start, end = m.string, m.start(), m.end()
    before, after = text[start - 1] if start else "", text[end] if end < len(text) else ""
    if before in _DIGITS_ASCII and after and ("\u3400" <= after <= "\u9fff" or after in "〕号"):
        return ""
    if after in _DIGITS_ASCII and before and ("\u3400" <= before <= "\u9fff" or before == "〔"):
        return ""
    return m.group()


def drop_digit_cjk_spaces(text: str) -> str:
    """DIGIT_CJK_SPACE_RE.sub("", text), several times faster on CJK text."""
    return _SPACE_RUN_RE.sub(_digit_cjk_space, text) if " " in text else text


_FULL_WIDTH_RE = re.compile("[\uff01-\uff5e\u3000\xa0]")
_HALF = {chr(full): chr(half) for full, half in _WIDTH_TABLE.items()}


def half_width(text: str) -> str:
    """text.translate(_WIDTH_TABLE), char for char, but fast: str.translate with a dict walks every CJK char
    through Python lookups; replacing only the few distinct full-width chars present is ~7x cheaper."""
    for ch in set(_FULL_WIDTH_RE.findall(text)):
        text = text.replace(ch, _HALF[ch])
    return text


def normalize_line(text: str) -> str:
    """One line: half-width ASCII, no OCR spaces around numbers, trimmed."""
    text = half_width(text)
    text = drop_digit_cjk_spaces(text)
    return text.strip()


# Markdown left by the OCR export: headings (#), list bullets (- , * ), bold (**), table pipes at the edges.
_MARKUP_RE = re.compile(r"^(?:#{1,6}\s+|[-*+]\s+(?!\d+\s*[-—]$))+")


_MARKUP_FIRST = frozenset("#-*+")


def strip_markup(text: str) -> str:
    """"## 关于……的通知" → "关于……的通知"; "- （一）…" → "（一）…"; "**要求：**" → "要求：". Page marks like "- 12 -" stay."""
    if text[:1] in _MARKUP_FIRST:  # most lines carry no markup: skip the regex
        text = _MARKUP_RE.sub("", text)
    if "*" in text:
        text = text.replace("**", "")
    return text.strip()


def source_lines(text: str) -> list[SourceLine]:
    """Every non-empty line of a file, normalised, with its 1-based number in the original.

    Same result as normalize_line on each line, done once over the whole text (neither the width table nor
    the space rule touches a line break), which is several times cheaper than line by line."""
    text = drop_digit_cjk_spaces(half_width(text))
    return [SourceLine(number, line) for number, raw in enumerate(text.splitlines(), start=1) if (line := raw.strip())]


_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "O": 0, "o": 0, "0": 0, "1": 1, "2": 2, "3": 3, "4": 4, "5": 5,
           "6": 6, "7": 7, "8": 8, "9": 9, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
           "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}


def chinese_to_int(text: str) -> int | None:
    """二〇二三 → 2023 (digit by digit), 十二 → 12, 二十五 → 25; None when it is not a numeral."""
    known = _SMALL_NUMERALS.get(text)
    if known is not None:
        return known  # the numerals of outline markers and dates (一 … 九十九), looked up
    return _chinese_to_int(text)


def _chinese_to_int(text: str) -> int | None:
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if all(ch in _DIGITS for ch in text):
        return int("".join(str(_DIGITS[ch]) for ch in text))
    total, current = 0, 0
    for ch in text:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        elif ch in _UNITS:
            total += (current or 1) * _UNITS[ch]
            current = 0
        else:
            return None
    return total + current


def _small_numeral(n: int) -> str:
    digits = "一二三四五六七八九"
    if n < 10:
        return digits[n - 1]
    return ("" if n < 20 else digits[n // 10 - 1]) + "十" + (digits[n % 10 - 1] if n % 10 else "")


_SMALL_NUMERALS = {_small_numeral(n): n for n in range(1, 100)}


# --- traditional characters and noisy mirrors -----------------------------------------------------------------------
# Pages mirrored by content farms insert pinyin after characters ("關(guān)於") and stray format characters; some
# directives are published in traditional characters. The parser reads simplified text: `for_parsing` converts
# (OpenCC, t2s) character for character, so every line keeps its number AND its length, and `as_written` maps a
# span of the parsed text back to the characters the file uses.

TRADITIONAL_SHARE = 0.02  # share of sampled CJK characters OpenCC changes before a text counts as traditional
DETECT_SAMPLE = 3_000  # characters sampled (start, middle, end): simplified text pays one small conversion
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
# Pinyin inserted after a character: a tone mark makes it pinyin, not an abbreviation in brackets.
# The brackets may be cut from their character by a line break (a PDF line, a wrapped page): the break is kept.
INSERTED_PINYIN_RE = re.compile(
    rf"(?<=[\u3400-\u9fff])(\s*)[(（]\s*[a-zü{_TONED}]*[{_TONED}][a-zü{_TONED}]*\s*[)）]"
)
# Zero-width and other format characters, soft hyphens, private-use glyphs: invisible or meaningless in text.
STRAY_RE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\ue000-\uf8ff]")
# What any inserted pinyin contains: scanning for it first spares the full pattern on ordinary text.
PINYIN_HINT_RE = re.compile(f"[{_TONED}]")
_NOISE_HINT_RE = re.compile(PINYIN_HINT_RE.pattern[:-1] + STRAY_RE.pattern[1:])
_CJK_CHAR_RE = re.compile(r"[\u3400-\u9fff]")


class Cleaned(NamedTuple):
    """`text` is what the parser reads; `written` is the file's text with the same noise removed, line for line and
    character for character aligned with `text` (equal line count, equal line lengths)."""

    text: str
    written: str
    converted: bool  # traditional characters were converted


def _converter() -> Any:
    global _OPENCC
    if _OPENCC is None:
        import opencc  # the C++ OpenCC library's own binding

        _OPENCC = opencc.OpenCC("t2s")
    return _OPENCC


_OPENCC: Any = None


# Characters of the commonest words of a directive that exist only in traditional writing (關於, 發展, 單位, 縣, 區,
# 會議, 時間, 實施, 國家, 們, 個, 這): a text with none of them is simplified, and needs no conversion.
TRADITIONAL_HINTS = 5
TRADITIONAL_HINT_RE = re.compile("[關於發單縣區會時實國們個這與為來對後業責務辦廳員現經進應開達將傳與產記設計協調導處財]")


def is_traditional(text: str) -> bool:
    """Whether OpenCC's t2s changes at least TRADITIONAL_SHARE of the CJK characters of a sample of `text`."""
    if len(TRADITIONAL_HINT_RE.findall(text, 0, 20_000)) < TRADITIONAL_HINTS:
        return False  # the common case, told by one scan without converting anything (OCR leaves a stray 發)
    if len(text) > DETECT_SAMPLE:
        third = DETECT_SAMPLE // 3
        middle = len(text) // 2
        text = text[:third] + text[middle:middle + third] + text[-third:]
    cjk = len(_CJK_CHAR_RE.findall(text))
    if cjk == 0:
        return False
    converted = _converter().convert(text)
    changed = sum(map(str.__ne__, text, converted)) if len(converted) == len(text) else cjk
    return changed / cjk >= TRADITIONAL_SHARE


def _simplified_line(line: str) -> str:
    converter = _converter()
    out = converter.convert(line)
    if len(out) == len(line):
        return str(out)
    # a phrase changed length: convert character by character, keeping any that would not stay one character
    return "".join(c if len(c := converter.convert(ch)) == 1 else ch for ch in line)


def to_simplified(text: str) -> str:
    """`text` in simplified characters, each line keeping its length."""
    return "\n".join(_simplified_line(line) for line in text.split("\n"))


def for_parsing(text: str) -> Cleaned | None:
    """The text the parser should read, or None when `text` needs nothing (simplified, no inserted pinyin, no stray
    characters) — the common case, which costs one sample conversion and two regex scans."""
    hint = _NOISE_HINT_RE.search(text)  # one scan for a tone mark or a stray character: ordinary text has neither
    noisy = hint is not None and (INSERTED_PINYIN_RE.search(text, max(0, hint.start() - 12))
                                  is not None or STRAY_RE.search(text, hint.start()) is not None)
    traditional = is_traditional(text)
    if not noisy and not traditional:
        return None
    written = STRAY_RE.sub("", INSERTED_PINYIN_RE.sub(r"\1", text)) if noisy else text
    if not traditional:
        return Cleaned(written, written, False)
    return Cleaned(to_simplified(written), written, True)


ANCHOR_CHARS = 4  # leading characters of a parsed piece looked up verbatim to start its alignment
ALIGN_WINDOW = 80  # characters the parsed text may skip (markers, spaces) before the next matching one


def as_written(parsed: str, *, source: str, written: str) -> str:
    """`parsed` (a piece of the parser's output, taken from `source`) in the characters of `written`, the file's own.

    `source` and `written` are aligned character for character (Cleaned.text and Cleaned.written over the same
    lines); each character of `parsed` is found in `source` in order, and where the file writes it differently
    (a traditional character) the file's character is used. What cannot be aligned is kept as parsed."""
    source = half_width(source)
    out = []
    # a task starting mid-line ("…;六是…" on a line of ten): align from where its first characters stand, or the
    # window would pair them with the same characters of an earlier task on the line
    j = max(source.find(parsed[:ANCHOR_CHARS]), 0) if len(parsed) >= ANCHOR_CHARS else 0
    for ch in parsed:
        k = source.find(ch, j, j + ALIGN_WINDOW)
        if k < 0:
            out.append(ch)
            continue
        out.append(written[k] if written[k] != source[k] and _CJK_CHAR_RE.match(written[k]) else ch)
        j = k + 1
    return "".join(out)
