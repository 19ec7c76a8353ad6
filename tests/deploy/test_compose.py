"""deploy/docker-compose.yml and the Dockerfile, checked without a Docker engine."""
from __future__ import annotations

import re

import yaml

from tests.deploy.conftest import DEPLOY, ROOT

SERVICES = {"web", "worker", "beat", "db", "redis", "nginx"}


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text(encoding="utf-8"))


def command(service: dict) -> str:
    value = service.get("command", "")
    return " ".join(value) if isinstance(value, list) else value


def test_compose_names_the_six_services():
    assert set(compose()["services"]) == SERVICES


def test_exactly_one_beat_and_no_worker_embeds_one():
    services = compose()["services"]
    entrypoint = (DEPLOY / "docker-entrypoint.sh").read_text()
    # the entrypoint starts beat for the "beat" command only
    assert re.findall(r"^\s*(\w+)\)\s*$", entrypoint, re.M) == ["web", "worker", "beat"]
    assert "celery -A config beat" in entrypoint.split("beat)")[1]
    assert [name for name, s in services.items() if command(s) == "beat"] == ["beat"]
    assert services["beat"]["deploy"]["replicas"] == 1
    worker_line = next(line for line in entrypoint.splitlines() if "celery -A config worker" in line)
    assert " -B" not in worker_line and "--beat" not in worker_line


def test_uploads_are_mounted_in_the_app_never_in_nginx():
    services = compose()["services"]
    mounts = {name: [v.split(":")[0] for v in s.get("volumes", [])] for name, s in services.items()}
    assert "media" in mounts["web"] and "media" in mounts["worker"]
    assert "media" not in mounts["nginx"] and "static" in mounts["nginx"]
    web_media = next(v for v in services["web"]["volumes"] if v.startswith("media:"))
    assert web_media.split(":")[1] == services["web"]["environment"]["MEDIA_ROOT"]


def test_only_nginx_is_published_and_the_app_reaches_db_and_redis_by_service_name():
    services = compose()["services"]
    assert [name for name, s in services.items() if s.get("ports")] == ["nginx"]
    assert set(services["nginx"]["ports"]) == {"80:80", "443:443"}
    env = services["web"]["environment"]
    assert "@db:5432/" in env["DATABASE_URL"] and env["REDIS_URL"].startswith("redis://redis:6379/")
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["db"]["condition"] == "service_healthy"
        assert services[name]["env_file"] == ".env"


def test_dockerfile_runs_gunicorn_as_a_non_root_user_on_python_311_slim():
    lines = [line.strip() for line in (DEPLOY / "Dockerfile").read_text().splitlines()]
    froms = [line.split()[1] for line in lines if line.startswith("FROM ")]
    assert froms and all(f.startswith("python:3.11-slim") for f in froms)
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    assert any(line.startswith("HEALTHCHECK") for line in lines) and "/healthz" in (DEPLOY / "Dockerfile").read_text()
    assert "exec gunicorn --config deploy/gunicorn.conf.py config.wsgi" in (DEPLOY / "docker-entrypoint.sh").read_text()
    # everything the Dockerfile copies exists and is not excluded from the build context
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines() if line and not line.startswith("#")}
    for line in lines:
        if line.startswith("COPY ") and "--from" not in line:
            for source in line.split()[1:-1]:
                assert (ROOT / source).exists(), source
                assert source not in ignored, source
