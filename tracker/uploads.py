"""Upload size limits, enforced before and while a request body is read (an interface concern: no rules here).

- RequestSizeLimitMiddleware: a request whose Content-Length passes UPLOAD_REQUEST_MAX_BYTES is answered 413 with a
  Chinese page before a byte of its body is read (nothing is written to a temporary file);
- RequestTotalUploadHandler (first in FILE_UPLOAD_HANDLERS): the same total counted while streaming, for a request
  that sent no Content-Length or a wrong one — the request fails as too big (400), no view sees a partial upload;
- directive_upload_handlers: the gazette upload streams every file to disk (never into memory) and skips, by name,
  a file passing DIRECTIVE_UPLOAD_MAX_BYTES; the view reports the skipped names.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, TemporaryFileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string

SKIPPED_ATTR = "_uploads_over_limit"


def megabytes(size: int) -> str:
    return str(filesizeformat(size)).replace("\xa0", " ")


def content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class RequestSizeLimitMiddleware:
    """413 for a request announcing more than UPLOAD_REQUEST_MAX_BYTES, before its body is read."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.UPLOAD_REQUEST_MAX_BYTES
        if content_length(request) > limit:
            html = render_to_string("tracker/upload_too_large.html", {
                "size": megabytes(content_length(request)), "limit": megabytes(limit),
            })
            response = HttpResponse(html, status=413)
            response["Connection"] = "close"  # the rest of the body is never read
            return response
        return self.get_response(request)


class RequestTotalUploadHandler(FileUploadHandler):
    """Counts the bytes of all files of one request; past UPLOAD_REQUEST_MAX_BYTES the request fails as too big."""

    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.total = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.total += len(raw_data)
        if self.total > settings.UPLOAD_REQUEST_MAX_BYTES:
            raise RequestDataTooBig(f"上传内容超过 {megabytes(settings.UPLOAD_REQUEST_MAX_BYTES)}")
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


class LimitedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Streams each file to a temporary file; a file passing `limit` bytes is dropped and its name recorded."""

    def __init__(self, request: Any = None, *, limit: int) -> None:
        super().__init__(request)
        self.limit = limit

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > self.limit:
            skipped = getattr(self.request, SKIPPED_ATTR, [])
            skipped.append(self.file_name)
            setattr(self.request, SKIPPED_ATTR, skipped)
            raise SkipFile
        return super().receive_data_chunk(raw_data, start)


def directive_upload_handlers(request: HttpRequest) -> list[FileUploadHandler]:
    """Handlers for the gazette upload: the request total, then every file to disk up to the per-file limit."""
    return [RequestTotalUploadHandler(request),
            LimitedTemporaryFileUploadHandler(request, limit=settings.DIRECTIVE_UPLOAD_MAX_BYTES)]


def skipped_uploads(request: HttpRequest) -> list[str]:
    """Names of the files dropped for passing the per-file limit (after request.FILES was read)."""
    return list(getattr(request, SKIPPED_ATTR, []))
