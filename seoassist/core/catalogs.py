"""Translation catalogs that seoassist keeps for installed third-party apps.

Some apps ship no Japanese catalog (django-celery-beat 2.9.0 has none). seoassist keeps one
for each of them under ``settings.SEOASSIST_THIRDPARTY_LOCALE_DIR/<app label>/``, a folder
listed in ``LOCALE_PATHS``. The msgids come from the installed app's own source, extracted
by Django's makemessages, so the catalog follows the app's version and not seoassist's code.
"""
import ast
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from django.apps import apps
from django.conf import settings

# The source language of the third-party apps, which needs no catalog.
SOURCE_LANGUAGE = "en"

# Msgids, by app label, that build English plural endings out of format arguments. The
# Japanese message leaves those arguments out, which msgfmt --check-format (run by Django's
# compilemessages) rejects, so these entries are marked no-python-brace-format.
FORMAT_CHECK_EXEMPT = {
    # Formatted with the count, pluralize(count) and pluralize(count, "was,were").
    "django_celery_beat": {"{0} task{1} {2} successfully run"},
}


@dataclass
class CatalogEntry:
    """One message of a gettext .po file; `msgstrs` has one translation per plural form."""

    msgid: str
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstrs: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    def compiled_key(self, plural_index: int = 0) -> str | tuple[str, int]:
        """Return the key under which Python's gettext stores this entry's translation in a .mo file."""
        msgid = self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"
        return (msgid, plural_index) if self.msgid_plural is not None else msgid

    @property
    def is_fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def is_translated(self) -> bool:
        return bool(self.msgstrs) and all(self.msgstrs)


@dataclass
class CatalogReport:
    """The state of one refreshed catalog: its entries and those that still need a translator."""

    path: Path
    entry_count: int
    untranslated: list[str]
    fuzzy: list[str]


def thirdparty_catalog_languages() -> list[str]:
    """Return the interface languages that need a catalog: all of LANGUAGES but the source one."""
    return [code for code, _name in settings.LANGUAGES if code != SOURCE_LANGUAGE]


def thirdparty_catalog_path(app_label: str, language: str) -> Path:
    return (
        Path(settings.SEOASSIST_THIRDPARTY_LOCALE_DIR) / app_label / language / "LC_MESSAGES"
        / "django.po"
    )


def read_catalog(path: Path) -> list[CatalogEntry]:
    """Parse a .po or .pot file; raise ValueError on a line that it cannot read."""
    return parse_catalog(path.read_text(encoding="utf-8"), source=str(path))


def parse_catalog(text: str, *, source: str) -> list[CatalogEntry]:
    """Parse the text of a .po file written by the gettext tools; `source` names it in errors."""
    entries: list[CatalogEntry] = []
    pending_flags: set[str] = set()
    entry: CatalogEntry | None = None
    # The keyword (msgid, msgstr[1], ...) that a continuation line extends.
    current_keyword: str | None = None

    for number, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()

        if not line:
            entry, current_keyword = None, None
            continue
        if line.startswith("#,"):
            pending_flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            continue
        if line.startswith("#") or (obsolete and line.startswith("|")):
            continue

        if line.startswith('"'):
            if entry is None or current_keyword is None:
                raise ValueError(f"{source}:{number}: a quoted string follows no keyword")
            _append_text(entry, current_keyword, _unquote(line, source, number))
            continue

        keyword, _space, value = line.partition(" ")
        text = _unquote(value.strip(), source, number)
        if keyword in ("msgctxt", "msgid") and (entry is None or entry.msgstrs):
            # A new entry starts at its msgctxt or, without one, at its msgid.
            entry = CatalogEntry(msgid="", flags=pending_flags, obsolete=obsolete)
            pending_flags = set()
            entries.append(entry)
        elif entry is None:
            raise ValueError(f"{source}:{number}: {keyword} comes before the entry's msgid")
        current_keyword = keyword
        if keyword == "msgctxt":
            entry.msgctxt = text
        elif keyword == "msgid":
            entry.msgid = text
        elif keyword == "msgid_plural":
            entry.msgid_plural = text
        elif re.fullmatch(r"msgstr(\[\d+\])?", keyword):
            entry.msgstrs.append(text)
        else:
            raise ValueError(f"{source}:{number}: unknown keyword {keyword!r}")
    return entries


def _unquote(token: str, source: str, number: int) -> str:
    """Decode a quoted .po string; its C escapes (\\n, \\", \\\\) read the same in Python."""
    if len(token) < 2 or not (token.startswith('"') and token.endswith('"')):
        raise ValueError(f"{source}:{number}: expected a quoted string, found {token!r}")
    return ast.literal_eval(token)


def _append_text(entry: CatalogEntry, keyword: str, text: str) -> None:
    if keyword == "msgctxt":
        entry.msgctxt = (entry.msgctxt or "") + text
    elif keyword == "msgid":
        entry.msgid += text
    elif keyword == "msgid_plural":
        entry.msgid_plural = (entry.msgid_plural or "") + text
    else:
        entry.msgstrs[-1] += text


def report_catalog(path: Path) -> CatalogReport:
    """Count a catalog's entries and list the untranslated and fuzzy ones (a fuzzy header too)."""
    entries = [entry for entry in read_catalog(path) if not entry.obsolete]
    messages = [entry for entry in entries if not entry.is_header]
    return CatalogReport(
        path=path,
        entry_count=len(messages),
        untranslated=[entry.msgid for entry in messages if not entry.is_translated],
        fuzzy=[entry.msgid or "(header)" for entry in entries if entry.is_fuzzy],
    )


def refresh_thirdparty_catalog(
    app_label: str, *, locale_dir: Path, languages: list[str]
) -> list[CatalogReport]:
    """Update the app's catalogs in `locale_dir` to its installed source's msgids, then compile.

    msgmerge keeps every existing translation: an entry whose msgid changed comes back
    fuzzy, and an entry whose msgid left the app is dropped. A missing catalog starts empty.
    """
    app_config = apps.get_app_config(app_label)
    version_line = _project_id_version(app_config.module.__name__.split(".")[0])
    reports = []
    with tempfile.TemporaryDirectory(prefix="seoassist-messages-") as work:
        work_dir = Path(work)
        template = _extract_template(Path(app_config.path), work_dir)
        template.write_text(
            _exempt_from_format_check(
                template.read_text(encoding="utf-8"), FORMAT_CHECK_EXEMPT.get(app_label, set())
            ),
            encoding="utf-8",
        )

        for language in languages:
            catalog = locale_dir / language / "LC_MESSAGES" / "django.po"
            merged = work_dir / f"{language}.po"
            if catalog.exists():
                _run(["msgmerge", "--quiet", "--previous", "-o", str(merged), str(catalog),
                      str(template)])
            else:
                _run(["msginit", "--no-translator", f"--locale={language}", "-i", str(template),
                      "-o", str(merged)])
            _run(["msgattrib", "--no-obsolete", "-o", str(merged), str(merged)])

            catalog.parent.mkdir(parents=True, exist_ok=True)
            catalog.write_text(
                re.sub(
                    r'^"Project-Id-Version: .*\\n"$', lambda _match: version_line,
                    merged.read_text(encoding="utf-8"), count=1, flags=re.M,
                ),
                encoding="utf-8",
            )
            # The options of Django's compilemessages: fuzzy entries stay out of the .mo file.
            _run(["msgfmt", "--check-format", "-o", str(catalog.with_suffix(".mo")), str(catalog)])
            reports.append(report_catalog(catalog))
    return reports


def _extract_template(app_path: Path, work_dir: Path) -> Path:
    """Extract the app's msgids into a .pot file with Django's makemessages; return its path.

    makemessages reads a copy of the app without its own locale folder, and runs without
    settings, so it writes only to the locale folder under `work_dir` and never to the
    project's catalogs.
    """
    shutil.copytree(
        app_path, work_dir / app_path.name, ignore=shutil.ignore_patterns("locale", "__pycache__")
    )
    (work_dir / "locale").mkdir()
    environment = {
        name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"
    }
    # With --all and an empty locale folder, makemessages writes no .po file, only the .pot.
    _run(
        [sys.executable, "-m", "django", "makemessages", "--all", "--keep-pot"],
        cwd=work_dir, env=environment,
    )
    return work_dir / "locale" / "django.pot"


def _exempt_from_format_check(template_text: str, msgids: set[str]) -> str:
    """Mark the entries with these msgids no-python-brace-format in a .pot file's text."""
    blocks = template_text.split("\n\n")
    for index, block in enumerate(blocks):
        entries = parse_catalog(block, source="template")
        if not entries or entries[0].msgid not in msgids:
            continue
        blocks[index] = re.sub(
            r"^#, .*$",
            lambda match: re.sub(r"(?<![\w-])python-brace-format", "no-python-brace-format",
                                 match.group(0)),
            block, flags=re.M,
        )
    return "\n\n".join(blocks)


def _project_id_version(module_name: str) -> str:
    """Return the catalog's Project-Id-Version header line: the distribution and its version."""
    distributions = metadata.packages_distributions().get(module_name) or [module_name]
    name = distributions[0]
    return f'"Project-Id-Version: {name} {metadata.version(name)}\\n"'


def _run(command: list[str], **options) -> None:
    """Run a gettext or Django command; raise RuntimeError with its output when it fails."""
    result = subprocess.run(command, capture_output=True, text=True, check=False, **options)
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} failed with exit status {result.returncode}:\n"
            f"{result.stdout}{result.stderr}"
        )
