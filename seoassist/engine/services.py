"""The only bridge between Django and lstm_engine: rows in, plain data out, results stored."""
import logging
import shutil
from collections import Counter
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from seoassist.core.exceptions import ApplicationError
from seoassist.core.models import JobStatus, Site
from seoassist.engine.artifacts import artifacts_local_dir, artifacts_publish
from seoassist.engine.models import (
    MODEL_SETTING_FIELDS,
    LanguageModelSettings,
    ModelKind,
    ModelVersion,
    TrainingKind,
    TrainingPhase,
    TrainingRun,
    TrainingTrigger,
)
from seoassist.engine.progress import (
    PhasedProgress,
    cell_training_phase,
    forecaster_phases,
    language_model_phases,
    query_model_phases,
)
from seoassist.engine.selectors import language_model_settings_get

logger = logging.getLogger(__name__)

MIN_ARTICLES_FOR_TRAINING = 5
MIN_POINTS_FOR_FORECASTER = 30
MIN_TEXTS_FOR_QUERY_MODEL = 20
_PROGRESS_INTERVAL_SECONDS = 1.0

_model_cache: dict[tuple[int, bool], Any] = {}
_model_cache_lock = threading.Lock()


# ---------------------------------------------------------------------------
# Training runs
# ---------------------------------------------------------------------------


def already_started_message(run: TrainingRun) -> str:
    """Tell the user that a run of this kind was already queued or running, so no new one started."""
    return _(
        "%(run)s is already queued or running, so no new run started. "
        "It keeps the settings it started with. Start another when it ends to use changed settings."
    ) % {"run": run.label}


def training_run_start(
    *,
    site: Site,
    kind: str,
    requested_by: AbstractBaseUser | None = None,
    trigger: str = TrainingTrigger.MANUAL,
    ui_language: str | None = None,
) -> TrainingRun:
    """Queue a training run, or return the run of this kind already queued or running."""
    run, _started = training_run_get_or_start(
        site=site, kind=kind, requested_by=requested_by, trigger=trigger, ui_language=ui_language
    )
    return run


def training_run_get_or_start(
    *,
    site: Site,
    kind: str,
    requested_by: AbstractBaseUser | None = None,
    trigger: str = TrainingTrigger.MANUAL,
    ui_language: str | None = None,
) -> tuple[TrainingRun, bool]:
    """Return (run, started): a new queued run, or the unfinished run of this kind and False."""
    from seoassist.core.ratelimit import rate_limit_hit

    if kind not in TrainingKind.values:
        raise ValueError(f"kind={kind!r} is not one of {TrainingKind.values}")
    with transaction.atomic():
        existing = (
            TrainingRun.objects.select_for_update()
            .filter(site=site, kind=kind, status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
            .first()
        )
        if existing:
            # Nothing starts, so the press does not count against the rate limit.
            return existing, False
        if requested_by is not None:
            rate_limit_hit(user_id=requested_by.pk, action="training_start")
        _check_training_data(site=site, kind=kind)
        run = TrainingRun(
            site=site,
            kind=kind,
            requested_by=requested_by,
            trigger=trigger,
            ui_language=ui_language or settings.LANGUAGE_CODE,
        )
        run.full_clean()
        run.save()
        transaction.on_commit(lambda: training_run_dispatch(run_id=run.pk))
    return run, True


def training_run_dispatch(*, run_id: int) -> None:
    from seoassist.core.dispatch import task_send
    from seoassist.engine.tasks import training_run_task

    task_send(training_run_task, run_id)


def _check_training_data(*, site: Site, kind: str) -> None:
    if kind in (TrainingKind.LANGUAGE_MODEL, TrainingKind.LANGUAGE_MODEL_SEARCH):
        count = site.articles.count()
        if count < MIN_ARTICLES_FOR_TRAINING:
            raise ApplicationError(
                _(
                    "The site “%(site)s” has %(count)d articles; the language model needs at "
                    "least %(minimum)d. Import the site's articles first (Imports page)."
                )
                % {"site": site.name, "count": count, "minimum": MIN_ARTICLES_FOR_TRAINING}
            )
    elif kind == ModelKind.QUERY_MODEL:
        count = len(site_query_texts(site))
        if count < MIN_TEXTS_FOR_QUERY_MODEL:
            raise ApplicationError(
                _(
                    "The site “%(site)s” has %(count)d titles, headings and keywords; the "
                    "related-search model needs at least %(minimum)d. Import articles or "
                    "keyword data first (Imports page)."
                )
                % {"site": site.name, "count": count, "minimum": MIN_TEXTS_FOR_QUERY_MODEL}
            )
    else:
        from seoassist.trends.models import TrendPoint

        count = TrendPoint.objects.filter(keyword__site=site).count()
        if count < MIN_POINTS_FOR_FORECASTER:
            raise ApplicationError(
                _(
                    "The site “%(site)s” has %(count)d keyword-interest points; the forecaster "
                    "needs at least %(minimum)d. Import a Google Trends CSV first (Imports page)."
                )
                % {"site": site.name, "count": count, "minimum": MIN_POINTS_FOR_FORECASTER}
            )


def training_run_execute(*, run_id: int) -> TrainingRun:
    """Train the run's model, resuming from its checkpoint when a worker died mid-run."""
    from seoassist.core.leases import JobLeaseHeld, job_lease

    language = TrainingRun.objects.values_list("ui_language", flat=True).get(pk=run_id)
    try:
        with job_lease(training_run_lease_name(run_id)), translation.override(language):
            return _training_run_execute(run_id)
    except JobLeaseHeld as held:
        # A second delivery of the same run: the live holder finishes it.
        logger.info("Training run %s is being trained by %s; this delivery stops", run_id, held.holder)
        return TrainingRun.objects.get(pk=run_id)


def training_run_lease_name(run_id: int) -> str:
    return f"training_run:{run_id}"


def _training_run_execute(run_id: int) -> TrainingRun:
    run = TrainingRun.objects.select_related("site").get(pk=run_id)
    if run.status == JobStatus.SUCCEEDED:
        logger.info("Training run %s already succeeded; nothing to do", run_id)
        return run
    TrainingRun.objects.filter(pk=run_id).update(
        status=JobStatus.RUNNING,
        attempts=run.attempts + 1,
        started_at=run.started_at or timezone.now(),
        error="",
    )
    work_dir = settings.SEOASSIST_WORK_DIR / "runs" / str(run_id)
    work_dir.mkdir(parents=True, exist_ok=True)
    progress = _progress_writer(TrainingRun, run_id)
    logger.info("Training run %s (%s) started for site %s", run_id, run.kind, run.site_id)

    try:
        if run.kind == TrainingKind.LANGUAGE_MODEL_SEARCH:
            return _search_language_model(run=run, work_dir=work_dir, progress=progress)
        if run.kind == ModelKind.LANGUAGE_MODEL:
            version = _train_language_model(run=run, work_dir=work_dir)
        elif run.kind == ModelKind.QUERY_MODEL:
            version = _train_query_model(run=run, work_dir=work_dir)
        else:
            version = _train_forecaster(run=run, work_dir=work_dir)
    except ApplicationError as error:
        training_run_fail(run_id=run_id, reason=error.message)
        raise

    with transaction.atomic():
        TrainingRun.objects.filter(pk=run_id).update(
            status=JobStatus.SUCCEEDED,
            model_version=version,
            finished_at=timezone.now(),
            progress_message=finished_message(version),
        )
        from seoassist.drafting.services import keyword_requests_resume

        transaction.on_commit(lambda: keyword_requests_resume(site_id=run.site_id))
    if run.kind == ModelKind.FORECASTER:
        from seoassist.trends.services import keyword_forecasts_refresh

        keyword_forecasts_refresh(site=run.site)
    shutil.rmtree(work_dir, ignore_errors=True)
    from seoassist.engine.checkpoints import checkpoints_delete

    checkpoints_delete(run_id=run_id)
    logger.info(
        "Training run %s finished as %s version %s (id %s)", run_id, run.kind, version.number, version.pk
    )
    return TrainingRun.objects.get(pk=run_id)


def training_run_fail(*, run_id: int, reason: str) -> None:
    """Mark a run failed with a reason the user reads; requests waiting on it fail too."""
    run = TrainingRun.objects.get(pk=run_id)
    TrainingRun.objects.filter(pk=run_id).update(
        status=JobStatus.FAILED, error=reason, finished_at=timezone.now()
    )
    logger.warning("Training run %s failed: %s", run_id, reason)
    from seoassist.drafting.services import keyword_requests_fail_waiting, keyword_requests_resume

    if run.kind == ModelKind.QUERY_MODEL:
        # Requests never wait for this model, and related keywords fall back to co-occurrence.
        return
    if run.kind == ModelKind.LANGUAGE_MODEL:
        keyword_requests_fail_waiting(
            site_id=run.site_id,
            reason=_("Training the language model failed: %(reason)s") % {"reason": reason},
        )
    else:
        # Requests go on without the forecaster, so their forecasts use the baseline.
        keyword_requests_resume(site_id=run.site_id)


def _progress_writer(model: type, pk: int) -> Callable[[int, int, str], None]:
    """Return a callback that stores progress at most once a second, and always the last step.

    The engine's message is English and technical, so it goes to the log and the
    row only. Pages show a translated step count built from the numbers.
    """
    last_write = [0.0]

    def write(step: int, total: int, message: str) -> None:
        now = time.monotonic()
        if now - last_write[0] < _PROGRESS_INTERVAL_SECONDS and step < total:
            return
        last_write[0] = now
        logger.info("%s %s: %s", model.__name__, pk, message)
        model.objects.filter(pk=pk).update(
            progress_step=step,
            progress_total=total,
            progress_message=message[:300],
            updated_at=timezone.now(),
        )

    return write


def _next_version_number(site: Site, kind: str) -> int:
    current = ModelVersion.objects.filter(site=site, kind=kind).aggregate(Max("number"))
    return (current["number__max"] or 0) + 1


def _store_version(
    *,
    run: TrainingRun,
    work_dir: Path,
    metrics: dict,
    config: dict,
    beats_baseline: bool,
    seconds: float,
    items: int,
) -> ModelVersion:
    with transaction.atomic():
        number = _next_version_number(run.site, run.kind)
        prefix = f"models/{run.site.slug}/{run.kind}/v{number}-run{run.pk}"
        files = artifacts_publish(local_dir=work_dir, prefix=prefix)
        version = ModelVersion(
            site=run.site,
            kind=run.kind,
            number=number,
            beats_baseline=beats_baseline,
            artifact_prefix=prefix,
            artifact_files=files,
            metrics=metrics,
            config=config,
            training_seconds=seconds,
            training_items=items,
        )
        version.full_clean()
        version.save()
        if beats_baseline:
            model_version_activate(version=version)
    return version


@transaction.atomic
def model_version_activate(*, version: ModelVersion) -> ModelVersion:
    """Make this version the one that serves its site and kind."""
    ModelVersion.objects.filter(site=version.site, kind=version.kind, is_active=True).exclude(
        pk=version.pk
    ).update(is_active=False)
    ModelVersion.objects.filter(pk=version.pk).update(is_active=True)
    version.is_active = True
    return version


# ---------------------------------------------------------------------------
# Language model
# ---------------------------------------------------------------------------


def site_documents(site: Site) -> list:
    """Return the site's articles as lstm_engine documents."""
    from lstm_engine import Block, Document

    from seoassist.core.text import extract_keywords

    documents = []
    for article in site.articles.order_by("id").iterator():
        blocks = [Block(kind=kind, text=text) for kind, text in markdown_blocks(article.body)]
        if not blocks:
            continue
        keywords = list(article.keywords or [])
        if not keywords:
            headings = [b.text for b in blocks if b.kind == "heading"]
            keywords = extract_keywords(article.title, headings, article.language)
        documents.append(Document(title=article.title, blocks=blocks, keywords=keywords))
    return documents


def markdown_blocks(body: str) -> list[tuple[str, str]]:
    """Split Markdown into ("heading", text) and ("paragraph", text) blocks."""
    blocks: list[tuple[str, str]] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(("paragraph", " ".join(paragraph).strip()))
            paragraph.clear()

    for raw_line in body.splitlines():
        line = raw_line.strip()
        if not line:
            flush()
        elif line.startswith("#"):
            flush()
            heading = line.lstrip("#").strip()
            if heading:
                blocks.append(("heading", heading))
        else:
            paragraph.append(line)
    flush()
    return [(kind, text) for kind, text in blocks if text]


def _train_language_model(*, run: TrainingRun, work_dir: Path) -> ModelVersion:
    """Train the configured cell and the other one on the same split; store the better as the version.

    The version serves only if its model also beats the n-gram baseline; the other
    cell's figures are stored under ``other_cell``. The progress bar spans both
    cells, the baselines and the comparison (see ``language_model_phases``).
    """
    from lstm_engine import NgramBaselines, train_language_model

    from seoassist.engine.checkpoints import CheckpointSync, checkpoint_restore

    _check_training_data(site=run.site, kind=run.kind)
    documents = site_documents(run.site)
    started = time.monotonic()
    n_characters = sum(document.character_count() for document in documents)
    model_config, train_config = language_model_configs_for_site(site=run.site, n_characters=n_characters)
    first_cell = model_config.cell
    budget_seconds = train_config.max_seconds
    progress = PhasedProgress.for_run(run, language_model_phases(first_cell))
    progress.enter(TrainingPhase.PREPARING, "preparing %d documents" % len(documents))
    # A run that another host started resumes from the checkpoint it left in storage.
    checkpoint_restore(run_id=run.pk, work_dir=work_dir)
    sync = CheckpointSync(run_id=run.pk, work_dir=work_dir)
    if settings.SEOASSIST_CHECKPOINT_SYNC_SECONDS:
        sync.start()
    # Both cells share one tokenizer and split, so the second takes the first's n-gram baseline.
    baselines = NgramBaselines()
    # The copier keeps running while the other cell trains, so the main cell's last
    # checkpoint reaches storage even when its own training ends between two copies.
    try:
        progress.enter(cell_training_phase(first_cell), budget_seconds=budget_seconds)
        result = train_language_model(
            documents,
            work_dir,
            model_config=model_config,
            train_config=train_config,
            progress=progress.report,
            on_phase=lambda name: _engine_phase_enter(progress, name),
            baselines=baselines,
        )
        other_dir, other_result = _train_other_cell(
            documents=documents,
            work_dir=work_dir,
            result=result,
            progress=progress,
            baselines=baselines,
        )
    finally:
        sync.stopped.set()
        if sync.is_alive():
            sync.join()
    progress.enter(TrainingPhase.SAVING)
    try:
        served_dir, served, runner_up = work_dir, result, other_result
        if other_result.val_loss < result.val_loss:
            served_dir, served, runner_up = other_dir, other_result, result
        metrics = served.as_metrics()
        metrics["cell"] = served.model_config["cell"]
        metrics["other_cell"] = _cell_summary(runner_up, served)
        metrics["sample_drafts"] = _sample_draft_metrics(
            documents=documents, work_dir=served_dir, beats_baseline=served.beats_baseline
        )
        return _store_version(
            run=run,
            work_dir=served_dir,
            metrics=metrics,
            config={"model": served.model_config, "training": served.train_config},
            beats_baseline=served.beats_baseline,
            seconds=time.monotonic() - started,
            items=len(documents),
        )
    finally:
        shutil.rmtree(other_dir, ignore_errors=True)


def _train_other_cell(
    *, documents: list, work_dir: Path, result: Any, progress: PhasedProgress, baselines: Any
) -> tuple[Path, Any]:
    """Train the other recurrent cell (GRU for an LSTM) with the same split, size and budget.

    It trains in a sibling of ``work_dir`` that keeps its checkpoint until the run ends,
    so a run delivered again resumes it too. ``baselines`` contains the first cell's n-gram
    baseline, which the engine reuses when the tokens match.
    """
    from lstm_engine import LanguageModelConfig, TrainConfig, train_language_model

    model_config = LanguageModelConfig(**result.model_config)
    other = "gru" if model_config.cell == "lstm" else "lstm"
    other_dir = work_dir.with_name(work_dir.name + "-" + other)
    progress.enter(cell_training_phase(other), budget_seconds=result.train_config["max_seconds"])
    other_result = train_language_model(
        documents,
        other_dir,
        model_config=replace(model_config, cell=other),
        train_config=TrainConfig(**result.train_config),
        progress=lambda step, total, message: progress.report(step, total, f"{other}: {message}"),
        on_phase=lambda name: _engine_phase_enter(progress, name),
        baselines=baselines,
    )
    return other_dir, other_result


def _engine_phase_enter(progress: PhasedProgress, name: str) -> None:
    """Follow a phase that lstm_engine announces while it trains one cell."""
    from lstm_engine.training import PHASE_NGRAM_BASELINE

    if name != PHASE_NGRAM_BASELINE:
        logger.warning("Ignored the unknown training phase %r", name)
    elif progress.comes_later(TrainingPhase.NGRAM_BASELINE):
        progress.enter(TrainingPhase.NGRAM_BASELINE)
    else:
        # The second cell refits the baseline only when its tokens differ from the
        # first cell's; the bar then stays in that cell's slice.
        logger.info("Fitting a second n-gram baseline within %s", progress.phase)


def finished_message(version: ModelVersion) -> str:
    """Summarise a finished run's model version for the English engine log."""
    state = "active" if version.is_active else "not active, its baseline scored better"
    message = f"finished: version {version.number}, {state}"
    metrics = version.metrics or {}
    if "val_bits_per_char" in metrics and "ngram_bits_per_char" in metrics:
        message += (
            f"; {metrics.get('cell', 'lstm').upper()} {metrics['val_bits_per_char']:.2f} bits per character"
            f" against the {metrics.get('ngram_order', 'n')}-gram's {metrics['ngram_bits_per_char']:.2f}"
            f", trained in {metrics.get('precision', 'float32')}"
        )
    elif "mase" in metrics and "baseline_mase" in metrics:
        message += f"; MASE {metrics['mase']:.3f} against the seasonal naive forecast's {metrics['baseline_mase']:.3f}"
    elif "val_perplexity" in metrics and "bigram_perplexity" in metrics:
        message += (
            f"; perplexity per character {metrics['val_perplexity']:.2f}"
            f" against the bigram baseline's {metrics['bigram_perplexity']:.2f}"
        )
    return message


def _cell_summary(result: Any, served: Any) -> dict[str, Any]:
    """Return the validation figures of the cell that does not serve."""
    return {
        "cell": result.model_config["cell"],
        "val_loss": result.val_loss,
        "val_perplexity": result.val_perplexity,
        "val_bits_per_char": result.val_bits_per_char,
        "steps": result.steps,
        "tokens_per_second": result.tokens_per_second,
        "beats_ngram": result.beats_baseline,
        "served_beats_it": served.val_loss <= result.val_loss,
    }


def _sample_draft_metrics(*, documents: list, work_dir: Path, beats_baseline: bool) -> dict[str, Any]:
    """Measure sample drafts of the model that would serve: diversity, repetition, keywords, copying."""
    from lstm_engine import load_language_model
    from lstm_engine.quality import measure_sample_drafts

    model = load_language_model(work_dir, use_baseline=not beats_baseline, mixture="auto")
    quality = measure_sample_drafts(model, documents)
    if quality is None:
        return {}
    return {"model": model.kind, **quality.as_metrics()}


def _search_language_model(
    *, run: TrainingRun, work_dir: Path, progress: Callable[[int, int, str], None]
) -> TrainingRun:
    """Run a hyperparameter search and store its trial table in the run's metrics; no version is made."""
    from lstm_engine.search import search_language_model

    _check_training_data(site=run.site, kind=run.kind)
    documents = site_documents(run.site)
    _model_config, train_config = _language_model_configs()
    result = search_language_model(
        documents,
        work_dir,
        budget_seconds=settings.SEOASSIST_SEARCH_BUDGET_SECONDS,
        trial_seconds=settings.SEOASSIST_SEARCH_TRIAL_SECONDS,
        seed=run.pk,
        base_train_config=train_config,
        progress=progress,
    )
    TrainingRun.objects.filter(pk=run.pk).update(
        status=JobStatus.SUCCEEDED,
        metrics=result.as_metrics(),
        finished_at=timezone.now(),
        progress_message="finished",
    )
    shutil.rmtree(work_dir, ignore_errors=True)
    logger.info(
        "Search run %s finished with %d trials, best %s bits per character",
        run.pk,
        len(result.trials),
        result.best_bits_per_char,
    )
    return TrainingRun.objects.get(pk=run.pk)


# Training settings that a search samples, so its best trial can hand them to a site. The
# epochs and the budget of a trial are the search's own and are never copied.
SEARCH_TRAINING_FIELDS = ("learning_rate", "batch_size", "bptt")


def language_model_settings_from_search(*, run: TrainingRun) -> LanguageModelSettings:
    """Copy the best trial of a finished search into its site's language-model settings.

    The trial's architecture, cell, learning rate, batch size and window length are copied.
    The epochs and the time budget stay as they were, because a trial trains only for the
    short trial budget.
    """
    if run.kind != TrainingKind.LANGUAGE_MODEL_SEARCH:
        raise ApplicationError(
            _("Run %(run)d is not a hyperparameter search. Select a finished search run.") % {"run": run.pk}
        )
    best_model = (run.metrics or {}).get("best_model_config")
    best_training = (run.metrics or {}).get("best_train_config")
    if run.status != JobStatus.SUCCEEDED or not best_model or not best_training:
        raise ApplicationError(
            _(
                "Search run %(run)d has no finished trial to copy. Wait until it succeeds, "
                "or start a new search with a longer budget."
            )
            % {"run": run.pk}
        )
    site_settings = language_model_settings_get(site=run.site) or LanguageModelSettings(site=run.site)
    for name in MODEL_SETTING_FIELDS:
        setattr(site_settings, name, _rounded(best_model.get(name)))
    for name in SEARCH_TRAINING_FIELDS:
        setattr(site_settings, name, _rounded(best_training[name]))
    site_settings.source_run = run
    try:
        site_settings.full_clean()
    except ValidationError as error:
        raise ApplicationError(
            _(
                "The best trial of search run %(run)d was not copied, because the site's settings would not be "
                "valid: %(errors)s Correct them under Language-model settings, then copy again."
            )
            % {"run": run.pk, "errors": " ".join(error.messages)}
        ) from error
    site_settings.save()
    logger.info("Site %s now trains with the best trial of search run %s", run.site_id, run.pk)
    return site_settings


def _rounded(value: Any) -> Any:
    """Keep three significant digits of a sampled float, so that settings read as an operator would type them."""
    return float(f"{value:.3g}") if isinstance(value, float) else value


def language_model_configs_for_site(*, site: Site, n_characters: int) -> tuple[Any, Any]:
    """Return the (model, training) configs of the site's next language-model run.

    The presets for a corpus of ``n_characters`` (or the tiny profile's configs), with the
    fields set in the site's LanguageModelSettings put over them.
    """
    from lstm_engine import LanguageModelConfig, TrainConfig

    model_config, train_config = _language_model_configs()
    model_config = model_config or LanguageModelConfig.for_corpus_size(n_characters)
    train_config = train_config or TrainConfig.for_corpus_size(n_characters)
    site_settings = language_model_settings_get(site=site)
    if site_settings is None:
        return model_config, train_config
    model_overrides, training_overrides = site_settings.overrides()
    return replace(model_config, **model_overrides), replace(train_config, **training_overrides)


def _language_model_configs() -> tuple[Any, Any]:
    """Return (model, training) configs; None lets the engine size them from the corpus."""
    if settings.SEOASSIST_TRAINING_PROFILE != "tiny":
        return None, None
    from lstm_engine import LanguageModelConfig, TrainConfig

    steps = settings.SEOASSIST_TINY_TRAINING_STEPS
    return (
        LanguageModelConfig(
            vocab_size=400, embedding_size=32, hidden_size=64, num_layers=1, dropout=0.1,
            embedding_dropout=0.0,
        ),
        TrainConfig(
            batch_size=8, bptt=32, max_steps=steps, eval_every=max(1, steps // 2),
            checkpoint_every=min(20, steps),
            warmup_steps=5, early_stopping_patience=None, ngram_orders=(3,),
            # A second OpenMP thread spins while another process uses the other core,
            # which made these few-millisecond steps take over half a second.
            num_threads=1,
        ),
    )


def language_model_for_site(site: Site) -> tuple[ModelVersion, Any] | None:
    """Return the version that drafts for the site and its loaded model, or None.

    The active version serves, interpolated with its n-gram baseline when training
    recorded that the mixture beat both parts on held-out articles. When no language
    model has beaten its n-gram baseline yet, the newest version's n-gram baseline
    serves instead.
    """
    from lstm_engine import load_language_model

    version = (
        ModelVersion.objects.filter(site=site, kind=ModelKind.LANGUAGE_MODEL, is_active=True).first()
    )
    use_baseline = False
    if version is None:
        version = ModelVersion.objects.filter(site=site, kind=ModelKind.LANGUAGE_MODEL).first()
        use_baseline = True
    if version is None:
        return None
    key = (version.pk, use_baseline)
    with _model_cache_lock:
        model = _model_cache.get(key)
        if model is None:
            local_dir = artifacts_local_dir(
                prefix=version.artifact_prefix, files=version.artifact_files
            )
            model = load_language_model(local_dir, use_baseline=use_baseline, mixture="auto")
            # Keep only the newest few models so a long-lived worker stays small.
            if len(_model_cache) >= 4:
                _model_cache.pop(next(iter(_model_cache)))
            _model_cache[key] = model
    return version, model


# ---------------------------------------------------------------------------
# Forecaster
# ---------------------------------------------------------------------------


def site_series(site: Site) -> dict[str, Any]:
    """Return the site's keyword series as lstm_engine Series keyed by keyword text."""
    from seoassist.trends.selectors import keyword_series

    series = {}
    for keyword in site.keywords.all():
        item = keyword_series(keyword)
        if item is not None:
            series[keyword.text] = item
    return series


def _train_forecaster(*, run: TrainingRun, work_dir: Path) -> ModelVersion:
    """Train the site's forecaster and store it as a version.

    The progress bar labels the preparation, the training steps and the backtest with
    the saving (see ``forecaster_phases``).
    """
    from lstm_engine.forecast import ForecastTrainConfig, train_forecaster

    _check_training_data(site=run.site, kind=run.kind)
    series = _series_of_main_frequency(site_series(run.site))
    if not series:
        raise ApplicationError(
            _("No keyword has enough interest data to train the forecaster. Import a longer export.")
        )
    progress = PhasedProgress.for_run(run, forecaster_phases())
    progress.enter(TrainingPhase.PREPARING_SERIES, "preparing %d series" % len(series))
    started = time.monotonic()
    config, train_config = _forecaster_configs()
    progress.enter(
        TrainingPhase.TRAINING_FORECASTER,
        budget_seconds=(train_config or ForecastTrainConfig()).max_seconds,
    )
    result = train_forecaster(
        series,
        work_dir,
        config=config,
        train_config=train_config,
        progress=progress.report,
        on_phase=lambda name: _forecaster_phase_enter(progress, name),
    )
    # The bar stays in the backtest phase, which the engine announced, while the version is saved.
    return _store_version(
        run=run,
        work_dir=work_dir,
        metrics=result.as_metrics(),
        config={"model": result.config, "training": result.train_config},
        beats_baseline=result.beats_baseline,
        seconds=time.monotonic() - started,
        items=result.series_count,
    )


def _forecaster_phase_enter(progress: PhasedProgress, name: str) -> None:
    """Follow a phase that lstm_engine announces while it trains the forecaster."""
    from lstm_engine.forecast.training import PHASE_EVALUATING

    if name == PHASE_EVALUATING:
        progress.enter(TrainingPhase.BACKTESTING)
    else:
        logger.warning("Ignored the unknown forecaster training phase %r", name)


def _series_of_main_frequency(series: dict[str, Any]) -> dict[str, Any]:
    """Keep the series of one frequency (weekly when there are any); one model serves one.

    Keywords of other frequencies are forecast with the seasonal-naive baseline.
    """
    frequencies = Counter(item.frequency for item in series.values())
    if not frequencies:
        return {}
    main = "W" if "W" in frequencies else frequencies.most_common(1)[0][0]
    return {name: item for name, item in series.items() if item.frequency == main}


def _forecaster_configs() -> tuple[Any, Any]:
    if settings.SEOASSIST_TRAINING_PROFILE != "tiny":
        return None, None
    from lstm_engine.forecast import ForecasterConfig, ForecastTrainConfig

    return (
        ForecasterConfig(input_chunk_length=26, horizon=8, hidden_size=16),
        ForecastTrainConfig(max_steps=30, eval_interval=15, batch_size=32),
    )


def forecaster_for_site(site: Site) -> tuple[ModelVersion, Any] | None:
    """Return the active forecaster version and its loaded model, or None."""
    from lstm_engine.forecast import load_forecaster

    return _active_model_load(site, ModelKind.FORECASTER, load_forecaster)


def _active_model_load(
    site: Site, kind: str, loader: Callable[[Path], Any]
) -> tuple[ModelVersion, Any] | None:
    """Return the site's active version of `kind` and its model, loaded once per process."""
    version = ModelVersion.objects.filter(site=site, kind=kind, is_active=True).first()
    if version is None:
        return None
    key = (version.pk, False)
    with _model_cache_lock:
        model = _model_cache.get(key)
        if model is None:
            local_dir = artifacts_local_dir(
                prefix=version.artifact_prefix, files=version.artifact_files
            )
            model = loader(local_dir)
            _model_cache[key] = model
    return version, model


# ---------------------------------------------------------------------------
# Related-search (query) model
# ---------------------------------------------------------------------------


def site_query_texts(site: Site) -> list[str]:
    """Return the texts the query model learns from: searches, titles, headings and keywords.

    Searches people typed weigh most, so they come twice; titles, headings and
    article keywords follow once each.
    """
    texts: list[str] = []
    for query in site_search_queries(site):
        texts += [query, query]
    for article in site.articles.order_by("id").only("title", "body", "keywords").iterator():
        if article.title:
            texts.append(article.title)
        texts += [text for kind, text in markdown_blocks(article.body) if kind == "heading"]
        texts += list(article.keywords or [])
    return [text for text in texts if text and text.strip()]


def site_search_queries(site: Site) -> list[str]:
    """Return the search queries known for the site: tracked keywords, and more as trends stores them.

    NOTE: extend this function when the trends app stores Search Console
    queries or Google Trends related queries, so the query model learns them.
    """
    return list(site.keywords.order_by("id").values_list("text", flat=True))


def _train_query_model(*, run: TrainingRun, work_dir: Path) -> ModelVersion:
    from lstm_engine.queries import train_query_model

    _check_training_data(site=run.site, kind=run.kind)
    texts = site_query_texts(run.site)
    progress = PhasedProgress.for_run(run, query_model_phases())
    progress.enter(TrainingPhase.PREPARING_QUERIES, "preparing %d query texts" % len(texts))
    started = time.monotonic()
    config, train_config = _query_model_configs()
    progress.enter(TrainingPhase.TRAINING_FORWARD, budget_seconds=train_config.max_seconds)

    def report(step: int, total: int, message: str) -> None:
        # The engine counts both directions on one scale: the forward network's steps
        # fill the first half and the backward network's the second.
        half = total // 2
        if step > half and progress.phase == TrainingPhase.TRAINING_FORWARD:
            progress.enter(TrainingPhase.TRAINING_BACKWARD, budget_seconds=train_config.max_seconds)
        if progress.phase == TrainingPhase.TRAINING_BACKWARD:
            step -= half
        progress.report(step, half, message)

    result = train_query_model(texts, work_dir, config=config, train_config=train_config, progress=report)
    progress.enter(TrainingPhase.SAVING_QUERY_MODEL)
    return _store_version(
        run=run,
        work_dir=work_dir,
        metrics=result.as_metrics(),
        config={"model": asdict(result.model.config)},
        beats_baseline=result.beats_baseline,
        seconds=time.monotonic() - started,
        items=result.queries,
    )


def _query_model_configs() -> tuple[Any, Any]:
    from lstm_engine.queries import QueryModelConfig, QueryTrainConfig

    if settings.SEOASSIST_TRAINING_PROFILE != "tiny":
        # Each of the two directions stops after 3,000 steps or 300 s. On an idle 2-core
        # machine the demo's model needs a few minutes in all. At a load of 3, a 900 s
        # budget let it run for 30 minutes while a language-model run waited behind it.
        return QueryModelConfig(), QueryTrainConfig(max_seconds=300)
    return (
        QueryModelConfig(embedding_size=16, hidden_size=48),
        QueryTrainConfig(max_steps=60, batch_size=16, learning_rate=1e-2, eval_every=30),
    )


def query_model_for_site(site: Site) -> tuple[ModelVersion, Any] | None:
    """Return the active query model version and its loaded model, or None."""
    from lstm_engine.queries import load_query_model

    return _active_model_load(site, ModelKind.QUERY_MODEL, load_query_model)
