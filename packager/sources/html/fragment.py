"""Article HTML that is only the content (a CMS field: WordPress `content.rendered`, JSON Feed
`content_html`) → paragraphs, captioned pictures and videos, without boilerplate detection."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import html as lxml_html

from packager.cleantext import clean_text
from packager.model import Image, Video
from packager.sources import xmlparse
from packager.sources.html.images import page_images
from packager.sources.html.metadata import PageMetadata
from packager.sources.html.videos import page_videos

# Elements whose text is one paragraph of the body; pictures' captions are not body text.
_BLOCKS = ("p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre")
_NOT_BODY = frozenset({"figure", "figcaption", "script", "style", "noscript", "iframe", "nav"})


@dataclass(frozen=True)
class Fragment:
    """What a content fragment holds."""

    paragraphs: tuple[str, ...]
    images: tuple[Image, ...]
    videos: tuple[Video, ...]


def read_fragment(content_html: str, *, origin: str, base_url: str = "") -> Fragment:
    """Paragraphs (block elements, in order, nested blocks once), pictures with captions and
    credits, and videos of an HTML fragment."""
    if not content_html.strip():
        return Fragment((), (), ())
    tree = xmlparse.parse_html(f"<html><body>{content_html}</body></html>", origin=origin)
    paragraphs = tuple(dict.fromkeys(p for p in _blocks(tree) if p))
    return Fragment(
        paragraphs=paragraphs,
        images=page_images(tree, PageMetadata(), base_url),
        videos=page_videos(tree, PageMetadata(), base_url),
    )


def fragment_text(html_text: str) -> str:
    """One line of plain text from a short HTML string (a title or an excerpt)."""
    if "<" not in html_text and "&" not in html_text:
        return clean_text(html_text)
    tree = lxml_html.fragment_fromstring(clean_text(html_text) or " ", create_parent="div")
    # Code is not text: a <script> or <style> in a title keeps none of its content.
    for element in tree.xpath(".//script | .//style | .//template | .//noscript"):
        element.drop_tree()
    return clean_text(tree.text_content())


def _blocks(tree: lxml_html.HtmlElement) -> list[str]:
    found: list[str] = []
    for element in tree.iter(*_BLOCKS):
        if any(a.tag in _NOT_BODY or a.tag in _BLOCKS for a in element.iterancestors()):
            continue  # a caption, or a block inside a block already taken whole
        found.append(clean_text(element.text_content()))
    body = tree.find(".//body")
    if not found and body is not None:  # plain text with <br>s and no blocks
        found = [clean_text(line) for line in body.text_content().split("\n")]
    return found
