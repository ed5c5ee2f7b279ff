"""The channel config (`channel.toml`): what a channel is called, where it is served, how articles
become rows. Every key is checked; a wrong one is an error that names it."""

from __future__ import annotations

import difflib
import re
import tomllib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from packager.errors import ConfigError, ConfigProblem
from packager.filekinds import kind_note, looks_like
from packager.net.guard import AllowList
from packager.schemas import FEED_SCHEMA, SEARCH_FEED_SCHEMA, load_schema
from packager.spec import MAX_ID_LENGTH, TEMPLATE_MAX_BYTES

# The enums are read from the shipped schemas on first use (PEP 562 `__getattr__` below), so
# `import packager.config` reads no file and imports no schema library.
_FEED_ENUMS = {
    "DP_GENRES": ("Genres", "items", "else"),
    "RATINGS": ("Rating", "properties", "rating"),
    "RATING_SOURCES": ("Rating", "properties", "ratingSource"),
    "VIDEO_QUALITIES": ("Video", "properties", "quality"),
    "CREDIT_ROLES": ("Credit", "properties", "role"),
}
ITEM_TYPES = ("shortFormVideos", "movies", "tvSpecials")
# What `packager build` writes: roku = feed.json, mrss = feed.xml, roku-search = search.json.
FORMATS = ("roku", "mrss", "roku-search")
CATEGORY_ORDERS = ("manual", "most_recent", "chronological", "most_popular")
RENDER_MODES = ("off", "on", "forced")
TEMPLATE_BUDGET = TEMPLATE_MAX_BYTES - 1  # the channel template refuses 500 KB or more
_ID = re.compile(rf"^[A-Za-z0-9_-]{{1,{MAX_ID_LENGTH}}}$")  # what packager.ids makes

# A line matching one of these starts the site footer: it and everything after it are dropped.
# Generic phrases of news-site boilerplate, matched case-insensitively anywhere in a line.
# (No leading \b: it stops the regex engine's fast literal scan and costs 4x on long lines.)
# The config's default for `[text] boilerplate`; the readers use the config's value.
DEFAULT_BOILERPLATE_PATTERNS: tuple[str, ...] = (
    r"can also be (?:accessed|reached|found) at\b",
    r"alternate (?:addresses|domains|urls|links)\b",
    r"^\s*follow us on\b",
    r"all rights reserved\b",
    r"^\s*(?:©|\(c\)|copyright\s*(?:©|\(c\))?)\s*(?:19|20)\d\d\b",
    r"subscribe to our (?:newsletter|channel|mailing list)\b",
    r"^\s*sign up for our newsletter\b",
    r"^\s*(?:share|share this article|share this story)\s*:?\s*$",
    r"^\s*related (?:articles|stories|news)\s*:?\s*$",
    r"^\s*download (?:our|the) (?:app|mobile app)\b",
)


@cache
def _feed_enum(*path: str) -> tuple[str, ...]:
    """An enum of the feed schema, the one place the spec's value lists are written down."""
    node: Any = load_schema(FEED_SCHEMA)["$defs"]
    for key in path:
        node = node[key]
    # Values the schema accepts only with a warning (an `if` over them: forms Roku's own later
    # feeds use) are not offered for feeds packager writes: those get the spec's own form.
    warned = set(node.get("if", {}).get("enum", ()))
    return tuple(value for value in node["enum"] if value not in warned)


@cache
def _search_countries() -> tuple[str, ...]:
    return tuple(load_schema(SEARCH_FEED_SCHEMA)["definitions"]["country_type"]["enum"])


def __getattr__(name: str) -> Any:
    if name in _FEED_ENUMS:
        return _feed_enum(*_FEED_ENUMS[name])
    if name == "SEARCH_COUNTRIES":
        return _search_countries()
    raise AttributeError(f"module 'packager.config' has no attribute {name!r}")


@dataclass(frozen=True)
class RowRule:
    """One row (category + playlist) of the channel: which articles, in which order."""

    name: str
    section: str = ""  # articles whose section path contains this
    tag: str = ""  # articles with this tag
    latest: bool = False  # every article
    order: str = "manual"  # spec §3.16; manual keeps packager's newest-first playlist order
    max_items: int = 100


@dataclass(frozen=True)
class LiveStream:
    """A live stream for `liveFeeds` (spec §3.7)."""

    id: str
    title: str
    url: str
    thumbnail: str
    description: str
    genres: tuple[str, ...] = ("news",)
    quality: str = "HD"


@dataclass(frozen=True)
class Show:
    """A recurring show: articles of this section become one series with seasons by year."""

    name: str
    section: str
    description: str = ""
    genres: tuple[str, ...] = ("news",)


@dataclass(frozen=True)
class ChannelConfig:
    """Everything that shapes a channel's feed; defaults make `--base-url` alone enough."""

    provider_name: str = "packager channel"
    language: str = "en"
    base_url: str = ""
    item_type: str = "shortFormVideos"
    long_form_type: str = "movies"
    short_form_max_seconds: int = 900  # TRC: short-form is under 15 minutes
    default_genre: str = "news"
    genres: dict[str, str] = field(default_factory=dict)  # section or tag -> genre
    rating: str = ""
    rating_source: str = ""
    byline_role: str = "producer"
    thumbnail_width: int = 1280
    thumbnail_height: int = 720
    max_items: int = 500
    max_age_days: int = 0  # 0: no age limit
    size_budget: int = TEMPLATE_BUDGET
    default_video_quality: str = "HD"
    render_video: str = "on"
    video_hls: bool = False  # also package rendered videos as HLS, and play that
    video_width: int = 1280
    video_height: int = 720
    boilerplate_patterns: tuple[str, ...] = DEFAULT_BOILERPLATE_PATTERNS
    rows: tuple[RowRule, ...] = ()  # empty: Latest plus one row per section
    live: tuple[LiveStream, ...] = ()
    shows: tuple[Show, ...] = ()
    sources: tuple[str, ...] = ()
    formats: tuple[str, ...] = ("roku",)
    availability_countries: tuple[str, ...] = ("us",)  # Search Feed defaultAvailabilityCountries
    # Private hosts (names, addresses, networks) remote sources may link to: `--allow-host`.
    allow_hosts: tuple[str, ...] = ()
    path: str = ""  # where the config was read from, for messages
    overridden: tuple[str, ...] = ()  # fields set by command-line options, for hints

    def with_overrides(self, **changes: Any) -> ChannelConfig:
        """The config with command-line options applied (None means: not given)."""
        given = {key: value for key, value in changes.items() if value is not None}
        overridden = tuple(sorted({*self.overridden, *given}))
        config = replace(self, **given, overridden=overridden)
        config.check()
        return config

    def how_to_set(self, name: str, value: str) -> str:
        """How a user changes setting `name` to `value`, where they set it: the command-line
        option when it came from there, else the config key. For hints."""
        option, key = _SETTING_SOURCES.get(name, (f"--{name.replace('_', '-')}", name))
        if name in self.overridden:
            return f"use {option} {value} (or leave {option} out)"
        where = f" in {self.path}" if self.path else ""
        table, _, leaf = key.partition(".")
        return f'set [{table}] {leaf} = "{value}"{where}'

    def asset_url(self, relative_path: str) -> str:
        return self.base_url.rstrip("/") + "/" + relative_path.lstrip("/")

    def check(self) -> None:
        """Raise one ConfigError listing every value that cannot make a valid feed."""
        problems = Problems(self.path or "options", self.path)
        check_config(self, problems)
        problems.raise_if_any()


class Problems:
    """The wrong keys of one config, collected so that all of them are reported at once."""

    def __init__(self, where: str, path: str) -> None:
        self.where = where
        self.path = path
        self.items: list[ConfigProblem] = []

    def add(self, key: str, message: str, hint: str = "") -> None:
        self.items.append(ConfigProblem(key, message, hint))

    def choice(self, key: str, value: str, allowed: Any) -> None:
        """`value` must be one of `allowed`; the hint names the closest one."""
        if value in allowed:
            return
        close = difflib.get_close_matches(str(value), [str(a) for a in allowed], n=1)
        hint = (
            f"did you mean {close[0]!r}?"
            if close
            else "use one of: " + ", ".join(map(str, allowed))
        )
        self.add(key, f"{key} = {value!r} is not allowed", hint)

    def unknown(self, key: str, known: list[str]) -> None:
        close = difflib.get_close_matches(key, known, n=1)
        hint = f"did you mean {close[0]!r}?" if close else "known keys: " + ", ".join(known)
        self.add(key, f"unknown key {key!r}", hint)

    def raise_if_any(self) -> None:
        """One error for all problems: the first one's key, every one in the message."""
        if not self.items:
            return
        first = self.items[0]
        if len(self.items) == 1:
            message, hint = f"{self.where}: {first.message}", first.hint
        else:
            lines = [f"{self.where}: {len(self.items)} problems"]
            for problem in self.items:
                fix = f" (hint: {problem.hint})" if problem.hint else ""
                lines.append(f"  - {problem.message}{fix}")
            message, hint = "\n".join(lines), "fix every key listed above; each line says how"
        raise ConfigError(
            message, path=self.path, key=first.key, hint=hint, problems=tuple(self.items)
        )


def check_config(config: ChannelConfig, problems: Problems) -> None:
    """Every value check of a config, each adding to `problems` instead of stopping."""
    _check_base_url(config.base_url, problems)
    _check_channel(config, problems)
    _check_choices(config, problems)
    _check_numbers(config, problems)
    _check_sizes(config, problems)
    _check_live(config, problems)
    _check_rows(config, problems)


# Settings a hint may tell a user to change: field -> (command-line option, config key).
_SETTING_SOURCES = {
    "render_video": ("--render", "video.render"),
    "base_url": ("--base-url", "channel.base_url"),
    "provider_name": ("--provider-name", "channel.provider_name"),
    "language": ("--language", "channel.language"),
}


# Number settings: key -> (least, most). Beyond the most, a value is a typo or would overflow
# dates and sizes further on (max_age_days = 1000000000 is past year 9999).
NUMBER_BOUNDS: dict[str, tuple[int, int]] = {
    "feed.max_items": (1, 100_000),
    "feed.size_budget": (1, 100 * 1024 * 1024),
    "feed.short_form_max_seconds": (1, 86_400),
    "feed.max_age_days": (0, 36_500),
}
ROW_MAX_ITEMS = 100_000
THUMBNAIL_MIN = (800, 450)  # Roku's minimum
THUMBNAIL_MAX = (3840, 2160)  # 4K UHD; larger only costs memory and bytes
VIDEO_MIN = (320, 180)
VIDEO_MAX = (3840, 2160)  # H.264 level 5.1; rendered videos are full-frame stills and text

# The channel's language: ISO 639 alpha-2/3, then at most a region (ISO 3166 alpha-2 or
# UN M.49 digits). Stricter than the feed schema's pattern, which lets "xx-NOPE" through.
CHANNEL_LANGUAGE = re.compile(r"^(?P<code>[A-Za-z]{2,3})(?:[-_](?:[A-Za-z]{2}|[0-9]{3}))?$")
# Assigned ISO 639-1 codes (the Library of Congress list, 2023).
_ISO_639_1_CODES = """
aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu
cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi
ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks
ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl
nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl
sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve
vi vo wa wo xh yi yo za zh zu
"""
ISO_639_1 = frozenset(_ISO_639_1_CODES.split())

# Shown on TV tiles exactly as written: control characters would garble them and bidi
# overrides reorder what the viewer reads (U+202A..U+202E, U+2066..U+2069).
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")


def _check_base_url(base_url: str, problems: Problems) -> None:
    if not base_url:
        return
    key = "channel.base_url"
    try:
        parts = urlsplit(base_url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
        malformed = False
    except ValueError:  # a port that is not a number, an unpaired '[' or ']'
        parts, malformed = urlsplit(""), True
    if parts.scheme not in ("http", "https") or not parts.hostname or malformed:
        problems.add(
            key,
            f"base_url {base_url!r} is not an http(s) URL",
            "give the public URL the output folder is served from, e.g. https://cdn.example.com/channel/",
        )
        return
    if any(ch.isspace() for ch in base_url):
        problems.add(key, f"base_url {base_url!r} contains spaces", "encode spaces as %20")
    if "\\" in base_url:
        problems.add(
            key,
            f"base_url {base_url!r} contains a backslash",
            "use forward slashes only: a backslash in a URL is read differently by each client",
        )
    if parts.username is not None or parts.password is not None:
        problems.add(
            key,
            "base_url contains a user name or password: it would be written into every public "
            "URL of the feed",
            "remove the 'user:password@' part; the feed's URLs must work without credentials",
        )
    if parts.query or parts.fragment or base_url.endswith(("?", "#")):
        problems.add(
            key,
            f"base_url {base_url!r} has a query or fragment: asset paths are appended to it, so "
            "every asset URL would be wrong",
            "give the folder URL without '?...' and '#...', e.g. https://cdn.example.com/channel/",
        )


def _check_channel(config: ChannelConfig, problems: Problems) -> None:
    _check_language(config.language, problems)
    _check_name(problems, "channel.provider_name", config.provider_name, "give the channel's name")
    for value in config.formats:
        problems.choice("channel.formats", value, FORMATS)
    if len(set(config.formats)) != len(config.formats):
        problems.add(
            "channel.formats",
            f"channel.formats lists a format twice: {list(config.formats)!r}",
            'name each format once, e.g. formats = ["roku", "mrss"]',
        )
    if "roku" not in config.formats:
        problems.add(
            "channel.formats",
            f'channel.formats = {list(config.formats)!r} leaves out "roku"',
            'keep "roku" in the list: feed.xml and search.json are made from feed.json',
        )
    if not config.availability_countries:
        problems.add(
            "channel.availability_countries",
            "channel.availability_countries is empty",
            'name the countries the videos may be watched in, e.g. ["us"]',
        )
    for country in config.availability_countries:
        problems.choice("channel.availability_countries", country, _search_countries())
    _check_allow_hosts(config.allow_hosts, problems)


def _check_language(language: str, problems: Problems) -> None:
    """Spec "Language codes": ISO 639 alpha-2 or alpha-3, optionally with a region (en, en-US,
    es-mx, es-419). A two-letter code must be an assigned ISO 639-1 code; three letters
    (ISO 639-2/3, some 480 codes) are taken on trust."""
    match = CHANNEL_LANGUAGE.match(language)
    if match is not None and (len(match["code"]) == 3 or match["code"].lower() in ISO_639_1):
        return
    code = language.split("-")[0].split("_")[0].lower()
    close = difflib.get_close_matches(code, sorted(ISO_639_1), n=1)
    if match is None:
        why = "(a language, then at most a region)"
    else:
        why = f"({match['code']!r} is no ISO 639-1 language)"
    hint = "e.g. en, en-US, es, es-419"
    hint = f"did you mean {close[0]!r}? ({hint})" if close and match is not None else hint
    message = f"[channel] language {language!r} is not an ISO 639 code {why}"
    problems.add("channel.language", message, hint)


def _check_allow_hosts(allow_hosts: tuple[str, ...], problems: Problems) -> None:
    for entry in allow_hosts:
        try:
            AllowList.parse([entry])
        except ValueError as exc:
            problems.add(
                "channel.allow_hosts",
                f"channel.allow_hosts: {exc}",
                "give a host name (cms.internal), an address (10.0.0.5) or a network (10.0.0.0/8)",
            )


def _check_name(problems: Problems, key: str, text: str, hint: str) -> None:
    """A name shown on screen: not empty or invisible, no control or bidi override character."""
    if all(ch.isspace() or ch in _INVISIBLE for ch in text):
        problems.add(key, f"{key} is empty", hint)
        return
    for position, ch in enumerate(text, 1):
        if unicodedata.category(ch) == "Cc" or ch in _BIDI_CONTROLS:
            kind = "a control character" if ch not in _BIDI_CONTROLS else "a bidi override"
            problems.add(
                key,
                f"{key} {text!r} contains {kind} (U+{ord(ch):04X}) at character {position}",
                "remove it: names are shown on TV tiles exactly as written",
            )
            return


def _check_choices(config: ChannelConfig, problems: Problems) -> None:
    problems.choice("feed.item_type", config.item_type, ITEM_TYPES)
    problems.choice("feed.long_form_type", config.long_form_type, ITEM_TYPES)
    problems.choice("video.render", config.render_video, RENDER_MODES)
    problems.choice(
        "video.default_quality", config.default_video_quality, ("SD", "HD", "FHD", "UHD")
    )
    if config.byline_role:
        problems.choice(
            "feed.byline_role", config.byline_role, _feed_enum(*_FEED_ENUMS["CREDIT_ROLES"])
        )
    genres = _feed_enum(*_FEED_ENUMS["DP_GENRES"])
    problems.choice("feed.default_genre", config.default_genre, genres)
    for name, value in config.genres.items():
        problems.choice(f"genres.{name!r}", value, genres)
    if config.rating or config.rating_source:
        problems.choice("feed.rating", config.rating, _feed_enum(*_FEED_ENUMS["RATINGS"]))
        problems.choice(
            "feed.rating_source",
            config.rating_source,
            sorted(_feed_enum(*_FEED_ENUMS["RATING_SOURCES"])),
        )
    for show in config.shows:
        _check_name(problems, f"show {show.name!r} name", show.name, "give the show's name")
        for genre in show.genres:
            problems.choice(f"show {show.name!r} genres", genre, genres)


def _check_numbers(config: ChannelConfig, problems: Problems) -> None:
    values = {
        "feed.max_items": config.max_items,
        "feed.size_budget": config.size_budget,
        "feed.short_form_max_seconds": config.short_form_max_seconds,
        "feed.max_age_days": config.max_age_days,
    }
    for key, value in values.items():
        least, most = NUMBER_BOUNDS[key]
        if value < least:
            problems.add(key, f"{key} = {value} is below {least}", f"use {least} or more")
        elif value > most:
            problems.add(
                key, f"{key} = {value} is above {most:,}", f"use a number from {least} to {most:,}"
            )


def _check_sizes(config: ChannelConfig, problems: Problems) -> None:
    width, height = config.thumbnail_width, config.thumbnail_height
    size = f"{width}x{height}"
    if width < THUMBNAIL_MIN[0] or height < THUMBNAIL_MIN[1]:
        problems.add(
            "thumbnails",
            f"[thumbnails] size {size} is below Roku's 800x450",
            "use 1280x720 or 1920x1080",
        )
    elif width > THUMBNAIL_MAX[0] or height > THUMBNAIL_MAX[1]:
        problems.add(
            "thumbnails",
            f"[thumbnails] size {size} is above 3840x2160",
            "use 1280x720 or 1920x1080",
        )
    elif abs(width * 9 - height * 16) > 16:
        problems.add(
            "thumbnails", f"[thumbnails] size {size} is not 16:9", "use 1280x720 or 1920x1080"
        )
    for key, value, least, most in (
        ("video.width", config.video_width, VIDEO_MIN[0], VIDEO_MAX[0]),
        ("video.height", config.video_height, VIDEO_MIN[1], VIDEO_MAX[1]),
    ):
        if not least <= value <= most or value % 2:
            problems.add(
                key,
                f"{key} = {value} is not an even number from {least} to {most}",
                f"H.264 needs even sizes; use e.g. {1280 if key == 'video.width' else 720}",
            )


def _check_live(config: ChannelConfig, problems: Problems) -> None:
    genres = _feed_enum(*_FEED_ENUMS["DP_GENRES"])
    qualities = _feed_enum(*_FEED_ENUMS["VIDEO_QUALITIES"])
    for stream in config.live:
        key = f"live {stream.id!r}"
        if not _ID.match(stream.id):
            problems.add(
                "live.id",
                f"{key}: id must be 1-50 letters, digits, '-' or '_'",
                'e.g. id = "news-live"',
            )
        if not stream.url.startswith(("http://", "https://")) or any(
            c.isspace() for c in stream.url
        ):
            problems.add(
                "live.url",
                f"{key}: url {stream.url!r} is not an http(s) URL",
                "give the stream's .m3u8 (or .mpd) URL",
            )
        _check_name(problems, f"{key} title", stream.title, "give the stream's title")
        problems.choice(f"{key} quality", stream.quality, qualities)
        for genre in stream.genres:
            problems.choice(f"{key} genres", genre, genres)


def _check_rows(config: ChannelConfig, problems: Problems) -> None:
    seen: dict[str, str] = {}
    for row in config.rows:
        _check_name(problems, f"row {row.name!r} name", row.name, 'e.g. name = "Sports"')
        folded = " ".join(row.name.split()).casefold()
        if folded in seen:
            problems.add(
                "rows.name",
                f"two [[rows]] are named alike ({seen[folded]!r} and {row.name!r}): they would "
                "be two categories of the same name",
                "give each row its own name, or merge the two",
            )
        seen.setdefault(folded, row.name)
        if not 1 <= row.max_items <= ROW_MAX_ITEMS:
            problems.add(
                "rows.max_items",
                f"row {row.name!r} max_items must be from 1 to {ROW_MAX_ITEMS:,}",
                "e.g. max_items = 100",
            )
        problems.choice(f"rows {row.name!r} order", row.order, CATEGORY_ORDERS)
        if sum(bool(x) for x in (row.section, row.tag, row.latest)) != 1:
            problems.add(
                "rows",
                f"row {row.name!r} needs exactly one of section, tag or latest = true",
                'e.g. section = "Sports"',
            )


# The file's shape: table -> key -> (ChannelConfig field, expected type).
_SCHEMA: dict[str, dict[str, tuple[str, type]]] = {
    "channel": {
        "provider_name": ("provider_name", str),
        "language": ("language", str),
        "base_url": ("base_url", str),
        "sources": ("sources", list),
        "formats": ("formats", list),
        "availability_countries": ("availability_countries", list),
        "allow_hosts": ("allow_hosts", list),
    },
    "feed": {
        "item_type": ("item_type", str),
        "long_form_type": ("long_form_type", str),
        "short_form_max_seconds": ("short_form_max_seconds", int),
        "default_genre": ("default_genre", str),
        "rating": ("rating", str),
        "rating_source": ("rating_source", str),
        "byline_role": ("byline_role", str),
        "max_items": ("max_items", int),
        "max_age_days": ("max_age_days", int),
        "size_budget": ("size_budget", int),
    },
    "thumbnails": {"width": ("thumbnail_width", int), "height": ("thumbnail_height", int)},
    "video": {
        "render": ("render_video", str),
        "width": ("video_width", int),
        "height": ("video_height", int),
        "default_quality": ("default_video_quality", str),
        "hls": ("video_hls", bool),
    },
    "text": {"boilerplate": ("boilerplate_patterns", list)},
}
# [[table]] entries: key -> the TOML type it takes (tuples of strings are written as lists).
_ROW_KEYS = {
    "name": str,
    "section": str,
    "tag": str,
    "latest": bool,
    "order": str,
    "max_items": int,
}
_LIVE_KEYS: dict[str, type] = {
    **{name: str for name in ("id", "title", "url", "thumbnail", "description", "quality")},
    "genres": list,
}
_SHOW_KEYS: dict[str, type] = {"name": str, "section": str, "description": str, "genres": list}


CONFIG_NAME = "channel.toml"


@dataclass(frozen=True)
class ConfigChoice:
    """Which config a command uses, why, and the sources left to build (empty: the config's)."""

    path: Path | None
    reason: str
    sources: tuple[str, ...]

    def describe(self) -> str:
        """`config: examples/channel/channel.toml (the SOURCE folder's own)`, for stderr."""
        if self.path is None:
            return f"config: none ({self.reason})"
        return f"config: {self.path} ({self.reason})"


def find_config(
    explicit: Path | None, sources: tuple[str, ...] = (), cwd: Path | None = None
) -> ConfigChoice:
    """The config a command uses: `--config`, else a SOURCE folder's own channel.toml (that
    folder is a channel folder: its config's `sources` are built), else ./channel.toml.

    Raises ConfigError when a SOURCE channel folder and `--config` disagree, or when several
    SOURCE folders each have their own channel.toml.
    """
    channel_folders = [s for s in sources if (Path(s) / CONFIG_NAME).is_file()]
    rest = tuple(s for s in sources if s not in channel_folders)
    if explicit is not None:
        for folder in channel_folders:
            if (Path(folder) / CONFIG_NAME).resolve() != explicit.resolve():
                raise ConfigError(
                    f"{folder} is a channel folder with its own {CONFIG_NAME}, but --config "
                    f"names {explicit}",
                    path=str(explicit),
                    hint=f"give the folder of articles as SOURCE (e.g. {Path(folder) / 'articles'}), "
                    "or leave out --config to use the folder's own",
                )
        return ConfigChoice(explicit, "--config", rest)
    if len(channel_folders) > 1:
        raise ConfigError(
            f"{', '.join(channel_folders)} are channel folders, each with its own {CONFIG_NAME}",
            hint="build one channel at a time, or name one config with --config",
        )
    if channel_folders:
        own = Path(channel_folders[0]) / CONFIG_NAME
        return ConfigChoice(own, "the SOURCE folder's own", rest)
    here = (cwd or Path.cwd()) / CONFIG_NAME
    if here.is_file():
        return ConfigChoice(
            Path(CONFIG_NAME) if cwd is None else here, "found in the current folder", rest
        )
    return ConfigChoice(None, f"no --config and no {CONFIG_NAME} here: defaults and options", rest)


def load_config(path: Path | None) -> ChannelConfig:
    """Read `channel.toml` (or the defaults when `path` is None) and check every key.

    Every wrong key is reported at once (one ConfigError whose `problems` lists them).
    """
    if path is None:
        return ChannelConfig()
    where = str(path)
    document = _read_toml(path)
    problems = Problems(where, where)
    values: dict[str, Any] = {"path": where}
    for table, content in document.items():
        reader = _TABLE_READERS.get(table)
        if table in _SCHEMA:
            _read_table(problems, table, content, values)
        elif reader is not None:
            value = reader(problems, table, content)
            if value is not None:
                values[table] = value
        else:
            problems.unknown(table, [*_SCHEMA, *_TABLE_READERS])
    config = _relative_to(path.parent, ChannelConfig(**values), problems)
    check_config(config, problems)
    problems.raise_if_any()
    return config


def _read_toml(path: Path) -> dict[str, Any]:
    where = str(path)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(
            f"{where}: no such config file",
            path=where,
            hint="give the path of your channel.toml, or leave --config out",
        ) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{where}: not UTF-8 text, from byte {exc.start + 1}"
            f"{kind_note(looks_like(path.read_bytes()))}",
            path=where,
            hint="save channel.toml as UTF-8 (in Notepad: Save as, Encoding UTF-8)",
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"{where}: not valid TOML: {exc}", path=where, hint="fix the TOML syntax there"
        ) from exc
    except OSError as exc:
        raise ConfigError(
            f"{where}: cannot read the config file ({exc.strerror or exc})",
            path=where,
            hint="check the path and its permissions",
        ) from exc


def _relative_to(folder: Path, config: ChannelConfig, problems: Problems) -> ChannelConfig:
    """Local paths in the config (sources, live thumbnails) are relative to the config file,
    and confined to its folder: a channel.toml from a pull request must not make a CI job
    read /proc/self/environ or ../../secrets (symlinks are followed before the check)."""

    def resolve(key: str, location: str) -> str:
        if location.startswith(("http://", "https://")):
            return location
        joined = folder / location  # an absolute location stays itself
        _check_confined(problems, key, location, joined, folder)
        return str(joined)

    live = tuple(
        replace(stream, thumbnail=resolve(f"live {stream.id!r} thumbnail", stream.thumbnail))
        for stream in config.live
    )
    sources = tuple(resolve("channel.sources", source) for source in config.sources)
    return replace(config, sources=sources, live=live)


def _check_confined(
    problems: Problems, key: str, location: str, joined: Path, folder: Path
) -> None:
    """`joined` (the path `location` names) must resolve to the config's folder or below it."""
    home = folder.resolve()
    try:
        target = joined.resolve()
    except (OSError, RuntimeError):  # a symlink loop: not inside by any measure
        target = None
    if target is not None and (target == home or home in target.parents):
        return
    problems.add(
        "live.thumbnail" if key.startswith("live") else key,
        f"{key} = {location!r} is outside the config's folder {folder} (paths are read only "
        "inside it, symlinks followed)",
        f"move the file into {folder} and give its path relative to channel.toml, or give "
        "an http(s) URL",
    )


def _read_table(problems: Problems, table: str, content: Any, values: dict[str, Any]) -> None:
    if not isinstance(content, dict):
        problems.add(table, f"[{table}] must be a table", f"write it as a [{table}] section")
        return
    for key, value in content.items():
        if key not in _SCHEMA[table]:
            problems.unknown(f"{table}.{key}", [f"{table}.{k}" for k in _SCHEMA[table]])
            continue
        name, expected = _SCHEMA[table][key]
        if not _is_a(value, expected):
            problems.add(
                f"{table}.{key}",
                f"{table}.{key} = {value!r} should be {_type_name(expected)}",
                f"write {table}.{key} as {_type_name(expected)}",
            )
            continue
        values[name] = tuple(value) if isinstance(value, list) else value


def _is_a(value: Any, expected: type) -> bool:
    """TOML type check: bools are not numbers, lists hold strings only."""
    if expected is list:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return isinstance(value, expected) and (expected is bool or not isinstance(value, bool))


@dataclass(frozen=True)
class _EntryShape:
    """The keys a [[table]] entry may have (with their TOML types) and those it must have."""

    known: dict[str, type]
    required: tuple[str, ...]


def _entry(
    problems: Problems, table: str, index: int, entry: Any, shape: _EntryShape
) -> dict[str, Any] | None:
    """One [[table]] entry's values, or None (with its problems added) when it is wrong."""
    known, required = shape.known, shape.required
    if not isinstance(entry, dict):
        problems.add(table, f"[[{table}]] entry {index + 1} must be a table")
        return None
    ok = True
    for key, value in entry.items():
        if key not in known:
            problems.unknown(f"{table}[{index}].{key}", sorted(known))
            ok = False
        elif not _is_a(value, known[key]):
            problems.add(
                f"{table}.{key}",
                f"[[{table}]] entry {index + 1}: {key} = {value!r} should be "
                f"{_type_name(known[key])}",
                f"write {key} as {_type_name(known[key])}",
            )
            ok = False
    missing = [key for key in required if key not in entry]
    if missing:
        problems.add(
            table,
            f"[[{table}]] entry {index + 1} is missing {', '.join(missing)}",
            f"add {', '.join(missing)}",
        )
    if not ok or missing:
        return None
    return {key: tuple(v) if isinstance(v, list) else v for key, v in entry.items()}


def _rows(problems: Problems, table: str, content: Any) -> tuple[RowRule, ...] | None:
    entries = _list_of_tables(problems, table, content)
    rows = [_entry(problems, table, i, e, _ROW_SHAPE) for i, e in enumerate(entries)]
    return tuple(RowRule(**row) for row in rows if row is not None)


def _live(problems: Problems, table: str, content: Any) -> tuple[LiveStream, ...] | None:
    entries = _list_of_tables(problems, table, content)
    streams = [_entry(problems, table, i, e, _LIVE_SHAPE) for i, e in enumerate(entries)]
    return tuple(LiveStream(**stream) for stream in streams if stream is not None)


def _shows(problems: Problems, table: str, content: Any) -> tuple[Show, ...] | None:
    entries = _list_of_tables(problems, table, content)
    shows = [_entry(problems, table, i, e, _SHOW_SHAPE) for i, e in enumerate(entries)]
    return tuple(Show(**show) for show in shows if show is not None)


def _list_of_tables(problems: Problems, table: str, content: Any) -> list[Any]:
    if not isinstance(content, list):
        problems.add(
            table,
            f"{table} must be written as [[{table}]] entries",
            f"start each entry with [[{table}]]",
        )
        return []
    return content


def _string_map(problems: Problems, table: str, content: Any) -> dict[str, str] | None:
    if not isinstance(content, dict) or not all(isinstance(v, str) for v in content.values()):
        problems.add(table, f"[{table}] maps names to genre strings", 'e.g. "Sports" = "sports"')
        return None
    return dict(content)


_ROW_SHAPE = _EntryShape(_ROW_KEYS, ("name",))
_LIVE_SHAPE = _EntryShape(_LIVE_KEYS, ("id", "title", "url", "thumbnail", "description"))
_SHOW_SHAPE = _EntryShape(_SHOW_KEYS, ("name", "section"))
_TABLE_READERS: dict[str, Callable[[Problems, str, Any], Any]] = {
    "genres": _string_map,
    "rows": _rows,
    "live": _live,
    "shows": _shows,
}


def _type_name(expected: type) -> str:
    names = {
        str: "a string",
        int: "a whole number",
        list: "a list of strings",
        bool: "true or false",
    }
    return names.get(expected, expected.__name__)
