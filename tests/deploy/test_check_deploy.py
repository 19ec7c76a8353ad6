"""The production settings that deploy/tracker.env.example sets pass `manage.py check --deploy`."""
from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys

from tests.deploy.conftest import ROOT, env_lines

GENERATED = ("DJANGO_SECRET_KEY", "POSTGRES_PASSWORD")


def clean_env() -> dict[str, str]:
    """This machine's environment without the settings the template is to decide."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_"))}


def run_manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**clean_env(), **env},
    )


def test_template_ships_no_secret(template):
    for key in GENERATED:
        assert template[key] == "", f"{key} must be generated per installation, never shipped"


def test_template_settings_pass_check_deploy(template):
    env = {**template, **{key: secrets.token_urlsafe(50) for key in GENERATED}}
    assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    result = run_manage(env, "check", "--deploy")
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    warnings = set(re.findall(r"\(([a-z_]+\.[WE]\d+)\)", output))
    assert warnings == set(), output
    # The parts the template controls are clean: key, hosts, debug, cookies.
    assert not warnings & {"security.W009", "security.W018", "security.W020", "security.W012", "security.W016"}


def test_production_refuses_to_start_with_the_secret_key_left_empty(template):
    result = run_manage({**template, "POSTGRES_PASSWORD": "x"}, "check", "--deploy")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is unset" in result.stdout + result.stderr


def test_template_values_reach_the_settings(template):
    env = {**template, **{k: secrets.token_urlsafe(50) for k in GENERATED}}
    script = ("import json, django; django.setup(); from django.conf import settings as s; "
              "print(json.dumps([s.UPLOAD_MAX_BYTES, str(s.MEDIA_ROOT), s.LOG_FORMAT, s.LOG_REQUESTS, s.SITE_URL, "
              "s.ALLOWED_HOSTS, s.CSRF_TRUSTED_ORIGINS, s.DEBUG, s.SESSION_COOKIE_SECURE, s.CELERY_TASK_ALWAYS_EAGER, "
              "s.AUTHENTICATION_BACKENDS]))")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env={**clean_env(), **env})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == [
        int(template["UPLOAD_MAX_BYTES"]), template["MEDIA_ROOT"], "json", True, template["SITE_URL"],
        ["duban.example.gov.cn"], ["https://duban.example.gov.cn"], False, True, False,
        ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]]


def test_manage_wrapper_of_the_systemd_path_runs_with_the_env_file(template, tmp_path):
    env_file = tmp_path / "tracker.env"
    lines = [f"{k}={secrets.token_urlsafe(50)}" if k in GENERATED else line
             for line in env_lines() for k in [line.partition("=")[0]]]
    env_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = subprocess.run(
        [str(ROOT / "deploy" / "manage.sh"), "check", "--deploy"], capture_output=True, text=True, timeout=120,
        env={**clean_env(), "TRACKER_ENV_FILE": str(env_file), "TRACKER_PYTHON": sys.executable},
    )
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "System check identified" in output, output
    assert set(re.findall(r"\(([a-z_]+\.[WE]\d+)\)", output)) == set()
