from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from seoassist.core.models import Role, Site
from seoassist.core.selectors import user_role_on_site
from seoassist.drafting.models import Draft, KeywordRequest


def keyword_request_list(*, site: Site, user: AbstractBaseUser) -> QuerySet[KeywordRequest]:
    requests = KeywordRequest.objects.filter(site=site).select_related("created_by", "draft")
    if user_role_on_site(user, site) == Role.EDITOR:
        requests = requests.filter(created_by=user)
    return requests


def keyword_request_get(*, site: Site, user: AbstractBaseUser, pk: int) -> KeywordRequest:
    return get_object_or_404(keyword_request_list(site=site, user=user), pk=pk)


def draft_list(*, site: Site, user: AbstractBaseUser) -> QuerySet[Draft]:
    """Editors see their own drafts; reviewers and admins see the whole site's."""
    drafts = Draft.objects.filter(site=site).select_related("owner")
    if user_role_on_site(user, site) == Role.EDITOR:
        drafts = drafts.filter(owner=user)
    return drafts


def draft_get(*, site: Site, user: AbstractBaseUser, pk: int) -> Draft:
    return get_object_or_404(draft_list(site=site, user=user), pk=pk)
