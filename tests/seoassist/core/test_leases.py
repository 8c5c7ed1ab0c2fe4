"""Job leases: one holder at a time, takeover after expiry, renewal and release."""
import time

import pytest

pytestmark = [pytest.mark.django_db(transaction=True)]


class JobLeaseTests:
    def test_second_holder_is_rejected_while_lease_lives(self):
        from seoassist.core.leases import job_lease_acquire

        assert job_lease_acquire(job="training_run:1", holder="a", seconds=60) is None
        assert job_lease_acquire(job="training_run:1", holder="b", seconds=60) == "a"

    def test_expired_lease_is_taken_over(self):
        from seoassist.core.leases import job_lease_acquire, job_lease_renew
        from seoassist.core.models import JobLease

        assert job_lease_acquire(job="training_run:2", holder="a", seconds=1) is None
        time.sleep(1.2)
        assert job_lease_acquire(job="training_run:2", holder="b", seconds=60) is None
        assert JobLease.objects.get(job="training_run:2").holder == "b"
        assert job_lease_renew(job="training_run:2", holder="a", seconds=60) is False

    def test_context_manager_renews_and_releases(self):
        from seoassist.core.leases import JobLeaseHeld, job_lease, jobs_with_live_lease
        from seoassist.core.models import JobLease

        with job_lease("keyword_request:3", seconds=2):
            first_expiry = JobLease.objects.get(job="keyword_request:3").expires_at
            time.sleep(1.5)
            assert JobLease.objects.get(job="keyword_request:3").expires_at > first_expiry
            assert jobs_with_live_lease("keyword_request:") == {"keyword_request:3"}
            with pytest.raises(JobLeaseHeld):
                with job_lease("keyword_request:3", seconds=2):
                    pass
        assert not JobLease.objects.filter(job="keyword_request:3").exists()

    def test_lease_is_released_when_job_raises(self):
        from seoassist.core.leases import job_lease
        from seoassist.core.models import JobLease

        with pytest.raises(RuntimeError):
            with job_lease("training_run:4", seconds=5):
                raise RuntimeError("job failed")
        assert not JobLease.objects.exists()


class SweeperLeaseTests:
    def test_running_request_with_live_lease_is_left_alone(self, site, editor_user, settings):
        from datetime import timedelta

        from django.utils import timezone

        from seoassist.core.jobs import jobs_requeue_stuck
        from seoassist.core.leases import job_lease_acquire
        from seoassist.drafting.models import KeywordRequest

        settings.SEOASSIST_JOB_LEASE_SECONDS = 5
        running = KeywordRequest.objects.create(
            site=site, created_by=editor_user, keywords=["a"], language="en", target_length=300,
            status="running",
        )
        KeywordRequest.objects.filter(pk=running.pk).update(
            updated_at=timezone.now() - timedelta(seconds=60)
        )
        job_lease_acquire(job=f"keyword_request:{running.pk}", holder="live", seconds=60)
        assert jobs_requeue_stuck() == 0
        job_lease_acquire(job=f"keyword_request:{running.pk}", holder="live", seconds=-1)
        assert jobs_requeue_stuck() == 1


    def test_queued_run_waits_behind_live_run(self, site, settings):
        from datetime import timedelta

        from django.utils import timezone

        from seoassist.core.jobs import jobs_requeue_stuck
        from seoassist.core.leases import job_lease_acquire
        from seoassist.engine.models import TrainingRun

        running = TrainingRun.objects.create(site=site, kind="query_model", status="running")
        waiting = TrainingRun.objects.create(site=site, kind="language_model", status="queued")
        TrainingRun.objects.filter(pk=waiting.pk).update(updated_at=timezone.now() - timedelta(hours=1))
        job_lease_acquire(job=f"training_run:{running.pk}", holder="live", seconds=60)
        assert jobs_requeue_stuck() == 0

        TrainingRun.objects.filter(pk=running.pk).update(status="succeeded")
        assert jobs_requeue_stuck() == 1
        assert TrainingRun.objects.get(pk=waiting.pk).updated_at > timezone.now() - timedelta(minutes=1)


class EnvironmentJsonTests:
    def test_object_is_parsed(self, monkeypatch):
        from seoassist.settings.env import env_json_object

        monkeypatch.setenv("SEOASSIST_TEST_JSON", '{"bucket_name": "b"}')
        assert env_json_object("SEOASSIST_TEST_JSON") == {"bucket_name": "b"}

    @pytest.mark.parametrize("raw", ["[1, 2]", "{bad", "3"])
    def test_invalid_value_names_the_variable(self, monkeypatch, raw):
        from django.core.exceptions import ImproperlyConfigured

        from seoassist.settings.env import env_json_object

        monkeypatch.setenv("SEOASSIST_TEST_JSON", raw)
        with pytest.raises(ImproperlyConfigured, match="SEOASSIST_TEST_JSON"):
            env_json_object("SEOASSIST_TEST_JSON")
