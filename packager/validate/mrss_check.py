"""Checks of a Media RSS feed against what Roku's MRSS spec and Amazon's Fire App Builder need
(spec §6), each problem located by an XPath-like path such as
`/rss/channel/item[3]/media:content/@url`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from email.utils import parsedate_to_datetime

from lxml import etree

from packager.model import Problem, Severity
from packager.timestamps import parse_timestamp

MEDIA_NS = "http://search.yahoo.com/mrss/"
DCTERMS_NS = "http://purl.org/dc/terms/"
MAX_DESCRIPTION = 200  # Roku MRSS spec: media:description "does not exceed 200 characters"
_PREFIXES = {MEDIA_NS: "media", DCTERMS_NS: "dcterms"}
_NUMBER = re.compile(r"^\d+(\.\d+)?$")


def _m(name: str) -> str:
    return f"{{{MEDIA_NS}}}{name}"


def _name(element: etree._Element) -> str:
    qname = etree.QName(element)
    prefix = _PREFIXES.get(qname.namespace or "")
    return f"{prefix}:{qname.localname}" if prefix else qname.localname


def _text(element: etree._Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _is_url(value: str | None) -> bool:
    return bool(value) and str(value).startswith(("http://", "https://"))


def _date_time(text: str) -> datetime | None:
    """An RFC 822 (RSS 2.0) or ISO 8601 (Roku MRSS) date-time with a time zone, else None."""
    moment = parse_timestamp(text)
    if moment is not None:
        return moment
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment.tzinfo else None


class _Finder:
    """Collects problems for one document."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, where: str, rule: str, message: str, hint: str, warning: bool = False) -> None:
        severity = Severity.WARNING if warning else Severity.ERROR
        self.problems.append(Problem(where, rule, severity, message, hint))


def check_mrss(root: etree._Element) -> list[Problem]:
    """Every problem of a parsed Media RSS document (root element `rss`)."""
    found = _Finder()
    channel = root.find("channel")
    if channel is None:
        found.add("/rss", "mrss-channel", "the feed has no <channel>", "put the items in <channel>")
        return found.problems
    _check_channel(channel, found)
    items = channel.findall("item")
    if not items:
        found.add(
            "/rss/channel",
            "mrss-no-items",
            "the channel has no <item>",
            "add one <item> per video",
        )
    guids: dict[str, int] = {}
    for index, item in enumerate(items, start=1):
        where = f"/rss/channel/item[{index}]"
        guid = _text(item.find("guid"))
        if not guid:
            found.add(
                where,
                "mrss-guid",
                f"item {index} has no <guid>",
                "give every item a unique, unchanging <guid> (its id)",
            )
        elif guid in guids:
            found.add(
                f"{where}/guid",
                "mrss-duplicate-guid",
                f"item {index} has the same guid {guid!r} as item {guids[guid]}",
                "give every item its own guid",
            )
        else:
            guids[guid] = index
        _check_item(item, where, index, found)
    return found.problems


def _check_channel(channel: etree._Element, found: _Finder) -> None:
    build = channel.find("lastBuildDate")
    if build is None:
        # Optional in Roku's MRSS spec, but readers use it to see that the feed changed.
        found.add(
            "/rss/channel",
            "mrss-last-build-date",
            "the channel has no <lastBuildDate>",
            "add <lastBuildDate>2026-11-28T12:00:00+00:00</lastBuildDate>",
            warning=True,
        )
    elif _date_time(_text(build)) is None:
        found.add(
            "/rss/channel/lastBuildDate",
            "mrss-last-build-date",
            f"lastBuildDate {_text(build)!r} is not a date-time with a time zone",
            "write it in ISO 8601, e.g. 2026-11-28T12:00:00+00:00",
        )
    if not _text(channel.find("title")):
        found.add(
            "/rss/channel",
            "mrss-channel-title",
            "the channel has no <title>",
            "RSS 2.0 needs a channel <title>: the channel's name",
        )


def _check_item(item: etree._Element, where: str, index: int, found: _Finder) -> None:
    pub_date = item.find("pubDate")
    if pub_date is None:
        found.add(
            where,
            "mrss-pub-date",
            f"item {index} has no <pubDate>",
            "add when the video first became available, e.g. Sat, 28 Nov 2026 12:00:00 GMT",
        )
    elif _date_time(_text(pub_date)) is None:
        found.add(
            f"{where}/pubDate",
            "mrss-pub-date",
            f"item {index}: pubDate {_text(pub_date)!r} is not a date-time with a time zone",
            "use RFC 822 (Sat, 28 Nov 2026 12:00:00 GMT) or ISO 8601 with an offset",
        )
    if not (_text(item.find(_m("title"))) or _text(item.find("title"))):
        found.add(
            where,
            "mrss-title",
            f"item {index} has no title",
            "add <media:title> (or <title>) with the video's title",
        )
    _check_description(item, where, index, found)
    if item.find(_m("category")) is None and not _text(item.find(_m("keywords"))):
        found.add(
            where,
            "mrss-category",
            f"item {index} has neither <media:category> nor <media:keywords>",
            "Roku needs one of them: add <media:category>news</media:category>",
        )
    _check_thumbnail(item, where, index, found)
    _check_content(item, where, index, found)
    for position, subtitle in _numbered(item, _m("subTitle")):
        here = f"{where}/media:subTitle{position}"
        for attribute in ("href", "lang"):
            value = subtitle.get(attribute)
            if not value or (attribute == "href" and not _is_url(value)):
                found.add(
                    f"{here}/@{attribute}",
                    "mrss-subtitle",
                    f"item {index}: media:subTitle has no usable {attribute}",
                    "a subtitle needs href (the file's http(s) URL) and lang (e.g. en)",
                )
    valid = item.find(f"{{{DCTERMS_NS}}}valid")
    if valid is not None:
        _check_valid(_text(valid), f"{where}/dcterms:valid", index, found)


def _check_description(item: etree._Element, where: str, index: int, found: _Finder) -> None:
    element = item.find(_m("description"))
    if element is None or not _text(element):
        element = item.find("description")
    text = _text(element)
    if not text:
        found.add(
            where,
            "mrss-description",
            f"item {index} has no description",
            "add <media:description> (or <description>): Fire App Builder drops items without one",
        )
    elif len(text) > MAX_DESCRIPTION:
        assert element is not None
        found.add(
            f"{where}/{_name(element)}",
            "mrss-description-length",
            f"item {index}: description is {len(text)} characters, over Roku's {MAX_DESCRIPTION}",
            f"shorten it to {MAX_DESCRIPTION} characters or fewer",
        )


def _check_thumbnail(item: etree._Element, where: str, index: int, found: _Finder) -> None:
    thumbnail = item.find(_m("thumbnail"))
    if thumbnail is None:
        found.add(
            where,
            "mrss-thumbnail",
            f"item {index} has no <media:thumbnail>",
            'add <media:thumbnail url="https://…/16x9.jpg"/> (at least 800x450)',
        )
        return
    if not _is_url(thumbnail.get("url")):
        found.add(
            f"{where}/media:thumbnail/@url",
            "mrss-thumbnail",
            f"item {index}: media:thumbnail has no http(s) url",
            "give the thumbnail's public URL",
        )
    width, height = thumbnail.get("width"), thumbnail.get("height")
    if width and height and width.isdigit() and height.isdigit():
        w, h = int(width), int(height)
        if w < 800 or h < 450 or abs(w * 9 - h * 16) > 16:
            found.add(
                f"{where}/media:thumbnail",
                "mrss-thumbnail-size",
                f"item {index}: thumbnail is {w}x{h}, not 16:9 of at least 800x450",
                "use a 16:9 image, e.g. 1280x720",
            )


def _numbered(item: etree._Element, tag: str) -> Iterator[tuple[str, etree._Element]]:
    """Elements named `tag`, with the [n] an XPath needs when there are several."""
    elements = item.findall(tag)
    for position, element in enumerate(elements, start=1):
        yield (f"[{position}]" if len(elements) > 1 else ""), element


def _check_content(item: etree._Element, where: str, index: int, found: _Finder) -> None:
    contents = list(_numbered(item, _m("content")))
    group = item.find(_m("group"))
    if not contents and group is not None:
        where = f"{where}/media:group"
        contents = list(_numbered(group, _m("content")))
    if not contents:
        found.add(
            where,
            "mrss-content",
            f"item {index} has no <media:content>",
            'add <media:content url="https://…/video.mp4" duration="95"/>',
        )
        return
    for position, content in contents:
        here = f"{where}/media:content{position}"
        if not _is_url(content.get("url")):
            found.add(
                f"{here}/@url",
                "mrss-content-url",
                f"item {index}: media:content has no http(s) url",
                "give the video's public URL",
            )
        duration = content.get("duration", "")
        if not _NUMBER.match(duration) or float(duration) <= 0:
            found.add(
                f"{here}/@duration",
                "mrss-content-duration",
                f"item {index}: media:content duration {duration!r} is not a number of seconds",
                'Roku needs the duration in seconds, e.g. duration="95"',
            )
        bitrate = content.get("bitrate")
        if bitrate is not None and not _NUMBER.match(bitrate):
            found.add(
                f"{here}/@bitrate",
                "mrss-content-bitrate",
                f"item {index}: media:content bitrate {bitrate!r} is not a number",
                'give the bitrate in kbps, e.g. bitrate="2500", or leave it out',
            )
    if len(contents) > 1 and any(content.get("bitrate") is None for _, content in contents):
        found.add(
            f"{where}/media:content",
            "mrss-content-bitrate",
            f"item {index} has several media:content files, not all with a bitrate",
            "Roku picks between single-bitrate files by their bitrate: give each one",
            warning=True,
        )


def _check_valid(text: str, where: str, index: int, found: _Finder) -> None:
    """Roku MRSS spec: `start=…; end=…; scheme=W3C-DTF`, dates in ISO 8601."""
    fields = {}
    for part in text.split(";"):
        key, _, value = part.strip().partition("=")
        if key:
            fields[key.strip()] = value.strip()
    moments = {key: _date_time(fields[key]) for key in ("start", "end") if key in fields}
    bad = [key for key, moment in moments.items() if moment is None]
    if not moments or bad:
        found.add(
            where,
            "mrss-valid-period",
            f"item {index}: dcterms:valid {text!r} has no readable "
            + (" and ".join(bad) if bad else "start or end"),
            "write start=2026-11-28T00:00:00+00:00; end=2026-12-31T00:00:00+00:00; scheme=W3C-DTF",
        )
        return
    start, end = moments.get("start"), moments.get("end")
    if start and end and start > end:
        found.add(
            where,
            "mrss-valid-period",
            f"item {index}: dcterms:valid ends before it starts",
            "swap start and end, or correct one of them",
        )
