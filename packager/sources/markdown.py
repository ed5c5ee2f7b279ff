"""Markdown article files (`article.md`): front matter, `# Title`, paragraphs, images.

Only the part of Markdown an article uses is read, and the body comes out as plain text:
ATX and setext headings, paragraphs, list items and block quotes (each a paragraph), fenced
code (kept as text), images anywhere (`![alt](src "title")`: the caption is the title, else the
alt text, with a trailing photo credit split off), links reduced to their text, emphasis and
inline HTML dropped. A breadcrumb paragraph before the title gives the section path, as does
front-matter `section:`. No third-party Markdown package is needed for this subset.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from packager.model import Article, Image
from packager.sources.text import (
    article_from_parts,
    is_boilerplate,
    looks_like_breadcrumb,
    normalise_space,
    split_breadcrumb,
    split_credit,
    split_front_matter,
)

_ATX_HEADING = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_SETEXT_UNDERLINE = re.compile(r"^(=+|-+)\s*$")
_THEMATIC_BREAK = re.compile(r"^([-*_])(?:\s*\1){2,}\s*$")
_LIST_ITEM = re.compile(r"^(?:[-*+]|\d{1,9}[.)])\s+(.*)$")
_FENCE = re.compile(r"^(`{3,}|~{3,})")
_REFERENCE_DEFINITION = re.compile(r"^\[[^\]]+\]:\s*\S+")
_IMAGE = re.compile(
    r"!\[(?P<alt>(?:\\.|[^\]\\])*)\]\(\s*<?(?P<src>[^\s)>]+)>?"
    r"(?:\s+(?:\"(?P<dq>[^\"]*)\"|'(?P<sq>[^']*)'))?\s*\)"
)
_LINK = re.compile(r"\[(?P<text>(?:\\.|[^\]\\])*)\](?:\([^)]*\)|\[[^\]]*\])")
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS = re.compile(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>|~])")


@dataclass
class _Block:
    """One block of the document: a heading (level > 0) or a paragraph (level 0)."""

    level: int = 0
    lines: list[str] = field(default_factory=list)


def parse_markdown_article(
    text: str,
    *,
    origin: str,
    fallback_id: str,
    boilerplate: Sequence[re.Pattern[str]],
    default_language: str,
) -> Article:
    """The Article an `article.md` describes (image files are matched by the bundle reader).

    Raises SourceError for a missing title or malformed front matter.
    """
    front, lines, _ = split_front_matter(_HTML_COMMENT.sub("", text), origin)
    blocks = _blocks(lines)
    title = ""
    section_path: tuple[str, ...] = ()
    title_index = next((i for i, block in enumerate(blocks) if block.level == 1), None)
    if title_index is not None:
        title = _inline_text(" ".join(blocks[title_index].lines))
        before = blocks[:title_index]
        blocks = blocks[title_index + 1 :]
        # A breadcrumb paragraph above the title is the section path; other text there stays.
        if before and before[0].level == 0 and len(before[0].lines) == 1:
            candidate = _inline_text(before[0].lines[0])
            if looks_like_breadcrumb(candidate):
                section_path = split_breadcrumb(candidate)
                before = before[1:]
        blocks = before + blocks
    elif blocks and blocks[0].level == 0 and len(blocks[0].lines) == 1 and len(blocks) > 1:
        candidate = _inline_text(blocks[0].lines[0])
        if looks_like_breadcrumb(candidate):
            section_path = split_breadcrumb(candidate)
            blocks = blocks[1:]

    images: list[Image] = []
    body: list[str] = []
    for block in blocks:
        paragraph: list[str] = []
        block_images: list[Image] = []
        footer = False
        for line in block.lines:
            line_images, rest = _extract_images(line)
            plain = _inline_text(rest)
            if is_boilerplate(plain, boilerplate):
                footer = True  # the site footer starts here: drop it and all after it
                break
            block_images.extend(line_images)
            if plain:
                paragraph.append(plain)
        images.extend(block_images)
        credits = [split_credit(line) for line in paragraph]
        if block.level == 0 and paragraph and all(credits):
            # A paragraph made only of credited lines holds captions, as in article.txt.
            images.extend(Image("", caption, credit) for caption, credit in filter(None, credits))
        elif paragraph:
            body.append(" ".join(paragraph))
        if footer:
            break
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


def _blocks(lines: Sequence[str]) -> list[_Block]:
    """Headings and paragraphs of Markdown lines (lists, quotes, code become paragraphs)."""
    blocks: list[_Block] = []
    paragraph = _Block()
    fence = ""

    def flush() -> None:
        nonlocal paragraph
        if paragraph.lines:
            blocks.append(paragraph)
        paragraph = _Block()

    for raw in lines:
        line = raw.strip()
        if fence:
            if line.startswith(fence):
                fence = ""
                flush()
            elif line:
                paragraph.lines.append(line)
            continue
        while line.startswith(">"):  # block quotes read as their content
            line = line[1:].strip()
        fence_match = _FENCE.match(line)
        if fence_match:
            flush()
            fence = fence_match.group(1)
            continue
        if not line or _REFERENCE_DEFINITION.match(line):
            flush()
            continue
        heading = _ATX_HEADING.match(line)
        if heading:
            flush()
            blocks.append(_Block(len(heading.group(1)), [heading.group(2)]))
            continue
        if paragraph.lines and _SETEXT_UNDERLINE.match(line):
            blocks.append(_Block(1 if line.startswith("=") else 2, paragraph.lines))
            paragraph = _Block()
            continue
        if _THEMATIC_BREAK.match(line):
            flush()
            continue
        item = _LIST_ITEM.match(line)
        if item:
            flush()
            line = item.group(1)
        paragraph.lines.append(line)
    flush()
    return blocks


def _extract_images(line: str) -> tuple[list[Image], str]:
    """The images of a line (`![alt](src "title")`) and the line without them."""
    images: list[Image] = []
    for match in _IMAGE.finditer(line):
        alt = _inline_text(match.group("alt"))
        title = _inline_text(match.group("dq") or match.group("sq") or "")
        caption, credit = split_credit(title or alt) or (title or alt, "")
        # `![caption (credit)](file)`: the alt text is the caption, without the credit.
        images.append(Image(match.group("src"), caption, credit, alt if title else caption))
    return images, _IMAGE.sub(" ", line)


def _inline_text(text: str) -> str:
    """Markdown inline syntax reduced to the text a reader sees."""
    text = _CODE_SPAN.sub(lambda m: m.group(2).strip(), text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _LINK.sub(lambda m: m.group("text"), text)
    text = _HTML_TAG.sub("", text)
    for pattern in (_STRONG, _STRIKE):
        text = pattern.sub(lambda m: m.group(m.lastindex or 0), text)
    text = _EMPHASIS.sub(lambda m: m.group(2), text)
    text = _ESCAPE.sub(r"\1", text)
    return normalise_space(html.unescape(text))
