"""Per-page body token F1 of packager next to plain trafilatura on the *tuned* pages only,
sorted by how far packager trails, to find where trafilatura does better.

Usage: python bench/body_gaps.py [--words PAGE_ID ... | --totals]
  --words: for the given tuned pages, the words each extractor misses or adds.
  --totals: packager's mean body F1 of each part, with two decimals (the bench shows one).
Untouched pages are never scored page by page here: only as one mean.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Sequence

from bench.bench_extraction import (
    DEFAULT_CORPUS,
    FUNDUS_CORPUS,
    Truth,
    load_truths,
    packager_predict,
    token_f1,
    tokens,
    trafilatura_predict,
)


def part_truths(part: str) -> list[Truth]:
    """The pages with a body of one part of both corpora."""
    truths = [t for c in (DEFAULT_CORPUS, FUNDUS_CORPUS) for t in load_truths(c)]
    return [t for t in truths if t.part == part and t.body]


def tuned_truths() -> list[Truth]:
    """The tuned pages (the only ones looked at one by one)."""
    return part_truths("tuned")


def word_diff(predicted: str, truth: str) -> tuple[Counter[str], Counter[str]]:
    """(words of the truth missing from the prediction, words the prediction adds)."""
    p, t = Counter(tokens(predicted)), Counter(tokens(truth))
    return t - p, p - t


def main(argv: Sequence[str]) -> int:
    if argv and argv[0] == "--totals":
        for part in ("tuned", "untouched"):
            scores = [token_f1(packager_predict(t).body, t.body) for t in part_truths(part)]
            print(f"{part}: packager body F1 {sum(scores) / len(scores):.2%}")
        return 0
    truths = tuned_truths()
    if argv and argv[0] == "--words":
        wanted = set(argv[1:])
        for truth in truths:
            if truth.page_id not in wanted:
                continue
            for name, predict in (
                ("packager", packager_predict),
                ("trafilatura", trafilatura_predict),
            ):
                body = predict(truth).body
                missing, extra = word_diff(body, truth.body)
                print(f"== {truth.page_id} {name}: f1 {token_f1(body, truth.body):.3f}")
                print(f"  missing {sum(missing.values())}: {' '.join(missing.elements())[:600]}")
                print(f"  extra {sum(extra.values())}: {' '.join(extra.elements())[:600]}")
        return 0
    rows = []
    for truth in truths:
        ours = token_f1(packager_predict(truth).body, truth.body)
        theirs = token_f1(trafilatura_predict(truth).body, truth.body)
        rows.append((ours - theirs, truth.page_id, ours, theirs))
    rows.sort()
    for gap, page_id, ours, theirs in rows:
        print(f"{gap:+.3f}  {ours:.3f}  {theirs:.3f}  {page_id}")
    print(
        f"mean packager {sum(r[2] for r in rows) / len(rows):.4f}  "
        f"trafilatura {sum(r[3] for r in rows) / len(rows):.4f}  pages {len(rows)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
