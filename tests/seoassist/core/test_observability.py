"""Request ids, task ids and JSON log lines; the Content-Security-Policy header."""
import json
import logging

import pytest

pytestmark = [pytest.mark.django_db]


def _json_line(record: logging.LogRecord) -> dict:
    from seoassist.core.observability import ContextFilter, JsonFormatter

    ContextFilter().filter(record)
    return json.loads(JsonFormatter().format(record))


class RequestIdTests:
    def test_response_carries_new_request_id(self, client):
        response = client.get("/health/")
        assert len(response["X-Request-ID"]) == 32

    def test_proxy_request_id_is_kept(self, client):
        response = client.get("/health/", headers={"X-Request-ID": "proxy-id-12345"})
        assert response["X-Request-ID"] == "proxy-id-12345"

    def test_unsafe_request_id_is_replaced(self, client):
        response = client.get("/health/", headers={"X-Request-ID": "bad id\nwith newline"})
        assert response["X-Request-ID"] != "bad id\nwith newline"
        assert len(response["X-Request-ID"]) == 32

    def test_log_records_inside_request_carry_its_id(self, rf):
        from django.http import HttpResponse

        from seoassist.core.observability import ContextFilter, JsonFormatter, RequestIdMiddleware

        lines: list[dict] = []

        class ListHandler(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                lines.append(json.loads(self.format(record)))

        handler = ListHandler()
        handler.addFilter(ContextFilter())
        handler.setFormatter(JsonFormatter())
        logger = logging.getLogger("seoassist.test.request")
        logger.addHandler(handler)

        def view(request):
            logger.warning("inside the request")
            return HttpResponse()

        try:
            RequestIdMiddleware(view)(rf.get("/", headers={"X-Request-ID": "trace-me-0001"}))
            logger.warning("after the request")
        finally:
            logger.removeHandler(handler)
        assert lines[0]["request_id"] == "trace-me-0001"
        assert lines[1]["request_id"] == ""


class JsonLogTests:
    def test_line_has_request_and_task_ids(self):
        from seoassist.core.observability import request_id_var, task_id_var

        request_token = request_id_var.set("req-1")
        task_token = task_id_var.set("task-1")
        try:
            record = logging.LogRecord("seoassist.x", logging.WARNING, __file__, 1,
                                       "run %s failed", (7,), None)
            line = _json_line(record)
        finally:
            request_id_var.reset(request_token)
            task_id_var.reset(task_token)
        assert line["message"] == "run 7 failed"
        assert line["request_id"] == "req-1"
        assert line["task_id"] == "task-1"
        assert line["level"] == "WARNING"

    def test_exception_is_included(self):
        try:
            raise ValueError("boom")
        except ValueError:
            import sys

            record = logging.LogRecord("seoassist.x", logging.ERROR, __file__, 1, "failed", (),
                                       sys.exc_info())
        assert "ValueError: boom" in _json_line(record)["exception"]


class ContentSecurityPolicyHeaderTests:
    def test_login_page_has_strict_policy(self, client):
        policy = client.get("/accounts/login/")["Content-Security-Policy"]
        for directive in ("script-src 'self'", "style-src 'self'", "object-src 'none'",
                          "frame-ancestors 'none'", "base-uri 'self'", "form-action 'self'"):
            assert directive in policy
