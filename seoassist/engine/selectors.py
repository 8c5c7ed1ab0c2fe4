from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import QuerySet

from seoassist.core.models import JobStatus, Site
from seoassist.engine.models import LanguageModelSettings, ModelKind, ModelVersion, TrainingRun


@dataclass
class ModelStatus:
    version: ModelVersion | None
    run: TrainingRun | None

    @property
    def is_ready(self) -> bool:
        return self.version is not None

    @property
    def is_training(self) -> bool:
        return self.run is not None and self.run.status in (JobStatus.QUEUED, JobStatus.RUNNING)


def language_model_status(site: Site) -> ModelStatus:
    """Return the version serving drafts (active, else newest) and the newest run."""
    versions = ModelVersion.objects.filter(site=site, kind=ModelKind.LANGUAGE_MODEL)
    version = versions.filter(is_active=True).first() or versions.first()
    run = TrainingRun.objects.filter(site=site, kind=ModelKind.LANGUAGE_MODEL).first()
    return ModelStatus(version=version, run=run)


def first_forecaster_pending(site: Site) -> bool:
    """Tell whether the site has no forecaster yet and its first one is queued or training."""
    if ModelVersion.objects.filter(site=site, kind=ModelKind.FORECASTER).exists():
        return False
    return TrainingRun.objects.filter(
        site=site,
        kind=ModelKind.FORECASTER,
        status__in=[JobStatus.QUEUED, JobStatus.RUNNING],
    ).exists()


def model_version_list(*, site: Site) -> QuerySet[ModelVersion]:
    return ModelVersion.objects.filter(site=site).order_by("-created_at")


def language_model_settings_get(*, site: Site) -> LanguageModelSettings | None:
    """Return the site's own language-model settings, or None when it follows the presets."""
    return LanguageModelSettings.objects.filter(site=site).select_related("source_run").first()


def training_run_list(*, site: Site) -> QuerySet[TrainingRun]:
    return TrainingRun.objects.filter(site=site).select_related("model_version", "requested_by")


def training_runs_unfinished(*, site: Site, kinds: Sequence[str] | None = None) -> list[TrainingRun]:
    """Return the site's queued and running training runs, only of ``kinds`` when given."""
    runs = TrainingRun.objects.filter(site=site, status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
    if kinds is not None:
        runs = runs.filter(kind__in=kinds)
    return list(runs.select_related("model_version"))
