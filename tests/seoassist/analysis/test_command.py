"""The analyze_draft management command."""
import json

import pytest
from django.core.management import CommandError, call_command

JAPANESE_DRAFT = """# 見積もりを安くする方法

見積もりを比較します。今日は晴れて気持ちがよい日です。

## 業者の選び方

今日は晴れて気持ちがよい日です。
"""


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("analyze_draft", *args, stdout=out)
    return out.getvalue()


class AnalyzeDraftCommandTests:
    def test_json_output(self, tmp_path):
        path = tmp_path / "draft.md"
        path.write_text(JAPANESE_DRAFT, encoding="utf-8")
        result = json.loads(run(str(path), "--keyphrase", "見積もり", "--language", "ja", "--json"))
        assert set(result) >= {"seo_score", "readability_score", "characters", "words", "checks"}
        # 見出しの本文: 10 + 15 + 業者の選び方 (6) + 15 = 46 counted characters.
        assert result["characters"] == 46
        checks = {check["id"]: check for check in result["checks"]}
        assert set(checks["keyphrase_in_title"]) == {"id", "group", "status", "score", "message"}
        # The first "# " line became the title.
        assert checks["keyphrase_in_title"]["status"] == "good"
        assert checks["meta_description_length"]["status"] == "problem"

    def test_options_override_the_file(self, tmp_path):
        path = tmp_path / "draft.md"
        path.write_text("Running shoes help you run farther.\n", encoding="utf-8")
        result = json.loads(run(
            str(path), "--keyphrase", "running shoe", "--language", "en", "--json",
            "--title", "Running shoes for beginners", "--slug", "running-shoes",
            "--meta-description", "Find running shoes.", "--related", "trail,cushioning",
        ))
        checks = {check["id"]: check for check in result["checks"]}
        assert result["words"] == 6
        assert checks["slug"]["status"] == "good"
        assert checks["keyphrase_in_title"]["status"] == "good"
        assert checks["related_keyphrases"]["status"] == "problem"

    def test_readable_report(self, tmp_path):
        path = tmp_path / "draft.md"
        path.write_text(JAPANESE_DRAFT, encoding="utf-8")
        output = run(str(path), "--keyphrase", "見積もり", "--language", "ja")
        assert output.startswith("SEO score ")
        assert "[ok] keyphrase_in_title:" in output

    def test_missing_file_names_it(self, tmp_path):
        with pytest.raises(CommandError, match="missing.md: file not found"):
            run(str(tmp_path / "missing.md"), "--language", "ja")

    def test_shift_jis_file_names_the_fix(self, tmp_path):
        path = tmp_path / "sjis.md"
        path.write_bytes("見積もり".encode("shift_jis"))
        with pytest.raises(CommandError, match="sjis.md: not valid UTF-8.*iconv"):
            run(str(path), "--language", "ja")
