from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "seoassist.core"
    label = "core"
    verbose_name = _("Sites and members")

    def ready(self) -> None:
        from seoassist.core.broker import ensure_broker_folders

        # The embedded filesystem broker needs its folders before anything is sent.
        ensure_broker_folders()
