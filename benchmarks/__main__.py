"""`python -m benchmarks [NAME...]`: run every benchmark module's main(), or only the named ones."""
from __future__ import annotations

import importlib
import sys

MODULES = ["segment", "extraction", "deadlines", "reminders", "dashboard"]


def main(argv: list[str]) -> int:
    for name in argv or MODULES:
        try:
            module = importlib.import_module(f"benchmarks.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"benchmarks.{name}":
                raise
            print(f"[{name}] not present, skipped")
            continue
        print(f"== {name} ==", flush=True)
        module.main()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
