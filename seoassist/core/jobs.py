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


def jobs_requeue_stuck(
    *, queued_seconds: int | None = None, silent_seconds: int | None = None
) -> int:
    """Dispatch again the jobs whose broker message seems lost.

    A job queued for longer than `queued_seconds` never reached a worker,
    because the broker was down or a stopped worker took its filesystem-broker
    message along. The exception is a job kind with a live lease: its workers
    are busy, so the queued job is waiting its turn, as a training run does
    behind another on a worker that trains one run at a time.
    A running job whose worker holds no live lease and that has
    not written progress for `silent_seconds` lost its worker. Training runs
    and keyword requests renew a lease while they run, so they are dispatched
    again as soon as their lease expires; import jobs have no lease and wait
    for the silence. Every task is safe to run twice, the lease keeps two
    workers from running one job at once, and training resumes from its
    checkpoint.
    """
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from seoassist.core.leases import jobs_with_live_lease
    from seoassist.core.models import JobStatus
    from seoassist.corpus.models import ImportJob
    from seoassist.corpus.services import import_job_dispatch
    from seoassist.drafting.models import KeywordRequest, RequestStatus
    from seoassist.drafting.services import keyword_request_dispatch, keyword_request_lease_name
    from seoassist.engine.models import TrainingRun
    from seoassist.engine.services import training_run_dispatch, training_run_lease_name

    if queued_seconds is None:
        queued_seconds = settings.SEOASSIST_REQUEUE_QUEUED_SECONDS
    if silent_seconds is None:
        silent_seconds = settings.SEOASSIST_REQUEUE_SILENT_SECONDS
    lease_seconds = settings.SEOASSIST_JOB_LEASE_SECONDS
    now = timezone.now()
    queued_cutoff = now - timedelta(seconds=queued_seconds)
    # One row per job that a worker runs right now, so reading them all is cheap.
    live = jobs_with_live_lease()
    count = 0
    for model, queued, running, dispatch, argument, lease_name in (
        (TrainingRun, JobStatus.QUEUED, JobStatus.RUNNING, training_run_dispatch, "run_id",
         training_run_lease_name),
        (ImportJob, JobStatus.QUEUED, JobStatus.RUNNING, import_job_dispatch, "job_id", None),
        (KeywordRequest, RequestStatus.QUEUED, RequestStatus.RUNNING, keyword_request_dispatch,
         "request_id", keyword_request_lease_name),
    ):
        running_ids = list(model.objects.filter(status=running).values_list("pk", flat=True))
        workers_busy = lease_name is not None and any(lease_name(pk) in live for pk in running_ids)
        stuck = [] if workers_busy else list(
            model.objects.filter(status=queued, updated_at__lt=queued_cutoff).values_list(
                "pk", flat=True
            )
        )
        # Leased jobs prove their worker alive with the heartbeat, so a shorter silence counts.
        silence = silent_seconds if lease_name is None else min(silent_seconds, lease_seconds)
        running_rows = model.objects.filter(
            pk__in=running_ids, updated_at__lt=now - timedelta(seconds=silence)
        ).values_list("pk", flat=True)
        silent = [pk for pk in running_rows if lease_name is None or lease_name(pk) not in live]
        for pk in [*stuck, *silent]:
            model.objects.filter(pk=pk).update(updated_at=now)
            dispatch(**{argument: pk})
            count += 1
    if count:
        logger.warning("Queued %d stuck jobs again", count)
    return count
