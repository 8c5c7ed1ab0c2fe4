from django.urls import path

from seoassist.engine import views

app_name = "engine"
urlpatterns = [
    path("", views.model_overview, name="model_overview"),
    path("train/", views.training_start, name="training_start"),
    path("runs/<int:pk>/status/", views.run_status, name="run_status"),
]
