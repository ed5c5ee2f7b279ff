"""Article bundles: a folder holding one article file plus its images, videos and caption files.

`read_articles` walks SOURCE folders (one bundle, or a folder of bundle folders) and yields an
`Article` per bundle, or the `SourceError` that bundle raised: one broken article never stops
the others. Media matching, the same for every article kind:

* images the article names (`![..](a.jpg)`, `"file": "a.jpg"`, front-matter `images:`) are
  those files, and must exist; http(s) URLs stay URLs;
* captions the article gives without a file (article.txt caption lines) take the bundle's
  remaining image files in name order;
* image, video and caption files nobody named are added after them, in name order.
"""

from __future__ import annotations

import dataclasses
import importlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from packager.config import DEFAULT_BOILERPLATE_PATTERNS
from packager.errors import ConfigError, InputError, SourceError
from packager.ids import stable_id
from packager.model import LANGUAGE_CODE, Article, CaptionFile, Image, Video
from packager.sources.cms_json import parse_json_article
from packager.sources.markdown import parse_markdown_article
from packager.sources.sanitize import clean_article
from packager.sources.text import (
    compile_boilerplate,
    cut_footer,
    decode_text,
    parse_text_article,
    video_type_for,
)

# Article file name (lower case) -> kind. A bundle holds exactly one of them.
ARTICLE_KIND_BY_NAME = {
    "article.txt": "txt",
    "article.md": "md",
    "article.markdown": "md",
    "article.html": "html",
    "article.htm": "html",
    "article.json": "json",
}
IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".webp", ".gif"})
VIDEO_EXTENSIONS = frozenset({".mp4", ".mov", ".m4v", ".m3u8", ".mpd"})
CAPTION_EXTENSIONS = frozenset({".vtt", ".srt"})
# Media we recognise but cannot put in a Roku feed: worth a warning, not silence.
UNSUPPORTED_MEDIA_EXTENSIONS = frozenset(
    {".avi", ".mkv", ".wmv", ".flv", ".webm", ".bmp", ".tif", ".tiff", ".heic", ".avif",
     ".svg", ".ttml", ".dfxp", ".ass", ".ssa"}
)  # fmt: skip
# A news article is a few hundred KB at most, a saved page a few MB; beyond this it is a
# wrong file (a log, a dump) and reading it whole would only waste memory.
MAX_ARTICLE_BYTES = 10 * 1024 * 1024
_LANGUAGE_PART = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?$")
_URL = re.compile(r"^https?://", re.IGNORECASE)


@dataclass(frozen=True)
class ReadOptions:
    """How bundles are read; the channel config can override each field."""

    # Regexes (case-insensitive); a line matching one starts the site footer, which is dropped.
    boilerplate_patterns: tuple[str, ...] = DEFAULT_BOILERPLATE_PATTERNS
    # Language of articles that do not say theirs (front matter `language:`, JSON "language").
    default_language: str = "en"
    max_article_bytes: int = MAX_ARTICLE_BYTES

    def __post_init__(self) -> None:
        if not LANGUAGE_CODE.match(self.default_language):
            raise ConfigError(
                f"bad default language {self.default_language!r}: not a language code",
                key="default_language",
                hint="write an ISO 639 code such as en, en-US or fr",
            )
        if self.max_article_bytes < 1:
            raise ConfigError(
                f"bad article size limit {self.max_article_bytes}: must be positive",
                key="max_article_bytes",
                hint="give the largest article file size to accept, in bytes",
            )


def read_articles(
    sources: Sequence[str | Path], options: ReadOptions = ReadOptions()
) -> Iterator[Article | SourceError]:
    """Articles of every bundle under `sources`, in a stable order; broken bundles as SourceErrors.

    Each SOURCE is one bundle folder (it holds an article file) or a folder of bundle folders
    (sorted by name). Raises InputError at once if a SOURCE is missing or holds no bundle, and
    ConfigError for a bad boilerplate pattern; everything else is yielded.
    """
    compile_boilerplate(tuple(options.boilerplate_patterns))  # a bad pattern fails before any work
    folders = [folder for source in sources for folder in bundle_folders(Path(source))]
    return _read_folders(folders, options)


def _read_folders(
    folders: list[Path | SourceError], options: ReadOptions
) -> Iterator[Article | SourceError]:
    origin_by_id: dict[str, str] = {}
    for folder in folders:
        try:
            if isinstance(folder, SourceError):
                raise folder
            article = read_bundle(folder, options)
        except SourceError as error:
            yield error
            continue
        if article.id in origin_by_id:
            yield SourceError(
                f"duplicate article id {article.id!r}: {article.origin} — "
                f"already used by {origin_by_id[article.id]}",
                location=article.origin,
                hint="give each article its own `id` (front matter or JSON) or its own url",
            )
            continue
        origin_by_id[article.id] = article.origin
        yield article


def bundle_folders(source: Path) -> list[Path | SourceError]:
    """The bundle folders of one SOURCE: itself if it is a bundle, else its sub-folders, sorted.

    An article file given directly stands for its folder. A sub-folder that is a symbolic link
    leading out of SOURCE is a SourceError in its place: bundles never read files from outside
    themselves, nor a SOURCE's bundles from outside it (a link in a shared article folder must
    not publish whatever it points at); a folder given as a SOURCE is read wherever it is.
    Raises InputError when `source` does not exist or holds no bundle at all.
    """
    if not source.exists():
        raise InputError(
            f"source not found: {source}",
            location=str(source),
            hint="give a bundle folder (holding article.txt/.md/.html/.json) or a folder of them",
        )
    if source.is_file():
        if source.name.lower() in ARTICLE_KIND_BY_NAME:
            return [source.parent]
        raise InputError(
            f"not an article bundle: {source} — a file that is not an article file",
            location=str(source),
            hint="give the bundle folder, or its article.txt/.md/.html/.json",
        )
    if _article_files(source):
        return [source]
    folders = sorted(
        (child for child in source.iterdir() if child.is_dir() and not _hidden(child)),
        key=lambda path: path.name,
    )
    if not folders:
        raise InputError(
            f"no article bundles in {source}",
            location=str(source),
            hint=f"to make {source} an article, add an article.txt to it (the headline on its "
            "first line, a blank line, then the body; or article.md, article.html, "
            "article.json); for a channel, put one such folder per article inside it",
        )
    return [
        folder if inside_bundle(folder, source) else _linked_out(folder, source)
        for folder in folders
    ]


def _linked_out(folder: Path, source: Path) -> SourceError:
    return SourceError(
        f"refused bundle: {folder} — it links to {folder.resolve()}, outside {source}",
        location=str(folder),
        hint=f"copy the bundle into {source}, or give it as a SOURCE of its own",
    )


def read_bundle(folder: Path, options: ReadOptions) -> Article:
    """The article of one bundle folder, with its media files matched. Raises SourceError."""
    article_files = _article_files(folder)
    if not article_files:
        raise SourceError(
            f"no article file in bundle: {folder}",
            location=str(folder),
            hint="add article.txt, article.md, article.html or article.json, "
            "or move this folder out of the SOURCE folder",
        )
    if len(article_files) > 1:
        names = " and ".join(path.name for path in article_files)
        raise SourceError(
            f"several article files in bundle: {folder} — {names}",
            location=str(folder),
            hint="a bundle holds one article: keep one file, or split them into two folders",
        )
    path = article_files[0]
    return read_article_file(path, ARTICLE_KIND_BY_NAME[path.name.lower()], options)


def read_article_file(path: Path, kind: str, options: ReadOptions) -> Article:
    """One article file of `kind` (txt, md, html, json) with the media of its folder."""
    folder = path.parent
    origin = str(path)
    data = _read_capped(path, options.max_article_bytes)
    boilerplate = compile_boilerplate(tuple(options.boilerplate_patterns))
    language = options.default_language
    if kind == "json":
        article = parse_json_article(
            data,
            origin=origin,
            fallback_id=folder.name,
            boilerplate=boilerplate,
            default_language=language,
        )
    elif kind == "html":
        article = _read_html(data, origin, folder, options)
    else:
        text, decode_warnings = decode_text(data, origin)
        parse = parse_markdown_article if kind == "md" else parse_text_article
        article = parse(
            text,
            origin=origin,
            fallback_id=folder.name,
            boilerplate=boilerplate,
            default_language=language,
        )
        article = dataclasses.replace(article, warnings=(*decode_warnings, *article.warnings))
    return clean_article(attach_media(article, folder, strict=kind != "html"))


def _read_html(data: bytes, origin: str, folder: Path, options: ReadOptions) -> Article:
    # The HTML extractor lives in its own module (lxml, trafilatura); imported on first use
    # so text-only builds do not pay for it.
    html_source = importlib.import_module("packager.sources.html")
    article: Article = html_source.extract_html_article(data, origin=origin, base_url="")
    body = [
        " ".join(block)
        for block in cut_footer(
            [[paragraph] for paragraph in article.body],
            compile_boilerplate(tuple(options.boilerplate_patterns)),
        )
    ]
    # A saved page names its pictures relative to where it lived ("library.jpg" became
    # https://site/culture/library.jpg); the copy saved beside it is the one to use.
    images = tuple(
        dataclasses.replace(image, location=local)
        if (local := _saved_copy(image.location, folder))
        else image
        for image in article.images
    )
    return dataclasses.replace(
        article,
        images=images,
        # Same id rule as the other bundle kinds: canonical URL, else the folder name.
        id=stable_id(url=article.url, fallback=folder.name),
        body=tuple(body),
        summary=article.summary or (body[0] if body else ""),
        language=article.language or options.default_language,
    )


def _saved_copy(location: str, folder: Path) -> str:
    """The bundle file an absolute image URL stands for (same file name), or ""."""
    if not _URL.match(location):
        return ""
    name = urlsplit(location).path.rsplit("/", 1)[-1]
    return name if name and (folder / name).is_file() else ""


def attach_media(article: Article, folder: Path, *, strict: bool = True) -> Article:
    """`article` with its media resolved to files of `folder` and the bundle's other media added.

    `strict`: a named file that is missing is an error (article.txt/.md/.json name files on
    purpose); otherwise (a saved HTML page) that image falls back to the bundle's files in order.
    Files whose real path is outside the bundle (symbolic links out of it) are never read, and
    caption files must really be WebVTT or SRT text.
    """
    media = _BundleMedia(folder, article.origin, strict)
    images = _match_images(article, media)
    videos = _match_videos(article, media)
    captions = _match_captions(article, media)
    media.warnings.extend(
        f"{path}: {path.suffix} files cannot go into a Roku feed; ignored"
        for path in media.files
        if path.suffix.lower() in UNSUPPORTED_MEDIA_EXTENSIONS
    )
    return dataclasses.replace(
        article,
        images=tuple(images),
        videos=tuple(videos),
        captions=tuple(captions),
        warnings=(*article.warnings, *media.warnings),
    )


class _BundleMedia:
    """The media files of one bundle folder, and which of them the article already named."""

    def __init__(self, folder: Path, origin: str, strict: bool) -> None:
        self.folder = folder
        self.origin = origin
        self.strict = strict
        self.warnings: list[str] = []
        self.claimed: set[Path] = set()
        self.files: list[Path] = []
        for path in sorted(folder.iterdir(), key=lambda path: path.name):
            if _hidden(path) or not path.is_file():
                continue
            if not inside_bundle(path, folder):
                self.warnings.append(
                    f"{path}: refused — it links to {path.resolve()}, outside the bundle"
                )
                continue
            self.files.append(path)

    def resolve(self, location: str, what: str) -> str | None:
        """A URL as is, else the bundle file `location` names (None if lenient and absent)."""
        if _URL.match(location):
            return location
        path = _bundle_file(self, location, what)
        if path is None:
            return None
        self.claimed.add(path)
        return str(path)

    def unclaimed(self, extensions: frozenset[str]) -> list[Path]:
        """The bundle's files with one of `extensions` that the article did not name."""
        return [p for p in self.files if p.suffix.lower() in extensions and p not in self.claimed]


def _match_images(article: Article, media: _BundleMedia) -> list[Image]:
    pending: list[Image] = []
    for image in article.images:
        location = media.resolve(image.location, "image") if image.location else ""
        if location is None:  # lenient: a page's image we do not have goes by order instead
            media.warnings.append(
                f"{article.origin}: image {image.location!r} not in the bundle; "
                "matched to the bundle's image files in order"
            )
        pending.append(dataclasses.replace(image, location=location or ""))
    spare = media.unclaimed(IMAGE_EXTENSIONS)
    matched: list[Image] = []
    for image in pending:
        if not image.location:
            if not spare:
                media.warnings.append(
                    f"{article.origin}: no image file left for the image captioned "
                    f"{_clip(image.caption)!r}; dropped (add the photo to the bundle)"
                )
                continue
            image = dataclasses.replace(image, location=str(spare.pop(0)))
        matched.append(image)
    matched.extend(Image(str(path)) for path in spare)
    return matched


def _match_videos(article: Article, media: _BundleMedia) -> list[Video]:
    videos = []
    for video in article.videos:
        location = media.resolve(video.location, "video")
        if location is None:
            media.warnings.append(f"{article.origin}: video {video.location!r} not in the bundle")
            continue
        video_type = video.video_type or video_type_for(location)
        videos.append(dataclasses.replace(video, location=location, video_type=video_type))
    videos.extend(
        Video(str(path), video_type_for(path.name)) for path in media.unclaimed(VIDEO_EXTENSIONS)
    )
    return videos


def _match_captions(article: Article, media: _BundleMedia) -> list[CaptionFile]:
    found = []
    for caption in article.captions:
        location = media.resolve(caption.location, "caption file")
        if location is None:
            media.warnings.append(
                f"{article.origin}: caption file {caption.location!r} not in the bundle"
            )
        else:
            found.append(dataclasses.replace(caption, location=location))
    found += [_caption_file(path, article.language) for path in media.unclaimed(CAPTION_EXTENSIONS)]
    captions = []
    for caption in found:
        why = "" if _URL.match(caption.location) else caption_text_problem(Path(caption.location))
        if why:
            media.warnings.append(f"{caption.location}: refused as a caption file — {why}")
        else:
            captions.append(caption)
    return captions


_CAPTION_PROBE_BYTES = 4096
_SRT_TIMING = re.compile(r"^\s*\d{1,3}:\d{2}:\d{2}[,.]\d{1,3}\s*-->", re.MULTILINE)
_WEBVTT_SIGNATURE = re.compile(r"WEBVTT(?:[ \t\r\n]|$)")


def caption_text_problem(path: Path) -> str:
    """Why `path` is not a WebVTT or SRT caption file ("" when it is one).

    WebVTT starts with "WEBVTT" (W3C WebVTT §4.1); SRT has `00:00:01,000 -->` timing lines.
    Both are text: a NUL byte means another kind of file under a caption's name.
    """
    try:
        with path.open("rb") as stream:
            head = stream.read(_CAPTION_PROBE_BYTES)
    except OSError as exc:
        return f"cannot read it: {exc.strerror or exc}"
    if b"\x00" in head:
        return "it holds binary data, not WebVTT or SRT text"
    text = head.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="ignore")
    if _WEBVTT_SIGNATURE.match(text):
        return ""
    if path.suffix.lower() == ".srt":
        return "" if _SRT_TIMING.search(text) else "it is not SRT (no `00:00:01,000 -->` line)"
    return "it is not WebVTT (its first line must be WEBVTT)"


def inside_bundle(path: Path, folder: Path) -> bool:
    """True when `path`, symbolic links followed, is within `folder` (also followed)."""
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # a link loop
        return False


def _bundle_file(media: _BundleMedia, name: str, what: str) -> Path | None:
    """The file `name` (relative to the bundle) an article refers to; None if lenient and absent."""
    folder, origin, files, strict = media.folder, media.origin, media.files, media.strict
    relative = Path(name.split("?", 1)[0].split("#", 1)[0])
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        if not strict:  # a saved page's "/static/x.jpg" or "//cdn/x.jpg": not ours to read
            return None
        raise SourceError(
            f"bad {what} reference: {origin} names {name!r} — outside the bundle",
            location=origin,
            hint="name media files relative to the bundle folder, e.g. photo1.jpg",
        )
    path = folder / relative
    if (path.is_file() or path.is_symlink()) and not inside_bundle(path, folder):
        raise SourceError(
            f"refused {what}: {origin} names {name!r} — it leads to {path.resolve()}, "
            "outside the bundle",
            location=origin,
            hint="copy the file into the bundle folder instead of linking to it",
        )
    if path.is_file():
        return path
    # Case slips ("Photo.JPG" for photo.jpg) are common in hand-written articles.
    folded = [p for p in files if p.name.casefold() == relative.name.casefold()]
    if len(relative.parts) == 1 and len(folded) == 1:
        return folded[0]
    if not strict:
        return None
    present = ", ".join(p.name for p in files if p.name != Path(origin).name) or "nothing else"
    raise SourceError(
        f"missing {what}: {origin} names {name!r} — no such file in {folder}",
        location=origin,
        hint=f"add the file to the bundle or fix the name (the bundle holds: {present})",
    )


def _caption_file(path: Path, default_language: str) -> CaptionFile:
    # "captions.fr.vtt" is French; "captions.en.cc.vtt" / "talk.sdh.srt" are closed captions.
    parts = [part for part in path.name.split(".")[1:-1]]
    language = next((p for p in parts if _LANGUAGE_PART.match(p) and p not in {"cc", "sdh"}), "")
    closed = any(part.lower() in {"cc", "sdh"} for part in parts)
    return CaptionFile(
        str(path),
        language.replace("_", "-") or default_language,
        "CLOSED_CAPTION" if closed else "SUBTITLE",
    )


def _article_files(folder: Path) -> list[Path]:
    return sorted(
        (p for p in folder.iterdir() if p.is_file() and p.name.lower() in ARTICLE_KIND_BY_NAME),
        key=lambda path: path.name,
    )


def _read_capped(path: Path, limit: int) -> bytes:
    size = path.stat().st_size
    with path.open("rb") as stream:
        data = stream.read(limit + 1)
    if size > limit or len(data) > limit:
        raise SourceError(
            f"article file too large: {path} — {max(size, len(data)) / 1e6:.1f} MB, "
            f"the limit is {limit / 1e6:.1f} MB",
            location=str(path),
            hint="an article file holds one article; check it is the right file "
            "(or raise ReadOptions.max_article_bytes)",
        )
    return data


def _hidden(path: Path) -> bool:
    # ".DS_Store", "._photo.jpg" (macOS), ".git": never part of a bundle.
    return path.name.startswith(".")


def _clip(text: str, length: int = 50) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"
