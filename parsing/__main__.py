"""`python -m parsing extract PATH... --json` (text, Word, PDF, web pages: detected by content) and
`python -m parsing deadlines` (stdin: ISO date TAB text)."""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from .departments import DepartmentDirectory
from .extract import deadline_json, document_json, parse_source
from .readers import UnreadableFile, read_file

DEFAULT_DIRECTORY = Path(__file__).resolve().parent.parent / "fixtures" / "departments.json"


def _load_directory(path: Path) -> DepartmentDirectory:
    if not path.exists():
        return DepartmentDirectory.from_entries([])
    return DepartmentDirectory.from_entries(json.loads(path.read_text(encoding="utf-8")))


def _cmd_extract(args: argparse.Namespace) -> int:
    directory = _load_directory(Path(args.departments))
    documents = []
    failed = 0
    for name in args.paths:
        path = Path(name)
        # one bad file is reported; the others are still read (exit status 1 at the end)
        try:
            source = read_file(path.read_bytes(), name=path.name)
        except OSError as error:
            print(f"{path}：无法读取（{error.strerror}）", file=sys.stderr)
            failed += 1
            continue
        except UnreadableFile as error:
            print(error, file=sys.stderr)
            failed += 1
            continue
        for doc in parse_source(source, file=path.name, directory=directory):
            documents.append({**document_json(doc), "format": source.format})
    json.dump({"documents": documents}, sys.stdout, ensure_ascii=False, indent=2 if args.json else None)
    sys.stdout.write("\n")
    return 1 if failed else 0


def _cmd_deadlines(args: argparse.Namespace) -> int:
    from .deadlines import extract_deadlines

    for number, raw in enumerate(sys.stdin, start=1):
        raw = raw.rstrip("\n")
        if not raw.strip():
            continue
        issued, sep, text = raw.partition("\t")
        try:
            issued_on = date.fromisoformat(issued.strip())
        except ValueError:
            print(f"stdin:{number}: expected YYYY-MM-DD<TAB>text", file=sys.stderr)
            return 2
        specs = extract_deadlines(text, issued_on=issued_on)
        print(json.dumps({"text": text, "deadlines": [deadline_json(s) for s in specs]}, ensure_ascii=False),
              flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m parsing")
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("extract", help="split files (txt, docx, pdf, html) into directives, tasks and deadlines")
    ex.add_argument("paths", nargs="+")
    ex.add_argument("--json", action="store_true", help="pretty-printed JSON (the output is JSON either way)")
    ex.add_argument("--departments", default=str(DEFAULT_DIRECTORY), help="department directory JSON")
    ex.set_defaults(func=_cmd_extract)
    dl = sub.add_parser("deadlines", help="read YYYY-MM-DD<TAB>text lines on stdin, print deadlines as JSON")
    dl.set_defaults(func=_cmd_deadlines)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
