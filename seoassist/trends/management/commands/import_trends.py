from pathlib import Path

from django.core.management.base import CommandError

from seoassist.core.exceptions import ImportFileError
from seoassist.core.management.base import EnglishOutputCommand
from seoassist.core.models import Site
from seoassist.trends.services import trends_import_file


class Command(EnglishOutputCommand):
    help = (
        "Import trend files: Google Trends interest over time or related queries, Search "
        "Console performance exports (.zip or CSV) and date/keyword/value CSVs. Rows already "
        "present are not added again."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("paths", nargs="+", help="One or more CSV files.")
        parser.add_argument("--site", required=True, help="Site slug.")
        parser.add_argument(
            "--seed", default="", help="Keyword that a related-queries export belongs to."
        )

    def handle(self, *args, **options) -> None:
        site = Site.objects.filter(slug=options["site"]).first()
        if site is None:
            raise CommandError(f"Site {options['site']!r} not found.")
        for name in options["paths"]:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"{path} is not a file.")
            try:
                summary = trends_import_file(
                    site=site, data=path.read_bytes(), file_name=path.name, seed=options["seed"]
                )
            except ImportFileError as error:
                raise CommandError(error.message) from error
            details = ", ".join(summary.keywords)
            if summary.search_rows:
                details = f"{summary.search_rows} Search Console rows"
            if summary.related_queries:
                details = f"{summary.related_queries} related queries"
            self.stdout.write(
                f"{path.name}: {summary.created} rows added, {summary.updated} completed, "
                f"{summary.skipped} already present ({details})."
            )
            for keyword, factor in summary.rescaled.items():
                self.stdout.write(f"  {keyword}: export rescaled by {factor} onto the stored series.")
