from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from seoassist.core.models import JobStatus, ProgressModel, Site, TimeStampedModel


class ModelKind(models.TextChoices):
    LANGUAGE_MODEL = "language_model", _("Language model")
    FORECASTER = "forecaster", _("Demand forecaster")
    QUERY_MODEL = "query_model", _("Related-search model")


class TrainingKind(models.TextChoices):
    """Kind of a training run: a model version of one kind, or a search report."""

    LANGUAGE_MODEL = "language_model", _("Language model")
    FORECASTER = "forecaster", _("Demand forecaster")
    QUERY_MODEL = "query_model", _("Related-search model")
    LANGUAGE_MODEL_SEARCH = "lm_search", _("Language-model hyperparameter search")


class TrainingTrigger(models.TextChoices):
    """Origin of a training run: the page, action, job or command that queued it."""

    MANUAL = "manual", _("Models page")
    ADMIN = "admin", _("Admin action")
    SETUP = "setup", _("Demo set-up")
    REQUEST = "request", _("Keyword request")
    SCHEDULE = "schedule", _("Schedule")
    COMMAND = "command", _("Management command")


class TrainingPhase(models.TextChoices):
    """Stretch of a language-model, forecaster or related-search run that its progress bar names."""

    PREPARING = "preparing", _("Preparing the articles")
    TRAINING_LSTM = "training_lstm", _("Training the LSTM")
    TRAINING_GRU = "training_gru", _("Training the GRU")
    NGRAM_BASELINE = "ngram_baseline", _("Fitting the n-gram baseline")
    SAVING = "saving", _("Comparing the models and saving the better one")
    PREPARING_SERIES = "preparing_series", _("Preparing the keyword series")
    TRAINING_FORECASTER = "training_forecaster", _("Training the forecaster")
    BACKTESTING = "backtesting", _("Backtesting and saving")
    PREPARING_QUERIES = "preparing_queries", _("Preparing the searches, titles and headings")
    TRAINING_FORWARD = "training_forward", _("Training the model that reads forwards")
    TRAINING_BACKWARD = "training_backward", _("Training the model that reads backwards")
    SAVING_QUERY_MODEL = "saving_query_model", _("Scoring against the bigram baseline and saving")


class ModelVersion(TimeStampedModel):
    """A trained model with its validation metrics beside its baseline's.

    Artifacts live in Django's default storage under `artifact_prefix`, so a
    worker on any host can load the same version.
    """

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="model_versions", verbose_name=_("site"))
    kind = models.CharField(_("kind"), max_length=20, choices=ModelKind.choices)
    number = models.PositiveIntegerField(_("version"))
    is_active = models.BooleanField(_("active"), default=False, db_index=True)
    beats_baseline = models.BooleanField(_("beats baseline"), default=False)
    artifact_prefix = models.CharField(_("artifact location"), max_length=300)
    artifact_files = models.JSONField(_("artifact files"), default=list)
    metrics = models.JSONField(_("metrics"), default=dict)
    config = models.JSONField(_("configuration"), default=dict)
    training_seconds = models.FloatField(_("training time (s)"), default=0)
    training_items = models.PositiveIntegerField(
        _("training items"), default=0, help_text=_("Articles or series the model learned from.")
    )

    class Meta:
        ordering = ["site", "kind", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "kind", "number"], name="unique_model_version_number"
            )
        ]
        verbose_name = _("model version")
        verbose_name_plural = _("model versions")

    def __str__(self) -> str:
        return f"{self.site} {self.get_kind_display()} v{self.number}"

    @property
    def serves_mixture(self) -> bool:
        """Whether drafts mix this language model with its n-gram (it beat both parts)."""
        return self.is_active and bool((self.metrics or {}).get("mixture_beats_both"))

    @property
    def cell_name(self) -> str:
        """The recurrent cell of a language model as editors read it: "LSTM" or "GRU"."""
        return str((self.metrics or {}).get("cell", "lstm")).upper()

    @property
    def headline_metric(self) -> str:
        """A short comparison with the baseline for lists."""
        metrics = self.metrics or {}
        if self.kind == ModelKind.LANGUAGE_MODEL and "val_bits_per_char" in metrics:
            return _("%(cell)s %(model).2f bits per character (n-gram baseline %(baseline).2f)") % {
                "cell": self.cell_name,
                "model": metrics["val_bits_per_char"],
                "baseline": metrics.get("ngram_bits_per_char", 0.0),
            }
        if self.kind == ModelKind.LANGUAGE_MODEL and "val_perplexity" in metrics:
            return _("Perplexity %(model).1f (n-gram baseline %(baseline).1f)") % {
                "model": metrics["val_perplexity"],
                "baseline": metrics.get("ngram_perplexity", 0.0),
            }
        if self.kind == ModelKind.FORECASTER and "mase" in metrics:
            return _("MASE %(model).3f (seasonal naive %(baseline).3f)") % {
                "model": metrics["mase"],
                "baseline": metrics.get("baseline_mase", 0.0),
            }
        if self.kind == ModelKind.QUERY_MODEL and "val_perplexity" in metrics:
            return _("Perplexity per character %(model).2f (bigram baseline %(baseline).2f)") % {
                "model": metrics["val_perplexity"],
                "baseline": metrics.get("bigram_perplexity", 0.0),
            }
        return ""


class TrainingRun(ProgressModel):
    """One training job; a redelivered task resumes it from its last checkpoint."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="training_runs", verbose_name=_("site"))
    kind = models.CharField(_("kind"), max_length=20, choices=TrainingKind.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="training_runs", verbose_name=_("requested by"),
    )
    trigger = models.CharField(
        _("started by"), max_length=20, choices=TrainingTrigger.choices, default=TrainingTrigger.MANUAL
    )
    model_version = models.ForeignKey(
        ModelVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="runs",
        verbose_name=_("model version"),
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # Set by language-model and forecaster runs, whose bar spans several phases. Other kinds
    # leave it blank.
    progress_phase = models.CharField(
        _("phase"), max_length=20, choices=TrainingPhase.choices, blank=True
    )
    # Report of runs that produce no model version, such as a search's trial table.
    metrics = models.JSONField(_("metrics"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("training run")
        verbose_name_plural = _("training runs")

    def __str__(self) -> str:
        return f"{self.site} {self.label}"

    @property
    def label(self) -> str:
        """Name the run as the Models page lists it, such as "Language model #5"."""
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def progress_label(self) -> str:
        """Name the running phase in the active language, or count the steps of a run without phases."""
        if self.status == JobStatus.RUNNING and self.progress_phase:
            return str(self.get_progress_phase_display())
        return super().progress_label


def _at_least(limit: float) -> MinValueValidator:
    return MinValueValidator(
        limit,
        message=_("%(show_value)s is too small. Enter %(limit_value)s or more, or leave the field blank to follow the presets."),
    )


def _at_most(limit: float) -> MaxValueValidator:
    return MaxValueValidator(
        limit,
        message=_("%(show_value)s is too large. Enter %(limit_value)s or less, or leave the field blank to follow the presets."),
    )


# Fields of LanguageModelSettings that override the engine's LanguageModelConfig and
# TrainConfig of the same name. budget_seconds maps to TrainConfig.max_seconds.
# Estimated time of a language-model run outside its two cells: reading the articles, the
# n-gram baseline, the sample drafts and saving. It is an allowance, not a measured bound.
RUN_OVERHEAD_SECONDS = 600
MODEL_SETTING_FIELDS = ("cell", "vocab_size", "embedding_size", "hidden_size", "num_layers", "dropout", "weight_drop")
TRAINING_SETTING_FIELDS = ("learning_rate", "batch_size", "bptt", "epochs")


class LanguageModelSettings(TimeStampedModel):
    """A site's own language-model size and training settings.

    A blank field keeps the value that the engine picks for the size of the site's corpus,
    so a site can change one setting, such as the time budget, and follow the presets for
    the rest.
    """

    site = models.OneToOneField(
        Site, on_delete=models.CASCADE, related_name="language_model_settings", verbose_name=_("site")
    )
    cell = models.CharField(
        _("cell trained first"),
        max_length=4,
        choices=[("lstm", "LSTM"), ("gru", "GRU")],
        blank=True,
        help_text=_("The other cell is trained too, and the better one on held-out articles is kept."),
    )
    vocab_size = models.PositiveIntegerField(
        _("vocabulary size (pieces)"), null=True, blank=True,
        validators=[_at_least(100), _at_most(64000)],
    )
    embedding_size = models.PositiveIntegerField(
        _("embedding size"), null=True, blank=True, validators=[_at_least(8), _at_most(2048)]
    )
    hidden_size = models.PositiveIntegerField(
        _("hidden units"), null=True, blank=True, validators=[_at_least(8), _at_most(4096)]
    )
    num_layers = models.PositiveIntegerField(
        _("layers"), null=True, blank=True, validators=[_at_least(1), _at_most(4)]
    )
    dropout = models.FloatField(
        _("dropout"), null=True, blank=True, help_text=_("From 0 to 0.9."),
        validators=[_at_least(0.0), _at_most(0.9)],
    )
    weight_drop = models.FloatField(
        _("recurrent weight dropout"),
        null=True,
        blank=True,
        validators=[_at_least(0.0), _at_most(0.9)],
        help_text=_("Share of the hidden-to-hidden weights dropped in each training window, from 0 to 0.9."),
    )
    learning_rate = models.FloatField(
        _("learning rate"), null=True, blank=True, validators=[_at_least(1e-5), _at_most(0.5)]
    )
    batch_size = models.PositiveIntegerField(
        _("batch size"), null=True, blank=True, validators=[_at_least(1), _at_most(1024)]
    )
    bptt = models.PositiveIntegerField(
        _("window length (tokens)"), null=True, blank=True, validators=[_at_least(4), _at_most(1024)]
    )
    epochs = models.PositiveIntegerField(
        _("epochs"), null=True, blank=True, validators=[_at_least(1), _at_most(500)]
    )
    budget_seconds = models.PositiveIntegerField(
        _("time budget per cell (s)"),
        null=True,
        blank=True,
        validators=[_at_least(10)],
        help_text=_("Each run trains the LSTM and the GRU, each for up to this long."),
    )
    source_run = models.ForeignKey(
        TrainingRun,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("copied from search run"),
    )

    class Meta:
        verbose_name = _("language-model settings")
        verbose_name_plural = _("language-model settings")

    def __str__(self) -> str:
        return str(self.site)

    def clean(self) -> None:
        super().clean()
        if self.budget_seconds is None:
            return
        # Both cells, the n-gram baseline and saving must end within the worker's hard limit.
        longest = (settings.SEOASSIST_TRAINING_TIME_LIMIT - RUN_OVERHEAD_SECONDS) // 2
        if self.budget_seconds > longest:
            raise ValidationError(
                {
                    "budget_seconds": _(
                        "A budget of %(budget)d s per cell does not fit the workers' limit of %(limit)d s "
                        "for a whole run. Enter %(longest)d s or less, or raise SEOASSIST_TRAINING_TIME_LIMIT."
                    )
                    % {
                        "budget": self.budget_seconds,
                        "limit": settings.SEOASSIST_TRAINING_TIME_LIMIT,
                        "longest": longest,
                    }
                }
            )

    def summary_items(self) -> list[str]:
        """Return the set fields as "name: value" lines in the active language, for the Models page."""
        items = []
        for name, value in self._set_values((*MODEL_SETTING_FIELDS, *TRAINING_SETTING_FIELDS)).items():
            if name == "cell":
                value = self.get_cell_display()
            elif isinstance(value, float):
                value = f"{value:.3g}"
            items.append(f"{capfirst(self._meta.get_field(name).verbose_name)}: {value}")
        if self.budget_seconds is not None:
            items.append(_("Time budget per cell: %(seconds)d s") % {"seconds": self.budget_seconds})
        return items

    def overrides(self) -> tuple[dict[str, object], dict[str, object]]:
        """Return the set fields as (LanguageModelConfig, TrainConfig) keyword arguments."""
        training = self._set_values(TRAINING_SETTING_FIELDS)
        if self.budget_seconds is not None:
            training["max_seconds"] = float(self.budget_seconds)
        return self._set_values(MODEL_SETTING_FIELDS), training

    def _set_values(self, names: tuple[str, ...]) -> dict[str, object]:
        """Return the fields among ``names`` that are not blank, by name."""
        values = {name: getattr(self, name) for name in names}
        return {name: value for name, value in values.items() if value not in (None, "")}
