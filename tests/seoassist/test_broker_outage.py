"""Redis goes away: pages render, submissions are saved as queued, and finish once it is back.

The test starts its own redis-server on a free port of 127.0.0.1 (without
persistence, so the restart loses every message it held), points the app and
a real worker at it, stops it, and restarts it.
"""
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import DEMO_CONTENT, IN_CI, WorkerProcess, wait_for

pytestmark = [pytest.mark.django_db(transaction=True)]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A redis-server process of this test, on its own port, with no persistence."""

    def __init__(self, log_dir: Path) -> None:
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log_path = log_dir / f"redis-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        import redis

        command = [
            "redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--daemonize", "no",
        ]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)

        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.ConnectionError:
                return False

        wait_for(answers, timeout=20, interval=0.1)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.process = None


def _point_app_at(broker_url: str, transport_options: dict) -> None:
    """Make this process's Celery app publish to another broker from now on."""
    from kombu import pools

    from seoassist.celery import app

    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None
    # kombu keeps producer pools in a process-wide registry keyed by connection, so
    # a pool closed above would be handed out again for the same broker URL.
    pools.reset()
    app.conf.broker_url = broker_url
    app.conf.broker_transport_options = transport_options


@pytest.fixture
def own_redis(settings, tmp_path, monkeypatch) -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None:
        message = "redis-server is not installed"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    from seoassist.celery import app

    server = RedisServer(tmp_path)
    server.start()
    previous = (app.conf.broker_url, app.conf.broker_transport_options)
    options = {"socket_connect_timeout": 2, "socket_timeout": 10, "visibility_timeout": 3600}
    settings.CELERY_BROKER_URL = server.url
    # Celery prefers the CELERY_BROKER_URL environment variable to its configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", server.url)
    _point_app_at(server.url, options)
    yield server
    monkeypatch.undo()
    _point_app_at(*previous)
    server.stop()


class BrokerOutageTests:
    def test_submission_during_outage_finishes_after_restart(
        self, own_redis, site, editor_user, client, settings
    ):
        from django.urls import reverse

        from seoassist.core.jobs import jobs_requeue_stuck
        from seoassist.corpus.services import articles_import_path
        from seoassist.drafting.models import Draft, KeywordRequest, RequestStatus
        from seoassist.engine.models import ModelKind
        from seoassist.engine.services import training_run_execute, training_run_start

        articles_import_path(site=site, path=DEMO_CONTENT / "articles_ja.jsonl")
        run = training_run_start(site=site, kind=ModelKind.LANGUAGE_MODEL)
        training_run_execute(run_id=run.pk)
        worker = WorkerProcess(env={"CELERY_BROKER_URL": own_redis.url})
        try:
            client.force_login(editor_user)
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
            own_redis.stop()

            for name in ("core:home", "drafting:request_list", "drafting:draft_list",
                         "drafting:request_create", "engine:model_overview"):
                response = client.get(reverse(name))
                assert response.status_code == 200, name

            health = client.get(reverse("core:health"))
            assert health.status_code == 503
            assert health.json()["broker"] == "error"
            assert health.json()["database"] == "ok"

            started = time.monotonic()
            response = client.post(
                reverse("drafting:request_create"),
                {"keywords": "花粉症, 対策", "language": "ja", "target_length": 400},
            )
            submit_seconds = time.monotonic() - started
            assert response.status_code == 302, response.content[:500]
            submitted = KeywordRequest.objects.get()
            assert submitted.status == RequestStatus.QUEUED
            page = client.get(response["Location"])
            assert "Queued" in page.content.decode()
            # The broker refuses connections at once, so the page must not wait on it.
            assert submit_seconds < 15

            own_redis.start()
            settings.SEOASSIST_REQUEUE_QUEUED_SECONDS = 0
            assert jobs_requeue_stuck() == 1

            def finished():
                current = KeywordRequest.objects.get(pk=submitted.pk)
                return current if current.is_finished else None

            done = wait_for(finished, timeout=300, interval=0.5, worker=worker)
            assert done.status == RequestStatus.SUCCEEDED, done.error
            assert Draft.objects.filter(request=done).count() == 1
            assert client.get(reverse("core:health")).json()["broker"] == "ok"
        finally:
            worker.stop()
