from django import forms
from django.utils.translation import gettext_lazy as _

from seoassist.corpus.models import ImportKind

ARTICLE_EXTENSIONS = (".zip", ".html", ".htm", ".csv", ".jsonl", ".ndjson")
TRENDS_EXTENSIONS = (".csv", ".txt", ".zip")


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file contains"), choices=ImportKind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "Articles: a .zip of HTML files, an HTML file, or a CSV / JSON Lines file with "
            "title and body columns. Keyword data: a Google Trends “interest over time” or "
            "“related queries” CSV, a Search Console performance export (.zip or its CSV "
            "files), or a CSV with date, keyword and value columns."
        ),
    )

    error_messages = {
        "extension": _(
            "“%(name)s” has an extension that cannot be imported as %(kind)s; use one of %(allowed)s."
        ),
    }

    def clean(self) -> dict:
        cleaned = super().clean()
        upload = cleaned.get("file")
        kind = cleaned.get("kind")
        if upload and kind:
            allowed = TRENDS_EXTENSIONS if kind == ImportKind.TRENDS else ARTICLE_EXTENSIONS
            if not upload.name.lower().endswith(allowed):
                raise forms.ValidationError(
                    self.error_messages["extension"],
                    code="extension",
                    params={
                        "name": upload.name,
                        "kind": ImportKind(kind).label,
                        "allowed": ", ".join(allowed),
                    },
                )
        return cleaned
