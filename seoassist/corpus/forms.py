from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from seoassist.corpus.models import ImportKind, ImportSource

ARTICLE_EXTENSIONS = (
    ".zip", ".html", ".htm", ".xml", ".md", ".markdown", ".csv", ".jsonl", ".ndjson",
)
TRENDS_EXTENSIONS = (".csv", ".txt", ".zip")


class ImportUploadForm(forms.Form):
    """Choose what to import: an uploaded file, one web page, or the pages of a sitemap."""

    source = forms.ChoiceField(
        label=_("Import from"), choices=ImportSource.choices, initial=ImportSource.FILE
    )
    kind = forms.ChoiceField(label=_("What the file contains"), choices=ImportKind.choices)
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_(
            "Articles: a WordPress export (.xml from Tools → Export), a .zip or folder of HTML "
            "or Markdown files, an HTML file, or a CSV / JSON Lines file with title and body "
            "columns. Keyword data: a Google Trends “interest over time” or “related queries” "
            "CSV, a Search Console performance export (.zip or its CSV files), or a CSV with "
            "date, keyword and value columns."
        ),
    )
    url = forms.URLField(
        label=_("Address"),
        required=False,
        max_length=2000,
        assume_scheme="https",
        help_text=_("The address of an article page, or of a sitemap (sitemap.xml, sitemap "
                    "index or .xml.gz)."),
    )
    include_drafts = forms.BooleanField(
        label=_("Include drafts and private posts (WordPress, Markdown)"), required=False
    )
    include_attachments = forms.BooleanField(
        label=_("Include attachments (WordPress)"), required=False
    )

    error_messages = {
        "extension": _(
            "“%(name)s” has an extension that cannot be imported as %(kind)s; use one of %(allowed)s."
        ),
        "file_missing": _("Choose a file to upload."),
        "url_missing": _("Enter the address of the page or sitemap."),
        "too_large": _(
            "“%(name)s” is %(size)d MB; files up to %(limit)d MB can be uploaded. Split it and "
            "upload the parts."
        ),
        "web_trends": _("Keyword interest can only be imported from a file."),
    }

    def clean(self) -> dict:
        cleaned = super().clean()
        source = cleaned.get("source")
        kind = cleaned.get("kind")
        if source == ImportSource.FILE:
            self._clean_upload(cleaned.get("file"), kind)
        elif source in (ImportSource.URL, ImportSource.SITEMAP):
            if kind == ImportKind.TRENDS:
                self.add_error("kind", forms.ValidationError(
                    self.error_messages["web_trends"], code="web_trends"
                ))
            if not cleaned.get("url") and "url" not in self.errors:
                self.add_error("url", forms.ValidationError(
                    self.error_messages["url_missing"], code="url_missing"
                ))
        return cleaned

    def _clean_upload(self, upload, kind: str | None) -> None:
        if not upload:
            self.add_error("file", forms.ValidationError(
                self.error_messages["file_missing"], code="file_missing"
            ))
            return
        limit = settings.SEOASSIST_MAX_UPLOAD_BYTES
        if upload.size and upload.size > limit:
            self.add_error("file", forms.ValidationError(
                self.error_messages["too_large"], code="too_large",
                params={"name": upload.name, "size": upload.size // (1024 * 1024),
                        "limit": limit // (1024 * 1024)},
            ))
            return
        if kind:
            allowed = TRENDS_EXTENSIONS if kind == ImportKind.TRENDS else ARTICLE_EXTENSIONS
            if not upload.name.lower().endswith(allowed):
                self.add_error("file", forms.ValidationError(
                    self.error_messages["extension"],
                    code="extension",
                    params={
                        "name": upload.name,
                        "kind": ImportKind(kind).label,
                        "allowed": ", ".join(allowed),
                    },
                ))
