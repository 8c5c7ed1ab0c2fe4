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
    path("drafts/<int:pk>/autosave/", views.draft_autosave, name="draft_autosave"),
    path("drafts/<int:pk>/heartbeat/", views.draft_heartbeat, name="draft_heartbeat"),
    path("drafts/<int:pk>/take-over/", views.draft_take_over, name="draft_take_over"),
    path("drafts/<int:pk>/release/", views.draft_release, name="draft_release"),
    path("drafts/<int:pk>/revisions/", views.draft_revisions, name="draft_revisions"),
    path(
        "drafts/<int:pk>/revisions/<int:number>/",
        views.draft_revision_diff,
        name="draft_revision_diff",
    ),
    path(
        "drafts/<int:pk>/revisions/<int:number>/restore/",
        views.draft_restore,
        name="draft_restore",
    ),
    path("drafts/<int:pk>/workflow/", views.draft_workflow, name="draft_workflow"),
    path("drafts/<int:pk>/comments/", views.draft_comment, name="draft_comment"),
    path("drafts/<int:pk>/export/", views.draft_download, name="draft_export"),
    path(
        "drafts/<int:pk>/sections/<int:index>/regenerate/",
        views.draft_section_regenerate,
        name="draft_section_regenerate",
    ),
]
