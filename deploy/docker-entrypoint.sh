#!/bin/sh
# web | worker | beat | any command (e.g. python manage.py createsuperuser).
set -e
case "$1" in
  web)
    # One web container: it applies migrations and refreshes the static volume nginx serves.
    # With several web replicas, run `python manage.py migrate` once yourself instead.
    python manage.py migrate --noinput
    python manage.py collectstatic --noinput --verbosity 0
    exec gunicorn --config deploy/gunicorn.conf.py config.wsgi
    ;;
  worker)
    exec celery -A config worker --loglevel INFO
    ;;
  beat)
    # Exactly one beat in the whole deployment: two would run every scan twice.
    exec celery -A config beat --loglevel INFO --schedule var/beat/celerybeat-schedule
    ;;
  *)
    exec "$@"
    ;;
esac
