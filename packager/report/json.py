"""The JSON reporter: results for programs; only JSON goes to stdout."""

from __future__ import annotations

import json
from typing import Any, TextIO


def write_json(data: Any, out: TextIO) -> None:
    json.dump(data, out, indent=2, ensure_ascii=False)
    out.write("\n")
