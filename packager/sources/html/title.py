"""The article's headline, chosen among the page's own title sources by their agreement."""

from __future__ import annotations

import re
from itertools import chain

from lxml import html as lxml_html

from packager.sources import xmlparse
from packager.sources.html.encoding import decode_html
from packager.sources.html.metadata import (
    PageMetadata,
    ld_text,
    most_agreed,
    page_text,
    read_metadata,
)

_TITLE_SEPARATORS = re.compile(r"\s+[|–—\-·•»]\s+|:\s+")
_MAX_TITLE_CHARS = 1000
_MAX_TITLE_PARTS = 8
_MAX_HEADLINES = 20  # <h1> elements considered: the headline is near the top


def title_sources(content: bytes, *, origin: str, charset: str = "") -> dict[str, str]:
    """What each of a page's own sources names as its title (see `page_title_sources`)."""
    tree = xmlparse.parse_html(decode_html(content, charset), origin=origin)
    return page_title_sources(tree, read_metadata(tree, origin))


def page_title_sources(tree: lxml_html.HtmlElement, metadata: PageMetadata) -> dict[str, str]:
    """Source name → the title it gives ("" where it gives none), most trusted first."""
    site_name = metadata.first_meta("og:site_name", "application-name")
    title_elements = xmlparse.XP_TITLE(tree)
    sources = {
        "jsonld-headline": ld_text(metadata.article_value("headline")),
        "jsonld-name": ld_text(metadata.article_value("name")),
        "og:title": metadata.first_meta("og:title"),
        "twitter:title": metadata.first_meta("twitter:title"),
        "meta-title": metadata.first_meta(
            "title",
            "dc.title",
            "dc:title",
            "dcterms.title",
            "dcterms:title",
            "sailthru.title",
            "parsely-title",
        ),
        "h1": "",
        "<title>": _strip_site_name(
            page_text(title_elements[0].text_content()) if title_elements else "", site_name
        ),
    }
    # Of several <h1> (site name, section, the headline), the one the others agree with.
    others = [title for title in sources.values() if title]
    # Text of an <h1>'s elements joined with spaces: a kicker and a headline in two <span>s
    # must not run together ("Ahrtal-FlutZwei").
    headlines = [
        h
        for h in (page_text(" ".join(e.itertext())) for e in xmlparse.XP_H1(tree)[:_MAX_HEADLINES])
        if h
    ]
    headline = max(headlines, key=lambda h: sum(same_title(h, c) for c in others), default="")
    sources["h1"] = headline
    page_title = sources["<title>"]
    if headline and page_title and not same_title(headline, page_title):
        # An <h1> that is only the edge of the <title> is the site's or the section's name
        # ("Headline | Site", "Section: Headline"): the rest is the page's title.
        sources["<title>"] = _strip_site_name(page_title, headline)
    return sources


def choose_title(sources: dict[str, str], site_name: str = "") -> str:
    """The article's headline as readers see it, confirmed by the page's own metadata.

    Structured data, sharing metadata and the page each name a title, and they often differ
    (a headline rewritten for search or social, a site name appended, an old title left in
    one place). The visible `<h1>` is the headline when another source confirms it (an `<h1>`
    can also be a site or section name); otherwise the title most sources agree on wins, a
    tie going to the most trusted source. A confirmed headline is given in the publisher's
    sharing form when that is the same headline made whole (see `_sharing_form`).
    """
    headline = sources["h1"]
    others = [title for name, title in sources.items() if title and name != "h1"]
    if headline and any(same_title(headline, other) for other in others):
        return _sharing_form(headline, sources, site_name)
    # An <h1> nothing confirms is likely a logo or a section name: it only counts alone.
    candidates = others or [headline]
    return most_agreed(candidates, same_title) if any(candidates) else ""


_SHARING_SOURCES = ("og:title", "twitter:title", "jsonld-headline")
_MAX_KICKER_WORDS = 6
_SEPARATION = re.compile(r"[\s:;,.|–—-]+")
_KICKER = re.compile(r"^(?P<kicker>[^:|]{2,80}?):\s+(?P<rest>.+)$")


def _sharing_form(headline: str, sources: dict[str, str], site_name: str) -> str:
    """The title the publisher gives for sharing, when it is the visible headline made whole:

    * the same words with the punctuation the page's markup lost (a headline set in two
      elements, "Ausschuss zur Ahrtal-Flut" and "Zwei Rücktritte", reads without its colon);
    * the headline after a short kicker the page shows apart from it ("Nach Gaetz-Rückzug:
      Trump nominiert Bondi"), which a TV tile, shown without the page, needs.

    Otherwise the headline itself.
    """
    for name in _SHARING_SOURCES:
        shared = sources.get(name, "")
        if not shared or shared == headline:
            continue
        if _SEPARATION.sub("", shared) == _SEPARATION.sub("", headline):
            return shared  # only spaces and separators differ: the markup lost them
        kicked = _KICKER.match(shared)
        if kicked is None or _tokens(kicked.group("rest")) != _tokens(headline):
            continue
        kicker = _tokens(kicked.group("kicker"))
        if len(kicker) <= _MAX_KICKER_WORDS and kicker != _tokens(site_name):
            return shared
    return headline


def same_title(a: str, b: str) -> bool:
    """The same headline: the same words, or one is a run of the separated parts of the other
    that holds at least half its words ("Title | Site", "Section: Title | Site"; but not
    "Site" or "Section" alone, which a logo or section `<h1>` would be)."""
    if max(len(a), len(b)) > _MAX_TITLE_CHARS:  # not a title (or a hostile page)
        return False
    ta, tb = _tokens(a), _tokens(b)
    if not ta or not tb:
        return False
    if ta == tb:
        return True
    short, long_text = (ta, b) if len(ta) < len(tb) else (tb, a)
    parts = [_tokens(part) for part in _TITLE_SEPARATORS.split(long_text, _MAX_TITLE_PARTS)]
    if 2 * len(short) < sum(len(part) for part in parts):
        return False
    return any(
        short == list(chain.from_iterable(parts[i:j]))
        for i in range(len(parts))
        for j in range(i + 1, len(parts) + 1)
    )


def about_the_same(a: str, b: str) -> bool:
    """Most words of the shorter text are in the other (a shortened or reworded title)."""
    ta, tb = set(_tokens(a)), set(_tokens(b))
    if not ta or not tb:
        return False
    overlap = len(ta & tb)
    return overlap / min(len(ta), len(tb)) >= 0.8 and overlap >= min(3, len(ta))


def _tokens(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def _strip_site_name(title: str, site_name: str) -> str:
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) > 1:
        if site_name and _tokens(parts[-1]) == _tokens(site_name):
            return " - ".join(parts[:-1]).strip()
        if site_name and _tokens(parts[0]) == _tokens(site_name):
            return " - ".join(parts[1:]).strip()
    return title
