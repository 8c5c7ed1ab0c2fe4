"""Drive the real app under gunicorn with many concurrent editors and print one JSON report.

The script creates (or reuses) a PostgreSQL database, migrates it, collects the
static files and creates a site with N editors who each own one draft. It starts
gunicorn on 127.0.0.1 with production settings (DEBUG off, WhiteNoise, JSON
logs), except that plain http is allowed, and runs N editor threads. Each editor
logs in (the editors start spread over the ramp-up time), then repeats until the
ramp-up time plus the given duration has passed: open the home page, the draft
list and its draft, save the draft, open the request form, submit keywords and
open the submitted request. Keyword requests go to the Redis broker; no worker
consumes them, and the script deletes the queued messages at the end.

Example::

    .venv/bin/python bench/load.py --editors 50 --duration 60 \\
        --database-url postgres://postgres@127.0.0.1:5432/seoassist_reliability \\
        --broker-url redis://127.0.0.1:6379/6

Latencies are measured from sending the request to reading the whole response,
per action, with http.client over one keep-alive connection per editor.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlparse

REPO_ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "load-test-pass-123"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KEYWORDS = ["花粉症 対策", "熱中症 予防", "hay fever", "紫外線 対策", "睡眠 質"]


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--editors", type=int, default=50, help="concurrent editors (threads)")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load per editor")
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/seoassist_reliability",
        help="PostgreSQL database to create or reuse; its tables are migrated",
    )
    parser.add_argument("--broker-url", default="redis://127.0.0.1:6379/6",
                        help="Redis database for the Celery broker; emptied at the end")
    parser.add_argument("--gunicorn-workers", type=int, default=(os.cpu_count() or 1) * 2 + 1,
                        help="gunicorn worker processes")
    parser.add_argument("--gunicorn-threads", type=int, default=4,
                        help="threads per gunicorn worker (gthread worker class)")
    parser.add_argument("--think-time", type=float, default=0.0,
                        help="seconds each editor waits after each action, as a reader would")
    parser.add_argument("--ramp-up", type=float, default=15.0,
                        help="seconds over which the editors start, evenly spread; 0 starts all "
                        "at once, which makes every login hash its password at the same moment")
    return parser.parse_args()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def ensure_database(database_url: str) -> None:
    import psycopg

    parsed = urlparse(database_url)
    name = parsed.path.lstrip("/")
    with psycopg.connect(
        host=parsed.hostname, port=parsed.port or 5432, user=parsed.username or "postgres",
        dbname="postgres", autocommit=True, connect_timeout=5,
    ) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def app_environment(arguments: argparse.Namespace, var_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    for key in list(env):
        if key.startswith(("DJANGO_", "SEOASSIST_", "CELERY_")) or key in {"DATABASE_URL", "REDIS_URL"}:
            del env[key]
    env.update(
        DJANGO_SETTINGS_MODULE="seoassist.settings.base",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        # Production settings, except that the bench talks plain http on the loopback.
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_SECURE_COOKIES="false",
        DJANGO_SECURE_HSTS_SECONDS="0",
        DJANGO_LOG_LEVEL="WARNING",
        DATABASE_URL=arguments.database_url,
        CELERY_BROKER_URL=arguments.broker_url,
        SEOASSIST_VAR_DIR=str(var_dir),
        SEOASSIST_RATE_LIMIT_REQUESTS="1000000",
    )
    return env


SETUP_SCRIPT = """
import sys
from django.contrib.auth import get_user_model
from seoassist.core.models import Role, Site
from seoassist.core.services import membership_set, site_create, user_create
from seoassist.drafting.models import Draft, KeywordRequest

editors, password = int(sys.argv[1]), sys.argv[2]
site = Site.objects.filter(slug="load").first() or site_create(
    name="Load test", slug="load", language="ja"
)
KeywordRequest.objects.filter(site=site).delete()
Draft.objects.filter(site=site).delete()
User = get_user_model()
for index in range(editors):
    name = f"load-editor-{index}"
    user = User.objects.filter(username=name).first() or user_create(username=name, password=password)
    membership_set(user=user, site=site, role=Role.EDITOR)
    Draft.objects.create(
        site=site, owner=user, language="ja", keywords=["花粉症"], title="花粉症の対策 " + str(index),
        body="## 花粉症とは\\n\\n" + "花粉症の対策をまとめます。" * 40,
    )
print(Draft.objects.filter(site=site).count())
"""


def prepare_app(env: dict[str, str], editors: int) -> None:
    python = sys.executable
    for command in (["migrate", "--noinput", "-v", "0"], ["collectstatic", "--noinput", "-v", "0"]):
        subprocess.run([python, "manage.py", *command], cwd=REPO_ROOT, env=env, check=True)
    subprocess.run(
        [python, "-c", "import django; django.setup(); exec(open(0).read())", str(editors), PASSWORD],
        input=SETUP_SCRIPT, text=True, cwd=REPO_ROOT, env=env, check=True,
        stdout=subprocess.DEVNULL,
    )


def start_gunicorn(env: dict[str, str], port: int, arguments: argparse.Namespace,
                   log_path: Path) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "gunicorn", "seoassist.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(arguments.gunicorn_workers),
        "--worker-class", "gthread", "--threads", str(arguments.gunicorn_threads),
        "--timeout", "60", "--keep-alive", "30",
    ]
    log = log_path.open("wb")
    process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/health/")
            if connection.getresponse().status in (200, 503):
                return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit(f"gunicorn did not respond to /health/ within 60 s; see {log_path}")


@dataclass
class Sample:
    action: str
    started: float  # time.perf_counter() when the request was sent
    seconds: float
    error: str | None


@dataclass
class Results:
    samples: list[Sample] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, action: str, started: float, seconds: float, error: str | None) -> None:
        with self.lock:
            self.samples.append(Sample(action, started, seconds, error))


class Editor:
    """One editor's browser: a keep-alive connection and its cookies."""

    def __init__(self, port: int, index: int, results: Results) -> None:
        self.port = port
        self.username = f"load-editor-{index}"
        self.index = index
        self.results = results
        self.cookies: dict[str, str] = {}
        self.think_time = 0.0
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, action: str, method: str, path: str, form: dict | None = None,
                expect: tuple[int, ...] = (200,)) -> tuple[int, dict[str, str], str]:
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        started = time.perf_counter()
        error = None
        status, response_headers, text = 0, {}, ""
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            text = response.read().decode("utf-8", errors="replace")
            status = response.status
            response_headers = {key.lower(): value for key, value in response.getheaders()}
            for header in response.msg.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            if status not in expect:
                error = f"HTTP {status} for {method} {path}"
        except (OSError, http.client.HTTPException) as failure:
            error = f"{type(failure).__name__}: {failure}"
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        self.results.add(action, started, time.perf_counter() - started, error)
        if self.think_time:
            time.sleep(self.think_time)
        return status, response_headers, text

    def csrf_token(self, page: str) -> str:
        match = CSRF_FIELD.search(page)
        return match.group(1) if match else self.cookies.get("csrftoken", "")

    def log_in(self) -> None:
        _, _, page = self.request("login_page", "GET", "/accounts/login/")
        self.request(
            "login", "POST", "/accounts/login/",
            {"csrfmiddlewaretoken": self.csrf_token(page), "username": self.username,
             "password": PASSWORD},
            expect=(302,),
        )

    def draft_path(self) -> str | None:
        _, _, page = self.request("draft_list", "GET", "/drafts/")
        match = re.search(r'href="(/drafts/\d+/)"', page)
        return match.group(1) if match else None

    def work(self, start_at: float, until: float, think_time: float) -> None:
        time.sleep(max(0.0, start_at - time.monotonic()))
        self.think_time = think_time
        self.log_in()
        draft_path = None
        round_number = 0
        while time.monotonic() < until:
            round_number += 1
            self.request("home", "GET", "/")
            draft_path = self.draft_path() or draft_path
            if draft_path is None:
                self.results.add("open_draft", time.perf_counter(), 0.0,
                                 "no draft link on the draft list")
                return
            _, _, page = self.request("open_draft", "GET", draft_path)
            self.request(
                "save_draft", "POST", draft_path,
                {"csrfmiddlewaretoken": self.csrf_token(page),
                 "title": f"花粉症の対策 {self.index}-{round_number}",
                 "slug": f"kafun-{self.index}", "meta_description": "花粉症の対策をまとめました。",
                 "body": "## 花粉症とは\n\n" + "花粉症の対策を更新しました。" * 40},
                expect=(302,),
            )
            _, _, page = self.request("request_form", "GET", "/requests/new/")
            _, headers, _ = self.request(
                "submit_request", "POST", "/requests/new/",
                {"csrfmiddlewaretoken": self.csrf_token(page),
                 "keywords": KEYWORDS[round_number % len(KEYWORDS)], "language": "",
                 "target_length": "800"},
                expect=(302,),
            )
            location = headers.get("location", "")
            if location.startswith("/requests/"):
                self.request("request_detail", "GET", location)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def action_table(samples: list[Sample]) -> dict:
    """Return count, errors and latency percentiles in milliseconds per action."""
    by_action: dict[str, list[Sample]] = {}
    for sample in samples:
        by_action.setdefault(sample.action, []).append(sample)
    table = {}
    for action, items in sorted(by_action.items()):
        values = [item.seconds for item in items]
        table[action] = {
            "count": len(values),
            "errors": sum(1 for item in items if item.error),
            "p50_ms": round(percentile(values, 0.50) * 1000, 1),
            "p95_ms": round(percentile(values, 0.95) * 1000, 1),
            "p99_ms": round(percentile(values, 0.99) * 1000, 1),
            "max_ms": round(max(values) * 1000, 1),
        }
    return table


def report(results: Results, seconds: float, arguments: argparse.Namespace) -> dict:
    """Summarise every sample, and apart from them the steady state after the last login.

    Logins hash the password (PBKDF2), which costs far more CPU than any page,
    so while editors are still logging in, their logins slow every other action.
    """
    samples = results.samples
    last_login = max(
        (s.started + s.seconds for s in samples if s.action == "login"), default=0.0
    )
    steady = [s for s in samples if s.started >= last_login]
    steady_seconds = max((s.started + s.seconds for s in steady), default=last_login) - last_login
    errors = [s for s in samples if s.error]
    error_samples: dict[str, list[str]] = {}
    for sample in errors:
        error_samples.setdefault(sample.action, [])
        if len(error_samples[sample.action]) < 3:
            error_samples[sample.action].append(sample.error or "")
    return {
        "editors": arguments.editors,
        "duration_s": round(seconds, 1),
        "ramp_up_s": arguments.ramp_up,
        "think_time_s": arguments.think_time,
        "gunicorn_workers": arguments.gunicorn_workers,
        "gunicorn_threads": arguments.gunicorn_threads,
        "cpu_count": os.cpu_count(),
        "load_average_1min_at_end": round(os.getloadavg()[0], 1),
        "requests": len(samples),
        "throughput_rps": round(len(samples) / seconds, 1),
        "errors": len(errors),
        "error_samples": error_samples,
        "actions": action_table(samples),
        "steady_state": {
            "seconds": round(steady_seconds, 1),
            "requests": len(steady),
            "throughput_rps": round(len(steady) / steady_seconds, 1) if steady_seconds else 0.0,
            "actions": action_table(steady),
        },
    }


def empty_broker(broker_url: str) -> None:
    import redis

    redis.Redis.from_url(broker_url).flushdb()


def main() -> None:
    arguments = parse_arguments()
    var_dir = Path(tempfile.mkdtemp(prefix="seoassist-load-"))
    env = app_environment(arguments, var_dir)
    ensure_database(arguments.database_url)
    prepare_app(env, arguments.editors)

    port = free_port()
    log_path = var_dir / "gunicorn.log"
    server = start_gunicorn(env, port, arguments, log_path)
    results = Results()
    try:
        begin = time.monotonic()
        until = begin + arguments.ramp_up + arguments.duration
        step = arguments.ramp_up / max(1, arguments.editors)
        editors = [Editor(port, index, results) for index in range(arguments.editors)]
        threads = [
            threading.Thread(
                target=editor.work,
                args=(begin + index * step, until, arguments.think_time),
                daemon=True,
            )
            for index, editor in enumerate(editors)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started

    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        empty_broker(arguments.broker_url)
    output = report(results, elapsed, arguments)
    output["gunicorn_log"] = str(log_path)
    print(json.dumps(output, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
