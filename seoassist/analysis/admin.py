from django.contrib import admin

from seoassist.analysis.models import CheckDismissal


@admin.register(CheckDismissal)
class CheckDismissalAdmin(admin.ModelAdmin):
    list_display = ["check_id", "draft", "reason", "dismissed_by", "created_at"]
    list_filter = ["check_id"]
    search_fields = ["check_id", "reason", "draft__title"]
    list_select_related = ["draft", "dismissed_by"]
    readonly_fields = ["created_at"]
