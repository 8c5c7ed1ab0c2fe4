"""Measure the drafting language model against its baselines and print one JSON object.

Example::

    nice .venv/bin/python bench/lm.py --data DATA_DIR --budget 60
    nice .venv/bin/python bench/lm.py --data DATA_DIR --budget 180 --shakespeare-only

Every model gets the same wall-clock training budget in the same process:

- livedoor news (Japanese) and BBC News (English): the LSTM, the GRU and the
  Kneser-Ney n-gram baseline, scored in bits per character on the same held-out articles;
- Tiny Shakespeare: a character-level LSTM, validation cross-entropy in nats per
  character on the last 10 % of the text after training on the first 90 %;
- training throughput of the library's loop against a bare embedding, LSTM and softmax
  step of the same shapes, and as a share of the measured matrix-multiply FLOP/s;
- the LSTM interpolated with the n-gram, its weight fitted on the first half of the
  held-out articles and its bits per character measured on the second half;
- seconds to draft 1,500 Japanese characters and 600 English words with the LSTM, and
  with the LSTM mixed with the n-gram;
- peak resident memory of the process, and of a fresh process that loads the LSTM
  and drafts once as a worker does (bench/draft_worker.py).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from draft_worker import run_worker_draft  # noqa: E402
from lm_quick import read_article, rounded, select_articles  # noqa: E402

from lstm_engine.character_model import CharacterTrainConfig, split_text, train_character_model  # noqa: E402
from lstm_engine.checkpoint import load_language_model  # noqa: E402
from lstm_engine.config import LanguageModelConfig, TrainConfig  # noqa: E402
from lstm_engine.data import Block, Document  # noqa: E402
from lstm_engine.drafting import DraftSpec, body_length, check_draft, generate_draft  # noqa: E402
from lstm_engine.training import LanguageModelTrainResult, NgramBaselines, train_language_model  # noqa: E402

ENGLISH_STOPWORDS = frozenset(
    "a an the and or but of to in on for with at by from as is are was were be been it its this that "
    "over after into out up down new says say said will can could may not no more than how why what who".split()
)
ENGLISH_WORD = re.compile(r"[A-Za-z][A-Za-z'-]{3,}")


def read_bbc_article(path: Path) -> Document:
    """Parse one BBC file: the title line, a blank line and one paragraph per line."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    lines = [line.strip() for line in text.splitlines()]
    title = lines[0]
    blocks = [Block("paragraph", line) for line in lines[1:] if line]
    words = [word for word in ENGLISH_WORD.findall(title) if word.lower() not in ENGLISH_STOPWORDS]
    keywords = list(dict.fromkeys(word.lower() for word in words))[:3]
    return Document(title=title, blocks=blocks, keywords=keywords)


def select_bbc_articles(data: Path, count: int) -> list[Path]:
    """Pick ``count`` BBC articles spread evenly over the five categories."""
    categories = sorted(path for path in data.iterdir() if path.is_dir())
    quota = -(-count // len(categories))
    chosen: list[Path] = []
    for category in categories:
        files = sorted(category.glob("*.txt"))
        step = max(1, len(files) // quota)
        chosen.extend(files[::step][:quota])
    return chosen[:count]


def train_pair(
    documents: list[Document], budget: float, threads: int, workdir: Path
) -> dict[str, tuple[Path, LanguageModelTrainResult]]:
    """Train the default-sized LSTM and a GRU of the same size, each for ``budget`` seconds."""
    characters = sum(document.character_count() for document in documents)
    model_config = LanguageModelConfig.for_corpus_size(characters)
    train_config = replace(TrainConfig.for_corpus_size(characters), max_seconds=budget, num_threads=threads)
    trained = {}
    baselines = NgramBaselines()
    for cell in ("lstm", "gru"):
        output = workdir / cell
        result = train_language_model(
            documents,
            output,
            model_config=replace(model_config, cell=cell),
            train_config=train_config,
            baselines=baselines,
        )
        trained[cell] = (output, result)
    return trained


def language_figures(prefix: str, trained: dict[str, tuple[Path, LanguageModelTrainResult]]) -> dict[str, object]:
    """Return bits per character and run statistics of one language."""
    lstm = trained["lstm"][1]
    gru = trained["gru"][1]
    return {
        f"lstm_bpc_{prefix}": round(lstm.val_bits_per_char, 4),
        f"gru_bpc_{prefix}": round(gru.val_bits_per_char, 4),
        f"ngram_bpc_{prefix}": round(lstm.ngram_bits_per_char, 4),
        f"lstm_vs_ngram_{prefix}": round(lstm.val_bits_per_char / lstm.ngram_bits_per_char - 1.0, 4),
        # The mixture interpolates the LSTM with the n-gram. Its weight is fitted on the first
        # half of the validation articles and its bpc is measured on the second half only,
        # so compare it with mixture_parts_bpc, the LSTM and the n-gram on that same half.
        f"mixture_bpc_{prefix}": rounded(lstm.mixture_bits_per_char),
        f"mixture_weight_{prefix}": rounded(lstm.mixture_weight),
        f"mixture_parts_bpc_{prefix}": {
            "lstm": rounded(lstm.mixture_lstm_bits_per_char),
            "ngram": rounded(lstm.mixture_ngram_bits_per_char),
        },
        f"gru_mixture_bpc_{prefix}": rounded(gru.mixture_bits_per_char),
        f"gru_mixture_weight_{prefix}": rounded(gru.mixture_weight),
        f"details_{prefix}": {
            "lstm_perplexity": round(lstm.val_perplexity, 2),
            "gru_perplexity": round(gru.val_perplexity, 2),
            "ngram_perplexity": round(lstm.ngram_perplexity, 2),
            "ngram_order": lstm.ngram_order,
            "lstm_steps": lstm.steps,
            "gru_steps": gru.steps,
            "precision": lstm.precision,
            "lstm_tokens_per_second": round(lstm.tokens_per_second),
            "gru_tokens_per_second": round(gru.tokens_per_second),
            "train_tokens": lstm.train_tokens,
            "validation_tokens": lstm.validation_tokens,
            "model_config": lstm.model_config,
        },
    }


def measure_matmul_flops(
    threads: int, dtype: torch.dtype = torch.float32, rounds: int = 5, seconds: float = 0.4
) -> float:
    """Return the best FLOP/s of 1024 x 1024 ``dtype`` matrix products over ``rounds`` short windows."""
    torch.set_num_threads(threads)
    left = torch.randn(1024, 1024, dtype=dtype)
    right = torch.randn(1024, 1024, dtype=dtype)
    left @ right  # warm-up
    best = 0.0
    for _ in range(rounds):
        count = 0
        started = time.perf_counter()
        while time.perf_counter() - started < seconds:
            left @ right
            count += 1
        best = max(best, count * 2 * 1024**3 / (time.perf_counter() - started))
    return best


def bare_step_tokens_per_second(
    config: dict[str, int],
    batch_size: int,
    bptt: int,
    threads: int,
    seconds: float,
    min_steps: int = 30,
    bfloat16: bool = False,
) -> float:
    """Return tokens/s of a bare embedding, nn.LSTM, projection and softmax step on random ids.

    With ``bfloat16`` the forward pass runs under CPU bfloat16 autocast, as the library's
    loop does on CPUs with native bfloat16 instructions.
    """
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    vocab, embedding_size, hidden = config["vocab_size"], config["embedding_size"], config["hidden_size"]
    embedding = nn.Embedding(vocab, embedding_size)
    lstm = nn.LSTM(embedding_size, hidden, num_layers=config["num_layers"], batch_first=True)
    projection = nn.Linear(hidden, embedding_size) if hidden != embedding_size else nn.Identity()
    decoder = nn.Linear(embedding_size, vocab)
    decoder.weight = embedding.weight
    modules = nn.ModuleList([embedding, lstm, projection, decoder])
    optimizer = torch.optim.AdamW(modules.parameters(), lr=1e-3)
    inputs = torch.randint(0, vocab, (batch_size, bptt))
    targets = torch.randint(0, vocab, (batch_size, bptt))
    steps = 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds or steps < min_steps:
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bfloat16):
            outputs, _ = lstm(embedding(inputs))  # (B, T, H)
            logits = decoder(projection(outputs))  # (B, T, V)
            loss = nn.functional.cross_entropy(logits.reshape(-1, vocab).float(), targets.reshape(-1))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        steps += 1
    return steps * batch_size * bptt / (time.perf_counter() - started)


def measure_throughput(
    documents: list[Document],
    preset_characters: int,
    threads: int,
    workdir: Path,
    rounds: int = 3,
    steps: int = 100,
) -> dict:
    """Return the best-of-``rounds`` tokens/s of the library loop and of a bare step, alternated.

    The model and batch shapes are the presets for a corpus of ``preset_characters``,
    trained on ``documents`` (a subset, so that tokenizer and n-gram fitting stay short).
    """
    characters = sum(document.character_count() for document in documents)
    model_config = LanguageModelConfig.for_corpus_size(preset_characters)
    train_config = replace(
        TrainConfig.for_corpus_size(preset_characters),
        max_steps=steps,
        max_seconds=None,
        eval_every=10 * steps,
        checkpoint_every=10 * steps,
        num_threads=threads,
    )
    ours: list[float] = []
    bare: list[float] = []
    config: dict = {}
    precision = "float32"
    for round_index in range(rounds):
        result = train_language_model(
            documents, workdir / str(round_index), model_config=model_config, train_config=train_config
        )
        config = result.model_config
        precision = result.precision
        ours.append(result.tokens_per_second)
        bare.append(
            bare_step_tokens_per_second(
                config,
                train_config.batch_size,
                train_config.bptt,
                threads,
                0.0,
                steps,
                bfloat16=precision == "bfloat16",
            )
        )
    return {
        "train_tokens_per_second": round(max(ours)),
        "bare_tokens_per_second": round(max(bare)),
        "train_throughput_ratio": round(max(ours) / max(bare), 3),
        "throughput_precision": precision,
        "throughput_shapes": {
            "batch_size": train_config.batch_size,
            "bptt": train_config.bptt,
            "corpus_characters": characters,
            **{key: config[key] for key in ("vocab_size", "embedding_size", "hidden_size", "num_layers", "cell")},
        },
        "flops_per_token": training_flops_per_token(config),
    }


def throughput_figures(documents: list[Document], threads: int, workdir: Path) -> dict[str, object]:
    """Return the throughput figures and the share of the matrix-multiply rate that training reaches.

    The library loop and the bare step alternate, best of three, because other jobs on
    the machine make single figures noisy. The share is taken of the rate of the
    precision that the loop trained in.
    """
    throughput = measure_throughput(
        documents[:150], sum(document.character_count() for document in documents), threads, workdir
    )
    flops = measure_matmul_flops(threads)
    figures: dict[str, object] = {**throughput, "matmul_gflops": round(flops / 1e9, 1)}
    if throughput["throughput_precision"] == "bfloat16":
        flops = measure_matmul_flops(threads, torch.bfloat16)
        figures["matmul_gflops_bfloat16"] = round(flops / 1e9, 1)
    figures["train_flops_share"] = round(throughput["train_tokens_per_second"] * throughput["flops_per_token"] / flops, 3)
    return figures


def training_flops_per_token(config: dict[str, int]) -> float:
    """Return the multiply-add FLOPs per token of forward and backward (6 per weight)."""
    embedding_size, hidden, vocab = config["embedding_size"], config["hidden_size"], config["vocab_size"]
    gates = 4 if config["cell"] == "lstm" else 3
    recurrent = sum(
        gates * hidden * ((embedding_size if layer == 0 else hidden) + hidden) for layer in range(config["num_layers"])
    )
    projection = hidden * embedding_size if hidden != embedding_size else 0
    return 6.0 * (recurrent + projection + embedding_size * vocab)


def time_draft(
    directory: Path, spec: DraftSpec, quantize: bool = False, mixture: bool = False
) -> dict[str, object]:
    """Load the LSTM of ``directory`` (with ``mixture``, mixed with its n-gram), warm it up and time one draft."""
    model = load_language_model(directory, use_baseline=False, quantize=quantize, mixture=mixture)
    generate_draft(model, replace(spec, target_length=TIMING_WARMUP_LENGTH[spec.language]))
    started = time.perf_counter()
    draft = generate_draft(model, spec)
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 3),
        "body_length": body_length(draft, spec.language),
        "problems": check_draft(draft, spec),
        "title": draft.title,
    }


TIMING_WARMUP_LENGTH = {"ja": 200, "en": 60}


def shakespeare_figures(data: Path, budget: float, threads: int) -> dict[str, object]:
    """Train the character-level LSTM on the first 90 % of Tiny Shakespeare and score the last 10 %."""
    text = (data / "tinyshakespeare" / "input.txt").read_text(encoding="utf-8")
    train_text, validation_text = split_text(text, 0.9)
    _, result = train_character_model(
        train_text,
        validation_text,
        train_config=CharacterTrainConfig(max_seconds=budget, num_threads=threads),
    )
    return {
        "shakespeare_val_loss": round(result.val_loss, 4),
        "shakespeare": {
            "steps": result.steps,
            "tokens_per_second": round(result.tokens_per_second),
            "model_config": result.model_config,
            "train_config": result.train_config,
        },
    }


def load_average() -> list[float]:
    """Return the 1, 5 and 15-minute load averages."""
    return [round(value, 2) for value in os.getloadavg()]


def print_report(report: dict[str, object], started: float) -> None:
    """Add the wall-clock seconds since ``started`` and the final load to ``report``, and print it as JSON."""
    report["wall_seconds"] = round(time.monotonic() - started, 1)
    report["load_average_end"] = load_average()
    print(json.dumps(report, ensure_ascii=False, default=str))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", type=Path, required=True, help="data folder with livedoor-news, bbc-news and tinyshakespeare"
    )
    parser.add_argument("--budget", type=float, default=60.0, help="training budget per model, in seconds")
    parser.add_argument("--articles", type=int, default=600, help="articles per language")
    parser.add_argument("--threads", type=int, default=1, help="PyTorch CPU threads for training")
    parser.add_argument(
        "--shakespeare-only", action="store_true", help="train only the Tiny Shakespeare model, for longer budgets"
    )
    parser.add_argument(
        "--throughput-only",
        action="store_true",
        help="measure only the training throughput against the bare step and the matrix-multiply rate",
    )
    arguments = parser.parse_args()
    report: dict[str, object] = {"budget_seconds": arguments.budget, "threads": arguments.threads}
    report["load_average_start"] = load_average()
    started = time.monotonic()
    if arguments.shakespeare_only:
        report.update(shakespeare_figures(arguments.data, arguments.budget, arguments.threads))
        print_report(report, started)
        return

    japanese = [
        read_article(path, None) for path in select_articles(arguments.data / "livedoor-news", arguments.articles)
    ]
    english = [
        read_bbc_article(path)
        for path in select_bbc_articles(arguments.data / "bbc-news" / "bbc", arguments.articles)
    ]
    if arguments.throughput_only:
        with tempfile.TemporaryDirectory() as temporary:
            report.update(throughput_figures(japanese, arguments.threads, Path(temporary)))
        print_report(report, started)
        return

    with tempfile.TemporaryDirectory() as temporary:
        workdir = Path(temporary)
        trained_ja = train_pair(japanese, arguments.budget, arguments.threads, workdir / "ja")
        report.update(language_figures("ja", trained_ja))
        trained_en = train_pair(english, arguments.budget, arguments.threads, workdir / "en")
        report.update(language_figures("en", trained_en))

        report.update(shakespeare_figures(arguments.data, arguments.budget, arguments.threads))

        report.update(throughput_figures(japanese, arguments.threads, workdir / "throughput"))

        spec_ja = DraftSpec(
            keywords=japanese[0].keywords[:2] or ["ニュース"],
            related_keywords=[keyword for document in japanese[1:4] for keyword in document.keywords[:1]],
            language="ja",
            target_length=1500,
        )
        spec_en = DraftSpec(
            keywords=english[0].keywords[:2] or ["news"],
            related_keywords=[keyword for document in english[1:4] for keyword in document.keywords[:1]],
            language="en",
            target_length=600,
        )
        draft_ja = time_draft(trained_ja["lstm"][0], spec_ja)
        draft_en = time_draft(trained_en["lstm"][0], spec_en)
        report["draft_seconds_ja"] = draft_ja["seconds"]
        report["draft_seconds_en"] = draft_en["seconds"]
        report["draft_seconds_ja_int8"] = time_draft(trained_ja["lstm"][0], spec_ja, quantize=True)["seconds"]
        report["draft_seconds_en_int8"] = time_draft(trained_en["lstm"][0], spec_en, quantize=True)["seconds"]
        report["draft_seconds_ja_mixture"] = time_draft(trained_ja["lstm"][0], spec_ja, mixture=True)["seconds"]
        report["draft_seconds_en_mixture"] = time_draft(trained_en["lstm"][0], spec_en, mixture=True)["seconds"]
        report["drafts"] = {"ja": draft_ja, "en": draft_en}
        # A fresh process that loads the LSTM and drafts once, as a worker does.
        worker_drafts = {"ja": run_worker_draft(trained_ja["lstm"][0], spec_ja)}
        worker_drafts["en"] = run_worker_draft(trained_en["lstm"][0], spec_en)

    report["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    report["worker_peak_rss_mb_ja"] = worker_drafts["ja"]["peak_rss_mb"]
    report["worker_peak_rss_mb_en"] = worker_drafts["en"]["peak_rss_mb"]
    report["worker_drafts"] = worker_drafts
    report["torch"] = torch.__version__
    print_report(report, started)


if __name__ == "__main__":
    main()
