"""Score main-content extraction against pages with known article text.

Two page layouts are read: folders with `*/source.html` and `expected.html`
(the Mozilla Readability test pages, listed in `index.csv` when present), and
the Zyte article-extraction benchmark (`html/<id>.html.gz` with
`ground-truth.json`). Each page is scored by the F1 of the extracted and
expected texts as bags of tokens (lowercase words, or characters where the
expected text is Chinese or Japanese), averaged over pages. The benchmark's own metric
is reported too: precision, recall and F1 of the runs of four consecutive
tokens, counted over all pages together.

seoassist's extractor is always scored; trafilatura and readability-lxml are
scored side by side when they are installed, and so is the text of the whole
<body> as a baseline.

Example:
    python bench/extraction.py --pages /path/to/readability-test-pages
"""
from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seoassist.settings.test")

import django  # noqa: E402

django.setup()

from bs4 import BeautifulSoup  # noqa: E402

from seoassist.core.text import detect_language  # noqa: E402
from seoassist.corpus.parsing import extract_page  # noqa: E402

_WORD_RE = re.compile(r"\w+")
RUN_LENGTH = 4


_KANA_RE = re.compile(r"[\u3040-\u30ff]")


@dataclass
class Page:
    name: str
    html: bytes
    expected: str
    by_character: bool  # Chinese and Japanese text is scored with characters as tokens
    japanese: bool


def _page(name: str, html: bytes, expected: str, language: str = "") -> Page:
    """Build a page; Japanese is the declared language, or else text with kana in it."""
    by_character = detect_language(expected) == "ja"
    if language:
        japanese = language.lower().startswith("ja")
    else:
        japanese = by_character and len(_KANA_RE.findall(expected)) >= 20
    return Page(name, html, expected, by_character, japanese)


def token_list(text: str, by_character: bool) -> list[str]:
    """Return the tokens of `text`: characters (whitespace excluded) or lowercase words."""
    if by_character:
        return [char for char in text if not char.isspace()]
    return _WORD_RE.findall(text.lower())


def bag_scores(predicted: list[str], expected: list[str]) -> tuple[float, float, float]:
    """Return (precision, recall, F1) of two token lists taken as bags."""
    predicted_bag, expected_bag = Counter(predicted), Counter(expected)
    if not predicted_bag and not expected_bag:
        return 1.0, 1.0, 1.0
    overlap = sum((predicted_bag & expected_bag).values())
    precision = overlap / len(predicted) if predicted else 0.0
    recall = overlap / len(expected) if expected else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def run_counts(predicted: list[str], expected: list[str]) -> tuple[int, int, int]:
    """Return (true positives, false positives, false negatives) of four-token runs."""
    def runs(tokens: list[str]) -> Counter[tuple[str, ...]]:
        return Counter(
            tuple(tokens[index:index + RUN_LENGTH])
            for index in range(max(0, len(tokens) - RUN_LENGTH + 1))
        )

    predicted_runs, expected_runs = runs(predicted), runs(expected)
    true_positive = sum((predicted_runs & expected_runs).values())
    return (
        true_positive,
        sum(predicted_runs.values()) - true_positive,
        sum(expected_runs.values()) - true_positive,
    )


def _readability_pages(folder: Path) -> Iterator[tuple[str, Path, str]]:
    """Yield (name, folder, declared language) of each page, from index.csv when present."""
    pages = folder / "test-pages" if (folder / "test-pages").is_dir() else folder
    index = folder / "index.csv"
    if index.exists():
        with index.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                name = row.get("page") or row.get("id") or ""
                if (pages / name / "source.html").exists():
                    yield name, pages / name, row.get("lang") or ""
        return
    for page in sorted(path.parent for path in pages.glob("*/source.html")):
        yield page.name, page, ""


def load_pages(folder: Path) -> Iterator[Page]:
    """Yield every page of `folder` with its expected text."""
    truth_file = folder / "ground-truth.json"
    if truth_file.exists():
        truth = json.loads(truth_file.read_text(encoding="utf-8"))
        for page_id, entry in sorted(truth.items()):
            html_file = folder / "html" / f"{page_id}.html.gz"
            if html_file.exists():
                html = gzip.decompress(html_file.read_bytes())
                yield _page(page_id, html, entry["articleBody"])
        return
    for name, page, language in _readability_pages(folder):
        expected_html = (page / "expected.html").read_text(encoding="utf-8")
        expected = BeautifulSoup(expected_html, "lxml").get_text(" ")
        yield _page(name, (page / "source.html").read_bytes(), expected, language)


def body_text(html: bytes) -> str:
    """Return the text of the whole <body>, scripts and styles excluded (the baseline)."""
    soup = BeautifulSoup(html, "lxml")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    return (soup.body or soup).get_text(" ")


def extractors() -> dict[str, Callable[[bytes], str]]:
    """Return the extractors to score: ours, the whole body, and those installed."""
    found: dict[str, Callable[[bytes], str]] = {
        "seoassist": lambda html: extract_page(html).text(),
        "body": body_text,
    }
    try:
        import trafilatura
    except ImportError:
        pass
    else:
        found["trafilatura"] = lambda html: trafilatura.extract(html) or ""
    try:
        from readability import Document
    except ImportError:
        pass
    else:
        def readability_text(html: bytes) -> str:
            summary = Document(html).summary(html_partial=True)
            return BeautifulSoup(summary, "lxml").get_text(" ")

        found["readability-lxml"] = readability_text
    return found


def score_pages(pages: list[Page], extract: Callable[[bytes], str]) -> dict:
    rows = []
    totals = [0, 0, 0]
    for page in pages:
        try:
            predicted = extract(page.html)
        except Exception as error:  # noqa: BLE001 — a crash scores the page as empty
            print(f"{page.name}: {type(error).__name__}: {error}", file=sys.stderr)
            predicted = ""
        predicted_tokens = token_list(predicted, page.by_character)
        expected_tokens = token_list(page.expected, page.by_character)
        precision, recall, f1 = bag_scores(predicted_tokens, expected_tokens)
        for index, count in enumerate(run_counts(predicted_tokens, expected_tokens)):
            totals[index] += count
        rows.append({"page": page.name, "japanese": page.japanese, "precision": round(precision, 4),
                     "recall": round(recall, 4), "f1": round(f1, 4)})
    count = len(rows)
    true_positive, false_positive, false_negative = totals
    run_precision = true_positive / (true_positive + false_positive) if true_positive else 0.0
    run_recall = true_positive / (true_positive + false_negative) if true_positive else 0.0
    run_f1 = (2 * run_precision * run_recall / (run_precision + run_recall)
              if run_precision + run_recall else 0.0)
    japanese = [row["f1"] for row in rows if row["japanese"]]
    return {
        "pages": count,
        "mean_precision": round(sum(row["precision"] for row in rows) / count, 4),
        "mean_recall": round(sum(row["recall"] for row in rows) / count, 4),
        "mean_f1": round(sum(row["f1"] for row in rows) / count, 4),
        "run4_precision": round(run_precision, 4),
        "run4_recall": round(run_recall, 4),
        "run4_f1": round(run_f1, 4),
        "japanese_pages": len(japanese),
        "japanese_min_f1": min(japanese) if japanese else None,
        "per_page": rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, required=True, help="folder of test pages")
    parser.add_argument("--only", choices=["seoassist", "body", "trafilatura", "readability-lxml"],
                        help="score one extractor alone")
    parser.add_argument("--worst", type=int, default=0,
                        help="also print our N lowest-F1 pages to stderr")
    args = parser.parse_args()

    pages = list(load_pages(args.pages))
    if not pages:
        parser.error(f"--pages {args.pages}: no test pages found")
    available = extractors()
    if args.only:
        available = {args.only: available[args.only]}
    results = {name: score_pages(pages, extract) for name, extract in available.items()}
    main_name = next(iter(results))
    report = dict(results[main_name])
    report["extractor"] = main_name
    report["compared"] = {
        name: {key: value for key, value in result.items() if key != "per_page"}
        for name, result in results.items() if name != main_name
    }
    print(json.dumps(report, ensure_ascii=False))
    worst = sorted(results[main_name]["per_page"], key=lambda row: row["f1"])[: args.worst]
    for row in worst:
        print(f"{row['f1']:.3f} P={row['precision']:.3f} R={row['recall']:.3f} {row['page']}",
              file=sys.stderr)


if __name__ == "__main__":
    main()
