"""The migration that stores seoassist's revision notes as codes, applied forward and backward."""
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from seoassist.drafting.models import Draft, DraftRevision, RevisionNote

BEFORE = ("drafting", "0002_draft_version_lock_comments")
AFTER = ("drafting", "0003_revision_note_code")


def _migrate(target: tuple[str, str]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return executor


@pytest.fixture
def migrations_restored(transactional_db):
    """Leave the database at the latest migrations, whatever the test migrated to."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def revisions(migrations_restored, site):
    """A draft with a typed note (revision 1) and seoassist's restore note (revision 2)."""
    draft = Draft.objects.create(site=site, language="en", title="Pollen tips", body="Body.")
    typed = DraftRevision.objects.create(draft=draft, number=1, title="Pollen tips", note="Checked")
    coded = DraftRevision.objects.create(
        draft=draft, number=2, title="Pollen tips",
        note_code=RevisionNote.RESTORED, note_params={"number": 1},
    )
    return typed, coded


class RevisionNoteMigrationTests:
    def test_backward_writes_coded_note_as_text(self, revisions, settings):
        typed, coded = revisions
        executor = _migrate(BEFORE)
        old_revision = executor.loader.project_state([BEFORE]).apps.get_model(
            "drafting", "DraftRevision"
        )
        with translation.override(settings.LANGUAGE_CODE):
            expected = translation.gettext("Restored from revision %(number)d") % {"number": 1}
        assert old_revision.objects.get(pk=coded.pk).note == expected
        assert old_revision.objects.get(pk=typed.pk).note == "Checked"

    def test_forward_keeps_stored_notes(self, revisions):
        typed, coded = revisions
        _migrate(BEFORE)
        _migrate(AFTER)
        typed.refresh_from_db()
        coded.refresh_from_db()
        assert (typed.note, typed.note_code, typed.note_params) == ("Checked", "", {})
        # After a round trip the note is plain text in the default language, shown as stored.
        assert coded.note_code == ""
        assert coded.note_text == coded.note
        assert coded.note
