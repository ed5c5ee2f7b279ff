"""Short HTML strings (WordPress titles and excerpts, JSON Feed fields) become one line of text:
markup and entities resolved, code left out."""

from __future__ import annotations

import pytest

from packager.sources.html.fragment import fragment_text


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<script>alert(1)</script>Okay <b>title</b>", "Okay title"),
        ("Budget<style>.x{color:red}</style> vote", "Budget vote"),
        ("Tom &amp; Jerry &#8211; the return", "Tom & Jerry – the return"),
        ("Plain title", "Plain title"),
    ],
)
def test_fragment_text_keeps_text_and_drops_code(html: str, text: str) -> None:
    assert fragment_text(html) == text
