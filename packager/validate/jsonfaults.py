"""What `json.loads` accepts but a Roku device cannot read the same way, found and located.

Python's parser silently keeps the last of duplicate keys, reads `NaN`, `Infinity` and `1e400`
(as infinity) and lone UTF-16 surrogates (`"\\ud800"`, which no UTF-8 encoder can write). Each
is reported as a `Problem` at its JSON Pointer, and the document is repaired (a non-finite
number becomes a finite stand-in, so its key is still there and its own error is the one
reported at its place; lone surrogates become U+FFFD) so that the rest of validation can run.

The checks cost almost nothing on a clean feed: the parse builds each object from its pairs
(`object_pairs_hook`), and only an object with fewer keys than pairs keeps its duplicates'
counts, found by one walk of the document when there is one.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from typing import Any

from packager.model import Problem, Severity
from packager.spec import to_pointer

# A \uD800-\uDFFF escape: the only way a lone surrogate gets into a UTF-8 JSON text.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
# A control character (escaped: JSON allows none raw in a string; \t \n \r are written
# short), a bidi override or isolate, or a byte order mark (raw or escaped) in some string.
_INVISIBLE_ESCAPED = re.compile(
    r"\\u(?:00[01][0-9a-fA-F]|007[fF]|200[eEfF]|202[a-eA-E]|206[6-9]|[fF][eE][fF][fF])"
)
_INVISIBLE_RAW = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_INVISIBLE_CHARACTER = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)


# What a NaN, Infinity or overflowing number is read as: finite, and beyond every bound the
# schema sets, so the key is not "missing" (its own error, number-not-finite, says more).
NON_FINITE_STANDIN = 2**63


class _PairsDict(dict[str, Any]):
    """An object as parsed with its duplicate keys (name -> how many times it was written)."""

    duplicates: dict[str, int]


def find_faults(
    text: str, data: Any, *, saw_non_finite: bool, saw_duplicates: bool
) -> tuple[Any, list[Problem]]:
    """Problems the plain parse of `text` into `data` hid, and `data` repaired.

    `saw_non_finite` says whether the parser met NaN, Infinity, -Infinity or a number too
    large for a double (see `parse_float`), `saw_duplicates` whether an object wrote a key
    more than once (see `noting_duplicates`).
    """
    problems: list[Problem] = []
    if saw_duplicates:
        problems.extend(_duplicate_problems(data))
    if saw_non_finite:
        data = _repair(data, (), problems, _non_finite)
    if _SURROGATE_ESCAPE.search(text):
        data = _repair(data, (), problems, _lone_surrogate)
    if _has_invisible_characters(text):
        _repair(data, (), problems, _invisible_characters)
    return data, problems


def noting_duplicates(seen: list[bool]) -> Callable[[list[tuple[str, Any]]], dict[str, Any]]:
    """An `object_pairs_hook` that builds each object as the plain parse does (the last of
    duplicate keys wins); an object that wrote some key more than once keeps the counts (a
    `_PairsDict`), and `seen` notes that there is one."""

    def build(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(pairs)
        if len(result) == len(pairs):
            return result
        counts: dict[str, int] = {}
        for key, _ in pairs:
            counts[key] = counts.get(key, 0) + 1
        counted = _PairsDict(result)
        counted.duplicates = {key: n for key, n in counts.items() if n > 1}
        seen.append(True)
        return counted

    return build


MAX_INT_DIGITS = 4000  # below Python's int/str conversion limit (4,300 digits)


def parse_int(literal: str, seen: list[str]) -> int | float:
    """`int(literal)`, or infinity (noted in `seen`) for an integer too long to convert."""
    if len(literal) > MAX_INT_DIGITS:
        seen.append(literal)
        return math.inf if not literal.startswith("-") else -math.inf
    return int(literal)


def parse_float(literal: str, seen: list[str]) -> float:
    """`float(literal)`, noting in `seen` a literal that overflows to infinity (1e400)."""
    value = float(literal)
    if not math.isfinite(value):
        seen.append(literal)
    return value


def _duplicate_problems(data: Any) -> Iterator[Problem]:
    for path, node in _objects(data, ()):
        for key, count in sorted(getattr(node, "duplicates", {}).items()):
            yield Problem(
                pointer=to_pointer((*path, key)),
                rule="duplicate-key",
                severity=Severity.WARNING,
                message=f"key {key!r} is written {count:,} times in one object; JSON readers "
                "disagree on which value counts (packager read the last)",
                hint=f"keep one {key!r} in this object; remove the others",
            )


def _objects(node: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    stack: list[tuple[tuple[str | int, ...], Any]] = [(path, node)]
    while stack:
        here, value = stack.pop()
        if isinstance(value, dict):
            yield here, value
            stack.extend(((*here, key), child) for key, child in value.items())
        elif isinstance(value, list):
            stack.extend(((*here, index), child) for index, child in enumerate(value))


def _non_finite(value: Any, path: tuple[str | int, ...]) -> tuple[Any, Problem | None]:
    if isinstance(value, float) and not math.isfinite(value):
        problem = Problem(
            pointer=to_pointer(path),
            rule="number-not-finite",
            severity=Severity.ERROR,
            message=f"{_name(path)} is {_literal(value)} (NaN, Infinity, or a number too large "
            "to store), which no device can read as a number",
            hint="write a finite number (durations and bitrates are whole numbers) or leave "
            "the key out; JSON has no NaN or Infinity, and 1e400 or a 5,000-digit number "
            "overflows",
        )
        return NON_FINITE_STANDIN, problem
    return value, None


def _lone_surrogate(value: Any, path: tuple[str | int, ...]) -> tuple[Any, Problem | None]:
    if isinstance(value, str) and _has_lone_surrogate(value):
        # A key's own path ends in the key: write it repaired, so the pointer is printable.
        path = tuple(_replace_surrogates(p) if isinstance(p, str) else p for p in path)
        problem = Problem(
            pointer=to_pointer(path),
            rule="lone-surrogate",
            severity=Severity.ERROR,
            message=f"{_name(path)} holds half of a UTF-16 surrogate pair (a \\uD800-\\uDFFF "
            "escape without its partner), which is not text",
            hint="fix the generator's escaping: write the character itself, or both halves "
            "of the pair (e.g. \\ud83d\\ude00)",
        )
        return _replace_surrogates(value), problem
    return value, None


def _repair(node: Any, path: tuple[str | int, ...], problems: list[Problem], check: Any) -> Any:
    """`node` with every value `check` objects to replaced, its problems added to `problems`."""
    if isinstance(node, dict):
        repaired: dict[str, Any] = {}
        for key, child in node.items():
            fixed_key, key_problem = check(key, (*path, key))
            if key_problem is not None:
                problems.append(key_problem)
            repaired[fixed_key] = _repair(child, (*path, fixed_key), problems, check)
        return repaired
    if isinstance(node, list):
        return [_repair(child, (*path, index), problems, check) for index, child in enumerate(node)]
    fixed, problem = check(node, path)
    if problem is not None:
        problems.append(problem)
    return fixed


def _has_invisible_characters(text: str) -> bool:
    """A cheap look at the text before any walk: escapes start with a literal backslash-u
    (a fast search), and raw bidi marks or BOMs cannot be in an all-ASCII text."""
    if _INVISIBLE_ESCAPED.search(text):
        return True
    return not text.isascii() and _INVISIBLE_RAW.search(text) is not None


def _invisible_characters(value: Any, path: tuple[str | int, ...]) -> tuple[Any, Problem | None]:
    """A string with a control character, a bidi override or a byte order mark: a TV shows
    a box, nothing, or text running the wrong way (tab and line breaks are fine)."""
    if not isinstance(value, str):
        return value, None
    found = _INVISIBLE_CHARACTER.search(value)
    if found is None:
        return value, None
    return value, Problem(
        pointer=to_pointer(path),
        rule="invisible-character",
        severity=Severity.WARNING,
        message=f"{_name(path)} holds U+{ord(found.group()):04X} at character "
        f"{found.start() + 1}, a control character, bidi override or byte order mark that a TV "
        "shows as a box, as nothing, or as text running the wrong way",
        hint="remove it from the text (it often comes from copying out of a word processor or "
        "another feed)",
    )


def _has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _replace_surrogates(text: str) -> str:
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _literal(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    return "Infinity" if value > 0 else "-Infinity"


def _name(path: tuple[str | int, ...]) -> str:
    if not path:
        return "the document"
    last = path[-1]
    return f"{path[-2]}[{last}]" if isinstance(last, int) and len(path) > 1 else str(last)
