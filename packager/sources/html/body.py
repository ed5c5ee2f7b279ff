"""The article's body text: trafilatura's fast pass, completed where it stopped early.

trafilatura's fast mode takes the first container that looks like the article body. Pages
that split the body into several such containers (around an advertisement, a "read more"
box or a paywall marker) then lose everything after the first: 118 of ~870 words. When the
text found is short for the page, the other containers of the same kind are read too, and
then trafilatura's full extraction (fallback extractors, layout tables) is tried. A
standfirst trafilatura left out (set apart from the body's container) is put back in front.

Amounts of text are counted in characters other than white space, not in words: Chinese and
Japanese write no spaces between words, so a word count calls a whole article one "word".
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from copy import deepcopy

import trafilatura
from lxml import etree
from lxml import html as lxml_html

from packager.cleantext import clean_text

_SHORT_SHARE = 0.6  # a body under this share of the page's paragraph text may be cut short
_MIN_GAIN = 0.3  # the other containers must add at least this share of text to count
_KNOWN_SHARE = 0.8  # a paragraph this much made of text already found is the same paragraph
_MAX_PARAGRAPHS = 2000  # article pages hold tens to a few hundred <p> elements
_KEPT_SHARE = 0.6  # a fuller extraction must keep this share of the short one's paragraphs
_MAX_LINK_SHARE = 0.5  # a paragraph that is mostly links is navigation, not text
_PROSE_CHARACTERS = 40  # a line of fewer characters (not white space) is no prose paragraph
_MIN_PROSE_SHARE = 0.5  # a body of less prose than this share of its text is mostly menus
_NOT_ARTICLE = re.compile(
    r"comment|related|promo|newsletter|share|social|footer|sidebar|teaser|recommend|\bad\b|advert",
    re.IGNORECASE,
)
_OUTSIDE_ARTICLE_TAGS = frozenset({"nav", "aside", "footer", "header", "form"})


def without_headline(body: tuple[str, ...], title: str) -> tuple[str, ...]:
    """The body without a leading copy of the headline (trafilatura keeps the page's <h1>)."""
    folded = " ".join(title.split()).casefold()
    while body and " ".join(body[0].split()).casefold() == folded:
        body = body[1:]
    return body


def without_captions(body: tuple[str, ...], captions: Iterable[str]) -> tuple[str, ...]:
    """The body without lines that are a picture's caption (with or without its credit):
    trafilatura keeps some captions as paragraphs, and a TV narration should not read out
    "Heavy gear and equipment" between two paragraphs. A caption that repeats a paragraph of
    the article (a sentence of the text set under a picture too) stays once, as the
    paragraph."""
    folded = {_folded(caption) for caption in captions} - {""}
    if not folded:
        return body
    counts = Counter(_folded(line) for line in body)
    kept: list[str] = []
    seen: set[str] = set()
    for line in body:
        key = _folded(line)
        if key in folded and (counts[key] < 2 or key in seen):
            continue
        seen.add(key)
        kept.append(line)
    return tuple(kept)


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def _extracted(tree: lxml_html.HtmlElement, base_url: str, *, full: bool) -> tuple[str, ...]:
    """trafilatura's paragraphs of the page: its fast pass, or (`full`) the pass with its
    fallback extractors and the text of layout tables."""
    text = trafilatura.extract(
        tree,
        url=base_url or None,
        include_comments=False,
        include_tables=full,
        output_format="txt",
        deduplicate=False,
        fast=not full,
    )
    return _lines(text)


def body_text(tree: lxml_html.HtmlElement, base_url: str) -> tuple[str, ...]:
    """The article's paragraphs, in page order."""
    paragraphs = _extracted(tree, base_url, full=False)
    page_size = _page_paragraph_size(tree)
    if page_size < 0:
        return paragraphs  # not an article page: no second pass over it
    if paragraphs and _size(paragraphs) < _SHORT_SHARE * page_size:
        paragraphs = _with_sibling_containers(tree, paragraphs)
    if _size(paragraphs) < _SHORT_SHARE * page_size:
        paragraphs = _with_fallbacks(tree, base_url, paragraphs)
    elif _prose_share(paragraphs) < _MIN_PROSE_SHARE:
        paragraphs = _without_menus(tree, base_url, paragraphs)
    return _with_standfirst(tree, paragraphs)


def _without_menus(
    tree: lxml_html.HtmlElement, base_url: str, paragraphs: tuple[str, ...]
) -> tuple[str, ...]:
    """trafilatura's full extraction instead of a fast pass that is mostly short lines (a
    site's menus, taken for the article on a page whose article is short), when it is a part
    of the fast pass (not another part of the page) that reads as prose."""
    shorter = _extracted(tree, base_url, full=True)
    found = set(paragraphs)
    same = sum(line in found for line in shorter)
    if shorter and same >= _KEPT_SHARE * len(shorter) and _prose_share(shorter) >= _MIN_PROSE_SHARE:
        return shorter
    return paragraphs


def _prose(paragraphs: tuple[str, ...]) -> list[str]:
    """The lines long enough to be prose, not a menu entry, a label or a link."""
    return [line for line in paragraphs if _size([line]) >= _PROSE_CHARACTERS]


def _prose_share(paragraphs: tuple[str, ...]) -> float:
    total = _size(paragraphs)
    return _size(_prose(paragraphs)) / total if total else 1.0


def _with_fallbacks(
    tree: lxml_html.HtmlElement, base_url: str, paragraphs: tuple[str, ...]
) -> tuple[str, ...]:
    """trafilatura's full extraction (its fallback extractors, and text in layout tables)
    instead of a short fast pass, when it finds clearly more of the same article: it keeps
    most of what the fast pass found and does not run on into another article (an <h1>)."""
    fuller = _extracted(tree, base_url, full=True)
    if _size(fuller) < (1 + _MIN_GAIN) * _size(paragraphs):
        return paragraphs
    found = set(fuller)
    if paragraphs and sum(p in found for p in paragraphs) < _KEPT_SHARE * len(paragraphs):
        return paragraphs  # another part of the page, not more of the same article
    headlines = {clean_text(h.text_content()) for h in tree.iter("h1")} - {""}
    if sum(1 for line in fuller if line in headlines) > 1:
        return paragraphs  # runs on into the next article of an endless page
    return fuller


_DESCRIPTION_META = etree.XPath(
    "//meta[@property='og:description' or @name='og:description' or @name='description' "
    "or @name='twitter:description' or @property='twitter:description']/@content"
)
_STANDFIRST_TAGS = ("p", "div", "h2", "span", "strong", "b", "li", "section", "header")
_STANDFIRST_LEAD = 20  # characters of the description a standfirst's first text node starts with
_CUT_MARKS = "…."  # a description cut short ends "…" or "...": compared without them
_LONGEST = 3  # a standfirst runs at most this many times its (maybe shortened) description


def _with_standfirst(tree: lxml_html.HtmlElement, paragraphs: tuple[str, ...]) -> tuple[str, ...]:
    """`paragraphs` after the article's standfirst (the lead set in bigger type under the
    headline) when trafilatura dropped it: its container is often classed "teaser" or "intro",
    or sits in the header beside the headline, outside the body container. The standfirst is
    found as the page element showing the page's description (meta description, og:description)
    before the body's first paragraph; a description no element shows is only for search
    engines and stays out."""
    if not paragraphs:
        return paragraphs
    found_text = _squeezed(" ".join(paragraphs))
    for description in dict.fromkeys(clean_text(d) for d in _DESCRIPTION_META(tree)):
        wanted = _squeezed(description.rstrip(_CUT_MARKS))
        if len(wanted) < _STANDFIRST_LEAD or wanted in found_text:
            continue
        element = _showing(tree, wanted, paragraphs[0])
        if element is not None and not _already_found(element, found_text):
            return (clean_text(_visible_text(element)), *paragraphs)
    return paragraphs


def _showing(
    tree: lxml_html.HtmlElement, wanted: str, first_line: str
) -> lxml_html.HtmlElement | None:
    """The innermost element that shows `wanted` (squeezed; whole, or the start of a longer
    text when the description was cut short), if it comes before `first_line` in the page."""
    lead = wanted[:_STANDFIRST_LEAD]
    first_key = _squeezed(first_line)
    for element in tree.iter(*_STANDFIRST_TAGS):
        own = _squeezed(element.text or "")
        if element.tag == "p" and first_key and _squeezed(_visible_text(element)) == first_key:
            return None  # the body begins before any element showing the description
        if not own or not (own.startswith(lead) or lead.startswith(own)):
            continue
        if any(a.tag in _NOT_TEXT_TAGS or a.tag == "head" for a in element.iterancestors()):
            continue
        text = _squeezed(_visible_text(element))
        if text.startswith(wanted) and len(text) <= _LONGEST * len(wanted):
            return element
    return None


def _lines(text: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (text or "").split("\n") if p.strip())


def _with_sibling_containers(
    tree: lxml_html.HtmlElement, paragraphs: tuple[str, ...]
) -> tuple[str, ...]:
    """`paragraphs` plus the text of the page's other containers of the same kind (same tag
    and class as those holding the paragraphs found), before and after them in page order,
    within the same article: an `<h1>` or `<article>` begins another one."""
    known = {clean_text(p) for p in paragraphs}
    found_text = _squeezed(" ".join(paragraphs))
    found = [p for p in tree.iter("p") if clean_text(_visible_text(p)) in known]
    kinds = {
        (parent.tag, parent.get("class"))
        for parent in (p.getparent() for p in found)
        if parent is not None and parent.get("class")
    }
    if not kinds:
        return paragraphs
    first = found[0]
    before: list[str] = []
    after: list[str] = []
    seen_first = False
    for element in tree.iter("p", "h1", "article"):
        if element is first:
            seen_first = True
        if element.tag != "p":  # another article's headline: pages that scroll on to the next
            if seen_first:
                break
            before.clear()
            continue
        parent = element.getparent()
        if parent is None or (parent.tag, parent.get("class")) not in kinds:
            continue
        text = clean_text(_visible_text(element))
        if not text or text in known or not _article_text(element, text):
            continue
        if _already_found(element, found_text):
            continue
        known.add(text)
        (after if seen_first else before).append(text)
    if _size(before) + _size(after) < _MIN_GAIN * _size(paragraphs):
        return paragraphs
    return (*before, *paragraphs, *after)


def _article_text(element: lxml_html.HtmlElement, text: str) -> bool:
    """Not navigation, a teaser or an advertisement: few links, no such container around."""
    links = sum(len(a.text_content()) for a in element.iter("a"))
    if links > _MAX_LINK_SHARE * len(text):
        return False
    for ancestor in element.iterancestors():
        if ancestor.tag in _OUTSIDE_ARTICLE_TAGS:
            return False
        if _NOT_ARTICLE.search(f"{ancestor.get('class', '')} {ancestor.get('id', '')}"):
            return False
    return True


_NOT_TEXT_TAGS = frozenset({"script", "style", "noscript", "template"})


def _visible_pieces(element: lxml_html.HtmlElement) -> list[str]:
    """The pieces of text a reader sees in the element, between its tags: not the code of a
    `<script>` or `<style>` a page sets inside a paragraph (an embed's loader, "/*! This file
    is auto-generated */ !function(d,l){…")."""
    if any(child.tag in _NOT_TEXT_TAGS for child in element.iterdescendants()):
        element = deepcopy(element)
        etree.strip_elements(element, *_NOT_TEXT_TAGS, with_tail=False)
    return [str(piece) for piece in element.itertext()]


def _visible_text(element: lxml_html.HtmlElement) -> str:
    return "".join(_visible_pieces(element))


def _already_found(element: lxml_html.HtmlElement, found_text: str) -> bool:
    """The paragraph is one the fast pass found, only cut differently: trafilatura breaks
    lines at some inline markup (`<ruby>` readings, `<br>`), so the lines found differ from
    the page's `<p>` although the words are the same. Counted by the paragraph's text pieces
    (between its tags) that were found."""
    pieces = [_squeezed(piece) for piece in _visible_pieces(element)]
    total = sum(len(piece) for piece in pieces)
    covered = sum(len(piece) for piece in pieces if piece and piece in found_text)
    return total > 0 and covered >= _KNOWN_SHARE * total


def _squeezed(text: str) -> str:
    return "".join(text.split())


def _page_paragraph_size(tree: lxml_html.HtmlElement) -> int:
    """Text in the page's <p> elements (`_size`); -1 for a page with more of them than any
    article page has (tens of thousands), where a second extraction pass would take minutes."""
    size = 0
    for count, paragraph in enumerate(tree.iter("p")):
        if count >= _MAX_PARAGRAPHS:
            return -1
        size += _size([_visible_text(paragraph)])
    return size


def _size(paragraphs: tuple[str, ...] | list[str]) -> int:
    """Characters other than white space: an amount of text in any script."""
    return sum(len(_squeezed(p)) for p in paragraphs)
