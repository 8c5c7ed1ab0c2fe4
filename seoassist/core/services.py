from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from seoassist.core.models import Language, Membership, Role, Site


@transaction.atomic
def site_create(*, name: str, slug: str, language: str = Language.JAPANESE, domain: str = "") -> Site:
    site = Site(name=name, slug=slug, language=language, domain=domain)
    site.full_clean()
    site.save()
    return site


@transaction.atomic
def membership_set(*, user: AbstractBaseUser, site: Site, role: str = Role.EDITOR) -> Membership:
    membership, _ = Membership.objects.update_or_create(
        user=user, site=site, defaults={"role": role}
    )
    return membership


def user_create(*, username: str, password: str, is_superuser: bool = False) -> AbstractBaseUser:
    user_model = get_user_model()
    if is_superuser:
        return user_model.objects.create_superuser(username=username, password=password)
    return user_model.objects.create_user(username=username, password=password)
