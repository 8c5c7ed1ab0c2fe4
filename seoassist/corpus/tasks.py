from celery import shared_task
from django.conf import settings
from django.db import OperationalError
from django.utils import translation
from django.utils.translation import gettext as _


def _on_import_failure(self, exc, task_id, args, kwargs, einfo) -> None:
    from django.utils import timezone

    from seoassist.core.models import JobStatus
    from seoassist.corpus.models import ImportJob

    job_id = args[0] if args else kwargs.get("job_id")
    language = ImportJob.objects.filter(pk=job_id).values_list("ui_language", flat=True).first()
    with translation.override(language or settings.LANGUAGE_CODE):
        reason = _(
            "The import stopped with an internal error (%(error)s). Check the worker log, then "
            "upload the file again: items already imported are skipped, the rest are added."
        ) % {"error": type(exc).__name__}
    ImportJob.objects.filter(pk=job_id).update(
        status=JobStatus.FAILED, finished_at=timezone.now(), error=reason
    )


@shared_task(
    name="corpus.import_job_run",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=5,
    max_retries=3,
    time_limit=3600,
    soft_time_limit=3500,
    on_failure=_on_import_failure,
)
def import_job_task(job_id: int) -> None:
    """Import one uploaded file; a rerun of a finished job does nothing."""
    from seoassist.corpus.services import import_job_execute

    import_job_execute(job_id=job_id)
