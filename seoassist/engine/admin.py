from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from seoassist.engine.models import ModelVersion, TrainingRun
from seoassist.engine.services import model_version_activate


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = [
        "__str__", "site", "kind", "number", "is_active", "beats_baseline", "headline_metric",
        "training_seconds", "training_items", "created_at",
    ]
    list_filter = ["kind", "is_active", "beats_baseline", "site"]
    search_fields = ["site__name", "artifact_prefix"]
    readonly_fields = [
        "site", "kind", "number", "beats_baseline", "artifact_prefix", "artifact_files",
        "metrics", "config", "training_seconds", "training_items", "created_at",
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

    @admin.display(description=_("progress (%)"))
    def progress_percent(self, run: TrainingRun) -> int:
        return run.progress_percent
    readonly_fields = [
        "status", "progress_step", "progress_total", "progress_phase", "progress_message", "error",
        "started_at", "finished_at", "model_version", "attempts", "metrics", "created_at",
    ]

    def has_add_permission(self, request) -> bool:
        # Runs are started with the "Train" actions on sites, so that every run goes
        # through training_run_start and its checks.
        return False
