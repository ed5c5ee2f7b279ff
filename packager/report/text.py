"""The text reporter: problems, build reports and articles as people read them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any, TextIO

from packager.cleantext import terminal_safe
from packager.model import Problem
from packager.spec import TEMPLATE_MAX_BYTES

# The one escaper for everything printed (cleantext.terminal_safe), under the name the CLI uses.
printable = terminal_safe


def problem_line(problem: Problem) -> str:
    """`  error /movies/0/id [duplicate-id] message` and an indented hint line."""
    message = printable(problem.message)
    pointer = printable(problem.pointer or "/")
    text = f"  {problem.severity} {pointer} [{printable(problem.rule)}] {message}"
    if problem.hint:
        text += f"\n      hint: {printable(problem.hint)}"
    return text


def write_problems(problems: Iterable[Problem], out: TextIO, *, limit: int | None = None) -> int:
    """Write problems one per entry; returns how many were left out by `limit`."""
    problems = list(problems)
    shown = problems if limit is None else problems[:limit]
    for problem in shown:
        out.write(problem_line(problem) + "\n")
    return len(problems) - len(shown)


# Nouns whose plural is not singular + "s" (series, and "s"-ending words such as address).
_PLURALS = {"series": "series", "address": "addresses", "match": "matches", "entry": "entries"}
# Plural nouns whose singular is not plural - "s" (spec item kinds and the like).
_SINGULARS = {"series": "series", "entries": "entry", "addresses": "address"}


def plural(count: int, noun: str) -> str:
    """`1 error`, `2 errors`, `1 series`: a count with its noun in the right number."""
    if count == 1:
        return f"{count} {noun}"
    return f"{count} {_PLURALS.get(noun, noun + 's')}"


def singular(noun: str) -> str:
    """The singular of a plural noun such as a feed's array name (`tvSpecials` → `tvSpecial`)."""
    if noun in _SINGULARS:
        return _SINGULARS[noun]
    return noun.removesuffix("s")


def counted(count: int, kind: str) -> str:
    """A count of a kind that may be named in the plural (`shortFormVideos`, a feed array) or
    the singular (`episode`, a Search Feed asset type): `1 tvSpecial`, `2 episodes`."""
    return plural(count, singular(kind) if kind.endswith("s") else kind)


def summarize_counts(counts: dict[str, int]) -> str:
    return ", ".join(counted(value, key) for key, value in counts.items() if value) or "no items"


def rule_summary(rules: Sequence[tuple[str, int]]) -> str:
    return ", ".join(f"{rule} ×{count}" for rule, count in rules)


def write_build_report(result: Any, out: TextIO) -> None:
    """The build report for people: what was built, what was left out and why, what to look at."""
    feed = printable(str(result.out_dir / "feed.json"))
    budget = TEMPLATE_MAX_BYTES
    if result.feed_written:
        out.write(
            f"built {feed}: {summarize_counts(result.item_counts)}; {result.feed_size:,} bytes "
            f"({result.feed_size / budget:.0%} of the channel template's 500 KB)\n"
        )
    elif result.previous_feed:
        out.write(f"feed NOT written: {feed} is unchanged\n")
    else:
        out.write(f"feed NOT written: {feed} (there was no previous feed, so there is none)\n")
    from_host = f", {result.from_host} from the host" if result.from_host else ""
    out.write(
        f"articles: {result.reused + result.prepared + result.from_host - result.duplicates} built "
        f"({result.reused} unchanged, {result.prepared} processed{from_host}), "
        f"{len(result.skipped)} skipped\n"
    )
    if result.pruned.names:
        out.write(
            f"pruned: {plural(len(result.pruned.names), 'old asset')} no feed names any more "
            f"({result.pruned.bytes_freed:,} bytes)\n"
        )
    if result.pruned.skipped:
        out.write(f"not pruned: {printable(str(result.pruned.skipped))}\n")
    if result.skipped:
        out.write("skipped:\n")
        for skip in result.skipped:
            reason = skip_reason(skip.origin, skip.reason)
            out.write(f"  {printable(skip.origin)}: {indented_lines(reason, 4)}\n")
            if skip.hint:
                out.write(f"      hint: {printable(skip.hint)}\n")
    if result.trimmed:
        out.write("left out by the feed limits:\n")
        for line in result.trimmed:
            out.write(f"  {printable(line)}\n")
    validation = result.validation
    if validation and validation.problems:
        out.write(
            f"validation: {plural(len(validation.errors), 'error')}, "
            f"{plural(len(validation.warnings), 'warning')}\n"
        )
        write_problems(summarized_problems(validation.problems), out, limit=30)
    if result.notes:
        out.write(f"notes ({len(result.notes)}):\n")
        for note in result.notes[:30]:
            out.write(f"  {printable(note)}\n")
        if len(result.notes) > 30:
            out.write(f"  ... and {len(result.notes) - 30} more in build-report.json\n")


def indented_lines(text: str, indent: int) -> str:
    """`text` escaped for a terminal line by line, its later lines indented by `indent`
    spaces: a reason that lists several problems (an article.json's bad fields) stays
    readable, and no line of it can pass for an entry of its own."""
    return f"\n{' ' * indent}".join(printable(line) for line in text.split("\n"))


def skip_reason(origin: str, reason: str) -> str:
    """A skipped article's reason shown after its origin: without the origin said again
    ("skipped URL: cannot fetch URL: refused" → "cannot fetch: refused")."""
    text = reason.removeprefix(f"skipped {origin}: ").removeprefix(f"{origin}: ")
    return text.replace(f" {origin}:", ":").replace(f" {origin}", "")


# A build's credits are its articles' bylines (feed.items), which never have a birth date.
BYLINE_CREDIT_HINT = (
    "these credits are the articles' bylines, which have no birth date: set "
    'byline_role = "" under [feed] in channel.toml to leave bylines out of the feed, or keep '
    "them and this warning"
)
BYLINE_RULES = {"credit-birth-date": BYLINE_CREDIT_HINT}
POINTERS_SHOWN = 3


def summarized_problems(problems: Iterable[Problem]) -> list[Problem]:
    """A build's problems with the warnings of one rule said once ("4 items: ..."), at the
    first one's place; errors stay one per item. A byline rule gets the hint that fits it."""
    problems = list(problems)
    by_rule: dict[str, list[Problem]] = {}
    for problem in problems:
        if problem.severity == "warning":
            by_rule.setdefault(problem.rule, []).append(problem)
    shown: list[Problem] = []
    for problem in problems:
        same = by_rule.get(problem.rule, []) if problem.severity == "warning" else [problem]
        if not same or same[0] is not problem:
            continue
        if len(same) == 1 and problem.rule not in BYLINE_RULES:
            shown.append(problem)
            continue
        shown.append(_summary_problem(same))
    return shown


def _summary_problem(same: list[Problem]) -> Problem:
    first, others = same[0], same[1:]
    message = first.message
    if others:
        pointers = ", ".join(p.pointer or "/" for p in others[:POINTERS_SHOWN])
        if len(others) > POINTERS_SHOWN:
            pointers += f" and {len(others) - POINTERS_SHOWN} more"
        message = f"{plural(len(same), 'item')}: {message} (also at {pointers})"
    return replace(first, message=message, hint=BYLINE_RULES.get(first.rule, first.hint))


def write_article(article: Any, out: TextIO) -> None:
    """An Article as a person reads it: every field the feed mapping uses, with control
    characters shown escaped (a page's title must not drive the terminal)."""
    p = printable
    lines = [
        p(article.title),
        f"  id:        {p(article.id)}",
        f"  origin:    {p(article.origin)}",
        f"  url:       {p(article.url or '-')}",
        f"  section:   {p(' / '.join(article.section_path) or '-')}",
        f"  published: {article.published.isoformat() if article.published else '-'}",
        f"  authors:   {p(', '.join(article.authors) or '-')}",
        f"  tags:      {p(', '.join(article.tags) or '-')}",
        f"  language:  {p(article.language or '-')}",
        f"  summary:   {p(article.summary or '-')}",
        f"  body:      {len(article.body)} paragraphs, {sum(len(x.split()) for x in article.body)} words",
    ]
    for image in article.images:
        credit = f" ({p(image.credit)})" if image.credit else ""
        lines.append(
            f"  image:     {p(image.location)}\n             {p(image.caption or '-')}{credit}"
        )
    for video in article.videos:
        duration = f", {video.duration_seconds:.0f} s" if video.duration_seconds else ""
        lines.append(f"  video:     {p(video.location)} [{p(video.video_type or '?')}{duration}]")
    for caption in article.captions:
        lines.append(f"  captions:  {p(caption.location)} [{p(caption.language or '?')}]")
    for warning in article.warnings:
        lines.append(f"  warning:   {p(warning)}")
    out.write("\n".join(lines) + "\n\n")


def write_validation(
    result: Any, out: TextIO, *, limit: int | None, errors_only: bool, strict: bool
) -> None:
    """One feed's validation for people: its problems, the verdict and the counts by rule."""
    problems = [p for p in result.problems if not (errors_only and p.severity == "warning")]
    if problems:
        out.write(f"{printable(result.origin)}:\n")
    left_out = write_problems(problems, out, limit=limit)
    if left_out:
        out.write(f"... and {left_out} more (use --limit 0 to see all, or -o json)\n")
    counts = result.rule_counts().most_common()
    verdict = "invalid" if result.errors or (strict and result.warnings) else "valid"
    if result.kind != "roku":
        verdict += {"mrss": " Media RSS", "roku-search": " Roku Search Feed"}.get(result.kind, "")
    out.write(
        f"{printable(result.origin)}: {verdict} — {plural(len(result.errors), 'error')}, "
        f"{plural(len(result.warnings), 'warning')}; "
        f"{summarize_counts(result.item_counts)}; {result.size_bytes:,} bytes\n"
    )
    if counts:
        out.write(f"  by rule: {rule_summary(counts)}\n")


def write_extra_files(result: Any, out: TextIO) -> None:
    """The other formats a build wrote beside feed.json (feed.xml, search.json) and their problems."""
    if result.shrink_refused:
        out.write(f"feed NOT replaced: {printable(result.shrink_refused)}\n")
    for name, validation in result.extra_files.items():
        if validation.ok and result.feed_written:
            out.write(
                f"built {printable(str(result.out_dir / name))}: "
                f"{summarize_counts(validation.item_counts)}; "
                f"{validation.size_bytes:,} bytes\n"
            )
        elif validation.ok:
            out.write(f"{name} NOT written: the feed was not written\n")
        else:
            out.write(f"{name} NOT written: it does not validate\n")
        write_problems(summarized_problems(validation.problems), out, limit=30)
