from django import template
from django.utils import timezone

from seoassist.trends.publishing import PublishAdvice, publish_advice

register = template.Library()


@register.simple_tag
def publish_advice_today(publish_by, peak_date) -> PublishAdvice | None:  # noqa: ANN001
    """Return the publishing advice for the current local date, or None without a date."""
    if not publish_by:
        return None
    return publish_advice(publish_by, peak_date or None, timezone.localdate())
