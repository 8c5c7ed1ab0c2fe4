"""Which models a new site queues by itself: the demo set-up and an editor's first request."""
import pytest

pytestmark = pytest.mark.django_db


class FirstModelsTests:
    def test_demo_queues_all_three_models(self, tmp_path, settings):
        from seoassist.demo.services import demo_site_create
        from seoassist.engine.models import TrainingRun

        settings.VAR_DIR = tmp_path
        setup = demo_site_create(start_training=True)
        kinds = sorted(TrainingRun.objects.filter(site=setup.site).values_list("kind", flat=True))
        assert kinds == ["forecaster", "language_model", "query_model"]

    def test_first_request_queues_both_models(self, site_with_articles, editor_user):
        from seoassist.drafting.services import keyword_request_create
        from seoassist.engine.models import TrainingRun

        keyword_request_create(site=site_with_articles, user=editor_user, keywords=["加湿器"])
        kinds = sorted(TrainingRun.objects.filter(site=site_with_articles).values_list("kind", flat=True))
        assert kinds == ["language_model", "query_model"]

    def test_trigger_reads_in_japanese(self, site_with_articles):
        from django.utils import translation

        from seoassist.engine.services import training_run_start

        run = training_run_start(site=site_with_articles, kind="language_model", trigger="schedule")
        with translation.override("ja"):
            assert run.get_trigger_display() == "スケジュール"
