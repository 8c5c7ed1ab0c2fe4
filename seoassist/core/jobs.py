"""Recovery of jobs whose broker message was lost."""
import logging

logger = logging.getLogger(__name__)


def jobs_requeue_unfinished() -> int:
    """Dispatch again every training run, import and keyword request left running.

    The filesystem broker keeps queued messages on disk, but a message that a
    worker had taken is gone once that worker stops. Only call this when no
    worker is running, for example before the embedded quickstart starts its
    workers: every task is safe to run twice.
    """
    from seoassist.core.models import JobStatus
    from seoassist.corpus.models import ImportJob
    from seoassist.corpus.services import import_job_dispatch
    from seoassist.drafting.models import KeywordRequest, RequestStatus
    from seoassist.drafting.services import keyword_request_dispatch
    from seoassist.engine.models import TrainingRun
    from seoassist.engine.services import training_run_dispatch

    unfinished = [JobStatus.RUNNING]
    count = 0
    for run_id in TrainingRun.objects.filter(status__in=unfinished).values_list("pk", flat=True):
        training_run_dispatch(run_id=run_id)
        count += 1
    for job_id in ImportJob.objects.filter(status__in=unfinished).values_list("pk", flat=True):
        import_job_dispatch(job_id=job_id)
        count += 1
    requests = KeywordRequest.objects.filter(status=RequestStatus.RUNNING).values_list(
        "pk", flat=True
    )
    for request_id in requests:
        keyword_request_dispatch(request_id=request_id)
        count += 1
    logger.info("Queued %d unfinished jobs again", count)
    return count


def jobs_requeue_stuck(*, queued_seconds: int = 600, silent_seconds: int = 1800) -> int:
    """Dispatch again the jobs whose broker message seems lost.

    A job queued for longer than `queued_seconds` never reached a worker,
    because the broker was down or a stopped worker took its filesystem-broker
    message along. A running job that has not written progress for
    `silent_seconds` lost its worker. Every task is safe to run twice, and
    training resumes from its checkpoint.
    """
    from datetime import timedelta

    from django.utils import timezone

    from seoassist.core.models import JobStatus
    from seoassist.corpus.models import ImportJob
    from seoassist.corpus.services import import_job_dispatch
    from seoassist.drafting.models import KeywordRequest, RequestStatus
    from seoassist.drafting.services import keyword_request_dispatch
    from seoassist.engine.models import TrainingRun
    from seoassist.engine.services import training_run_dispatch

    now = timezone.now()
    queued_cutoff = now - timedelta(seconds=queued_seconds)
    silent_cutoff = now - timedelta(seconds=silent_seconds)
    count = 0
    for model, queued, running, dispatch, argument in (
        (TrainingRun, JobStatus.QUEUED, JobStatus.RUNNING, training_run_dispatch, "run_id"),
        (ImportJob, JobStatus.QUEUED, JobStatus.RUNNING, import_job_dispatch, "job_id"),
        (KeywordRequest, RequestStatus.QUEUED, RequestStatus.RUNNING, keyword_request_dispatch,
         "request_id"),
    ):
        stuck = model.objects.filter(status=queued, updated_at__lt=queued_cutoff).values_list(
            "pk", flat=True
        )
        silent = model.objects.filter(status=running, updated_at__lt=silent_cutoff).values_list(
            "pk", flat=True
        )
        for pk in [*stuck, *silent]:
            model.objects.filter(pk=pk).update(updated_at=now)
            dispatch(**{argument: pk})
            count += 1
    if count:
        logger.warning("Queued %d stuck jobs again", count)
    return count
