"""Check that a string is marked for translation under an expected msgid."""
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def japanese_catalog_with(entries: dict[str, str]) -> Iterator[None]:
    """Add `entries` (msgid to msgstr) to the loaded Japanese catalog inside the block.

    Text rendered in Japanese then shows a given msgstr only if the code passes exactly that
    msgid through gettext, whether or not the project's catalog translates it yet.
    """
    from django.utils.translation import trans_real

    # Django 5.2 keeps the merged catalog of a language in the first dict of
    # TranslationCatalog._catalogs, which has no public way to remove an entry.
    catalog = trans_real.translation("ja")._catalog._catalogs[0]
    previous = {msgid: catalog[msgid] for msgid in entries if msgid in catalog}
    catalog.update(entries)
    try:
        yield
    finally:
        for msgid in entries:
            if msgid in previous:
                catalog[msgid] = previous[msgid]
            else:
                del catalog[msgid]
