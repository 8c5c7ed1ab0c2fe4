"""Trend exports and a local HTTP server for the tracking tests."""
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager


def weekly_export(keyword: str, weeks: int, *, start_value: int = 10, step: int = 3) -> bytes:
    """Return a Google Trends weekly export for one keyword, in Japanese."""
    lines = [f"カテゴリ: すべてのカテゴリ\n\n週,{keyword}: (日本)\n"]
    for week in range(weeks):
        day = 7 + week * 7
        month, day_of_month = 1 + (day - 1) // 28, 1 + (day - 1) % 28
        lines.append(f"2024-{month:02d}-{day_of_month:02d},{min(100, start_value + step * week)}\n")
    return "".join(lines).encode("utf-8")


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, dict[str, str], bytes]] = {}

    def do_GET(self) -> None:  # noqa: N802 — the name http.server dispatches to
        status, headers, body = self.routes.get(self.path, (404, {}, b"not found"))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        return


@contextmanager
def local_server(routes: dict[str, tuple[int, dict[str, str], bytes]]) -> Iterator[str]:
    """Serve `routes` (path -> status, headers, body) on 127.0.0.1 and yield the base URL."""
    handler = type("Handler", (_Handler,), {"routes": routes})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
