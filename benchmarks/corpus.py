"""Parser accuracy on the web corpus (fixtures/corpus, hand labels in fixtures/expected/corpus), pure Python.

    python -m benchmarks.corpus [--split dev|holdout|holdout2|holdout3|holdout4|holdout5|all] [--holdout-dir DIR] [--failures N]
                                [--files txt,docx,pdf,html]

Prints directives found, tasks expected/matched/extra, recall, precision, exact unit sets and exact due dates —
overall, per province, per level and per format tag — then the failures as `id line: what`. With `--files`, each
text is also written as a Word file, a PDF and a saved web page (tests/renditions.py: automatic numbering, merged
cells, running headers, page numbers, navigation and a metadata block), read back through parsing/readers and scored
the same way: one row per file format. The sites stored only web text, so these files are renditions of the real
texts, not the originals. The holdout split is
read from `--holdout-dir` (same layout as the repository: corpus/<id>.txt, corpus/manifest.json,
expected/corpus/<id>.json) or, once it lands in the repository, from the entries marked split=holdout; holdout2
and holdout3 are a second and a third one, gathered later (split=holdout2, split=holdout3); holdout4 a fourth, holdout5 a fifth.

Matching (defined once here, used by tests/parsing/test_corpus.py): a labelled task matches the unused extracted
task on its line whose text starts like the label's `starts_with` (whitespace, bracket width and inserted pinyin
ignored), else the only unused task on that line, else an unused task anywhere whose text starts that way. Units
are compared as written, per role, as sets. Due dates are compared on tasks where the label or the parser has a
deadline: the sorted list of due dates must be equal.
"""
from __future__ import annotations

import argparse
import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parsing.departments import DepartmentDirectory
from parsing.extract import parse_gazette, parse_source
from parsing.readers import read_file
from parsing.results import ExtractedTask, ParsedDocument

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fixtures" / "corpus"
LABELS = ROOT / "fixtures" / "expected" / "corpus"

_SPACE = re.compile(r"\s+")
# Inserted pinyin of big5-gateway mirrors: 關(guān)於 → 關於 (lower-case Latin letters with tone marks in brackets).
_PINYIN = re.compile(r"\([a-zü\u00e0-\u01dc\u0300-\u036f]{1,8}\)")
_WIDTH = str.maketrans("（）［］【】：；，", "()[][]:;,")


def norm(text: str) -> str:
    """Comparable form: no whitespace, half-width brackets and punctuation, no inserted pinyin."""
    return _PINYIN.sub("", _SPACE.sub("", text).translate(_WIDTH))


@dataclass(frozen=True)
class Directive:
    """One corpus file: its manifest entry, its text and its label (None when not labelled)."""

    entry: dict[str, Any]
    text: str
    label: dict[str, Any] | None

    @property
    def id(self) -> str:
        return str(self.entry["id"])


def load_manifest(corpus_dir: Path) -> list[dict[str, Any]]:
    path = corpus_dir / "manifest.json"
    return json.loads(path.read_text("utf-8"))["directives"] if path.exists() else []


def load(split: str = "dev", holdout_dir: Path | None = None) -> list[Directive]:
    """The directives of a split ("dev", "holdout", "holdout2", "holdout3", "holdout4", "holdout5" or "all") with their texts and labels."""
    sources = [(CORPUS, LABELS)]
    if holdout_dir is not None:
        sources.append((holdout_dir / "corpus", holdout_dir / "expected" / "corpus"))
    seen: set[str] = set()
    out = []
    for corpus_dir, label_dir in sources:
        for entry in load_manifest(corpus_dir):
            if entry["id"] in seen or (split != "all" and entry["split"] != split):
                continue
            seen.add(entry["id"])
            label_path = label_dir / f"{entry['id']}.json"
            label = json.loads(label_path.read_text("utf-8")) if label_path.exists() else None
            out.append(Directive(entry, (corpus_dir / entry["file"]).read_text("utf-8"), label))
    return out


def default_directory() -> DepartmentDirectory:
    return DepartmentDirectory.from_entries(json.loads((ROOT / "fixtures" / "departments.json").read_text("utf-8")))


@dataclass
class Score:
    """Counts for one directive, or summed over many."""

    directives: int = 0
    found: int = 0
    expected: int = 0
    extracted: int = 0
    matched: int = 0
    units_exact: int = 0
    dated: int = 0  # matched tasks where the label or the parser has a deadline
    dues_exact: int = 0
    failures: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for name in ("directives", "found", "expected", "extracted", "matched", "units_exact", "dated", "dues_exact"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.failures.extend(other.failures)

    def _rate(self, part: str, whole: str) -> float:
        """part/whole, 1.0 when nothing was to be counted."""
        return getattr(self, part) / getattr(self, whole) if getattr(self, whole) else 1.0

    recall = property(lambda self: self._rate("matched", "expected"))
    precision = property(lambda self: self._rate("matched", "extracted"))
    units = property(lambda self: self._rate("units_exact", "matched"))
    dues = property(lambda self: self._rate("dues_exact", "dated"))
    found_rate = property(lambda self: self._rate("found", "directives"))


# A leading item number: 一、 (一) 1. 1、 1﹒ (1) ① 第一条 一是 一要 #1.
_MARKER = re.compile(r"^(?:[一二三四五六七八九十]+[、是要]|\(?[一二三四五六七八九十\d]{1,3}\)|\d{1,3}[.、．﹒]|[①-⑳]"
                     r"|第[一二三四五六七八九十百]+[条项]|#\d+)")


def _body(text: str) -> str:
    return _MARKER.sub("", norm(text))


def _starts(task: ExtractedTask, starts_with: str) -> bool:
    want = _body(starts_with)[:8]
    have = _body(task.text)
    return bool(want) and (have.startswith(want) or want in have[: len(want) + 8])


def match_tasks(
    expected: list[dict[str, Any]], extracted: list[ExtractedTask], *, by_line: bool = True,
) -> list[ExtractedTask | None]:
    """For each labelled task, the extracted task it matches (or None); each extracted task is used once.
    `by_line=False` for a rendition, whose lines are not the text's: the task's opening words alone decide."""
    used: set[int] = set()
    out: list[ExtractedTask | None] = []
    for want in expected:
        on_line = [t for t in extracted if by_line and t.line == want["line"] and id(t) not in used]
        pick = next((t for t in on_line if _starts(t, want["starts_with"])), None)
        if pick is None and len(on_line) == 1:
            pick = on_line[0]
        if pick is None:
            pick = next((t for t in extracted if id(t) not in used and _starts(t, want["starts_with"])), None)
        if pick is not None:
            used.add(id(pick))
        out.append(pick)
    return out


_BOOK_MARKS = str.maketrans("", "", "《》〈〉")  # a title cited inside a title loses them in many copies


def _title_matches(doc: ParsedDocument, title: str) -> bool:
    have, want = norm(doc.title).translate(_BOOK_MARKS), norm(title).translate(_BOOK_MARKS)
    return bool(have) and (have in want or want in have)


def _units(mentions: Iterable[Any]) -> set[str]:
    return {norm(m.as_written) for m in mentions}


def score(directive: Directive, documents: list[ParsedDocument], *, by_line: bool = True) -> Score:
    """Compare the parser's documents for one file with the file's label."""
    label = directive.label or {"directive": {"title": ""}, "tasks": []}
    result = Score(directives=1)
    title = label["directive"]["title"]
    if title:
        result.found = int(any(_title_matches(d, title) for d in documents))
    else:
        result.found = int(bool(documents))
    if not result.found:
        result.failures.append(f"{directive.id}: directive not found ({title or 'untitled'})")
    extracted = [t for d in documents for t in d.tasks]
    expected = label["tasks"]
    result.expected, result.extracted = len(expected), len(extracted)
    matches = match_tasks(expected, extracted, by_line=by_line)
    for want, got in zip(expected, matches, strict=True):
        where = f"{directive.id} {want['line']}"
        if got is None:
            result.failures.append(f"{where}: missed {want['ref']} ({want['starts_with']})")
            continue
        result.matched += 1
        lead, support = _units(got.lead_units), _units(got.support_units)
        want_lead, want_support = {norm(u) for u in want["lead"]}, {norm(u) for u in want["support"]}
        if (lead, support) == (want_lead, want_support):
            result.units_exact += 1
        else:
            result.failures.append(
                f"{where}: units lead -{sorted(want_lead - lead)} +{sorted(lead - want_lead)}"
                f" support -{sorted(want_support - support)} +{sorted(support - want_support)}"
            )
        want_dues = sorted(str(d["due"]) for d in want["deadlines"])
        got_dues = sorted(str(d.due.isoformat() if d.due else None) for d in got.deadlines)
        if want_dues or got_dues:
            result.dated += 1
            if want_dues == got_dues:
                result.dues_exact += 1
            else:
                result.failures.append(f"{where}: due {want_dues} got {got_dues}")
    used = {id(t) for t in matches if t is not None}
    for t in extracted:
        if id(t) not in used:
            result.failures.append(f"{directive.id} {t.line}: extra {t.ref} ({norm(t.text)[:12]})")
    return result


def _rendition(text: str, fmt: str) -> bytes:
    """The directive's text written as a file of format `fmt` (the test suite's writers; dev extras)."""
    from tests.renditions import blocks, docx_bytes, html_bytes, pdf_bytes

    parts = blocks(text)
    first = next((p.text for p in parts if getattr(p, "text", "")), "通知")
    writers = {"docx": lambda: docx_bytes(parts), "pdf": lambda: pdf_bytes(parts),
               "html": lambda: html_bytes(parts, title=first)}
    return writers[fmt]()


def parse_file(directive: Directive, fmt: str, directory: DepartmentDirectory) -> list[ParsedDocument]:
    """The parser's documents for one corpus text, read as it is (txt) or from a rendition of it."""
    if fmt == "txt":
        return parse_gazette(directive.text, file=directive.entry["file"], directory=directory)
    name = f"{directive.id}.{fmt}"
    return parse_source(read_file(_rendition(directive.text, fmt), name=name), file=name, directory=directory)


def evaluate(
    directives: list[Directive], directory: DepartmentDirectory | None = None, files: Iterable[str] = (),
) -> tuple[Score, dict[str, dict[str, Score]]]:
    """The total score (on the texts) and the scores per province, level, format tag (tasks only), directive,
    and per file format for each of `files` (txt, docx, pdf, html)."""
    directory = directory or default_directory()
    total = Score()
    groups: dict[str, dict[str, Score]] = {"province": defaultdict(Score), "level": defaultdict(Score),
                                           "format": defaultdict(Score), "file": defaultdict(Score),
                                           "directive": {}}
    for directive in directives:
        if directive.label is None:
            continue
        for fmt in files:
            rendition = score(directive, parse_file(directive, fmt, directory), by_line=fmt == "txt")
            rendition.failures = [f"[{fmt}] {f}" for f in rendition.failures]
            groups["file"][fmt].add(rendition)
        documents = parse_file(directive, "txt", directory)
        result = score(directive, documents)
        total.add(result)
        groups["directive"][directive.id] = result
        groups["province"][directive.entry["province"]].add(result)
        groups["level"][directive.entry["level"]].add(result)
        for fmt in {t["format"] for t in directive.label["tasks"]}:
            part = Directive(directive.entry, directive.text,
                             {**directive.label, "tasks": [t for t in directive.label["tasks"] if t["format"] == fmt]})
            fmt_score = score(part, documents)
            fmt_score.extracted = fmt_score.matched  # extra tasks belong to no format: precision is overall only
            fmt_score.failures = []
            groups["format"][fmt].add(fmt_score)
    return total, groups


def _pad(name: str, width: int = 22) -> str:
    """Left-justify to a display width: CJK characters take two columns."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in name)
    return name + " " * max(width - used, 1)


def _row(name: str, s: Score) -> str:
    return (f"{_pad(name)}{s.found:3}/{s.directives:<3} {s.expected:5} {s.matched:5} {s.extracted - s.matched:5}"
            f"  {s.recall:6.1%} {s.precision:6.1%} {s.units:6.1%} {s.dues:6.1%}")


HEADER = f"{'':22}{'found':7} {'tasks':>5} {'match':>5} {'extra':>5}  {'recall':>6} {'prec.':>6} {'units':>6} {'dues':>6}"


def report(total: Score, groups: dict[str, dict[str, Score]], *, failures: int = 200) -> str:
    lines = [HEADER, _row("ALL", total)]
    for kind in ("province", "level", "format", "file"):
        if not groups.get(kind):
            continue
        lines += ["", f"-- per {kind}", HEADER]
        lines += [_row(name, s) for name, s in sorted(groups[kind].items())]
    lines += ["", f"-- failures ({len(total.failures)})"] + total.failures[:failures]
    for fmt, s in sorted(groups.get("file", {}).items()):
        if fmt != "txt":
            lines += ["", f"-- failures of the {fmt} renditions ({len(s.failures)})"] + s.failures[:failures]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.corpus", description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "holdout", "holdout2", "holdout3", "holdout4", "holdout5", "all"), default="dev")
    parser.add_argument("--holdout-dir", type=Path, default=None,
                        help="a directory holding corpus/ and expected/corpus/ outside the repository")
    parser.add_argument("--failures", type=int, default=200, help="how many failures to list")
    parser.add_argument("--files", default="", help="also score renditions: comma-separated txt,docx,pdf,html")
    args = parser.parse_args(argv)
    directives = load(args.split, args.holdout_dir)
    files = [f for f in args.files.split(",") if f]
    if unknown := set(files) - {"txt", "docx", "pdf", "html"}:
        parser.error(f"unknown file formats: {sorted(unknown)}")
    total, groups = evaluate(directives, files=files)
    print(f"corpus ({args.split}): {len(directives)} directives, {sum(1 for d in directives if d.label)} labelled")
    print(report(total, groups, failures=args.failures))


if __name__ == "__main__":
    main()
