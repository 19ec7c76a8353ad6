#!/bin/sh
# systemd installs: run manage.py with the service's settings, e.g.
#   sudo -u tracker /srv/tracker/deploy/manage.sh createsuperuser
set -e
env_file="${TRACKER_ENV_FILE:-/etc/tracker/tracker.env}"
set -a
. "$env_file"
set +a
cd "$(dirname "$0")/.."
exec "${TRACKER_PYTHON:-.venv/bin/python}" manage.py "$@"
