"""Score main-content extraction against pages with known article text (bag-of-tokens F1).

Two layouts are read: Mozilla Readability test pages (`test-pages/<page>/source.html`
with `expected.html`) and the Zyte article-extraction benchmark (`html/<id>.html.gz`
with `ground-truth.json`). Tokens are lowercase words, or characters (whitespace
excluded) where the expected text is Japanese or Chinese.

Example:
    python bench/extraction_quick.py --pages /path/to/readability-test-pages
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seoassist.settings.test")

import django  # noqa: E402

django.setup()

from bs4 import BeautifulSoup  # noqa: E402

from seoassist.core.text import detect_language  # noqa: E402
from seoassist.corpus.parsing import extract_page  # noqa: E402

_WORD_RE = re.compile(r"\w+")


def tokens(text: str, by_character: bool) -> Counter[str]:
    """Return the bag of tokens of `text`: characters or lowercase words."""
    if by_character:
        return Counter(char for char in text if not char.isspace())
    return Counter(_WORD_RE.findall(text.lower()))


def score(predicted: str, expected: str) -> tuple[float, float, float]:
    """Return (precision, recall, F1) of the token bags of `predicted` against `expected`."""
    by_character = detect_language(expected) == "ja"
    predicted_bag = tokens(predicted, by_character)
    expected_bag = tokens(expected, by_character)
    if not predicted_bag and not expected_bag:
        return 1.0, 1.0, 1.0
    overlap = sum((predicted_bag & expected_bag).values())
    precision = overlap / sum(predicted_bag.values()) if predicted_bag else 0.0
    recall = overlap / sum(expected_bag.values()) if expected_bag else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def load_pages(folder: Path) -> Iterator[tuple[str, bytes, str]]:
    """Yield (page name, HTML bytes, expected text) for every page in `folder`."""
    truth_file = folder / "ground-truth.json"
    if truth_file.exists():
        truth = json.loads(truth_file.read_text(encoding="utf-8"))
        for page_id, entry in sorted(truth.items()):
            html_file = folder / "html" / f"{page_id}.html.gz"
            if html_file.exists():
                yield page_id, gzip.decompress(html_file.read_bytes()), entry["articleBody"]
        return
    pages = folder / "test-pages" if (folder / "test-pages").is_dir() else folder
    for page in sorted(path for path in pages.iterdir() if (path / "source.html").exists()):
        expected_html = (page / "expected.html").read_text(encoding="utf-8")
        expected = BeautifulSoup(expected_html, "lxml").get_text(" ")
        yield page.name, (page / "source.html").read_bytes(), expected


def body_text(html: bytes) -> str:
    """Return the text of the whole <body>, scripts and styles excluded (the baseline)."""
    soup = BeautifulSoup(html, "lxml")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    return (soup.body or soup).get_text(" ")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, required=True, help="folder of test pages")
    parser.add_argument(
        "--baseline", action="store_true", help="score the whole <body> text instead"
    )
    parser.add_argument(
        "--worst", type=int, default=0, help="also print the N lowest-F1 pages to stderr"
    )
    args = parser.parse_args()

    results: list[tuple[str, float, float, float]] = []
    for name, html, expected in load_pages(args.pages):
        predicted = body_text(html) if args.baseline else extract_page(html).text()
        results.append((name, *score(predicted, expected)))
    if not results:
        parser.error(f"--pages {args.pages}: no test pages found")

    count = len(results)
    print(
        json.dumps(
            {
                "pages": count,
                "mean_precision": round(sum(row[1] for row in results) / count, 4),
                "mean_recall": round(sum(row[2] for row in results) / count, 4),
                "mean_f1": round(sum(row[3] for row in results) / count, 4),
            }
        )
    )
    for name, precision, recall, f1 in sorted(results, key=lambda row: row[3])[: args.worst]:
        print(f"{f1:.3f} P={precision:.3f} R={recall:.3f} {name}", file=sys.stderr)


if __name__ == "__main__":
    main()
