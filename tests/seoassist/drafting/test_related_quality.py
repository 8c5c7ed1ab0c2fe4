import pytest

from seoassist.drafting.related_quality import (
    RelatedEvidence,
    is_related,
    related_keyword_rejection,
    related_keywords_filter,
)

ENGLISH_SEARCHES = [
    "hay fever", "heatstroke", "tax return", "autumn leaves", "humidifier", "sunscreen",
    "spring cleaning", "christmas dinner", "moving house", "rainy season", "your tax return",
]
ENGLISH_ARTICLES = [
    (
        "Hay Fever at Home: Simple Habits That Keep Pollen Outside",
        "When hay fever season arrives, the sneezing and itchy eyes rarely stop at the door. "
        "Common hay fever symptoms include a runny nose. Natural remedies help a little.",
        ["Stop hay fever triggers at the door"],
    ),
    (
        "Humidifier Buying Guide: Choosing the Right Type for Your Room",
        "A humidifier adds moisture to dry winter air. Moving a humidifier away from walls helps.",
        ["Cool mist or warm mist"],
    ),
    (
        "Christmas Dinner Without the Stress",
        "Plan the christmas dinner a week ahead and file your tax return before the holidays.",
        ["Shopping list"],
    ),
]
JAPANESE_SEARCHES = ["花粉症", "加湿器", "日焼け止め", "大掃除", "おせち"]
JAPANESE_ARTICLES = [
    (
        "加湿器の選び方 4つの方式の特徴と向いている部屋",
        "加湿器は冬の乾燥対策に役立ちます。おすすめの加湿器は部屋の広さで選びます。湿度は40〜60%が目安です。",
        ["加湿器の湿度の目安"],
    ),
    (
        "子ども用の日焼け止めの選び方",
        "子ども用の日焼け止めは肌にやさしいものを選びます。家族と一緒に塗りましょう。",
        ["日焼け止めの塗り方"],
    ),
    (
        "家族で楽しむ大掃除",
        "大掃除は家族と一緒に進めると早く終わります。加湿器の手入れは別の日にします。",
        ["一緒に進めるコツ"],
    ),
]


@pytest.fixture(scope="module")
def english_evidence():
    return RelatedEvidence.build(searches=ENGLISH_SEARCHES, articles=ENGLISH_ARTICLES)


@pytest.fixture(scope="module")
def japanese_evidence():
    return RelatedEvidence.build(searches=JAPANESE_SEARCHES, articles=JAPANESE_ARTICLES)


class UnknownWordRuleTests:
    def test_truncated_word_is_dropped(self, english_evidence):
        rule = related_keyword_rejection("christma dinner", ["hay fever", "remedies"], english_evidence)
        assert rule == "unknown_word"

    def test_article_keyword_lists_are_not_vocabulary(self):
        evidence = RelatedEvidence.build(
            searches=["christmas dinner"], articles=[("Christmas", "Christmas dinner.", [])]
        )
        assert "christma" not in evidence.vocabulary
        assert "christmas" in evidence.vocabulary

    def test_japanese_part_missing_from_texts_is_dropped(self, japanese_evidence):
        assert related_keyword_rejection("加湿器 静音", ["加湿器"], japanese_evidence) == "unknown_word"

    def test_english_word_joins_japanese_only_from_japanese_texts(self):
        evidence = RelatedEvidence.build(
            searches=["花粉症", "moving house"],
            articles=[("花粉症とPM2.5", "花粉症の季節はPM2.5の情報も確かめます。", []), *ENGLISH_ARTICLES],
        )
        assert related_keyword_rejection("moving 花粉症", ["花粉症"], evidence) == "unknown_word"
        assert related_keyword_rejection("pm2.5 花粉症", ["花粉症"], evidence) is None
        assert related_keyword_rejection("moving house", ["moving house"], evidence) is None


class CombinedKeywordsRuleTests:
    def test_two_other_keywords_are_dropped(self, english_evidence):
        rule = related_keyword_rejection(
            "christmas dinner your tax return", ["hay fever", "remedies"], english_evidence
        )
        assert rule == "combined_keywords"

    def test_seed_with_unrelated_keyword_is_dropped(self, english_evidence):
        rule = related_keyword_rejection(
            "moving humidifier christmas dinner", ["humidifier"], english_evidence
        )
        assert rule == "combined_keywords"

    def test_japanese_seed_with_unrelated_keyword_is_dropped(self, japanese_evidence):
        rule = related_keyword_rejection("加湿器 おせち", ["加湿器"], japanese_evidence)
        assert rule == "combined_keywords"

    def test_seed_with_related_keyword_is_kept(self, english_evidence):
        # "your tax return" occurs beside "christmas dinner" in an article.
        assert related_keyword_rejection(
            "christmas dinner your tax return", ["christmas dinner"], english_evidence
        ) is None


class RelevanceRuleTests:
    def test_off_topic_japanese_title_is_dropped(self, japanese_evidence):
        rule = related_keyword_rejection("子ども用の日焼け止めの選び方", ["加湿器"], japanese_evidence)
        assert rule == "unrelated"

    def test_off_topic_japanese_keyword_is_dropped(self, japanese_evidence):
        assert related_keyword_rejection("日焼け止め", ["加湿器"], japanese_evidence) == "unrelated"

    def test_off_topic_english_keyword_is_dropped(self, english_evidence):
        assert related_keyword_rejection("tax return", ["humidifier"], english_evidence) == "unrelated"

    def test_shared_kanji_run_is_related(self, japanese_evidence):
        assert is_related("花粉症", "花粉 対策", japanese_evidence)

    def test_cooccurrence_in_article_is_related(self, english_evidence):
        assert is_related("hay fever", "pollen", english_evidence)


class GenericWordRuleTests:
    def test_everyday_japanese_word_is_dropped(self, japanese_evidence):
        # 一緒 co-occurs with 加湿器 in the cleaning article, whose title and headings never name 加湿器.
        assert is_related("加湿器", "一緒", japanese_evidence)
        assert related_keyword_rejection("一緒", ["加湿器"], japanese_evidence) == "generic_word"

    def test_short_noun_of_seed_heading_is_kept(self, japanese_evidence):
        assert related_keyword_rejection("湿度", ["加湿器"], japanese_evidence) is None

    def test_short_known_search_is_kept(self):
        evidence = RelatedEvidence.build(
            searches=["紅葉", "紅葉 名所"], articles=[("秋の旅", "紅葉を見に行きます。", [])]
        )
        assert related_keyword_rejection("紅葉", ["紅葉 名所"], evidence) is None


@pytest.fixture(scope="module")
def leaves_evidence():
    return RelatedEvidence.build(
        searches=["autumn leaves", "gifts for her"],
        articles=[
            (
                "What to Do with Autumn Leaves",
                "Rake the autumn leaves and keep them for mulch. Here is how to start a leaf pile "
                "for your garden, and what your lawn needs before winter: a checklist.",
                ["A checklist for the garden"],
            )
        ],
    )


class BrokenPhraseTests:
    @pytest.mark.parametrize(
        "candidate",
        [
            "autumn leaves and",
            "autumn leaves for the",
            "leaves what",
            "and autumn leaves",
            "autumn leaves and for checklist",
            "what your autumn leaves",
        ],
    )
    def test_sentence_fragments_are_rejected(self, leaves_evidence, candidate):
        assert related_keyword_rejection(candidate, ["autumn leaves"], leaves_evidence) == "broken_phrase"

    @pytest.mark.parametrize(
        "candidate",
        ["what to do with autumn leaves", "how to rake autumn leaves", "autumn leaves for mulch"],
    )
    def test_searches_pass(self, leaves_evidence, candidate):
        assert related_keyword_rejection(candidate, ["autumn leaves"], leaves_evidence) is None

    def test_object_pronoun_may_end_a_search(self, leaves_evidence):
        assert related_keyword_rejection("gifts for her", ["gifts for her"], leaves_evidence) is None

    def test_japanese_candidate_skips_english_rules(self):
        evidence = RelatedEvidence.build(searches=["花粉症", "花粉症 and"], articles=[])
        assert related_keyword_rejection("花粉症 and", ["花粉症"], evidence) is None


class GoodCandidateTests:
    def test_english_candidate_survives(self, english_evidence):
        assert related_keyword_rejection("hay fever symptoms", ["hay fever"], english_evidence) is None

    def test_japanese_candidate_survives(self, japanese_evidence):
        assert related_keyword_rejection("加湿器 おすすめ", ["加湿器"], japanese_evidence) is None

    def test_filter_keeps_order_and_never_pads(self, english_evidence):
        candidates = [
            "christma dinner",
            "hay fever symptoms",
            "christmas dinner your tax return",
            "hay fever remedies",
            "moving humidifier christmas dinner",
        ]
        kept = related_keywords_filter(candidates, ["hay fever", "remedies"], english_evidence)
        assert kept == ["hay fever symptoms", "hay fever remedies"]

    def test_empty_evidence_drops_everything(self):
        assert related_keywords_filter(["hay fever symptoms"], ["hay fever"], RelatedEvidence()) == []


def _demo_evidence(language: str) -> RelatedEvidence:
    import json
    from pathlib import Path

    from seoassist.engine.services import markdown_blocks

    content = Path(__file__).resolve().parents[3] / "seoassist" / "demo" / "content"
    searches = [
        "hay fever", "heatstroke", "tax return", "autumn leaves", "humidifier", "sunscreen",
        "spring cleaning", "christmas dinner", "moving house", "rainy season", "remote work",
        "emergency kit",
    ] if language == "en" else [
        "花粉症", "熱中症", "確定申告", "紅葉", "加湿器", "日焼け止め", "大掃除", "おせち", "新生活",
        "梅雨", "在宅勤務", "防災グッズ",
    ]
    articles = []
    for line in (content / f"articles_{language}.jsonl").read_text(encoding="utf-8").splitlines():
        article = json.loads(line)
        headings = [text for kind, text in markdown_blocks(article["body"]) if kind == "heading"]
        articles.append((article["title"], article["body"], headings))
    return RelatedEvidence.build(searches=searches, articles=articles)


class DemoContentTests:
    def test_english_examples(self):
        evidence = _demo_evidence("en")
        candidates = [
            "christma dinner",
            "christmas dinner your tax return",
            "moving humidifier christmas dinner",
            "hay fever symptoms",
        ]
        assert related_keywords_filter(candidates, ["hay fever", "remedies"], evidence) == [
            "hay fever symptoms"
        ]
        assert related_keyword_rejection(
            "moving humidifier christmas dinner", ["humidifier"], evidence
        ) == "combined_keywords"

    def test_japanese_examples(self):
        evidence = _demo_evidence("ja")
        candidates = ["子ども用の日焼け止めの選び方", "日焼け止め", "一緒", "加湿器 おすすめ"]
        assert related_keywords_filter(candidates, ["加湿器"], evidence) == ["加湿器 おすすめ"]

    def test_second_seed_does_not_vouch(self):
        evidence = _demo_evidence("ja")
        candidates = ["子ども用の日焼け止めの選び方", "日焼け止め", "一緒", "場面", "加湿器 おすすめ"]

        kept = related_keywords_filter(candidates, ["加湿器", "選び方"], evidence)

        assert kept == ["加湿器 おすすめ"]

    @pytest.mark.parametrize(
        ("seed", "candidate", "rule"),
        [
            ("紅葉", "紅葉の見頃は北から南へ、山から里へ", "broken_phrase"),
            ("紅葉", "紅葉が色づく仕組み", "broken_phrase"),
            ("花粉症", "花粉症の季節に知っておきたい 飛散", "broken_phrase"),
            ("大掃除", "大掃除のスケジュールは12月の初めから", "broken_phrase"),
            ("紅葉", "新生活のお金の管理 紅葉", "unrelated"),
            ("大掃除", "掃除", "generic_word"),
        ],
    )
    def test_japanese_model_mistakes_are_dropped(self, seed, candidate, rule):
        assert related_keyword_rejection(candidate, [seed], _demo_evidence("ja")) == rule

    @pytest.mark.parametrize(
        ("seed", "candidate"),
        [("大掃除", "大掃除の段取り"), ("花粉症", "花粉症対策"), ("紅葉", "紅葉狩り"), ("大掃除", "レンジフード")],
    )
    def test_japanese_searches_are_kept(self, seed, candidate):
        assert related_keyword_rejection(candidate, [seed], _demo_evidence("ja")) is None

    @pytest.mark.parametrize(
        ("seed", "candidate", "rule"),
        [
            ("hay fever", "around hay fever", "broken_phrase"),
            ("hay fever", "fever bedroom checklist", "broken_phrase"),
            ("autumn leaves", "autumn leaves day", "broken_phrase"),
            ("autumn leaves", "leaves day trip", "broken_phrase"),
            ("autumn leaves", "autumn leaves dinner", "unrelated"),
            ("autumn leaves", "leaf", "generic_word"),
            ("christmas dinner", "festive", "generic_word"),
            ("christmas dinner", "two", "generic_word"),
        ],
    )
    def test_english_model_mistakes_are_dropped(self, seed, candidate, rule):
        assert related_keyword_rejection(candidate, [seed], _demo_evidence("en")) == rule

    @pytest.mark.parametrize(
        ("seed", "candidate"),
        [
            ("hay fever", "pollen"),
            ("hay fever", "hay fever triggers"),
            ("christmas dinner", "christmas dinner leftovers"),
            ("hay fever", "hay fever bedroom checklist"),
            ("autumn leaves", "mulch autumn leaves"),
        ],
    )
    def test_english_searches_are_kept(self, seed, candidate):
        assert related_keyword_rejection(candidate, [seed], _demo_evidence("en")) is None

    def test_second_english_seed_does_not_vouch(self):
        evidence = _demo_evidence("en")
        candidates = ["first tax return", "filing", "humidifier cleaning"]

        kept = related_keywords_filter(candidates, ["humidifier", "guide"], evidence)

        assert kept == ["humidifier cleaning"]


@pytest.mark.django_db
class RelatedKeywordsRankQualityTests:
    def test_rank_drops_rejected_predictions(self, site, monkeypatch):
        from seoassist.corpus.models import Article
        from seoassist.drafting.related import RelatedSearch, related_keywords_rank
        from seoassist.trends.models import Keyword

        for title, body, _headings in ENGLISH_ARTICLES:
            Article.objects.create(
                site=site, language="en", title=title, body=body, content_hash=title,
            )
        for text in ENGLISH_SEARCHES:
            Keyword.objects.create(site=site, text=text, normalized=text)
        predictions = ["christma dinner", "hay fever symptoms", "christmas dinner your tax return"]
        monkeypatch.setattr(
            "seoassist.drafting.related.related_searches_predict",
            lambda *, site, keywords: [
                RelatedSearch(text=text, likelihood=0.9, demand=None, direction="")
                for text in predictions
            ],
        )
        ranked = related_keywords_rank(site=site, keywords=["hay fever", "remedies"], language="en")
        assert ranked == ["hay fever symptoms"]

    def test_evidence_follows_new_articles(self, site):
        from seoassist.corpus.models import Article
        from seoassist.drafting.related import related_keywords_screen

        Article.objects.create(
            site=site, language="en", title="Humidifier care", body="Clean the humidifier.",
            content_hash="care",
        )
        screen = lambda: related_keywords_screen(  # noqa: E731
            site=site, keywords=["humidifier"], candidates=["humidifier filter"]
        )
        assert screen() == []
        Article.objects.create(
            site=site, language="en", title="Humidifier filter", body="Change the humidifier filter.",
            content_hash="filter",
        )
        assert screen() == ["humidifier filter"]
