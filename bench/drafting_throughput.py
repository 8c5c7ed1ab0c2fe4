"""Measure drafts per minute of one drafting worker process, and print one JSON object.

The script builds a fresh SQLite database under a temporary folder, imports
the demo articles and Google Trends exports of one language, trains the
language model and the forecaster with the chosen training profile, then runs
N keyword requests one after another in this process, which is what a worker
started with `--concurrency 1` does with its queue. Each request forecasts its
keywords, suggests related ones and writes a draft of the target length.

Example::

    .venv/bin/python bench/drafting_throughput.py --requests 10 --language ja

The figure excludes broker latency (milliseconds) and model loading, which a
long-lived worker does once per model version.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEMO_CONTENT = REPO_ROOT / "seoassist" / "demo" / "content"
KEYWORDS = {
    "ja": [["花粉症", "対策"], ["熱中症"], ["紫外線", "対策"], ["睡眠"], ["花粉症"]],
    "en": [["hay fever"], ["heat stroke"], ["sunscreen"], ["sleep"], ["allergy"]],
}


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10, help="keyword requests to draft")
    parser.add_argument("--language", choices=["ja", "en"], default="ja")
    parser.add_argument("--target-length", type=int, default=None,
                        help="characters (ja) or words (en); default: the product's default")
    parser.add_argument("--profile", choices=["default", "tiny"], default="default",
                        help="training profile of the models that draft")
    return parser.parse_args()


def configure_django(var_dir: Path, profile: str) -> None:
    for key in ("DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL"):
        os.environ.pop(key, None)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="seoassist.settings.base",
        SEOASSIST_VAR_DIR=str(var_dir),
        SEOASSIST_TRAINING_PROFILE=profile,
        DJANGO_LOG_LEVEL="WARNING",
    )
    sys.path.insert(0, str(REPO_ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def train_models(site) -> dict[str, float]:
    from seoassist.engine.models import ModelKind
    from seoassist.engine.services import training_run_execute, training_run_start

    seconds = {}
    for kind in (ModelKind.LANGUAGE_MODEL, ModelKind.FORECASTER):
        started = time.monotonic()
        run = training_run_start(site=site, kind=kind)
        run = training_run_execute(run_id=run.pk)
        if run.status != "succeeded":
            raise SystemExit(f"Training the {kind} failed: {run.error}")
        seconds[kind] = round(time.monotonic() - started, 1)
    return seconds


def main() -> None:
    arguments = parse_arguments()
    var_dir = Path(tempfile.mkdtemp(prefix="seoassist-drafting-"))
    configure_django(var_dir, arguments.profile)

    from seoassist.core.broker import ensure_broker_folders
    from seoassist.core.services import site_create
    from seoassist.corpus.services import articles_import_path
    from seoassist.drafting.models import KeywordRequest
    from seoassist.drafting.services import keyword_request_create, keyword_request_execute
    from seoassist.engine.services import language_model_for_site
    from seoassist.trends.services import trends_import_file

    ensure_broker_folders()
    language = arguments.language
    site = site_create(name="Throughput", slug="throughput", language=language)
    articles_import_path(site=site, path=DEMO_CONTENT / f"articles_{language}.jsonl")
    for path in sorted(DEMO_CONTENT.glob(f"trends_{language}_*.csv")):
        trends_import_file(site=site, data=path.read_bytes(), file_name=path.name)
    training_seconds = train_models(site)
    version, _ = language_model_for_site(site)

    submitted = [
        keyword_request_create(
            site=site, user=None, keywords=KEYWORDS[language][index % len(KEYWORDS[language])],
            language=language, target_length=arguments.target_length,
        )
        for index in range(arguments.requests)
    ]
    durations = []
    started = time.monotonic()
    for keyword_request in submitted:
        one_started = time.monotonic()
        done = keyword_request_execute(request_id=keyword_request.pk)
        if done.status != "succeeded":
            raise SystemExit(f"Request {done.pk} ended as {done.status}: {done.error}")
        durations.append(time.monotonic() - one_started)
    elapsed = time.monotonic() - started
    body_lengths = [len(r.draft.body) for r in KeywordRequest.objects.filter(site=site)]

    print(json.dumps({
        "language": language,
        "profile": arguments.profile,
        "requests": arguments.requests,
        "target_length": submitted[0].target_length,
        "served_by": "lstm" if version.is_active else "ngram_baseline",
        "model_version_metrics": {
            key: version.metrics.get(key) for key in ("val_perplexity", "ngram_perplexity", "steps")
        },
        "training_seconds": training_seconds,
        "seconds_per_draft_median": round(statistics.median(durations), 2),
        "seconds_per_draft_max": round(max(durations), 2),
        "drafts_per_minute_per_worker": round(60 * arguments.requests / elapsed, 1),
        "median_body_characters": int(statistics.median(body_lengths)),
        "cpu_count": os.cpu_count(),
        "load_average_1min": round(os.getloadavg()[0], 1),
    }, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
