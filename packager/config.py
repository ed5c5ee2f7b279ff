"""The channel config (`channel.toml`): what a channel is called, where it is served, how articles
become rows. Every key is checked; a wrong one is an error that names it."""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from packager.errors import ConfigError
from packager.model import LANGUAGE_CODE
from packager.schemas import FEED_SCHEMA, SEARCH_FEED_SCHEMA, load_schema
from packager.sources import DEFAULT_BOILERPLATE_PATTERNS
from packager.spec import MAX_ID_LENGTH, TEMPLATE_MAX_BYTES


def _feed_enum(*path: str) -> tuple[str, ...]:
    """An enum of the feed schema, the one place the spec's value lists are written down."""
    node: Any = load_schema(FEED_SCHEMA)["$defs"]
    for key in path:
        node = node[key]
    return tuple(node["enum"])


DP_GENRES = _feed_enum("Genres", "items", "else")
RATINGS = _feed_enum("Rating", "properties", "rating")
RATING_SOURCES = _feed_enum("Rating", "properties", "ratingSource")
VIDEO_QUALITIES = _feed_enum("Video", "properties", "quality")
CREDIT_ROLES = _feed_enum("Credit", "properties", "role")
ITEM_TYPES = ("shortFormVideos", "movies", "tvSpecials")
# What `packager build` writes: roku = feed.json, mrss = feed.xml, roku-search = search.json.
FORMATS = ("roku", "mrss", "roku-search")
SEARCH_COUNTRIES = tuple(load_schema(SEARCH_FEED_SCHEMA)["definitions"]["country_type"]["enum"])
CATEGORY_ORDERS = ("manual", "most_recent", "chronological", "most_popular")
RENDER_MODES = ("off", "on", "forced")
TEMPLATE_BUDGET = TEMPLATE_MAX_BYTES - 1  # the channel template refuses 500 KB or more
_ID = re.compile(rf"^[A-Za-z0-9_-]{{1,{MAX_ID_LENGTH}}}$")  # what packager.ids makes


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
    path: str = ""  # where the config was read from, for messages

    def with_overrides(self, **changes: Any) -> ChannelConfig:
        """The config with command-line options applied (None means: not given)."""
        given = {key: value for key, value in changes.items() if value is not None}
        config = replace(self, **given)
        config.check()
        return config

    def asset_url(self, relative_path: str) -> str:
        return self.base_url.rstrip("/") + "/" + relative_path.lstrip("/")

    def check(self) -> None:
        """Raise ConfigError for the first value that cannot make a valid feed."""
        where = self.path or "options"
        if self.base_url:
            parts = urlsplit(self.base_url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ConfigError(
                    f"{where}: base_url {self.base_url!r} is not an http(s) URL",
                    path=self.path,
                    key="channel.base_url",
                    hint="give the public URL the output folder is served from, e.g. https://cdn.example.com/channel/",
                )
        if not LANGUAGE_CODE.match(self.language):
            raise ConfigError(
                f"{where}: language {self.language!r} is not an ISO 639 code",
                path=self.path,
                key="channel.language",
                hint="e.g. en, en-US, es",
            )
        self._check_formats(where)
        _choice(where, self.path, "feed.item_type", self.item_type, ITEM_TYPES)
        _choice(where, self.path, "feed.long_form_type", self.long_form_type, ITEM_TYPES)
        _choice(where, self.path, "video.render", self.render_video, RENDER_MODES)
        _choice(
            where,
            self.path,
            "video.default_quality",
            self.default_video_quality,
            ("SD", "HD", "FHD", "UHD"),
        )
        if self.byline_role:
            _choice(where, self.path, "feed.byline_role", self.byline_role, CREDIT_ROLES)
        for key, genre in [("feed.default_genre", self.default_genre)] + [
            (f"genres.{name!r}", value) for name, value in self.genres.items()
        ]:
            _choice(where, self.path, key, genre, DP_GENRES)
        if self.rating or self.rating_source:
            _choice(where, self.path, "feed.rating", self.rating, RATINGS)
            _choice(
                where, self.path, "feed.rating_source", self.rating_source, sorted(RATING_SOURCES)
            )
        if self.thumbnail_width < 800 or self.thumbnail_height < 450:
            raise ConfigError(
                f"{where}: thumbnail size {self.thumbnail_width}x{self.thumbnail_height} is below Roku's 800x450",
                path=self.path,
                key="thumbnails",
                hint="use 1280x720 or 1920x1080",
            )
        if abs(self.thumbnail_width * 9 - self.thumbnail_height * 16) > 16:
            raise ConfigError(
                f"{where}: thumbnail size {self.thumbnail_width}x{self.thumbnail_height} is not 16:9",
                path=self.path,
                key="thumbnails",
                hint="use 1280x720 or 1920x1080",
            )
        if not self.provider_name.strip():
            raise ConfigError(
                f"{where}: channel.provider_name is empty",
                path=self.path,
                key="channel.provider_name",
                hint="give the channel's name",
            )
        if self.base_url and any(ch.isspace() for ch in self.base_url):
            raise ConfigError(
                f"{where}: base_url {self.base_url!r} contains spaces",
                path=self.path,
                key="channel.base_url",
                hint="encode spaces as %20",
            )
        for key, value, least in (
            ("feed.max_items", self.max_items, 1),
            ("feed.size_budget", self.size_budget, 1),
            ("feed.short_form_max_seconds", self.short_form_max_seconds, 1),
            ("feed.max_age_days", self.max_age_days, 0),
        ):
            if value < least:
                raise ConfigError(
                    f"{where}: {key} = {value} is below {least}",
                    path=self.path,
                    key=key,
                    hint=f"use {least} or more",
                )
        for stream in self.live:
            key = f"live {stream.id!r}"
            if not _ID.match(stream.id):
                raise ConfigError(
                    f"{where}: {key}: id must be 1-50 letters, digits, '-' or '_'",
                    path=self.path,
                    key="live.id",
                    hint='e.g. id = "news-live"',
                )
            if not stream.url.startswith(("http://", "https://")) or any(
                c.isspace() for c in stream.url
            ):
                raise ConfigError(
                    f"{where}: {key}: url {stream.url!r} is not an http(s) URL",
                    path=self.path,
                    key="live.url",
                    hint="give the stream's .m3u8 (or .mpd) URL",
                )
            _choice(where, self.path, f"{key} quality", stream.quality, VIDEO_QUALITIES)
            for genre in stream.genres:
                _choice(where, self.path, f"{key} genres", genre, DP_GENRES)
        for show in self.shows:
            for genre in show.genres:
                _choice(where, self.path, f"show {show.name!r} genres", genre, DP_GENRES)
        for row in self.rows:
            if row.max_items < 1:
                raise ConfigError(
                    f"{where}: row {row.name!r} max_items must be 1 or more",
                    path=self.path,
                    key="rows.max_items",
                )
            _choice(where, self.path, f"rows {row.name!r} order", row.order, CATEGORY_ORDERS)
            if sum(bool(x) for x in (row.section, row.tag, row.latest)) != 1:
                raise ConfigError(
                    f"{where}: row {row.name!r} needs exactly one of section, tag or latest = true",
                    path=self.path,
                    key="rows",
                    hint='e.g. section = "Sports"',
                )

    def _check_formats(self, where: str) -> None:
        for value in self.formats:
            _choice(where, self.path, "channel.formats", value, FORMATS)
        if len(set(self.formats)) != len(self.formats):
            raise ConfigError(
                f"{where}: channel.formats lists a format twice: {list(self.formats)!r}",
                path=self.path,
                key="channel.formats",
                hint='name each format once, e.g. formats = ["roku", "mrss"]',
            )
        if "roku" not in self.formats:
            raise ConfigError(
                f'{where}: channel.formats = {list(self.formats)!r} leaves out "roku"',
                path=self.path,
                key="channel.formats",
                hint='keep "roku" in the list: feed.xml and search.json are made from feed.json',
            )
        if not self.availability_countries:
            raise ConfigError(
                f"{where}: channel.availability_countries is empty",
                path=self.path,
                key="channel.availability_countries",
                hint='name the countries the videos may be watched in, e.g. ["us"]',
            )
        for country in self.availability_countries:
            _choice(
                where,
                self.path,
                "channel.availability_countries",
                country,
                SEARCH_COUNTRIES,
            )


def _choice(where: str, path: str, key: str, value: str, allowed: Any) -> None:
    if value not in allowed:
        close = difflib.get_close_matches(str(value), [str(a) for a in allowed], n=1)
        hint = (
            f"did you mean {close[0]!r}?"
            if close
            else "use one of: " + ", ".join(map(str, allowed))
        )
        raise ConfigError(
            f"{where}: {key} = {value!r} is not allowed", path=path, key=key, hint=hint
        )


# The file's shape: table -> key -> (ChannelConfig field, expected type).
_SCHEMA: dict[str, dict[str, tuple[str, type | tuple[type, ...]]]] = {
    "channel": {
        "provider_name": ("provider_name", str),
        "language": ("language", str),
        "base_url": ("base_url", str),
        "sources": ("sources", list),
        "formats": ("formats", list),
        "availability_countries": ("availability_countries", list),
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


def load_config(path: Path | None) -> ChannelConfig:
    """Read `channel.toml` (or the defaults when `path` is None) and check every key."""
    if path is None:
        return ChannelConfig()
    where = str(path)
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(
            f"{where}: no such config file",
            path=where,
            hint="give the path of your channel.toml, or leave --config out",
        ) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{where}: not UTF-8 text (undecodable byte at offset {exc.start})",
            path=where,
            hint="save channel.toml as UTF-8",
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"{where}: not valid TOML: {exc}", path=where, hint="fix the TOML syntax there"
        ) from exc
    values: dict[str, Any] = {"path": where}
    for table, content in document.items():
        if table in _SCHEMA:
            _read_table(where, table, content, values)
        elif table == "genres":
            values["genres"] = _string_map(where, table, content)
        elif table == "rows":
            values["rows"] = tuple(
                RowRule(**_entry(where, "rows", index, entry, _ROW_KEYS, ("name",)))
                for index, entry in enumerate(_list_of_tables(where, table, content))
            )
        elif table == "live":
            values["live"] = tuple(
                _live(where, index, entry)
                for index, entry in enumerate(_list_of_tables(where, table, content))
            )
        elif table == "shows":
            values["shows"] = tuple(
                _show(where, index, entry)
                for index, entry in enumerate(_list_of_tables(where, table, content))
            )
        else:
            _unknown(where, table, [*_SCHEMA, "genres", "rows", "live", "shows"])
    config = _relative_to(path.parent, ChannelConfig(**values))
    config.check()
    return config


def _relative_to(folder: Path, config: ChannelConfig) -> ChannelConfig:
    """Local paths in the config (sources, live thumbnails) are relative to the config file."""

    def resolve(location: str) -> str:
        if location.startswith(("http://", "https://")) or Path(location).is_absolute():
            return location
        return str(folder / location)

    live = tuple(replace(stream, thumbnail=resolve(stream.thumbnail)) for stream in config.live)
    return replace(config, sources=tuple(resolve(s) for s in config.sources), live=live)


def _read_table(where: str, table: str, content: Any, values: dict[str, Any]) -> None:
    if not isinstance(content, dict):
        raise ConfigError(
            f"{where}: [{table}] must be a table",
            path=where,
            key=table,
            hint=f"write it as a [{table}] section",
        )
    for key, value in content.items():
        if key not in _SCHEMA[table]:
            _unknown(where, f"{table}.{key}", [f"{table}.{k}" for k in _SCHEMA[table]])
        name, expected = _SCHEMA[table][key]
        if not isinstance(value, expected) or (expected is not bool and isinstance(value, bool)):
            raise ConfigError(
                f"{where}: {table}.{key} = {value!r} should be {_type_name(expected)}",
                path=where,
                key=f"{table}.{key}",
                hint=f"write {table}.{key} as {_type_name(expected)}",
            )
        if isinstance(value, list):
            if not all(isinstance(v, str) for v in value):
                raise ConfigError(
                    f"{where}: {table}.{key} must be a list of strings",
                    path=where,
                    key=f"{table}.{key}",
                )
            value = tuple(value)
        values[name] = value


def _entry(
    where: str,
    table: str,
    index: int,
    entry: Any,
    known: dict[str, type],
    required: tuple[str, ...],
) -> dict[str, Any]:
    if not isinstance(entry, dict):
        raise ConfigError(
            f"{where}: [[{table}]] entry {index + 1} must be a table", path=where, key=table
        )
    for key, value in entry.items():
        if key not in known:
            _unknown(where, f"{table}[{index}].{key}", sorted(known))
        expected = known[key]
        ok = isinstance(value, expected) and (expected is bool or not isinstance(value, bool))
        if expected is list:
            ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        if not ok:
            raise ConfigError(
                f"{where}: [[{table}]] entry {index + 1}: {key} = {value!r} should be "
                f"{_type_name(expected)}",
                path=where,
                key=f"{table}.{key}",
                hint=f"write {key} as {_type_name(expected)}",
            )
    missing = [key for key in required if key not in entry]
    if missing:
        raise ConfigError(
            f"{where}: [[{table}]] entry {index + 1} is missing {', '.join(missing)}",
            path=where,
            key=table,
            hint=f"add {', '.join(missing)}",
        )
    return dict(entry)


def _live(where: str, index: int, entry: Any) -> LiveStream:
    data = _entry(
        where, "live", index, entry, _LIVE_KEYS, ("id", "title", "url", "thumbnail", "description")
    )
    if "genres" in data:
        data["genres"] = tuple(data["genres"])
    return LiveStream(**data)


def _show(where: str, index: int, entry: Any) -> Show:
    data = _entry(where, "shows", index, entry, _SHOW_KEYS, ("name", "section"))
    if "genres" in data:
        data["genres"] = tuple(data["genres"])
    return Show(**data)


def _list_of_tables(where: str, table: str, content: Any) -> list[Any]:
    if not isinstance(content, list):
        raise ConfigError(
            f"{where}: {table} must be written as [[{table}]] entries",
            path=where,
            key=table,
            hint=f"start each entry with [[{table}]]",
        )
    return content


def _string_map(where: str, table: str, content: Any) -> dict[str, str]:
    if not isinstance(content, dict) or not all(isinstance(v, str) for v in content.values()):
        raise ConfigError(
            f"{where}: [{table}] maps names to genre strings",
            path=where,
            key=table,
            hint='e.g. "Sports" = "sports"',
        )
    return dict(content)


def _unknown(where: str, key: str, known: list[str]) -> None:
    close = difflib.get_close_matches(key, known, n=1)
    hint = f"did you mean {close[0]!r}?" if close else "known keys: " + ", ".join(known)
    raise ConfigError(f"{where}: unknown key {key!r}", path=where, key=key, hint=hint)


def _type_name(expected: type | tuple[type, ...]) -> str:
    names = {
        str: "a string",
        int: "a whole number",
        list: "a list of strings",
        bool: "true or false",
    }
    if isinstance(expected, tuple):
        return " or ".join(names.get(t, t.__name__) for t in expected)
    return names.get(expected, expected.__name__)
