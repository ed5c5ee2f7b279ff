"""The channel's language must be a language code the spec allows, not anything shaped like
one: "xx-NOPE" used to pass the config and land in feed.json."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from packager.cli import main
from packager.config import ISO_639_1, load_config
from packager.errors import ConfigError, ExitCode
from packager.schemas import SEARCH_FEED_SCHEMA, load_schema
from tests.builders import BASE_URL


def write_config(tmp_path: Path, language: str) -> Path:
    path = tmp_path / "channel.toml"
    path.write_text(
        f'[channel]\nbase_url = "{BASE_URL}"\nlanguage = "{language}"\n', encoding="utf-8"
    )
    return path


@pytest.mark.parametrize("language", ["xx-NOPE", "xx", "en-NOPE", "en-US-x", "e", "english"])
def test_a_language_that_is_not_a_code_is_refused_with_its_key(
    tmp_path: Path, language: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write_config(tmp_path, language))
    assert caught.value.key == "channel.language"
    assert f"[channel] language {language!r} is not an ISO 639 code" in caught.value.message
    assert "en-US" in caught.value.hint


@pytest.mark.parametrize("language", ["en", "en-US", "es-mx", "es-419", "fil", "pt_BR", "ZH"])
def test_real_language_codes_are_accepted(tmp_path: Path, language: str) -> None:
    assert load_config(write_config(tmp_path, language)).language == language


def test_a_near_miss_names_the_closest_code(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write_config(tmp_path, "qq-US"))
    assert "'qq' is no ISO 639-1 language" in caught.value.message


def test_the_language_option_is_checked_too(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            "build",
            str(tmp_path / "none"),
            "--base-url",
            BASE_URL,
            "--language",
            "xx-NOPE",
            "--out",
            str(tmp_path / "out"),
            "-o",
            "json",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    assert "xx-NOPE" in json.loads(result.stdout)["error"]
    assert not (tmp_path / "out" / "feed.json").exists()


def test_every_search_feed_language_is_an_iso_639_1_code() -> None:
    languages = load_schema(SEARCH_FEED_SCHEMA)["definitions"]["language_type"]["enum"]
    two_letter = {re.split("[-_]", code)[0] for code in languages if len(code.split("-")[0]) == 2}
    assert two_letter <= ISO_639_1
