from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.utils.log import get_task_logger
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from seoassist.core.retry import TRANSIENT_ERRORS, transient_retry_options

logger = get_task_logger(__name__)


def _on_request_failure(self, exc, task_id, args, kwargs, einfo) -> None:
    from seoassist.drafting.models import KeywordRequest
    from seoassist.drafting.services import keyword_request_fail

    request_id = args[0] if args else kwargs.get("request_id")
    language = (
        KeywordRequest.objects.filter(pk=request_id).values_list("ui_language", flat=True).first()
    )
    with translation.override(language or settings.LANGUAGE_CODE):
        reason = _failure_reason(exc)
    keyword_request_fail(request_id=request_id, reason=reason)


def _failure_reason(exc: BaseException) -> str:
    """Describe the final failure for the editor, in the active language."""
    if isinstance(exc, SoftTimeLimitExceeded):
        return _(
            "Drafting took longer than its limit of %(seconds)d seconds and was stopped. "
            "Submit the keywords again with a shorter target length, or ask an administrator "
            "to raise SEOASSIST_DRAFTING_TIME_LIMIT."
        ) % {"seconds": settings.SEOASSIST_DRAFTING_TIME_LIMIT - 60}
    if isinstance(exc, TRANSIENT_ERRORS):
        return _(
            "Drafting failed %(attempts)d times because the database or the task queue was "
            "unreachable (%(error)s). Submit the keywords again once the service is back."
        ) % {"attempts": settings.SEOASSIST_TASK_MAX_RETRIES + 1, "error": type(exc).__name__}
    return getattr(exc, "message", None) or _(
        "Drafting stopped with an internal error (%(error)s). Submit the keywords again; "
        "if it keeps failing, ask an administrator to check the worker log."
    ) % {"error": type(exc).__name__}


@shared_task(
    name="drafting.keyword_request_run",
    acks_late=True,
    reject_on_worker_lost=True,
    on_failure=_on_request_failure,
    **transient_retry_options(),
)
def keyword_request_task(request_id: int) -> None:
    """Forecast and draft one request.

    Safe to run twice, so the message is acknowledged late: a rerun finds the
    finished draft and stops, and the job lease keeps a second delivery from
    drafting beside a live first one.
    """
    from seoassist.drafting.services import keyword_request_execute

    keyword_request_execute(request_id=request_id)
