from django.core.management.base import BaseCommand
from django.utils import translation


class EnglishOutputCommand(BaseCommand):
    """A command whose whole output, its own and the services' messages, is English.

    Scripts and cron jobs parse this output, so it does not follow the site's
    default interface language.
    """

    def execute(self, *args, **options):
        with translation.override("en"):
            return super().execute(*args, **options)
