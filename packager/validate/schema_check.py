"""The schema part of validation: a compiled fast path, and precise, located problems for what fails.

The Rust validator (jsonschema-rs) answers "is this valid?" for the whole feed and then for
each item; only items it rejects go through the pure-Python jsonschema validator, whose errors
carry the exact path. Schema annotations (`x-rule`, `x-severity`, `x-hint`; see the schema's
description) turn each failed constraint into a `Problem`.
"""

from __future__ import annotations

import copy
import difflib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator, ValidationError
from jsonschema.validators import extend

from packager.model import Problem, Severity
from packager.schemas import FEED_SCHEMA, load_schema
from packager.validate.pointers import field_name, to_pointer

# Top-level arrays whose items are checked one by one, with the $defs entry each item uses.
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


def _properties_allowing_null(
    validator: Any, properties: Mapping[str, Any], instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    """`properties`, except that `null` for an optional key is one lenient `nullValue` problem.

    Real feeds write `"credits": null` for "none"; Roku's spec wants the key left out.
    """
    if not validator.is_type(instance, "object"):
        return
    required = set(schema.get("required", ()))
    for name, subschema in properties.items():
        if name not in instance:
            continue
        value = instance[name]
        if value is None:
            # A required key that is null is reported as missing (see _required_not_null).
            if name not in required:
                yield ValidationError(
                    f"{name} is null",
                    validator="nullValue",
                    validator_value=None,
                    instance=None,
                    schema=subschema,
                    path=[name],
                )
            continue
        yield from validator.descend(value, subschema, path=name, schema_path=name)


def _required_not_null(
    validator: Any, required: list[str], instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    """`required`, counting a key whose value is null as missing (also inside anyOf: a series
    with `"seasons": null` and no episodes has neither)."""
    if not validator.is_type(instance, "object"):
        return
    for name in required:
        if instance.get(name) is None:
            yield ValidationError(f"{name!r} is a required property")


LenientValidator = extend(
    Draft202012Validator,
    {"properties": _properties_allowing_null, "required": _required_not_null},
)


@dataclass(frozen=True)
class _Compiled:
    fast: Any
    precise: Any


class FeedSchema:
    """The feed schema, compiled once: whole-feed and per-item validators, fast and precise."""

    def __init__(self, schema: dict[str, Any] | None = None) -> None:
        self.schema = dict(schema or load_schema(FEED_SCHEMA))

    @cached_property
    def whole(self) -> _Compiled:
        return self._compile(self.schema)

    @cached_property
    def shallow_root(self) -> _Compiled:
        """The root object with item arrays checked only as arrays (items are checked one by one)."""
        root = copy.deepcopy(self.schema)
        for key in ITEM_DEFS:
            root["properties"][key] = {
                **root["properties"][key],
                "items": True,
            }
        return self._compile(root)

    @cached_property
    def items(self) -> dict[str, _Compiled]:
        compiled = {}
        for key, definition in ITEM_DEFS.items():
            item_schema = {
                "$schema": self.schema["$schema"],
                "$defs": self.schema["$defs"],
                "$ref": f"#/$defs/{definition}",
            }
            compiled[key] = self._compile(item_schema)
        return compiled

    @staticmethod
    def _compile(schema: dict[str, Any]) -> _Compiled:
        return _Compiled(
            fast=jsonschema_rs.validator_for(schema, validate_formats=True),
            precise=LenientValidator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER),
        )

    def check(self, document: Any) -> list[Problem]:
        """Every schema problem in `document`, located by JSON Pointer."""
        if self.whole.fast.is_valid(document):
            return []
        if not isinstance(document, dict):
            return _to_problems(self.whole.precise.iter_errors(document), ())
        problems = _to_problems(self.shallow_root.precise.iter_errors(document), ())
        for key, compiled in self.items.items():
            items = document.get(key)
            if not isinstance(items, list):
                continue
            for index, item in enumerate(items):
                if compiled.fast.is_valid(item):
                    continue
                problems.extend(_to_problems(compiled.precise.iter_errors(item), (key, index)))
        return problems


def _to_problems(errors: Iterator[ValidationError], prefix: tuple[str | int, ...]) -> list[Problem]:
    problems: list[Problem] = []
    missing: dict[tuple[str | int, ...], list[str]] = {}
    missing_schema: dict[tuple[str | int, ...], Mapping[str, Any]] = {}
    for error in errors:
        path = prefix + tuple(error.absolute_path)
        if error.validator == "required" and _severity(error) is Severity.ERROR:
            missing.setdefault(path, []).append(_missing_property(error))
            missing_schema[path] = error.schema if isinstance(error.schema, Mapping) else {}
            continue
        problems.extend(_describe(error, path))
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


def _describe(error: ValidationError, path: tuple[str | int, ...]) -> Iterator[Problem]:
    keyword = str(error.validator)
    value: Any = error.validator_value
    instance: Any = error.instance
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    severity = _severity(error)
    rule = str(schema.get("x-rule") or f"schema-{keyword}")
    name = field_name(path)

    if keyword == "additionalProperties":
        known = set(schema.get("properties", {}))
        for key in sorted(set(instance) - known):
            hint = _unknown_key_hint(key, known)
            yield Problem(
                pointer=to_pointer((*path, key)),
                rule="unknown-key",
                severity=Severity.WARNING,
                message=f"unknown key {key!r} in {name} is not part of the feed spec",
                hint=hint,
            )
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
    if keyword == "required":  # a lenient (warning-level) required
        missing = _missing_property(error)
        message = f"{_where(path)} has no {missing!r}"
    elif keyword == "type":
        expected = " or ".join(value) if isinstance(value, list) else str(value)
        message = f"{name} is {_json_type(instance)}, expected {_article(expected)}"
    elif "x-message" in schema:
        message = str(schema["x-message"]).format(name=name, value=repr(_shorten(instance)))
    elif keyword == "enum":
        message = f"{name} is {instance!r}, which is not an allowed value"
        suggestion = _suggest(instance, value)
        if suggestion:
            yield Problem(
                to_pointer(path), rule, severity, message, f"did you mean {suggestion!r}?"
            )
            return
    elif keyword == "maxLength":
        message = f"{name} is {len(instance)} characters, over the {value}-character limit"
    elif keyword in ("minLength", "pattern") and isinstance(instance, str) and not instance.strip():
        message = f"{name} is empty"
    elif keyword == "pattern":
        message = f"{name} {_shorten(instance)!r} is not in the expected form"
    elif keyword == "format":
        message = f"{name} {_shorten(instance)!r} is not a valid {value}"
    elif keyword == "minItems":
        message = f"{name} is an empty list"
    elif keyword == "maxItems":
        message = f"{name} has {len(instance)} entries, more than {value}"
    elif keyword in ("minimum", "exclusiveMinimum"):
        message = f"{name} is {instance}, below the minimum {value}"
    elif keyword == "anyOf":
        message = f"{name} does not have any of the allowed forms"
    else:
        message = f"{name}: {error.message}"
    yield Problem(to_pointer(path), rule, severity, message, _hint(schema, ""))


# Keys that belong somewhere else in an item (spec §3.3-§3.10): where to move them. Checked
# before spelling suggestions, so an item-level ratingSource is not "did you mean 'rating'?".
KEY_HOMES = {
    "genres": "genres belongs on the item itself, beside title (not inside content)",
    "tags": "tags belongs on the item itself, beside title (not inside content)",
    "thumbnail": "thumbnail belongs on the item itself, beside title",
    "releaseDate": "releaseDate belongs on the item itself, beside title",
    "shortDescription": "shortDescription belongs on the item itself, beside title",
    "ratingSource": 'ratingSource belongs inside the item\'s rating object: "rating": {"rating": "TVPG", "ratingSource": "USA_PR"}',
    "videos": "videos belongs inside the item's content object",
    "duration": "duration belongs inside the item's content object",
    "dateAdded": "dateAdded belongs inside the item's content object",
    "captions": "captions belongs inside the item's content object",
    "trickPlayFiles": "trickPlayFiles belongs inside the item's content object",
    "adBreaks": "adBreaks belongs inside the item's content object",
    "url": "url belongs inside a video of content.videos",
    "videoType": "videoType belongs inside a video of content.videos",
    "quality": "quality belongs inside a video of content.videos",
    "episodeNumber": "episodeNumber belongs on an episode of a series",
    "seasonNumber": "seasonNumber belongs on a season of a series",
}


def _unknown_key_hint(key: str, known: set[str]) -> str:
    if key in KEY_HOMES:
        return f"move it: {KEY_HOMES[key]}"
    close = difflib.get_close_matches(key, known, n=1)
    if close:
        return f"did you mean {close[0]!r}? keys are case sensitive"
    return "remove it, or move it where the spec puts it; Roku ignores unknown keys"


def _severity(error: ValidationError) -> Severity:
    if error.validator in ("additionalProperties", "nullValue"):
        return Severity.WARNING
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    return Severity.WARNING if schema.get("x-severity") == "warning" else Severity.ERROR


def _hint(schema: Mapping[str, Any], default: str) -> str:
    return str(schema.get("x-hint") or default)


def _missing_property(error: ValidationError) -> str:
    # jsonschema's message is "'id' is a required property"; the name is the quoted part.
    message = error.message
    return message.split("'")[1] if message.count("'") >= 2 else message


def _where(path: tuple[str | int, ...]) -> str:
    if not path:
        return "the feed"
    if len(path) >= 2 and isinstance(path[-1], int):
        return f"{path[-2]}[{path[-1]}]"
    return field_name(path)


def _json_type(value: Any) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _article(expected: str) -> str:
    names = {"object": "an object", "array": "a list", "integer": "a whole number"}
    return names.get(expected, f"a {expected}")


def _suggest(instance: Any, allowed: Any) -> str:
    if not isinstance(instance, str) or not isinstance(allowed, list):
        return ""
    by_fold = {str(choice).casefold(): str(choice) for choice in allowed}
    if instance.strip().casefold() in by_fold:
        return by_fold[instance.strip().casefold()]
    close = difflib.get_close_matches(instance, [str(choice) for choice in allowed], n=1)
    return close[0] if close else ""


def _shorten(text: Any, limit: int = 80) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
