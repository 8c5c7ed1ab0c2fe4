"""Time the draft analysis of a 5,000-character Japanese and a 1,500-word English draft.

With SEOASSIST_TEST_DATA set, the drafts join real articles (livedoor news for
Japanese, BBC News for English) under H2 headings, each article's title as its
heading, until the draft reaches the target length. Without it, they repeat a
few built-in paragraphs. The first analysis loads the Sudachi dictionary and is
reported apart; the figure that matters is the median of the runs after it.

Example:
    SEOASSIST_TEST_DATA=/path/to/data python bench/analysis.py --runs 10
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seoassist.settings.test")

import django  # noqa: E402

django.setup()

from seoassist.analysis.document import is_counted_char  # noqa: E402
from seoassist.analysis.engine import DraftText, analyze_text  # noqa: E402

JAPANESE_TARGET = 5000  # counted characters
ENGLISH_TARGET = 1500  # words

_JAPANESE_FALLBACK = (
    "引越し見積もりは、複数の業者に依頼するのが基本です。繁忙期の3月と4月は料金が高くなります。"
    "できれば閑散期に予定を組みましょう。荷物を減らすと料金は下がります。"
)
_ENGLISH_FALLBACK = (
    "Running shoes wear out faster than most runners expect. However, a good pair lasts "
    "for several hundred miles when it is rotated with another pair. The foam loses its "
    "bounce first, so the shoe feels flat before it looks worn."
)


def _livedoor_articles(data: Path):
    folder = data / "livedoor-news"
    with (folder / "index.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            # Lines: URL, date, title, then the body.
            lines = (folder / row["path"]).read_text(encoding="utf-8").split("\n")
            yield row["title"], "\n".join(lines[3:]).strip()


def _bbc_articles(data: Path):
    folder = data / "bbc-news"
    with (folder / "index.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            text = (folder / row["path"]).read_text(encoding=row.get("encoding") or "utf-8")
            # Line one is the title, then a blank line, then the body.
            title, _, body = text.partition("\n")
            yield title.strip(), body.strip()


def _cut(body: str, language: str, target: int) -> str:
    """Cut `body` right after its `target`-th counted character (ja) or word (en)."""
    if language == "ja":
        counted = 0
        for index, char in enumerate(body):
            counted += is_counted_char(char)
            if counted == target:
                return body[: index + 1]
        return body
    words = list(re.finditer(r"\S+", body))
    return body[: words[target - 1].end()] if len(words) >= target else body


def build_draft(articles, language: str, target: int) -> tuple[str, str]:
    """Join articles under H2 headings and cut at `target` characters or words.

    Return the first article's title and the joined body.
    """
    parts: list[str] = []
    title = ""
    for article_title, body in articles:
        title = title or article_title
        parts.append(f"## {article_title}\n\n{body}")
        analysis = analyze_text(DraftText(body="\n\n".join(parts), language=language))
        length = analysis.characters if language == "ja" else analysis.words
        if length >= target:
            break
    joined = "\n\n".join(parts)
    # Headings and URLs are not counted, so cut a little past the target and trim back.
    for extra in range(0, target, 25):
        candidate = _cut(joined, language, target + extra)
        analysis = analyze_text(DraftText(body=candidate, language=language))
        if (analysis.characters if language == "ja" else analysis.words) >= target:
            return title, candidate
    return title, joined


def time_analysis(text: DraftText, runs: int) -> dict:
    timings = []
    analysis = None
    for _ in range(runs):
        started = time.perf_counter()
        analysis = analyze_text(text)
        timings.append(time.perf_counter() - started)
    return {
        "characters": analysis.characters,
        "words": analysis.words,
        "checks": len(analysis.checks),
        "seo_score": analysis.seo_score,
        "readability_score": analysis.readability_score,
        "median_s": round(statistics.median(timings), 4),
        "min_s": round(min(timings), 4),
        "max_s": round(max(timings), 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="Timed analyses per draft.")
    arguments = parser.parse_args()
    data = os.environ.get("SEOASSIST_TEST_DATA")

    started = time.perf_counter()
    analyze_text(DraftText(body="辞書を読み込む。", keyphrase="辞書", language="ja"))
    first_call_s = time.perf_counter() - started

    if data:
        japanese = build_draft(_livedoor_articles(Path(data)), "ja", JAPANESE_TARGET)
        english = build_draft(_bbc_articles(Path(data)), "en", ENGLISH_TARGET)
    else:
        japanese_parts = ((f"見出し{i}", _JAPANESE_FALLBACK * 3) for i in range(1000))
        english_parts = ((f"Part {i}", _ENGLISH_FALLBACK * 3) for i in range(1000))
        japanese = build_draft(japanese_parts, "ja", JAPANESE_TARGET)
        english = build_draft(english_parts, "en", ENGLISH_TARGET)

    results = {
        "data": "livedoor-news and bbc-news" if data else "built-in paragraphs",
        "first_call_with_dictionary_load_s": round(first_call_s, 3),
        "japanese": time_analysis(
            DraftText(
                title=japanese[0], body=japanese[1], keyphrase="スマートフォン",
                related_keyphrases=("アプリ", "独女"), meta_description=japanese[0], language="ja",
            ),
            arguments.runs,
        ),
        "english": time_analysis(
            DraftText(
                title=english[0], body=english[1], keyphrase="profit", slug="profits",
                related_keyphrases=("sales", "shares"), meta_description=english[0], language="en",
            ),
            arguments.runs,
        ),
    }
    print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
