from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from seoassist.core import periodic_task_admin  # noqa: F401 (registers the periodic-task admin)
from seoassist.core.admin_display import ViewOnlyAdmin
from seoassist.core.exceptions import ApplicationError
from seoassist.core.models import JobLease, Membership, Site


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "language", "domain", "article_total", "created_at"]
    list_filter = ["language"]
    search_fields = ["name", "slug", "domain"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]
    actions = ["train_language_model", "train_forecaster", "train_query_model", "search_language_model"]

    @admin.display(description=_("article count"))
    def article_total(self, site: Site) -> int:
        return site.articles.count()

    def _start(self, request, queryset, kind: str) -> None:
        from seoassist.engine.services import already_started_message, training_run_get_or_start

        for site in queryset:
            try:
                run, started = training_run_get_or_start(
                    site=site,
                    kind=kind,
                    requested_by=request.user,
                    trigger="admin",
                    ui_language=request.LANGUAGE_CODE,
                )
            except ApplicationError as error:
                self.message_user(request, error.message, level=messages.ERROR)
            else:
                if started:
                    message = _("%(run)s queued for %(site)s.") % {"run": run.label, "site": site}
                    self.message_user(request, message)
                else:
                    self.message_user(request, already_started_message(run), level=messages.WARNING)

    @admin.action(description=_("Train the language model"))
    def train_language_model(self, request, queryset) -> None:
        self._start(request, queryset, "language_model")

    @admin.action(description=_("Train the demand forecaster"))
    def train_forecaster(self, request, queryset) -> None:
        self._start(request, queryset, "forecaster")

    @admin.action(description=_("Train the related-search model"))
    def train_query_model(self, request, queryset) -> None:
        self._start(request, queryset, "query_model")

    @admin.action(description=_("Search language-model hyperparameters"))
    def search_language_model(self, request, queryset) -> None:
        self._start(request, queryset, "lm_search")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "site", "role", "created_at"]
    list_filter = ["role", "site"]
    search_fields = ["user__username", "site__name"]
    autocomplete_fields = ["user", "site"]


@admin.display(description=_("job"), ordering="job")
def job_label(lease: JobLease) -> str:
    """Name the job in the reader's language instead of its lease key."""
    return lease.job_label


@admin.register(JobLease)
class JobLeaseAdmin(ViewOnlyAdmin):
    """Read-only view of the jobs that workers run now; an expired lease is taken over by itself.

    Deleting a live lease would let a second worker run the job beside its holder.
    """

    list_display = [job_label, "holder", "acquired_at", "expires_at"]
    search_fields = ["job", "holder"]
    fields = [job_label, "holder", "acquired_at", "expires_at"]
    readonly_fields = fields
