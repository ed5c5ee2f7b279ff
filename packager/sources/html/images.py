"""Article pictures with their captions and credits: declared in metadata, then in figures."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from lxml import html as lxml_html

from packager.model import Image
from packager.sources import xmlparse
from packager.sources.html.metadata import (
    SPACE,
    PageMetadata,
    ld_text,
    most_agreed,
    page_text,
    url_of,
)
from packager.sources.media import (
    largest_srcset,
    resolve_url,
)
from packager.sources.text import split_credit

_LAZY_SRC_ATTRIBUTES = ("data-src", "data-lazy-src", "data-original", "data-url", "src")
_LAZY_SRCSET_ATTRIBUTES = ("data-srcset", "data-lazy-srcset", "srcset")
_CREDIT_CLASS = re.compile(r"credit|copyright|byline|source|author|photographer", re.IGNORECASE)
# "Caption" in the class names of CMSs in other languages too: German "Bildunterschrift",
# "Bildtext", Scandinavian "bildetekst"/"billedtekst", Dutch "bijschrift", Spanish "leyenda",
# "pie de foto", "epígrafe", Italian "didascalia"; "infotext" under pictures (ARD sites).
_CAPTION_CLASS = re.compile(
    r"caption|legend|leyenda|didascalia|bildunterschrift|bildtext|bildetekst|billedtekst"
    r"|bijschrift|epigrafe|pie-?de-?foto|infotext",
    re.IGNORECASE,
)
_MAX_CAPTION_CHARS = 2000
_MAX_CREDIT_PARTS = 5
_BLOCK_TEXT = 200  # characters besides its caption a picture block may hold (a credit)
_TINY = 80  # pixels: icons, spacers and tracking pixels are not article pictures


@dataclass
class _ImageFound:
    url: str
    caption: str = ""
    credit: str = ""
    alt: str = ""


def media_key(url: str) -> str:
    # The same file is often linked with different sizes in the query, or another scheme.
    return re.sub(r"^https?://", "", url.split("?", 1)[0].split("#", 1)[0]).rstrip("/").lower()


_SIZE_SEGMENT = re.compile(r"^(?:\d{2,}x\d{2,}|[whq]_?\d{2,})$", re.IGNORECASE)
_RENDITION_SUFFIX = re.compile(
    r"(?:[-_](?:\d{2,}x\d{2,}|scaled|w\d{2,}(?:_h\d{2,})?))+(?=\.[a-z0-9]+$)", re.IGNORECASE
)
_PHOTO_VIEWER = re.compile(
    r"[/_-](?:photos?|fotos?|images?|bilder?|gallery|galerie|galeria|lightbox|zoom)(?:[/_.-]|$)",
    re.IGNORECASE,
)
_PIXELS = re.compile(r"^[1-9]\d{2,3}$")  # 100 to 9999: one side of a picture, in pixels
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
            return media_key(url)
        if not wrapped:
            break
        url = wrapped if "//" in wrapped else f"//{parts.netloc}/{wrapped.lstrip('/')}"
    host = (parts.hostname or "").removeprefix("www.")
    segments = _without_sizes([s for s in parts.path.lower().split("/") if s])
    if segments:  # photo-1600x900.jpg and photo.webp are photo.jpg in other renditions
        segments[-1] = _IMAGE_FILE.sub("", _RENDITION_SUFFIX.sub("", segments[-1]))
    key = host + "/" + "/".join(segments)
    if not _IMAGE_FILE.search(parts.path):
        # A script ("photo.php?id=1", an image API): the query says which picture it is.
        key += "?" + "&".join(sorted(parts.query.split("&")))
    return key


def _without_sizes(segments: list[str]) -> list[str]:
    """Path segments without sizes: "1200x630", "w_1080", and a width and height as two
    segments ("/960/540/", "/1200/570/"; not a date's "/2024/05/", whose month is < 100)."""
    kept: list[str] = []
    skip = False
    for index, segment in enumerate(segments):
        if skip:
            skip = False
            continue
        following = segments[index + 1] if index + 1 < len(segments) else ""
        if _PIXELS.match(segment) and _PIXELS.match(following):
            skip = True
            continue
        if not _SIZE_SEGMENT.match(segment):
            kept.append(segment)
    return kept


def page_images(
    tree: lxml_html.HtmlElement, metadata: PageMetadata, base_url: str
) -> tuple[Image, ...]:
    # What the publisher declares for the article, in order of trust. JSON-LD often lists
    # several crops of the lead picture; the one the other declarations agree on leads.
    found = list(_declared_images(metadata, base_url))
    if found:
        lead = most_agreed(found, key=lambda image: _picture_key(image.url))
        found.remove(lead)
        found.insert(0, lead)
    found.extend(_figure_images(tree, base_url))
    found.extend(_titled_images(tree, base_url))
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


def _declared_images(metadata: PageMetadata, base_url: str) -> Iterator[_ImageFound]:
    for value in (metadata.article_value("image"), metadata.article_value("thumbnailUrl")):
        yield from jsonld_images(value, base_url)
    for url in (
        metadata.first_meta("og:image:secure_url", "og:image:url", "og:image"),
        metadata.first_meta("twitter:image", "twitter:image:src"),
    ):
        resolved = resolve_url(url, base_url)
        if resolved:
            yield _ImageFound(resolved, alt=metadata.first_meta("og:image:alt"))
    for node in metadata.jsonld_images:
        yield from jsonld_images(node, base_url)


def jsonld_images(value: Any, base_url: str) -> Iterator[_ImageFound]:
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, str):
            url = resolve_url(item, base_url)
            if url:
                yield _ImageFound(url)
        elif isinstance(item, dict):
            url = resolve_url(url_of(item.get("url") or item.get("contentUrl")), base_url)
            if not url:
                continue
            credit = (
                ld_text(item.get("creditText"))
                or ld_text(item.get("copyrightHolder"))
                or ld_text(item.get("author"))
                or ld_text(item.get("creator"))
            )
            # schema.org's `caption`; many CMSs put it in `description`.
            caption = ld_text(item.get("caption")) or ld_text(item.get("description"))
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
            credit = page_text(credit_element.text_content()) if credit_element is not None else ""
        for element in xmlparse.XP_FIG_IMG(figure):
            url = _element_image_url(element, base_url)
            if url:
                if not _links_elsewhere(element, base_url, url):  # else a teaser of another page
                    yield _ImageFound(
                        url, caption=caption, credit=credit, alt=page_text(element.get("alt", ""))
                    )
                break
    for caption_element in xmlparse.XP_CLASSED_OUTSIDE_FIGURES(tree):
        if caption_element.tag != "figcaption" and not _CAPTION_CLASS.search(
            caption_element.get("class", "")
        ):
            block = _picture_block(caption_element, base_url)
            if block is not None:
                yield block
            continue
        found = _container_picture(caption_element, base_url)
        if found is not None:
            caption, credit = _caption_and_credit(caption_element)
            if caption:
                yield _ImageFound(found[0], caption=caption, credit=credit, alt=found[1])


_MIN_TITLE_WORDS = 3  # "Logo", "Home", "Zoom in" are no captions
_PICTURE_BLOCK_CLASS = re.compile(r"image|photo|picture|foto|bild", re.IGNORECASE)


def _picture_block(element: lxml_html.HtmlElement, base_url: str) -> _ImageFound | None:
    """A figure made of <div>s: an element classed as a picture block ("image-widget",
    "photo-box") that holds one picture and a short text, its caption (and credit)."""
    if not _PICTURE_BLOCK_CLASS.search(element.get("class", "")):
        return None
    length = _text_length(element, _MAX_CAPTION_CHARS)
    if not length or length >= _MAX_CAPTION_CHARS:
        return None
    pictures = _pictures_in(element, base_url)
    if pictures is None or len(pictures) != 1 or xmlparse.XP_OTHER_MEDIA(element):
        return None
    caption, credit = _caption_and_credit(element)
    if len(caption.split()) < _MIN_TITLE_WORDS:
        return None
    url, alt = next(iter(pictures.values()))
    return _ImageFound(url, caption=caption, credit=credit, alt=alt)


def _titled_images(tree: lxml_html.HtmlElement, base_url: str) -> Iterator[_ImageFound]:
    """Pictures outside figures whose `title` attribute is a sentence: pages without caption
    markup often put the caption there (it shows as the picture's tooltip)."""
    for element in xmlparse.XP_TITLED_IMAGES(tree):
        title = page_text(element.get("title", ""))
        if len(title.split()) < _MIN_TITLE_WORDS:
            continue
        url = _element_image_url(element, base_url)
        if url and not _links_elsewhere(element, base_url, url):
            yield _ImageFound(url, caption=title, alt=page_text(element.get("alt", "")))


def _links_elsewhere(element: lxml_html.HtmlElement, base_url: str, image_url: str) -> bool:
    """Whether the picture is a link to another page (a teaser), not to an image (a lightbox,
    perhaps through a resizer), to this page and what lies under it (an attachment page), or
    to a page named after the picture's own file (the site's viewer of this photo:
    "/pluralphoto/20241203-OYT1I50202/" for ".../20241203-OYT1I50202-1.jpg")."""
    page = base_url.split("#", 1)[0].split("?", 1)[0].rstrip("/")
    stem = _file_stem(image_url)
    for ancestor in element.iterancestors("a"):
        href = (ancestor.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:")):
            continue
        target = resolve_url(href, base_url).split("#", 1)[0]
        path, _, query = target.partition("?")
        if _IMAGE_FILE.search(path) or _wrapped_image(query):
            continue  # an image file, or a resizer wrapping one
        if _PHOTO_VIEWER.search(urlsplit(path).path):
            continue  # the site's photo viewer ("/article_photo/list?article_id=…", "/galerie/")
        if stem and stem in urlsplit(path).path.lower():
            continue  # the viewer page of this very picture
        if page and (path.rstrip("/") == page or path.startswith(page + "/")):
            continue
        return True
    return False


_DATE_STEM = re.compile(r"^(?:19|20)\d{2}[-_]?\d{2}[-_]?\d{2}$")
_MIN_STEM = 8  # characters of a file name that name one picture, not a word ("photo", "main")


def _file_stem(url: str) -> str:
    """The picture's file name without extension and rendition suffix ("-1600x900", "-1"),
    lower-cased, when it is long and holds digits enough to name one picture (not only a date,
    "20241203.jpg", which an article's address may hold too); else ""."""
    try:
        name = urlsplit(url).path.rsplit("/", 1)[-1].lower()
    except ValueError:
        return ""
    stem = re.sub(r"[-_]\d{1,2}$", "", _IMAGE_FILE.sub("", _RENDITION_SUFFIX.sub("", name)))
    if len(stem) < _MIN_STEM or sum(c.isdigit() for c in stem) < _MIN_STEM // 2:
        return ""
    return "" if _DATE_STEM.match(stem) else stem


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
        if page_text(element.text_content()):
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
    found = _previous_picture(caption, base_url)
    if found is not None:
        return found
    container = caption.getparent()
    for _ in range(2):
        if container is None:
            return None
        if _text_length(container, own_text + _BLOCK_TEXT + 1) > own_text + _BLOCK_TEXT:
            return None
        if xmlparse.XP_OTHER_MEDIA(container):
            return None  # the caption may be the video's or the embed's
        pictures = _pictures_in(container, base_url)
        if pictures is None:
            return None
        if len(pictures) == 1:
            return next(iter(pictures.values()))
        if pictures:
            return None
        container = container.getparent()
    return None


_MAX_SIBLINGS = 10  # earlier siblings looked at for other pictures


def _previous_picture(caption: lxml_html.HtmlElement, base_url: str) -> tuple[str, str] | None:
    """The picture right before its caption (a <picture>, then a <figcaption>, in a container
    that goes on with the article), when it is the only picture before the caption in that
    container, holds little text, and no video or embed could own the caption instead: for a
    <figcaption>, none among the elements before it (a video further on is not the one it
    describes); for a caption known by its class only, none in the whole container."""
    previous = caption.getprevious()
    parent = caption.getparent()
    if previous is None or parent is None:
        return None
    if _text_length(previous, _BLOCK_TEXT + 1) > _BLOCK_TEXT:
        return None
    pictures = _pictures_in(previous, base_url)
    if pictures is None or len(pictures) != 1 or xmlparse.XP_OTHER_MEDIA(previous):
        return None
    if caption.tag != "figcaption" and xmlparse.XP_OTHER_MEDIA(parent):
        return None  # a caption by class only may be the video's, further on
    for count, sibling in enumerate(previous.itersiblings(preceding=True)):
        if _text_length(sibling, _BLOCK_TEXT + 1) > _BLOCK_TEXT:
            break  # text (a headline and byline with its author's portrait) ends a gallery
        if count >= _MAX_SIBLINGS or _pictures_in(sibling, base_url) != {}:
            return None  # a gallery: the caption cannot be matched to one of its pictures
        if caption.tag == "figcaption" and xmlparse.XP_OTHER_MEDIA(sibling):
            return None  # a <figcaption> right after its picture, but a video came first
    return next(iter(pictures.values()))


def _pictures_in(
    element: lxml_html.HtmlElement, base_url: str
) -> dict[str, tuple[str, str]] | None:
    """The pictures in `element`, one entry each: picture → (URL, alt); None when one of them
    is a teaser linking to another page."""
    pictures: dict[str, tuple[str, str]] = {}
    candidates = [element] if element.tag in ("img", "source") else []
    for image in [*candidates, *xmlparse.XP_FIG_IMG(element)]:
        url = _element_image_url(image, base_url)
        if url and _links_elsewhere(image, base_url, url):
            return None  # a teaser of another page
        if url:  # a lazy <img> and its <noscript> copy are one picture, and so are the
            # <source>s and <img> of one <picture> (renditions: /720/405/, /1440/810/)
            frame = next(image.iterancestors("picture"), None)
            if image.tag == "picture":
                frame = image
            key = f"picture@{id(frame)}" if frame is not None else _picture_key(url)
            pictures.setdefault(key, (url, page_text(image.get("alt", ""))))
    return pictures


def _text_length(element: lxml_html.HtmlElement, limit: int) -> int:
    """The length of an element's text without runs of whitespace, counted only up to `limit`
    (so asking of a large container costs no more than the limit)."""
    total = 0
    for piece in element.itertext():
        total += len(SPACE.sub(" ", piece).strip())
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
            text = page_text(element.text_content())
            if text:
                credit_parts[text] = None
                if len(credit_parts) >= _MAX_CREDIT_PARTS:
                    break
    full = page_text(" ".join(caption.itertext()))  # <p>s of one caption: not run together
    text = full
    for part in credit_parts:
        text = text.replace(part, " ")
    caption = SPACE.sub(" ", text).strip(" |-–—")
    if not credit_parts:  # "The pier. (Harbor City News photo)": the credit is in the caption
        caption, credit = split_credit(caption) or (caption, "")
        return caption, credit
    return caption, " ".join(credit_parts)
