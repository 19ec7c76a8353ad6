"""Who and what a log line is about: the request (id, user, path) or the Celery task it was written in."""
from __future__ import annotations

import logging
from contextvars import ContextVar
from typing import Any

from celery import current_task

# Set by tracker.middleware.RequestLogMiddleware for the duration of one request.
request_context: ContextVar[dict[str, str] | None] = ContextVar("request_context", default=None)


class ContextFilter(logging.Filter):
    """Adds request_id/user/path, or task/task_id, as record attributes (the JSON formatter emits them)."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = request_context.get()
        if context:
            for key, value in context.items():
                setattr(record, key, value)
        task: Any = current_task
        if task and getattr(task.request, "id", None):
            record.task = task.name
            record.task_id = task.request.id
        return True
