"""Quality floors on the held-out extraction corpus (scored as bench/bench_extraction.py does).

Floors are the issue's targets where they are met and a little under what was measured where
they are not, so a regression fails; body text must stay at least as good as plain trafilatura.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.bench_extraction import load_truths, packager_predict, score, trafilatura_predict

# Measured: title 86.7% (39/45), date 97.7% (42/43), lead image 94.1% (16/17), captions
# 94.0% (47/50), body F1 94.0% (trafilatura 90.3%). Date and lead image sit at the issue's
# targets, captions a little under what was measured, title one page under it (see
# bench/README.md for why 97% is out of reach of any page-independent rule on this corpus).
FLOORS = {"title": 0.85, "date": 0.97, "lead_image": 0.90, "captions": 0.90}
MAX_SECONDS_PER_PAGE = 1.0  # generous for slow CI machines; typical pages take < 0.1 s


@pytest.fixture(scope="module")
def corpus(shared_dir: Path) -> Path:
    path = shared_dir / "extraction-corpus"
    if not (path / "manifest.json").is_file():
        pytest.skip(f"extraction corpus not found at {path}")
    return path


def test_extraction_quality_floors(corpus: Path) -> None:
    truths = load_truths(corpus)
    ours = score(truths, packager_predict)
    baseline = score(truths, trafilatura_predict)
    for name, floor in FLOORS.items():
        assert ours.rate(name) >= floor, f"{name}: {ours.rate(name):.1%} < floor {floor:.0%}"
    assert ours.rate("body_f1") >= baseline.rate("body_f1"), (
        f"body F1 {ours.rate('body_f1'):.1%} is below trafilatura's {baseline.rate('body_f1'):.1%}"
    )
    # The first page pays for lazy imports inside trafilatura/htmldate; judge the rest.
    assert max(ours.seconds[1:]) < MAX_SECONDS_PER_PAGE
