"""The pre-commit hooks (.pre-commit-hooks.yaml) other repositories use to validate feeds."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import click
import pytest
import yaml
from click.testing import CliRunner

from packager.cli import main
from tests.builders import REPO

HOOKS = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
HOOK_IDS = [hook["id"] for hook in HOOKS]


def hook(hook_id: str) -> dict[str, object]:
    return next(h for h in HOOKS if h["id"] == hook_id)


@pytest.mark.parametrize("hook_id", HOOK_IDS)
def test_hooks_have_what_pre_commit_needs(hook_id: str) -> None:
    entry = hook(hook_id)
    assert {"id", "name", "entry", "language"} <= set(entry)
    assert entry["language"] == "python"  # pre-commit pip-installs this repository
    re.compile(str(entry["files"]))


@pytest.mark.parametrize("hook_id", HOOK_IDS)
def test_the_entry_is_a_command_taking_file_names(hook_id: str) -> None:
    program, command, *args = shlex.split(str(hook(hook_id)["entry"]))
    assert program == "packager"
    cli = main.all_commands[command]  # type: ignore[attr-defined]
    files = [p for p in cli.params if isinstance(p, click.Argument)]
    assert len(files) == 1 and files[0].nargs == -1  # pre-commit appends the staged files
    assert not args or all(a.startswith("-") for a in args)


@pytest.mark.parametrize(
    ("path", "matched"),
    [
        ("feed.json", True),
        ("channel/output/feed.json", True),
        ("roku.json", True),
        ("feeds/roku-news.json", True),
        ("package.json", False),
        ("feedback.json", False),
        ("feed.json.bak", False),
    ],
)
def test_the_default_hook_matches_feed_files(path: str, matched: bool) -> None:
    assert bool(re.search(str(hook("packager-validate")["files"]), path)) is matched


def test_the_all_formats_hook_matches_what_build_writes() -> None:
    pattern = str(hook("packager-validate-all-formats")["files"])
    for name in ("output/feed.json", "output/feed.xml", "output/search.json"):
        assert re.search(pattern, name), name
    assert not re.search(pattern, "output/build-report.json")


def test_the_entry_passes_good_feeds_and_fails_bad_ones(good_feed: Path, bad_feed: Path) -> None:
    _, command, *args = shlex.split(str(hook("packager-validate")["entry"]))
    runner = CliRunner()
    good = runner.invoke(main, [command, *args, str(good_feed)], catch_exceptions=False)
    assert good.exit_code == 0, good.output
    both = runner.invoke(
        main, [command, *args, str(good_feed), str(bad_feed)], catch_exceptions=False
    )
    assert both.exit_code == 3
    assert f"{bad_feed}:" in both.stdout
    assert "/movies/0" in both.stdout


def test_the_entry_runs_as_pre_commit_runs_it(
    tmp_path: Path, packager_on_path: dict[str, str], good_feed: Path, bad_feed: Path
) -> None:
    """pre-commit runs `entry` plus the file names as a process, from the repository root."""
    entry = shlex.split(str(hook("packager-validate")["entry"]))
    good = subprocess.run(
        [*entry, "feeds/feed.json"],
        cwd=tmp_path,
        env=packager_on_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert good.returncode == 0, good.stderr
    bad = subprocess.run(
        [*entry, "feeds/feed.json", "feeds/roku-bad.json"],
        cwd=tmp_path,
        env=packager_on_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 3
    assert "feeds/roku-bad.json: invalid" in bad.stdout


def test_the_example_config_names_existing_hooks() -> None:
    config = yaml.safe_load((REPO / "examples/ci/pre-commit-config.yaml").read_text("utf-8"))
    used = [h["id"] for repo in config["repos"] for h in repo["hooks"]]
    assert used and set(used) <= set(HOOK_IDS)
