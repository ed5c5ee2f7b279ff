"""The article's body text, by trafilatura."""

from __future__ import annotations

import trafilatura
from lxml import html as lxml_html


def without_headline(body: tuple[str, ...], title: str) -> tuple[str, ...]:
    """The body without a leading copy of the headline (trafilatura keeps the page's <h1>)."""
    folded = " ".join(title.split()).casefold()
    while body and " ".join(body[0].split()).casefold() == folded:
        body = body[1:]
    return body


def body_text(tree: lxml_html.HtmlElement, base_url: str) -> tuple[str, ...]:
    text = trafilatura.extract(
        tree,
        url=base_url or None,
        include_comments=False,
        include_tables=False,
        output_format="txt",
        deduplicate=False,
        fast=True,
    )
    if not text:
        return ()
    return tuple(p.strip() for p in text.split("\n") if p.strip())
