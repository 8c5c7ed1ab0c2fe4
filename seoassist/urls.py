from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    # The login page offers the language choice too, so switching needs no login.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("", include("seoassist.core.urls")),
    path("imports/", include("seoassist.corpus.urls")),
    path("keywords/", include("seoassist.trends.urls")),
    path("models/", include("seoassist.engine.urls")),
    path("tracking/", include("seoassist.tracking.urls")),
    path("", include("seoassist.drafting.urls")),
    path("", include("seoassist.analysis.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
