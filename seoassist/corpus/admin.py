from django.contrib import admin

from seoassist.corpus.models import Article, ImportJob


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "site", "language", "category", "published_at", "created_at"]
    list_filter = ["site", "language", "category"]
    search_fields = ["title", "url", "body"]
    date_hierarchy = "published_at"
    readonly_fields = ["content_hash", "created_at", "updated_at"]
    list_select_related = ["site"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = [
        "original_name", "site", "kind", "status", "created_count", "skipped_count",
        "failed_count", "created_by", "created_at",
    ]
    list_filter = ["status", "kind", "site"]
    search_fields = ["original_name", "error"]
    readonly_fields = ["created_at", "updated_at", "started_at", "finished_at", "problems"]
    list_select_related = ["site", "created_by"]
