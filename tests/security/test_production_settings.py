"""config.settings.production: refuses unsafe settings, HTTPS by default, `check --deploy` clean with the
README's production variables. Each case starts Django in a subprocess with only the given environment.
Issue 12: production started with the development SECRET_KEY published in the repository."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = "config.settings.production"
KEY = "k3y-for-tests-only-" + "x7Qp9vR2mL4t" * 4
SHOW = ("import json, django; django.setup(); from django.conf import settings as s; print(json.dumps({n: "
        "getattr(s, n, None) for n in ('SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS',"
        " 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_PROXY_SSL_HEADER', 'DEBUG', 'ALLOWED_HOSTS')}))")


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**base, "DJANGO_SETTINGS_MODULE": SETTINGS, **env})


def readme_production_environment() -> dict[str, str]:
    """The variables of the README's production block, evaluated by the shell as an operator would."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Production settings", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    out = subprocess.run(["bash", "-c", f"{block}\nenv -0"], capture_output=True, text=True, check=True,
                         env={"PATH": path}).stdout
    exported = dict(line.split("=", 1) for line in out.split("\0") if "=" in line)
    names = re.findall(r"^export (\w+)=", block, re.M)
    return {name: exported[name] for name in names}


def test_check_deploy_is_clean_with_the_readme_production_variables():
    env = readme_production_environment()
    assert env["DJANGO_SETTINGS_MODULE"] == SETTINGS and len(env["DJANGO_SECRET_KEY"]) >= 50
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("key", [None, "dev-only-insecure-key-change-me"])
def test_production_refuses_the_development_secret_key(key):
    env = {"DJANGO_ALLOWED_HOSTS": "duban.example.gov.cn"} | ({"DJANGO_SECRET_KEY": key} if key else {})
    result = _run(["-c", SHOW], **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.parametrize("hosts", [None, "", "*", "duban.example.gov.cn,*"])
def test_production_refuses_empty_or_wildcard_allowed_hosts(hosts):
    env = {"DJANGO_SECRET_KEY": KEY} | ({"DJANGO_ALLOWED_HOSTS": hosts} if hosts is not None else {})
    result = _run(["-c", SHOW], **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_production_is_https_only_by_default_and_each_part_can_be_turned_off():
    result = _run(["-c", SHOW], DJANGO_SECRET_KEY=KEY, DJANGO_ALLOWED_HOSTS="duban.example.gov.cn")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values == {
        "SECURE_SSL_REDIRECT": True, "SECURE_HSTS_SECONDS": 31536000, "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"], "DEBUG": False,
        "ALLOWED_HOSTS": ["duban.example.gov.cn"],
    }
    result = _run(["-c", SHOW], DJANGO_SECRET_KEY=KEY, DJANGO_ALLOWED_HOSTS="duban.example.gov.cn",
                  DJANGO_SECURE_SSL_REDIRECT="false", DJANGO_SECURE_HSTS_SECONDS="0", DJANGO_SECURE_COOKIES="false")
    values = json.loads(result.stdout)
    assert (values["SECURE_SSL_REDIRECT"], values["SECURE_HSTS_SECONDS"], values["SESSION_COOKIE_SECURE"]) == (
        False, 0, False)
