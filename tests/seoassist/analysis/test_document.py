"""Markdown structure with offsets into the body."""
from seoassist.analysis.document import count_characters, parse_markdown

BODY = (
    "## 見出し\n\n"
    "導入です。**SEO対策**を[説明](https://example.com)します！ 詳しくは https://example.org/a?b=c を見て。\n\n"
    "- 項目一\n- 項目二です\n\n"
    "![代替テキスト](/img/a.png)\n\n"
    "```\nコードは数えない。\n```\n\n"
    "Plain English text. Another one here.\n"
)


class ParseMarkdownTests:
    def test_masked_text_keeps_offsets(self):
        document = parse_markdown(BODY)
        assert len(document.masked) == len(BODY)
        assert "https" not in document.masked
        assert "コード" not in document.masked

    def test_headings_images_and_links(self):
        document = parse_markdown(BODY)
        assert [(BODY[h.start:h.end], h.level) for h in document.headings] == [("見出し", 2)]
        assert [(image.alt, image.url) for image in document.images] == [("代替テキスト", "/img/a.png")]
        assert [link.url for link in document.links] == ["https://example.com"]

    def test_sentence_boundaries(self):
        document = parse_markdown(BODY)
        sentences = [" ".join(document.text_of(s).split()) for s in document.sentences]
        assert sentences == [
            "導入です。",
            "SEO対策 を 説明 します！",
            "詳しくは を見て。",
            "項目一",
            "項目二です",
            "Plain English text.",
            "Another one here.",
        ]

    def test_paragraphs(self):
        document = parse_markdown(BODY)
        assert len(document.paragraphs) == 3

    def test_empty_body(self):
        document = parse_markdown("")
        assert document.sentences == []
        assert document.sections()[0].start == 0


class CountCharactersTests:
    def test_punctuation_symbols_and_spaces_are_not_counted(self):
        # 見積もり (4) + ２０２４ (4) + SEO (3)
        assert count_characters("「見積もり」、２０２４！ SEO・★") == 11
