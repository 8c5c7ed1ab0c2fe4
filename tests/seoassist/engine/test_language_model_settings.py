"""A site's own language-model settings: set in the admin or copied from a search, used by the next run."""
import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def finished_search(site, **metrics):
    from seoassist.engine.models import TrainingKind, TrainingRun

    return TrainingRun.objects.create(
        site=site, kind=TrainingKind.LANGUAGE_MODEL_SEARCH, status="succeeded", metrics=metrics
    )


SEARCH_METRICS = {
    "best_bits_per_char": 4.12,
    "best_model_config": {
        "vocab_size": 2000, "embedding_size": 128, "hidden_size": 384, "num_layers": 1, "dropout": 0.25,
        "embedding_dropout": 0.0, "weight_drop": 0.2, "cell": "gru", "tie_weights": True,
    },
    "best_train_config": {"learning_rate": 0.004, "batch_size": 32, "bptt": 64, "max_seconds": 180.0, "epochs": 10},
}


class LanguageModelSettingsTests:
    def test_site_without_settings_follows_the_presets(self, site):
        from lstm_engine import LanguageModelConfig, TrainConfig

        from seoassist.engine.services import language_model_configs_for_site

        with override_settings(SEOASSIST_TRAINING_PROFILE="default"):
            model_config, train_config = language_model_configs_for_site(site=site, n_characters=800_000)
        assert model_config == LanguageModelConfig.for_corpus_size(800_000)
        assert train_config == TrainConfig.for_corpus_size(800_000)

    def test_blank_fields_follow_presets(self, site):
        from lstm_engine import LanguageModelConfig, TrainConfig

        from seoassist.engine.models import LanguageModelSettings
        from seoassist.engine.services import language_model_configs_for_site

        LanguageModelSettings.objects.create(site=site, hidden_size=512, weight_drop=0.3, budget_seconds=2100)
        with override_settings(SEOASSIST_TRAINING_PROFILE="default"):
            model_config, train_config = language_model_configs_for_site(site=site, n_characters=800_000)
        preset = LanguageModelConfig.for_corpus_size(800_000)
        assert (model_config.hidden_size, model_config.weight_drop) == (512, 0.3)
        assert model_config.vocab_size == preset.vocab_size
        assert model_config.dropout == preset.dropout
        assert train_config.max_seconds == 2100.0
        assert train_config.learning_rate == TrainConfig.for_corpus_size(800_000).learning_rate

    def test_budget_over_worker_limit_refused(self, site, english_messages):
        from seoassist.engine.models import LanguageModelSettings

        with override_settings(SEOASSIST_TRAINING_TIME_LIMIT=3600):
            with pytest.raises(ValidationError) as raised:
                LanguageModelSettings(site=site, budget_seconds=2000).full_clean()
        message = raised.value.message_dict["budget_seconds"][0]
        assert "2000" in message
        assert "1500" in message
        assert "SEOASSIST_TRAINING_TIME_LIMIT" in message

    def test_dropout_of_one_is_refused(self, site):
        from seoassist.engine.models import LanguageModelSettings

        with pytest.raises(ValidationError) as raised:
            LanguageModelSettings(site=site, dropout=1.0).full_clean()
        assert "dropout" in raised.value.message_dict

    def test_training_run_uses_the_site_settings(self, site_with_articles, settings):
        from seoassist.engine.models import LanguageModelSettings, TrainingKind
        from seoassist.engine.services import training_run_execute, training_run_start

        # The checkpoint copier writes from its own thread, which the test's open transaction would block.
        settings.SEOASSIST_CHECKPOINT_SYNC_SECONDS = 0
        LanguageModelSettings.objects.create(site=site_with_articles, hidden_size=40, cell="gru", weight_drop=0.2)
        run = training_run_start(site=site_with_articles, kind=TrainingKind.LANGUAGE_MODEL)
        finished = training_run_execute(run_id=run.pk)
        assert finished.status == "succeeded", finished.error
        model = finished.model_version.config["model"]
        assert model["hidden_size"] == 40
        assert model["weight_drop"] == 0.2
        assert finished.model_version.metrics["other_cell"]["cell"] in ("lstm", "gru")

    def test_models_page_names_the_site_settings(self, client, site, editor_user):
        from seoassist.engine.models import LanguageModelSettings

        LanguageModelSettings.objects.create(site=site, hidden_size=512, budget_seconds=2100)
        client.force_login(editor_user)
        page = client.get(reverse("engine:model_overview"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "Hidden units: 512" in page
        assert "Time budget per cell: 2100 s" in page


class SearchSettingsCopyTests:
    def test_best_trial_copied_budget_kept(self, site):
        from seoassist.engine.models import LanguageModelSettings
        from seoassist.engine.services import language_model_settings_from_search

        LanguageModelSettings.objects.create(site=site, budget_seconds=1800, epochs=20)
        run = finished_search(site, **SEARCH_METRICS)
        copied = language_model_settings_from_search(run=run)
        assert (copied.cell, copied.vocab_size, copied.hidden_size, copied.weight_drop) == ("gru", 2000, 384, 0.2)
        assert (copied.learning_rate, copied.batch_size, copied.bptt) == (0.004, 32, 64)
        assert (copied.budget_seconds, copied.epochs) == (1800, 20)
        assert copied.source_run == run

    def test_search_without_a_finished_trial_is_refused(self, site, english_messages):
        from seoassist.core.exceptions import ApplicationError
        from seoassist.engine.models import LanguageModelSettings
        from seoassist.engine.services import language_model_settings_from_search

        run = finished_search(site, trials=[], best_model_config=None)
        with pytest.raises(ApplicationError, match=f"Search run {run.pk} has no finished trial"):
            language_model_settings_from_search(run=run)
        assert not LanguageModelSettings.objects.exists()

    def test_admin_action_copies_and_reports(self, superuser_client, site):
        from seoassist.engine.models import LanguageModelSettings, TrainingKind, TrainingRun

        search = finished_search(site, **SEARCH_METRICS)
        training = TrainingRun.objects.create(site=site, kind=TrainingKind.LANGUAGE_MODEL, status="succeeded")
        response = superuser_client.post(
            reverse("admin:engine_trainingrun_changelist"),
            {"action": "use_best_settings", "_selected_action": [search.pk, training.pk]},
            follow=True,
            HTTP_ACCEPT_LANGUAGE="en",
        )
        text = response.content.decode()
        assert f"now has the settings of the best trial of search run {search.pk}" in text
        assert f"Run {training.pk} is not a hyperparameter search" in text
        assert LanguageModelSettings.objects.get(site=site).hidden_size == 384

    def test_admin_settings_page_opens(self, superuser_client, site):
        from seoassist.engine.models import LanguageModelSettings

        settings_row = LanguageModelSettings.objects.create(site=site, hidden_size=512)
        response = superuser_client.get(reverse("admin:engine_languagemodelsettings_change", args=[settings_row.pk]), HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        assert "Blank fields keep the size" in response.content.decode()


    def test_invalid_copy_reported_not_saved(self, superuser_client, site):
        from seoassist.engine.models import LanguageModelSettings

        LanguageModelSettings.objects.create(site=site, budget_seconds=2000)
        search = finished_search(site, **SEARCH_METRICS)
        with override_settings(SEOASSIST_TRAINING_TIME_LIMIT=3600):
            response = superuser_client.post(
                reverse("admin:engine_trainingrun_changelist"),
                {"action": "use_best_settings", "_selected_action": [search.pk]},
                follow=True,
                HTTP_ACCEPT_LANGUAGE="en",
            )
        text = response.content.decode()
        assert response.status_code == 200
        assert f"The best trial of search run {search.pk} was not copied" in text
        assert "Enter 1500 s or less" in text
        assert LanguageModelSettings.objects.get(site=site).hidden_size is None

    def test_sampled_floats_are_rounded(self, site):
        from seoassist.engine.services import language_model_settings_from_search

        metrics = {**SEARCH_METRICS, "best_model_config": {**SEARCH_METRICS["best_model_config"], "dropout": 0.09884253730012654}}
        metrics["best_train_config"] = {**SEARCH_METRICS["best_train_config"], "learning_rate": 0.010082058797307213}
        copied = language_model_settings_from_search(run=finished_search(site, **metrics))
        assert copied.dropout == 0.0988
        assert copied.learning_rate == 0.0101


class TrainingAlreadyStartedTests:
    def test_models_page_says_run_keeps_its_settings(self, client, site_with_articles, admin_user):
        from seoassist.engine.models import TrainingKind, TrainingRun

        running = TrainingRun.objects.create(site=site_with_articles, kind=TrainingKind.LANGUAGE_MODEL, status="running")
        client.force_login(admin_user)
        response = client.post(
            reverse("engine:training_start"), {"kind": "language_model"}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
        )
        text = response.content.decode()
        assert f"{running.label} is already queued or running" in text
        assert TrainingRun.objects.count() == 1


class SearchTrialTableTests:
    def test_trials_render_as_table(self, superuser_client, site):
        trials = [
            {
                "number": 3, "bits_per_char": 4.1234, "ngram_bits_per_char": 4.25, "vocab_size": 1987, "steps": 410,
                "params": {
                    "vocab_size": 2000, "hidden_size": 384, "embedding_size": 128, "dropout": 0.25, "weight_drop": 0.2,
                    "cell": "gru", "learning_rate": 0.004, "batch_size": 32, "bptt": 64,
                },
            },
            {
                "number": 0, "bits_per_char": 4.5, "ngram_bits_per_char": 4.25, "vocab_size": 980, "steps": 300,
                "params": {"cell": "<b>lstm</b>", "dropout": 0.1},
            },
        ]
        run = finished_search(site, trials=trials, **SEARCH_METRICS)
        response = superuser_client.get(
            reverse("admin:engine_trainingrun_change", args=[run.pk]), HTTP_ACCEPT_LANGUAGE="en"
        )
        page = response.content.decode()
        assert '<table class="search-trials">' in page
        assert "<td>4.123</td>" in page
        assert "<td>GRU</td>" in page
        assert "<td>1987</td>" in page
        assert "&lt;B&gt;LSTM&lt;/B&gt;" in page
        assert "recurrent weight dropout" in page

    def test_other_runs_show_no_search_fields(self, superuser_client, site):
        from seoassist.engine.models import TrainingKind, TrainingRun

        run = TrainingRun.objects.create(site=site, kind=TrainingKind.LANGUAGE_MODEL, status="succeeded")
        page = superuser_client.get(
            reverse("admin:engine_trainingrun_change", args=[run.pk]), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
        assert "Search trials" not in page
        assert "Metrics:" not in page
        assert "Last engine message" in page


class TrainingRunAdminProgressTests:
    def test_finished_run_status_translated(self, superuser_client, site):
        from seoassist.engine.models import TrainingKind, TrainingRun

        run = TrainingRun.objects.create(
            site=site, kind=TrainingKind.FORECASTER, status="succeeded", progress_message="finished"
        )
        url = reverse("admin:engine_trainingrun_change", args=[run.pk])
        japanese = superuser_client.get(url, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
        english = superuser_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "完了" in japanese
        assert "Succeeded" in english
        assert "Last engine message (English, as logged)" in english
        for field in ("progress_message", "site", "kind", "ui_language", "requested_by", "trigger"):
            assert f'name="{field}"' not in english
        assert "Progress (%)" in english

    def test_message_language_is_named(self, superuser_client, site):
        from seoassist.engine.models import TrainingKind, TrainingRun

        run = TrainingRun.objects.create(site=site, kind=TrainingKind.FORECASTER, ui_language="ja")
        url = reverse("admin:engine_trainingrun_change", args=[run.pk])
        japanese = superuser_client.get(url, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
        english = superuser_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert '<div class="readonly">日本語</div>' in japanese
        assert '<div class="readonly">Japanese</div>' in english
