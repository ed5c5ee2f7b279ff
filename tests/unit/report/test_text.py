"""The text reporter's wording: counts in the right number, a skipped URL named once, repeated
warnings said once, and the byline rule pointing at the setting that removes it."""

from __future__ import annotations

from packager.model import Problem, Severity
from packager.report.text import plural, skip_reason, summarize_counts, summarized_problems


def _warning(pointer: str, rule: str = "credit-birth-date") -> Problem:
    return Problem(
        pointer,
        rule,
        Severity.WARNING,
        "credits[0] has no 'birthDate'",
        "the spec prints birthDate as required; add it when known",
    )


def test_plural_agrees_with_the_count() -> None:
    assert plural(1, "item") == "1 item"
    assert plural(0, "item") == "0 items"
    assert plural(2, "series") == "2 series"
    assert plural(3, "entry") == "3 entries"


def test_item_counts_name_each_kind_in_the_right_number() -> None:
    assert summarize_counts({"shortFormVideos": 3, "tvSpecials": 1, "liveFeeds": 1}) == (
        "3 shortFormVideos, 1 tvSpecial, 1 liveFeed"
    )
    assert summarize_counts({"episode": 2, "items": 1, "series": 2}) == (
        "2 episodes, 1 item, 2 series"
    )
    assert summarize_counts({"movies": 0}) == "no items"


def test_a_skipped_url_is_named_once() -> None:
    url = "https://news.example/feed.xml"
    reason = f"skipped {url}: cannot fetch {url}: connection refused"
    assert skip_reason(url, reason) == "cannot fetch: connection refused"
    assert skip_reason("a/article.txt", "no usable image") == "no usable image"


def test_repeated_warnings_of_one_rule_are_said_once_with_where() -> None:
    problems = [_warning(f"/shortFormVideos/{i}/credits/0") for i in range(5)]
    problems.append(Problem("/movies/0/id", "duplicate-id", Severity.ERROR, "dup", "fix"))
    problems.append(Problem("/movies/1/id", "duplicate-id", Severity.ERROR, "dup", "fix"))
    shown = summarized_problems(problems)
    assert len(shown) == 3  # one summary, and each error on its own
    summary = shown[0]
    assert summary.message == (
        "5 items: credits[0] has no 'birthDate' (also at /shortFormVideos/1/credits/0, "
        "/shortFormVideos/2/credits/0, /shortFormVideos/3/credits/0 and 1 more)"
    )
    assert 'byline_role = ""' in summary.hint and "[feed]" in summary.hint
    assert "add it when known" not in summary.hint


def test_a_single_warning_keeps_its_own_words_unless_its_hint_does_not_fit() -> None:
    other = Problem("/x", "long-title", Severity.WARNING, "title is long", "shorten it")
    assert summarized_problems([other]) == [other]
    (byline,) = summarized_problems([_warning("/tvSpecials/0/credits/0")])
    assert byline.message == "credits[0] has no 'birthDate'"
    assert 'byline_role = ""' in byline.hint
