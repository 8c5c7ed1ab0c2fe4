"""The worker memory script of bench/: one draft in a fresh process, reported as JSON."""
from __future__ import annotations

import importlib.util
from pathlib import Path

from lstm_engine.drafting import DraftSpec
from lstm_engine.training import LanguageModelTrainResult

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "draft_worker.py"


def _load_script():
    spec = importlib.util.spec_from_file_location("draft_worker", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class DraftWorkerBenchTests:
    def test_reports_memory_and_seconds(self, trained_directory: tuple[Path, LanguageModelTrainResult]) -> None:
        draft_spec = DraftSpec(
            keywords=["コーヒー"], related_keywords=["お湯の温度"], language="ja", target_length=200, seed=2
        )
        report = _load_script().run_worker_draft(trained_directory[0], draft_spec)
        assert report["language"] == "ja"
        assert report["model_kind"] == "lstm"
        assert report["peak_rss_mb"] > 0
        assert report["seconds"] >= report["draft_seconds"] > 0
        assert report["target_length"] == 200
        assert report["problems"] == []
