from celery import shared_task
from celery.utils.log import get_task_logger
from django.conf import settings
from django.db import OperationalError
from django.utils import translation
from django.utils.translation import gettext as _

logger = get_task_logger(__name__)

# Errors worth another try: the database was busy or briefly unreachable.
TRANSIENT_ERRORS = (OperationalError,)


def _on_request_failure(self, exc, task_id, args, kwargs, einfo) -> None:
    from seoassist.drafting.models import KeywordRequest
    from seoassist.drafting.services import keyword_request_fail

    request_id = args[0] if args else kwargs.get("request_id")
    language = (
        KeywordRequest.objects.filter(pk=request_id).values_list("ui_language", flat=True).first()
    )
    with translation.override(language or settings.LANGUAGE_CODE):
        reason = getattr(exc, "message", None) or _(
            "Drafting stopped with an internal error (%(error)s). Submit the keywords again; "
            "if it keeps failing, ask an administrator to check the worker log."
        ) % {"error": type(exc).__name__}
    keyword_request_fail(request_id=request_id, reason=reason)


@shared_task(
    name="drafting.keyword_request_run",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=5,
    retry_jitter=True,
    max_retries=3,
    soft_time_limit=600,
    time_limit=660,
    on_failure=_on_request_failure,
)
def keyword_request_task(request_id: int) -> None:
    """Forecast and draft one request; a rerun finds the finished draft and stops."""
    from seoassist.drafting.services import keyword_request_execute

    keyword_request_execute(request_id=request_id)
