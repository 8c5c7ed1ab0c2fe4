"""Health checks of the parts the app needs: database, broker and workers."""
import logging

from django.db import connection

logger = logging.getLogger(__name__)


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 — any failure means the database is unusable
        logger.exception("Health check: the database query failed")
        return "error"
    return "ok"


def broker_status() -> str:
    from seoassist.celery import app

    try:
        with app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1, timeout=2)
    except Exception:  # noqa: BLE001 — any failure means tasks cannot be queued
        logger.warning("Health check: the broker is unreachable")
        return "error"
    return "ok"


def worker_count() -> int | None:
    """Count the workers that reply to a ping within a second, or return None when the broker cannot ping."""
    from django.conf import settings

    from seoassist.celery import app

    if settings.CELERY_BROKER_URL.startswith("filesystem"):
        # The filesystem transport has no broadcast channel to ping workers over.
        return None
    try:
        replies = app.control.ping(timeout=1.0)
    except Exception:  # noqa: BLE001
        logger.warning("Health check: pinging the workers failed")
        return 0
    return len(replies or [])
