from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from seoassist.corpus.models import Article, ImportItem, ImportJob
from seoassist.corpus.services import article_keywords_recalculate


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "site", "language", "category", "published_at", "created_at"]
    list_filter = ["site", "language", "category"]
    search_fields = ["title", "url", "body"]
    date_hierarchy = "published_at"
    readonly_fields = ["content_hash", "simhash", "created_at", "updated_at"]
    list_select_related = ["site"]
    actions = ["recalculate_keywords"]

    @admin.action(description=_("Recalculate keywords from the title and headings"), permissions=["change"])
    def recalculate_keywords(self, request, queryset) -> None:
        selected = queryset.count()
        changed = article_keywords_recalculate(articles=queryset.iterator())
        self.message_user(
            request,
            ngettext(
                "Keywords recalculated for %(selected)d article: %(changed)d changed.",
                "Keywords recalculated for %(selected)d articles: %(changed)d changed.",
                selected,
            ) % {"selected": selected, "changed": changed},
            level=messages.SUCCESS,
        )


class ImportItemInline(admin.TabularInline):
    model = ImportItem
    fields = ["position", "source", "outcome", "title", "reason", "article"]
    readonly_fields = fields
    raw_id_fields = ["article"]
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    inlines = [ImportItemInline]
    list_display = [
        "original_name", "site", "kind", "source_kind", "status", "created_count", "skipped_count",
        "failed_count", "created_by", "created_at",
    ]
    list_filter = ["status", "kind", "source_kind", "site"]
    search_fields = ["original_name", "source_url", "error"]
    readonly_fields = ["created_at", "updated_at", "started_at", "finished_at", "problems"]
    list_select_related = ["site", "created_by"]


@admin.register(ImportItem)
class ImportItemAdmin(admin.ModelAdmin):
    list_display = ["source", "job", "outcome", "title", "position"]
    list_filter = ["outcome", "job__site"]
    search_fields = ["source", "title", "reason"]
    raw_id_fields = ["job", "article"]
    list_select_related = ["job"]
