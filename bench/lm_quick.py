"""Train the drafting language model on livedoor news articles and print one JSON object of measurements.

Example::

    nice .venv/bin/python bench/lm_quick.py --data /path/to/livedoor-news --articles 600 --budget 180

It reports LSTM and Kneser-Ney validation perplexity and bits per character, training
throughput, and the seconds taken to generate a Japanese draft with each model.
"""
from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import tempfile
import time
from dataclasses import asdict, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lstm_engine.checkpoint import load_language_model
from lstm_engine.config import LanguageModelConfig, TrainConfig
from lstm_engine.data import Block, Document
from lstm_engine.drafting import DraftSpec, body_length, check_draft, generate_draft
from lstm_engine.training import train_language_model

# Runs of katakana (3+) or kanji (2+) in a title serve as its keywords.
KEYWORD_PATTERN = re.compile(r"[\u30a0-\u30ff\u30fc]{3,}|[\u4e00-\u9fff]{2,}")
HEADING_MARKS = ("■", "●", "◆", "【")


def read_article(path: Path, max_characters: int | None) -> Document:
    """Parse one ldcc file: URL, date and title lines, then the body."""
    lines = path.read_text(encoding="utf-8").splitlines()
    title = lines[2].strip()
    blocks: list[Block] = []
    characters = 0
    for line in lines[3:]:
        text = line.strip()
        if not text:
            continue
        if text.startswith(HEADING_MARKS) and len(text) <= 40:
            blocks.append(Block("heading", text.lstrip("".join(HEADING_MARKS)).strip() or text))
        else:
            blocks.append(Block("paragraph", text))
        characters += len(text)
        if max_characters is not None and characters >= max_characters:
            break
    keywords = list(dict.fromkeys(KEYWORD_PATTERN.findall(title)))[:3]
    return Document(title=title, blocks=blocks, keywords=keywords)


def select_articles(data: Path, count: int) -> list[Path]:
    """Pick ``count`` articles spread evenly over the categories and over each category's id order."""
    categories = sorted(path for path in (data / "text").iterdir() if path.is_dir())
    per_category = [sorted(category.glob(f"{category.name}-*.txt")) for category in categories]
    chosen: list[Path] = []
    quota = -(-count // len(categories))
    for files in per_category:
        step = max(1, len(files) // quota)
        chosen.extend(files[::step][:quota])
    return chosen[:count]


def parse_value(text: str, current: object) -> object:
    """Read ``text`` as the type of ``current``; a field that is None now takes a number or a word."""
    if text.lower() == "none":
        return None
    if isinstance(current, bool):
        return text.lower() in ("1", "true", "yes")
    if isinstance(current, int):
        return int(text)
    if isinstance(current, float):
        return float(text)
    if current is None:
        for number_type in (int, float):
            try:
                return number_type(text)
            except ValueError:
                pass
    return text


def parse_options(options: list[str], config: object) -> dict[str, object]:
    """Turn NAME=VALUE strings into field overrides typed like the field's current value."""
    overrides: dict[str, object] = {}
    for option in options:
        name, separator, text = option.partition("=")
        if not separator or not hasattr(config, name):
            raise SystemExit(f"unknown option {option!r} for {type(config).__name__}; write NAME=VALUE with one of its fields")
        overrides[name] = parse_value(text, getattr(config, name))
    return overrides


def rounded(value: float | None, digits: int = 4) -> float | None:
    """Round a figure for the JSON report, keeping None for figures that were not measured."""
    return None if value is None else round(value, digits)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="livedoor-news folder containing text/")
    parser.add_argument("--articles", type=int, default=600, help="number of articles to train on")
    parser.add_argument("--budget", type=float, default=180.0, help="training time budget in seconds")
    parser.add_argument(
        "--max-article-chars", type=int, default=None, help="truncate each article body to about this many characters"
    )
    parser.add_argument("--draft-length", type=int, default=1500, help="target length of the Japanese draft, characters")
    parser.add_argument("--threads", type=int, default=None, help="PyTorch CPU threads for training (default: by size)")
    parser.add_argument("--embedding-size", type=int, default=None, help="override the embedding size picked by size")
    parser.add_argument("--hidden-size", type=int, default=None, help="override the LSTM hidden size picked by size")
    parser.add_argument("--output", type=Path, default=None, help="keep the trained model in this folder")
    parser.add_argument(
        "--model-option",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override one LanguageModelConfig field, e.g. num_layers=2 (repeatable)",
    )
    parser.add_argument(
        "--train-option",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override one TrainConfig field, e.g. epochs=30 (repeatable)",
    )
    parser.add_argument(
        "--log", action="store_true", help="log every evaluation to standard error with the seconds since the start"
    )
    arguments = parser.parse_args()
    if arguments.log:
        logging.basicConfig(level=logging.INFO, format="%(relativeCreated)9.0f ms %(name)s: %(message)s")

    documents = [read_article(path, arguments.max_article_chars) for path in select_articles(arguments.data, arguments.articles)]
    characters = sum(document.character_count() for document in documents)
    model_config = LanguageModelConfig.for_corpus_size(characters)
    train_config = replace(TrainConfig.for_corpus_size(characters), max_seconds=arguments.budget)
    if arguments.embedding_size is not None:
        model_config = replace(model_config, embedding_size=arguments.embedding_size)
    if arguments.hidden_size is not None:
        model_config = replace(model_config, hidden_size=arguments.hidden_size)
    if arguments.threads is not None:
        train_config = replace(train_config, num_threads=arguments.threads)
    model_config = replace(model_config, **parse_options(arguments.model_option, model_config))
    train_config = replace(train_config, **parse_options(arguments.train_option, train_config))

    with tempfile.TemporaryDirectory() as temporary:
        output = arguments.output or Path(temporary)
        started = time.monotonic()
        result = train_language_model(documents, output, model_config=model_config, train_config=train_config)
        wall_seconds = time.monotonic() - started

        spec = DraftSpec(
            keywords=documents[0].keywords[:2] or ["ニュース"],
            related_keywords=[keyword for document in documents[1:4] for keyword in document.keywords[:1]],
            language="ja",
            target_length=arguments.draft_length,
            seed=0,
        )
        drafts: dict[str, dict[str, object]] = {}
        for name, use_baseline in (("lstm", False), ("ngram", True)):
            model = load_language_model(output, use_baseline=use_baseline)
            generate_draft(model, replace(spec, target_length=200))  # warm-up
            started = time.monotonic()
            draft = generate_draft(model, spec)
            drafts[name] = {
                "seconds": round(time.monotonic() - started, 3),
                "body_length": body_length(draft, "ja"),
                "problems": check_draft(draft, spec),
                "title": draft.title,
                "first_paragraph": draft.sections[0].paragraphs[0][:120],
            }

    report = {
        "articles": len(documents),
        "characters": characters,
        "budget_seconds": arguments.budget,
        "wall_seconds": round(wall_seconds, 1),
        "lstm_val_perplexity": round(result.val_perplexity, 3),
        "lstm_val_bits_per_char": round(result.val_bits_per_char, 4),
        "ngram_val_perplexity": round(result.ngram_perplexity, 3),
        "ngram_val_bits_per_char": round(result.ngram_bits_per_char, 4),
        "ngram_order": result.ngram_order,
        "beats_baseline": result.beats_baseline,
        # The mixture's weight is fitted on the first half of the held-out articles and every
        # figure below is scored on the second half.
        "mixture_weight": rounded(result.mixture_weight),
        "mixture_bits_per_char": rounded(result.mixture_bits_per_char),
        "mixture_lstm_bits_per_char": rounded(result.mixture_lstm_bits_per_char),
        "mixture_ngram_bits_per_char": rounded(result.mixture_ngram_bits_per_char),
        "tokens_per_second": round(result.tokens_per_second),
        "steps": result.steps,
        "total_steps": result.total_steps,
        "stop_reason": result.stop_reason,
        "train_tokens": result.train_tokens,
        "validation_tokens": result.validation_tokens,
        "model_config": asdict(model_config) | {"vocab_size": result.model_config["vocab_size"]},
        "drafts": drafts,
    }
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
