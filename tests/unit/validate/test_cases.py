"""Data-driven validation cases: each file in cases/ patches the valid base feed and names the
exact problems (pointer, rule, severity) it must produce — no more, no fewer."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from packager.validate import validate_feed

HERE = Path(__file__).parent
BASE = HERE / "base-feed.json"
CASES = sorted((HERE / "cases").glob("*.json"))


def apply_patch(document: Any, operations: list[dict[str, Any]]) -> Any:
    """The subset of RFC 6902 the cases use: add, replace, remove (with "-" to append)."""
    document = copy.deepcopy(document)
    for operation in operations:
        path = operation["path"]
        if path == "":
            document = operation["value"]
            continue
        *parents, last = [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]
        target = document
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        if isinstance(target, list):
            if operation["op"] == "add":
                target.insert(len(target) if last == "-" else int(last), operation["value"])
            elif operation["op"] == "replace":
                target[int(last)] = operation["value"]
            else:
                del target[int(last)]
        elif operation["op"] == "remove":
            del target[last]
        else:
            target[last] = operation["value"]
    return document


def test_base_feed_has_no_problems() -> None:
    result = validate_feed(BASE)
    assert result.problems == ()


def test_there_is_a_case_per_rule_family() -> None:
    assert len(CASES) >= 60


@pytest.mark.parametrize("case_file", CASES, ids=[case.stem for case in CASES])
def test_case(case_file: Path) -> None:
    case = json.loads(case_file.read_text())
    feed = apply_patch(json.loads(BASE.read_text()), case["patch"])
    result = validate_feed(json.dumps(feed, indent=1).encode())
    found = {(p.pointer, p.rule, str(p.severity)) for p in result.problems}
    expected = {(e["pointer"], e["rule"], e["severity"]) for e in case["expect"]}
    assert found == expected, case["description"]
    for problem in result.problems:
        assert problem.message and problem.hint, problem
