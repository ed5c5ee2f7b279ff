"""The JSON Schemas packager ships (package data), loaded offline and checked against their metaschema."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

FEED_SCHEMA = "roku-direct-publisher.schema.json"
ARTICLE_SCHEMA = "article.schema.json"
SEARCH_FEED_SCHEMA = "roku-search-feed.schema.json"  # Roku's, with one fix: see its description


def schema_path(name: str) -> Path:
    """Where schema `name` lives: inside the installed package, or in a source checkout's schemas/."""
    # Beside this module when installed (importlib.resources would say the same for a package
    # on disk, at the price of 5 ms of imports at every start of the command line).
    here = Path(__file__).resolve().parent
    packaged = here / "schemas" / name
    if packaged.is_file():
        return packaged
    checkout = here.parent / "schemas" / name
    if checkout.is_file():
        return checkout
    raise FileNotFoundError(
        f"schema {name!r} is not installed with packager (looked in {checkout})"
    )


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The parsed schema `name`, after checking it against its own metaschema."""
    # jsonschema is imported here, not at the top: the config reads enums from the schemas
    # and must stay importable without it (tests/unit/test_imports.py).
    from jsonschema import Draft202012Validator
    from jsonschema.validators import validator_for

    schema: dict[str, Any] = json.loads(schema_path(name).read_text(encoding="utf-8"))
    validator_for(schema, default=Draft202012Validator).check_schema(schema)
    return schema
