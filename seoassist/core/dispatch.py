"""Send Celery tasks without losing the row that asked for them."""
import logging

from celery import Task

logger = logging.getLogger(__name__)


def task_send(task: Task, *args: object) -> bool:
    """Queue a task; when the broker is unreachable, log it and return False.

    The caller's row is already saved as queued, so the periodic sweeper
    (core.requeue_stuck_jobs) sends it again once the broker is back.
    """
    try:
        task.delay(*args)
    except Exception:  # noqa: BLE001 — any broker failure must leave the saved row alone
        logger.exception("Could not queue %s%r; it stays queued for the sweeper", task.name, args)
        return False
    return True
