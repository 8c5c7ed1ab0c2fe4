from django.urls import path

from seoassist.drafting import views

app_name = "drafting"
urlpatterns = [
    path("requests/", views.request_list, name="request_list"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/status/", views.request_status, name="request_status"),
    path("drafts/", views.draft_index, name="draft_list"),
    path("drafts/<int:pk>/", views.draft_edit, name="draft_edit"),
    path("drafts/<int:pk>/preview/", views.draft_preview, name="draft_preview"),
    path("drafts/<int:pk>/revisions/", views.draft_revisions, name="draft_revisions"),
    path(
        "drafts/<int:pk>/sections/<int:index>/regenerate/",
        views.draft_section_regenerate,
        name="draft_section_regenerate",
    ),
]
