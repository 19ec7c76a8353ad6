"""deploy/tracker.env.example: one file for compose, systemd and a shell, naming only real settings."""
from __future__ import annotations

import json
import re
import subprocess

from tests.deploy.conftest import DEPLOY, ROOT, env_lines, env_template


def test_a_shell_reads_the_template_as_compose_and_systemd_do(tmp_path):
    # Uncommented examples included: turning a login on must not break `set -a; . tracker.env`.
    expected = env_template(commented=True)
    env_file = tmp_path / "tracker.env"
    env_file.write_text("\n".join(env_lines(commented=True)) + "\n", encoding="utf-8")
    script = f"set -a; . {env_file}; python3 -c 'import json, os; print(json.dumps(dict(os.environ)))'"
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert {key: seen.get(key) for key in expected} == expected


def test_every_variable_is_one_the_settings_read_and_the_readme_lists():
    base = (ROOT / "config" / "settings" / "base.py").read_text(encoding="utf-8")
    read = set(re.findall(r'env(?:\.\w+)?\("([A-Z][A-Z0-9_]*)"', base))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    # read by compose or the settings module loader, not by base.py
    outside_settings = {"DJANGO_SETTINGS_MODULE", "POSTGRES_PASSWORD"}
    for key in env_template(commented=True):
        assert key in read or key in outside_settings or key.startswith("DJANGO_SECURE_"), key
        assert f"`{key}`" in readme, f"README lacks {key}"
    for key in read:
        assert re.search(rf"^{key}=", example, re.M), f".env.example lacks {key}"
        assert f"`{key}`" in readme, f"README lacks {key}"
    assert (DEPLOY / "tracker.env.example").read_text().count("DJANGO_SECRET_KEY=\n") == 1
