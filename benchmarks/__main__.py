"""`python -m benchmarks [NAME...]`: run every benchmark module's main(), or only the named ones."""
from __future__ import annotations

import importlib
import subprocess
import sys

MODULES = ["segment", "extraction", "readers", "deadlines", "reminders", "dashboard", "workbench"]


def main(argv: list[str]) -> int:
    if not argv:
        # Each benchmark sets Django up on its own database: run each in its own process.
        return max(subprocess.run([sys.executable, "-m", "benchmarks", name]).returncode for name in MODULES)
    for name in argv:
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
