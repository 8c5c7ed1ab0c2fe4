"""Fixtures shared by the whole suite: users, a site, real worker processes, test data."""
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, unquote, urlparse

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
DEMO_CONTENT = REPO_ROOT / "seoassist" / "demo" / "content"
IN_CI = os.environ.get("CI", "").lower() == "true"

# The tests train tiny models, which gain nothing from a second thread. An idle OpenMP
# thread spins after each parallel region, so it slows the tests whenever the other core
# is busy. Worker processes started by the tests inherit the variable.
os.environ.setdefault("OMP_NUM_THREADS", "1")


def pytest_configure(config: pytest.Config) -> None:
    """Check that the configured PostgreSQL and Redis accept connections before any test uses them."""
    from django.conf import settings

    settings.TEST_DIR.mkdir(parents=True, exist_ok=True)
    problems = []
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url.startswith("postgres"):
        try:
            import psycopg

            parsed = urlparse(database_url)
            psycopg.connect(
                host=parsed.hostname, port=parsed.port or 5432, user=parsed.username or "postgres",
                password=unquote(parsed.password) if parsed.password else None,
                dbname="postgres", connect_timeout=3,
            ).close()
        except Exception as error:  # noqa: BLE001 — report any connection failure
            redacted_url = database_url.replace(f":{parsed.password}@", ":***@") if parsed.password else database_url
            problems.append(f"PostgreSQL at {redacted_url} is unreachable ({error})")
    broker_url = os.environ.get("CELERY_BROKER_URL", "")
    if broker_url.startswith("redis"):
        try:
            import redis

            redis.Redis.from_url(broker_url, socket_connect_timeout=3).ping()
        except Exception as error:  # noqa: BLE001
            problems.append(f"Redis at {broker_url} is unreachable ({error})")
    if problems:
        message = "; ".join(problems) + ". Start the service, or unset the variable."
        if IN_CI:
            raise pytest.UsageError(message)
        pytest.exit(f"Skipping the services tests: {message}", returncode=0)


@pytest.fixture
def test_data_dir() -> Path:
    """The folder of real public data sets named by SEOASSIST_TEST_DATA."""
    value = os.environ.get("SEOASSIST_TEST_DATA")
    if not value or not Path(value).is_dir():
        message = f"SEOASSIST_TEST_DATA is not set to a data folder (value: {value!r})"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return Path(value)


@pytest.fixture
def english_messages() -> Iterator[None]:
    """Read messages in English, whatever the default interface language is."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def site(db):
    from seoassist.core.services import site_create

    return site_create(name="Test Site", slug="test", language="ja")


@pytest.fixture
def site_with_articles(site):
    """The test site with the demo's Japanese articles imported."""
    from seoassist.corpus.services import articles_import_path

    articles_import_path(site=site, path=DEMO_CONTENT / "articles_ja.jsonl")
    return site


@pytest.fixture
def superuser_client(client, django_user_model):
    """A test client logged in as a superuser, for the Django admin."""
    superuser = django_user_model.objects.create_superuser("root", "root@example.com", "root-pass-123")
    client.force_login(superuser)
    return client


@pytest.fixture
def admin_user(db, site):
    from seoassist.core.models import Role
    from seoassist.core.services import membership_set, user_create

    user = user_create(username="site-admin", password="admin-pass-123")
    membership_set(user=user, site=site, role=Role.ADMIN)
    return user


@pytest.fixture
def editor_user(db, site):
    from seoassist.core.models import Role
    from seoassist.core.services import membership_set, user_create

    user = user_create(username="editor", password="editor-pass-123")
    membership_set(user=user, site=site, role=Role.EDITOR)
    return user


def _database_url_for_subprocess() -> str:
    from django.db import connection

    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(settings_dict['NAME']).resolve()}"
    user = quote(settings_dict.get("USER") or "postgres", safe="")
    password = settings_dict.get("PASSWORD")
    credentials = f"{user}:{quote(password, safe='')}" if password else user
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{credentials}@{host}:{port}/{settings_dict['NAME']}"


def empty_broker() -> None:
    from django.conf import settings

    if settings.CELERY_BROKER_URL.startswith("redis"):
        import redis

        redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()
        return
    for folder in settings.SEOASSIST_BROKER_DIRS:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True, exist_ok=True)


class WorkerProcess:
    """A real `celery worker` process on the test database and broker."""

    def __init__(
        self, queues: str = "training,drafting,default", env: dict[str, str] | None = None
    ) -> None:
        from django.conf import settings

        broker_url = (env or {}).get("CELERY_BROKER_URL", settings.CELERY_BROKER_URL)
        env = {**os.environ, **(env or {})}
        env["DATABASE_URL"] = _database_url_for_subprocess()
        env["DJANGO_SETTINGS_MODULE"] = "seoassist.settings.test"
        command = [
            sys.executable, "-m", "celery", "-A", "seoassist", "worker", "-Q", queues,
            "--concurrency", "1", "-l", "INFO", "-n", f"test-{os.getpid()}-{time.time_ns()}@%h",
        ]
        if broker_url.startswith("filesystem"):
            command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        self.log_path = settings.TEST_DIR / f"worker-{time.time_ns()}.log"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("wb")
        # A session of its own, so that kill() reaches the pool's child processes too.
        self.process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-6000:]

    def kill(self) -> None:
        """Kill the worker and its pool processes with SIGKILL, as a crash or the OOM killer would."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


@pytest.fixture
def celery_worker_process(transactional_db) -> Iterator[WorkerProcess]:
    """Start a real worker on the test database; stop it after the test."""
    empty_broker()
    worker = WorkerProcess()
    yield worker
    worker.stop()


def wait_for(predicate, *, timeout: float, interval: float = 0.5, worker: WorkerProcess | None = None):
    """Poll until `predicate()` returns a truthy value, or fail with the worker's log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        if worker is not None and worker.process.poll() is not None:
            pytest.fail(f"The worker exited with {worker.process.returncode}:\n{worker.log()}")
        time.sleep(interval)
    log = worker.log() if worker else ""
    pytest.fail(f"Timed out after {timeout} s.\n{log}")
