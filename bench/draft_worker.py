"""Draft once in a fresh process, as a drafting worker does, and print one JSON object.

Example::

    .venv/bin/python bench/draft_worker.py --model MODEL_DIR --language ja --keyword 花粉症 --keyword 対策

The process loads the saved model directory with
``lstm_engine.checkpoint.load_language_model``, as a worker does on its first
request for a model version, writes one draft and reports:

- ``peak_rss_mb``: the peak resident memory of this process since it started
  Python, in MiB: ``VmHWM`` of /proc/self/status, or ``ru_maxrss`` where that file
  is missing;
- ``ru_maxrss_mb``: ``ru_maxrss`` itself. Linux keeps it across ``execve``, so in
  a child of a large process, such as bench/lm.py after training, it reports the
  parent's peak when that is higher;
- ``load_seconds`` and ``draft_seconds``: wall-clock seconds to load the model
  and to write the draft, and ``seconds``, their sum.

A worker process also imports Django and Celery, which this script leaves out, so
the figure is the memory that the language model and drafting add to them plus
the Python and PyTorch runtime.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lstm_engine.checkpoint import load_language_model  # noqa: E402
from lstm_engine.drafting import DraftSpec, body_length, check_draft, generate_draft  # noqa: E402

DEFAULT_TARGET_LENGTH = {"ja": 1500, "en": 600}
DEFAULT_KEYWORD = {"ja": "ニュース", "en": "news"}


def run_worker_draft(directory: Path, spec: DraftSpec) -> dict[str, object]:
    """Run this script on ``directory`` in a fresh process and return its JSON report.

    The child drafts ``spec``'s keywords, outline keywords, language, length and seed
    with the default decoding settings.
    """
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--model", str(directory),
        "--language", spec.language,
        "--target-length", str(spec.target_length),
        "--seed", str(spec.seed),
    ]
    for keyword in spec.keywords:
        command += ["--keyword", keyword]
    for keyword in spec.related_keywords:
        command += ["--related", keyword]
    completed = subprocess.run(command, capture_output=True, text=True, check=True, timeout=600)
    return json.loads(completed.stdout.strip().splitlines()[-1])


def peak_rss_since_exec_mb() -> float | None:
    """Return VmHWM, the peak resident memory of this process image, in MiB, or None off Linux."""
    status = Path("/proc/self/status")
    if not status.is_file():
        return None
    for line in status.read_text(encoding="ascii", errors="replace").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024  # the value is in kB
    return None


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True, help="saved language model directory")
    parser.add_argument("--language", choices=["ja", "en"], required=True, help="language of the draft")
    parser.add_argument(
        "--keyword", action="append", default=[], help="requested keyword; repeat for up to 5 (default: ニュース or news)"
    )
    parser.add_argument(
        "--related", action="append", default=[], help="outline keyword, one H2 heading each; repeat for more"
    )
    parser.add_argument(
        "--target-length", type=int, default=None, help="characters (ja) or words (en); default: 1500 or 600"
    )
    parser.add_argument("--seed", type=int, default=0, help="decoding seed")
    parser.add_argument(
        "--baseline", action="store_true", help="draft with the n-gram baseline instead of the LSTM"
    )
    return parser.parse_args()


def main() -> None:
    arguments = parse_arguments()
    language = arguments.language
    spec = DraftSpec(
        keywords=arguments.keyword or [DEFAULT_KEYWORD[language]],
        related_keywords=arguments.related,
        language=language,
        target_length=arguments.target_length or DEFAULT_TARGET_LENGTH[language],
        seed=arguments.seed,
    )

    started = time.perf_counter()
    model = load_language_model(arguments.model, use_baseline=arguments.baseline)
    loaded = time.perf_counter()
    draft = generate_draft(model, spec)
    finished = time.perf_counter()

    # On Linux, ru_maxrss is in KiB.
    ru_maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report = {
        "language": language,
        "model_kind": model.kind,
        "peak_rss_mb": round(peak_rss_since_exec_mb() or ru_maxrss_mb, 1),
        "ru_maxrss_mb": round(ru_maxrss_mb, 1),
        "load_seconds": round(loaded - started, 3),
        "draft_seconds": round(finished - loaded, 3),
        "seconds": round(finished - started, 3),
        "body_length": body_length(draft, language),
        "target_length": spec.target_length,
        "problems": check_draft(draft, spec),
    }
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
