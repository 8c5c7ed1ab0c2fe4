"""The errors a task retries, and how: only failures that a later attempt can outlive."""
from django.conf import settings
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

# A busy or briefly unreachable database (SQLite "database is locked", a PostgreSQL
# restart) and a lost broker or Redis connection. Everything else fails at once.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    BrokerOperationalError,
    RedisConnectionError,
    RedisTimeoutError,
    ConnectionError,
)


def transient_retry_options() -> dict:
    """Return shared_task options that retry TRANSIENT_ERRORS with bounded, jittered backoff."""
    return {
        "autoretry_for": TRANSIENT_ERRORS,
        "retry_backoff": 2,
        "retry_backoff_max": settings.SEOASSIST_TASK_RETRY_BACKOFF_MAX,
        "retry_jitter": True,
        "max_retries": settings.SEOASSIST_TASK_MAX_RETRIES,
    }
