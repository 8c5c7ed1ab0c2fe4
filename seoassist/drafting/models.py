import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from seoassist.core.models import Language, Site, TimeStampedModel, progress_percent


class RequestStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    WAITING_FOR_MODEL = "waiting_for_model", _("Waiting for the site's first models")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Finished")
    FAILED = "failed", _("Failed")


class RelatedSource(models.TextChoices):
    MODEL = "model", _("Articles and the related-search model")
    # The site had a related-search model, but none of its predictions passed the rules.
    ARTICLES = "articles", _("Articles; no prediction passed the checks")
    NO_MODEL = "no_model", _("Articles; no related-search model yet")


class KeywordRequest(TimeStampedModel):
    """An editor's target keywords; a worker forecasts them and drafts an article."""

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="keyword_requests", verbose_name=_("site")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="keyword_requests", verbose_name=_("requested by"),
    )
    keywords = models.JSONField(_("keywords"))
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    target_length = models.PositiveIntegerField(
        _("target length"), help_text=_("Characters for Japanese, words for English.")
    )
    idempotency_key = models.UUIDField(
        _("idempotency key"), default=uuid.uuid4, unique=True, editable=False
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.QUEUED,
        db_index=True,
    )
    progress_step = models.PositiveIntegerField(_("step"), default=0)
    progress_total = models.PositiveIntegerField(_("total steps"), default=0)
    progress_message = models.CharField(_("progress"), max_length=300, blank=True)
    error = models.TextField(_("error"), blank=True)
    related_keywords = models.JSONField(_("related keywords"), default=list, blank=True)
    # Where the related keywords came from. Blank for requests drafted before it was recorded.
    related_source = models.CharField(
        _("source of the related keywords"), max_length=20, choices=RelatedSource.choices,
        blank=True, editable=False,
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    ui_language = models.CharField(_("language of messages"), max_length=10, default="ja")
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("keyword request")
        verbose_name_plural = _("keyword requests")

    def __str__(self) -> str:
        return ", ".join(self.keywords)

    @property
    def progress_percent(self) -> int:
        return progress_percent(self.status, self.progress_step, self.progress_total)

    @property
    def is_finished(self) -> bool:
        return self.status in (RequestStatus.SUCCEEDED, RequestStatus.FAILED)

    @property
    def progress_label(self) -> str:
        """Describe the current step in the active language."""
        if self.status == RequestStatus.QUEUED:
            return str(_("Waiting for a worker"))
        if self.status != RequestStatus.RUNNING:
            return ""
        labels = {
            1: _("Forecasting demand"),
            2: _("Finding related keywords"),
            3: _("Writing the draft"),
        }
        return str(labels.get(self.progress_step, ""))


class RequestForecast(models.Model):
    """The demand forecast of one keyword of a request, as the editor saw it."""

    request = models.ForeignKey(
        KeywordRequest, on_delete=models.CASCADE, related_name="forecasts",
        verbose_name=_("keyword request"),
    )
    keyword = models.CharField(_("keyword"), max_length=200)
    method = models.CharField(_("method"), max_length=40, blank=True)
    direction = models.CharField(_("direction"), max_length=10)
    change_percent = models.FloatField(_("change (%)"), null=True, blank=True)
    history = models.JSONField(_("history"), default=list)
    points = models.JSONField(_("forecast points"), default=list)
    backtest = models.JSONField(_("backtest"), default=dict, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("keyword forecast in a request")
        verbose_name_plural = _("keyword forecasts in requests")

    def __str__(self) -> str:
        return f"{self.keyword}: {self.direction_label}"

    @property
    def horizon(self) -> int:
        return len(self.points)

    @property
    def publish_by(self):  # noqa: ANN201
        """The suggested publishing date before the next seasonal peak, or None."""
        return _backtest_date(self.backtest, "publish_by")

    @property
    def peak_date(self):  # noqa: ANN201
        """The next seasonal peak the publishing date prepares for, or None."""
        return _backtest_date(self.backtest, "peak_date")

    @property
    def method_label(self) -> str:
        from seoassist.trends.labels import method_label

        return method_label(self.method)

    @property
    def direction_label(self) -> str:
        from seoassist.trends.labels import direction_label

        return direction_label(self.direction)


def _backtest_date(backtest: dict, key: str):  # noqa: ANN202
    import datetime

    value = (backtest or {}).get(key)
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


class DraftStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    EXPORTED = "exported", _("Exported")


class Draft(TimeStampedModel):
    """An article draft an editor works on; every save adds a revision."""

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="drafts", verbose_name=_("site")
    )
    request = models.OneToOneField(
        KeywordRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="draft",
        verbose_name=_("keyword request"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="drafts", verbose_name=_("owner"),
    )
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    keywords = models.JSONField(_("keywords"), default=list)
    title = models.CharField(_("title"), max_length=300)
    title_candidates = models.JSONField(_("title candidates"), default=list, blank=True)
    slug = models.SlugField(_("slug"), max_length=200, blank=True, allow_unicode=True)
    meta_description = models.CharField(_("meta description"), max_length=500, blank=True)
    body = models.TextField(_("body (Markdown)"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=DraftStatus.choices, default=DraftStatus.DRAFT
    )
    generation = models.JSONField(_("generation details"), default=dict, blank=True)
    # Set by the first export and kept when the draft is reopened. Once a draft has been
    # published under its slug, the editor page no longer changes the slug with the title.
    exported_at = models.DateTimeField(_("first exported"), null=True, blank=True, editable=False)
    # Optimistic concurrency: every save names the version it started from and
    # raises the number by one, so a save from an older version is detected.
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("draft")
        verbose_name_plural = _("drafts")

    def __str__(self) -> str:
        return self.title


class RevisionNote(models.TextChoices):
    """Codes of the notes that seoassist writes on a revision.

    Each label is the note's text with placeholders for its parameters. A revision stores
    the code and the parameters, and a page translates the note when it shows it, so each
    reader sees the note in their own interface language.
    """

    GENERATED = "generated", _("Generated")
    AUTOSAVE = "autosave", _("Autosave")
    # Parameter: number, the revision that was copied.
    RESTORED = "restored", _("Restored from revision %(number)d")
    # Parameters: index (0 is the introduction) and version, the model version's number.
    # Newer rows also store heading and served_by and read as SECTION_NOTES below. This
    # label is the text of the rows saved before those two parameters existed.
    SECTION_REGENERATED = (
        "section_regenerated",
        _("Section %(index)d regenerated with model version %(version)d"),
    )


# The notes of a section rewrite that stored its heading and scorer (served_by), by the
# part of the draft rewritten. written_by is the editor's "written by …" label.
SECTION_NOTES = {
    "introduction": _("Introduction rewritten (%(written_by)s)"),
    "heading": _("Section “%(heading)s” rewritten (%(written_by)s)"),
    # A "## " line without text gives a section without a heading.
    "untitled": _("Section %(index)d rewritten (%(written_by)s)"),
}


def _section_note(params: dict) -> str:
    """Return the note of a section rewrite whose parameters name its heading and scorer."""
    from seoassist.drafting.labels import written_by_label

    values = {**params, "written_by": written_by_label(params["served_by"], params.get("version"))}
    if params.get("index") == 0:
        return str(SECTION_NOTES["introduction"]) % values
    if params.get("heading"):
        return str(SECTION_NOTES["heading"]) % values
    return str(SECTION_NOTES["untitled"]) % values


class DraftRevision(models.Model):
    """A saved state of a draft."""

    draft = models.ForeignKey(
        Draft, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("draft")
    )
    number = models.PositiveIntegerField(_("revision"))
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=200, blank=True, allow_unicode=True)
    meta_description = models.CharField(_("meta description"), max_length=500, blank=True)
    body = models.TextField(_("body (Markdown)"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="draft_revisions", verbose_name=_("author"),
    )
    # A note that a person typed, shown as typed. Rows saved before note codes existed
    # also keep seoassist's notes here, in the language of the user or worker that saved them.
    note = models.CharField(_("note"), max_length=200, blank=True)
    # A note that seoassist wrote: a RevisionNote code and its parameters, empty for none.
    note_code = models.CharField(_("note code"), max_length=40, blank=True)
    note_params = models.JSONField(_("note parameters"), default=dict, blank=True)
    created_at = models.DateTimeField(_("saved"), auto_now_add=True)

    class Meta:
        ordering = ["draft", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "number"], name="unique_revision_number")
        ]
        verbose_name = _("draft revision")
        verbose_name_plural = _("draft revisions")

    def __str__(self) -> str:
        return f"{self.draft} r{self.number}"

    @property
    def note_text(self) -> str:
        """The displayed note: seoassist's note in the active language, else the typed note."""
        if not self.note_code:
            return self.note
        params = self.note_params or {}
        try:
            if self.note_code == RevisionNote.SECTION_REGENERATED and "served_by" in params:
                return _section_note(params)
            return str(RevisionNote(self.note_code).label) % params
        except (ValueError, KeyError, TypeError):
            # An unknown code (ValueError) or parameters that do not fit the note's placeholders.
            return self.note


# An editor page sends a heartbeat every 30 s; a lock without one for this long is free.
LOCK_TIMEOUT = timedelta(minutes=2)


class DraftLock(models.Model):
    """The editor who has a draft open for editing, kept alive by the page's heartbeat."""

    draft = models.OneToOneField(
        Draft, on_delete=models.CASCADE, primary_key=True, related_name="lock",
        verbose_name=_("draft"),
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="draft_locks",
        verbose_name=_("locked by"),
    )
    # One token per opened editor page, so a page can tell that another page took over.
    token = models.UUIDField(_("editor page token"), default=uuid.uuid4)
    acquired_at = models.DateTimeField(_("locked since"))
    heartbeat_at = models.DateTimeField(_("last heartbeat"))

    class Meta:
        verbose_name = _("edit lock")
        verbose_name_plural = _("edit locks")

    def __str__(self) -> str:
        return f"{self.draft} ({self.holder})"


class DraftComment(models.Model):
    """A reviewer's remark on a draft, also stored when a reviewer sends a draft back."""

    draft = models.ForeignKey(
        Draft, on_delete=models.CASCADE, related_name="comments", verbose_name=_("draft")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="draft_comments", verbose_name=_("author"),
    )
    body = models.TextField(_("comment"))
    status_before = models.CharField(
        _("status before"), max_length=20, choices=DraftStatus.choices, blank=True
    )
    status_after = models.CharField(
        _("status after"), max_length=20, choices=DraftStatus.choices, blank=True
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        ordering = ["draft", "-created_at", "-id"]
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")

    def __str__(self) -> str:
        return f"{self.draft}: {self.body[:40]}"


class DraftEventKind(models.TextChoices):
    """Workflow events in a draft's history. Each workflow action records the event of its name.

    Each label names a kind of event. DraftEvent.text describes one event with its
    parameters, in the reader's language.
    """

    SUBMIT = "submit", _("Submitted for review")
    WITHDRAW = "withdraw", _("Withdrawn from review")
    APPROVE = "approve", _("Approved for export")
    SEND_BACK = "send_back", _("Sent back to the editor")
    REOPEN = "reopen", _("Reopened for editing")
    EXPORT = "export", _("Exported")


# The text of an export event. Parameters: revision, the exported revision's number, and
# format, the export format's name.
EXPORT_EVENT_TEXT = _("Revision %(revision)d exported as %(format)s")


# Names of the export formats as the pages show them, by the code that DraftEvent stores.
EXPORT_FORMAT_LABELS = {
    "markdown": _("Markdown"),
    "html": _("HTML"),
    "wxr": _("WordPress (WXR)"),
}


class DraftEvent(models.Model):
    """A workflow step or an export of a draft, kept in the draft's history beside its revisions."""

    draft = models.ForeignKey(
        Draft, on_delete=models.CASCADE, related_name="events", verbose_name=_("draft")
    )
    kind = models.CharField(_("event"), max_length=20, choices=DraftEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="draft_events", verbose_name=_("user"),
    )
    status_before = models.CharField(
        _("status before"), max_length=20, choices=DraftStatus.choices
    )
    status_after = models.CharField(_("status after"), max_length=20, choices=DraftStatus.choices)
    # The draft's latest revision when the event happened, or None for a draft without revisions.
    revision_number = models.PositiveIntegerField(_("revision"), null=True, blank=True)
    # The export format code of an export event, empty for the other events.
    export_format = models.CharField(_("export format"), max_length=20, blank=True)
    # The comment written with the step, such as the reason for sending the draft back.
    comment = models.OneToOneField(
        DraftComment, on_delete=models.SET_NULL, null=True, blank=True, related_name="event",
        verbose_name=_("review comment"),
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["draft", "-created_at", "-id"]
        verbose_name = _("workflow event")
        verbose_name_plural = _("workflow events")

    def __str__(self) -> str:
        return f"{self.draft}: {self.text}"

    @property
    def export_format_label(self) -> str:
        """The export format's name in the active language, or "" for the other events."""
        return str(EXPORT_FORMAT_LABELS.get(self.export_format, self.export_format))

    @property
    def text(self) -> str:
        """The event's description in the active language."""
        if self.kind != DraftEventKind.EXPORT:
            return str(self.get_kind_display())
        if self.revision_number is None:
            return str(_("Exported as %(format)s")) % {"format": self.export_format_label}
        return str(EXPORT_EVENT_TEXT) % {
            "revision": self.revision_number, "format": self.export_format_label,
        }
