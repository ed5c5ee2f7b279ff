"""Plain-text article files (`article.txt`): breadcrumb, headline, captions, body, front matter.

The layout is the one a "save as text" of a news page gives (see the seed article)::

    News / Foreign Policy / Russia          <- breadcrumb: the section path (optional)
    <blank>
    US backs down, responds to ...          <- headline
    <blank>
    Caption of the first photo. (AFP photo) <- caption lines: every line of the block ends
    Caption of the second. (Reuters photo)     in a photo credit
    <blank>
    Paragraph one ...                       <- body, one paragraph per blank-line block
    Site boilerplate ...                    <- footer: from the first line matching a
                                               boilerplate pattern on, dropped

A block whose every line ends in a photo credit is a caption block wherever it stands (pages
also put captions mid-text). Captions keep their text without the credit; `Image.credit` is the
name only ("AFP", not "AFP photo"). A breadcrumb is recognised only when the next block does not
end like a sentence, so "Iran / US talks resume" above a paragraph stays the headline.

An optional leading front-matter block (`---` ... `---` of `key: value` lines) says what plain
text cannot: id, date, url, video (with duration), tags, language, section, summary, author, images (file names
in caption order). With `title:` given, the headline line in the text is optional.
The helpers here (decoding, front matter, credits, breadcrumbs, footers) serve the Markdown reader
too.
"""

from __future__ import annotations

import functools
import re
import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time

from packager.errors import ConfigError, SourceError
from packager.ids import stable_id
from packager.model import LANGUAGE_CODE, Article, Image, Video
from packager.sources.media import (
    MAX_DURATION_SECONDS,
    detect_video_type,
    parse_duration,
    representable,
)

# Footer lines are short ("Follow us on X", "© 2024 Example. All rights reserved."); a long
# paragraph that happens to say "follow us on" is body text. Also keeps long bodies cheap.
MAX_FOOTER_LINE = 300

FRONT_MATTER_FENCE = "---"
FRONT_MATTER_KEYS = (
    "id",
    "title",
    "date",
    "modified",
    "url",
    "video",
    "tags",
    "language",
    "section",
    "summary",
    "author",
    "images",
    "duration",
)
# Spellings people use for the same key.
FRONT_MATTER_ALIASES = {
    "published": "date",
    "videos": "video",
    "tag": "tags",
    "lang": "language",
    "authors": "author",
    "image": "images",
    "description": "summary",
    "category": "section",
}

_FRONT_MATTER_LINE = re.compile(r"^(?P<key>[A-Za-z][A-Za-z0-9_-]*)\s*:(?:\s+(?P<value>.*))?\s*$")
_HTTP_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
# C0/C1 control characters other than tab and line breaks: text has almost none, binary many.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# A line ending like a sentence is body text, not a headline.
_ENDS_LIKE_SENTENCE = re.compile(r"[.;,][\"'”’)]?$")
_BREADCRUMB_SEPARATORS = re.compile(r"\s*(?:/|»|›|\s>\s)\s*")
_SENTENCE_END = re.compile(r"[.!?:;,]$")

# Photo credits at the end of a caption line. Each pattern's `credit` group is the credit
# kept in `Image.credit`: the agency or photographer *name* ("AFP", "John Smith/Reuters"),
# without the word "photo", because that is what a credit line displays.
# English, and "Foto"/"Bild" as German, Dutch, Nordic, Spanish and Italian credits write it.
_PHOTO_WORDS = r"(?:photo|photograph|image|picture|pic|foto|bild)s?"
_CREDIT_PATTERNS = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        # "(Photo by X)", "(Photo: X)", "(Photo/AFP)", "(Photo credit: X)", "(Photo courtesy of X)"
        rf"\({_PHOTO_WORDS}\s*(?:credit\s*:?|courtesy(?:\s+of)?|by|:|/)\s*(?P<credit>[^()]{{1,80}})\)$",
        # "(Credit: X)", "(Courtesy of X)", "(© X)"
        r"\((?:credit\s*:|courtesy(?:\s+of)?|©)\s*(?P<credit>[^()]{1,80})\)$",
        # "(Getty Images)", "(Anadolu Images)": agencies whose name ends in "Images"
        r"\((?P<credit>[^()]{1,60}?\s+images)\)$",
        # "(AP Photo/Carolyn Kaster)", "(Reuters Photo / Jane Doe)": agency style, kept whole
        r"\((?P<credit>[^()/]{1,40}?\s(?:photo|foto)s?\s*/\s*[^()]{1,60})\)$",
        # "(AFP photo)", "(Reuters photo)", "(AFP file photo)"
        r"\((?P<credit>[^()]{1,80}?)\s+(?:file\s+)?(?:photo|photograph|pic)s?\)$",
        # "... in Washington. Photo: X" / "— Photo by X" (no parentheses)
        rf"(?:^|[\s.;,|—–-])(?P<start>{_PHOTO_WORDS})\s*(?:credit\s*:?|by|:)\s*(?P<credit>[^().]{{1,60}})$",
        # "... © X"
        r"(?:^|\s)(?P<start>©)\s*(?P<credit>[^()]{1,60})$",
    )
)
_CREDIT_TAIL = 120  # longest credit the patterns accept, plus its "(Photo by ...)" wrapping
# Credits that name no one ("(File photo)", "(Stock image)"): the line is a caption, no credit.
_ANONYMOUS_CREDITS = frozenset({"file", "archive", "stock", "handout", "illustrative"})


def normalise_space(text: str) -> str:
    """`text` with Unicode spaces (NBSP, ...) as plain spaces, runs collapsed, trimmed."""
    # str.split() splits on every Unicode space, NBSP included, and is far faster than a regex.
    return " ".join(text.split())


def decode_text(data: bytes, origin: str) -> tuple[str, tuple[str, ...]]:
    """Text of an article file: UTF-8 (BOM allowed), UTF-16 with a BOM, else cp1252 with a warning.

    Raises SourceError for empty files and for binary data (NUL bytes, control characters).
    """
    if not data.strip():
        raise SourceError(
            f"empty article file: {origin}",
            location=origin,
            hint="write the headline and body into it, or remove the bundle",
        )
    warnings: list[str] = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _binary_error(
                origin, f"bad UTF-16 at byte {exc.start}", _resave_hint(origin)
            ) from exc
    else:
        if b"\x00" in data[:65536]:
            raise _binary_error(origin, "it holds NUL bytes")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                why = f"neither UTF-8 nor cp1252 (byte {exc.start})"
                raise _binary_error(origin, why, _resave_hint(origin)) from exc
            warnings.append(
                f"{origin}: not UTF-8 (first bad byte at offset {exc.start}); read as cp1252 — "
                f"re-save it as UTF-8 to be sure of the characters: {_iconv(origin)}"
            )
    controls = len(_CONTROL_CHARACTERS.findall(text))
    if controls > max(8, len(text) // 200):
        raise _binary_error(origin, f"{controls} control characters")
    return text.replace("\r\n", "\n").replace("\r", "\n"), tuple(warnings)


def _iconv(origin: str) -> str:
    """The command that re-saves a legacy-encoded article file as UTF-8 (Windows' "ANSI" is
    windows-1252, the encoding such files most often have)."""
    name = shlex.quote(origin.replace("\\", "/").rsplit("/", 1)[-1] or "article.txt")
    return f"iconv -f windows-1252 -t utf-8 {name} > utf8.tmp && mv utf8.tmp {name}"


def _resave_hint(origin: str) -> str:
    return (
        're-save the file as UTF-8: in an editor choose "Save with encoding: UTF-8", or convert '
        f"it with `{_iconv(origin)}` (name its real encoding after -f: utf-16, iso-8859-1, ...)"
    )


_NOT_TEXT_HINT = (
    "this is not an article text: check it is the right file (a photo or a document saved "
    "under an article name?); an article file is plain UTF-8 text"
)


def _binary_error(origin: str, why: str, hint: str = _NOT_TEXT_HINT) -> SourceError:
    return SourceError(f"article file is not text: {origin} — {why}", location=origin, hint=hint)


@functools.lru_cache(maxsize=64)
def compile_boilerplate(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    """The footer patterns compiled (case-insensitive); a bad regex is a ConfigError."""
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern, re.IGNORECASE))
        except re.error as exc:
            raise ConfigError(
                f"bad boilerplate pattern {pattern!r}: {exc}",
                key="boilerplate_patterns",
                hint="patterns are Python regular expressions; escape literal ( ) [ ] . with \\",
            ) from exc
    return tuple(compiled)


def is_boilerplate(line: str, patterns: Sequence[re.Pattern[str]]) -> bool:
    """True if `line` is short enough to be site furniture and matches a footer pattern."""
    plain = normalise_space(line)
    if not plain or len(plain) > MAX_FOOTER_LINE:
        return False
    return any(pattern.search(plain) for pattern in patterns)


def cut_footer(blocks: Sequence[list[str]], patterns: Sequence[re.Pattern[str]]) -> list[list[str]]:
    """The blocks before the site footer: from the first boilerplate line on, all is dropped."""
    kept: list[list[str]] = []
    for block in blocks:
        for index, line in enumerate(block):
            if is_boilerplate(line, patterns):
                if index:
                    kept.append(block[:index])
                return kept
        kept.append(block)
    return kept


def split_credit(line: str) -> tuple[str, str] | None:
    """(caption, credit) if `line` ends in a photo credit, else None.

    "Blinken speaks in Washington. (Reuters photo)" -> ("Blinken speaks in Washington.", "Reuters").
    """
    plain = normalise_space(line)
    # Credits are short: searching only the tail keeps long body paragraphs cheap. (With a
    # start position, `^` still means the start of the line and lookbehinds see before it.)
    start = max(0, len(plain) - _CREDIT_TAIL)
    for pattern in _CREDIT_PATTERNS:
        match = pattern.search(plain, start)
        if match:
            credit = match.group("credit").strip(" .,;:-–—")
            if credit.lower() in _ANONYMOUS_CREDITS:
                credit = ""
            # Patterns that need a separator before the credit mark where the credit starts.
            end = match.start("start") if "start" in pattern.groupindex else match.start()
            caption = plain[:end].rstrip(" -–—|,;")
            return caption, credit
    return None


def normalise_credit(text: str) -> str:
    """A photo credit in the one form every reader gives: the credited name alone.

    "(Town Crier photo)", "Photo: Town Crier", "© Town Crier" and "(Town Crier)" all become
    "Town Crier", so the feed, `packager extract` and the rendered video show it alike
    however the page, the CMS or the article file wrote it.
    """
    plain = normalise_space(text)
    split = split_credit(plain)
    if split is not None and not split[0] and split[1]:  # the whole text is a credit mark
        plain = split[1]
    while len(plain) > 2 and plain[0] == "(" and plain[-1] == ")" and "(" not in plain[1:-1]:
        plain = plain[1:-1].strip()
    return plain


def split_breadcrumb(text: str) -> tuple[str, ...]:
    """A section path from "News / Foreign Policy / Russia" (also », ›, > separators)."""
    parts = (normalise_space(part) for part in _BREADCRUMB_SEPARATORS.split(text))
    return tuple(part for part in parts if part)


def looks_like_breadcrumb(line: str) -> bool:
    """True for a short line of 2+ short parts separated by '/', '»', '›' or ' > '."""
    plain = normalise_space(line)
    if not plain or len(plain) > 200:
        return False
    raw_parts = _BREADCRUMB_SEPARATORS.split(plain)
    if len(raw_parts) < 2 or any(not part.strip() for part in raw_parts):
        return False
    return all(
        len(part) <= 40 and len(part.split()) <= 5 and not _SENTENCE_END.search(part)
        for part in raw_parts
    )


def video_type_for(location: str) -> str:
    """The Roku videoType (spec: HLS, SMOOTH, DASH, MP4, MOV, M4V) of a name's extension, or ""."""
    return detect_video_type(location)


OUT_OF_RANGE_DATE = "outside the years 1 to 9999 once converted to UTC"


def parse_iso_date(value: str) -> datetime:
    """An ISO 8601 date or date-time as an aware datetime; no zone given means UTC.

    Raises ValueError for anything else: for dates a publisher typed (front matter,
    article.json), whose mistakes are reported. Dates from feeds and pages, read as they
    come, go through `media.parse_loose_date`.
    """
    text = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return datetime.combine(datetime.fromisoformat(text).date(), time(0, 0), tzinfo=UTC)
    if not re.match(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}", text):
        raise ValueError("not an ISO 8601 date")
    moment = datetime.fromisoformat(text)
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    if not representable(moment):
        raise ValueError(OUT_OF_RANGE_DATE)
    return moment


@dataclass(frozen=True)
class FrontMatter:
    """The `key: value` lines of a front-matter block, with the line number of each."""

    origin: str
    values: dict[str, tuple[str, int]] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    def __contains__(self, key: str) -> bool:
        return key in self.values

    def text(self, key: str) -> str:
        return self.values[key][0] if key in self.values else ""

    def items(self, key: str) -> tuple[str, ...]:
        """A comma-separated (or `[a, b]`) list value, each item trimmed and unquoted."""
        raw = self.text(key)
        if raw.startswith("[") and raw.endswith("]"):
            raw = raw[1:-1]
        return tuple(item for item in (_unquote(part.strip()) for part in raw.split(",")) if item)

    def datetime(self, key: str) -> datetime | None:
        if key not in self.values:
            return None
        value = self.values[key][0]
        try:
            return parse_iso_date(value)
        except ValueError as exc:
            out_of_range = str(exc) == OUT_OF_RANGE_DATE
            raise self.error(
                key,
                f"{value!r} is " + (OUT_OF_RANGE_DATE if out_of_range else "not an ISO 8601 date"),
                "write e.g. 2022-01-26 or 2022-01-26T18:30:00+03:30 (no zone = UTC)",
            ) from None

    def url(self, key: str) -> str:
        value = self.text(key)
        if value and not _HTTP_URL.match(value):
            raise self.error(key, f"{value!r} is not an http(s) URL", "write the full URL")
        return value

    def language(self, default: str) -> str:
        value = self.text("language")
        if not value:
            return default
        if not LANGUAGE_CODE.match(value):
            raise self.error(
                "language", f"{value!r} is not a language code", "write e.g. en, en-US or fr"
            )
        return value

    def error(self, key: str, why: str, hint: str) -> SourceError:
        line = self.values[key][1]
        return SourceError(
            f"bad front matter: {self.origin}:{line} `{key}` — {why}",
            location=f"{self.origin}:{line}",
            hint=hint,
        )


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def split_front_matter(text: str, origin: str) -> tuple[FrontMatter, list[str], int]:
    """(front matter, remaining lines, number of lines consumed) of an article's text.

    The block is a first line `---`, then `key: value` lines (blank lines and `#` comments
    allowed), then a closing `---` (or `...`). No block: empty front matter, all lines.
    """
    lines = text.split("\n")
    if not lines or lines[0].strip() != FRONT_MATTER_FENCE:
        return FrontMatter(origin), lines, 0
    values: dict[str, tuple[str, int]] = {}
    warnings: list[str] = []
    for index in range(1, len(lines)):
        line = lines[index]
        number = index + 1
        stripped = line.strip()
        if stripped in (FRONT_MATTER_FENCE, "..."):
            front = FrontMatter(origin, values, tuple(warnings))
            return front, lines[index + 1 :], index + 1
        if not stripped or stripped.startswith("#"):
            continue
        match = _FRONT_MATTER_LINE.match(stripped)
        if not match:
            raise SourceError(
                f"bad front matter: {origin}:{number} — {stripped[:60]!r} "
                "is not a `key: value` line",
                location=f"{origin}:{number}",
                hint="each front-matter line is `key: value`; lists are comma-separated "
                "(tags: a, b); close the block with a `---` line",
            )
        key = match.group("key").lower()
        key = FRONT_MATTER_ALIASES.get(key, key)
        value = _unquote((match.group("value") or "").strip())
        if key in values:
            raise SourceError(
                f"bad front matter: {origin}:{number} — `{key}` given twice "
                f"(first on line {values[key][1]})",
                location=f"{origin}:{number}",
                hint="give each key once; several values go on one line, comma-separated",
            )
        if key not in FRONT_MATTER_KEYS:
            warnings.append(
                f"{origin}:{number}: front matter key `{key}` is not used "
                f"(known: {', '.join(FRONT_MATTER_KEYS)})"
            )
        values[key] = (value, number)
    raise SourceError(
        f"bad front matter: {origin}:1 — the `---` block is never closed",
        location=f"{origin}:1",
        hint="end the front matter with a line holding only `---`",
    )


def blocks_of(lines: Iterable[str]) -> list[list[str]]:
    """Lines grouped into blank-line separated blocks (each line whitespace-normalised)."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        plain = normalise_space(line)
        if plain:
            current.append(plain)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def article_from_parts(  # noqa: PLR0913 - keyword-only parts of one article, each named
    front: FrontMatter,
    *,
    origin: str,
    fallback_id: str,
    default_language: str,
    title: str,
    section_path: tuple[str, ...],
    body: Sequence[str],
    images: Sequence[Image],
    extra_warnings: Sequence[str] = (),
) -> Article:
    """The Article of a txt/md file: what its text says, overridden by its front matter.

    Images named by front-matter `images:` fill the images without a file, in order; named
    images left over are appended. Front-matter `video:` entries become videos.
    """
    title = normalise_space(front.text("title")) or title
    if not title:
        raise SourceError(
            f"no headline: {origin}",
            location=origin,
            hint="put the headline on its own line after the breadcrumb"
            " (Markdown: `# Headline`), or give `title:` in front matter",
        )
    if "section" in front:
        section_path = split_breadcrumb(front.text("section"))
    url = front.url("url")
    published = front.datetime("date")
    warnings = [*front.warnings, *extra_warnings]
    if published is None:
        warnings.append(f"{origin}: no date — add `date: 2022-01-26T18:30:00Z` to the front matter")
    if not body:
        warnings.append(f"{origin}: no body text after the headline and captions")
    named_images = list(front.items("images"))
    resolved_images: list[Image] = []
    for image in images:
        if not image.location and named_images:
            image = Image(named_images.pop(0), image.caption, image.credit, image.alt)
        resolved_images.append(image)
    resolved_images.extend(Image(name) for name in named_images)
    duration = parse_duration(front.text("duration")) if "duration" in front else None
    if "duration" in front and duration is None:
        raise SourceError(
            f"{origin}: front matter `duration` {_clip(front.text('duration'))!r} is not a "
            f"duration of at most {MAX_DURATION_SECONDS} seconds",
            location=origin,
            hint="write seconds (95), a clock (1:35) or ISO 8601 (PT1M35S)",
        )
    videos = tuple(
        Video(location, video_type_for(location), duration_seconds=duration)
        for location in front.items("video")
    )
    return Article(
        id=stable_id(explicit=front.text("id"), url=url, fallback=fallback_id),
        title=title,
        origin=origin,
        url=url,
        section_path=section_path,
        summary=normalise_space(front.text("summary")) or (body[0] if body else ""),
        body=tuple(body),
        published=published,
        modified=front.datetime("modified"),
        authors=front.items("author"),
        tags=front.items("tags"),
        language=front.language(default_language),
        images=tuple(resolved_images),
        videos=videos,
        warnings=tuple(warnings),
    )


def parse_text_article(
    text: str,
    *,
    origin: str,
    fallback_id: str,
    boilerplate: Sequence[re.Pattern[str]],
    default_language: str,
) -> Article:
    """The Article an `article.txt` describes (images carry captions; files are matched later).

    Raises SourceError for a missing headline or malformed front matter.
    """
    front, lines, _ = split_front_matter(text, origin)
    blocks = blocks_of(lines)
    section_path: tuple[str, ...] = ()
    # A breadcrumb typed straight above the headline, without the blank line between them,
    # is its own block all the same: otherwise "News / World" would become the headline.
    if blocks and len(blocks[0]) > 1 and looks_like_breadcrumb(blocks[0][0]):
        blocks[0:1] = [blocks[0][:1], blocks[0][1:]]
    # A breadcrumb is the first line when it looks like one and a headline follows it: a
    # "headline" ending like a sentence means the first line was the headline after all
    # ("Iran / US talks resume" above a body paragraph).
    if (
        len(blocks) > 1
        and len(blocks[0]) == 1
        and looks_like_breadcrumb(blocks[0][0])
        and not _ENDS_LIKE_SENTENCE.search(blocks[1][0])
    ):
        section_path = split_breadcrumb(blocks.pop(0)[0])
    title = ""
    given_title = normalise_space(front.text("title"))
    if blocks and (not given_title or _same_text(blocks[0][0], given_title)):
        headline_block = blocks.pop(0)
        title = headline_block[0]
        if len(headline_block) > 1:  # lines under the headline without a blank: captions or body
            blocks.insert(0, headline_block[1:])
    images: list[Image] = []
    body: list[str] = []
    # The footer is looked for below the headline only: a headline may well say "copyright".
    for block in cut_footer(blocks, boilerplate):
        credits = [split_credit(line) for line in block]
        if all(credit is not None for credit in credits):
            images.extend(Image("", caption, credit) for caption, credit in filter(None, credits))
        else:
            body.append(" ".join(block))
    return article_from_parts(
        front,
        origin=origin,
        fallback_id=fallback_id,
        default_language=default_language,
        title=title,
        section_path=section_path,
        body=body,
        images=images,
    )


def _same_text(left: str, right: str) -> bool:
    return normalise_space(left).casefold() == normalise_space(right).casefold()


def _clip(text: str, length: int = 40) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"
