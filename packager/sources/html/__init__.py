"""Article web pages → `Article`: structured metadata first, trafilatura for the body text.

Metadata is read in order of trust: JSON-LD (each script on its own), Open Graph, Twitter
cards, other meta tags, then the page itself (headline, `<title>`, figures, `<video>`).
"""

from __future__ import annotations

from lxml import html as lxml_html

from packager.cleantext import clean_text
from packager.errors import SourceError
from packager.ids import stable_id
from packager.model import Article
from packager.sources import xmlparse
from packager.sources.html.body import body_text, without_captions, without_headline
from packager.sources.html.encoding import decode_html
from packager.sources.html.fields import (
    author_names,
    language_code,
    modified_date,
    published_date,
    section_path,
    summary_text,
    tag_names,
)
from packager.sources.html.images import page_images
from packager.sources.html.metadata import (
    PageMetadata,
    canonical_url,
    most_agreed,
    read_metadata,
)
from packager.sources.html.title import choose_title, page_title_sources, same_title, title_sources
from packager.sources.html.videos import page_videos
from packager.sources.sanitize import clean_article

__all__ = ["decode_html", "extract_html_article", "most_agreed", "same_title", "title_sources"]

# The most elements of a page that are read. The 421 corpus pages have at most 9,888 (a long
# Wikipedia article; the median is 836); past a bound, extraction takes time that grows faster
# than the page (150,000 paragraphs: 25 s of trafilatura).
MAX_PAGE_ELEMENTS = 40_000


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
    cut = xmlparse.cut_after(tree, MAX_PAGE_ELEMENTS)
    metadata = read_metadata(tree, origin)
    if cut:
        metadata.warnings.append(
            f"the page has more than {MAX_PAGE_ELEMENTS:,} HTML elements (an article page has a "
            f"few thousand): read its first {MAX_PAGE_ELEMENTS:,}, left the rest out"
        )
    canonical = canonical_url(tree, metadata, base_url)
    link_base = canonical or base_url
    body = body_text(tree, link_base)
    title = _title(tree, metadata, origin, fallback_title if body else "")
    warnings = metadata.warnings
    published = published_date(tree, metadata, link_base)
    if published is None:
        warnings.append("no publication date found in JSON-LD, meta tags or the page")
    images = page_images(tree, metadata, link_base)
    body = without_captions(
        without_headline(body, title),
        (
            text
            for image in images
            for text in (image.caption, f"{image.caption} {image.credit}", image.credit)
            if image.caption
        ),
    )
    if not body:
        warnings.append("no article body text found")
    article = Article(
        id=stable_id(url=canonical, fallback=origin),
        title=title,
        origin=origin,
        url=canonical,
        section_path=section_path(metadata, title),
        summary=summary_text(metadata),
        body=body,
        published=published,
        modified=modified_date(metadata),
        authors=author_names(metadata),
        tags=tag_names(metadata),
        language=language_code(tree, metadata),
        images=images,
        videos=page_videos(tree, metadata, link_base),
        warnings=tuple(warnings),
    )
    return clean_article(article)


def _title(
    tree: lxml_html.HtmlElement, metadata: PageMetadata, origin: str, fallback_title: str
) -> str:
    """The page's own title, else `fallback_title` (a feed's title, only for a page that is
    otherwise an article). Raises SourceError when there is neither."""
    site_name = metadata.first_meta("og:site_name", "application-name")
    title = clean_text(choose_title(page_title_sources(tree, metadata), site_name))
    title = title or clean_text(fallback_title)
    if not title:
        raise SourceError(
            f"cannot read page {origin}: no title found (no JSON-LD headline, og:title, "
            "<h1> or <title>)",
            location=origin,
            hint="check that this is an article page; an index or error page has no headline",
        )
    return title
