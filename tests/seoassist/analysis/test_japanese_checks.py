"""Every check on Japanese drafts, with lengths counted by hand in the comments."""
from tests.seoassist.analysis.helpers import analyze, check_ids, check_of

# 15 counted characters (the 。 is punctuation and does not count).
FILLER = "今日は晴れて気持ちがよい日です。"
# 10 counted characters, 4 of them the keyphrase 見積もり.
MENTION = "見積もりを比較します。"
KEY = "見積もり"


def ja(**fields):
    fields.setdefault("language", "ja")
    fields.setdefault("keyphrase", KEY)
    return analyze(**fields)


class KeyphraseLengthTests:
    def test_seven_characters_is_good(self):
        check = check_of(ja(keyphrase="引越し見積もり"), "keyphrase_length")
        assert check.status == "good"
        assert "7 characters" in check.message

    def test_fourteen_characters_could_be_shorter(self):
        # 引越し見積もり (7) を (8) 安く (10) する (12) 方法 (14)
        check = check_of(ja(keyphrase="引越し見積もりを安くする方法"), "keyphrase_length")
        assert check.status == "improve"
        assert "14 characters" in check.message

    def test_message_in_japanese(self):
        from django.utils import translation

        with translation.override("ja"):
            check = check_of(ja(keyphrase="引越し見積もり"), "keyphrase_length")
        assert check.message == "キーフレーズは 7 文字で、ちょうどよい長さです。"

    def test_twenty_two_characters_is_a_problem(self):
        check = check_of(ja(keyphrase="東京都内で安く引越しをするための見積もり比較"), "keyphrase_length")
        assert check.status == "problem"
        assert "22 characters" in check.message

    def test_full_width_digits_and_spaces(self):
        # ２０２４年 (5) + 引越し (3)
        check = check_of(ja(keyphrase="２０２４年 引越し"), "keyphrase_length")
        assert "8 characters" in check.message

    def test_missing_keyphrase_skips_checks(self):
        analysis = ja(keyphrase="", title="見積もり", body=FILLER * 20)
        assert check_of(analysis, "keyphrase_length").status == "problem"
        assert "keyphrase_in_title" not in check_ids(analysis)
        assert "keyphrase_density" not in check_ids(analysis)


class KeyphraseInTitleTests:
    def test_title_starting_with_keyphrase_is_good(self):
        assert check_of(ja(title="見積もりを安くする方法"), "keyphrase_in_title").status == "good"

    def test_leading_bracket_label_still_counts_as_the_start(self):
        check = check_of(ja(title="【2024年版】見積もりを安くする方法"), "keyphrase_in_title")
        assert check.status == "good"

    def test_keyphrase_later_in_title_should_move_forward(self):
        check = check_of(ja(title="引越しの見積もりを安くする方法"), "keyphrase_in_title")
        assert check.status == "improve"

    def test_title_without_keyphrase_is_a_problem(self):
        assert check_of(ja(title="引越しを安くする方法"), "keyphrase_in_title").status == "problem"

    def test_inflected_verb_keyphrase_matches(self):
        # 比較した is the past form of 比較する.
        check = check_of(ja(keyphrase="比較する", title="比較した結果"), "keyphrase_in_title")
        assert check.status == "good"


class TitleWidthTests:
    def test_ten_characters_too_short(self):
        check = check_of(ja(title="見積もり安くする方法"), "title_width")
        assert check.status == "improve"
        assert "200 px" in check.message

    def test_thirty_full_width_characters_fill_600_px(self):
        check = check_of(ja(title="見積もり安くする方法" * 3), "title_width")
        assert check.status == "good"
        assert "600 px" in check.message

    def test_thirty_one_characters_overflow(self):
        check = check_of(ja(title="見積もり安くする方法" * 3 + "だ"), "title_width")
        assert check.status == "improve"
        assert "620 px" in check.message

    def test_empty_title_is_a_problem(self):
        assert check_of(ja(title=""), "title_width").status == "problem"


class MetaDescriptionTests:
    def test_keyphrase_in_meta_description_is_good(self):
        check = check_of(ja(meta_description="見積もりのコツ"), "keyphrase_in_meta_description")
        assert check.status == "good"

    def test_half_width_katakana_matches_full_width(self):
        check = check_of(
            ja(keyphrase="ガイド", meta_description="引越しのｶﾞｲﾄﾞです"), "keyphrase_in_meta_description"
        )
        assert check.status == "good"

    def test_missing_keyphrase_is_a_problem(self):
        check = check_of(ja(meta_description="引越しのコツ"), "keyphrase_in_meta_description")
        assert check.status == "problem"

    def test_sixty_characters_is_the_lower_bound(self):
        check = check_of(ja(meta_description="見積もり安くする方法" * 6), "meta_description_length")
        assert check.status == "good"
        assert "60 characters" in check.message

    def test_fifty_nine_characters_are_too_few(self):
        check = check_of(ja(meta_description=("見積もり安くする方法" * 6)[:59]), "meta_description_length")
        assert check.status == "improve"

    def test_eighty_one_characters_are_too_many(self):
        check = check_of(ja(meta_description="見積もり安くする方法" * 8 + "だ"), "meta_description_length")
        assert check.status == "improve"
        assert "81 characters" in check.message

    def test_empty_meta_description_is_a_problem(self):
        analysis = ja(meta_description="   ")
        assert check_of(analysis, "meta_description_length").status == "problem"
        assert check_of(analysis, "keyphrase_in_meta_description").status == "problem"


class IntroductionTests:
    def test_first_paragraph_mention_span(self):
        body = MENTION + "\n\n" + FILLER
        check = check_of(ja(body=body), "keyphrase_in_introduction")
        assert check.status == "good"
        assert [body[start:end] for start, end in check.spans] == ["見積もり"]

    def test_keyphrase_only_in_second_paragraph_is_a_problem(self):
        body = FILLER + "\n\n" + MENTION
        check = check_of(ja(body=body), "keyphrase_in_introduction")
        assert check.status == "problem"
        assert check.spans == ((0, len(FILLER)),)


class DensityTests:
    def test_one_mention_in_220_characters_is_good(self):
        # 4 keyphrase characters / (10 + 14 × 15 = 220) = 1.8 %
        check = check_of(ja(body=MENTION + FILLER * 14), "keyphrase_density")
        assert check.status == "good"
        assert "1.8 %" in check.message

    def test_one_mention_in_460_characters_is_too_rare(self):
        # 4 / (10 + 30 × 15 = 460) = 0.9 %
        check = check_of(ja(body=MENTION + FILLER * 30), "keyphrase_density")
        assert check.status == "improve"
        assert "0.9 %" in check.message

    def test_density_shown_at_minimum_passes(self):
        # 4 / (10 + 27 × 15 = 415) = 0.96 %, shown as 1.0 %, the minimum.
        check = check_of(ja(body=MENTION + FILLER * 27), "keyphrase_density")
        assert "1.0 %" in check.message
        assert check.status == "good"

    def test_density_shown_at_maximum_passes(self):
        # 12 / (3 × 10 + 17 × 15 + 13 = 298) = 4.03 %, shown as 4.0 %, the maximum.
        body = MENTION * 3 + FILLER * 17 + "晴れた日の朝は気持ちがよい。"
        check = check_of(ja(body=body), "keyphrase_density")
        assert "4.0 %" in check.message
        assert check.status == "good"

    def test_three_mentions_in_210_characters_are_too_many(self):
        # 12 / (3 × 10 + 12 × 15 = 210) = 5.7 %
        check = check_of(ja(body=MENTION * 3 + FILLER * 12), "keyphrase_density")
        assert check.status == "problem"
        assert "5.7 %" in check.message
        assert len(check.spans) == 3

    def test_no_mention_is_a_problem(self):
        assert check_of(ja(body=FILLER * 14), "keyphrase_density").status == "problem"

    def test_texts_under_200_characters_are_not_judged(self):
        # 10 + 12 × 15 = 190 characters
        assert "keyphrase_density" not in check_ids(ja(body=MENTION + FILLER * 12))

    def test_urls_do_not_count_as_text_or_mentions(self):
        body = MENTION + "https://example.com/見積もり/見積もり " + FILLER * 14
        analysis = ja(body=body)
        assert analysis.characters == 220
        assert "1.8 %" in check_of(analysis, "keyphrase_density").message


class SubheadingTests:
    def test_one_of_two_subheadings_is_good(self):
        body = "## 見積もりの取り方\n\n" + FILLER * 20 + "\n\n## 業者の選び方\n\n" + FILLER * 20
        assert check_of(ja(body=body), "keyphrase_in_subheadings").status == "good"

    def test_none_of_two_subheadings_should_mention_it(self):
        body = "## 料金の相場\n\n" + FILLER * 20 + "\n\n## 業者の選び方\n\n" + FILLER * 20
        check = check_of(ja(body=body), "keyphrase_in_subheadings")
        assert check.status == "improve"
        assert "0 of 2" in check.message

    def test_related_keyphrase_in_a_subheading_counts(self):
        body = "## 料金の相場\n\n" + FILLER * 20 + "\n\n## 業者の選び方\n\n" + FILLER * 20
        check = check_of(ja(body=body, related_keyphrases=("業者",)), "keyphrase_in_subheadings")
        assert check.status == "good"

    def test_every_subheading_mentioning_it_is_too_many(self):
        body = "## 見積もりの取り方\n\n" + FILLER * 5 + "\n\n### 見積もりの比較\n\n" + FILLER * 5
        check = check_of(ja(body=body), "keyphrase_in_subheadings")
        assert check.status == "improve"
        assert "2 of 2" in check.message


class DistributionTests:
    def test_single_mention_at_start(self):
        # After the keyphrase: 6 + 14 × 15 = 216 of 220 characters, 98 %.
        check = check_of(ja(body=MENTION + FILLER * 14), "keyphrase_distribution")
        assert check.status == "problem"
        assert "98 %" in check.message

    def test_mentions_at_start_middle_and_end_are_even(self):
        # Longest stretch without it: 6 + 6 × 15 = 96 of 210 characters, 46 %.
        body = MENTION + FILLER * 6 + MENTION + FILLER * 6 + MENTION
        assert check_of(ja(body=body), "keyphrase_distribution").status == "good"


class TextLengthTests:
    def test_600_characters_are_enough(self):
        check = check_of(ja(body=FILLER * 40), "text_length")
        assert check.status == "good"
        assert "600 characters" in check.message

    def test_450_characters_could_be_longer(self):
        assert check_of(ja(body=FILLER * 30), "text_length").status == "improve"

    def test_300_characters_are_too_few(self):
        assert check_of(ja(body=FILLER * 20), "text_length").status == "problem"

    def test_characters_exclude_markdown_and_punctuation(self):
        # 見出し (3) + 太字 (2) + リンク (3)
        analysis = ja(body="## 見出し\n\n**太字**、[リンク](https://example.com)。")
        assert analysis.characters == 8


class SlugTests:
    def test_japanese_drafts_have_no_slug_check(self):
        assert "slug" not in check_ids(ja(body=MENTION, slug=""))


class HeadingOneTests:
    def test_no_h1_in_body_is_good(self):
        assert check_of(ja(body="## 見出し\n\n" + FILLER), "single_h1").status == "good"

    def test_one_h1_should_become_h2(self):
        body = "# 大見出し\n\n" + FILLER
        check = check_of(ja(body=body), "single_h1")
        assert check.status == "improve"
        assert [body[start:end] for start, end in check.spans] == ["大見出し"]

    def test_two_h1_are_a_problem(self):
        assert check_of(ja(body="# 一\n\n" + FILLER + "\n\n# 二\n"), "single_h1").status == "problem"


class ImageAltTests:
    def test_no_image_should_add_one(self):
        assert check_of(ja(body=FILLER), "image_alt").status == "improve"

    def test_image_without_alt_is_a_problem(self):
        body = FILLER + "\n\n![](/img/a.png)"
        check = check_of(ja(body=body), "image_alt")
        assert check.status == "problem"
        assert [body[start:end] for start, end in check.spans] == ["![](/img/a.png)"]

    def test_alt_with_keyphrase_is_good(self):
        body = FILLER + '\n\n<img src="/a.png" alt="見積書の見積もり例">'
        assert check_of(ja(body=body), "image_alt").status == "good"

    def test_alt_without_keyphrase_should_mention_it(self):
        assert check_of(ja(body="![段ボール](/a.png)"), "image_alt").status == "improve"


class LinkTests:
    def test_relative_and_absolute_links_are_told_apart(self):
        body = "[関連記事](/guides/moving/)と[国の案内](https://www.mlit.go.jp/)。"
        analysis = ja(body=body)
        internal = check_of(analysis, "internal_links")
        outbound = check_of(analysis, "outbound_links")
        assert internal.status == "good"
        assert [body[start:end] for start, end in internal.spans] == ["[関連記事](/guides/moving/)"]
        assert outbound.status == "good"
        assert "links to 1 outside page." in outbound.message

    def test_no_links_should_add_some(self):
        analysis = ja(body=FILLER)
        assert check_of(analysis, "internal_links").status == "improve"
        assert check_of(analysis, "outbound_links").status == "improve"


class RelatedKeyphraseTests:
    def test_half_used_names_the_rest(self):
        analysis = ja(body="繁忙期は高い。", related_keyphrases=("繁忙期", "段ボール"))
        check = check_of(analysis, "related_keyphrases")
        assert check.status == "good"
        assert "1 of 2" in check.message
        assert "段ボール" in check.message

    def test_none_used_is_a_problem(self):
        check = check_of(ja(body=FILLER, related_keyphrases=("繁忙期",)), "related_keyphrases")
        assert check.status == "problem"

    def test_no_related_keyphrases_no_check(self):
        assert "related_keyphrases" not in check_ids(ja(body=FILLER))


class SentenceLengthTests:
    LONG = "明日の会議では新しい製品の販売計画と広告の予算と来年の採用計画についてまとめて話し合う予定です。"  # 47

    def test_one_long_sentence_in_four_is_fine(self):
        check = check_of(ja(body=self.LONG + FILLER * 3), "sentence_length")
        assert check.status == "good"
        assert "25 %" in check.message

    def test_two_long_sentences_in_four_are_a_problem(self):
        body = self.LONG + FILLER + self.LONG + FILLER
        check = check_of(ja(body=body), "sentence_length")
        assert check.status == "problem"
        assert "50 %" in check.message
        assert [body[start:end] for start, end in check.spans] == [self.LONG, self.LONG]


class ParagraphLengthTests:
    def test_330_characters_could_be_split(self):
        check = check_of(ja(body=FILLER * 22), "paragraph_length")
        assert check.status == "improve"

    def test_405_characters_are_a_problem(self):
        assert check_of(ja(body=FILLER * 27), "paragraph_length").status == "problem"

    def test_300_characters_are_fine(self):
        assert check_of(ja(body=FILLER * 20), "paragraph_length").status == "good"


class SubheadingDistributionTests:
    def test_short_text_needs_no_subheadings(self):
        check = check_of(ja(body=FILLER * 40), "subheading_distribution")
        assert check.status == "good"

    def test_705_characters_without_subheadings_need_one(self):
        body = "\n\n".join([FILLER * 15, FILLER * 15, FILLER * 17])
        assert check_of(ja(body=body), "subheading_distribution").status == "improve"

    def test_over_800_characters_between_subheadings_are_a_problem(self):
        body = "## 前半\n\n" + "\n\n".join([FILLER * 19] * 3) + "\n\n## 後半\n\n" + FILLER
        check = check_of(ja(body=body), "subheading_distribution")
        assert check.status == "problem"
        assert len(check.spans) == 1


class ConsecutiveSentenceTests:
    def test_three_sentences_starting_with_the_same_word(self):
        body = "私は走る。私は泳ぐ。私は歩く。今日は休む。"
        check = check_of(ja(body=body), "consecutive_sentences")
        assert check.status == "improve"
        assert len(check.spans) == 3

    def test_two_in_a_row_are_fine(self):
        body = "私は走る。私は泳ぐ。今日は休む。"
        assert check_of(ja(body=body), "consecutive_sentences").status == "good"


class ScriptBalanceTests:
    def test_hiragana_heavy_text_needs_more_kanji(self):
        # き, ょ, う, は, は, れ, で, す: 0 kanji of 8
        check = check_of(ja(body="きょうは、はれです。"), "script_balance")
        assert check.status == "improve"
        assert "0 %" in check.message

    def test_kanji_heavy_text_is_a_problem(self):
        # 国土交通省 (5) + 発表 (2) + 確認 (2) = 9 kanji; の and を are kana: 9 / 11 = 82 %.
        check = check_of(ja(body="国土交通省の発表を確認。"), "script_balance")
        assert check.status == "problem"
        assert "82 %" in check.message

    def test_balanced_text_is_good(self):
        # FILLER has 6 kanji (今日晴気持日) in 15 characters; ありがとうございます adds
        # 10 kana: 6 / 25 = 24 %.
        check = check_of(ja(body=FILLER + "ありがとうございます。"), "script_balance")
        assert check.status == "good"
        assert "24 %" in check.message


    def test_kanji_share_at_maximum_passes(self):
        # 6 kanji (今日晴気持日) of 17 characters = 35.3 %, shown as 35 %, the maximum.
        check = check_of(ja(body="今日は晴れて気持ちがよい日ですよね。"), "script_balance")
        assert "35 %" in check.message
        assert check.status == "good"


class CommaFrequencyTests:
    def test_long_sentence_without_comma_is_flagged(self):
        long = "明日の会議では新しい製品の販売計画と広告の予算と来年の採用計画についてまとめて話し合う予定です。"
        check = check_of(ja(body=long), "comma_frequency")
        assert check.status == "problem"
        assert check.spans == ((0, len(long)),)

    def test_comma_in_a_long_sentence_is_fine(self):
        body = "明日の会議では、新しい製品の販売計画と広告の予算と来年の採用計画についてまとめて話し合う予定です。"
        assert check_of(ja(body=body), "comma_frequency").status == "good"

    def test_five_commas_in_a_sentence_are_too_many(self):
        body = "私は、今日、本当に、とても、静かに、待った。"
        assert check_of(ja(body=body), "comma_frequency").status == "problem"


class StyleMixingTests:
    def test_one_plain_sentence_among_polite_ones(self):
        body = "料金は安いです。予約しました。確認してください。すぐに届く。"
        check = check_of(ja(body=body), "style_mixing")
        assert check.status == "problem"
        assert "1 sentence differs" in check.message
        assert [body[start:end] for start, end in check.spans] == ["すぐに届く。"]

    def test_one_plain_sentence_among_five_polite_is_minor(self):
        body = "安いです。高いです。予約しました。確認してください。届きます。すぐに届く。"
        assert check_of(ja(body=body), "style_mixing").status == "improve"

    def test_noun_endings_do_not_count_as_a_style(self):
        body = "料金は安いです。今日の結論。予約しました。"
        assert check_of(ja(body=body), "style_mixing").status == "good"

    def test_plain_style_throughout_is_good(self):
        body = "料金は安い。予約した。これは本である。"
        assert check_of(ja(body=body), "style_mixing").status == "good"


class NounRunTests:
    def test_long_noun_compound_is_flagged(self):
        body = "地方創生推進交付金活用事業を始める。"
        check = check_of(ja(body=body), "noun_runs")
        assert check.status == "improve"
        assert [body[start:end] for start, end in check.spans] == ["地方創生推進交付金活用事業"]

    def test_dates_are_not_noun_runs(self):
        assert check_of(ja(body="2024年3月15日に始める。"), "noun_runs").status == "good"


class TransitionWordTests:
    def test_text_without_connectives_is_a_problem(self):
        check = check_of(ja(body=FILLER * 30), "transition_words")
        assert check.status == "problem"
        assert "0 %" in check.message

    def test_one_connective_in_four_sentences_is_good(self):
        body = ("しかし、" + FILLER + FILLER * 3) * 8
        check = check_of(ja(body=body), "transition_words")
        assert check.status == "good"
        assert "25 %" in check.message

    def test_short_text_is_not_judged(self):
        assert "transition_words" not in check_ids(ja(body=FILLER * 10))


class ScoreTests:
    def test_scores_are_percentages_of_the_best_possible(self):
        analysis = ja(body=FILLER * 40, title="見積もり", meta_description="")
        seo = [check.score for check in analysis.checks if check.group == "seo"]
        assert analysis.seo_score == round(100 * sum(seo) / (9 * len(seo)))
        assert 0 <= analysis.readability_score <= 100

    def test_empty_draft_scores_without_failing(self):
        analysis = analyze(language="ja")
        assert analysis.characters == 0
        assert analysis.readability_score == 0
        assert check_of(analysis, "text_length").status == "problem"

    def test_without_recomputes_scores(self):
        analysis = ja(body=FILLER)
        lowered = analysis.without({"text_length"})
        assert lowered.seo_score > analysis.seo_score
        assert len(lowered.checks) == len(analysis.checks)
