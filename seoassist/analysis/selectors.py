from django.db.models import QuerySet

from seoassist.analysis.models import CheckDismissal
from seoassist.drafting.models import Draft


def check_dismissal_list(*, draft: Draft) -> QuerySet[CheckDismissal]:
    return CheckDismissal.objects.filter(draft=draft).select_related("dismissed_by")
