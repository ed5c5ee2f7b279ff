"""Everything the text reporter and `packager extract` print goes through one escaper (#16):
an escape sequence in a file name, a URL, a warning or a message is shown, never obeyed."""

from __future__ import annotations

import io
from pathlib import Path

from click.testing import CliRunner

from packager import report
from packager.build.result import BuildResult, Skipped
from packager.cleantext import terminal_safe
from packager.cli import main
from packager.model import Problem, Severity
from packager.outputs import Pruned

ESC = "\x1b"
OSC_TITLE = "\x1b]0;pwned\x07"  # would retitle the terminal
RED = "\x1b[31m"
BIDI = "\u202e"


def _assert_shown_not_obeyed(text: str) -> None:
    assert ESC not in text and "\x07" not in text and BIDI not in text, repr(text)
    assert "\\x1b" in text


def test_the_reporter_and_cleantext_share_one_escaper() -> None:
    assert report.printable is terminal_safe
    assert terminal_safe("Café 中 ok") == "Café 中 ok"
    assert terminal_safe(f"a{OSC_TITLE}b{BIDI}c\nd\ud800") == (
        "a\\x1b]0;pwned\\x07b\\u202ec\\x0ad\\ud800"
    )


def test_a_build_report_escapes_origins_reasons_hints_notes_and_paths(tmp_path: Path) -> None:
    out_dir = tmp_path / f"out{RED}"
    result = BuildResult(
        out_dir=out_dir,
        feed_written=True,
        item_counts={"shortFormVideos": 1},
        skipped=(
            Skipped(f"articles/b{OSC_TITLE}", f"no title{RED}", hint=f"add one{BIDI}"),
            Skipped(f"https://news.example/{RED}x", "cannot fetch: refused"),
        ),
        trimmed=(f"left out {OSC_TITLE}",),
        notes=(f"articles/a{OSC_TITLE}: no date{RED}",),
        validation=None,
        feed_size=100,
        pruned=Pruned(skipped=f"cannot read {RED}"),
        shrink_refused="",
    )
    out = io.StringIO()
    report.write_build_report(result, out)
    text = out.getvalue()
    _assert_shown_not_obeyed(text)
    assert "articles/b\\x1b]0;pwned\\x07: no title\\x1b[31m" in text
    assert "https://news.example/\\x1b[31mx: cannot fetch: refused" in text
    assert f"built {tmp_path}/out\\x1b[31m/feed.json" in text


def test_validation_output_escapes_the_origin_pointer_and_message() -> None:
    problem = Problem(
        pointer=f"/shortFormVideos/0/id{RED}",
        severity=Severity.ERROR,
        rule="x",
        message=f"bad {OSC_TITLE}",
        hint=f"fix {BIDI}",
    )
    line = report.problem_line(problem)
    _assert_shown_not_obeyed(line)


def test_extract_escapes_file_names_urls_and_problem_messages(tmp_path: Path) -> None:
    bundle = tmp_path / f"b{OSC_TITLE}x"
    bundle.mkdir()
    (bundle / "article.txt").write_text(
        f"Title {RED}here\n\nBody text of the article{BIDI}.\n", encoding="utf-8"
    )
    missing = tmp_path / f"nope{RED}.html"
    refused = f"http://127.0.0.1:9/{RED}x"  # the discard port: refused at once, offline
    result = CliRunner().invoke(
        main,
        ["extract", str(bundle), str(missing), refused, "--timeout", "2"],
        catch_exceptions=False,
    )
    assert result.exit_code == 4
    _assert_shown_not_obeyed(result.stdout)
    _assert_shown_not_obeyed(result.stderr)
    assert f"origin:    {tmp_path}/b\\x1b]0;pwned\\x07x/article.txt" in result.stdout
    assert "nope\\x1b[31m.html" in result.stderr
    assert "127.0.0.1:9/\\x1b[31mx" in result.stderr
    # The article's warning names its origin too (here cleaned by the reader).
    assert "warning:" in result.stdout


def test_a_reason_listing_several_problems_keeps_its_lines_indented(tmp_path: Path) -> None:
    reason = f"invalid article.json — 2 bad field(s):\n  /title too long\n  /x{RED} bad"
    result = BuildResult(
        out_dir=tmp_path,
        feed_written=False,
        item_counts={},
        skipped=(Skipped("articles/a/article.json", reason),),
        trimmed=(),
        notes=(),
        validation=None,
    )
    out = io.StringIO()
    report.write_build_report(result, out)
    lines = out.getvalue().splitlines()
    start = lines.index("  articles/a/article.json: invalid article.json — 2 bad field(s):")
    assert lines[start + 1 : start + 3] == ["      /title too long", "      /x\\x1b[31m bad"]
