"""Every check on English drafts, with word counts worked out in the comments."""
import pytest

from seoassist.analysis.english import flesch_reading_ease, is_passive, syllables
from tests.seoassist.analysis.helpers import analyze, check_ids, check_of

# 12 words.
FILLER = "The team met on a sunny day to plan the next project. "
# 6 words, one mention of "running shoe".
MENTION = "Running shoes help you run farther. "
KEY = "running shoe"


def en(**fields):
    fields.setdefault("language", "en")
    fields.setdefault("keyphrase", KEY)
    return analyze(**fields)


class KeyphraseLengthTests:
    def test_two_words_are_good(self):
        check = check_of(en(), "keyphrase_length")
        assert check.status == "good"
        assert "2 words" in check.message

    def test_one_word_is_singular(self):
        check = check_of(en(keyphrase="shoes"), "keyphrase_length")
        assert check.status == "good"
        assert "The keyphrase has 1 word, which is a good length." in check.message

    def test_six_words_could_be_fewer(self):
        check = check_of(en(keyphrase="best running shoes for flat feet"), "keyphrase_length")
        assert check.status == "improve"
        assert "has 6 words. Shorten it to at most 4 words" in check.message

    def test_nine_words_are_a_problem(self):
        keyphrase = "the best running shoes for people with flat feet"
        assert check_of(en(keyphrase=keyphrase), "keyphrase_length").status == "problem"


class KeyphraseInTitleTests:
    def test_plural_at_start_is_good(self):
        check = check_of(en(title="Running Shoes for Beginners"), "keyphrase_in_title")
        assert check.status == "good"

    def test_later_in_title_should_move(self):
        check = check_of(en(title="How to Choose Running Shoes"), "keyphrase_in_title")
        assert check.status == "improve"

    def test_missing_is_a_problem(self):
        check = check_of(en(title="How to Choose Trainers"), "keyphrase_in_title")
        assert check.status == "problem"


class TitleWidthTests:
    def test_short_title_width_in_pixels(self):
        # R 1479 + u 1139 + n 1139 × 3 + i 455 + g 1139 + space 569 + s 1024 × 2
        # + h 1139 + o 1139 + e 1139 = 13663 units; × 20 px / 2048 = 133 px.
        check = check_of(en(title="Running shoes"), "title_width")
        assert check.status == "improve"
        assert "133 px" in check.message

    def test_long_title_overflows(self):
        title = "Running shoes for beginners: how to choose, fit and care for your first pair today"
        assert check_of(en(title=title), "title_width").status == "improve"
        assert "cut it after 600 px" in check_of(en(title=title), "title_width").message


class MetaDescriptionTests:
    def test_inflected_keyphrase_counts(self):
        analysis = en(meta_description="Compare running-shoes for every budget.")
        check = check_of(analysis, "keyphrase_in_meta_description")
        assert check.status == "good"

    @pytest.mark.parametrize(
        ("length", "status"), [(119, "improve"), (120, "good"), (156, "good"), (157, "improve")]
    )
    def test_length_limits(self, length, status):
        description = ("Choose running shoes well. " * 7)[:length]
        check = check_of(en(meta_description=description), "meta_description_length")
        assert check.status == status


class IntroductionTests:
    def test_keyphrase_in_first_paragraph(self):
        check = check_of(en(body=MENTION + "\n\n" + FILLER), "keyphrase_in_introduction")
        assert check.status == "good"

    def test_keyphrase_words_apart_in_first_paragraph_count(self):
        body = "A good shoe matters when running on roads.\n\n" + FILLER
        check = check_of(en(body=body), "keyphrase_in_introduction")
        assert check.status == "good"
        assert sorted(body[start:end] for start, end in check.spans) == ["running", "shoe"]

    def test_missing_is_a_problem(self):
        check = check_of(en(body=FILLER + "\n\n" + MENTION), "keyphrase_in_introduction")
        assert check.status == "problem"


class DensityTests:
    def test_one_mention_in_198_words(self):
        # 1 / (6 + 16 × 12 = 198) = 0.5 %
        check = check_of(en(body=MENTION + FILLER * 16), "keyphrase_density")
        assert check.status == "good"
        assert "0.5 %" in check.message

    def test_density_shown_at_minimum_passes(self):
        # 1 / (6 + 16 × 12 + 4 = 202) = 0.495 %, shown as 0.5 %, the minimum.
        check = check_of(en(body=MENTION + FILLER * 16 + "They met again later. "), "keyphrase_density")
        assert "0.5 %" in check.message
        assert check.status == "good"

    def test_one_mention_in_246_words_is_too_rare(self):
        # 1 / (6 + 20 × 12 = 246) = 0.4 %
        assert check_of(en(body=MENTION + FILLER * 20), "keyphrase_density").status == "improve"

    def test_five_mentions_in_126_words_are_too_many(self):
        # 5 / (5 × 6 + 8 × 12 = 126) = 4.0 %
        check = check_of(en(body=MENTION * 5 + FILLER * 8), "keyphrase_density")
        assert check.status == "problem"
        assert "4.0 %" in check.message

    def test_under_100_words_not_judged(self):
        # 6 + 7 × 12 = 90 words
        assert "keyphrase_density" not in check_ids(en(body=MENTION + FILLER * 7))


class SubheadingTests:
    def test_one_of_two(self):
        body = "## Choosing running shoes\n\n" + FILLER * 10 + "\n\n## Care\n\n" + FILLER * 10
        assert check_of(en(body=body), "keyphrase_in_subheadings").status == "good"

    def test_none_of_two(self):
        body = "## Choosing\n\n" + FILLER * 10 + "\n\n## Care\n\n" + FILLER * 10
        assert check_of(en(body=body), "keyphrase_in_subheadings").status == "improve"


class DistributionTests:
    def test_mention_only_at_start(self):
        # After the mention: 4 + 16 × 12 = 196 of 198 words, 99 %.
        check = check_of(en(body=MENTION + FILLER * 16), "keyphrase_distribution")
        assert check.status == "problem"
        assert "99 %" in check.message


class TextLengthTests:
    def test_300_words_are_enough(self):
        assert check_of(en(body=FILLER * 25), "text_length").status == "good"

    def test_204_words_could_be_more(self):
        assert check_of(en(body=FILLER * 17), "text_length").status == "improve"

    def test_120_words_are_too_few(self):
        check = check_of(en(body=FILLER * 10), "text_length")
        assert check.status == "problem"
        assert "120 words" in check.message

    def test_contractions_and_hyphenated_words_count_once(self):
        # don't (1) over-think (2) it (3) — the URL is not counted.
        assert en(body="Don't over-think it: https://example.com/a-b-c").words == 3


class SlugTests:
    def test_slug_with_keyphrase(self):
        assert check_of(en(slug="running-shoes-guide"), "slug").status == "good"

    def test_slug_without_keyphrase(self):
        assert check_of(en(slug="best-trainers"), "slug").status == "improve"

    def test_empty_slug(self):
        assert check_of(en(slug=""), "slug").status == "improve"


class HeadingOneTests:
    def test_two_h1(self):
        assert check_of(en(body="# One\n\nText.\n\n# Two\n"), "single_h1").status == "problem"


class ImageAndLinkTests:
    def test_alt_with_plural_keyphrase(self):
        assert check_of(en(body="![Two running shoes](/a.png)"), "image_alt").status == "good"

    def test_protocol_relative_link_is_not_internal(self):
        analysis = en(body="See [this](//cdn.example.com/x) and [that](/guides/).")
        assert "links to 1 page of this site." in check_of(analysis, "internal_links").message


    def test_malformed_link_is_neither_internal_nor_outbound(self):
        analysis = en(body="See [this](//[broken) now.")
        assert check_of(analysis, "internal_links").status == "improve"
        assert check_of(analysis, "outbound_links").status == "improve"


class RelatedTests:
    def test_related_used(self):
        analysis = en(
            body="Trail runners love cushioning.", related_keyphrases=("trail runner", "cushioning")
        )
        check = check_of(analysis, "related_keyphrases")
        assert check.status == "good"
        assert "2 of 2" in check.message


class SentenceLengthTests:
    # 21 words.
    LONG = ("The editors who joined the team last spring wrote twelve long guides about "
            "running shoes for readers who train every day. ")

    def test_one_long_in_four_is_fine(self):
        assert check_of(en(body=self.LONG + FILLER * 3), "sentence_length").status == "good"

    def test_two_long_in_four_is_a_problem(self):
        check = check_of(en(body=(self.LONG + FILLER) * 2), "sentence_length")
        assert check.status == "problem"
        assert "50 %" in check.message


class ParagraphLengthTests:
    def test_156_words_could_be_split(self):
        assert check_of(en(body=FILLER * 13), "paragraph_length").status == "improve"

    def test_204_words_are_a_problem(self):
        assert check_of(en(body=FILLER * 17), "paragraph_length").status == "problem"


class SubheadingDistributionTests:
    def test_312_words_without_subheadings(self):
        body = "\n\n".join([FILLER * 13, FILLER * 13])
        assert check_of(en(body=body), "subheading_distribution").status == "improve"

    def test_360_words_without_subheadings(self):
        body = "\n\n".join([FILLER * 10] * 3)
        assert check_of(en(body=body), "subheading_distribution").status == "problem"


class ConsecutiveSentenceTests:
    def test_three_sentences_starting_with_the(self):
        check = check_of(en(body=FILLER * 3), "consecutive_sentences")
        assert check.status == "improve"
        assert len(check.spans) == 3

    def test_varied_starts(self):
        body = "We ran. The road was long. Then we rested."
        assert check_of(en(body=body), "consecutive_sentences").status == "good"


class FleschTests:
    def test_syllable_estimates(self):
        words = ("cat", "table", "necessitates", "documentation")
        assert [syllables(word) for word in words] == [1, 2, 4, 5]

    def test_simple_sentence(self):
        # 206.835 − 1.015 × 6 words − 84.6 × 6 syllables / 6 words = 116.1
        check = check_of(en(body="The cat sat on the mat."), "flesch_reading_ease")
        assert check.status == "good"
        assert "116.1" in check.message

    def test_long_words_are_a_problem(self):
        # 5 words, 4 + 5 + 4 + 5 + 5 = 23 syllables:
        # 206.835 − 1.015 × 5 − 84.6 × 23 / 5 = −187.4
        body = "Governmental administration necessitates considerable documentation."
        check = check_of(en(body=body), "flesch_reading_ease")
        assert check.status == "problem"
        assert "-187.4" in check.message

    def test_formula(self):
        assert flesch_reading_ease(["a"] * 10, 2) == pytest.approx(206.835 - 1.015 * 5 - 84.6)


class PassiveVoiceTests:
    def test_passive_forms(self):
        assert is_passive("The report was written by the team.")
        assert is_passive("The shoes are carefully tested.")
        assert not is_passive("The team wrote the report.")
        assert not is_passive("We need more speed.")

    def test_one_passive_in_four_is_a_problem(self):
        body = "The report was written by the team. We ran. She laughed. They left."
        check = check_of(en(body=body), "passive_voice")
        assert check.status == "problem"
        assert "25 %" in check.message
        highlighted = [body[start:end] for start, end in check.spans]
        assert highlighted == ["The report was written by the team."]

    def test_one_passive_in_ten_is_fine(self):
        body = "The report was written by the team. " + "We ran. " * 9
        assert check_of(en(body=body), "passive_voice").status == "good"


class TransitionWordTests:
    def test_none_in_240_words(self):
        check = check_of(en(body=FILLER * 20), "transition_words")
        assert check.status == "problem"

    def test_six_of_twenty_sentences(self):
        body = ("However, " + FILLER) * 6 + FILLER * 14
        check = check_of(en(body=body), "transition_words")
        assert check.status == "good"
        assert "30 %" in check.message

    def test_multi_word_transitions(self):
        body = ("For example, " + FILLER) * 4 + FILLER * 16
        check = check_of(en(body=body), "transition_words")
        assert check.status == "improve"
        assert "20 %" in check.message


class LanguageTests:
    def test_draft_language_decides_not_the_text(self):
        analysis = analyze(language="en", keyphrase="見積もり", body="見積もりを比較します。")
        assert "flesch_reading_ease" in check_ids(analysis)
        assert "script_balance" not in check_ids(analysis)

    def test_unknown_language_is_rejected(self):
        with pytest.raises(ValueError, match="'fr'"):
            analyze(language="fr")
