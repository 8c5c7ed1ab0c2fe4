import pytest

from seoassist.drafting.models import Draft, DraftRevision


@pytest.fixture
def reviewer_user(db, site):
    from seoassist.core.models import Role
    from seoassist.core.services import membership_set, user_create

    user = user_create(username="reviewer", password="reviewer-pass-123")
    membership_set(user=user, site=site, role=Role.REVIEWER)
    return user


@pytest.fixture
def second_editor(db, site):
    from seoassist.core.models import Role
    from seoassist.core.services import membership_set, user_create

    user = user_create(username="colleague", password="colleague-pass-123")
    membership_set(user=user, site=site, role=Role.EDITOR)
    return user


@pytest.fixture
def english_draft(site, editor_user):
    created = Draft.objects.create(
        site=site, owner=editor_user, language="en", keywords=["pollen allergy", "tips"],
        title="Pollen allergy tips", slug="pollen-allergy-tips",
        meta_description="Ten tips for the pollen season.",
        body="## Before the season\n\nSee a doctor early.\n\n## Outdoors\n\nWear a mask.\n",
    )
    DraftRevision.objects.create(
        draft=created, number=1, title=created.title, slug=created.slug,
        meta_description=created.meta_description, body=created.body,
    )
    return created
