"""Scheduled keyword-tracking jobs. Each takes a database lock, so it never runs twice at once."""
from celery import shared_task
from celery.utils.log import get_task_logger

logger = get_task_logger(__name__)

# Each lock expires a few minutes after its job's hard time limit, so a running job keeps it
# and the lock of a killed job frees itself.
REIMPORT_LOCK_SECONDS = 35 * 60
REFRESH_LOCK_SECONDS = 65 * 60
FLAG_LOCK_SECONDS = 15 * 60


@shared_task(name="tracking.reimport_trend_sources", soft_time_limit=25 * 60, time_limit=30 * 60)
def reimport_trend_sources_task() -> bool:
    """Import new or changed files from every enabled trend source and return whether it ran."""
    from seoassist.tracking.services import job_lock, trend_sources_check_all

    with job_lock("tracking.reimport_trend_sources", REIMPORT_LOCK_SECONDS) as acquired:
        if not acquired:
            logger.info("Trend re-import is already running; this run is skipped")
            return False
        trend_sources_check_all()
    return True


@shared_task(name="tracking.refresh_forecasts", soft_time_limit=55 * 60, time_limit=60 * 60)
def refresh_forecasts_task(threshold_percent: float | None = None) -> bool:
    """Refresh every tracked keyword's forecast, then flag keywords that rise or fall a lot.

    Running it twice in a row is safe: forecasts are overwritten and an open
    alert is updated rather than repeated.
    """
    from seoassist.tracking.services import forecasts_refresh_and_flag, job_lock

    with job_lock("tracking.refresh_forecasts", REFRESH_LOCK_SECONDS) as acquired:
        if not acquired:
            logger.info("Forecast refresh is already running; this run is skipped")
            return False
        count = forecasts_refresh_and_flag(threshold_percent=threshold_percent)
        logger.info("Refreshed %d keyword forecasts", count)
    return True


@shared_task(name="tracking.flag_keyword_alerts", soft_time_limit=10 * 60, time_limit=12 * 60)
def flag_keyword_alerts_task(threshold_percent: float | None = None) -> bool:
    """Flag keywords whose stored forecast changes by at least the threshold (percent)."""
    from seoassist.tracking.services import job_lock, keyword_alerts_flag

    with job_lock("tracking.flag_keyword_alerts", FLAG_LOCK_SECONDS) as acquired:
        if not acquired:
            logger.info("Alert flagging is already running; this run is skipped")
            return False
        keyword_alerts_flag(threshold_percent=threshold_percent)
    return True
