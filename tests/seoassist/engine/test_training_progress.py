"""A language-model run shows one progress bar across both cells, the baselines and the saving."""
import pytest
from django.urls import reverse

from tests.conftest import DEMO_CONTENT
from tests.seoassist.progress_bars import duplicate_ids, progress_bars

pytestmark = pytest.mark.django_db

LANGUAGE_MODEL_PHASES = [
    "preparing",
    "training_lstm",
    "ngram_baseline",
    "training_gru",
    "saving",
]


@pytest.fixture
def recorded_progress(monkeypatch) -> list[tuple[int, str, str]]:
    """Record (percent, phase, label) of the run row after every progress write."""
    from seoassist.engine import progress
    from seoassist.engine.models import TrainingRun

    store = progress.training_run_progress_store
    recorded = []

    def store_and_record(**fields) -> None:
        store(**fields)
        run = TrainingRun.objects.get(pk=fields["run_id"])
        recorded.append((run.progress_percent, run.progress_phase, run.progress_label))

    monkeypatch.setattr(progress, "WRITE_INTERVAL_SECONDS", 0.0)
    monkeypatch.setattr(progress, "training_run_progress_store", store_and_record)
    return recorded


def _phase_sequence(phases: list[str]) -> list[str]:
    """Collapse repeats of the same phase in a row."""
    sequence: list[str] = []
    for phase in phases:
        if not sequence or sequence[-1] != phase:
            sequence.append(phase)
    return sequence


def _labels_of_rising_phases(recorded: list[tuple[int, str, str]], phases: list[str]) -> dict[str, str]:
    """Check that the bar never goes back and passes through ``phases``; return each phase's label."""
    percents = [percent for percent, _phase, _label in recorded]
    assert percents == sorted(percents), percents
    assert _phase_sequence([phase for _percent, phase, _label in recorded]) == phases
    return {phase: label for _percent, phase, label in recorded}


class LanguageModelRunProgressTests:
    def test_progress_rises_through_labelled_phases(self, site_with_articles, recorded_progress, settings):
        from seoassist.engine.models import ModelKind, TrainingRun
        from seoassist.engine.services import training_run_start
        from seoassist.engine.tasks import training_run_task

        settings.SEOASSIST_TINY_TRAINING_STEPS = 12
        settings.SEOASSIST_CHECKPOINT_SYNC_SECONDS = 0
        run = training_run_start(site=site_with_articles, kind=ModelKind.LANGUAGE_MODEL, ui_language="en")

        training_run_task(run.pk)

        finished = TrainingRun.objects.get(pk=run.pk)
        assert finished.status == "succeeded", finished.error
        assert finished.progress_percent == 100
        version = finished.model_version
        assert finished.progress_message.startswith(f"finished: version {version.number}, ")
        assert f"{version.metrics['val_bits_per_char']:.2f} bits per character" in finished.progress_message
        assert finished.progress_message.endswith(f"trained in {version.metrics['precision']}")
        labels = _labels_of_rising_phases(recorded_progress, LANGUAGE_MODEL_PHASES)
        assert labels["training_lstm"] == "Training the LSTM"
        assert labels["training_gru"] == "Training the GRU"
        assert labels["ngram_baseline"] == "Fitting the n-gram baseline"
        assert labels["saving"] == "Comparing the models and saving the better one"
        gru_percents = [percent for percent, phase, _label in recorded_progress if phase == "training_gru"]
        lstm_percents = [percent for percent, phase, _label in recorded_progress if phase == "training_lstm"]
        assert min(gru_percents) >= max(lstm_percents)
        assert max(gru_percents) > min(gru_percents), "the GRU steps move the bar"


FORECASTER_PHASES = ["preparing_series", "training_forecaster", "backtesting"]


@pytest.fixture
def site_with_trends(site):
    from seoassist.trends.services import trends_import_file

    trends_file = DEMO_CONTENT / "trends_ja_1.csv"
    trends_import_file(site=site, data=trends_file.read_bytes(), file_name=trends_file.name)
    return site


class ForecasterRunProgressTests:
    def _train(self, site):
        from seoassist.engine.models import ModelKind, TrainingRun
        from seoassist.engine.services import training_run_start
        from seoassist.engine.tasks import training_run_task

        run = training_run_start(site=site, kind=ModelKind.FORECASTER, ui_language="en")
        training_run_task(run.pk)
        return TrainingRun.objects.get(pk=run.pk)

    def test_progress_ends_in_labelled_backtest(self, site_with_trends, recorded_progress):
        finished = self._train(site_with_trends)

        assert finished.status == "succeeded", finished.error
        assert finished.progress_percent == 100
        percents = [percent for percent, _phase, _label in recorded_progress]
        assert percents == sorted(percents), percents
        assert max(percents) < 100, "the bar reaches 100 % only when the run has finished"
        phases = [phase for _percent, phase, _label in recorded_progress]
        assert _phase_sequence(phases) == FORECASTER_PHASES
        labels = {phase: label for _percent, phase, label in recorded_progress}
        assert labels["preparing_series"] == "Preparing the keyword series"
        assert labels["training_forecaster"] == "Training the forecaster"
        assert labels["backtesting"] == "Backtesting and saving"
        training_percents = [
            percent for percent, phase, _label in recorded_progress if phase == "training_forecaster"
        ]
        assert max(training_percents) > min(training_percents), "the training steps move the bar"

    def test_backtest_runs_under_its_label(self, site_with_trends, recorded_progress, monkeypatch):
        from lstm_engine.forecast import training

        from seoassist.engine.models import TrainingRun

        evaluate = training._evaluate
        phases_while_evaluating = []

        def record_phase_and_evaluate(*args, **kwargs):
            run = TrainingRun.objects.get(site=site_with_trends)
            phases_while_evaluating.append((run.progress_phase, run.progress_label))
            return evaluate(*args, **kwargs)

        monkeypatch.setattr(training, "_evaluate", record_phase_and_evaluate)

        finished = self._train(site_with_trends)

        assert finished.status == "succeeded", finished.error
        assert phases_while_evaluating == [("backtesting", "Backtesting and saving")]


class PhasedProgressTests:
    def _progress(self, run_id: int, floor: int = 0):
        from seoassist.engine.progress import PhasedProgress, language_model_phases

        return PhasedProgress(run_id=run_id, phases=language_model_phases("lstm"), floor=floor)

    def _run(self, site):
        from seoassist.core.models import JobStatus
        from seoassist.engine.models import TrainingRun

        return TrainingRun.objects.create(site=site, kind="language_model", status=JobStatus.RUNNING)

    def test_second_cell_starts_after_first(self, site, recorded_progress):
        from seoassist.engine.models import TrainingPhase

        progress = self._progress(self._run(site).pk)
        progress.enter(TrainingPhase.PREPARING)
        progress.enter(TrainingPhase.TRAINING_LSTM)
        progress.report(0, 40, "step 0/40")
        progress.report(40, 40, "step 40/40")
        progress.enter(TrainingPhase.NGRAM_BASELINE)
        progress.enter(TrainingPhase.TRAINING_GRU)
        progress.report(0, 40, "step 0/40")
        progress.report(20, 40, "step 20/40")

        assert [percent for percent, _phase, _label in recorded_progress] == [0, 1, 1, 46, 46, 48, 48, 70]

    def test_steps_during_ngram_fit_keep_the_bar(self, site, recorded_progress):
        from seoassist.engine.models import TrainingPhase

        progress = self._progress(self._run(site).pk)
        progress.enter(TrainingPhase.PREPARING)
        progress.enter(TrainingPhase.TRAINING_LSTM)
        progress.enter(TrainingPhase.NGRAM_BASELINE)
        progress.report(40, 40, "fitting n-gram baselines")

        assert [percent for percent, _phase, _label in recorded_progress] == [0, 1, 46, 46]

    def test_time_budget_moves_the_bar_ahead_of_steps(self, site, recorded_progress, monkeypatch):
        from seoassist.engine import progress as progress_module
        from seoassist.engine.models import TrainingPhase

        clock = [1000.0]
        monkeypatch.setattr(progress_module, "monotonic", lambda: clock[0])
        progress = self._progress(self._run(site).pk)
        progress.enter(TrainingPhase.PREPARING)
        progress.enter(TrainingPhase.TRAINING_LSTM, budget_seconds=100.0)
        clock[0] += 50.0
        progress.report(10, 1000, "step 10/1000")
        clock[0] += 100.0
        progress.report(20, 1000, "step 20/1000")

        assert [percent for percent, _phase, _label in recorded_progress] == [0, 1, 23, 46]

    def test_floor_keeps_an_earlier_attempts_value(self, site, recorded_progress):
        from seoassist.engine.models import TrainingPhase

        progress = self._progress(self._run(site).pk, floor=600)
        progress.enter(TrainingPhase.PREPARING)
        progress.enter(TrainingPhase.TRAINING_LSTM)
        progress.report(40, 40, "resumed at the last step")

        assert [percent for percent, _phase, _label in recorded_progress] == [60, 60, 60]

    def test_phase_cannot_come_back(self, site, recorded_progress):
        from seoassist.engine.models import TrainingPhase

        progress = self._progress(self._run(site).pk)
        progress.enter(TrainingPhase.SAVING)

        with pytest.raises(ValueError, match="does not come after"):
            progress.enter(TrainingPhase.TRAINING_LSTM)

    def test_shares_must_fill_the_scale(self):
        from seoassist.engine.models import TrainingPhase
        from seoassist.engine.progress import PhasedProgress

        with pytest.raises(ValueError, match="must add up to 1000"):
            PhasedProgress(run_id=1, phases=[(TrainingPhase.PREPARING, 10)])


class RunStatusLabelTests:
    def test_running_phase_is_shown(self, client, admin_user, site):
        from seoassist.core.models import JobStatus
        from seoassist.engine.models import TrainingPhase, TrainingRun

        run = TrainingRun.objects.create(
            site=site, kind="language_model", status=JobStatus.RUNNING,
            progress_step=520, progress_total=1000, progress_phase=TrainingPhase.TRAINING_GRU,
        )
        client.force_login(admin_user)

        response = client.get(reverse("engine:run_status", args=[run.pk]), HTTP_ACCEPT_LANGUAGE="en")

        assert response.status_code == 200
        [bar] = progress_bars(response.content.decode())
        assert bar.id == f"run-{run.pk}-progress"
        assert bar.value == "52"
        assert bar.label == "52 % · Training the GRU"
        assert bar.accessible_name == "Training the GRU"

    def test_run_without_phase_counts_steps(self, site, english_messages):
        from seoassist.core.models import JobStatus
        from seoassist.engine.models import TrainingRun

        run = TrainingRun(site=site, kind="query_model", status=JobStatus.RUNNING, progress_step=3, progress_total=30)

        assert run.progress_label == "Step 3 of 30"


class FinishedMessageTests:
    def test_language_model_names_precision(self, site):
        from seoassist.engine.models import ModelKind, ModelVersion
        from seoassist.engine.services import finished_message

        version = ModelVersion(
            site=site, kind=ModelKind.LANGUAGE_MODEL, number=3, is_active=True,
            metrics={"cell": "gru", "val_bits_per_char": 4.104, "ngram_bits_per_char": 4.25,
                     "ngram_order": 4, "precision": "bfloat16"},
        )

        assert finished_message(version) == (
            "finished: version 3, active; GRU 4.10 bits per character against the 4-gram's 4.25, trained in bfloat16"
        )

    @pytest.mark.parametrize(
        ("kind", "number", "active", "metrics", "expected"),
        [
            (
                "forecaster", 2, False, {"mase": 0.79, "baseline_mase": 0.77},
                "finished: version 2, not active, its baseline scored better; "
                "MASE 0.790 against the seasonal naive forecast's 0.770",
            ),
            (
                "query_model", 1, True, {"val_perplexity": 9.512, "bigram_perplexity": 14.0},
                "finished: version 1, active; perplexity per character 9.51 against the bigram baseline's 14.00",
            ),
        ],
    )
    def test_other_models_name_scores(self, site, kind, number, active, metrics, expected):
        from seoassist.engine.models import ModelVersion
        from seoassist.engine.services import finished_message

        version = ModelVersion(site=site, kind=kind, number=number, is_active=active, metrics=metrics)

        assert finished_message(version) == expected


class RunProgressBarTests:
    def _running_run(self, site, *, step: int, phase: str):
        from seoassist.core.models import JobStatus
        from seoassist.engine.models import TrainingRun

        return TrainingRun.objects.create(
            site=site, kind="language_model", status=JobStatus.RUNNING,
            progress_step=step, progress_total=1000, progress_phase=phase,
        )

    def test_poll_keeps_bar_id(self, client, admin_user, site):
        from seoassist.engine.models import TrainingPhase, TrainingRun

        run = self._running_run(site, step=100, phase=TrainingPhase.TRAINING_LSTM)
        client.force_login(admin_user)
        url = reverse("engine:run_status", args=[run.pk])
        [before] = progress_bars(client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode())

        TrainingRun.objects.filter(pk=run.pk).update(
            progress_step=900, progress_phase=TrainingPhase.SAVING
        )
        [after] = progress_bars(client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode())

        assert before.id == after.id
        assert before.accessible_name == "Training the LSTM"
        assert after.accessible_name == "Comparing the models and saving the better one"

    def test_models_page_bars_have_own_names(self, client, admin_user, site):
        from seoassist.engine.models import TrainingPhase

        first = self._running_run(site, step=520, phase=TrainingPhase.TRAINING_GRU)
        second = self._running_run(site, step=50, phase=TrainingPhase.PREPARING)
        client.force_login(admin_user)

        html = client.get(reverse("engine:model_overview"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

        names = {bar.id: bar.accessible_name for bar in progress_bars(html)}
        assert duplicate_ids(html) == []
        assert names == {
            f"run-{first.pk}-progress": "Training the GRU",
            f"run-{second.pk}-progress": "Preparing the articles",
        }


QUERY_MODEL_PHASES = ["preparing_queries", "training_forward", "training_backward", "saving_query_model"]


@pytest.fixture
def site_with_searches(site):
    from seoassist.corpus.models import Article
    from seoassist.trends.models import Keyword

    for index, topic in enumerate(["対策", "薬", "目薬", "マスク", "症状", "時期", "検査", "食べ物"]):
        Article.objects.create(
            site=site, language="ja", title=f"花粉症 {topic}の基本", body=f"## 花粉症 {topic}\n\n本文です。",
            keywords=["花粉症", f"花粉症 {topic}"], content_hash=f"query-progress-{index}",
        )
        Keyword.objects.create(site=site, text=f"花粉症 {topic}", normalized=f"花粉症 {topic}")
    return site


class QueryModelRunProgressTests:
    def test_progress_names_each_direction(self, site_with_searches, recorded_progress):
        from seoassist.engine.models import ModelKind, TrainingRun
        from seoassist.engine.services import training_run_start
        from seoassist.engine.tasks import training_run_task

        run = training_run_start(site=site_with_searches, kind=ModelKind.QUERY_MODEL, ui_language="en")
        training_run_task(run.pk)

        finished = TrainingRun.objects.get(pk=run.pk)
        assert finished.status == "succeeded", finished.error
        assert finished.progress_percent == 100
        labels = _labels_of_rising_phases(recorded_progress, QUERY_MODEL_PHASES)
        assert labels["training_forward"] == "Training the model that reads forwards"
        assert labels["training_backward"] == "Training the model that reads backwards"
        assert labels["saving_query_model"] == "Scoring against the bigram baseline and saving"
        backward = [percent for percent, phase, _label in recorded_progress if phase == "training_backward"]
        forward = [percent for percent, phase, _label in recorded_progress if phase == "training_forward"]
        assert min(backward) >= max(forward)
        assert max(forward) > min(forward), "the forward steps move the bar"
