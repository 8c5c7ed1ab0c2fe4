from pathlib import Path

from django.core.management.base import CommandError

from seoassist.core.exceptions import ImportFileError
from seoassist.core.management.base import EnglishOutputCommand
from seoassist.core.models import Site
from seoassist.corpus.services import articles_import_path


class Command(EnglishOutputCommand):
    help = (
        "Import articles from a folder or .zip of HTML files, an HTML file, or a CSV / JSON Lines "
        "file (title, body, optional url, category, published). Articles already present are skipped."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="Folder or file to import.")
        parser.add_argument("--site", required=True, help="Site slug.")

    def handle(self, *args, **options) -> None:
        site = Site.objects.filter(slug=options["site"]).first()
        if site is None:
            raise CommandError(f"Site {options['site']!r} not found.")
        path = Path(options["path"])
        if not path.exists():
            raise CommandError(f"{path} does not exist.")
        try:
            summary = articles_import_path(site=site, path=path)
        except ImportFileError as error:
            raise CommandError(error.message) from error
        for problem in summary.problems:
            self.stderr.write(f"{problem['source']}: {problem['message']}")
        self.stdout.write(
            f"{summary.created} articles added, {summary.skipped} skipped as already present, "
            f"{summary.failed} could not be read."
        )
