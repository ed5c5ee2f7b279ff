"""Which channel.toml a command uses: --config, a SOURCE channel folder's own, ./channel.toml;
and the config-side options build and republish share (--allow-host, checked settings)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from packager.cli import main
from packager.config import ChannelConfig, find_config, load_config

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "channel"


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def channel(tmp_path: Path) -> Path:
    """A copy of the example channel folder (so builds write nothing into the repository)."""
    folder = tmp_path / "channel"
    shutil.copytree(EXAMPLE, folder)
    return folder


def test_a_source_channel_folder_brings_its_own_config_and_sources(
    channel: Path, tmp_path: Path
) -> None:
    result = invoke("build", str(channel), "--out", str(tmp_path / "out"), "--render", "off")
    assert result.exit_code == 0, result.output
    assert f"config: {channel / 'channel.toml'} (the SOURCE folder's own)" in result.stderr
    feed = json.loads((tmp_path / "out" / "feed.json").read_text())
    assert len(feed["shortFormVideos"]) == 3  # the config's articles, not the folder as a bundle


def test_the_readme_form_with_the_same_config_given_works_too(
    channel: Path, tmp_path: Path
) -> None:
    result = invoke(
        "build", str(channel), "--config", str(channel / "channel.toml"),
        "--out", str(tmp_path / "out"), "--render", "off",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "(--config)" in result.stderr


def test_inside_a_channel_folder_its_channel_toml_is_used(
    channel: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(channel)
    result = invoke("build", "--out", "output", "--render", "off")
    assert result.exit_code == 0, result.output
    assert "config: channel.toml (found in the current folder)" in result.stderr
    assert (channel / "output" / "feed.json").is_file()


def test_without_any_config_the_defaults_are_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    choice = find_config(None, ())
    assert choice.path is None and "defaults and options" in choice.describe()


def test_a_channel_folder_and_another_config_disagree(channel: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.toml"
    other.write_text('[channel]\nprovider_name = "Other"\n')
    result = invoke("build", str(channel), "--config", str(other), "--out", str(tmp_path / "o"))
    assert result.exit_code == 4
    assert "is a channel folder with its own channel.toml" in result.stderr
    assert "articles" in result.stderr  # the hint names the folder to give instead


def test_republish_uses_the_channel_toml_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "channel"
    (folder / "articles").mkdir(parents=True)
    (folder / "channel.toml").write_text(
        '[channel]\nprovider_name = "Tiny"\nbase_url = "https://cdn.example.com/c/"\n'
        'sources = ["articles"]\n'
    )
    monkeypatch.chdir(folder)
    result = invoke("republish", "--to", str(tmp_path / "host"), "-o", "json")
    assert "config: channel.toml (found in the current folder)" in result.stderr
    assert result.exit_code == 4
    document = json.loads(result.stdout)
    assert document["status"] == "bad-input"  # the config's (empty) articles folder was built
    assert document["error"] == "build failed: no article bundles in articles"


def test_republish_without_a_config_says_where_it_looked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("republish", "--to", str(tmp_path / "host"))
    assert result.exit_code == 4
    assert f"no --config given and no channel.toml in {tmp_path}" in result.stderr
    assert "hint: run republish in the channel folder, or give --config" in result.stderr


@pytest.mark.parametrize("command", ["build", "republish", "extract"])
def test_allow_host_entries_are_checked_as_a_usage_error(command: str) -> None:
    result = invoke(command, "--allow-host", "not a host!", "x")
    assert result.exit_code == 2
    assert "'not a host!' is neither a host name" in result.stderr


def test_allow_host_adds_to_the_config_allow_hosts(channel: Path) -> None:
    config = load_config(channel / "channel.toml").with_overrides(allow_hosts=("10.0.0.0/8",))
    assert config.allow_hosts == ("10.0.0.0/8",)


def test_an_absurd_setting_is_exit_4_naming_the_key(channel: Path, tmp_path: Path) -> None:
    toml = channel / "channel.toml"
    toml.write_text(toml.read_text().replace("max_age_days = 0", "max_age_days = 1000000000"))
    result = invoke("build", str(channel), "--out", str(tmp_path / "o"), "-o", "json")
    assert result.exit_code == 4
    document = json.loads(result.stdout)
    assert [p["key"] for p in document["problems"]] == ["feed.max_age_days"]
    assert "feed.max_age_days" in document["error"]


def test_hints_name_the_option_when_the_setting_came_from_the_command_line() -> None:
    from_options = ChannelConfig().with_overrides(render_video="off")
    assert (
        from_options.how_to_set("render_video", "on") == "use --render on (or leave --render out)"
    )
    from_file = load_config(EXAMPLE / "channel.toml")
    assert from_file.how_to_set("render_video", "on") == (
        f'set [video] render = "on" in {EXAMPLE / "channel.toml"}'
    )


def test_render_off_on_the_command_line_hints_at_the_option(channel: Path, tmp_path: Path) -> None:
    result = invoke("build", str(channel), "--out", str(tmp_path / "out"), "--render", "off")
    assert "--render on" in result.stdout
