"""Is the deployment able to work: the database answers and the Celery broker accepts a connection."""
from __future__ import annotations

import logging

from django.conf import settings
from django.db import DatabaseError, connection
from kombu import Connection

logger = logging.getLogger(__name__)

BROKER_TIMEOUT_SECONDS = 2


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.warning("health check: database unreachable", exc_info=True)
        return "error"
    return "ok"


def broker_status() -> str:
    """"eager" when tasks run in-process (no broker configured), else whether the broker answers."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    try:
        with Connection(
            settings.CELERY_BROKER_URL,
            connect_timeout=BROKER_TIMEOUT_SECONDS,
            transport_options={"socket_timeout": BROKER_TIMEOUT_SECONDS},
        ) as broker:
            broker.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)
    except Exception:  # kombu raises the transport's own errors (redis, amqp, socket)
        logger.warning("health check: broker unreachable", exc_info=True)
        return "error"
    return "ok"


def health_report() -> tuple[dict[str, str], bool]:
    """{"database": …, "broker": …} and whether everything is usable."""
    report = {"database": database_status(), "broker": broker_status()}
    return report, all(value in ("ok", "eager") for value in report.values())
