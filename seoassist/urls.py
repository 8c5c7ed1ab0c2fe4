from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("seoassist.core.urls")),
    path("imports/", include("seoassist.corpus.urls")),
    path("keywords/", include("seoassist.trends.urls")),
    path("models/", include("seoassist.engine.urls")),
    path("tracking/", include("seoassist.tracking.urls")),
    path("", include("seoassist.drafting.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
