"""WordPress REST API posts (`/wp-json/wp/v2/posts?_embed`) → `Article`s, no HTML scraping.

Each post gives its title, dates (`date_gmt`, `modified_gmt`), excerpt, content and link;
with `_embed`, also its featured image (caption, alt text and the IPTC credit WordPress keeps
in `media_details.image_meta`), its categories (the first is the section) and tags, and its
authors. See https://developer.wordpress.org/rest-api/reference/posts/.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from packager.errors import SourceError
from packager.ids import stable_id
from packager.jsonio import load_json_document
from packager.model import Article, Image
from packager.sources.html.fragment import fragment_text, read_fragment
from packager.sources.media import parse_loose_date, resolve_url
from packager.sources.sanitize import clean_article
from packager.sources.text import split_credit

POSTS_PATH = "/wp-json/wp/v2/posts"
_UNSECTIONED = frozenset({"uncategorized", "uncategorised", "allgemein", "sin categoría"})


def is_wordpress_posts_url(url: str) -> bool:
    """True for a WordPress REST API posts collection URL (pretty or `?rest_route=` form)."""
    parts = urlsplit(url)
    route = dict(parse_qsl(parts.query)).get("rest_route", "")
    return parts.path.rstrip("/").endswith(POSTS_PATH) or route.rstrip("/") == "/wp/v2/posts"


def looks_like_wordpress_posts(content: bytes) -> bool:
    """True for a JSON array whose first post has a `{"rendered": ...}` title (a saved page of
    the posts collection)."""
    head = content[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"[") and b'"rendered"' in head


def posts_page_url(url: str, page: int, *, modified_after: str = "") -> str:
    """`url` asking for page `page` with embedded media and terms (`_embed`), and only posts
    modified after `modified_after` (ISO 8601) when given."""
    parts = urlsplit(url)
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k not in ("page", "_embed", "modified_after")
    ]
    query += [("_embed", "1"), ("page", str(page))]
    if modified_after:
        query.append(("modified_after", modified_after))
    return urlunsplit(parts._replace(query=urlencode(query)))


def parse_posts(content: bytes, *, origin: str) -> list[Article | SourceError]:
    """Each post of one page of the posts collection, or a SourceError naming the post.

    Raises SourceError when the answer is not a list of posts (an API error, another route).
    """
    posts = _load(content, origin)
    results: list[Article | SourceError] = []
    for number, post in enumerate(posts, start=1):
        try:
            results.append(_article(post, number, origin))
        except SourceError as exc:
            results.append(exc)
    return results


def _load(content: bytes, origin: str) -> list[Any]:
    posts = load_json_document(
        content,
        kind="WordPress posts",
        origin=origin,
        hint="check the URL answers JSON: https://SITE/wp-json/wp/v2/posts?_embed",
    )
    if isinstance(posts, dict) and isinstance(posts.get("message"), str):
        raise SourceError(
            f"cannot read WordPress posts {origin}: the API answered "
            f"{posts.get('code', 'an error')!r}: {fragment_text(posts['message'])}",
            location=origin,
            hint="check the site's REST API is enabled and the posts route is public",
        )
    if not isinstance(posts, list):
        raise SourceError(
            f"cannot read WordPress posts {origin}: the answer is not a list of posts",
            location=origin,
            hint="give the posts collection: https://SITE/wp-json/wp/v2/posts?_embed",
        )
    return posts


def _article(post: Any, number: int, origin: str) -> Article:
    where = f"WordPress post {number} of {origin}"
    if not isinstance(post, dict):
        raise SourceError(f"skipped {where}: not an object", location=origin, hint="")
    where = f"WordPress post {post.get('id', number)} of {origin}"
    link = _string(post, "link")
    title = fragment_text(_rendered(post, "title"))
    if not title or not link.startswith(("http://", "https://")):
        missing = "`title.rendered`" if not title else "an http(s) `link`"
        raise SourceError(
            f"skipped {where}: it has no {missing}",
            location=origin,
            hint="packager needs each post's headline and public link",
        )
    fragment = read_fragment(_rendered(post, "content"), origin=where, base_url=link)
    categories, tags = _terms(post)
    featured = _featured_image(post, link)
    images = [featured] if featured else []
    images += [i for i in fragment.images if featured is None or i.location != featured.location]
    # `date_gmt` is UTC without a zone; `date` (site time) only when it is missing.
    published = parse_loose_date(_string(post, "date_gmt") or _string(post, "date"))
    article = Article(
        id=stable_id(url=link, fallback=f"wp-{post.get('id', number)}"),
        title=title,
        origin=link,
        url=link,
        section_path=tuple(c for c in categories if c.casefold() not in _UNSECTIONED)[:1],
        summary=fragment_text(_rendered(post, "excerpt")),
        body=fragment.paragraphs,
        published=published,
        modified=parse_loose_date(_string(post, "modified_gmt")),
        authors=_authors(post),
        tags=tags,
        images=tuple(images),
        videos=fragment.videos,
        warnings=() if published else (f"{where}: no date_gmt",),
    )
    return clean_article(article)


def _featured_image(post: dict[str, Any], base_url: str) -> Image | None:
    for media in _embedded(post, "wp:featuredmedia"):
        url = resolve_url(_string(media, "source_url"), base_url)
        if not url or media.get("media_type", "image") != "image":
            continue
        caption = fragment_text(_rendered(media, "caption"))
        details = media.get("media_details")
        meta = details.get("image_meta") if isinstance(details, dict) else None
        credit = _string(meta, "credit") if isinstance(meta, dict) else ""
        if caption and not credit:
            caption, credit = split_credit(caption) or (caption, "")
        return Image(url, caption=caption, credit=credit, alt=_string(media, "alt_text"))
    return None


def _terms(post: dict[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(category names, tag names) from the embedded terms."""
    categories: list[str] = []
    tags: list[str] = []
    for group in _embedded(post, "wp:term", flat=False):
        for term in group if isinstance(group, list) else []:
            if not isinstance(term, dict):
                continue
            name = fragment_text(_string(term, "name"))
            taxonomy = term.get("taxonomy")
            if name and taxonomy == "category":
                categories.append(name)
            elif name and taxonomy == "post_tag":
                tags.append(name)
    return tuple(dict.fromkeys(categories)), tuple(dict.fromkeys(tags))


def _authors(post: dict[str, Any]) -> tuple[str, ...]:
    names = (fragment_text(_string(a, "name")) for a in _embedded(post, "author"))
    return tuple(dict.fromkeys(n for n in names if n))


def _embedded(post: dict[str, Any], key: str, *, flat: bool = True) -> list[Any]:
    embedded = post.get("_embedded")
    found = embedded.get(key) if isinstance(embedded, dict) else None
    if not isinstance(found, list):
        return []
    # An embed the site refused comes back as {"code": "rest_forbidden", ...}: not media.
    return [f for f in found if not flat or (isinstance(f, dict) and "code" not in f)]


def _rendered(node: dict[str, Any], key: str) -> str:
    value = node.get(key)
    if isinstance(value, dict):
        return _string(value, "rendered")
    return value if isinstance(value, str) else ""


def _string(node: dict[str, Any], key: str) -> str:
    value = node.get(key)
    return value if isinstance(value, str) else ""
