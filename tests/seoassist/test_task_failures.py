"""Which errors tasks retry, and the reason a final failure shows to the user."""
import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.db import OperationalError

from seoassist.core.exceptions import ApplicationError

pytestmark = [pytest.mark.django_db]


class RetryPolicyTests:
    @pytest.mark.parametrize("name", ["drafting.keyword_request_run", "engine.training_run"])
    def test_only_transient_errors_are_retried(self, name):
        from redis.exceptions import ConnectionError as RedisConnectionError

        from seoassist.celery import app

        app.loader.import_default_modules()
        task = app.tasks[name]
        assert OperationalError in task.autoretry_for
        assert RedisConnectionError in task.autoretry_for
        assert not any(issubclass(ApplicationError, kind) for kind in task.autoretry_for)
        assert not any(issubclass(ValueError, kind) for kind in task.autoretry_for)
        assert task.max_retries == 3
        assert task.retry_backoff_max == 120
        assert task.acks_late and task.reject_on_worker_lost

    def test_drafting_has_soft_and_hard_limits(self):
        from seoassist.celery import app

        app.loader.import_default_modules()
        task = app.tasks["drafting.keyword_request_run"]
        assert task.soft_time_limit == 600
        assert task.time_limit == 660


class FinalFailureTests:
    @pytest.fixture
    def submitted(self, site, editor_user):
        from seoassist.drafting.models import KeywordRequest

        return KeywordRequest.objects.create(
            site=site, created_by=editor_user, keywords=["hay fever"], language="en",
            target_length=300, status="running", ui_language="en",
        )

    @pytest.mark.parametrize(
        ("error", "expected"),
        [
            (SoftTimeLimitExceeded(), "longer than its limit of 600 seconds"),
            (OperationalError("server closed the connection"), "failed 4 times"),
            (ApplicationError("The site has no articles."), "The site has no articles."),
            (KeyError("x"), "internal error (KeyError)"),
        ],
    )
    def test_request_is_marked_failed_with_reason(self, submitted, error, expected):
        from seoassist.drafting.models import KeywordRequest, RequestStatus
        from seoassist.drafting.tasks import keyword_request_task

        keyword_request_task.on_failure(error, "task-id", (submitted.pk,), {}, None)
        failed = KeywordRequest.objects.get(pk=submitted.pk)
        assert failed.status == RequestStatus.FAILED
        assert expected in failed.error
        assert failed.finished_at is not None

    def test_training_run_is_marked_failed_with_reason(self, site):
        from seoassist.core.models import JobStatus
        from seoassist.engine.models import TrainingRun
        from seoassist.engine.tasks import training_run_task

        run = TrainingRun.objects.create(site=site, kind="forecaster", ui_language="en")
        training_run_task.on_failure(SoftTimeLimitExceeded(), "task-id", (run.pk,), {}, None)
        failed = TrainingRun.objects.get(pk=run.pk)
        assert failed.status == JobStatus.FAILED
        assert "resume from the last checkpoint" in failed.error
