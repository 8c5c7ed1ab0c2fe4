from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.utils.log import get_task_logger
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from seoassist.core.retry import TRANSIENT_ERRORS, transient_retry_options

logger = get_task_logger(__name__)


def _on_training_failure(self, exc, task_id, args, kwargs, einfo) -> None:
    from seoassist.engine.models import TrainingRun
    from seoassist.engine.services import training_run_fail

    run_id = args[0] if args else kwargs.get("run_id")
    language = TrainingRun.objects.filter(pk=run_id).values_list("ui_language", flat=True).first()
    with translation.override(language or settings.LANGUAGE_CODE):
        training_run_fail(run_id=run_id, reason=_failure_reason(exc))


def _failure_reason(exc: BaseException) -> str:
    """Describe the final failure for the user, in the active language."""
    if isinstance(exc, SoftTimeLimitExceeded):
        return _(
            "Training took longer than its limit of %(seconds)d seconds and was stopped. "
            "Start it again to resume from the last checkpoint, or ask an administrator to "
            "raise SEOASSIST_TRAINING_TIME_LIMIT."
        ) % {"seconds": settings.SEOASSIST_TRAINING_TIME_LIMIT - 60}
    if isinstance(exc, TRANSIENT_ERRORS):
        return _(
            "Training failed %(attempts)d times because the database or the task queue was "
            "unreachable (%(error)s). Start it again once the service is back; it resumes "
            "from the last checkpoint."
        ) % {"attempts": settings.SEOASSIST_TASK_MAX_RETRIES + 1, "error": type(exc).__name__}
    return getattr(exc, "message", None) or _(
        "Training stopped with an internal error (%(error)s: %(detail)s). "
        "Check the worker log."
    ) % {"error": type(exc).__name__, "detail": str(exc)[:300]}


@shared_task(
    name="engine.training_run",
    acks_late=True,
    reject_on_worker_lost=True,
    on_failure=_on_training_failure,
    **transient_retry_options(),
)
def training_run_task(run_id: int) -> None:
    """Train one model.

    Safe to run twice, so the message is acknowledged late: a redelivered task
    resumes from the run's last checkpoint, and the job lease keeps it from
    training beside a live first delivery.
    """
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
