from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from seoassist.core.admin_display import ViewOnlyAdmin, json_block
from seoassist.drafting.models import (
    Draft,
    DraftComment,
    DraftEvent,
    DraftLock,
    DraftRevision,
    KeywordRequest,
    RequestForecast,
)
from seoassist.trends.admin import (
    ForecastDirectionFilter,
    ForecastMethodFilter,
    forecast_direction,
    forecast_method,
    points_text,
)


class RequestForecastInline(admin.TabularInline):
    model = RequestForecast
    extra = 0
    fields = ["keyword", forecast_method, forecast_direction, "change_percent", "note"]
    readonly_fields = fields


@admin.register(KeywordRequest)
class KeywordRequestAdmin(admin.ModelAdmin):
    list_display = ["__str__", "site", "language", "status", "created_by", "created_at", "finished_at"]
    list_filter = ["status", "language", "site"]
    search_fields = ["keywords", "error"]
    readonly_fields = ["idempotency_key", "created_at", "updated_at", "started_at", "finished_at"]
    inlines = [RequestForecastInline]
    list_select_related = ["site", "created_by"]


@admin.display(description=_("note"))
def revision_note(revision: DraftRevision) -> str:
    """Return the revision's note as the editor pages show it, in the reader's language."""
    return revision.note_text


class DraftRevisionInline(admin.TabularInline):
    model = DraftRevision
    extra = 0
    fields = ["number", "title", "author", revision_note, "created_at"]
    readonly_fields = fields


class DraftCommentInline(admin.TabularInline):
    model = DraftComment
    extra = 0
    fields = ["author", "body", "status_before", "status_after", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(Draft)
class DraftAdmin(admin.ModelAdmin):
    list_display = ["title", "site", "language", "status", "owner", "version", "updated_at"]
    list_filter = ["status", "language", "site"]
    search_fields = ["title", "body", "keywords"]
    # The version only moves through the editor's saves, which compare it.
    readonly_fields = ["version"]
    inlines = [DraftRevisionInline, DraftCommentInline]
    list_select_related = ["site", "owner"]


@admin.register(DraftRevision)
class DraftRevisionAdmin(admin.ModelAdmin):
    list_display = ["draft", "number", "author", revision_note, "created_at"]
    search_fields = ["draft__title", "title"]
    list_select_related = ["draft", "author"]

    def get_exclude(self, request: HttpRequest, obj: DraftRevision | None = None) -> list[str]:
        # A note that seoassist wrote is shown translated in place of the typed-note field,
        # and its code and parameters only serve that translation.
        excluded = ["note_code", "note_params"]
        return [*excluded, "note"] if obj is not None and obj.note_code else excluded

    def get_readonly_fields(self, request: HttpRequest, obj: DraftRevision | None = None) -> list:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.note_code:
            fields.insert(0, revision_note)
        return fields


@admin.register(DraftComment)
class DraftCommentAdmin(admin.ModelAdmin):
    list_display = ["draft", "author", "status_before", "status_after", "created_at"]
    search_fields = ["draft__title", "body"]
    list_select_related = ["draft", "author"]


@admin.display(description=_("event"), ordering="kind")
def event_text(event: DraftEvent) -> str:
    """Describe the event as the draft's history does, in the reader's language."""
    return event.text


@admin.display(description=_("export format"), ordering="export_format")
def export_format(event: DraftEvent) -> str | None:
    """Name the export format in the reader's language instead of its code."""
    # The change page shows None as "None", while lists show "-" for it.
    return event.export_format_label or "-"


@admin.register(DraftEvent)
class DraftEventAdmin(admin.ModelAdmin):
    list_display = ["draft", event_text, "actor", "revision_number", export_format, "created_at"]
    list_filter = ["kind"]
    search_fields = ["draft__title"]
    list_select_related = ["draft", "actor"]
    # The history records what happened, so its rows are not edited by hand.
    fields = [
        "draft", event_text, "actor", "status_before", "status_after", "revision_number",
        export_format, "comment", "created_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:  # noqa: ANN001
        # The editor's workflow buttons record events. A form of read-only fields cannot.
        return False


@admin.register(DraftLock)
class DraftLockAdmin(admin.ModelAdmin):
    list_display = ["draft", "holder", "acquired_at", "heartbeat_at"]
    list_select_related = ["draft", "holder"]


@admin.display(description=_("history"))
def history_text(forecast: RequestForecast) -> str:
    return json_block(forecast.history)


@admin.display(description=_("backtest"))
def backtest_text(forecast: RequestForecast) -> str:
    return json_block(forecast.backtest)


@admin.register(RequestForecast)
class RequestForecastAdmin(ViewOnlyAdmin):
    list_display = ["keyword", "request", forecast_method, forecast_direction, "change_percent"]
    list_filter = [
        ("direction", ForecastDirectionFilter), ("method", ForecastMethodFilter), "request__site",
    ]
    search_fields = ["keyword", "note"]
    list_select_related = ["request"]
    # A request's forecasts record what its page showed, so the admin only shows them.
    exclude = ["method", "direction", "history", "points", "backtest"]
    readonly_fields = [forecast_method, forecast_direction, history_text, points_text, backtest_text]
