from django.urls import path

from seoassist.corpus import views

app_name = "corpus"
urlpatterns = [
    path("", views.import_list, name="import_list"),
    path("<int:pk>/", views.import_detail, name="import_detail"),
    path("<int:pk>/status/", views.import_status, name="import_status"),
    path("<int:pk>/cancel/", views.import_cancel, name="import_cancel"),
    path("<int:pk>/resume/", views.import_resume, name="import_resume"),
]
