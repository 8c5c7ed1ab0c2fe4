"""Request and task ids in every log record, and the JSON log format that carries them.

`RequestIdMiddleware` sets the request id for the duration of a request; the
Celery signal handlers set the task id while a task runs. `ContextFilter`
copies both onto each record, so every log line from the web and the workers
can be traced to the request or task that produced it.
"""
import json
import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse

request_id_var: ContextVar[str] = ContextVar("request_id", default="")
task_id_var: ContextVar[str] = ContextVar("task_id", default="")

REQUEST_ID_HEADER = "X-Request-ID"
# An incoming id from a proxy is kept when it is short and plain; anything else is replaced.
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")


class RequestIdMiddleware:
    """Take the proxy's X-Request-ID or make one, expose it to logs, and echo it in the response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


class ContextFilter(logging.Filter):
    """Add `request_id` and `task_id` (empty outside a request or task) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        record.task_id = task_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
            "request_id": getattr(record, "request_id", ""),
            "task_id": getattr(record, "task_id", ""),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def task_id_bind(task_id: str | None = None, **_: object) -> None:
    """Celery task_prerun handler: tag the records of this task with its id."""
    task_id_var.set(task_id or "")


def task_id_clear(**_: object) -> None:
    """Celery task_postrun handler."""
    task_id_var.set("")


class ContentSecurityPolicyMiddleware:
    """Send the Content-Security-Policy of settings.SEOASSIST_CONTENT_SECURITY_POLICY.

    The setting maps directives to their sources; a response that already has
    the header keeps its own.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        from django.conf import settings

        self.get_response = get_response
        directives = settings.SEOASSIST_CONTENT_SECURITY_POLICY
        self.header = "; ".join(
            f"{name} {' '.join(sources)}".strip() for name, sources in directives.items()
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.header
        return response
