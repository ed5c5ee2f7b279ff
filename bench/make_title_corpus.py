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


def write_gz(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(data, mtime=0))


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
        write_gz(OUT / "naeb" / f"{page_id}.html.gz", git_show(repo, f"html/{page_id}.html"))
        (OUT / "naeb" / f"{page_id}.json").write_text(
            json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        pages.append(
            {
                "source": "naeb",
                "id": page_id,
                "part": part_of(page_id),
                "html": f"naeb/{page_id}.html.gz",
                "ground_truth": f"naeb/{page_id}.json",
                "url": truth["url"],
            }
        )
    return pages


def readability_pages(repo: Path) -> list[dict[str, str]]:
    taken = shared_ids("readability")
    names = sorted({path.split("/")[2] for path in git_files(repo, "test/test-pages")} - taken)
    pages = []
    for name in names:
        folder = f"test/test-pages/{name}"
        metadata = json.loads(git_show(repo, f"{folder}/expected-metadata.json"))
        write_gz(OUT / "readability" / f"{name}.html.gz", git_show(repo, f"{folder}/source.html"))
        write_gz(
            OUT / "readability" / f"{name}.expected.html.gz",
            git_show(repo, f"{folder}/expected.html"),
        )
        (OUT / "readability" / f"{name}.json").write_text(
            json.dumps(metadata, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        pages.append(
            {
                "source": "readability",
                "id": name,
                "part": part_of(name),
                "html": f"readability/{name}.html.gz",
                "expected_html": f"readability/{name}.expected.html.gz",
                "ground_truth": f"readability/{name}.json",
                "url": "",
            }
        )
    return pages


def zyte_pages(repo: Path, count: int) -> list[dict[str, str]]:
    truths = json.loads(git_show(repo, "ground-truth.json"))
    taken = shared_ids("zyte-aeb")  # the shared corpus names a page by its id's first 16
    ids = sorted(page_id for page_id in truths if page_id[:16] not in taken)
    pages = []
    for page_id in sorted(random.Random(SEED).sample(ids, count)):
        short = page_id[:16]
        truth = {
            "articleBody": truths[page_id].get("articleBody", ""),
            "url": truths[page_id].get("url", ""),
        }
        (OUT / "zyte-aeb").mkdir(parents=True, exist_ok=True)
        (OUT / "zyte-aeb" / f"{short}.html.gz").write_bytes(
            git_show(repo, f"html/{page_id}.html.gz")
        )
        (OUT / "zyte-aeb" / f"{short}.json").write_text(
            json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        pages.append(
            {
                "source": "zyte-aeb",
                "id": short,
                "part": part_of(short),
                "html": f"zyte-aeb/{short}.html.gz",
                "ground_truth": f"zyte-aeb/{short}.json",
                "url": truth["url"],
            }
        )
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
