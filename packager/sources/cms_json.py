"""CMS exports (`article.json`): validated against `schemas/article.schema.json`, then read.

Every bad field is reported at once, one line each, located by its JSON Pointer, e.g.
`bundles/42/article.json /images/0/caption: 12 is not of type 'string'`.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator, Sequence
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from packager.errors import SourceError
from packager.filekinds import kind_note, looks_like
from packager.ids import stable_id
from packager.model import Article, CaptionFile, Image, Video
from packager.schemas import ARTICLE_SCHEMA, load_schema
from packager.sources.media import MAX_DURATION_SECONDS, parse_duration
from packager.sources.text import (
    OUT_OF_RANGE_DATE,
    cut_footer,
    normalise_space,
    parse_iso_date,
    split_breadcrumb,
    split_credit,
    video_type_for,
)
from packager.spec import to_pointer

_MAX_SHOWN = 60  # characters of an offending value quoted in a message


@functools.lru_cache(maxsize=1)
def article_validator() -> Draft202012Validator:
    """The validator of article.json documents (formats such as date-time enforced)."""
    return Draft202012Validator(
        load_schema(ARTICLE_SCHEMA), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def parse_json_article(
    data: bytes,
    *,
    origin: str,
    fallback_id: str,
    boilerplate: Sequence[re.Pattern[str]],
    default_language: str,
) -> Article:
    """The Article of a CMS export; media `file` names are resolved by the bundle reader.

    Raises SourceError for bad JSON and, listing them all, for fields the schema rejects.
    """
    document = _load(data, origin)
    problems = schema_problems(document)
    if problems:
        listing = "\n".join(f"  {origin} {problem}" for problem in problems)
        raise SourceError(
            f"invalid article.json: {origin} — {len(problems)} bad field(s):\n{listing}",
            location=origin,
            hint="fix each field named above; the expected shape is schemas/article.schema.json",
        )
    language = document.get("language") or default_language
    url = document.get("url", "")
    body = _paragraphs(document.get("body", ""))
    body = [" ".join(block) for block in cut_footer([[p] for p in body], boilerplate)]
    warnings: list[str] = []
    published = _datetime(document, "published")
    if published is None:
        warnings.append(f'{origin}: no date — add "published": "2022-01-26T18:30:00Z"')
    if not body:
        warnings.append(f"{origin}: no body text")
    if document.get("sectionPath"):
        section_path = tuple(normalise_space(part) for part in document["sectionPath"])
    else:
        section_path = split_breadcrumb(document.get("section", ""))
    return Article(
        id=stable_id(explicit=document.get("id", ""), url=url, fallback=fallback_id),
        title=normalise_space(document["title"]),
        origin=origin,
        url=url,
        section_path=section_path,
        summary=normalise_space(document.get("summary", "")) or (body[0] if body else ""),
        body=tuple(body),
        published=published,
        modified=_datetime(document, "modified"),
        authors=tuple(normalise_space(name) for name in document.get("authors", ())),
        tags=tuple(normalise_space(tag) for tag in document.get("tags", ())),
        language=language,
        images=tuple(_image(entry) for entry in document.get("images", ())),
        videos=tuple(_video(entry) for entry in document.get("videos", ())),
        captions=tuple(_caption(entry, language) for entry in document.get("captions", ())),
        warnings=tuple(warnings),
    )


def _load(data: bytes, origin: str) -> Any:
    try:
        return json.loads(data)
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"article.json is not UTF-8: {origin} — bad byte at offset {exc.start}"
            f"{kind_note(looks_like(data))}",
            location=origin,
            hint="JSON files must be UTF-8 (RFC 8259); re-export or re-save as UTF-8",
        ) from exc
    except json.JSONDecodeError as exc:
        raise SourceError(
            f"bad JSON: {origin}:{exc.lineno}:{exc.colno} — {exc.msg}",
            location=f"{origin}:{exc.lineno}:{exc.colno}",
            hint="fix the syntax at that line and column (a JSON linter shows it too)",
        ) from exc
    except ValueError as exc:  # Python's limit on integer digits (4,300 by default)
        raise SourceError(
            f"bad JSON: {origin} — a number too long to read",
            location=origin,
            hint="numbers in an article export are short (a duration, a size); check the file "
            "is the right one",
        ) from exc
    except RecursionError as exc:
        raise SourceError(
            f"bad JSON: {origin} — nested too deeply",
            location=origin,
            hint="an article export is a flat object; check the file is the right one",
        ) from exc


def schema_problems(document: Any) -> list[str]:
    """One line per bad field, `/pointer: why`, sorted by pointer (empty when valid)."""
    problems: set[str] = set()
    for error in article_validator().iter_errors(document):
        problems.update(_describe(error))
    problems.update(_value_problems(document))
    return sorted(problems)


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_DATE_KEYS = frozenset({"published", "modified"})


def _value_problems(value: Any, pointer: str = "") -> Iterator[str]:
    """Values the schema lets through that no feed can hold: a lone surrogate (`\\ud800`,
    not a character: no UTF-8 encoder writes it), a date beyond year 9999 or before year 1
    once in UTC, a duration beyond MAX_DURATION_SECONDS."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _value_problems(key, pointer)
            yield from _value_problems(item, pointer + to_pointer([str(key)]))
        duration = value.get("duration")
        if _positive_number(duration) and parse_duration(duration) is None:
            yield f"{pointer}/duration: {_show(duration)} is beyond {MAX_DURATION_SECONDS} seconds"
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _value_problems(item, f"{pointer}/{index}")
    elif isinstance(value, str):
        found = _LONE_SURROGATE.search(value)
        if found:
            yield (
                f"{pointer or '/'}: holds a lone surrogate \\u{ord(found.group()):04x} at "
                f"character {found.start()}, which is not text"
            )
        elif pointer.rsplit("/", 1)[-1] in _DATE_KEYS and pointer.count("/") == 1:
            try:
                parse_iso_date(value)
            except ValueError as exc:
                if str(exc) == OUT_OF_RANGE_DATE:  # other bad dates: the schema names them
                    yield f"{pointer}: {_show(value)} is {exc}"


def _describe(error: ValidationError) -> list[str]:
    pointer = to_pointer(error.absolute_path)
    instance = error.instance
    if error.validator == "required":
        missing = re.match(r"'([^']+)'", error.message)
        field = missing.group(1) if missing else "?"
        return [f"{pointer}{to_pointer([field])}: missing (required)"]
    if error.validator == "additionalProperties" and isinstance(instance, dict):
        schema = error.schema if isinstance(error.schema, dict) else {}
        known = set(schema.get("properties", {}))
        return [
            f"{pointer}{to_pointer([key])}: unknown field (known: {', '.join(sorted(known))};"
            " CMS-specific data may use an `x-` prefix)"
            for key in instance
            if key not in known and not key.startswith("x-")
        ]
    if error.validator == "oneOf" and isinstance(instance, dict):
        if "file" in instance and "url" in instance:
            return [f"{pointer}: has both `file` and `url` — give one"]
        return [f"{pointer}: needs `file` (a name in the bundle) or `url` (http/https)"]
    if error.validator == "pattern":
        return [f"{pointer}: {_show(instance)} {_pattern_meaning(error.validator_value)}"]
    if error.validator == "format" and error.validator_value == "date-time":
        return [
            f"{pointer}: {_show(instance)} is not an RFC 3339 date-time with a zone,"
            " e.g. 2022-01-26T18:30:00Z"
        ]
    message = error.message
    if len(message) > 200:  # messages quote the instance: keep huge values out
        message = f"{_show(instance)} is invalid ({error.validator})"
    return [f"{pointer or '(root)'}: {message}"]


def _pattern_meaning(pattern: object) -> str:
    definitions = load_schema(ARTICLE_SCHEMA)["$defs"]
    meanings = {
        definitions["text"]["pattern"]: "must not be blank",
        definitions["httpUrl"]["pattern"]: "is not an absolute http(s) URL",
        definitions["language"]["pattern"]: "is not a language code like en, en-US or fil",
    }
    return meanings.get(str(pattern), f"does not match {pattern!r}")


def _positive_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


def _show(value: object) -> str:
    text = _LONE_SURROGATE.sub("\ufffd", json.dumps(value, ensure_ascii=False))
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"


def _paragraphs(body: str | list[str]) -> list[str]:
    chunks = re.split(r"\n\s*\n", body) if isinstance(body, str) else body
    return [text for text in (normalise_space(chunk) for chunk in chunks) if text]


def _datetime(document: dict[str, Any], key: str) -> Any:
    value = document.get(key)
    # The schema's date-time format already holds; parse_iso_date takes every RFC 3339 form.
    return parse_iso_date(value) if value else None


def _image(entry: dict[str, Any]) -> Image:
    caption = normalise_space(entry.get("caption", ""))
    credit = normalise_space(entry.get("credit", ""))
    if caption and not credit:  # "Blinken speaks. (Reuters photo)": the credit is in the caption
        caption, credit = split_credit(caption) or (caption, "")
    return Image(entry.get("file") or entry["url"], caption, credit, entry.get("alt", ""))


def _video(entry: dict[str, Any]) -> Video:
    location = entry.get("file") or entry["url"]
    return Video(
        location,
        entry.get("type") or video_type_for(location),
        duration_seconds=parse_duration(entry.get("duration")),
        bitrate_kbps=entry.get("bitrate"),
    )


def _caption(entry: dict[str, Any], language: str) -> CaptionFile:
    return CaptionFile(
        entry.get("file") or entry["url"],
        entry.get("language") or language,
        entry.get("type") or "SUBTITLE",
    )
