"""The JSON reporter: results for programs; only JSON goes to stdout."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, TextIO

# A lone surrogate (from a "\\ud800" escape in some input) cannot be encoded as UTF-8: written
# raw it would crash the write half-way, leaving stdout without valid JSON.
_SURROGATE = re.compile("[\ud800-\udfff]")


def write_json(data: Any, out: TextIO) -> None:
    """`data` as indented JSON, non-ASCII kept readable, lone surrogates as escapes (`\\ud800`)."""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    out.write(_SURROGATE.sub(lambda found: f"\\u{ord(found.group()):04x}", text) + "\n")


def error_document(
    message: str, hint: str, exit_code: int, partial: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The one JSON shape of a failure, for every command: what failed, the fix, the exit code,
    then whatever partial result the command has (build report, diff, feeds checked, ...)."""
    document: dict[str, Any] = {"error": message, "hint": hint, "exitCode": int(exit_code)}
    document.update({key: value for key, value in (partial or {}).items() if key not in document})
    return document
