"""The worker memory script of bench/: one draft in a fresh process, reported as JSON."""
from __future__ import annotations

from pathlib import Path

from lstm_engine.drafting import DraftSpec
from lstm_engine.training import LanguageModelTrainResult


class DraftWorkerBenchTests:
    def test_reports_memory_and_seconds(
        self, bench_script, trained_directory: tuple[Path, LanguageModelTrainResult]
    ) -> None:
        draft_spec = DraftSpec(
            keywords=["コーヒー"], related_keywords=["お湯の温度"], language="ja", target_length=200, seed=2
        )
        report = bench_script("draft_worker").run_worker_draft(trained_directory[0], draft_spec)
        assert report["language"] == "ja"
        assert report["model_kind"] == "lstm"
        assert report["peak_rss_mb"] > 0
        assert report["seconds"] >= report["draft_seconds"] > 0
        assert report["target_length"] == 200
        assert report["problems"] == []
