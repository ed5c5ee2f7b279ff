"""The shipped JSON Schema: valid against its metaschema, usable by other tools, found when installed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema_rs
import pytest
from jsonschema import Draft202012Validator

from packager.schemas import FEED_SCHEMA, load_schema, schema_path
from packager.validate.schema_check import ITEM_DEFS

HERE = Path(__file__).parent
BASE = HERE / "base-feed.json"


def test_schema_passes_its_metaschema() -> None:
    schema = json.loads(schema_path(FEED_SCHEMA).read_text())
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith("roku-direct-publisher.schema.json")


def test_schema_covers_every_object_of_the_spec() -> None:
    defs = set(load_schema(FEED_SCHEMA)["$defs"])
    spec_objects = {
        "Movie",
        "Series",
        "Season",
        "Episode",
        "ShortFormVideo",
        "TVSpecial",
        "LiveFeed",
        "Content",
        "Video",
        "Caption",
        "TrickPlayFile",
        "ExternalId",
        "Rating",
        "Credit",
        "Category",
        "Playlist",
    }
    assert spec_objects <= defs
    assert set(ITEM_DEFS.values()) <= defs


def test_schema_enums_are_complete() -> None:
    defs = load_schema(FEED_SCHEMA)["$defs"]
    assert len(defs["Genres"]["items"]["else"]["enum"]) == 32
    assert len(defs["Genres"]["items"]["if"]["enum"]) == 227
    rating = defs["Rating"]["properties"]["rating"]
    assert len(rating["then"]["enum"]) == 29  # the spec's list; later forms are warnings
    assert {"NR", "TV-G"} <= set(rating["if"]["enum"])
    assert len(defs["Rating"]["properties"]["ratingSource"]["enum"]) == 6
    assert defs["Video"]["properties"]["quality"]["enum"] == ["SD", "HD", "FHD", "UHD"]
    assert len(defs["Video"]["properties"]["videoType"]["enum"]) == 6
    assert len(defs["Credit"]["properties"]["role"]["enum"]) == 8


def test_check_jsonschema_accepts_a_valid_feed() -> None:
    command = [
        sys.executable,
        "-m",
        "check_jsonschema",
        "--schemafile",
        str(schema_path(FEED_SCHEMA)),
        str(BASE),
    ]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_fast_and_precise_validators_agree_on_the_base_feed() -> None:
    schema = load_schema(FEED_SCHEMA)
    feed = json.loads(BASE.read_text())
    assert jsonschema_rs.validator_for(schema, validate_formats=True).is_valid(feed)
    checker = Draft202012Validator.FORMAT_CHECKER
    assert list(Draft202012Validator(schema, format_checker=checker).iter_errors(feed)) == []


def test_installed_wheel_ships_the_schema(tmp_path: Path) -> None:
    repo = HERE.parents[2]
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path),
            str(repo),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    import zipfile

    wheel = next(tmp_path.glob("packager-*.whl"))
    assert f"packager/schemas/{FEED_SCHEMA}" in zipfile.ZipFile(wheel).namelist()


def test_the_feed_schema_is_checked_against_its_metaschema_when_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from packager.validate import schema_check

    broken = tmp_path / "broken.schema.json"
    broken.write_text('{"type": 12}')
    monkeypatch.setattr(schema_check, "schema_path", lambda name: broken)
    with pytest.raises(ValueError):
        schema_check.FeedSchema()
