"""Article fields read from page metadata: dates, summary, authors, tags, language, section."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import htmldate
from lxml import html as lxml_html

from packager.sources import xmlparse
from packager.sources.html.metadata import PageMetadata, ld_text
from packager.sources.html.title import about_the_same
from packager.sources.media import (
    parse_loose_date,
)


def published_date(
    tree: lxml_html.HtmlElement, metadata: PageMetadata, base_url: str
) -> datetime | None:
    """The article's publication date: what the article itself declares, then htmldate.

    A WebPage node's `datePublished` dates the page (a CMS often stamps the page's first
    version there), not the article shown on it: it is not taken before htmldate, which
    weighs it with the page's other dates, only when htmldate finds none.
    """
    for candidate in (
        metadata.article_value("datePublished"),
        metadata.first_meta(
            "article:published_time",
            "og:published_time",
            "og:article:published_time",
            "datepublished",
            "publishdate",
            "pubdate",
            "dc.date.issued",
            "dc.date",
            "dcterms.created",
            "parsely-pub-date",
            "sailthru.date",
            "date",
        ),
        metadata.article_value("dateCreated"),
    ):
        parsed = parse_loose_date(ld_text(candidate))
        if parsed is not None:
            return parsed
    # htmldate's fast mode: its extensive search hands stray text ("Jane DoePublished: March
    # 12, 20") to dateparser, whose first use compiles ~200 locales (1.5-4 s), and on 421
    # corpus pages it found no date the fast mode missed.
    found = htmldate.find_date(
        tree,
        extensive_search=False,
        original_date=True,
        outputformat="%Y-%m-%dT%H:%M:%S",
        url=base_url or None,
    )
    if found:
        return parse_loose_date(found)
    return parse_loose_date(ld_text([p.get("datePublished") for p in metadata.jsonld_pages]))


def modified_date(metadata: PageMetadata) -> datetime | None:
    return parse_loose_date(
        ld_text(metadata.article_value("dateModified"))
        or metadata.first_meta("article:modified_time", "og:updated_time", "dateModified")
    )


def summary_text(metadata: PageMetadata) -> str:
    return (
        ld_text(metadata.article_value("description"))
        or metadata.first_meta("og:description")
        or metadata.first_meta("twitter:description")
        or metadata.first_meta("description", "dc.description")
    )


def author_names(metadata: PageMetadata) -> tuple[str, ...]:
    names: list[str] = []
    value = metadata.article_value("author") or metadata.article_value("creator")
    for item in value if isinstance(value, list) else [value]:
        name = ld_text(item)
        if name:
            names.append(name)
    if not names:
        names = [
            a
            for a in metadata.all_meta("author", "article:author", "dc.creator", "parsely-author")
            if not a.startswith(("http://", "https://"))
        ]
    return tuple(dict.fromkeys(names))


def tag_names(metadata: PageMetadata) -> tuple[str, ...]:
    tags: list[str] = []
    keywords = metadata.article_value("keywords")
    for item in keywords if isinstance(keywords, list) else [keywords]:
        if isinstance(item, str):
            tags.extend(part.strip() for part in item.split(","))
    for value in metadata.all_meta("article:tag", "news_keywords", "keywords"):
        tags.extend(part.strip() for part in value.split(","))
    return tuple(dict.fromkeys(t for t in tags if t))


def language_code(tree: lxml_html.HtmlElement, metadata: PageMetadata) -> str:
    declared = xmlparse.XP_HTML_LANG(tree)
    candidates = [
        ld_text(metadata.article_value("inLanguage")),
        str(declared[0]) if declared else "",
        metadata.first_meta("og:locale", "language", "content-language", "dc.language"),
    ]
    for candidate in candidates:
        if candidate.strip():
            return candidate.strip().replace("_", "-")
    return ""


def section_path(metadata: PageMetadata, title: str) -> tuple[str, ...]:
    for crumbs in metadata.jsonld_breadcrumbs:
        path = _breadcrumb_names(crumbs)
        # The last crumb is often the article itself; the first often "Home".
        if path and about_the_same(path[-1], title):
            path = path[:-1]
        if path and path[0].casefold() in ("home", "homepage", "start", "inicio", "startseite"):
            path = path[1:]
        if path:
            return tuple(path)
    section = metadata.article_value("articleSection")
    sections = section if isinstance(section, list) else [section]
    names = [ld_text(s) for s in sections if ld_text(s)]
    if names:
        return (names[0],)
    meta_section = metadata.first_meta("article:section", "section", "parsely-section")
    return (meta_section,) if meta_section else ()


def _breadcrumb_names(crumbs: dict[str, Any]) -> list[str]:
    elements = crumbs.get("itemListElement")
    if not isinstance(elements, list):
        return []

    def position(element: Any) -> float:
        try:
            return float(element.get("position", 0)) if isinstance(element, dict) else 0.0
        except (TypeError, ValueError):
            return 0.0

    names: list[str] = []
    for element in sorted((e for e in elements if isinstance(e, dict)), key=position):
        name = ld_text(element.get("name")) or ld_text(element.get("item"))
        if name:
            names.append(name)
    return names
