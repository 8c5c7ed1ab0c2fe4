from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from seoassist.core.models import Membership, Role, Site


def site_list_for_user(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Site]:
    """Return the sites a user may work on: all for superusers, else their memberships."""
    if not user.is_authenticated:
        return Site.objects.none()
    if user.is_superuser:
        return Site.objects.all()
    return Site.objects.filter(memberships__user=user).distinct()


def user_role_on_site(user: AbstractBaseUser, site: Site) -> str | None:
    """Return the user's role on the site, or None when the user is not a member."""
    if user.is_superuser:
        return Role.ADMIN
    membership = Membership.objects.filter(user=user, site=site).first()
    return membership.role if membership else None
