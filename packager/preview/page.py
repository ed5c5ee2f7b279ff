"""Writing the static preview: index.html with the page data embedded, and its assets (package
data, so the page needs no network and opens from file://)."""

from __future__ import annotations

import html
import json
from importlib import resources
from pathlib import Path
from typing import Any

from packager.files import write_atomic

HLS_JS_VERSION = "1.7.4"  # packager/preview/static/VENDOR.md says how to update it
PAGE_NAME = "index.html"
ASSET_DIR = "preview-assets"
ASSET_FILES = ("preview.css", "preview.js", "hls.min.js", "hls.js-LICENSE")


def static_bytes(name: str) -> bytes:
    """One of the files shipped in packager/preview/static."""
    return resources.files("packager.preview").joinpath("static", name).read_bytes()


def embed_json(data: Any) -> str:
    """JSON safe inside <script type="application/json">: no "</script>", "<!--" or line
    separators can end or confuse the element, whatever the feed's text holds."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(raw, escaped)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def write_assets(out_dir: Path) -> None:
    for name in ASSET_FILES:
        write_atomic(out_dir / ASSET_DIR / name, static_bytes(name), durable=False)


def write_page(out_dir: Path, data: dict[str, Any], title: str) -> Path:
    """Write `out_dir`/index.html showing `data` (see pagedata.page_data) and its assets."""
    template = static_bytes("index.html").decode("utf-8")
    page = template.replace("{{title}}", html.escape(title)).replace("{{data}}", embed_json(data))
    write_assets(out_dir)
    path = out_dir / PAGE_NAME
    write_atomic(path, page.encode("utf-8"), durable=False)
    return path


def write_error_page(out_dir: Path, title: str, message: str, hint: str) -> Path:
    """Write an index.html that says why there is no preview (never a blank page)."""
    template = static_bytes("error.html").decode("utf-8")
    page = (
        template.replace("{{title}}", html.escape(title))
        .replace("{{message}}", html.escape(message))
        .replace("{{hint}}", html.escape(f"hint: {hint}" if hint else ""))
    )
    write_assets(out_dir)
    path = out_dir / PAGE_NAME
    write_atomic(path, page.encode("utf-8"), durable=False)
    return path
