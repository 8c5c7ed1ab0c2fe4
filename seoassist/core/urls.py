from django.urls import path

from seoassist.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("site/", views.site_switch, name="site_switch"),
    path("health/", views.health, name="health"),
    path("favicon.ico", views.favicon, name="favicon"),
]
