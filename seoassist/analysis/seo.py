"""SEO checks: where and how often the keyphrase appears, lengths, links and images."""
from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from seoassist.analysis.document import count_characters
from seoassist.analysis.engine import GOOD, IMPROVE, PROBLEM, SEO, Check, Context, make_check
from seoassist.analysis.matching import Keyphrase, TextIndex, found_in
from seoassist.analysis.serp import text_width
from seoassist.analysis.thresholds import SERP_TITLE_FONT_PX

_LEADING_LABEL_RE = re.compile(r"^\s*(?:【[^】]*】|\[[^\]]*\]|［[^］]*］|<[^>]*>)\s*")


def _check(check_id: str, status: str, message: str, spans=()) -> Check:
    return make_check(check_id, SEO, status, message, spans)


def _count_text(context: Context, count: int) -> str:
    """Return ``count`` with its unit, characters for Japanese and words otherwise, in the right plural."""
    if context.is_japanese:
        return ngettext("%(count)d character", "%(count)d characters", count) % {"count": count}
    return ngettext("%(count)d word", "%(count)d words", count) % {"count": count}


def run_checks(context: Context) -> Iterator[Check]:
    yield keyphrase_length(context)
    if not context.keyphrase.is_empty:
        yield keyphrase_in_title(context)
        yield keyphrase_in_meta_description(context)
        yield keyphrase_in_introduction(context)
        density = keyphrase_density(context)
        if density is not None:
            yield density
        subheadings = keyphrase_in_subheadings(context)
        if subheadings is not None:
            yield subheadings
        distribution = keyphrase_distribution(context)
        if distribution is not None:
            yield distribution
        if not context.is_japanese:
            yield slug(context)
    yield title_width(context)
    yield meta_description_length(context)
    yield text_length(context)
    yield single_h1(context)
    yield image_alt(context)
    yield internal_links(context)
    yield outbound_links(context)
    if context.related:
        yield related_keyphrases(context)


def keyphrase_length(context: Context) -> Check:
    limits = context.limits
    if context.keyphrase.is_empty:
        return _check(
            "keyphrase_length", PROBLEM,
            _("No keyphrase is set. Set the keyphrase this article should rank for."),
        )
    length = context.keyphrase.length
    values = {"length": _count_text(context, length), "maximum": _count_text(context, limits.keyphrase_good_max)}
    if length <= limits.keyphrase_good_max:
        return _check(
            "keyphrase_length", GOOD,
            _("The keyphrase has %(length)s, which is a good length.") % values,
        )
    status = PROBLEM if length > limits.keyphrase_problem_over else IMPROVE
    return _check(
        "keyphrase_length", status,
        _("The keyphrase has %(length)s. Shorten it to at most %(maximum)s so that people search for it as written.")
        % values,
    )


def _starts_with(index: TextIndex, keyphrase: Keyphrase) -> tuple[bool, bool]:
    """Return whether the keyphrase is in the text and whether it opens it."""
    spans = found_in(index, keyphrase)
    if not spans:
        return False, False
    label = _LEADING_LABEL_RE.match(index.text)
    opening = index.text[label.end() if label else 0 : spans[0][0]]
    return True, count_characters(opening) == 0


def keyphrase_in_title(context: Context) -> Check:
    found, at_start = _starts_with(context.title, context.keyphrase)
    if at_start:
        return _check(
            "keyphrase_in_title", GOOD, _("The title starts with the keyphrase. Well done.")
        )
    if found:
        return _check(
            "keyphrase_in_title", IMPROVE,
            _("The title contains the keyphrase. Move it to the start of the title."),
        )
    return _check(
        "keyphrase_in_title", PROBLEM,
        _("The title does not contain the keyphrase. Add it, preferably at the start."),
    )


def title_width(context: Context) -> Check:
    limits = context.limits
    title = " ".join((context.draft.title or "").split())
    if not title:
        return _check("title_width", PROBLEM, _("The title is empty. Write a title."))
    width = round(text_width(title, SERP_TITLE_FONT_PX))
    values = {"width": width, "minimum": limits.title_min_px, "maximum": limits.title_max_px}
    if width > limits.title_max_px:
        return _check(
            "title_width", IMPROVE,
            _(
                "The title is %(width)d px wide; result pages cut it after %(maximum)d px. "
                "Shorten it so that it shows in full."
            ) % values,
        )
    if width < limits.title_min_px:
        return _check(
            "title_width", IMPROVE,
            _(
                "The title is only %(width)d px wide. Lengthen it towards %(maximum)d px to "
                "use the space a result page gives it."
            ) % values,
        )
    return _check(
        "title_width", GOOD,
        _("The title is %(width)d px wide and fits a result page.") % values,
    )


def keyphrase_in_meta_description(context: Context) -> Check:
    if not (context.draft.meta_description or "").strip():
        return _check(
            "keyphrase_in_meta_description", PROBLEM,
            _("There is no meta description. Write one that contains the keyphrase."),
        )
    if found_in(context.meta, context.keyphrase):
        return _check(
            "keyphrase_in_meta_description", GOOD,
            _("The meta description contains the keyphrase."),
        )
    return _check(
        "keyphrase_in_meta_description", PROBLEM,
        _("The meta description does not contain the keyphrase. Add it."),
    )


def meta_description_length(context: Context) -> Check:
    """Judge the meta description by visible characters, since every one takes snippet space."""
    limits = context.limits
    description = " ".join((context.draft.meta_description or "").split())
    values = {
        "length": len(description),
        "minimum": limits.meta_description_min,
        "maximum": limits.meta_description_max,
    }
    if not description:
        return _check(
            "meta_description_length", PROBLEM,
            _(
                "The meta description is empty, so the result page picks a snippet from the "
                "text. Write %(minimum)d to %(maximum)d characters."
            ) % values,
        )
    if len(description) < limits.meta_description_min:
        return _check(
            "meta_description_length", IMPROVE,
            _(
                "The meta description has %(length)d characters. Lengthen it to "
                "%(minimum)d–%(maximum)d characters."
            ) % values,
        )
    if len(description) > limits.meta_description_max:
        return _check(
            "meta_description_length", IMPROVE,
            _(
                "The meta description has %(length)d characters; result pages cut it near "
                "%(maximum)d. Shorten it to %(minimum)d–%(maximum)d characters."
            ) % values,
        )
    return _check(
        "meta_description_length", GOOD,
        _("The meta description has %(length)d characters, a good length.") % values,
    )


def keyphrase_in_introduction(context: Context) -> Check:
    paragraphs = context.document.paragraphs
    if not paragraphs:
        return _check(
            "keyphrase_in_introduction", PROBLEM,
            _("The text is empty. Write an introduction that mentions the keyphrase."),
        )
    first = paragraphs[0]
    spans = found_in(context.body, context.keyphrase, first.start, first.end)
    if spans:
        return _check(
            "keyphrase_in_introduction", GOOD,
            _("The first paragraph mentions the keyphrase."), spans,
        )
    return _check(
        "keyphrase_in_introduction", PROBLEM,
        _("The first paragraph does not mention the keyphrase. Mention it there."),
        [(first.start, first.end)],
    )


def occurrences(context: Context, keyphrase: Keyphrase) -> tuple[int, list[tuple[int, int]]]:
    """Count the keyphrase in the body: each whole match, or a sentence that has all its words."""
    document = context.document
    whole = context.body.find_spans(keyphrase)
    count = len(whole)
    spans = list(whole)
    if keyphrase.parts:
        units = [*document.sentences, *document.headings]
        for unit in units:
            if any(unit.start <= start and end <= unit.end for start, end in whole):
                continue
            spread = found_in(context.body, keyphrase, unit.start, unit.end)
            if spread:
                count += 1
                spans.extend(spread)
    return count, sorted(spans)


def keyphrase_density(context: Context) -> Check | None:
    limits = context.limits
    length = context.text_length
    if length < limits.density_from_length:
        return None
    count, spans = occurrences(context, context.keyphrase)
    if context.is_japanese:
        covered = sum(count_characters(context.document.masked[start:end]) for start, end in spans)
        density = 100 * covered / length
    else:
        density = 100 * count / length
    # Judge the density as the message shows it, to one decimal, so that 0.98 % shown as
    # "1.0 %" is not called below a 1.0 % minimum.
    density = round(density, 1)
    values = {
        "count": count,
        "density": f"{density:.1f}",
        "minimum": f"{limits.density_min:.1f}",
        "maximum": f"{limits.density_max:.1f}",
    }
    if count == 0:
        return _check(
            "keyphrase_density", PROBLEM,
            _("The text never mentions the keyphrase. Use it a few times."),
        )
    if density < limits.density_min:
        return _check(
            "keyphrase_density", IMPROVE,
            ngettext(
                "The keyphrase appears %(count)d time, a density of %(density)s %%. Use it "
                "more often, for a density of %(minimum)s–%(maximum)s %%.",
                "The keyphrase appears %(count)d times, a density of %(density)s %%. Use it "
                "more often, for a density of %(minimum)s–%(maximum)s %%.",
                count,
            ) % values, spans,
        )
    if density > limits.density_problem_over:
        return _check(
            "keyphrase_density", PROBLEM,
            ngettext(
                "The keyphrase appears %(count)d time, a density of %(density)s %%, above "
                "%(maximum)s %%. Use it less often or use synonyms, so the text does not "
                "read as stuffed.",
                "The keyphrase appears %(count)d times, a density of %(density)s %%, above "
                "%(maximum)s %%. Use it less often or use synonyms, so the text does not "
                "read as stuffed.",
                count,
            ) % values, spans,
        )
    return _check(
        "keyphrase_density", GOOD,
        ngettext(
            "The keyphrase appears %(count)d time, a density of %(density)s %%, within "
            "%(minimum)s–%(maximum)s %%.",
            "The keyphrase appears %(count)d times, a density of %(density)s %%, within "
            "%(minimum)s–%(maximum)s %%.",
            count,
        ) % values, spans,
    )


def keyphrase_in_subheadings(context: Context) -> Check | None:
    limits = context.limits
    subheadings = [heading for heading in context.document.headings if heading.level in (2, 3)]
    if not subheadings:
        if context.text_length < limits.section_good_max:
            return None
        return _check(
            "keyphrase_in_subheadings", IMPROVE,
            _("The text has no H2 or H3 subheadings. Add some and mention the keyphrase in a few."),
        )
    phrases = [context.keyphrase, *context.related]
    matching = [
        heading for heading in subheadings
        if any(found_in(context.body, phrase, heading.start, heading.end) for phrase in phrases)
    ]
    share = 100 * len(matching) / len(subheadings)
    values = {
        "matching": len(matching),
        "total": len(subheadings),
        "minimum": round(limits.subheadings_min),
        "maximum": round(limits.subheadings_max),
    }
    if share < limits.subheadings_min:
        return _check(
            "keyphrase_in_subheadings", IMPROVE,
            _(
                "%(matching)d of %(total)d H2/H3 subheadings mention the keyphrase or a "
                "related one. Mention it in %(minimum)d–%(maximum)d %% of them."
            ) % values,
            [(heading.start, heading.end) for heading in subheadings if heading not in matching],
        )
    if share > limits.subheadings_max:
        return _check(
            "keyphrase_in_subheadings", IMPROVE,
            _(
                "%(matching)d of %(total)d H2/H3 subheadings mention the keyphrase or a "
                "related one. Reword some, so at most %(maximum)d %% of them do."
            ) % values,
            [(heading.start, heading.end) for heading in matching],
        )
    return _check(
        "keyphrase_in_subheadings", GOOD,
        _("%(matching)d of %(total)d H2/H3 subheadings mention the keyphrase or a related one.")
        % values,
    )


def keyphrase_distribution(context: Context) -> Check | None:
    limits = context.limits
    if context.text_length < limits.density_from_length:
        return None
    masked = context.document.masked
    _count, spans = occurrences(context, context.keyphrase)
    if not spans:
        return _check(
            "keyphrase_distribution", PROBLEM,
            _("The keyphrase does not appear in the text. Use it throughout the text."),
        )

    # Measure the longest stretch of text without the keyphrase, in counted units.
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    edges = [0, *[position for span in merged for position in span], len(masked)]
    gaps = [(edges[index], edges[index + 1]) for index in range(0, len(edges), 2)]
    total = max(context.text_length, 1)
    longest = max(gaps, key=lambda gap: context.length(masked[gap[0] : gap[1]]))
    share = round(100 * context.length(masked[longest[0] : longest[1]]) / total)

    values = {"share": share}
    if share <= limits.distribution_good_max:
        return _check(
            "keyphrase_distribution", GOOD,
            _("The keyphrase is spread evenly through the text."), spans,
        )
    status = IMPROVE if share <= limits.distribution_improve_max else PROBLEM
    return _check(
        "keyphrase_distribution", status,
        _(
            "%(share)d %% of the text goes without the keyphrase. Mention it in the "
            "highlighted stretch too."
        ) % values,
        [longest],
    )


def text_length(context: Context) -> Check:
    limits = context.limits
    length = context.text_length
    values = {"length": _count_text(context, length), "minimum": _count_text(context, limits.text_good_min)}
    if length >= limits.text_good_min:
        return _check(
            "text_length", GOOD,
            _("The text has %(length)s, enough to cover the topic.") % values,
        )
    status = IMPROVE if length >= limits.text_improve_min else PROBLEM
    return _check(
        "text_length", status,
        _("The text has %(length)s. Add content until it has at least %(minimum)s.") % values,
    )


def slug(context: Context) -> Check:
    value = (context.draft.slug or "").strip()
    if not value:
        return _check(
            "slug", IMPROVE, _("The slug is empty. Set a slug that contains the keyphrase.")
        )
    index = TextIndex(re.sub(r"[-_/]+", " ", value), context.language)
    if found_in(index, context.keyphrase):
        return _check("slug", GOOD, _("The slug contains the keyphrase."))
    return _check(
        "slug", IMPROVE,
        _(
            "The slug does not contain the keyphrase. Put the keyphrase's words in it, "
            "joined by hyphens."
        ),
    )


def single_h1(context: Context) -> Check:
    titles = [heading for heading in context.document.headings if heading.level == 1]
    spans = [(heading.start, heading.end) for heading in titles]
    if not titles:
        return _check(
            "single_h1", GOOD,
            _("The text has no H1 heading of its own, so the title is the only H1."),
        )
    if len(titles) == 1:
        return _check(
            "single_h1", IMPROVE,
            _("The page title is already the H1. Turn this H1 heading into an H2."), spans,
        )
    return _check(
        "single_h1", PROBLEM,
        _("The text has %(count)d H1 headings besides the title. Turn them into H2 headings.")
        % {"count": len(titles)}, spans,
    )


def image_alt(context: Context) -> Check:
    images = context.document.images
    if not images:
        return _check(
            "image_alt", IMPROVE,
            _("The text has no images. Add an image with an alt text that mentions the keyphrase."),
        )
    missing = [image for image in images if not image.alt.strip()]
    if missing:
        return _check(
            "image_alt", PROBLEM,
            ngettext(
                "%(count)d of %(total)d images has no alt text. Describe each image in its "
                "alt text.",
                "%(count)d of %(total)d images have no alt text. Describe each image in its "
                "alt text.",
                len(missing),
            )
            % {"count": len(missing), "total": len(images)},
            [(image.start, image.end) for image in missing],
        )
    if context.keyphrase.is_empty:
        return _check("image_alt", GOOD, _("Every image has an alt text."))
    phrases = [context.keyphrase, *context.related]
    for image in images:
        index = TextIndex(image.alt, context.language)
        if any(found_in(index, phrase) for phrase in phrases):
            return _check(
                "image_alt", GOOD, _("Every image has an alt text, and one mentions the keyphrase.")
            )
    return _check(
        "image_alt", IMPROVE,
        _("No alt text mentions the keyphrase. Mention it in the alt text of a fitting image."),
        [(image.start, image.end) for image in images],
    )


def _url_parts(url: str) -> tuple[str, str]:
    """Return a URL's scheme and host; a malformed URL has neither."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return "", "invalid"
    return parts.scheme, parts.netloc


def _is_internal(url: str) -> bool:
    scheme, host = _url_parts(url)
    return not scheme and not host and not url.startswith("#")


def _is_outbound(url: str) -> bool:
    return _url_parts(url)[0] in ("http", "https")


def internal_links(context: Context) -> Check:
    links = [link for link in context.document.links if _is_internal(link.url)]
    if links:
        return _check(
            "internal_links", GOOD,
            ngettext(
                "The text links to %(count)d page of this site.",
                "The text links to %(count)d pages of this site.",
                len(links),
            ) % {"count": len(links)},
            [(link.start, link.end) for link in links],
        )
    return _check(
        "internal_links", IMPROVE,
        _(
            "The text has no internal links. Link to related articles on this site, with a "
            "path such as /guides/topic/."
        ),
    )


def outbound_links(context: Context) -> Check:
    links = [link for link in context.document.links if _is_outbound(link.url)]
    if links:
        return _check(
            "outbound_links", GOOD,
            ngettext(
                "The text links to %(count)d outside page.",
                "The text links to %(count)d outside pages.",
                len(links),
            ) % {"count": len(links)},
            [(link.start, link.end) for link in links],
        )
    return _check(
        "outbound_links", IMPROVE,
        _("The text has no outbound links. Link to a source or a useful page on another site."),
    )


def related_keyphrases(context: Context) -> Check:
    used = []
    spans: list[tuple[int, int]] = []
    for phrase in context.related:
        found = found_in(context.body, phrase)
        if found:
            used.append(phrase)
            spans.extend(found)
    unused = [phrase.text for phrase in context.related if phrase not in used]
    share = 100 * len(used) / len(context.related)
    values = {
        "used": len(used),
        "total": len(context.related),
        "unused": "、".join(unused) if context.is_japanese else ", ".join(unused),
    }
    if share >= context.limits.related_good_min:
        if unused:
            # One message, so that each language joins the two sentences its own way.
            message = _(
                "The text uses %(used)d of %(total)d related keyphrases. Consider also: %(unused)s."
            ) % values
        else:
            message = _("The text uses %(used)d of %(total)d related keyphrases.") % values
        return _check("related_keyphrases", GOOD, message, sorted(spans))
    status = IMPROVE if used else PROBLEM
    return _check(
        "related_keyphrases", status,
        _("The text uses %(used)d of %(total)d related keyphrases. Work in these: %(unused)s.")
        % values, sorted(spans),
    )
