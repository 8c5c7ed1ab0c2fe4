from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from seoassist.tracking.models import JobLock, KeywordAlert, TrendSource, TrendSourceFile


class TrendSourceFileInline(admin.TabularInline):
    model = TrendSourceFile
    extra = 0
    max_num = 0
    can_delete = True
    readonly_fields = ["name", "size", "sha256", "imported_at", "result"]
    exclude = ["modified_ns"]


@admin.register(TrendSource)
class TrendSourceAdmin(admin.ModelAdmin):
    list_display = ["location", "site", "kind", "enabled", "last_checked", "last_ok"]
    list_filter = ["site", "kind", "enabled", "last_ok"]
    search_fields = ["path", "url", "last_result"]
    readonly_fields = ["last_checked", "last_ok", "last_result"]
    inlines = [TrendSourceFileInline]
    actions = ["check_now"]

    @admin.action(description=_("Check the selected sources now"))
    def check_now(self, request, queryset) -> None:
        from seoassist.tracking.services import trend_source_check

        sources = list(queryset.select_related("site"))
        for source in sources:
            trend_source_check(source=source)
        self.message_user(
            request,
            ngettext("Checked %(count)d source.", "Checked %(count)d sources.", len(sources))
            % {"count": len(sources)},
            messages.SUCCESS,
        )


@admin.register(TrendSourceFile)
class TrendSourceFileAdmin(admin.ModelAdmin):
    list_display = ["name", "source", "size", "imported_at"]
    list_filter = ["source__site"]
    search_fields = ["name", "result"]
    list_select_related = ["source"]
    readonly_fields = ["source", "name", "size", "modified_ns", "sha256", "imported_at", "result"]


@admin.register(KeywordAlert)
class KeywordAlertAdmin(admin.ModelAdmin):
    list_display = ["keyword", "direction", "change", "created", "acknowledged", "acknowledged_by"]
    list_filter = ["direction", "acknowledged", "keyword__site"]
    search_fields = ["keyword__text"]
    list_select_related = ["keyword", "acknowledged_by"]
    readonly_fields = ["created", "acknowledged_at"]


@admin.register(JobLock)
class JobLockAdmin(admin.ModelAdmin):
    list_display = ["name", "token", "expires_at"]
    search_fields = ["name"]
