"""Checks of a Roku Search Feed 2.0 document (spec §5): Roku's draft-07 schema (the corrected
copy packager ships) and the links between assets the schema cannot express."""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from typing import TYPE_CHECKING, Any

from packager.model import Problem, Severity
from packager.schemas import SEARCH_FEED_SCHEMA, load_schema
from packager.validate.pointers import to_pointer
from packager.validate.schema_check import jsonschema_failures, to_problems

if TYPE_CHECKING:
    from jsonschema import Draft7Validator

MAX_ID_LENGTH = 50  # Search Feed prose spec: asset ids of 50 characters or fewer


@cache
def _validator() -> Draft7Validator:
    from jsonschema import Draft7Validator

    return Draft7Validator(load_schema(SEARCH_FEED_SCHEMA))


def is_search_feed(data: Any) -> bool:
    """A JSON document is a Search Feed when it has `assets` and `version`, or `assets` and no
    DP `providerName` (so a Search Feed that lost its version is still checked as one)."""
    if not isinstance(data, dict) or "assets" not in data:
        return False
    return "version" in data or "providerName" not in data


# Roku's schema has no fix-it text; these say what to do for each kind of failure.
_HINTS = {
    "schema-enum": "use one of the values Roku's Search Feed schema lists for it (lowercase)",
    "schema-maxLength": "shorten it to the limit",
    "schema-type": "write it with the JSON type the Search Feed spec gives it",
    "schema-pattern": "dates are YYYY-MM-DD; URLs are absolute http(s) URLs",
}


def check_search_feed(data: Any) -> list[Problem]:
    """Every problem of a parsed Search Feed document, located by JSON Pointer."""
    plain = []
    problems: list[Problem] = []
    for error in _validator().iter_errors(data):
        path = tuple(error.absolute_path)
        if error.validator == "not" and path[-2:-1] == ("playOptions",):
            problems.append(
                Problem(
                    to_pointer(path),
                    "search-free-with-price",
                    Severity.ERROR,
                    f"playOptions[{path[-1]}] is free or subscription but has a price",
                    "remove price, or set license to rental or purchase",
                )
            )
        elif error.validator == "oneOf" and path[-1:] == ("content",):
            problems.append(
                Problem(
                    to_pointer(path),
                    "search-content-form",
                    Severity.ERROR,
                    "content must have exactly one of media and playOptions",
                    "keep playOptions (a deep link by playId) or media (stream URLs), not both",
                )
            )
        else:
            plain.append(error)
    problems.extend(
        replace(problem, hint=problem.hint or _HINTS.get(problem.rule, ""))
        for problem in to_problems(jsonschema_failures(plain))
    )
    assets = data.get("assets") if isinstance(data, dict) else None
    if isinstance(assets, list):
        problems.extend(_check_links(assets))
    return problems


def _check_links(assets: list[Any]) -> list[Problem]:
    problems: list[Problem] = []
    first: dict[str, int] = {}
    series = {a.get("id") for a in assets if isinstance(a, dict) and a.get("type") == "series"}
    for index, asset in enumerate(assets):
        if not isinstance(asset, dict):
            continue
        asset_id = asset.get("id")
        if isinstance(asset_id, str):
            if asset_id in first:
                problems.append(
                    Problem(
                        to_pointer(("assets", index, "id")),
                        "search-duplicate-id",
                        Severity.ERROR,
                        f"assets[{index}] has the same id {asset_id!r} as assets[{first[asset_id]}]",
                        "every asset needs its own id",
                    )
                )
            else:
                first[asset_id] = index
            if len(asset_id) > MAX_ID_LENGTH:
                problems.append(
                    Problem(
                        to_pointer(("assets", index, "id")),
                        "search-id-length",
                        Severity.ERROR,
                        f"assets[{index}] id is {len(asset_id)} characters, over {MAX_ID_LENGTH}",
                        f"use ids of {MAX_ID_LENGTH} characters or fewer",
                    )
                )
        for key in ("episodeInfo", "seasonInfo"):
            info = asset.get(key)
            linked = info.get("seriesId") if isinstance(info, dict) else None
            if isinstance(linked, str) and linked not in series:
                problems.append(
                    Problem(
                        to_pointer(("assets", index, key, "seriesId")),
                        "search-series-link",
                        Severity.ERROR,
                        f"assets[{index}] {key}.seriesId {linked!r} names no series asset "
                        "in this feed",
                        'add the series as an asset with "type": "series", or fix the id',
                    )
                )
    return problems
