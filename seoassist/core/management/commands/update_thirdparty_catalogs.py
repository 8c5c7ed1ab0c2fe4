from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from seoassist.core.catalogs import refresh_thirdparty_catalog, thirdparty_catalog_languages


class Command(BaseCommand):
    help = (
        "Update the catalogs under SEOASSIST_THIRDPARTY_LOCALE_DIR to the msgids of the installed "
        "third-party apps, compile them, and list the entries that still need a translation. "
        "Needs the GNU gettext tools."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "app_labels", nargs="*", metavar="APP_LABEL",
            help="Apps to update (default: all of SEOASSIST_THIRDPARTY_LOCALE_APPS).",
        )

    def handle(self, *args, **options) -> None:
        app_labels = options["app_labels"] or settings.SEOASSIST_THIRDPARTY_LOCALE_APPS
        unknown = sorted(set(app_labels) - set(settings.SEOASSIST_THIRDPARTY_LOCALE_APPS))
        if unknown:
            raise CommandError(
                f"No third-party catalog is kept for {', '.join(unknown)}. "
                "Add the app label to SEOASSIST_THIRDPARTY_LOCALE_APPS first."
            )

        incomplete = []
        for app_label in app_labels:
            locale_dir = Path(settings.SEOASSIST_THIRDPARTY_LOCALE_DIR) / app_label
            try:
                reports = refresh_thirdparty_catalog(
                    app_label, locale_dir=locale_dir, languages=thirdparty_catalog_languages()
                )
            except (OSError, RuntimeError) as error:
                raise CommandError(
                    f"Updating the catalogs of {app_label} failed: {error}"
                ) from error
            for report in reports:
                self.stdout.write(
                    f"{report.path}: {report.entry_count} entries, "
                    f"{len(report.untranslated)} untranslated, {len(report.fuzzy)} fuzzy"
                )
                for msgid in report.untranslated:
                    self.stdout.write(f"  untranslated: {msgid!r}")
                for msgid in report.fuzzy:
                    self.stdout.write(f"  fuzzy: {msgid!r}")
                if report.untranslated or report.fuzzy:
                    incomplete.append(str(report.path))

        if incomplete:
            raise CommandError(
                f"Translate the entries listed above in {', '.join(incomplete)}, remove their "
                "fuzzy flags, then run this command again to compile them."
            )
