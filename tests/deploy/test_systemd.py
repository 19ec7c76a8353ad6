"""deploy/systemd: the alternative to compose, each unit parsed as an INI file."""
from __future__ import annotations

import configparser

from tests.deploy.conftest import DEPLOY

VENV_BIN = "/srv/tracker/.venv/bin/"
SERVICES = ["tracker-gunicorn.service", "tracker-worker.service", "tracker-beat.service"]


def unit(name: str) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser(strict=False)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read_string((DEPLOY / "systemd" / name).read_text(encoding="utf-8"))
    return parser


def test_every_unit_is_there():
    assert sorted(p.name for p in (DEPLOY / "systemd").iterdir()) == sorted([*SERVICES, "tracker-gunicorn.socket"])


def test_services_run_from_the_venv_as_the_tracker_user_with_the_env_file():
    for name in SERVICES:
        parsed = unit(name)
        assert parsed.sections() == ["Unit", "Service", "Install"], name
        service = parsed["Service"]
        assert service["ExecStart"].startswith(VENV_BIN), name
        assert (service["User"], service["WorkingDirectory"], service["EnvironmentFile"]) == (
            "tracker", "/srv/tracker", "/etc/tracker/tracker.env"), name
        assert service["Environment"] == "DJANGO_SETTINGS_MODULE=config.settings.production"
        assert parsed["Install"]["WantedBy"] == "multi-user.target"


def test_one_beat_unit_and_the_worker_does_not_embed_beat():
    starts = {name: unit(name)["Service"]["ExecStart"] for name in SERVICES}
    assert [name for name, start in starts.items() if " beat " in f"{start} "] == ["tracker-beat.service"]
    assert " -B" not in starts["tracker-worker.service"]
    assert starts["tracker-gunicorn.service"].endswith("--config /srv/tracker/deploy/gunicorn.conf.py config.wsgi")


def test_gunicorn_socket_is_where_nginx_looks():
    socket = unit("tracker-gunicorn.socket")
    assert socket.sections() == ["Unit", "Socket", "Install"]
    path = socket["Socket"]["ListenStream"]
    assert f"server unix:{path};" in (DEPLOY / "nginx" / "upstream-systemd.conf").read_text()
    assert unit("tracker-gunicorn.service")["Unit"]["Requires"] == "tracker-gunicorn.socket"
