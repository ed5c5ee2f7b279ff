"""The composite GitHub Action (action.yml) and the workflows that use it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from packager.scaffold import template
from tests.builders import REPO

ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
INPUT_USE = re.compile(r"\$\{\{\s*inputs\.([A-Za-z0-9_-]+)|\binputs\.([A-Za-z0-9_-]+)")
WORKFLOWS = {
    "examples/ci/republish.yml": (REPO / "examples/ci/republish.yml").read_text(encoding="utf-8"),
    "examples/ci/validate.yml": (REPO / "examples/ci/validate.yml").read_text(encoding="utf-8"),
    "init's republish.yml": template("republish.yml"),
    ".github/workflows/action-selftest.yml": (
        REPO / ".github/workflows/action-selftest.yml"
    ).read_text(encoding="utf-8"),
}


def step(name: str) -> dict[str, Any]:
    return next(s for s in ACTION["runs"]["steps"] if s.get("name") == name)


def test_the_action_is_a_composite_action_with_documented_inputs() -> None:
    assert ACTION["name"] and ACTION["description"]
    assert ACTION["runs"]["using"] == "composite"
    for name, spec in ACTION["inputs"].items():
        assert spec["description"], name
        assert "default" in spec or spec.get("required"), name
    for run_step in (s for s in ACTION["runs"]["steps"] if "run" in s):
        assert run_step["shell"] == "bash"  # composite run steps must name their shell


def test_every_input_used_is_declared_and_every_declared_input_is_used() -> None:
    text = (REPO / "action.yml").read_text(encoding="utf-8")
    used = {a or b for a, b in INPUT_USE.findall(text)}
    assert used == set(ACTION["inputs"])


def test_scripts_take_inputs_from_env_never_from_expressions() -> None:
    # An expression inside `run` is pasted into the script before bash sees it: an input
    # holding `"; rm -rf ~` would run. Inputs go through env instead.
    for run_step in (s for s in ACTION["runs"]["steps"] if "run" in s):
        assert "${{" not in run_step["run"], run_step.get("name")


def test_packager_is_installed_from_the_actions_own_folder() -> None:
    assert "pip install" in step("Install packager")["run"]
    assert '"$GITHUB_ACTION_PATH"' in step("Install packager")["run"]


@pytest.mark.parametrize("name", sorted(WORKFLOWS))
def test_workflows_use_the_action_with_declared_inputs(name: str) -> None:
    workflow = yaml.safe_load(WORKFLOWS[name])
    uses = [
        s
        for job in workflow["jobs"].values()
        for s in job["steps"]
        if s.get("uses", "").startswith(("packager/packager@", "./"))
    ]
    assert uses, f"{name} does not use the action"
    for use in uses:
        assert set(use["with"]) <= set(ACTION["inputs"]), name
        assert use["with"]["command"] in ("validate", "republish")


class StepRun:
    """The action's "Run packager" step, run by bash as the runner would run it."""

    def __init__(self, tmp_path: Path, env: dict[str, str]) -> None:
        self.tmp_path = tmp_path
        self.summary = tmp_path / "step-summary.md"
        self.outputs = tmp_path / "github-output"
        self.env = env

    def __call__(self, **inputs: str) -> subprocess.CompletedProcess[str]:
        values = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
        values.update({name.replace("_", "-"): value for name, value in inputs.items()})
        run_step = step("Run packager")
        env = {
            key: re.sub(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", lambda m: values[m[1]], value)
            for key, value in run_step["env"].items()
        }
        env |= self.env | {
            "GITHUB_ACTION_PATH": str(REPO),
            "GITHUB_STEP_SUMMARY": str(self.summary),
            "GITHUB_OUTPUT": str(self.outputs),
        }
        return subprocess.run(
            ["bash", "-e", "-c", run_step["run"]],  # GitHub runs bash with -e
            cwd=self.tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


@pytest.fixture
def run_step(tmp_path: Path, packager_on_path: dict[str, str]) -> StepRun:
    return StepRun(tmp_path, packager_on_path)


def test_validate_step_passes_a_good_feed(run_step: StepRun, good_feed: Path) -> None:
    done = run_step(command="validate", feeds=str(good_feed.relative_to(run_step.tmp_path)))
    assert done.returncode == 0, done.stderr
    assert "::error" not in done.stdout
    assert run_step.outputs.read_text() == "exit-code=0\n"
    assert "feeds/feed.json: valid" in run_step.summary.read_text()


def test_validate_step_annotates_a_bad_feed_and_fails(
    run_step: StepRun, good_feed: Path, bad_feed: Path
) -> None:
    done = run_step(command="validate", feeds="feeds/feed.json\nfeeds/roku-bad.json")
    assert done.returncode == 3
    assert (
        "::error file=feeds/roku-bad.json,title=packager required-field::/movies/0" in done.stdout
    )
    assert "feeds/feed.json" not in done.stdout  # the good feed has no annotation
    assert run_step.outputs.read_text() == "exit-code=3\n"
    assert "not valid (exit 3; see the annotations)" in run_step.summary.read_text()


def test_validate_step_options_reach_packager(run_step: StepRun, good_feed: Path) -> None:
    done = run_step(command="validate", feeds="feeds/feed.json", options="--strict --limit 5")
    assert done.returncode == 0, done.stderr
    done = run_step(command="validate", feeds="feeds/feed.json", options="--no-such-option")
    assert done.returncode == 2
    assert "No such option '--no-such-option'" in done.stderr
    assert "::error title=packager validate (exit 2)::usage error" in done.stdout


def test_validate_step_annotates_an_unreadable_feed(run_step: StepRun) -> None:
    done = run_step(command="validate", feeds="feeds/missing.json")
    assert done.returncode == 4
    assert "::error title=packager validate (exit 4)::bad input" in done.stdout
    assert "feeds/missing.json" in done.stderr


def test_validate_step_puts_the_diff_in_the_job_summary(
    run_step: StepRun, good_feed: Path, bad_feed: Path
) -> None:
    done = run_step(command="validate", feeds="feeds/roku-bad.json", diff_against="feeds/feed.json")
    assert done.returncode == 3
    summary = run_step.summary.read_text()
    assert "**Feed changes:**" in summary
    assert "| changed | movies | `movie-1` |" in summary
    assert "thumbnail" in summary


def test_unknown_commands_and_missing_inputs_are_annotated(run_step: StepRun) -> None:
    done = run_step(command="publish")
    assert done.returncode == 2
    assert "::error title=packager action::unknown command 'publish'" in done.stdout
    done = run_step(command="republish")
    assert done.returncode == 2
    assert "republish needs the target input" in done.stdout
    done = run_step(command="validate", feeds=" ")
    assert done.returncode == 2
    assert "the feeds input is empty" in done.stdout


def test_republish_step_failures_become_annotations(run_step: StepRun) -> None:
    done = run_step(
        command="republish", config="missing.toml", target=str(run_step.tmp_path / "host")
    )
    assert done.returncode == 4
    assert "::error file=missing.toml,title=packager republish (exit 4)::bad input" in done.stdout
    assert "missing.toml: no such config file" in done.stderr


ARTICLE_WITH_VIDEO = """\
---
date: 2026-12-01T08:00:00Z
video: https://video.example.com/one/index.m3u8
duration: 95
---
News / Local

Harbor ferry adds a late boat

The ferry at dusk. (Test photo)

The harbor ferry will add a late boat on Fridays from January.

The service will leave the pier at 23:30 and be back by midnight.
"""


def test_republish_step_publishes_and_summarizes_the_changes(run_step: StepRun) -> None:
    """A channel whose article has its own video (nothing to render) goes to a folder target."""
    from packager.scaffold import sample_photo

    bundle = run_step.tmp_path / "articles" / "ferry"
    bundle.mkdir(parents=True)
    (bundle / "article.txt").write_text(ARTICLE_WITH_VIDEO, encoding="utf-8")
    (bundle / "ferry.jpg").write_bytes(sample_photo())
    (run_step.tmp_path / "channel.toml").write_text(
        '[channel]\nbase_url = "https://cdn.example.com/news/"\nsources = ["articles"]\n',
        encoding="utf-8",
    )
    host = run_step.tmp_path / "host"
    done = run_step(command="republish", target=str(host), options="--out build")
    assert done.returncode == 0, done.stderr
    assert "::error" not in done.stdout
    assert (host / "feed.json").is_file()
    summary = run_step.summary.read_text()
    assert "| added | shortFormVideos |" in summary
    assert "Harbor ferry adds a late boat" in summary
    # Nothing changed: exit-code 8 with --detailed-exit-codes, yet the step passes.
    done = run_step(
        command="republish", target=str(host), options="--out build --detailed-exit-codes"
    )
    assert done.returncode == 0, done.stderr
    assert run_step.outputs.read_text().splitlines()[-1] == "exit-code=8"
