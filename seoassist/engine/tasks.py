from celery import shared_task
from celery.utils.log import get_task_logger
from django.conf import settings
from django.db import OperationalError
from django.utils import translation
from django.utils.translation import gettext as _

logger = get_task_logger(__name__)

TRANSIENT_ERRORS = (OperationalError,)


def _on_training_failure(self, exc, task_id, args, kwargs, einfo) -> None:
    from seoassist.engine.models import TrainingRun
    from seoassist.engine.services import training_run_fail

    run_id = args[0] if args else kwargs.get("run_id")
    language = TrainingRun.objects.filter(pk=run_id).values_list("ui_language", flat=True).first()
    with translation.override(language or settings.LANGUAGE_CODE):
        reason = getattr(exc, "message", None) or _(
            "Training stopped with an internal error (%(error)s: %(detail)s). "
            "Check the worker log."
        ) % {"error": type(exc).__name__, "detail": str(exc)[:300]}
        training_run_fail(run_id=run_id, reason=reason)


@shared_task(
    name="engine.training_run",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=30,
    max_retries=3,
    on_failure=_on_training_failure,
)
def training_run_task(run_id: int) -> None:
    """Train one model; a redelivered task resumes from the run's last checkpoint."""
    from seoassist.engine.services import training_run_execute

    training_run_execute(run_id=run_id)


@shared_task(name="engine.retrain_all_sites", soft_time_limit=280, time_limit=300)
def retrain_all_sites_task() -> None:
    """Queue a language-model and a forecaster run for every site that has the data."""
    from seoassist.core.exceptions import ApplicationError
    from seoassist.core.models import Site
    from seoassist.engine.models import ModelKind
    from seoassist.engine.services import training_run_start

    for site in Site.objects.all():
        for kind in ModelKind.values:
            try:
                training_run_start(site=site, kind=kind, trigger="schedule")
            except ApplicationError as error:
                logger.info("Skipped %s training for site %s: %s", kind, site.pk, error.message)
