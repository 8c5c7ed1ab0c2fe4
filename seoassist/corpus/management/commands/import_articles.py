from pathlib import Path

from django.core.management.base import CommandError

from seoassist.core.exceptions import ApplicationError
from seoassist.core.management.base import EnglishOutputCommand
from seoassist.core.models import Site
from seoassist.corpus.services import ArticleImportSummary, articles_import_items


class Command(EnglishOutputCommand):
    help = (
        "Import articles from a folder or .zip of HTML or Markdown files, an HTML file, a "
        "WordPress export (.xml), or a CSV / JSON Lines file (title, body, optional url, "
        "category, published); or from one web page (--url) or a sitemap (--sitemap). "
        "Articles already present are skipped."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", nargs="?", help="Folder or file to import.")
        parser.add_argument("--site", required=True, help="Site slug.")
        parser.add_argument("--url", help="Import one web page from this address.")
        parser.add_argument("--sitemap", help="Import every page this sitemap lists.")
        parser.add_argument(
            "--wxr", action="store_true",
            help="Read PATH as a WordPress export whatever its extension.",
        )
        parser.add_argument("--include-drafts", action="store_true",
                            help="Also import drafts and private posts.")
        parser.add_argument("--include-attachments", action="store_true",
                            help="Also import WordPress attachments.")
        parser.add_argument("--verbose-items", action="store_true",
                            help="Print the result of every item, not only failures.")

    def handle(self, *args, **options) -> None:
        site = Site.objects.filter(slug=options["site"]).first()
        if site is None:
            raise CommandError(f"Site {options['site']!r} not found.")
        sources = [name for name in ("path", "url", "sitemap") if options[name]]
        if len(sources) != 1:
            raise CommandError("Give exactly one of PATH, --url or --sitemap.")
        try:
            summary = self._import(site, options)
        except ApplicationError as error:
            raise CommandError(error.message) from error
        for problem in summary.problems:
            self.stderr.write(f"{problem['source']}: {problem['message']}")
        if summary.notice:
            self.stderr.write(summary.notice)
        self.stdout.write(
            f"{summary.created} articles added, {summary.skipped} skipped as duplicates, "
            f"{summary.left_out} left out (drafts, attachments, robots.txt), "
            f"{summary.failed} failed."
        )

    def _import(self, site: Site, options: dict) -> ArticleImportSummary:
        from seoassist.corpus.crawling import SitemapCrawl, page_article
        from seoassist.corpus.fetching import url_check
        from seoassist.corpus.parsing import ReadOptions, read_articles

        if options["url"]:
            url_check(options["url"])
            return articles_import_items(site=site, items=[page_article(options["url"])])
        if options["sitemap"]:
            url_check(options["sitemap"])
            crawl = SitemapCrawl(options["sitemap"])
            summary = articles_import_items(site=site, items=crawl)
            if crawl.stopped_by in ("pages", "time"):
                summary.notice = f"The crawl stopped at its {crawl.stopped_by} limit."
            return summary
        path = Path(options["path"])
        if not path.exists():
            raise CommandError(f"{path} does not exist.")
        read_options = ReadOptions(
            include_drafts=options["include_drafts"],
            include_attachments=options["include_attachments"],
        )
        display = path.with_suffix(".xml").name if options["wxr"] and path.is_file() else None
        items = read_articles(path, display_name=display, options=read_options)
        return articles_import_items(site=site, items=items)
