from celery import shared_task


@shared_task(name="core.requeue_stuck_jobs", acks_late=True, soft_time_limit=100, time_limit=120)
def requeue_stuck_jobs_task() -> None:
    """Queue again the requests, imports and training runs whose broker message was lost."""
    from seoassist.core.jobs import jobs_requeue_stuck

    jobs_requeue_stuck()
