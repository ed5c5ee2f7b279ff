"""What a page says about itself: JSON-LD nodes and meta tags, gathered before deciding."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from lxml import html as lxml_html

from packager.cleantext import clean_text, strip_controls
from packager.sources import xmlparse
from packager.sources.media import (
    resolve_url,
)

# schema.org types that describe the article itself.
ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "reviewnewsarticle",
        "backgroundnewsarticle",
        "askpublicnewsarticle",
        "blogposting",
        "liveblogposting",
        "report",
        "scholarlyarticle",
        "techarticle",
        "socialmediaposting",
    }
)
_WEBPAGE_TYPES = frozenset({"webpage", "itempage", "collectionpage"})
SPACE = re.compile(r"\s+")
T = TypeVar("T")


@dataclass
class PageMetadata:
    """What one page says about itself, gathered before deciding."""

    jsonld_articles: list[dict[str, Any]] = field(default_factory=list)
    jsonld_videos: list[dict[str, Any]] = field(default_factory=list)
    jsonld_images: list[dict[str, Any]] = field(default_factory=list)
    jsonld_breadcrumbs: list[dict[str, Any]] = field(default_factory=list)
    jsonld_pages: list[dict[str, Any]] = field(default_factory=list)
    meta: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def first_meta(self, *names: str) -> str:
        for name in names:
            for value in self.meta.get(name, ()):
                if value.strip():
                    return page_text(value)
        return ""

    def all_meta(self, *names: str) -> list[str]:
        return [page_text(v) for name in names for v in self.meta.get(name, ()) if v.strip()]

    def article_value(self, key: str) -> Any:
        for node in self.jsonld_articles:
            value = node.get(key)
            if value not in (None, "", [], {}):
                return value
        return None


def read_metadata(tree: lxml_html.HtmlElement, origin: str) -> PageMetadata:
    metadata = PageMetadata()
    for number, script in enumerate(xmlparse.XP_JSONLD(tree), start=1):
        data = _load_jsonld(script.text or "")
        if data is None:
            metadata.warnings.append(
                f"JSON-LD script {number} is not valid JSON; skipped it, read the others"
            )
            continue
        for node, nested in _jsonld_nodes(data):
            types = _types(node)
            if types & ARTICLE_TYPES:
                metadata.jsonld_articles.append(node)
            if "videoobject" in types:
                metadata.jsonld_videos.append(node)
            if "imageobject" in types and not nested:
                metadata.jsonld_images.append(node)
            if "breadcrumblist" in types:
                metadata.jsonld_breadcrumbs.append(node)
            if types & _WEBPAGE_TYPES:
                metadata.jsonld_pages.append(node)
    for element in xmlparse.XP_META(tree):
        keys = element.get("property") or element.get("name") or element.get("itemprop") or ""
        # RDFa's `property` and microdata's `itemprop` may name several terms at once:
        # <meta property="og:title twitter:title" content="...">.
        for key in dict.fromkeys(keys.lower().split()):
            metadata.meta.setdefault(key, []).append(element.get("content") or "")
    return metadata


def _load_jsonld(text: str) -> Any:
    text = text.strip()
    # Some CMSs wrap JSON-LD in HTML comments or CDATA markers.
    text = re.sub(r"^\s*(?:<!--|//\s*<!\[CDATA\[|<!\[CDATA\[)", "", text)
    text = re.sub(r"(?:-->|//\s*\]\]>|\]\]>)\s*$", "", text).strip()
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        pass
    # Common authoring slips: raw control characters and trailing commas.
    repaired = re.sub(r"[\x00-\x1f]+", " ", text)
    repaired = re.sub(r",\s*([}\]])", r"\1", repaired)
    try:
        return json.loads(repaired)
    except ValueError:
        return None


def _jsonld_nodes(
    data: Any, depth: int = 0, nested: bool = False
) -> Iterator[tuple[dict[str, Any], bool]]:
    """Every typed object in a JSON-LD document: top level, lists, `@graph`, nested values.

    Yields (node, nested): `nested` is true for objects found as a property of another
    (a publisher's logo, an author's photo) rather than at the top level or in `@graph`.
    """
    if depth > 6:
        return
    if isinstance(data, list):
        for item in data:
            yield from _jsonld_nodes(item, depth + 1, nested)
    elif isinstance(data, dict):
        if "@type" in data:
            yield data, nested
        for key, value in data.items():
            if key == "@graph":
                yield from _jsonld_nodes(value, depth + 1, nested)
            elif isinstance(value, dict | list) and key != "@context":
                yield from _jsonld_nodes(value, depth + 1, True)


def _types(node: dict[str, Any]) -> set[str]:
    value = node.get("@type", ())
    values = value if isinstance(value, list) else [value]
    return {str(v).rsplit("/", 1)[-1].lower() for v in values if isinstance(v, str)}


def ld_text(value: Any) -> str:
    """A plain string from a JSON-LD value that may be a string, list, or `{"name": ...}`."""
    if isinstance(value, str):
        return page_text(value)
    if isinstance(value, list):
        for item in value:
            text = ld_text(item)
            if text:
                return text
        return ""
    if isinstance(value, dict):
        for key in ("name", "@value", "text", "headline"):
            if isinstance(value.get(key), str):
                return page_text(value[key])
    return ""


def page_text(text: str) -> str:
    """Text from a page (an attribute, an element's content, a JSON-LD string) for display:
    entities decoded, controls and escapes stripped, spaces single (see `clean_text`)."""
    text = strip_controls(text)
    if "&" in text:
        text = lxml_html.fromstring(f"<p>{text}</p>").text_content()
    return clean_text(text)


# -- fields ------------------------------------------------------------------------------------


def canonical_url(tree: lxml_html.HtmlElement, metadata: PageMetadata, base_url: str) -> str:
    for link in xmlparse.XP_CANONICAL(tree):
        if "canonical" in (link.get("rel") or "").lower().split():
            url = resolve_url(link.get("href", ""), base_url)
            if url.startswith(("http://", "https://")):
                return url
    for candidate in (
        metadata.first_meta("og:url"),
        ld_text(metadata.article_value("url")),
        url_of(metadata.article_value("mainEntityOfPage")),
    ):
        url = resolve_url(candidate, base_url)
        if url.startswith(("http://", "https://")):
            return url
    return base_url


def url_of(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        for key in ("@id", "url", "contentUrl"):
            if isinstance(value.get(key), str):
                return str(value[key])
    if isinstance(value, list) and value:
        return url_of(value[0])
    return ""


def most_agreed(
    candidates: Sequence[T],
    same: Callable[[T, T], bool] | None = None,
    *,
    key: Callable[[T], Hashable] | None = None,
) -> T:
    """The candidate that agrees with the most others; earlier wins a tie.

    Candidates are what independent sources say about one fact, most trusted first. They
    agree when `same` says so, or (linear time, for long lists) when their `key`s are equal.
    Raises ValueError when there are none.
    """
    if not candidates:
        raise ValueError("no candidates")
    if key is not None:
        keys = [key(candidate) for candidate in candidates]
        counts = Counter(keys)
        votes = [counts[k] for k in keys]
    else:
        assert same is not None, "give `same` or `key`"
        votes = [sum(same(c, other) for other in candidates) for c in candidates]
    return candidates[votes.index(max(votes))]
