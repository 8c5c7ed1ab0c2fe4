import json
from datetime import timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import ModelEntry

from seoassist.celery import app

pytestmark = pytest.mark.django_db


class DefaultScheduleTests:
    def test_tracking_jobs_are_scheduled(self):
        tasks = dict(PeriodicTask.objects.values_list("name", "task"))
        assert tasks["Re-import trend sources hourly"] == "tracking.reimport_trend_sources"
        assert tasks["Flag keyword forecast changes daily"] == "tracking.flag_keyword_alerts"
        assert tasks["Refresh keyword forecasts daily"] == "tracking.refresh_forecasts"
        assert tasks["Retrain models weekly"] == "engine.retrain_all_sites"

    def test_scheduled_tasks_are_registered(self):
        # Import every app's tasks module, as a starting worker does.
        app.loader.import_default_modules()
        for task in PeriodicTask.objects.values_list("task", flat=True):
            assert task in app.tasks, task

    def test_threshold_is_editable_keyword_argument(self):
        flag = PeriodicTask.objects.get(task="tracking.flag_keyword_alerts")
        assert json.loads(flag.kwargs) == {"threshold_percent": 20}


class MissedRunTests:
    def test_missed_runs_are_caught_up_once(self):
        """Beat that was down for three days runs the daily job once, not three times."""
        task = PeriodicTask.objects.get(name="Refresh keyword forecasts daily")
        task.last_run_at = timezone.now() - timedelta(days=3)
        task.save()
        entry = ModelEntry(task, app=app)
        assert entry.is_due().is_due
        after_run = next(entry)
        assert not after_run.is_due().is_due
        assert after_run.is_due().next > 0
