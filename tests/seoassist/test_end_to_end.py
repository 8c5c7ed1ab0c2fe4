"""The whole path through a real Celery worker: import, train, submit, draft.

Runs on the embedded defaults (SQLite, filesystem broker) and, under
`make test`, once more against PostgreSQL and Redis.
"""
import pytest

from tests.conftest import DEMO_CONTENT, wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _import_demo_content(site) -> None:
    from seoassist.corpus.services import articles_import_path
    from seoassist.trends.services import trends_import_file

    for name in ("articles_ja.jsonl", "articles_en.jsonl"):
        articles_import_path(site=site, path=DEMO_CONTENT / name)
    for path in sorted(DEMO_CONTENT.glob("trends_*_1.csv")):
        trends_import_file(site=site, data=path.read_bytes(), file_name=path.name)


class EndToEndTests:
    def test_japanese_keywords_become_a_draft(self, celery_worker_process, site, editor_user):
        from seoassist.drafting.models import KeywordRequest, RequestStatus
        from seoassist.drafting.services import keyword_request_create

        _import_demo_content(site)
        submitted = keyword_request_create(
            site=site, user=editor_user, keywords=["花粉症", "対策"], target_length=400
        )

        def finished():
            current = KeywordRequest.objects.get(pk=submitted.pk)
            return current if current.is_finished else None

        done = wait_for(finished, timeout=300, interval=1, worker=celery_worker_process)
        assert done.status == RequestStatus.SUCCEEDED, done.error
        draft = done.draft
        assert "花粉症" in draft.title
        assert "花粉症" in draft.body
        assert "対策" in draft.body
        assert draft.revisions.count() == 1
        forecasts = {f.keyword: f for f in done.forecasts.all()}
        assert forecasts["花粉症"].direction in {"rising", "falling", "flat"}
        assert len(forecasts["花粉症"].points) > 0
        assert forecasts["対策"].direction == "unknown"

    def test_english_keywords_become_a_draft(self, celery_worker_process, site, editor_user):
        from seoassist.drafting.models import KeywordRequest, RequestStatus
        from seoassist.drafting.services import keyword_request_create

        _import_demo_content(site)
        submitted = keyword_request_create(
            site=site, user=editor_user, keywords=["hay fever"], target_length=150
        )

        def finished():
            current = KeywordRequest.objects.get(pk=submitted.pk)
            return current if current.is_finished else None

        done = wait_for(finished, timeout=300, interval=1, worker=celery_worker_process)
        assert done.status == RequestStatus.SUCCEEDED, done.error
        assert done.language == "en"
        assert "hay fever" in done.draft.body.lower()
        assert "hay fever" in done.draft.title.lower()


class DraftFromKeywordsCommandTests:
    def test_wait_prints_finished_request_json(self, celery_worker_process, site, capsys):
        import json

        from django.core.management import call_command

        _import_demo_content(site)
        call_command(
            "draft_from_keywords", "--site", site.slug, "--keywords", "熱中症,花粉症",
            "--length", "400", "--wait", "--timeout", "300",
        )
        result = json.loads(capsys.readouterr().out)
        assert result["status"] == "succeeded"
        assert isinstance(result["request_id"], int)
        assert "熱中症" in result["draft"]["title"]
        assert "熱中症" in result["draft"]["body"]
        assert result["draft"]["meta_description"]
        assert [f["keyword"] for f in result["forecasts"]] == ["熱中症", "花粉症"]
        assert all(f["direction"] in {"rising", "falling", "flat"} for f in result["forecasts"])
        assert all(len(f["points"]) > 0 for f in result["forecasts"])
        assert isinstance(result["related_keywords"], list)

    def test_unknown_site_is_an_error(self, db):
        from django.core.management import call_command
        from django.core.management.base import CommandError

        with pytest.raises(CommandError, match="Site 'nope' not found"):
            call_command("draft_from_keywords", "--site", "nope", "--keywords", "x")
