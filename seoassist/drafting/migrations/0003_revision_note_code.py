from django.conf import settings
from django.db import migrations, models
from django.utils import translation
from django.utils.translation import gettext_noop

# The notes of RevisionNote as this migration was written. The migration keeps its own
# copy so that it still runs after the model's list of codes changes.
NOTES = {
    "generated": gettext_noop("Generated"),
    "autosave": gettext_noop("Autosave"),
    "restored": gettext_noop("Restored from revision %(number)d"),
    "section_regenerated": gettext_noop(
        "Section %(index)d regenerated with model version %(version)d"
    ),
}


def notes_write_as_text(apps, schema_editor):
    """Write each coded note into `note` in the site's default language, before the codes go."""
    DraftRevision = apps.get_model("drafting", "DraftRevision")
    coded = (
        DraftRevision.objects.using(schema_editor.connection.alias)
        .exclude(note_code="")
        .only("pk", "note_code", "note_params")
    )
    with translation.override(settings.LANGUAGE_CODE):
        for revision in list(coded):
            message = NOTES.get(revision.note_code)
            if message is None:
                continue
            try:
                text = translation.gettext(message) % (revision.note_params or {})
            except (KeyError, TypeError):
                continue
            revision.note = text[:200]
            revision.save(update_fields=["note"])


class Migration(migrations.Migration):

    dependencies = [
        ('drafting', '0002_draft_version_lock_comments'),
    ]

    operations = [
        migrations.AddField(
            model_name='draftrevision',
            name='note_code',
            field=models.CharField(blank=True, max_length=40, verbose_name='note code'),
        ),
        migrations.AddField(
            model_name='draftrevision',
            name='note_params',
            field=models.JSONField(blank=True, default=dict, verbose_name='note parameters'),
        ),
        # Rows written before this migration keep their text in `note`, so going forward
        # changes no row. Going back turns the codes into text, which `note` shows alone.
        migrations.RunPython(migrations.RunPython.noop, notes_write_as_text),
    ]
