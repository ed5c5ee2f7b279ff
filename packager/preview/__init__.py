"""`packager preview`: a static page that shows a channel feed as a viewer will see it on Roku
(rows, posters, details, player), with the feed's validation problems on the page.

    from packager.preview import build_preview
    result = build_preview("output")          # writes output/preview/index.html
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from packager.errors import PackagerError
from packager.preview.page import PAGE_NAME, write_error_page, write_page
from packager.preview.pagedata import PageUrls, page_data
from packager.preview.screenshot import find_chromium, take_screenshot
from packager.preview.server import PreviewServer
from packager.preview.source import PreviewSource, load_source
from packager.report import plural
from packager.secrets import redact_url
from packager.spec import TEMPLATE_MAX_BYTES
from packager.validate import check_document
from packager.validate.loading import DEFAULT_TIMEOUT

__all__ = [
    "PAGE_NAME",
    "PreviewResult",
    "PreviewServer",
    "build_preview",
    "default_out_dir",
    "find_chromium",
    "take_screenshot",
    "write_preview_error",
]

PREVIEW_DIR = "preview"


@dataclass(frozen=True)
class PreviewResult:
    """A written preview: the page, the folder it is in, and what the page shows."""

    page: Path
    out_dir: Path
    local_root: Path | None  # the output folder whose files the page plays, if any
    rows: int
    items: int
    errors: int
    warnings: int
    flagged: int
    size_bytes: int
    # The files of local_root the page loads (the feed's, HLS segments included): all that
    # `preview --serve` serves of it.
    served_names: frozenset[str] = frozenset()

    def as_dict(self) -> dict[str, object]:
        return {
            "status": "ok",
            "page": str(self.page),
            "rows": self.rows,
            "items": self.items,
            "errors": self.errors,
            "warnings": self.warnings,
            "flagged": self.flagged,
            "sizeBytes": self.size_bytes,
            "limitBytes": TEMPLATE_MAX_BYTES,
        }

    def text(self) -> str:
        return (
            f"preview: {self.page} ({plural(self.rows, 'row')}, {plural(self.items, 'item')}; "
            f"{plural(self.errors, 'error')}, {plural(self.warnings, 'warning')}, "
            f"{self.flagged} flagged; "
            f"{self.size_bytes / 1024:,.0f} KB of the 500 KB template limit)"
        )


def default_out_dir(source: str) -> Path:
    """Where the preview goes without --out: SOURCE/preview for a folder, beside a feed file,
    ./preview for a URL."""
    if source.startswith(("http://", "https://")):
        return Path(PREVIEW_DIR)
    path = Path(source)
    return path / PREVIEW_DIR if path.is_dir() else path.parent / PREVIEW_DIR


def build_preview(
    source: str,
    out_dir: Path | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    allow_hosts: Sequence[str] = (),
) -> PreviewResult:
    """Read SOURCE (build output folder, feed file or feed URL), validate it, and write the
    preview page to `out_dir` (default: `default_out_dir(source)`).

    A feed URL is given `timeout` seconds to answer; `allow_hosts` lets it redirect to those
    private hosts. Raises InputError / SourceUnreachableError when there is no feed to show; a feed with
    problems is previewed, its problems shown on the page.
    """
    loaded = load_source(source, timeout=timeout, allow_hosts=allow_hosts)
    out = (out_dir if out_dir is not None else default_out_dir(source)).resolve()
    result = check_document(loaded.document)
    data = page_data(loaded.feed, result, loaded.document.origin, _page_urls(loaded, out))
    title = data["channel"]["providerName"] or loaded.document.origin
    page = write_page(out, data, f"{title} — packager preview")
    return PreviewResult(
        page=page,
        out_dir=out,
        local_root=loaded.local_root,
        rows=len(data["rows"]),
        items=len(data["items"]),
        errors=len(result.errors),
        warnings=len(result.warnings),
        flagged=data["summary"]["flagged"],
        size_bytes=result.size_bytes,
        served_names=loaded.served_names(),
    )


def write_preview_error(source: str, out_dir: Path | None, error: PackagerError) -> Path:
    """Write a page that says why SOURCE cannot be previewed, where the preview would be (a
    URL's user name and password are never written)."""
    out = (out_dir if out_dir is not None else default_out_dir(source)).resolve()
    return write_error_page(out, redact_url(source), error.message, error.hint)


def _page_urls(loaded: PreviewSource, out: Path) -> PageUrls:
    return PageUrls(
        media=lambda url: loaded.url_for_page(url, out),
        captions=lambda url: loaded.data_url(url, "text/vtt") or loaded.url_for_page(url, out),
        is_local=lambda url: loaded.local_file(url) is not None,
    )
