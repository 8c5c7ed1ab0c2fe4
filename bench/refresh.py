"""Time a full forecast refresh of many tracked keywords in a scratch database.

Creates one site with --keywords synthetic keywords, each with --weeks weekly
interest points (a seasonal wave, a trend and noise), then times
keyword_forecasts_refresh for the site and the alert flagging that follows it
in the daily job. Prints one JSON object.

The scratch database is SQLite in a temporary folder unless --database-url
names another one (it must be empty or disposable: the script migrates it and
adds rows). With --train-forecaster a small LSTM forecaster is trained first,
so the refresh runs through it when it beats its baseline. --activate makes it serve
even when it does not, to time the LSTM path itself.

Example:
    nice python bench/refresh.py --keywords 1000 --weeks 156
"""
from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keywords", type=int, default=1000)
    parser.add_argument("--weeks", type=int, default=156)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--train-forecaster", action="store_true")
    parser.add_argument("--activate", action="store_true")
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args()


def configure_django(scratch: Path, database_url: str) -> None:
    os.environ["SEOASSIST_VAR_DIR"] = str(scratch)
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{scratch / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
    os.environ["DJANGO_SETTINGS_MODULE"] = "seoassist.settings.base"
    if os.environ.get("SEOASSIST_TRAINING_PROFILE") is None:
        os.environ["SEOASSIST_TRAINING_PROFILE"] = "tiny"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def synthetic_values(weeks: int, rng: random.Random) -> list[float]:
    """Return weekly interest on a 0 to 100 scale: yearly wave, linear trend and noise."""
    level = rng.uniform(10, 60)
    amplitude = rng.uniform(0, 30)
    trend = rng.uniform(-0.15, 0.15)
    phase = rng.uniform(0, 2 * math.pi)
    values = []
    for week in range(weeks):
        wave = amplitude * math.sin(2 * math.pi * week / 52 + phase)
        value = level + wave + trend * week + rng.gauss(0, 3)
        values.append(round(min(100.0, max(0.0, value)), 1))
    return values


def create_keywords(site, count: int, weeks: int, seed: int) -> None:
    from seoassist.trends.models import Keyword, TrendPoint

    rng = random.Random(seed)
    start = datetime.date(2022, 1, 2)
    keywords = Keyword.objects.bulk_create(
        Keyword(site=site, text=f"keyword {index:05d}", normalized=f"keyword {index:05d}")
        for index in range(count)
    )
    points = []
    for keyword in keywords:
        for week, value in enumerate(synthetic_values(weeks, rng)):
            points.append(
                TrendPoint(keyword=keyword, date=start + datetime.timedelta(weeks=week), value=value)
            )
    TrendPoint.objects.bulk_create(points, batch_size=5000)


def main() -> None:
    arguments = parse_arguments()
    with tempfile.TemporaryDirectory(prefix="seoassist-refresh-") as scratch:
        configure_django(Path(scratch), arguments.database_url)
        from seoassist.core.services import site_create
        from seoassist.engine.models import ModelKind
        from seoassist.engine.services import (
            model_version_activate,
            training_run_execute,
            training_run_start,
        )
        from seoassist.tracking.services import keyword_alerts_flag
        from seoassist.trends.models import KeywordForecast
        from seoassist.trends.services import keyword_forecasts_refresh

        site = site_create(name="Bench", slug=f"bench-{os.getpid()}", language="en")
        started = time.perf_counter()
        create_keywords(site, arguments.keywords, arguments.weeks, arguments.seed)
        setup_seconds = time.perf_counter() - started

        training_seconds = None
        if arguments.train_forecaster:
            started = time.perf_counter()
            run = training_run_start(site=site, kind=ModelKind.FORECASTER)
            run = training_run_execute(run_id=run.pk)
            if arguments.activate and run.model_version is not None:
                model_version_activate(version=run.model_version)
            training_seconds = time.perf_counter() - started
            # Training refreshes the forecasts itself, so they are deleted to time a refresh from none.
            KeywordForecast.objects.filter(keyword__site=site).delete()

        started = time.perf_counter()
        refreshed = keyword_forecasts_refresh(site=site)
        refresh_seconds = time.perf_counter() - started

        started = time.perf_counter()
        alerts = keyword_alerts_flag(site=site)
        flag_seconds = time.perf_counter() - started

        methods: dict[str, int] = {}
        for method in KeywordForecast.objects.filter(keyword__site=site).values_list("method", flat=True):
            methods[method] = methods.get(method, 0) + 1
        print(
            json.dumps(
                {
                    "keywords": arguments.keywords,
                    "weeks": arguments.weeks,
                    "database": "custom" if arguments.database_url else "sqlite",
                    "setup_seconds": round(setup_seconds, 2),
                    "forecaster_training_seconds": (
                        round(training_seconds, 2) if training_seconds is not None else None
                    ),
                    "refreshed": refreshed,
                    "refresh_seconds": round(refresh_seconds, 2),
                    "refresh_ms_per_keyword": round(1000 * refresh_seconds / max(refreshed, 1), 2),
                    "flag_seconds": round(flag_seconds, 3),
                    "alerts": len(alerts),
                    "methods": methods,
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
