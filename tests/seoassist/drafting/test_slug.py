"""When an English draft's slug follows its title on the editor page, and the first export time."""
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from seoassist.drafting.models import Draft, DraftComment, DraftStatus
from seoassist.drafting.services import (
    draft_export,
    draft_slug_follows_title,
    draft_slug_from_title,
    draft_transition,
)

pytestmark = pytest.mark.django_db


class SlugFromTitleTests:
    def test_ascii_words_joined_by_hyphens(self):
        assert draft_slug_from_title("Déménagement Quotes: Compare 3 Firms!") == (
            "demenagement-quotes-compare-3-firms"
        )

    def test_cut_to_80_characters_without_trailing_hyphen(self):
        slug = draft_slug_from_title("word " * 40)
        assert len(slug) <= 80
        assert not slug.endswith("-")


class SlugFollowsTitleTests:
    def test_generated_slug_of_new_english_draft_follows(self, english_draft):
        assert english_draft.slug == draft_slug_from_title(english_draft.title)
        assert draft_slug_follows_title(draft=english_draft)

    def test_hand_written_slug_does_not_follow(self, english_draft):
        english_draft.slug = "allergy-guide"
        assert not draft_slug_follows_title(draft=english_draft)

    def test_exported_draft_does_not_follow(self, english_draft):
        english_draft.status = DraftStatus.EXPORTED
        assert not draft_slug_follows_title(draft=english_draft)

    def test_reopened_exported_draft_does_not_follow(self, english_draft):
        english_draft.exported_at = timezone.now()
        assert english_draft.status == DraftStatus.DRAFT
        assert not draft_slug_follows_title(draft=english_draft)

    def test_japanese_draft_does_not_follow(self, site, editor_user):
        draft = Draft(
            site=site, owner=editor_user, language="ja", keywords=["花粉症"],
            title="Kafun tips", slug="kafun-tips",
        )
        assert not draft_slug_follows_title(draft=draft)


class ExportMarkerTests:
    def test_first_export_time_is_kept(self, editor_user, admin_user, english_draft):
        english_draft.status = DraftStatus.APPROVED
        english_draft.save()

        draft_export(draft=english_draft, user=editor_user, export_format="markdown")
        english_draft.refresh_from_db()
        first = english_draft.exported_at
        assert first is not None

        draft_export(draft=english_draft, user=editor_user, export_format="html")
        english_draft.refresh_from_db()
        assert english_draft.exported_at == first

        reopened = draft_transition(draft=english_draft, user=admin_user, action="reopen")
        reopened.refresh_from_db()
        assert reopened.status == DraftStatus.DRAFT
        assert reopened.exported_at == first
        assert not draft_slug_follows_title(draft=reopened)


class EditorSlugAttributeTests:
    def _html(self, client, user, draft):
        client.force_login(user)
        return client.get(reverse("drafting:draft_edit", args=[draft.pk])).content.decode()

    def test_new_english_draft_follows(self, client, editor_user, english_draft):
        html = self._html(client, editor_user, english_draft)
        assert 'data-slug-follows-title="on"' in html
        assert "seoassist/js/draft-slug.js" in html

    def test_reopened_draft_does_not_follow(self, client, editor_user, english_draft):
        english_draft.exported_at = timezone.now()
        english_draft.save()
        html = self._html(client, editor_user, english_draft)
        assert 'data-slug-follows-title="off"' in html

    def test_reader_without_edit_right_does_not_follow(self, client, reviewer_user, english_draft):
        html = self._html(client, reviewer_user, english_draft)
        assert 'data-slug-follows-title="off"' in html


@pytest.fixture
def migrations_restored(transactional_db):
    """Leave the database at the latest migrations, whatever the test migrated to."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


class ExportedAtMigrationTests:
    def test_marks_exported_and_reopened_drafts(self, migrations_restored, site):
        exported = Draft.objects.create(
            site=site, language="en", title="A", status=DraftStatus.EXPORTED
        )
        reopened = Draft.objects.create(site=site, language="en", title="B")
        DraftComment.objects.create(
            draft=reopened, body="Fix the date.", status_before=DraftStatus.EXPORTED,
            status_after=DraftStatus.DRAFT,
        )
        never = Draft.objects.create(site=site, language="en", title="C")

        executor = MigrationExecutor(connection)
        executor.migrate([("drafting", "0003_revision_note_code")])
        executor = MigrationExecutor(connection)
        executor.migrate([("drafting", "0004_draft_exported_at")])

        assert Draft.objects.get(pk=exported.pk).exported_at is not None
        assert Draft.objects.get(pk=reopened.pk).exported_at is not None
        assert Draft.objects.get(pk=never.pk).exported_at is None
