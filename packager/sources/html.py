"""Article web pages → `Article`: structured metadata first, trafilatura for the body text.

Metadata is read in order of trust: JSON-LD (each script on its own), Open Graph, Twitter
cards, other meta tags, then the page itself (headline, `<title>`, figures, `<video>`).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlsplit

import htmldate
import trafilatura
from lxml import html as lxml_html

from packager.errors import SourceError
from packager.ids import stable_id
from packager.model import Article, Image, Video
from packager.sources import xmlparse
from packager.sources.media import (
    detect_video_type,
    largest_srcset,
    parse_datetime,
    parse_duration,
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
_LAZY_SRC_ATTRIBUTES = ("data-src", "data-lazy-src", "data-original", "data-url", "src")
_LAZY_SRCSET_ATTRIBUTES = ("data-srcset", "data-lazy-srcset", "srcset")
_CREDIT_CLASS = re.compile(r"credit|copyright|byline|source|author|photographer", re.IGNORECASE)
_CAPTION_CLASS = re.compile(r"caption|legend", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_TITLE_SEPARATORS = re.compile(r"\s+[|–—\-·•»]\s+|:\s+")
T = TypeVar("T")
_MAX_TITLE_CHARS = 1000
_MAX_TITLE_PARTS = 8
_MAX_HEADLINES = 20  # <h1> elements considered: the headline is near the top
_MAX_CAPTION_CHARS = 2000
_MAX_CREDIT_PARTS = 5
_BLOCK_TEXT = 200  # characters besides its caption a picture block may hold (a credit)
_TINY = 80  # pixels: icons, spacers and tracking pixels are not article pictures


@dataclass
class _Metadata:
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
                    return _clean(value)
        return ""

    def all_meta(self, *names: str) -> list[str]:
        return [_clean(v) for name in names for v in self.meta.get(name, ()) if v.strip()]

    def article_value(self, key: str) -> Any:
        for node in self.jsonld_articles:
            value = node.get(key)
            if value not in (None, "", [], {}):
                return value
        return None


def extract_html_article(
    content: bytes,
    *,
    origin: str,
    base_url: str = "",
    charset: str = "",
    fallback_title: str = "",
) -> Article:
    """Read one article page (bytes as fetched or saved) into an `Article`.

    `origin` names the page in messages; `base_url` resolves relative links (the fetched URL,
    or the canonical URL of a saved page); `charset` is the one the server declared, used
    when the page itself declares none; `fallback_title` (a feed item's title) is used when
    the page has no title of its own.

    Raises SourceError when the bytes are not an HTML page or carry no title at all.
    """
    if b"\x00" in content[:4096] and not content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SourceError(
            f"cannot read page {origin}: it is binary data, not an HTML page",
            location=origin,
            hint="check that the URL or file is an article web page",
        )
    document = decode_html(content, charset)
    tree = xmlparse.parse_html(document, origin=origin)
    metadata = _read_metadata(tree, origin)
    canonical = _canonical_url(tree, metadata, base_url)
    link_base = canonical or base_url
    own_title = _title(_title_sources(tree, metadata))
    body = _body(tree, link_base)
    # A feed's title only stands in for a page that is otherwise an article.
    title = own_title or (fallback_title.strip() if body else "")
    if not title:
        raise SourceError(
            f"cannot read page {origin}: no title found (no JSON-LD headline, og:title, "
            "<h1> or <title>)",
            location=origin,
            hint="check that this is an article page; an index or error page has no headline",
        )
    warnings = metadata.warnings
    published = _published(tree, metadata, link_base)
    if published is None:
        warnings.append("no publication date found in JSON-LD, meta tags or the page")
    body = _without_headline(body, title)
    if not body:
        warnings.append("no article body text found")
    return Article(
        id=stable_id(url=canonical, fallback=origin),
        title=title,
        origin=origin,
        url=canonical,
        section_path=_section_path(metadata, title),
        summary=_summary(metadata),
        body=body,
        published=published,
        modified=_modified(metadata),
        authors=_authors(metadata),
        tags=_tags(metadata),
        language=_language(tree, metadata),
        images=_images(tree, metadata, link_base),
        videos=_videos(tree, metadata, link_base),
        warnings=tuple(warnings),
    )


_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def decode_html(content: bytes, charset: str = "") -> str:
    """The page as text, choosing the encoding as browsers do (WHATWG "HTML" §13.2.3.2).

    BOM, then the charset the server declared, then the page's own `<meta charset>`, then
    UTF-8 if the bytes decode cleanly, else Windows-1252.
    """
    for bom, encoding in _BOMS:
        if content.startswith(bom):
            return content[len(bom) :].decode(encoding, errors="replace")
    declared = _META_CHARSET.search(content[:16384])
    candidates = [charset, declared.group(1).decode("ascii").lower() if declared else ""]
    for encoding in candidates:
        if not encoding:
            continue
        # Browsers read ISO-8859-1 and ASCII labels as Windows-1252 (WHATWG Encoding).
        if encoding in ("iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"):
            encoding = "cp1252"
        try:
            return content.decode(encoding, errors="replace")
        except LookupError:
            continue
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


# -- metadata gathering ------------------------------------------------------------------------


def _read_metadata(tree: lxml_html.HtmlElement, origin: str) -> _Metadata:
    metadata = _Metadata()
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
        key = element.get("property") or element.get("name") or element.get("itemprop") or ""
        key = key.strip().lower()
        if key:
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


def _text(value: Any) -> str:
    """A plain string from a JSON-LD value that may be a string, list, or `{"name": ...}`."""
    if isinstance(value, str):
        return _clean(value)
    if isinstance(value, list):
        for item in value:
            text = _text(item)
            if text:
                return text
        return ""
    if isinstance(value, dict):
        for key in ("name", "@value", "text", "headline"):
            if isinstance(value.get(key), str):
                return _clean(value[key])
    return ""


def _clean(text: str) -> str:
    text = lxml_html.fromstring(f"<p>{text}</p>").text_content() if "&" in text else text
    return _SPACE.sub(" ", text).strip()


# -- fields ------------------------------------------------------------------------------------


def _canonical_url(tree: lxml_html.HtmlElement, metadata: _Metadata, base_url: str) -> str:
    for link in xmlparse.XP_CANONICAL(tree):
        if "canonical" in (link.get("rel") or "").lower().split():
            url = resolve_url(link.get("href", ""), base_url)
            if url.startswith(("http://", "https://")):
                return url
    for candidate in (
        metadata.first_meta("og:url"),
        _text(metadata.article_value("url")),
        _url_of(metadata.article_value("mainEntityOfPage")),
    ):
        url = resolve_url(candidate, base_url)
        if url.startswith(("http://", "https://")):
            return url
    return base_url


def _url_of(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        for key in ("@id", "url", "contentUrl"):
            if isinstance(value.get(key), str):
                return str(value[key])
    if isinstance(value, list) and value:
        return _url_of(value[0])
    return ""


def title_sources(content: bytes, *, origin: str, charset: str = "") -> dict[str, str]:
    """What each of a page's own sources names as its title (see `_title_sources`)."""
    tree = xmlparse.parse_html(decode_html(content, charset), origin=origin)
    return _title_sources(tree, _read_metadata(tree, origin))


def _title_sources(tree: lxml_html.HtmlElement, metadata: _Metadata) -> dict[str, str]:
    """Source name → the title it gives ("" where it gives none), most trusted first."""
    site_name = metadata.first_meta("og:site_name", "application-name")
    title_elements = xmlparse.XP_TITLE(tree)
    sources = {
        "jsonld-headline": _text(metadata.article_value("headline")),
        "jsonld-name": _text(metadata.article_value("name")),
        "og:title": metadata.first_meta("og:title"),
        "twitter:title": metadata.first_meta("twitter:title"),
        "meta-title": metadata.first_meta("title", "dc.title", "sailthru.title", "parsely-title"),
        "h1": "",
        "<title>": _strip_site_name(
            _clean(title_elements[0].text_content()) if title_elements else "", site_name
        ),
    }
    # Of several <h1> (site name, section, the headline), the one the others agree with.
    others = [title for title in sources.values() if title]
    headlines = [
        h for h in (_clean(e.text_content()) for e in xmlparse.XP_H1(tree)[:_MAX_HEADLINES]) if h
    ]
    headline = max(headlines, key=lambda h: sum(same_title(h, c) for c in others), default="")
    sources["h1"] = headline
    page_title = sources["<title>"]
    if headline and page_title and not same_title(headline, page_title):
        # An <h1> that is only the edge of the <title> is the site's or the section's name
        # ("Headline | Site", "Section: Headline"): the rest is the page's title.
        sources["<title>"] = _strip_site_name(page_title, headline)
    return sources


def _title(sources: dict[str, str]) -> str:
    """The article's headline as readers see it, confirmed by the page's own metadata.

    Structured data, sharing metadata and the page each name a title, and they often differ
    (a headline rewritten for search or social, a site name appended, an old title left in
    one place). The visible `<h1>` is the headline when another source confirms it (an `<h1>`
    can also be a site or section name); otherwise the title most sources agree on wins, a
    tie going to the most trusted source.
    """
    headline = sources["h1"]
    others = [title for name, title in sources.items() if title and name != "h1"]
    if headline and any(same_title(headline, other) for other in others):
        return headline
    # An <h1> nothing confirms is likely a logo or a section name: it only counts alone.
    candidates = others or [headline]
    return most_agreed(candidates, same_title) if any(candidates) else ""


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


def _about_the_same(a: str, b: str) -> bool:
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


def _published(tree: lxml_html.HtmlElement, metadata: _Metadata, base_url: str) -> datetime | None:
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
        parsed = parse_datetime(_text(candidate))
        if parsed is not None:
            return parsed
    found = htmldate.find_date(
        tree,
        extensive_search=True,
        original_date=True,
        outputformat="%Y-%m-%dT%H:%M:%S",
        url=base_url or None,
    )
    if found:
        return parse_datetime(found)
    return parse_datetime(_text([p.get("datePublished") for p in metadata.jsonld_pages]))


def _modified(metadata: _Metadata) -> datetime | None:
    return parse_datetime(
        _text(metadata.article_value("dateModified"))
        or metadata.first_meta("article:modified_time", "og:updated_time", "dateModified")
    )


def _summary(metadata: _Metadata) -> str:
    return (
        _text(metadata.article_value("description"))
        or metadata.first_meta("og:description")
        or metadata.first_meta("twitter:description")
        or metadata.first_meta("description", "dc.description")
    )


def _authors(metadata: _Metadata) -> tuple[str, ...]:
    names: list[str] = []
    value = metadata.article_value("author") or metadata.article_value("creator")
    for item in value if isinstance(value, list) else [value]:
        name = _text(item)
        if name:
            names.append(name)
    if not names:
        names = [
            a
            for a in metadata.all_meta("author", "article:author", "dc.creator", "parsely-author")
            if not a.startswith(("http://", "https://"))
        ]
    return tuple(dict.fromkeys(names))


def _tags(metadata: _Metadata) -> tuple[str, ...]:
    tags: list[str] = []
    keywords = metadata.article_value("keywords")
    for item in keywords if isinstance(keywords, list) else [keywords]:
        if isinstance(item, str):
            tags.extend(part.strip() for part in item.split(","))
    for value in metadata.all_meta("article:tag", "news_keywords", "keywords"):
        tags.extend(part.strip() for part in value.split(","))
    return tuple(dict.fromkeys(t for t in tags if t))


def _language(tree: lxml_html.HtmlElement, metadata: _Metadata) -> str:
    declared = xmlparse.XP_HTML_LANG(tree)
    candidates = [
        _text(metadata.article_value("inLanguage")),
        str(declared[0]) if declared else "",
        metadata.first_meta("og:locale", "language", "content-language", "dc.language"),
    ]
    for candidate in candidates:
        if candidate.strip():
            return candidate.strip().replace("_", "-")
    return ""


def _section_path(metadata: _Metadata, title: str) -> tuple[str, ...]:
    for crumbs in metadata.jsonld_breadcrumbs:
        path = _breadcrumb_names(crumbs)
        # The last crumb is often the article itself; the first often "Home".
        if path and _about_the_same(path[-1], title):
            path = path[:-1]
        if path and path[0].casefold() in ("home", "homepage", "start", "inicio", "startseite"):
            path = path[1:]
        if path:
            return tuple(path)
    section = metadata.article_value("articleSection")
    sections = section if isinstance(section, list) else [section]
    names = [_text(s) for s in sections if _text(s)]
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
        name = _text(element.get("name")) or _text(element.get("item"))
        if name:
            names.append(name)
    return names


def _without_headline(body: tuple[str, ...], title: str) -> tuple[str, ...]:
    """The body without a leading copy of the headline (trafilatura keeps the page's <h1>)."""
    folded = " ".join(title.split()).casefold()
    while body and " ".join(body[0].split()).casefold() == folded:
        body = body[1:]
    return body


def _body(tree: lxml_html.HtmlElement, base_url: str) -> tuple[str, ...]:
    text = trafilatura.extract(
        tree,
        url=base_url or None,
        include_comments=False,
        include_tables=False,
        output_format="txt",
        deduplicate=False,
        fast=True,
    )
    if not text:
        return ()
    return tuple(p.strip() for p in text.split("\n") if p.strip())


# -- images ------------------------------------------------------------------------------------


@dataclass
class _ImageFound:
    url: str
    caption: str = ""
    credit: str = ""
    alt: str = ""


def _media_key(url: str) -> str:
    # The same file is often linked with different sizes in the query, or another scheme.
    return re.sub(r"^https?://", "", url.split("?", 1)[0].split("#", 1)[0]).rstrip("/").lower()


_SIZE_SEGMENT = re.compile(r"^(?:\d{2,}x\d{2,}|[whq]_?\d{2,})$", re.IGNORECASE)
_RENDITION_SUFFIX = re.compile(
    r"(?:[-_](?:\d{2,}x\d{2,}|scaled|w\d{2,}(?:_h\d{2,})?))+(?=\.[a-z0-9]+$)", re.IGNORECASE
)
_IMAGE_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp|avif|bmp|tiff?)$", re.IGNORECASE)
_WRAPPER_PARAMETERS = ("url", "img", "image", "src")
_MAX_WRAPPING = 3  # a resizer wrapping a resizer wrapping the original, at most


def _wrapped_image(query: str) -> str:
    """The image a resizing service's query names (`url=…/photo.jpg`), or ""."""
    for name, value in parse_qsl(query):
        if name.lower() in _WRAPPER_PARAMETERS and _IMAGE_FILE.search(
            value.split("?", 1)[0].split("#", 1)[0]
        ):
            return value
    return ""


def _picture_key(url: str) -> str:
    """One picture whatever its rendition: the host and path without the sizes CMSs and CDNs
    add ("/1200x630/", "-1600x900.jpg", "-scaled.jpg", "_w1080_h608", a `?width=` query), or
    the original image a resizing service wraps in its query (`?url=…/photo.jpg`)."""
    for _ in range(_MAX_WRAPPING + 1):
        try:
            parts = urlsplit(url.strip())
            wrapped = _wrapped_image(parts.query)
        except ValueError:  # not a URL urllib can read ("http://[oops/a.jpg")
            return _media_key(url)
        if not wrapped:
            break
        url = wrapped if "//" in wrapped else f"//{parts.netloc}/{wrapped.lstrip('/')}"
    host = (parts.hostname or "").removeprefix("www.")
    segments = [s for s in parts.path.lower().split("/") if s and not _SIZE_SEGMENT.match(s)]
    if segments:
        segments[-1] = _RENDITION_SUFFIX.sub("", segments[-1])
    key = host + "/" + "/".join(segments)
    if not _IMAGE_FILE.search(parts.path):
        # A script ("photo.php?id=1", an image API): the query says which picture it is.
        key += "?" + "&".join(sorted(parts.query.split("&")))
    return key


def _images(tree: lxml_html.HtmlElement, metadata: _Metadata, base_url: str) -> tuple[Image, ...]:
    # What the publisher declares for the article, in order of trust. JSON-LD often lists
    # several crops of the lead picture; the one the other declarations agree on leads.
    found = list(_declared_images(metadata, base_url))
    if found:
        lead = most_agreed(found, key=lambda image: _picture_key(image.url))
        found.remove(lead)
        found.insert(0, lead)
    found.extend(_figure_images(tree, base_url))
    merged: dict[str, _ImageFound] = {}
    for image in found:
        key = _picture_key(image.url)
        if key in merged:
            kept = merged[key]
            kept.caption = kept.caption or image.caption
            kept.credit = kept.credit or image.credit
            kept.alt = kept.alt or image.alt
        else:
            merged[key] = image
    return tuple(
        Image(location=i.url, caption=i.caption, credit=i.credit, alt=i.alt)
        for i in merged.values()
    )


def _declared_images(metadata: _Metadata, base_url: str) -> Iterator[_ImageFound]:
    for value in (metadata.article_value("image"), metadata.article_value("thumbnailUrl")):
        yield from _jsonld_images(value, base_url)
    for url in (
        metadata.first_meta("og:image:secure_url", "og:image:url", "og:image"),
        metadata.first_meta("twitter:image", "twitter:image:src"),
    ):
        resolved = resolve_url(url, base_url)
        if resolved:
            yield _ImageFound(resolved, alt=metadata.first_meta("og:image:alt"))
    for node in metadata.jsonld_images:
        yield from _jsonld_images(node, base_url)


def _jsonld_images(value: Any, base_url: str) -> Iterator[_ImageFound]:
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, str):
            url = resolve_url(item, base_url)
            if url:
                yield _ImageFound(url)
        elif isinstance(item, dict):
            url = resolve_url(_url_of(item.get("url") or item.get("contentUrl")), base_url)
            if not url:
                continue
            credit = (
                _text(item.get("creditText"))
                or _text(item.get("copyrightHolder"))
                or _text(item.get("author"))
                or _text(item.get("creator"))
            )
            # schema.org's `caption`; many CMSs put it in `description`.
            caption = _text(item.get("caption")) or _text(item.get("description"))
            yield _ImageFound(url, caption=caption, credit=credit)


def _figure_images(tree: lxml_html.HtmlElement, base_url: str) -> Iterator[_ImageFound]:
    """Pictures with their captions: each `<figure>`, then each element with a caption class
    ("caption", "legend") outside figures, with the one picture of its container."""
    for figure in xmlparse.XP_FIGURES(tree):
        caption_element = next(iter(xmlparse.XP_FIGCAPTION(figure)), None)
        if caption_element is None:
            caption_element = _captioned_descendant(figure, _CAPTION_CLASS)
        caption, credit = _caption_and_credit(caption_element)
        if not credit:
            credit_element = _captioned_descendant(figure, _CREDIT_CLASS, outside=caption_element)
            credit = _clean(credit_element.text_content()) if credit_element is not None else ""
        for element in xmlparse.XP_FIG_IMG(figure):
            url = _element_image_url(element, base_url)
            if url:
                if not _links_elsewhere(element, base_url):  # else a teaser of another page
                    yield _ImageFound(
                        url, caption=caption, credit=credit, alt=_clean(element.get("alt", ""))
                    )
                break
    for caption_element in xmlparse.XP_CLASSED_OUTSIDE_FIGURES(tree):
        if not _CAPTION_CLASS.search(caption_element.get("class", "")):
            continue
        found = _container_picture(caption_element, base_url)
        if found is not None:
            caption, credit = _caption_and_credit(caption_element)
            if caption:
                yield _ImageFound(found[0], caption=caption, credit=credit, alt=found[1])


def _links_elsewhere(element: lxml_html.HtmlElement, base_url: str) -> bool:
    """Whether the picture is a link to another page (a teaser), not to an image (a lightbox,
    perhaps through a resizer) or to this page and what lies under it (an attachment page)."""
    page = base_url.split("#", 1)[0].split("?", 1)[0].rstrip("/")
    for ancestor in element.iterancestors("a"):
        href = (ancestor.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:")):
            continue
        target = resolve_url(href, base_url).split("#", 1)[0]
        path, _, query = target.partition("?")
        if _IMAGE_FILE.search(path) or _wrapped_image(query):
            continue  # an image file, or a resizer wrapping one
        if page and (path.rstrip("/") == page or path.startswith(page + "/")):
            continue
        return True
    return False


def _captioned_descendant(
    root: lxml_html.HtmlElement,
    pattern: re.Pattern[str],
    outside: lxml_html.HtmlElement | None = None,
) -> lxml_html.HtmlElement | None:
    """The first element under `root` (not inside `outside`) whose class matches `pattern`."""
    for element in root.iterdescendants():
        if not isinstance(element.tag, str) or not pattern.search(element.get("class", "")):
            continue
        if outside is not None and (element is outside or outside in element.iterancestors()):
            continue
        if _clean(element.text_content()):
            return element
    return None


def _container_picture(caption: lxml_html.HtmlElement, base_url: str) -> tuple[str, str] | None:
    """(URL, alt) of the one picture in the caption's container (its parent, else its
    grandparent), or None when there is none or several (a gallery's captions cannot be
    matched to pictures by position), or when the container holds more than a picture and
    its caption (it is the article, not a picture block)."""
    own_text = _text_length(caption, _MAX_CAPTION_CHARS)
    if own_text >= _MAX_CAPTION_CHARS:
        return None  # not a caption
    container = caption.getparent()
    for _ in range(2):
        if container is None:
            return None
        if _text_length(container, own_text + _BLOCK_TEXT + 1) > own_text + _BLOCK_TEXT:
            return None
        if xmlparse.XP_OTHER_MEDIA(container):
            return None  # the caption may be the video's or the embed's
        pictures: dict[str, tuple[str, str]] = {}
        for element in xmlparse.XP_FIG_IMG(container):
            url = _element_image_url(element, base_url)
            if url and _links_elsewhere(element, base_url):
                return None  # a teaser of another page
            if url:  # a lazy <img> and its <noscript> copy are one picture
                pictures.setdefault(_picture_key(url), (url, _clean(element.get("alt", ""))))
        if len(pictures) == 1:
            return next(iter(pictures.values()))
        if pictures:
            return None
        container = container.getparent()
    return None


def _text_length(element: lxml_html.HtmlElement, limit: int) -> int:
    """The length of an element's text without runs of whitespace, counted only up to `limit`
    (so asking of a large container costs no more than the limit)."""
    total = 0
    for piece in element.itertext():
        total += len(_SPACE.sub(" ", piece).strip())
        if total >= limit:
            return limit
    return total


def _element_image_url(element: lxml_html.HtmlElement, base_url: str) -> str:
    for attribute in ("width", "height"):
        value = element.get(attribute, "")
        if value.isdigit() and int(value) < _TINY:
            return ""
    for attribute in _LAZY_SRCSET_ATTRIBUTES:
        url = largest_srcset(element.get(attribute, ""), base_url)
        if url:
            return url
    for attribute in _LAZY_SRC_ATTRIBUTES:
        url = resolve_url(element.get(attribute, ""), base_url)
        if url and not url.lower().endswith(".svg"):
            return url
    return ""


def _caption_and_credit(caption: lxml_html.HtmlElement | None) -> tuple[str, str]:
    if caption is None:
        return "", ""
    credit_parts: dict[str, None] = {}  # in order, once each
    for element in caption.iter():
        if element is caption or not isinstance(element.tag, str):
            continue
        if _CREDIT_CLASS.search(element.get("class", "")) or element.tag in ("small", "cite"):
            text = _clean(element.text_content())
            if text:
                credit_parts[text] = None
                if len(credit_parts) >= _MAX_CREDIT_PARTS:
                    break
    full = _clean(caption.text_content())
    text = full
    for part in credit_parts:
        text = text.replace(part, " ")
    return _SPACE.sub(" ", text).strip(" |-–—"), " ".join(credit_parts)


# -- videos ------------------------------------------------------------------------------------


def _videos(tree: lxml_html.HtmlElement, metadata: _Metadata, base_url: str) -> tuple[Video, ...]:
    videos: dict[str, Video] = {}

    def add(video: Video) -> None:
        videos.setdefault(_media_key(video.location), video)

    for node in metadata.jsonld_videos:
        video = _jsonld_video(node, base_url)
        if video is not None:
            add(video)
    og_url = metadata.first_meta("og:video:secure_url", "og:video:url", "og:video")
    if og_url:
        url = resolve_url(og_url, base_url)
        video_type = detect_video_type(url, metadata.first_meta("og:video:type"))
        if url and video_type:
            add(
                Video(
                    location=url,
                    video_type=video_type,
                    width=_int(metadata.first_meta("og:video:width")),
                    height=_int(metadata.first_meta("og:video:height")),
                    thumbnail=resolve_url(metadata.first_meta("og:image"), base_url),
                )
            )
    for element in xmlparse.XP_VIDEOS(tree):
        for video in _html_videos(element, base_url):
            add(video)
    return tuple(videos.values())


def _jsonld_video(node: dict[str, Any], base_url: str) -> Video | None:
    for key in ("contentUrl", "embedUrl", "url"):
        url = resolve_url(_url_of(node.get(key)), base_url)
        video_type = detect_video_type(url, _text(node.get("encodingFormat")))
        if url and video_type:
            break
    else:
        return None
    thumbnails = list(_jsonld_images(node.get("thumbnailUrl") or node.get("thumbnail"), base_url))
    return Video(
        location=url,
        video_type=video_type,
        duration_seconds=parse_duration(node.get("duration")),
        width=_int(node.get("width")),
        height=_int(node.get("height")),
        bitrate_kbps=_int(re.sub(r"\D", "", _text(node.get("bitrate")))),
        thumbnail=thumbnails[0].url if thumbnails else "",
    )


def _html_videos(element: lxml_html.HtmlElement, base_url: str) -> Iterable[Video]:
    poster = resolve_url(element.get("poster", ""), base_url)
    candidates = [(element.get("src", ""), element.get("type", ""))]
    candidates += [
        (s.get("src", ""), s.get("type", "")) for s in xmlparse.XP_VIDEO_SOURCES(element)
    ]
    for src, content_type in candidates:
        url = resolve_url(src, base_url)
        video_type = detect_video_type(url, content_type)
        if url and video_type:
            yield Video(
                location=url,
                video_type=video_type,
                width=_int(element.get("width")),
                height=_int(element.get("height")),
                thumbnail=poster,
            )


def _int(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value > 0 else None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip()) or None
    return None
