"""The JSON reporter: results for programs; only JSON goes to stdout."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TextIO


def write_json(data: Any, out: TextIO) -> None:
    json.dump(data, out, indent=2, ensure_ascii=False)
    out.write("\n")


def error_document(
    message: str, hint: str, exit_code: int, partial: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The one JSON shape of a failure, for every command: what failed, the fix, the exit code,
    then whatever partial result the command has (build report, diff, feeds checked, ...)."""
    document: dict[str, Any] = {"error": message, "hint": hint, "exitCode": int(exit_code)}
    document.update({key: value for key, value in (partial or {}).items() if key not in document})
    return document
