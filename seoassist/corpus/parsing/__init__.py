"""Readers for imported articles: HTML, WordPress exports, Markdown, zip, folders, CSV, JSON Lines.

`read_articles` turns an upload into ParsedArticle items (or ArticleProblem
items for what could not be read); `extract_page` finds the main content of
one HTML page.
"""
from seoassist.corpus.parsing.encoding import decode_bytes
from seoassist.corpus.parsing.extraction import ExtractedPage, extract_page
from seoassist.corpus.parsing.files import (
    ACCEPTED_EXTENSIONS,
    MAX_ZIP_MEMBERS,
    MAX_ZIP_UNCOMPRESSED_BYTES,
    ArticleItem,
    ArticleProblem,
    ArticleSkip,
    ParsedArticle,
    ReadOptions,
    read_articles,
)

__all__ = [
    "ACCEPTED_EXTENSIONS",
    "MAX_ZIP_MEMBERS",
    "MAX_ZIP_UNCOMPRESSED_BYTES",
    "ArticleItem",
    "ArticleProblem",
    "ArticleSkip",
    "ReadOptions",
    "ExtractedPage",
    "ParsedArticle",
    "decode_bytes",
    "extract_page",
    "read_articles",
]
