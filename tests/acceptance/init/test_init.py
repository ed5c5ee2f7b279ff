"""`packager init`: a new channel folder that builds and validates as it comes."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import tomllib
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from packager.cli import main
from packager.config import load_config
from packager.scaffold import (
    CONFIG_NAME,
    SAMPLE_BUNDLE,
    WORKFLOW_PATH,
    init_channel,
    sample_photo,
    template,
)
from tests.builders import REPO

NOW = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
WRITTEN = (
    CONFIG_NAME,
    f"{SAMPLE_BUNDLE}/article.txt",
    f"{SAMPLE_BUNDLE}/sunrise.jpg",
    WORKFLOW_PATH,
    ".gitignore",
)


def run_init(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["init", *args], catch_exceptions=False)
    return result.exit_code, result.output


def test_init_writes_a_channel_folder(tmp_path: Path) -> None:
    folder = tmp_path / "mychannel"
    code, output = run_init(
        str(folder),
        "--provider-name",
        "Harbor City News",
        "--base-url",
        "https://cdn.harbor.example/roku/",
        "--language",
        "es",
    )
    assert code == 0, output
    for name in WRITTEN:
        assert (folder / name).is_file(), name
        assert f"wrote {folder / name}" in output
    config = load_config(folder / CONFIG_NAME)
    assert config.provider_name == "Harbor City News"
    assert config.base_url == "https://cdn.harbor.example/roku/"
    assert config.language == "es"
    assert config.sources == (str(folder / "articles"),)
    assert "next steps:" in output
    steps = output.split("next steps:")[1]
    build, preview, publish = (
        steps.index(f"\n  {command}")
        for command in (
            "packager build",
            "packager preview output",
            "packager publish output --to ",
        )
    )
    assert build < preview < publish
    assert "--config" not in steps  # config discovery finds ./channel.toml
    assert "set base_url" not in output  # it was given


def test_every_key_of_the_config_is_explained(tmp_path: Path) -> None:
    init_channel(tmp_path, now=NOW, base_url="https://cdn.example.org/x/")
    lines = (tmp_path / CONFIG_NAME).read_text(encoding="utf-8").splitlines()
    assert "README" in "\n".join(lines[:5])
    for index, line in enumerate(lines):
        if re.match(r"^[a-z_]+ = ", line):
            assert lines[index - 1].startswith("#"), f"key without a comment above: {line}"


def test_the_sample_article_has_the_seeds_text_shape(tmp_path: Path) -> None:
    init_channel(tmp_path, now=NOW, provider_name="Harbor City News")
    text = (tmp_path / SAMPLE_BUNDLE / "article.txt").read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    assert "date: 2026-12-07T09:30:00Z" in front
    section, title, caption, *paragraphs = [b for b in body.split("\n\n") if b.strip()]
    assert section.strip() == "News / Channel"
    assert title.strip() == "Welcome to Harbor City News"
    assert caption.strip().endswith("(Harbor City News photo)")
    assert len(paragraphs) >= 2


def test_the_sample_photo_is_a_16_9_jpeg_the_same_every_time() -> None:
    data = sample_photo()
    picture = Image.open(io.BytesIO(data))
    assert (picture.format, picture.size, picture.mode) == ("JPEG", (1600, 900), "RGB")
    assert len(picture.resize((16, 9)).getcolors(maxcolors=144) or ()) > 20  # not a flat colour
    assert sample_photo() == data  # content-hashed thumbnails stay the same


def test_the_workflow_is_the_ci_example_and_uses_the_action(tmp_path: Path) -> None:
    init_channel(tmp_path, now=NOW)
    written = (tmp_path / WORKFLOW_PATH).read_text(encoding="utf-8")
    assert written == (REPO / "examples" / "ci" / "republish.yml").read_text(encoding="utf-8")
    assert "uses: packager/packager@v1" in written
    assert "command: republish" in written


def test_the_gitignore_leaves_out_output_and_caches(tmp_path: Path) -> None:
    init_channel(tmp_path, now=NOW)
    ignored = (tmp_path / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert {"/output/", "/build/", ".packager-cache/"} <= set(ignored)


def test_init_never_overwrites_and_says_what_it_kept(tmp_path: Path) -> None:
    (tmp_path / CONFIG_NAME).write_text("# mine\n", encoding="utf-8")
    (tmp_path / "articles" / "my-story").mkdir(parents=True)
    code, output = run_init(str(tmp_path))
    assert code == 0, output
    assert (tmp_path / CONFIG_NAME).read_text(encoding="utf-8") == "# mine\n"
    assert f"kept {tmp_path / CONFIG_NAME} (it exists; not overwritten)" in output
    assert f"kept {tmp_path / 'articles/'}" in output
    assert not (tmp_path / SAMPLE_BUNDLE).exists()  # no sample among the user's articles
    assert (tmp_path / WORKFLOW_PATH).is_file()
    code, output = run_init(str(tmp_path))  # a second run writes nothing
    assert code == 0
    assert "wrote" not in output


def test_the_stand_in_base_url_is_named_in_the_next_steps(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, output = run_init("My Channel")
    assert code == 0, output
    assert "cd 'My Channel'" in output
    assert "set base_url (now the stand-in https://cdn.example.com/my-channel/)" in output
    config = tomllib.loads((tmp_path / "My Channel" / CONFIG_NAME).read_text(encoding="utf-8"))
    assert config["channel"]["provider_name"] == "My Channel"
    code, output = run_init()  # the current folder: no cd
    assert code == 0
    assert "cd " not in output


def test_names_with_quotes_and_accents_stay_valid_toml(tmp_path: Path) -> None:
    name = 'Le "Courrier" de Montréal \\ Nord'
    init_channel(tmp_path, now=NOW, provider_name=name)
    assert load_config(tmp_path / CONFIG_NAME).provider_name == name


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--base-url", "ftp://cdn.example.com/"],
            "base_url 'ftp://cdn.example.com/' is not an http(s) URL",
        ),
        (["--language", "english please"], "language 'english please' is not an ISO 639 code"),
        (["--provider-name", "two\nlines"], "control character"),
        (["--provider-name", " "], "channel.provider_name is empty"),
    ],
)
def test_bad_options_are_refused_before_anything_is_written(
    tmp_path: Path, args: list[str], message: str
) -> None:
    result = CliRunner().invoke(main, ["init", str(tmp_path / "new"), *args])
    assert result.exit_code == 4
    assert message in result.stderr
    assert "hint:" in result.stderr
    assert not (tmp_path / "new").exists()


def test_a_file_in_place_of_the_folder_is_named(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(main, ["init", str(tmp_path / "taken")])
    assert result.exit_code == 4
    assert f"{tmp_path / 'taken'}: is a file, not a folder" in result.stderr
    assert "hint: give a new folder's name" in result.stderr


TEMPLATES = ("channel.toml", "article.txt", "republish.yml", "gitignore")


def test_the_templates_ship_in_the_wheel(tmp_path: Path) -> None:
    """What the action's `pip install "$GITHUB_ACTION_PATH"` and a user's pip install get."""
    for name in TEMPLATES:
        assert template(name).strip()
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    completed = subprocess.run(
        [*command, "-w", str(tmp_path), str(REPO)], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr
    names = zipfile.ZipFile(next(tmp_path.glob("packager-*.whl"))).namelist()
    for name in TEMPLATES:
        assert f"packager/scaffold/templates/{name}" in names


@pytest.mark.slow
def test_init_then_build_then_validate_passes(tmp_path: Path, monkeypatch) -> None:
    """The new user's path: the sample article is rendered into a video, the feed validates."""
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert run_init("mychannel")[0] == 0
    monkeypatch.chdir(tmp_path / "mychannel")
    built = runner.invoke(
        main,
        ["build", "-o", "json"],  # the next steps' form: ./channel.toml, ./output
        catch_exceptions=False,
    )
    assert built.exit_code == 0, built.output
    report = json.loads(built.stdout)
    assert report["exitCode"] == 0
    checked = runner.invoke(main, ["validate", "output/feed.json"], catch_exceptions=False)
    assert checked.exit_code == 0, checked.output
    assert "valid — 0 errors, 0 warnings; 1 shortFormVideo;" in checked.stdout
    feed = json.loads(Path("output/feed.json").read_text(encoding="utf-8"))
    item = feed["shortFormVideos"][0]
    assert item["title"] == "Welcome to mychannel"
    assert item["thumbnail"].startswith("https://cdn.example.com/mychannel/images/")
    assert item["content"]["videos"][0]["url"].endswith(".mp4")
