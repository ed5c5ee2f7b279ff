"""The small modules stay small: importing them pulls in no heavy library."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("requests", "jsonschema", "lxml", "PIL")


def imported_heavy(module: str) -> list[str]:
    """Which of HEAVY a fresh interpreter has loaded after `import module`."""
    code = (
        f"import sys, json; import {module}; "
        f"print(json.dumps([m for m in {list(HEAVY)!r} if m in sys.modules]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return list(json.loads(done.stdout))


@pytest.mark.parametrize(
    "module",
    ["packager.config", "packager.errors", "packager.schemas", "packager.net.guard", "packager"],
)
def test_light_modules_import_no_heavy_library(module: str) -> None:
    assert imported_heavy(module) == []


def test_publish_base_imports_no_heavy_library() -> None:
    assert imported_heavy("packager.publish.base") == []
