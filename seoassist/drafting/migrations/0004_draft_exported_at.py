from django.db import migrations, models


def exported_at_backfill(apps, schema_editor):
    """Mark the drafts that were exported before the first export time was stored.

    A draft is known to have been exported when its status is exported, or when a
    review comment records a change away from the exported status (a reopen). Drafts
    reopened without a comment left no trace, so they stay unmarked. The last change
    time is the best available stand-in for the export time.
    """
    Draft = apps.get_model("drafting", "Draft")
    DraftComment = apps.get_model("drafting", "DraftComment")
    alias = schema_editor.connection.alias
    reopened = DraftComment.objects.using(alias).filter(status_before="exported").values("draft_id")
    drafts = Draft.objects.using(alias).filter(exported_at__isnull=True).filter(
        models.Q(status="exported") | models.Q(pk__in=reopened)
    )
    for draft in drafts.only("pk", "updated_at"):
        Draft.objects.using(alias).filter(pk=draft.pk).update(exported_at=draft.updated_at)


class Migration(migrations.Migration):

    dependencies = [
        ('drafting', '0003_revision_note_code'),
    ]

    operations = [
        migrations.AddField(
            model_name='draft',
            name='exported_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='first exported'),
        ),
        migrations.RunPython(exported_at_backfill, migrations.RunPython.noop),
    ]
