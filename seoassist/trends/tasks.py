from celery import shared_task
from celery.utils.log import get_task_logger

logger = get_task_logger(__name__)


@shared_task(
    name="trends.refresh_all_forecasts", acks_late=True, soft_time_limit=1700, time_limit=1800
)
def refresh_all_forecasts_task() -> None:
    """Recompute every tracked keyword's forecast with each site's active forecaster."""
    from seoassist.core.models import Site
    from seoassist.trends.services import keyword_forecasts_refresh

    for site in Site.objects.all():
        count = keyword_forecasts_refresh(site=site)
        logger.info("Refreshed %d forecasts for site %s", count, site.pk)
