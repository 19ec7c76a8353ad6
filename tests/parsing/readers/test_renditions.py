"""Every rendition of a directive gives the tasks its text gives (issue 11.7): the sample gazettes' labelled
directives and every file of fixtures/corpus/, written here as Word (automatic numbering, merged cells, header and
footer), PDF (running header, page numbers, ruled tables) and web page (navigation, the site's metadata table, footer, GBK).

Compared: each task's text (spaces and table pipes aside), lead and support units, and deadlines (text, due date);
and the directive's 文号, issuer and title.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from parsing.departments import DepartmentDirectory
from parsing.extract import parse_source
from parsing.readers import read_file
from parsing.results import ParsedDocument
from tests.renditions import Paragraph, Table, blocks, docx_bytes, html_bytes, pdf_bytes, plain_text

ROOT = Path(__file__).resolve().parents[3]
LABELLED = sorted((ROOT / "fixtures" / "expected" / "tasks").glob("*.json"))
# The dev split only: the holdout split is scored, never tuned to (`python -m benchmarks.corpus --split holdout
# --files txt,docx,pdf,html` reports its renditions).
CORPUS = sorted(ROOT / "fixtures" / "corpus" / e["file"]
                for e in json.loads((ROOT / "fixtures" / "corpus" / "manifest.json").read_text("utf-8"))["directives"]
                if e["split"] == "dev")


def _labelled_text(path: Path) -> str:
    label = json.loads(path.read_text("utf-8"))
    documents = json.loads((ROOT / "fixtures" / "expected" / "documents.json").read_text("utf-8"))["documents"]
    doc = next(d for d in documents if d["doc_number"] == label["doc_number"] and d["file"].startswith(label["file"]))
    lines = (ROOT / "fixtures" / "gazettes" / doc["file"]).read_text("utf-8").splitlines()
    return "\n".join(lines[doc["line_start"] - 1:doc["line_end"]])


CASES = [pytest.param(_labelled_text, p, id=p.stem.split("__")[-1]) for p in LABELLED] + [
    pytest.param(lambda p: p.read_text("utf-8"), p, id=p.stem) for p in CORPUS]


def _page_metadata(documents: list[ParsedDocument]) -> dict[str, str]:
    """The metadata table a government site prints above a directive, filled as the site fills it: from the
    directive itself (empty cells where it states nothing), the page put up some days after it was signed."""
    if len(documents) != 1:
        return {}
    doc = documents[0]
    signed = doc.issued_on
    return {"索 引 号": "000014349/2024-00012", "主题分类": "综合政务", "发布机构": doc.issuer, "文　　号": doc.doc_number,
            "成文日期": f"{signed.year}年{signed.month:02d}月{signed.day:02d}日" if signed else "",
            "发布日期": (signed + timedelta(days=6)).isoformat() if signed else "", "名　　称": doc.title}


WRITERS: dict[str, Callable[[list[Paragraph | Table], list[ParsedDocument]], bytes]] = {
    "docx": lambda parts, documents: docx_bytes(parts),
    "pdf": lambda parts, documents: pdf_bytes(parts),
    "html": lambda parts, documents: html_bytes(parts, title=documents[0].title if documents else "通知",
                                                metadata=_page_metadata(documents)),
}


@pytest.fixture(scope="module")
def directory() -> DepartmentDirectory:
    return DepartmentDirectory.from_entries(json.loads((ROOT / "fixtures" / "departments.json").read_text("utf-8")))


def _tasks(documents: list[ParsedDocument]) -> list[tuple[object, ...]]:
    return [
        (re.sub(r"[\s|]", "", t.text), sorted(u.name for u in t.lead_units), sorted(u.name for u in t.support_units),
         [(d.text, d.due) for d in t.deadlines])
        for doc in documents for t in doc.tasks
    ]


def _header(documents: list[ParsedDocument]) -> list[tuple[str, str, str]]:
    return [(d.doc_number, d.issuer, re.sub(r"\s", "", d.title)) for d in documents]


def test_the_corpus_is_picked_up():
    assert len(CASES) >= len(LABELLED) >= 8


@pytest.mark.parametrize("fmt", sorted(WRITERS))
@pytest.mark.parametrize(("load", "path"), CASES)
def test_rendition_gives_the_tasks_of_the_text(load: Callable[[Path], str], path: Path, fmt: str,
                                                directory: DepartmentDirectory):
    parts = blocks(load(path))
    text = read_file(plain_text(parts).encode("utf-8"), name="a.txt")
    expected = parse_source(text, file="a.txt", directory=directory)
    source = read_file(WRITERS[fmt](parts, expected), name=f"a.{fmt}")
    assert source.format == fmt
    got = parse_source(source, file=f"a.{fmt}", directory=directory)
    assert _header(got) == _header(expected)
    assert _tasks(got) == _tasks(expected)
