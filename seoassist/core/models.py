from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class Language(models.TextChoices):
    JAPANESE = "ja", _("Japanese")
    ENGLISH = "en", _("English")


class Site(TimeStampedModel):
    """A publication whose articles and keywords train its own models."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    language = models.CharField(
        _("main language"), max_length=2, choices=Language.choices, default=Language.JAPANESE
    )
    domain = models.CharField(
        _("domain"), max_length=253, blank=True, help_text=_("For example media.example.com.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    EDITOR = "editor", _("Editor")
    REVIEWER = "reviewer", _("Reviewer")
    ADMIN = "admin", _("Site administrator")


class Membership(TimeStampedModel):
    """A user's role on one site; editors see only the sites they belong to."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("site")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.EDITOR)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "site"], name="unique_membership_per_site")
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.site} ({self.get_role_display()})"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


def progress_percent(status: str, step: int, total: int) -> int:
    """Return a job's progress in percent; a succeeded job is complete whatever its count."""
    if status == JobStatus.SUCCEEDED:
        return 100
    if not total:
        return 0
    return min(100, int(100 * step / total))


class ProgressModel(TimeStampedModel):
    """A long job whose progress the browser shows as a bar."""

    status = models.CharField(
        _("status"), max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED,
        db_index=True,
    )
    progress_step = models.PositiveIntegerField(_("step"), default=0)
    progress_total = models.PositiveIntegerField(_("total steps"), default=0)
    progress_message = models.CharField(_("progress"), max_length=300, blank=True)
    error = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    ui_language = models.CharField(
        _("language of messages"), max_length=10, default="ja",
        help_text=_("The interface language of whoever started the job; its messages use it."),
    )

    class Meta:
        abstract = True

    @property
    def progress_percent(self) -> int:
        return progress_percent(self.status, self.progress_step, self.progress_total)

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)

    @property
    def progress_label(self) -> str:
        """Describe the progress in the active language; the stored message is for logs."""
        if self.status == JobStatus.QUEUED:
            return str(_("Waiting for a worker"))
        if self.status == JobStatus.RUNNING and self.progress_total > 1:
            return str(
                _("Step %(step)d of %(total)d")
                % {"step": self.progress_step, "total": self.progress_total}
            )
        if self.status == JobStatus.RUNNING:
            return str(_("Preparing"))
        return ""


# Lease keys are "<kind>:<id>"; these name the kinds of job that take a lease.
JOB_KIND_LABELS = {"training_run": _("training run"), "keyword_request": _("keyword request")}


class JobLease(models.Model):
    """The worker that executes a job now; while the lease lives, no other worker runs the job.

    The holder renews `expires_at` from a heartbeat thread. A lease that
    expired belongs to a worker that died, so another worker may take it over.
    """

    job = models.CharField(_("job"), max_length=100, unique=True)
    holder = models.CharField(_("worker"), max_length=200)
    acquired_at = models.DateTimeField(_("acquired"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), db_index=True)

    class Meta:
        verbose_name = _("job lease")
        verbose_name_plural = _("job leases")

    def __str__(self) -> str:
        return _("%(job)s held by %(holder)s") % {"job": self.job_label, "holder": self.holder}

    @property
    def job_label(self) -> str:
        """Name the job in the reader's language ("Training run #2"), or give its key as stored."""
        kind, _separator, number = self.job.partition(":")
        label = JOB_KIND_LABELS.get(kind)
        return f"{capfirst(label)} #{number}" if label and number else self.job
