"""Make tests/extraction-corpus-more/ from local snapshots of three public extraction datasets.

Usage: python bench/make_title_corpus.py NAEB_REPO READABILITY_REPO ZYTE_REPO
       [--naeb-pages 80] [--zyte-pages 80]

- NAEB_REPO: a checkout (or bare snapshot) of AndyTheFactory/article-extraction-dataset:
  `articles.json` (title, date, articleBody per page) and `html/<id>.html`.
- READABILITY_REPO: mozilla/readability: `test/test-pages/<name>/source.html`,
  `expected-metadata.json` (title, publishedTime) and `expected.html` (the cleaned article).
- ZYTE_REPO: scrapinghub/article-extraction-benchmark: `ground-truth.json` (articleBody and
  url per page) and `html/<id>.html.gz`.

Pages already in ../shared/extraction-corpus are left out. naeb and zyte pages are seeded
samples (naeb's 424 pages weigh 153 MB); every readability page is taken. Each page's part is decided by
the same rule as the Fundus corpus (sha256 of its id, odd = "untouched"), so half of the
pages are only ever scored. Pages are stored gzip-compressed, as the Fundus corpus is.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "tests" / "extraction-corpus-more"
SHARED = HERE.parent.parent / "shared" / "extraction-corpus"
SEED = 20261207


def part_of(page_id: str) -> str:
    return "untouched" if hashlib.sha256(page_id.encode()).digest()[-1] % 2 else "tuned"


def git_show(repo: Path, path: str) -> bytes:
    return subprocess.run(
        ["git", "--git-dir", str(repo), "show", f"HEAD:{path}"], capture_output=True, check=True
    ).stdout


def git_files(repo: Path, under: str) -> list[str]:
    listed = subprocess.run(
        ["git", "--git-dir", str(repo), "ls-tree", "-r", "--name-only", "HEAD", under],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    return listed.split()


def head_commit(repo: Path) -> str:
    return subprocess.run(
        ["git", "--git-dir", str(repo), "rev-parse", "HEAD"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout.strip()


def shared_ids(source: str) -> set[str]:
    manifest = json.loads((SHARED / "manifest.json").read_text(encoding="utf-8"))
    return {page["id"] for page in manifest["pages"] if page["source"] == source}


def gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)  # no time stamp: the same snapshot, the same bytes


def store_page(  # noqa: PLR0913 - one page's files and its manifest entry
    source: str,
    page_id: str,
    html_gz: bytes,
    truth: dict[str, str],
    *,
    url: str,
    expected_html_gz: bytes = b"",
) -> dict[str, str]:
    """Write one page (gzip-compressed HTML, its ground truth, Readability's cleaned article
    when given) under OUT/source and return its manifest entry."""
    folder = OUT / source
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{page_id}.html.gz").write_bytes(html_gz)
    (folder / f"{page_id}.json").write_text(
        json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    entry = {
        "source": source,
        "id": page_id,
        "part": part_of(page_id),
        "html": f"{source}/{page_id}.html.gz",
    }
    if expected_html_gz:
        (folder / f"{page_id}.expected.html.gz").write_bytes(expected_html_gz)
        entry["expected_html"] = f"{source}/{page_id}.expected.html.gz"
    return {**entry, "ground_truth": f"{source}/{page_id}.json", "url": url}


def naeb_pages(repo: Path, count: int) -> list[dict[str, str]]:
    articles = json.loads(git_show(repo, "articles.json"))
    taken = shared_ids("naeb")
    ids = sorted(page_id for page_id in articles if page_id not in taken)
    pages = []
    for page_id in sorted(random.Random(SEED).sample(ids, count)):
        article = articles[page_id]
        truth = {
            "title": article.get("title", ""),
            "date": article.get("date", ""),
            "text": article.get("articleBody", ""),
            "url": article.get("url", ""),
        }
        html = gz(git_show(repo, f"html/{page_id}.html"))
        pages.append(store_page("naeb", page_id, html, truth, url=truth["url"]))
    return pages


def readability_pages(repo: Path) -> list[dict[str, str]]:
    taken = shared_ids("readability")
    names = sorted({path.split("/")[2] for path in git_files(repo, "test/test-pages")} - taken)
    pages = []
    for name in names:
        folder = f"test/test-pages/{name}"
        metadata = json.loads(git_show(repo, f"{folder}/expected-metadata.json"))
        html = gz(git_show(repo, f"{folder}/source.html"))
        expected = gz(git_show(repo, f"{folder}/expected.html"))
        pages.append(
            store_page("readability", name, html, metadata, url="", expected_html_gz=expected)
        )
    return pages


def zyte_pages(repo: Path, count: int) -> list[dict[str, str]]:
    truths = json.loads(git_show(repo, "ground-truth.json"))
    taken = shared_ids("zyte-aeb")  # the shared corpus names a page by its id's first 16
    ids = sorted(page_id for page_id in truths if page_id[:16] not in taken)
    pages = []
    for page_id in sorted(random.Random(SEED).sample(ids, count)):
        truth = {
            "articleBody": truths[page_id].get("articleBody", ""),
            "url": truths[page_id].get("url", ""),
        }
        html = git_show(repo, f"html/{page_id}.html.gz")  # stored compressed there already
        pages.append(store_page("zyte-aeb", page_id[:16], html, truth, url=truth["url"]))
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "naeb", type=Path, help="git dir of AndyTheFactory/article-extraction-dataset"
    )
    parser.add_argument("readability", type=Path, help="git dir of mozilla/readability")
    parser.add_argument(
        "zyte", type=Path, help="git dir of scrapinghub/article-extraction-benchmark"
    )
    parser.add_argument("--naeb-pages", type=int, default=80)
    parser.add_argument("--zyte-pages", type=int, default=80)
    args = parser.parse_args()
    pages = (
        naeb_pages(args.naeb, args.naeb_pages)
        + readability_pages(args.readability)
        + zyte_pages(args.zyte, args.zyte_pages)
    )
    manifest = {
        "sources": {
            "naeb": f"AndyTheFactory/article-extraction-dataset@{head_commit(args.naeb)}",
            "readability": f"mozilla/readability@{head_commit(args.readability)}",
            "zyte-aeb": f"scrapinghub/article-extraction-benchmark@{head_commit(args.zyte)}",
        },
        "pages": pages,
    }
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    parts = [page["part"] for page in pages]
    print(f"{len(pages)} pages: {parts.count('tuned')} tuned, {parts.count('untouched')} untouched")


if __name__ == "__main__":
    main()
