"""Gunicorn settings shared by both deployments.

Compose: gunicorn listens on web:8000 (reached only by nginx). systemd: the tracker-gunicorn.socket
unit hands gunicorn its socket (socket activation), and `bind` below is not used. Override anything
with GUNICORN_CMD_ARGS, e.g. GUNICORN_CMD_ARGS="--workers 8".
"""
bind = ["0.0.0.0:8000"]
workers = 3  # ~2 × cores + 1 on a 1-core VM; the Excel exports are the heavy requests
timeout = 120  # the 100,000-row ledger export
graceful_timeout = 30
max_requests = 1000  # recycle workers: bounds memory growth
max_requests_jitter = 100
accesslog = None  # nginx logs every request; Django's tracker.request logger adds user and request id
errorlog = "-"
# Gunicorn's own messages (boot, worker timeouts) as JSON lines too.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "json_ensure_ascii": False,  # Chinese stays readable in the log
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"}},
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # A logconfig_dict turns gunicorn's access log on whatever `accesslog` says: keep it off here.
        "gunicorn.access": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
