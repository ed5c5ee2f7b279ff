"""What json.loads accepts but a device reads differently: each is located, none crashes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from packager.cli import main
from packager.validate import validate_feed

BASE = Path(__file__).parent / "base-feed.json"


def _base_text() -> str:
    return json.dumps(json.loads(BASE.read_text()), indent=1)


def _found(raw: str) -> set[tuple[str, str, str]]:
    result = validate_feed(raw.encode("utf-8", "surrogatepass"))
    for problem in result.problems:
        assert problem.message and problem.hint
    return {(p.pointer, p.rule, str(p.severity)) for p in result.problems}


def test_duplicate_keys_are_located() -> None:
    raw = _base_text().replace('"providerName": "', '"providerName": "first", "providerName": "', 1)
    assert _found(raw) == {("/providerName", "duplicate-key", "warning")}


def test_thousands_of_duplicate_keys_are_one_problem_with_the_count() -> None:
    extra = '"providerName": "x", ' * 5000
    raw = _base_text().replace('"providerName"', extra + '"providerName"', 1)
    result = validate_feed(raw.encode())
    (problem,) = result.problems
    assert problem.pointer == "/providerName" and "5,001 times" in problem.message


def test_duplicate_keys_deep_in_an_item_are_located() -> None:
    raw = _base_text().replace('"duration": 5400', '"duration": 0, "duration": 5400', 1)
    assert _found(raw) == {("/movies/0/content/duration", "duplicate-key", "warning")}


def test_escaped_colons_are_not_taken_for_duplicates() -> None:
    raw = _base_text().replace('"providerName": "', '"providerName": "a\\u003ab ', 1)
    assert _found(raw) == set()


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_non_finite_numbers_are_located_errors(literal: str) -> None:
    raw = _base_text().replace('"duration": 5400', f'"duration": {literal}', 1)
    assert ("/movies/0/content/duration", "number-not-finite", "error") in _found(raw)


def test_1e308_is_a_number_roku_cannot_hold() -> None:
    raw = _base_text().replace('"duration": 5400', '"duration": 1e308', 1)
    assert _found(raw) == {("/movies/0/content/duration", "number-too-large", "error")}


def test_lone_surrogate_is_a_located_error() -> None:
    raw = _base_text().replace('"title": "The Harbor', '"title": "\\ud800The Harbor', 1)
    assert _found(raw) == {("/movies/0/title", "lone-surrogate", "error")}


def test_lone_surrogate_in_a_key_is_located() -> None:
    raw = _base_text().replace('"providerName"', '"x\\udc00": 1, "providerName"', 1)
    found = _found(raw)
    assert ("/x\ufffd", "lone-surrogate", "error") in {(p, r, s) for p, r, s in found}


def test_a_real_surrogate_pair_is_fine() -> None:
    raw = _base_text().replace('"title": "The Harbor', '"title": "\\ud83d\\ude00 The Harbor', 1)
    assert _found(raw) == set()


def test_cli_json_output_with_a_lone_surrogate_is_json() -> None:
    raw = _base_text().replace('"title": "The Harbor', '"title": "\\ud800The Harbor', 1)
    runner = CliRunner()
    result = runner.invoke(
        main, ["validate", "-", "-o", "json"], input=raw.encode(), catch_exceptions=False
    )
    assert result.exit_code == 3
    document = json.loads(result.stdout)
    problems = document["feeds"][0]["problems"] if "feeds" in document else document["problems"]
    assert [p["rule"] for p in problems] == ["lone-surrogate"]


def test_strict_turns_these_warnings_into_exit_3() -> None:
    raw = _base_text().replace('"providerName": "', '"providerName": "first", "providerName": "', 1)
    runner = CliRunner()
    lenient = runner.invoke(main, ["validate", "-"], input=raw.encode(), catch_exceptions=False)
    strict = runner.invoke(
        main, ["validate", "--strict", "-"], input=raw.encode(), catch_exceptions=False
    )
    assert (lenient.exit_code, strict.exit_code) == (0, 3)
    assert "duplicate-key" in strict.stdout


def test_an_integer_of_thousands_of_digits_is_a_located_error() -> None:
    raw = _base_text().replace('"duration": 5400', '"duration": ' + "9" * 5000, 1)
    assert ("/movies/0/content/duration", "number-not-finite", "error") in _found(raw)
