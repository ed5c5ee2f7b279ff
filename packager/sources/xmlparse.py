"""The one place that parses untrusted XML and HTML: safe lxml parsers and compiled XPaths.

Every parser here refuses the network, never resolves entities, never loads a DTD and keeps
lxml's huge-tree protection on, so XML external entities and billion-laughs expansion are
refused instead of expanded. Parsers are not thread-safe, so each thread gets its own.
"""

from __future__ import annotations

import re
import threading

from lxml import etree
from lxml import html as lxml_html

from packager.errors import SourceError

_local = threading.local()

# Media RSS and friends: the namespaces feeds use for video, thumbnails and dates.
NAMESPACES = {
    "atom": "http://www.w3.org/2005/Atom",
    "media": "http://search.yahoo.com/mrss/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
}


def _xml_parser() -> etree.XMLParser:
    parser = getattr(_local, "xml", None)
    if parser is None:
        parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
        )
        _local.xml = parser
    return parser


def _html_parser() -> lxml_html.HTMLParser:
    parser = getattr(_local, "html", None)
    if parser is None:
        parser = lxml_html.HTMLParser(
            no_network=True,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
            default_doctype=False,
        )
        _local.html = parser
    return parser


def parse_xml(content: bytes, *, origin: str) -> etree._Element:
    """Parse an untrusted XML document (a feed); refuse DTDs with entities and broken XML.

    Raises SourceError naming `origin` when the document is not well-formed XML or declares
    entities (the XXE and billion-laughs attacks both need an internal DTD subset).
    """
    if _ENTITY_DECLARATION.search(content[:65536]):
        raise _entities_refused(origin)
    try:
        root = etree.fromstring(content, parser=_xml_parser())
    except etree.XMLSyntaxError as exc:
        raise SourceError(
            f"cannot read feed {origin}: not well-formed XML ({exc.msg})",
            location=origin,
            hint="check that the URL points at an RSS or Atom feed, not an HTML page",
        ) from exc
    if root is None:
        raise SourceError(
            f"cannot read feed {origin}: the document is empty",
            location=origin,
            hint="check that the URL points at an RSS or Atom feed",
        )
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None and _declares_entities(docinfo.internalDTD):
        raise _entities_refused(origin)
    return root


_ENTITY_DECLARATION = re.compile(rb"<!DOCTYPE[^\[>]*\[[^\]]*<!ENTITY", re.IGNORECASE)


def _entities_refused(origin: str) -> SourceError:
    return SourceError(
        f"refusing feed {origin}: it declares XML entities in a DTD",
        location=origin,
        hint="remove the <!DOCTYPE ...> line and its <!ENTITY ...> declarations from the "
        "document, or ask its publisher to (feeds and sitemaps never need them; entities are "
        "how XXE and billion-laughs attacks work)",
    )


def _declares_entities(dtd: etree.DTD) -> bool:
    return any(True for _ in dtd.iterentities())


def parse_html(content: bytes | str, *, origin: str) -> lxml_html.HtmlElement:
    """Parse an untrusted HTML page; the charset comes from the page's own declarations."""
    try:
        root = lxml_html.document_fromstring(content, parser=_html_parser())
    except (etree.ParserError, ValueError) as exc:
        raise SourceError(
            f"cannot read page {origin}: not an HTML document ({exc})",
            location=origin,
            hint="check that the URL or file is an article web page",
        ) from exc
    return root


def cut_after(root: etree._Element, limit: int) -> bool:
    """Remove every element after the first `limit` of `root` (in document order); whether
    any was removed. Extraction libraries take time that grows faster than the page (a page of
    150,000 paragraphs takes trafilatura minutes): a hostile page is read up to a bound."""
    last = None
    for count, element in enumerate(root.iter(), start=1):
        if count == limit:
            last = element
            break
    if last is None:
        return False
    cut = False
    for child in list(last):  # the last element kept keeps its own text, not its children
        last.remove(child)
        cut = True
    node = last
    while node is not None and node is not root:
        parent = node.getparent()
        if parent is None:
            break
        for later in list(node.itersiblings()):
            parent.remove(later)
            cut = True
        node = parent
    return cut


# Compiled once; evaluated on parsed HTML pages.
XP_JSONLD = etree.XPath(
    "//script[translate(@type, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
    " = 'application/ld+json']"
)
XP_META = etree.XPath("//meta[@content]")
XP_CANONICAL = etree.XPath("//link[@rel and @href]")
XP_TITLE = etree.XPath("//title")
XP_H1 = etree.XPath("//h1")
# Figures outside asides, navigation and footers (teasers inside the content are told apart
# by where their picture links to).
XP_FIGURES = etree.XPath("//figure[not(ancestor::aside or ancestor::nav or ancestor::footer)]")
XP_FIG_IMG = etree.XPath(".//img|.//amp-img|.//source[@srcset or @data-srcset]")
XP_FIGCAPTION = etree.XPath(".//figcaption")
# Elements outside figures that may be captions: any with a class, and <figcaption>s that a
# page set beside their <figure> instead of inside it.
XP_CLASSED_OUTSIDE_FIGURES = etree.XPath(
    "//body//*[@class or self::figcaption][not(ancestor-or-self::figure or ancestor::aside"
    " or ancestor::nav or ancestor::footer)]"
)
XP_TITLED_IMAGES = etree.XPath(
    "//body//img[@title][not(ancestor::figure or ancestor::aside or ancestor::nav"
    " or ancestor::footer or ancestor::header)]"
)
XP_OTHER_MEDIA = etree.XPath(
    ".//video|.//audio|.//iframe|.//embed|.//object|.//amp-video|.//amp-iframe|.//amp-youtube"
)
XP_VIDEOS = etree.XPath("//video")
XP_VIDEO_SOURCES = etree.XPath(".//source[@src]")
XP_HTML_LANG = etree.XPath("/html/@lang")
