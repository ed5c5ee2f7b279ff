"""An article.json with a number longer than Python reads skips its article, not the run."""

from __future__ import annotations

from pathlib import Path

from packager.errors import SourceError
from packager.model import Article
from packager.sources import ReadOptions, read_articles


def test_a_number_of_5000_digits_skips_the_article(tmp_path: Path) -> None:
    (tmp_path / "story").mkdir()
    (tmp_path / "story" / "article.json").write_text(
        '{"title": "T", "body": "B", "size": ' + "9" * 5000 + "}", encoding="utf-8"
    )
    (tmp_path / "tale").mkdir()
    (tmp_path / "tale" / "article.md").write_text("# Good story\n\nFine.\n", encoding="utf-8")

    results = list(read_articles([tmp_path], ReadOptions()))

    assert isinstance(results[0], SourceError)
    assert "a number too long to read" in results[0].message and results[0].hint
    assert isinstance(results[1], Article)
