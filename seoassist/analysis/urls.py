from django.urls import path

from seoassist.analysis import views

app_name = "analysis"
urlpatterns = [
    path("drafts/<int:pk>/analysis/", views.draft_panel, name="draft_panel"),
    path("drafts/<int:pk>/analysis/dismiss/", views.check_dismiss, name="check_dismiss"),
    path("drafts/<int:pk>/analysis/restore/", views.check_restore, name="check_restore"),
]
