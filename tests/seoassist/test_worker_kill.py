"""Workers killed with SIGKILL mid-job: the job is taken over and finishes once.

Each test starts a real worker, kills it and its pool processes while a job
runs, lets the job's lease expire, runs the sweeper that beat runs every five
minutes, and starts a second worker that finishes the job. Runs on the
filesystem broker and, under `make test`, on PostgreSQL and Redis.
"""
import time

import pytest

from tests.conftest import DEMO_CONTENT, WorkerProcess, empty_broker, wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

LEASE_SECONDS = 3
# Long enough that the first checkpoint copy reaches storage while the first cell
# still trains, even on an idle machine.
TRAINING_STEPS = 800


@pytest.fixture
def short_leases(settings) -> dict[str, str]:
    """Short leases and a longer tiny training, for this process and for the workers it starts."""
    settings.SEOASSIST_JOB_LEASE_SECONDS = LEASE_SECONDS
    settings.SEOASSIST_TINY_TRAINING_STEPS = TRAINING_STEPS
    return {
        "SEOASSIST_JOB_LEASE_SECONDS": str(LEASE_SECONDS),
        "SEOASSIST_TINY_TRAINING_STEPS": str(TRAINING_STEPS),
        "SEOASSIST_CHECKPOINT_SYNC_SECONDS": "1",
    }


@pytest.fixture
def workers():
    started: list[WorkerProcess] = []

    def start(env: dict[str, str]) -> WorkerProcess:
        worker = WorkerProcess(env=env)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def _import_articles(site) -> None:
    from seoassist.corpus.services import articles_import_path

    articles_import_path(site=site, path=DEMO_CONTENT / "articles_ja.jsonl")


def _storage_delete_tree(storage, path: str) -> None:
    if not storage.exists(path):
        return
    folders, files = storage.listdir(path)
    for name in files:
        storage.delete(f"{path}/{name}")
    for name in folders:
        _storage_delete_tree(storage, f"{path}/{name}")
    # The file system storage removes an empty folder; object stores have none to remove.
    if storage.exists(path):
        storage.delete(path)


def _wait_for_leases_released() -> None:
    """Wait until no job lease is left, because the worker releases it just after saving the result."""
    from seoassist.core.models import JobLease

    wait_for(lambda: not JobLease.objects.exists(), timeout=30, interval=0.1)


def _requeue_after_lease_expiry() -> int:
    from seoassist.core.jobs import jobs_requeue_stuck

    time.sleep(LEASE_SECONDS + 1)
    return jobs_requeue_stuck()


class TrainingWorkerKillTests:
    # "other_host" gives the second worker a working folder of its own, so it can
    # only resume from the checkpoint that the first one copied to storage.
    @pytest.mark.parametrize("second_host", ["same_host", "other_host"])
    def test_killed_training_resumes_from_checkpoint(
        self, site, short_leases, workers, tmp_path, second_host
    ):
        from django.conf import settings
        from django.core.files.storage import default_storage

        from lstm_engine import train_language_model
        from lstm_engine.checkpoint import load_payload
        from seoassist.core.models import JobStatus
        from seoassist.engine.models import ModelKind, TrainingRun
        from seoassist.engine.services import (
            _language_model_configs,
            site_documents,
            training_run_start,
        )

        _import_articles(site)
        empty_broker()
        run = training_run_start(site=site, kind=ModelKind.LANGUAGE_MODEL)
        checkpoint = settings.SEOASSIST_WORK_DIR / "runs" / str(run.pk) / "checkpoint.pt"
        # Row ids repeat between tests, so a copy left by an earlier test's run must go.
        _storage_delete_tree(default_storage, f"runs/{run.pk}")
        first = workers(short_leases)

        if second_host == "same_host":
            wait_for(checkpoint.exists, timeout=240, interval=0.05, worker=first)
        else:
            def copied() -> bool:
                folder = f"runs/{run.pk}"
                return default_storage.exists(folder) and any(
                    name.startswith("latest-") for name in default_storage.listdir(folder)[1]
                )

            wait_for(copied, timeout=240, interval=0.05, worker=first)
        first.kill()
        killed_at = load_payload(checkpoint)["schedule_state"]["step"]
        assert 0 < killed_at < TRAINING_STEPS, first.log()
        assert TrainingRun.objects.get(pk=run.pk).status == JobStatus.RUNNING

        assert _requeue_after_lease_expiry() == 1
        second_env = dict(short_leases)
        if second_host == "other_host":
            second_env["SEOASSIST_WORK_DIR"] = str(tmp_path / "other-host")
        second = workers(second_env)

        def finished():
            current = TrainingRun.objects.get(pk=run.pk)
            return current if current.is_finished else None

        done = wait_for(finished, timeout=300, interval=0.5, worker=second)
        assert done.status == JobStatus.SUCCEEDED, done.error
        assert done.attempts == 2
        assert "resuming training" in second.log_path.read_text(errors="replace")
        _wait_for_leases_released()
        assert not default_storage.exists(f"runs/{run.pk}") or not default_storage.listdir(
            f"runs/{run.pk}"
        )[1]

        model_config, train_config = _language_model_configs()
        uninterrupted = train_language_model(
            site_documents(site), tmp_path / "uninterrupted", model_config=model_config,
            train_config=train_config,
        )
        metrics = done.model_version.metrics
        # The run also trains a GRU and serves the better cell; the resumed LSTM's
        # figures are the served ones or the other cell's.
        lstm = metrics if metrics["cell"] == "lstm" else metrics["other_cell"]
        assert lstm["steps"] == uninterrupted.steps == TRAINING_STEPS
        assert lstm["val_loss"] == pytest.approx(uninterrupted.val_loss, rel=1e-6)


class DraftingWorkerKillTests:
    def test_killed_drafting_is_redelivered_and_drafts_once(
        self, site, editor_user, short_leases, workers, settings
    ):
        from seoassist.drafting.models import Draft, KeywordRequest, RequestStatus
        from seoassist.drafting.services import keyword_request_create
        from seoassist.engine.models import ModelKind
        from seoassist.engine.services import training_run_execute, training_run_start

        _import_articles(site)
        settings.SEOASSIST_TINY_TRAINING_STEPS = 40
        run = training_run_start(site=site, kind=ModelKind.LANGUAGE_MODEL)
        empty_broker()
        training_run_execute(run_id=run.pk)

        submitted = keyword_request_create(
            site=site, user=editor_user, keywords=["花粉症", "対策"], target_length=6000
        )
        first = workers(short_leases)

        def drafting():
            current = KeywordRequest.objects.get(pk=submitted.pk)
            return current.status == RequestStatus.RUNNING and current.progress_step >= 3

        wait_for(drafting, timeout=240, interval=0.02, worker=first)
        first.kill()
        assert not Draft.objects.filter(request=submitted).exists(), "drafting ended before the kill"

        assert _requeue_after_lease_expiry() == 1
        second = workers(short_leases)

        def finished():
            current = KeywordRequest.objects.get(pk=submitted.pk)
            return current if current.is_finished else None

        done = wait_for(finished, timeout=300, interval=0.5, worker=second)
        assert done.status == RequestStatus.SUCCEEDED, done.error
        assert done.attempts == 2
        assert Draft.objects.filter(request=submitted).count() == 1
        _wait_for_leases_released()

    def test_request_delivered_twice_drafts_once(
        self, site, editor_user, short_leases, workers, settings
    ):
        from seoassist.drafting.models import Draft, KeywordRequest, RequestStatus
        from seoassist.drafting.services import keyword_request_create, keyword_request_dispatch
        from seoassist.engine.models import ModelKind
        from seoassist.engine.services import training_run_execute, training_run_start

        _import_articles(site)
        settings.SEOASSIST_TINY_TRAINING_STEPS = 40
        run = training_run_start(site=site, kind=ModelKind.LANGUAGE_MODEL)
        empty_broker()
        training_run_execute(run_id=run.pk)

        submitted = keyword_request_create(
            site=site, user=editor_user, keywords=["熱中症"], target_length=1500
        )
        keyword_request_dispatch(request_id=submitted.pk)
        first = workers(short_leases)
        workers(short_leases)

        def finished():
            current = KeywordRequest.objects.get(pk=submitted.pk)
            return current if current.is_finished else None

        done = wait_for(finished, timeout=300, interval=0.5, worker=first)
        time.sleep(3)
        assert done.status == RequestStatus.SUCCEEDED, done.error
        assert Draft.objects.filter(request=submitted).count() == 1
        assert done.attempts == 1

    def test_worker_log_lines_carry_task_id(self, site, editor_user, workers, settings):
        import json

        from seoassist.drafting.models import KeywordRequest
        from seoassist.drafting.services import keyword_request_create

        settings.SEOASSIST_TINY_TRAINING_STEPS = 40
        empty_broker()
        submitted = keyword_request_create(
            site=site, user=editor_user, keywords=["熱中症"], target_length=400
        )
        worker = workers({"DJANGO_LOG_FORMAT": "json"})
        # No articles: the request waits for a model it cannot train, and its task logs that.
        wait_for(
            lambda: KeywordRequest.objects.get(pk=submitted.pk).status != "queued",
            timeout=120, worker=worker,
        )
        worker.stop()
        records = []
        for line in worker.log_path.read_text(errors="replace").splitlines():
            if line.startswith("{"):
                records.append(json.loads(line))
        task_records = [r for r in records if r["logger"].startswith("seoassist.")]
        assert task_records, records[-5:]
        assert all(len(r["task_id"]) == 36 for r in task_records), task_records
