"""The whole path on real public data: a Japanese news corpus and real Trends exports."""
import csv
import json

import pytest

pytestmark = pytest.mark.django_db

ARTICLES_PER_CATEGORY = 15
CATEGORIES = ("kaden-channel", "sports-watch", "topic-news", "it-life-hack")


def _livedoor_jsonl(data_dir, target):
    """Write a sample of the livedoor corpus as JSON Lines, as an editor would export it."""
    root = data_dir / "livedoor-news"
    per_category: dict[str, int] = {}
    lines = []
    with (root / "index.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            category = row["category"]
            if category not in CATEGORIES or per_category.get(category, 0) >= ARTICLES_PER_CATEGORY:
                continue
            text = (root / row["path"]).read_text(encoding="utf-8").splitlines()
            body = "\n\n".join(line.strip() for line in text[3:] if line.strip())
            lines.append(
                json.dumps(
                    {"title": text[2], "body": body, "url": text[0], "category": category,
                     "published": text[1]},
                    ensure_ascii=False,
                )
            )
            per_category[category] = per_category.get(category, 0) + 1
    target.write_text("\n".join(lines), encoding="utf-8")
    return len(lines)


class RealDataPathTests:
    def test_livedoor_and_trends_give_a_japanese_draft(self, site, editor_user, test_data_dir, tmp_path):
        from seoassist.corpus.services import articles_import_path
        from seoassist.drafting.models import RequestStatus
        from seoassist.drafting.services import keyword_request_create, keyword_request_execute
        from seoassist.engine.models import ModelKind, ModelVersion
        from seoassist.engine.services import training_run_execute, training_run_start
        from seoassist.trends.services import trends_import_file

        corpus = tmp_path / "livedoor.jsonl"
        written = _livedoor_jsonl(test_data_dir, corpus)
        imported = articles_import_path(site=site, path=corpus)
        assert imported.created == written
        exports = test_data_dir / "google-trends" / "exports"
        for path in sorted(exports.glob("*/*.csv")):
            trends_import_file(site=site, data=path.read_bytes(), file_name=path.name)
        assert site.keywords.filter(text="習慣化").exists()

        for kind in (ModelKind.LANGUAGE_MODEL, ModelKind.FORECASTER):
            run = training_run_start(site=site, kind=kind)
            finished = training_run_execute(run_id=run.pk)
            assert finished.status == "succeeded", finished.error
        language_model = ModelVersion.objects.get(site=site, kind=ModelKind.LANGUAGE_MODEL)
        assert language_model.metrics["ngram_perplexity"] > 1
        assert language_model.metrics["val_perplexity"] > 1

        submitted = keyword_request_create(
            site=site, user=editor_user, keywords=["習慣化", "スマホ"], target_length=600
        )
        done = keyword_request_execute(request_id=submitted.pk)
        assert done.status == RequestStatus.SUCCEEDED, done.error
        assert "習慣化" in done.draft.title
        assert "スマホ" in done.draft.body
        habit = done.forecasts.get(keyword="習慣化")
        assert habit.direction in {"rising", "falling", "flat"}
        assert len(habit.points) >= 4
