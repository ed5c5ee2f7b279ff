"""The Markdown reporter: results as CI job summaries (GitHub's $GITHUB_STEP_SUMMARY)."""

from __future__ import annotations

from typing import Any, TextIO


def write_markdown(result: Any, out: TextIO) -> None:
    """Write a result that knows its Markdown form (a feed diff, a republish run)."""
    out.write(result.markdown())
