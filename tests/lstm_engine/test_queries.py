import pytest

from lstm_engine.queries import (
    QueryModelConfig,
    QuerySuggestion,
    QueryTrainConfig,
    bigram_jaccard,
    load_query_model,
    merge_near_duplicates,
    normalize_query,
    train_query_model,
)

ENGLISH_QUERIES = [
    "python tutorial", "python tutorial for beginners", "python list", "python list comprehension",
    "learn python", "python dictionary", "python tutorial pdf", "best python course",
    "python string format", "python list sort", "free python tutorial", "python for beginners",
] * 6

JAPANESE_QUERIES = [
    "花粉症 対策", "花粉症 薬", "花粉症 目のかゆみ", "花粉症 時期", "東京 花粉症",
    "花粉症 対策 グッズ", "花粉症 症状", "子供 花粉症", "花粉症 市販薬", "花粉症 注射",
    "熱中症 対策", "熱中症 症状", "熱中症 予防",
] * 6

TINY = QueryModelConfig(embedding_size=16, hidden_size=48)
FAST = QueryTrainConfig(max_steps=100, batch_size=32, learning_rate=1e-2, eval_every=50,
                        early_stopping_patience=None)


@pytest.fixture(scope="module")
def english_model():
    return train_query_model(ENGLISH_QUERIES, config=TINY, train_config=FAST)


@pytest.fixture(scope="module")
def japanese_model():
    return train_query_model(JAPANESE_QUERIES, config=TINY, train_config=FAST)


class QueryModelTrainingTests:
    def test_loss_falls_and_beats_bigram(self, english_model):
        losses = english_model.train_losses
        assert losses[-1] < losses[0] * 0.6
        assert english_model.val_loss < english_model.bigram_val_loss
        assert english_model.beats_baseline
        assert english_model.as_metrics()["queries"] == len(ENGLISH_QUERIES)

    def test_time_budget_ends_progress(self):
        reports = []
        config = QueryTrainConfig(max_steps=100_000, batch_size=8, eval_every=5, max_seconds=0.3,
                                  early_stopping_patience=None)
        result = train_query_model(ENGLISH_QUERIES, config=TINY, train_config=config,
                                   progress=lambda step, total, message: reports.append((step, total)))
        assert result.steps < 2 * 100_000
        assert reports[-1] == (200_000, 200_000)
        steps = [step for step, _total in reports]
        assert steps == sorted(steps)

    def test_too_few_queries_raise(self):
        with pytest.raises(ValueError, match="at least 2"):
            train_query_model(["only one"], config=TINY, train_config=FAST)


class QueryModelSuggestTests:
    def test_suggestions_distinct_ranked_with_seed(self, english_model):
        suggestions = english_model.model.suggest("python", limit=8)
        texts = [s.text for s in suggestions]
        assert len(texts) >= 3
        assert len(set(texts)) == len(texts)
        assert "python" not in texts
        assert all("python" in text for text in texts)
        scores = [s.score for s in suggestions]
        assert scores == sorted(scores, reverse=True)
        assert all(0.0 < s.likelihood <= 1.0 for s in suggestions)

    def test_learned_completions_rank_high(self, english_model):
        texts = [s.text for s in english_model.model.suggest("python", limit=10)]
        learned = {q for q in ENGLISH_QUERIES if q.startswith("python ")}
        assert learned & set(texts[:5])

    def test_prefix_and_reordering_candidates(self, english_model):
        model = english_model.model
        assert any(p.endswith(" python") or p.endswith("python") for p in model.prefixes("python"))
        assert model.prefixes("python")[0] != "python"
        reordered = model.reorderings("tutorial python", ["tutorial python pdf"])
        assert "python tutorial" in reordered
        assert "pdf tutorial python" in reordered

    def test_japanese_seed_without_spaces(self, japanese_model):
        suggestions = japanese_model.model.suggest("花粉症", limit=8)
        texts = [s.text for s in suggestions]
        assert texts and all("花粉症" in text for text in texts)
        assert {"花粉症 対策", "花粉症 薬", "東京 花粉症", "子供 花粉症"} & set(texts)
        assert any(s.kind == "prefix" for s in suggestions)

    def test_full_width_seed_is_normalised(self, japanese_model):
        assert normalize_query("ＰＹＴＨＯＮ　Ｌｉｓｔ") == "python list"
        texts = [s.text for s in japanese_model.model.suggest("花粉症　", limit=3)]
        assert all(text.startswith("花粉症") or text.endswith("花粉症") or "花粉症" in text for text in texts)

    def test_suggestions_use_known_words_once(self, english_model):
        model = english_model.model
        known = {word for query in ENGLISH_QUERIES for word in query.split()}
        for suggestion in model.suggest("python", limit=10):
            words = suggestion.text.split()
            assert len(set(words)) == len(words)
            assert set(words) <= known
        assert model.is_plausible("newword python", seed="newword")
        assert not model.is_plausible("python tutorialx", seed="python")
        assert not model.is_plausible("python list python", seed="python")

    def test_empty_seed_raises(self, english_model):
        with pytest.raises(ValueError, match="seed"):
            english_model.model.suggest("   ")


class NearDuplicateTests:
    def test_equal_forms_and_similar_strings_merge(self):
        items = [
            QuerySuggestion("python tutorial", -0.5, "completion"),
            QuerySuggestion("pythontutorial", -0.6, "completion"),
            QuerySuggestion("python tutorials", -0.7, "completion"),
            QuerySuggestion("python list", -0.8, "completion"),
            QuerySuggestion("python", -0.1, "completion"),
        ]
        kept = merge_near_duplicates(items, seed="python")
        assert [s.text for s in kept] == ["python tutorial", "python list"]

    def test_jaccard_of_japanese(self):
        assert bigram_jaccard("花粉症 対策", "花粉症対策") == 1.0
        assert bigram_jaccard("花粉症 対策", "熱中症 予防") < 0.2


class QueryModelPersistenceTests:
    def test_save_and_load_round_trip(self, japanese_model, tmp_path):
        files = japanese_model.model.save(tmp_path)
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(files)
        loaded = load_query_model(tmp_path)
        before = japanese_model.model.suggest("花粉症", limit=5)
        after = loaded.suggest("花粉症", limit=5)
        assert [s.text for s in after] == [s.text for s in before]
        assert [round(s.score, 5) for s in after] == [round(s.score, 5) for s in before]
        assert loaded.metrics["queries"] == len(JAPANESE_QUERIES)
        assert loaded.known_words == japanese_model.model.known_words
