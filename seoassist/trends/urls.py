from django.urls import path

from seoassist.trends import views

app_name = "trends"
urlpatterns = [
    path("", views.keyword_index, name="keyword_list"),
]
