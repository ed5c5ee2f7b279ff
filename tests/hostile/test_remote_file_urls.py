"""A remote document naming `file:` (or bare path) media must not make the build read this
machine's files: such locations are dropped with a warning naming where they were found."""

from __future__ import annotations

from pathlib import Path

import pytest

from packager.model import Article
from packager.net.fetcher import Fetcher
from packager.sources.remote import read_remote
from tests.http_fixtures import LocalServer, Route

pytestmark = pytest.mark.servers
TEXT = " ".join(f"Sentence {n} of the story explains the decision." for n in range(12))


@pytest.mark.parametrize("image_dir", [False, True], ids=["build", "extract"])
def test_file_urls_in_a_remote_page_are_refused(
    server: LocalServer, tmp_path: Path, image_dir: bool
) -> None:
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    server.routes["/news/a"] = Route(
        f"""<html><head><title>Story</title>
<meta property="og:image" content="file://{secret}">
<meta property="og:video" content="file:///etc/passwd"></head><body><article>
<h1>Story</h1><img src="file://{secret}" width="800"><p>{TEXT}</p></article></body></html>
""".encode()
    )
    with Fetcher(tmp_path / "cache", timeout=(2.0, 0.5), retries=0) as fetcher:
        found = list(
            read_remote(
                [server.url("/news/a")],
                fetcher=fetcher,
                image_dir=tmp_path / "images" if image_dir else None,
            )
        )
    (article,) = found
    assert isinstance(article, Article)
    locations = [i.location for i in article.images] + [v.location for v in article.videos]
    assert not any(location.startswith("file:") for location in locations), locations
    assert str(secret) not in " ".join(locations)
    if not image_dir:  # extract's download refuses them itself; the build path needs this
        refused = [w for w in article.warnings if w.startswith("refused file:")]
        assert refused and all(server.url("/news/a") in w for w in refused), article.warnings
