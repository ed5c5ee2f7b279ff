"""`packager init`: a new channel folder with a commented config, a sample article and CI.

The templates are package data (`packager/scaffold/templates/`); the sample photo is drawn with
Pillow here, so the repository holds no binary for it. Nothing that exists is ever overwritten.
"""

from __future__ import annotations

import io
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

from packager.config import ChannelConfig
from packager.errors import ConfigError, InputError

CONFIG_NAME = "channel.toml"
SAMPLE_BUNDLE = "articles/welcome"
WORKFLOW_PATH = ".github/workflows/republish.yml"
PHOTO_SIZE = (1600, 900)
# A stand-in under a domain reserved for examples (RFC 2606): builds work, and nobody's
# server is named, but the feed is of no use until base_url is set.
STAND_IN_BASE_URL = "https://cdn.example.com/{slug}/"
_SLUG_UNSAFE = re.compile(r"[^a-z0-9-]+")


@dataclass(frozen=True)
class InitResult:
    """What `init_channel` did: the files it wrote and the ones it found and kept."""

    folder: Path
    written: tuple[str, ...]  # paths relative to `folder`
    kept: tuple[str, ...]
    base_url: str
    base_url_is_stand_in: bool

    def next_steps(self, *, cwd: Path | None = None) -> tuple[str, ...]:
        """The commands a user runs next, in order."""
        steps: list[str] = []
        here = (cwd or Path.cwd()).resolve()
        if self.folder.resolve() != here:
            steps.append(f"cd {_shell_path(self.folder, here)}")
        if self.base_url_is_stand_in:
            steps.append(
                f"edit {CONFIG_NAME}: set base_url (now the stand-in {self.base_url}) to the "
                "public URL your output folder will be served from"
            )
        steps += [
            "packager build    # uses ./channel.toml, writes ./output; the sample article gets "
            "a rendered video (a few seconds)",
            "packager preview output    # the channel as a viewer will see it: output/preview/index.html",
            "packager publish output --to TARGET"
            "    # s3://bucket/prefix, https://dav.example.com/roku/, sftp://user@host/path, a folder",
            f"push to GitHub and set the PACKAGER_TARGET secret: {WORKFLOW_PATH} "
            "republishes every 15 minutes",
        ]
        return tuple(steps)


def init_channel(
    folder: Path,
    *,
    now: datetime,
    provider_name: str | None = None,
    base_url: str | None = None,
    language: str = "en",
) -> InitResult:
    """Write a new channel into `folder` (created if needed); existing files are kept as they are.

    Raises ConfigError for a provider name, base URL or language that cannot make a valid feed,
    and InputError when `folder` cannot be written.
    """
    slug = _slug(folder)
    name = provider_name if provider_name is not None else folder.resolve().name or "channel"
    url = base_url if base_url is not None else STAND_IN_BASE_URL.format(slug=slug)
    ChannelConfig(
        provider_name=name, base_url=url, language=language, path="packager init options"
    ).check()
    files = _channel_files(name, url, language, now)
    _make_folder(folder)
    written: list[str] = []
    kept: list[str] = []
    articles = folder / "articles"
    if articles.exists():
        # A folder of the user's own articles gets no sample among them.
        kept.append("articles/")
        files = {path: data for path, data in files.items() if not path.startswith("articles/")}
    for relative, content in files.items():
        path = folder / relative
        created = not path.exists() and _write_new(
            path, content() if callable(content) else content
        )
        (written if created else kept).append(relative)
    return InitResult(folder, tuple(written), tuple(kept), url, base_url is None)


def sample_photo(size: tuple[int, int] = PHOTO_SIZE) -> bytes:
    """A sunrise over the sea as a JPEG: the sample article's photo, the same on every run."""
    width, height = size
    horizon = round(height * 0.62)
    picture = Image.new("RGB", size)
    picture.paste(_gradient((width, horizon), (36, 64, 132), (252, 178, 112)), (0, 0))
    picture.paste(_gradient((width, height - horizon), (86, 96, 132), (16, 30, 62)), (0, horizon))
    sun_x, sun_y, radius = width * 0.62, horizon - height * 0.09, height * 0.065
    glow = Image.new("L", size, 0)
    ImageDraw.Draw(glow).ellipse(
        (sun_x - 3 * radius, sun_y - 3 * radius, sun_x + 3 * radius, sun_y + 3 * radius), fill=150
    )
    glow = glow.filter(ImageFilter.GaussianBlur(radius))
    picture = Image.composite(Image.new("RGB", size, (255, 214, 150)), picture, glow)
    draw = ImageDraw.Draw(picture)
    draw.ellipse(
        (sun_x - radius, sun_y - radius, sun_x + radius, sun_y + radius), fill=(255, 240, 200)
    )
    # Distant hills on the left of the horizon, then the sun's reflection on the water.
    hills = [(0, horizon)] + [
        (x, horizon - height * (0.05 + 0.03 * math.sin(x / width * 9.0)) * (1 - x / width * 1.6))
        for x in range(0, round(width * 0.62), 8)
    ]
    draw.polygon([*hills, (round(width * 0.62), horizon)], fill=(44, 48, 84))
    for row in range(14):
        y = horizon + 8 + row * (height - horizon) / 15
        half = radius * (1.3 - row * 0.07) * (1 + 0.35 * math.sin(row * 1.7))
        draw.rectangle((sun_x - half, y, sun_x + half, y + 3 + row * 0.4), fill=(250, 200, 140))
    picture = picture.filter(ImageFilter.GaussianBlur(1.2))
    stream = io.BytesIO()
    picture.save(stream, "JPEG", quality=88)
    return stream.getvalue()


def template(name: str) -> str:
    """The text of one of the templates shipped in packager/scaffold/templates/."""
    return (resources.files(__package__) / "templates" / name).read_text(encoding="utf-8")


def _channel_files(
    name: str, url: str, language: str, now: datetime
) -> dict[str, str | Callable[[], bytes]]:
    config = (
        template("channel.toml")
        .replace("@PROVIDER_NAME@", _one_line(name))
        .replace("@PROVIDER_NAME_TOML@", _toml_string(name))
        .replace("@LANGUAGE_TOML@", _toml_string(language))
        .replace("@BASE_URL_TOML@", _toml_string(url))
    )
    article = (
        template("article.txt")
        .replace("@DATE@", now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
        .replace("@TITLE@", _one_line(f"Welcome to {name}"))
        .replace("@CREDIT@", _one_line(name))
    )
    return {
        CONFIG_NAME: config,
        f"{SAMPLE_BUNDLE}/article.txt": article,
        f"{SAMPLE_BUNDLE}/sunrise.jpg": sample_photo,
        WORKFLOW_PATH: template("republish.yml"),
        ".gitignore": template("gitignore"),
    }


def _write_new(path: Path, content: str | bytes) -> bool:
    """Create `path` with `content`; False (and nothing touched) when it exists already."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("xb") as stream:
            stream.write(data)
    except FileExistsError:
        return False
    except OSError as error:
        raise InputError(
            f"{path}: cannot write it — {error.strerror or error}",
            location=str(path),
            hint="run packager init in a folder you can write to",
        ) from error
    return True


def _make_folder(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise InputError(
            f"{folder}: is a file, not a folder",
            location=str(folder),
            hint="give a new folder's name (packager init mychannel), or an existing folder",
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(
            f"{folder}: cannot create the folder — {error.strerror or error}",
            location=str(folder),
            hint="give a folder in a place you can write to",
        ) from error


def _gradient(
    size: tuple[int, int], top: tuple[int, int, int], bottom: tuple[int, int, int]
) -> Image.Image:
    mask = Image.linear_gradient("L").resize(size)  # 0 at the top, 255 at the bottom
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), mask)


def _slug(folder: Path) -> str:
    return (
        _SLUG_UNSAFE.sub("-", (folder.resolve().name or "channel").lower()).strip("-") or "channel"
    )


def _toml_string(text: str) -> str:
    # A JSON string is a valid TOML basic string: the same escapes (`\u0007` for control ones).
    return json.dumps(text, ensure_ascii=False)


def _one_line(text: str) -> str:
    if "\n" in text or "\r" in text:
        raise ConfigError(
            f"packager init options: {text!r} spans several lines",
            key="channel.provider_name",
            hint="give the provider name on one line",
        )
    return text


def _shell_path(folder: Path, here: Path) -> str:
    try:
        shown = str(folder.resolve().relative_to(here))
    except ValueError:
        shown = str(folder.resolve())
    return shown if re.fullmatch(r"[\w./-]+", shown) else "'" + shown.replace("'", "'\\''") + "'"
