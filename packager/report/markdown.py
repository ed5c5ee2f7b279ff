"""The Markdown reporter: results as CI job summaries (GitHub's $GITHUB_STEP_SUMMARY)."""

from __future__ import annotations

from typing import Any, TextIO


def write_markdown(result: Any, out: TextIO) -> None:
    """Write a result that knows its Markdown form (a feed diff, a republish run)."""
    out.write(result.markdown())


def screenshot_markdown(png: str | None, *, image_url: str | None, note: str = "") -> str:
    """The job summary's section for the preview's home screen.

    GitHub shows only images it can fetch by URL (its Markdown sanitizer drops `data:` URIs and
    a runner's files are not served), so the picture is an image reference only when the
    workflow says where the PNG will be (`image_url`); otherwise the section names the file
    to upload as an artifact. `note` says why there is no screenshot.
    """
    lines = ["#### Home screen (packager preview)", ""]
    if png is None:
        lines.append(f"_No screenshot: {_one_line(note)}_")
    elif image_url:
        lines.append(f"![Home screen of the channel preview]({image_url})")
    else:
        lines.append(
            f"_The home screen is in `{_one_line(png)}`: upload it as a workflow artifact "
            "(actions/upload-artifact) to see it, or give --summary-screenshot-url where the "
            "workflow puts it._"
        )
    return "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    return text.replace("\n", " ")
