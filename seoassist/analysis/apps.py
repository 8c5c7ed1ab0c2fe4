from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalysisConfig(AppConfig):
    name = "seoassist.analysis"
    label = "analysis"
    verbose_name = _("Draft analysis")
