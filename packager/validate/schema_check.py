"""The schema part of validation: one compiled validator finds and locates every failure.

jsonschema-rs answers "is this valid?" for the whole feed; when it is not, its errors carry the
instance path and the schema location of each failed keyword. The schema node at that location
holds packager's annotations (`x-rule`, `x-severity`, `x-hint`, `x-message`; see the schema's
description), which turn each failure into a `Problem`. No item is checked twice, so an invalid
feed costs about as much as a valid one.

Real feeds write `"credits": null` for "none": a null value counts as a missing key (a warning
`null-value` when the key is optional, a missing required field when it is not). The keys that
are null are taken out and the document is checked again, so that "seasons or episodes" sees
`"seasons": null` as no seasons.

The pure-Python jsonschema errors (the Search Feed check) go through the same description.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

import jsonschema_rs

from packager.model import Problem, Severity
from packager.schemas import FEED_SCHEMA, schema_path
from packager.validate.pointers import field_name, to_pointer

if TYPE_CHECKING:  # the pure-Python validator is imported only when it is needed
    from jsonschema import Draft202012Validator, ValidationError

# Top-level arrays and the $defs entry each item uses (the schema's own layout, spec §2).
ITEM_DEFS = {
    "movies": "Movie",
    "series": "Series",
    "shortFormVideos": "ShortFormVideo",
    "tvSpecials": "TVSpecial",
    "liveFeeds": "LiveFeed",
    "categories": "Category",
    "playlists": "Playlist",
}

_JSON_TYPES = {
    dict: "an object",
    list: "a list",
    str: "a string",
    bool: "true/false",
    int: "a number",
    float: "a number",
    type(None): "null",
}

Path = tuple[str | int, ...]


class Failure(NamedTuple):
    """One failed schema keyword: where (`path`), which (`keyword`, in the schema node `schema`
    that holds it and its annotations), the value that failed, and for `required` the name.

    A named tuple: an invalid feed makes thousands, and a tuple is the cheapest immutable
    record to build."""

    keyword: str
    path: Path
    instance: Any
    schema: Mapping[str, Any]
    missing: str = ""
    text: str = ""

    @property
    def value(self) -> Any:
        return self.schema.get(self.keyword)

    @property
    def severity(self) -> Severity:
        if self.keyword in ("additionalProperties", "nullValue"):
            return Severity.WARNING
        return Severity.WARNING if self.schema.get("x-severity") == "warning" else Severity.ERROR


class FeedSchema:
    """The feed schema, compiled once."""

    def __init__(self, schema: dict[str, Any] | None = None) -> None:
        self.schema = dict(schema or _load_feed_schema())
        self._node = lru_cache(maxsize=None)(self._resolve)
        # absolute keyword location -> the schema node holding the keyword (a schema has few)
        self._node_at: dict[str, Mapping[str, Any]] = {}

    @cached_property
    def compiled(self) -> Any:
        return jsonschema_rs.validator_for(self.schema, validate_formats=True)

    @cached_property
    def fallback(self) -> Draft202012Validator:
        """The pure-Python validator, for documents nested deeper than jsonschema-rs descends."""
        from jsonschema import Draft202012Validator

        return Draft202012Validator(self.schema, format_checker=Draft202012Validator.FORMAT_CHECKER)

    def check(self, document: Any) -> list[Problem]:
        """Every schema problem in `document`, located by JSON Pointer."""
        try:
            if self.compiled.is_valid(document):
                return []
        except ValueError:  # "Recursion limit reached": only the fallback can say where
            pass
        nulls: list[Path] = []
        try:
            stripped = _strip_null_keys(document, (), nulls)
        except RecursionError:  # nested too deeply to walk: judge it as it is
            stripped, nulls = document, []
        failures = self._failures(stripped)
        reported_missing = {(f.path, f.missing) for f in failures if f.keyword == "required"}
        failures.extend(
            Failure("nullValue", path, None, {})
            for path in nulls
            if (path[:-1], path[-1]) not in reported_missing
        )
        return to_problems(failures)

    def _failures(self, document: Any) -> list[Failure]:
        try:
            return [self._failure(error) for error in self.compiled.iter_errors(document)]
        except ValueError:
            return list(jsonschema_failures(self.fallback.iter_errors(document)))

    def _failure(self, error: Any) -> Failure:
        kind = error.kind
        keyword = str(kind.name)
        location = str(error.absolute_keyword_location or "")
        node = self._node_at.get(location)
        if node is None:
            fragment = location.split("#", 1)[1] if "#" in location else ""
            node = self._node_at[location] = self._node(
                fragment.rsplit("/", 1)[0] if fragment else ""
            )
        return Failure(
            keyword=keyword,
            path=tuple(error.instance_path),
            instance=error.instance,
            schema=node,
            missing=str(getattr(kind, "property", "")) if keyword == "required" else "",
            text=str(error.message),
        )

    def _resolve(self, pointer: str) -> Mapping[str, Any]:
        """The schema node at JSON Pointer `pointer` (the parent of a failed keyword)."""
        node: Any = self.schema
        for raw in pointer.split("/")[1:]:
            part = raw.replace("~1", "/").replace("~0", "~")
            node = node[int(part)] if isinstance(node, list) else node.get(part, {})
        return node if isinstance(node, Mapping) else {}


def _load_feed_schema() -> dict[str, Any]:
    """The feed schema, checked against its metaschema by jsonschema-rs: the same check as
    `schemas.load_schema` in a fraction of the pure-Python metaschema pass (validate's
    start-up time is most of its time on a small feed)."""
    schema: dict[str, Any] = json.loads(schema_path(FEED_SCHEMA).read_text(encoding="utf-8"))
    jsonschema_rs.meta.validate(schema)
    return schema


def _strip_null_keys(node: Any, path: Path, found: list[Path]) -> Any:
    """`node` without its keys whose value is null (their paths added to `found`); containers
    are copied only where something was taken out."""
    found_at: list[tuple[_Trail, str]] = []
    stripped = _strip(node, None, found_at)
    found.extend((*path, *_path_of(trail), key) for trail, key in found_at)
    return stripped


# Where the walk is, as (parent trail, key or index) links: a path is written out only for the
# few null keys found, not for every container passed (a feed has hundreds of thousands).
_Trail = tuple[Any, str | int] | None


# The values that hold nothing to strip, tested by exact type first: most values are these.
_LEAVES = frozenset({str, int, float, bool})


def _strip(node: Any, trail: _Trail, found: list[tuple[_Trail, str]]) -> Any:
    if isinstance(node, dict):
        changed = None
        for key, value in node.items():
            if value.__class__ in _LEAVES:
                continue
            if value is None:
                found.append((trail, key))
                if changed is None:
                    changed = dict(node)
                del changed[key]
            elif isinstance(value, (dict, list)):
                new = _strip(value, (trail, key), found)
                if new is not value:
                    if changed is None:
                        changed = dict(node)
                    changed[key] = new
        return node if changed is None else changed
    if isinstance(node, list):
        items = None
        for index, value in enumerate(node):
            if value.__class__ not in _LEAVES and isinstance(value, (dict, list)):
                new = _strip(value, (trail, index), found)
                if new is not value:
                    if items is None:
                        items = list(node)
                    items[index] = new
        return node if items is None else items
    return node


def _path_of(trail: _Trail) -> Path:
    parts: list[str | int] = []
    while trail is not None:
        trail, part = trail
        parts.append(part)
    return tuple(reversed(parts))


def jsonschema_failures(errors: Iterable[ValidationError], prefix: Path = ()) -> Iterator[Failure]:
    """The pure-Python validator's errors as Failures (for the Search Feed check)."""
    for error in errors:
        keyword = str(error.validator)
        message = error.message
        missing = ""
        if keyword == "required" and message.count("'") >= 2:
            missing = message.split("'")[1]  # "'id' is a required property"
        yield Failure(
            keyword=keyword,
            path=prefix + tuple(error.absolute_path),
            instance=error.instance,
            schema=error.schema if isinstance(error.schema, Mapping) else {},
            missing=missing,
            text=message,
        )


def to_problems(failures: Iterable[Failure]) -> list[Problem]:
    """Problems for `failures`; the missing required fields of one object become one problem."""
    problems: list[Problem] = []
    missing: dict[Path, list[str]] = {}
    missing_schema: dict[Path, Mapping[str, Any]] = {}
    for failure in failures:
        if failure.keyword == "required" and failure.severity is Severity.ERROR:
            names = missing.setdefault(failure.path, [])
            if failure.missing not in names:
                names.append(failure.missing)
            missing_schema[failure.path] = failure.schema
            continue
        problems.extend(_describe(failure))
    for path, names in missing.items():
        listed = ", ".join(repr(name) for name in names)
        noun = "fields" if len(names) > 1 else "field"
        problems.append(
            Problem(
                pointer=to_pointer(path),
                rule="required-field",
                severity=Severity.ERROR,
                message=f"{_where(path)} is missing required {noun} {listed}",
                hint=_hint(missing_schema[path], f"add {listed}"),
            )
        )
    return problems


def _describe(failure: Failure) -> Iterator[Problem]:
    keyword, path, schema = failure.keyword, failure.path, failure.schema
    name = field_name(path)
    if keyword == "additionalProperties":
        yield from _unknown_keys(failure, name)
        return
    if keyword == "nullValue":
        yield Problem(
            pointer=to_pointer(path),
            rule="null-value",
            severity=Severity.WARNING,
            message=f"{name} is null",
            hint=f"leave {name!r} out instead of writing null",
        )
        return
    rule = str(schema.get("x-rule") or f"schema-{keyword}")
    hint = _hint(schema, "")
    if keyword == "enum" and "x-message" not in schema:
        suggestion = _suggest(failure.instance, failure.value)
        hint = f"did you mean {suggestion!r}?" if suggestion else hint
    yield Problem(to_pointer(path), rule, failure.severity, _message(failure, name), hint)


# Unknown keys of one object that get a spelling suggestion: a misspelt key comes alone or in
# a few; an object of 300,000 unknown keys (a hostile feed) would take minutes of difflib.
_SUGGESTIONS_PER_OBJECT = 20


def _unknown_keys(failure: Failure, name: str) -> Iterator[Problem]:
    known = frozenset(failure.schema.get("properties", {}))
    instance = failure.instance if isinstance(failure.instance, Mapping) else {}
    for index, key in enumerate(sorted(set(instance) - known)):
        yield Problem(
            pointer=to_pointer((*failure.path, key)),
            rule="unknown-key",
            severity=Severity.WARNING,
            message=f"unknown key {key!r} in {name} is not part of the feed spec",
            hint=_unknown_key_hint(
                key, known, failure.path, suggest=index < _SUGGESTIONS_PER_OBJECT
            ),
        )


def _message(failure: Failure, name: str) -> str:
    keyword, value, instance = failure.keyword, failure.value, failure.instance
    if keyword == "required":  # a lenient (warning-level) required
        return f"{_where(failure.path)} has no {failure.missing!r}"
    if keyword == "type":
        expected = " or ".join(value) if isinstance(value, list) else str(value)
        return f"{name} is {_json_type(instance)}, expected {_article(expected)}"
    if "x-message" in failure.schema:
        template = str(failure.schema["x-message"])
        return template.format(name=name, value=repr(_shorten(instance)))
    blank = isinstance(instance, str) and not instance.strip()
    if keyword in ("minLength", "pattern") and blank:
        return f"{name} is empty"
    describe = _MESSAGES.get(keyword)
    return describe(name, instance, value) if describe is not None else f"{name}: {failure.text}"


# The message of each failed keyword, from the field's name, its value and the keyword's value.
_MESSAGES: dict[str, Callable[[str, Any, Any], str]] = {
    "enum": lambda name, instance, _: f"{name} is {instance!r}, which is not an allowed value",
    "maxLength": lambda name, instance, value: (
        f"{name} is {len(instance)} characters, over the {value}-character limit"
    ),
    "pattern": lambda name, instance, _: (
        f"{name} {_shorten(instance)!r} is not in the expected form"
    ),
    "format": lambda name, instance, value: f"{name} {_shorten(instance)!r} is not a valid {value}",
    "minItems": lambda name, _, __: f"{name} is an empty list",
    "maxItems": lambda name, instance, value: (
        f"{name} has {len(instance)} entries, more than {value}"
    ),
    "minimum": lambda name, instance, value: f"{name} is {instance}, below the minimum {value}",
    "exclusiveMinimum": lambda name, instance, value: (
        f"{name} is {instance}, below the minimum {value}"
    ),
    "maximum": lambda name, instance, value: f"{name} is {instance}, above the maximum {value}",
    "anyOf": lambda name, _, __: f"{name} does not have any of the allowed forms",
}


# Keys that belong somewhere else (spec §3.3-§3.10), by the object they belong in. Checked
# before spelling suggestions, so an item-level ratingSource is not "did you mean 'rating'?".
ITEM_KEYS = frozenset({"genres", "tags", "thumbnail", "releaseDate", "shortDescription", "title"})
CONTENT_KEYS = frozenset(
    {"videos", "duration", "dateAdded", "captions", "trickPlayFiles", "adBreaks"}
)
VIDEO_KEYS = frozenset({"url", "videoType", "quality", "bitrate"})


def _unknown_key_hint(key: str, known: frozenset[str], path: Path, *, suggest: bool = True) -> str:
    parent = path[-1] if path else ""
    episode = len(path) >= 2 and path[-2] == "episodes"
    home = ""
    if key == "ratingSource":
        home = 'inside the item\'s rating object: "rating": {"rating": "TVPG", "ratingSource": "USA_PR"}'
    elif episode and key in ("genres", "tags"):
        return f"remove it: episodes have no {key} in the spec; give {key} to the series"
    elif parent == "content" and key in ITEM_KEYS:
        home = "on the item itself, beside title (not inside content)"
    elif parent == "content" and key in VIDEO_KEYS:
        home = 'inside a video of content.videos: [{"url": ..., "quality": ..., "videoType": ...}]'
    elif parent != "content" and key in CONTENT_KEYS:
        home = "inside the item's content object"
    if home:
        return f"move it: {key} belongs {home}"
    close = _closest_key(key, known) if suggest else ""
    if close:
        return f"did you mean {close!r}? keys are case sensitive"
    return "remove it, or move it where the spec puts it; Roku ignores unknown keys"


@lru_cache(maxsize=4096)
def _closest_key(key: str, known: frozenset[str]) -> str:
    """The known key `key` is likely a misspelling of, or "" (the same unknown key in every
    item of a feed is looked up once)."""
    import difflib  # only for a key that is unknown: not at start-up

    close = difflib.get_close_matches(key, sorted(known), n=1)
    return close[0] if close else ""


def _hint(schema: Mapping[str, Any], default: str) -> str:
    return str(schema.get("x-hint") or default)


def _where(path: tuple[str | int, ...]) -> str:
    if not path:
        return "the feed"
    if len(path) >= 2 and isinstance(path[-1], int):
        return f"{path[-2]}[{path[-1]}]"
    return field_name(path)


def _json_type(value: Any) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


_TYPE_NAMES = {"object": "an object", "array": "a list", "integer": "a whole number"}


def _article(expected: str) -> str:
    return _TYPE_NAMES.get(expected) or f"a {expected}"


def _suggest(instance: Any, allowed: Any) -> str:
    if not isinstance(instance, str) or not isinstance(allowed, list):
        return ""
    by_fold = {str(choice).casefold(): str(choice) for choice in allowed}
    if instance.strip().casefold() in by_fold:
        return by_fold[instance.strip().casefold()]
    import difflib

    close = difflib.get_close_matches(instance, [str(choice) for choice in allowed], n=1)
    return close[0] if close else ""


def _shorten(text: Any, limit: int = 80) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
