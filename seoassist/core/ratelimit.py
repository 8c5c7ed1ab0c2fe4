"""Per-user rate limits kept in Django's cache.

Each action allows `limit` uses per user in a fixed window of `window` seconds
(settings.SEOASSIST_RATE_LIMITS). With a per-process cache such as the default
local-memory one, each web process counts on its own. Configure a shared cache
(DJANGO_CACHE_URL) to count across processes and hosts.
"""
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from seoassist.core.exceptions import ApplicationError

logger = logging.getLogger(__name__)


class RateLimitExceeded(ApplicationError):
    """The user used an action more often than its limit allows; `retry_after` is in seconds."""

    def __init__(self, message: str, *, action: str, retry_after: int) -> None:
        super().__init__(message, extra={"action": action, "retry_after": retry_after})
        self.action = action
        self.retry_after = retry_after


def _action_label(action: str) -> str:
    labels = {
        "keyword_request": _("keyword requests"),
        "training_start": _("training starts"),
    }
    return labels.get(action, action)


def rate_limit_hit(*, user_id: int, action: str) -> None:
    """Count one use of `action` by the user; raise RateLimitExceeded past the limit.

    When the cache raises an error, the action goes through and a warning is
    logged, so an outage of a shared cache does not block editors.
    """
    limit, window = settings.SEOASSIST_RATE_LIMITS[action]
    now = time.time()
    bucket = int(now // window)
    key = f"ratelimit:{action}:{user_id}:{bucket}"
    try:
        cache.add(key, 0, timeout=window + 1)
        count = cache.incr(key)
    except Exception:  # noqa: BLE001 — any cache failure lets the action through
        logger.warning("Rate limit check for %s by user %s failed; allowing it", action, user_id)
        return
    if count > limit:
        retry_after = max(1, int((bucket + 1) * window - now))
        raise RateLimitExceeded(
            _(
                "You reached the limit of %(limit)d %(action)s per %(minutes)d minutes. "
                "Try again in %(wait)d minutes."
            )
            % {
                "limit": limit,
                "action": _action_label(action),
                "minutes": max(1, window // 60),
                "wait": max(1, (retry_after + 59) // 60),
            },
            action=action,
            retry_after=retry_after,
        )
