"""A language-model hyperparameter search started as a training run."""
import pytest
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


class SearchRunTests:
    @override_settings(SEOASSIST_SEARCH_BUDGET_SECONDS=1, SEOASSIST_SEARCH_TRIAL_SECONDS=5)
    def test_search_stores_trial_table(self, site_with_articles):
        from seoassist.engine.models import ModelVersion, TrainingKind
        from seoassist.engine.services import training_run_execute, training_run_start

        run = training_run_start(site=site_with_articles, kind=TrainingKind.LANGUAGE_MODEL_SEARCH)
        finished = training_run_execute(run_id=run.pk)
        assert finished.status == "succeeded", finished.error
        assert len(finished.metrics["trials"]) == 1
        assert finished.metrics["best_bits_per_char"] > 0
        assert finished.metrics["sampler"] == "tpe"
        assert finished.model_version is None
        assert not ModelVersion.objects.filter(site=site_with_articles).exists()

    def test_search_needs_articles(self, site):
        from seoassist.core.exceptions import ApplicationError
        from seoassist.engine.models import TrainingKind
        from seoassist.engine.services import training_run_start

        with pytest.raises(ApplicationError):
            training_run_start(site=site, kind=TrainingKind.LANGUAGE_MODEL_SEARCH)

    def test_admin_action_queues_search(self, client, site_with_articles, django_user_model):
        from seoassist.engine.models import TrainingKind, TrainingRun

        superuser = django_user_model.objects.create_superuser("root", "root@example.com", "root-pass-123")
        client.force_login(superuser)
        response = client.post(
            reverse("admin:core_site_changelist"),
            {"action": "search_language_model", "_selected_action": [site_with_articles.pk]},
        )
        assert response.status_code == 302
        run = TrainingRun.objects.get(site=site_with_articles)
        assert run.kind == TrainingKind.LANGUAGE_MODEL_SEARCH
        assert run.trigger == "admin"
