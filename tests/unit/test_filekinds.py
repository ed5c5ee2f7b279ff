"""What a file's first bytes say it is (packager.filekinds.looks_like)."""

from __future__ import annotations

import gzip
import io
import zipfile

import pytest

from packager.filekinds import looks_like


def _zipped() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("feed.json", "{}")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (gzip.compress(b'{"providerName": "x"}', mtime=0), "a gzip archive"),
        (_zipped(), "a ZIP archive"),
        ('{"a": "ü"}'.encode("utf-16"), "UTF-16 text"),  # with its byte order mark
        ('{"a": 1}'.encode("utf-16-le"), "UTF-16 text"),  # without
        ('{"a": 1}'.encode("utf-16-be"), "UTF-16 text"),
        ('{"a": 1}'.encode("utf-32"), "UTF-32 text"),
        ('{"providerName": "Café Télé"}'.encode("cp1252"), "text in an 8-bit encoding"),
        ("Grüße aus Köln\n".encode("latin-1"), "text in an 8-bit encoding"),
        ('{"providerName": "Café"}'.encode(), "JSON text"),
        (b"PACKAGER_PUBLISH_PASSWORD=hunter2\x00HOME=/root\x00", "text"),
        (bytes(range(256)) * 4, "an unknown binary format"),
        (b"\x00\x01" * 50, "an unknown binary format"),  # NULs every other byte, no text
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "an SVG drawing"),
    ],
    ids=[
        "gzip",
        "zip",
        "utf-16-mark",
        "utf-16-le",
        "utf-16-be",
        "utf-32",
        "cp1252",
        "latin-1",
        "json",
        "environ",
        "binary",
        "nul-pairs",
        "svg",
    ],
)
def test_what_the_bytes_look_like(data: bytes, kind: str) -> None:
    assert looks_like(data).startswith(kind)
