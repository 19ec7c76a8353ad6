"""Per-module mutation scores from `mutmut results --all true` (stdin), equivalent mutants set apart.

Usage: mutmut results --all true | python tools/mutation_score.py docs/mutation-equivalent.txt
The score is (killed + timeout) / (mutants checked − equivalent), as mutmut counts a timeout as killed;
timeouts are shown apart so that a loaded machine cannot hide behind them. Survivors not marked equivalent
are listed: each needs a test, or a line in the equivalent file with its reason.
"""
from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

LINE_RE = re.compile(r"^\s*(?P<name>[\w.]+__mutmut_\d+): (?P<status>.+?)\s*$")
MODULES = {
    "permissions": ("tracker.permissions.",),
    "state machine": ("tracker.transitions.", "tracker.services.lifecycle_office.",
                      "tracker.services.lifecycle_unit."),
    "querysets": ("tracker.querysets.",),
    "deadline grammar": ("parsing.deadlines.",),
}


def equivalents(path: Path) -> dict[str, str]:
    marked = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, reason = line.partition("#")
            marked[name.strip()] = reason.strip()
    return marked


def main() -> int:
    marked = equivalents(Path(sys.argv[1])) if len(sys.argv) > 1 else {}
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    open_survivors: list[str] = []
    for line in sys.stdin:
        match = LINE_RE.match(line)
        if not match:
            continue
        name, status = match["name"], match["status"]
        module = next((m for m, prefixes in MODULES.items() if name.startswith(prefixes)), None)
        if module is None:
            continue
        if status == "survived" and name in marked:
            status = "equivalent"
        elif status == "survived":
            open_survivors.append(name)
        counts[module][status] += 1
    print(f"{'module':18} {'checked':>8} {'killed':>7} {'timeout':>8} {'survived':>9} {'equiv.':>7} "
          f"{'unchecked':>10} {'score':>7}")
    for module in MODULES:
        c = counts[module]
        checked = c["killed"] + c["timeout"] + c["survived"] + c["equivalent"]
        scored = checked - c["equivalent"]
        score = f"{100 * (c['killed'] + c['timeout']) / scored:.1f}%" if scored else "–"
        print(f"{module:18} {checked:>8} {c['killed']:>7} {c['timeout']:>8} {c['survived']:>9} "
              f"{c['equivalent']:>7} {c['not checked'] + c['no tests']:>10} {score:>7}")
    for name in open_survivors:
        print("survived:", name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
