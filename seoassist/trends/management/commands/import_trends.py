from pathlib import Path

from django.core.management.base import CommandError

from seoassist.core.exceptions import ImportFileError
from seoassist.core.management.base import EnglishOutputCommand
from seoassist.core.models import Site
from seoassist.trends.services import trends_import_file


class Command(EnglishOutputCommand):
    help = "Import a Google Trends “interest over time” CSV. Points already present are skipped."

    def add_arguments(self, parser) -> None:
        parser.add_argument("paths", nargs="+", help="One or more CSV files.")
        parser.add_argument("--site", required=True, help="Site slug.")

    def handle(self, *args, **options) -> None:
        site = Site.objects.filter(slug=options["site"]).first()
        if site is None:
            raise CommandError(f"Site {options['site']!r} not found.")
        for name in options["paths"]:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"{path} is not a file.")
            try:
                summary = trends_import_file(site=site, data=path.read_bytes(), file_name=path.name)
            except ImportFileError as error:
                raise CommandError(error.message) from error
            self.stdout.write(
                f"{path.name}: {summary.created} points added, {summary.skipped} already present "
                f"({', '.join(summary.keywords)})."
            )
