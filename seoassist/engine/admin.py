import logging

from django.contrib import admin, messages
from django.utils import formats, translation
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from seoassist.core.admin_display import json_block
from seoassist.core.exceptions import ApplicationError
from seoassist.engine.models import LanguageModelSettings, ModelVersion, TrainingKind, TrainingRun
from seoassist.engine.services import language_model_settings_from_search, model_version_activate

logger = logging.getLogger(__name__)


@admin.display(description=_("training time (s)"), ordering="training_seconds")
def training_time(version: ModelVersion) -> str:
    """Show the measured training time to a tenth of a second."""
    return formats.number_format(round(version.training_seconds, 1), decimal_pos=1)


@admin.display(description=_("metrics"))
def metrics_text(version: ModelVersion) -> str:
    """Show the stored metrics indented, with floats to four decimals."""
    return json_block(version.metrics)


@admin.display(description=_("configuration"))
def config_text(version: ModelVersion) -> str:
    return json_block(version.config)


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = [
        "__str__", "site", "kind", "number", "is_active", "beats_baseline", "headline_metric",
        training_time, "training_items", "created_at",
    ]
    list_filter = ["kind", "is_active", "beats_baseline", "site"]
    search_fields = ["site__name", "artifact_prefix"]
    # The page shows the measured training time and the metrics rounded, in place of the
    # raw fields.
    exclude = ["training_seconds", "metrics", "config"]
    readonly_fields = [
        "site", "kind", "number", "beats_baseline", "artifact_prefix", "artifact_files",
        metrics_text, config_text, training_time, "training_items", "created_at",
    ]
    actions = ["activate"]

    @admin.display(description=_("validation against baseline"))
    def headline_metric(self, version: ModelVersion) -> str:
        return version.headline_metric

    @admin.action(description=_("Activate the selected version"))
    def activate(self, request, queryset) -> None:
        for version in queryset:
            model_version_activate(version=version)
        self.message_user(request, _("Activated."), level=messages.SUCCESS)


@admin.register(TrainingRun)
class TrainingRunAdmin(admin.ModelAdmin):
    list_display = [
        "__str__", "site", "kind", "status", "progress_percent", "trigger", "attempts",
        "model_version", "created_at", "finished_at",
    ]
    list_filter = ["status", "kind", "trigger", "site"]
    search_fields = ["site__name", "error", "progress_message"]
    # The engine writes every field of a run, so the page is read-only. Progress is stored
    # in thousandths, so the page shows the percentage instead.
    fields = [
        "site", "kind", "trigger", "requested_by", "message_language", "status", "progress_text", "progress_percent",
        "engine_message", "error", "created_at", "started_at", "finished_at", "attempts", "model_version",
        "search_trials", "metrics",
    ]
    actions = ["use_best_settings"]

    class Media:
        css = {"all": ["seoassist/css/admin-engine.css"]}

    @admin.display(description=_("progress (%)"))
    def progress_percent(self, run: TrainingRun) -> int:
        return run.progress_percent

    @admin.display(description=_("progress"))
    def progress_text(self, run: TrainingRun) -> str:
        """Describe the progress in the reader's language, or the status of a finished run."""
        return run.progress_label or str(run.get_status_display())

    @admin.display(description=_("language of messages"))
    def message_language(self, run: TrainingRun) -> str:
        """Name the run's message language in the reader's language instead of its code."""
        try:
            return str(translation.get_language_info(run.ui_language)["name_translated"])
        except KeyError:
            return run.ui_language

    @admin.display(description=_("last engine message (English, as logged)"))
    def engine_message(self, run: TrainingRun) -> str:
        return run.progress_message or "—"

    readonly_fields = fields

    def get_fields(self, request, obj: TrainingRun | None = None) -> list[str]:
        """Show the trials and metrics on searches only, since other runs store theirs on the model version."""
        if obj is not None and obj.kind == TrainingKind.LANGUAGE_MODEL_SEARCH:
            return list(self.fields)
        return [name for name in self.fields if name not in ("search_trials", "metrics")]

    @admin.display(description=_("search trials"))
    def search_trials(self, run: TrainingRun) -> str:
        """Render a search's trials as a table, best first. Other runs show a dash."""
        trials = (run.metrics or {}).get("trials") or []
        if not trials:
            return "—"
        headers = [
            _("trial"), _("bits per character"), _("n-gram baseline"), _("cell trained first"),
            _("vocabulary size (pieces)"), _("embedding size"), _("hidden units"), _("dropout"),
            _("recurrent weight dropout"), _("learning rate"), _("batch size"), _("window length (tokens)"),
            _("steps"),
        ]
        rows = []
        for trial in trials:
            params = trial.get("params", {})
            rows.append((
                trial.get("number", ""),
                f"{trial.get('bits_per_char', 0.0):.3f}",
                f"{trial.get('ngram_bits_per_char', 0.0):.3f}",
                str(params.get("cell", "")).upper(),
                trial.get("vocab_size", params.get("vocab_size", "")),
                params.get("embedding_size", ""),
                params.get("hidden_size", ""),
                _format_share(params.get("dropout")),
                _format_share(params.get("weight_drop")),
                f"{params['learning_rate']:.4g}" if "learning_rate" in params else "",
                params.get("batch_size", ""),
                params.get("bptt", ""),
                trial.get("steps", ""),
            ))
        return format_html(
            '<div class="search-trials-scroll"><table class="search-trials"><thead><tr>{}</tr></thead>'
            "<tbody>{}</tbody></table></div>",
            format_html_join("", "<th>{}</th>", ((header,) for header in headers)),
            format_html_join(
                "", "<tr>{}</tr>", ((format_html_join("", "<td>{}</td>", ((cell,) for cell in row)),) for row in rows)
            ),
        )

    @admin.action(description=_("Copy the best settings of the selected searches to their sites"))
    def use_best_settings(self, request, queryset) -> None:
        for run in queryset.select_related("site"):
            try:
                site_settings = language_model_settings_from_search(run=run)
            except ApplicationError as error:
                logger.warning("Best search settings of run %s (%s, %s) not copied", run.pk, run.kind, run.status)
                self.message_user(request, error.message, level=messages.ERROR)
            else:
                self.message_user(
                    request,
                    _(
                        "%(site)s now has the settings of the best trial of search run %(run)d "
                        "(%(bits).2f bits per character). Start a language-model run to train with them."
                    )
                    % {"site": site_settings.site, "run": run.pk, "bits": run.metrics["best_bits_per_char"]},
                    level=messages.SUCCESS,
                )

    def has_add_permission(self, request) -> bool:
        # Runs are started with the "Train" actions on sites, so that every run goes
        # through training_run_start and its checks.
        return False


@admin.register(LanguageModelSettings)
class LanguageModelSettingsAdmin(admin.ModelAdmin):
    """A site's own model size and training settings; blank fields follow the corpus-size presets."""

    list_display = ["site", "cell", "hidden_size", "num_layers", "dropout", "weight_drop", "budget_seconds", "updated_at"]
    autocomplete_fields = ["site"]
    readonly_fields = ["source_run", "updated_at"]
    fieldsets = [
        (None, {"fields": ["site"], "description": _(
            "Blank fields keep the size and training that seoassist picks for the size of the site's articles. "
            "The next language-model run uses these settings."
        )}),
        (_("Model"), {"fields": ["cell", "vocab_size", "embedding_size", "hidden_size", "num_layers", "dropout", "weight_drop"]}),
        (_("Training"), {"fields": ["learning_rate", "batch_size", "bptt", "epochs", "budget_seconds"]}),
        (_("Origin"), {"fields": ["source_run", "updated_at"]}),
    ]


def _format_share(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"
