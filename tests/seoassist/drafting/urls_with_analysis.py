"""The project's URLs plus a stand-in analysis panel, to render the editor as with the analysis app."""
from django.http import HttpResponse
from django.urls import include, path

from seoassist.urls import urlpatterns as project_urlpatterns


def draft_panel(request, pk: int) -> HttpResponse:
    return HttpResponse("")


analysis_patterns = ([path("drafts/<int:pk>/panel/", draft_panel, name="draft_panel")], "analysis")
urlpatterns = [*project_urlpatterns, path("analysis/", include(analysis_patterns))]
