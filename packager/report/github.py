"""The GitHub reporter: problems as workflow-command annotations."""

from __future__ import annotations

from packager.model import Problem, Severity


def github_annotation(problem: Problem, *, origin: str) -> str:
    level = "error" if problem.severity is Severity.ERROR else "warning"
    message = f"{problem.pointer or '/'} [{problem.rule}] {problem.message}. {problem.hint}"
    return (
        f"::{level} file={_escape_property(origin)},"
        f"title={_escape_property(f'packager {problem.rule}')}::{_escape_data(message)}"
    )


def github_error(origin: str, message: str, hint: str) -> str:
    """A feed that could not be checked at all (unreadable, unreachable) as an error annotation."""
    text = f"{message}. {hint}" if hint else message
    return (
        f"::error file={_escape_property(origin)},title={_escape_property('packager')}::"
        f"{_escape_data(text)}"
    )


def _escape_data(text: str) -> str:
    # GitHub workflow commands: https://docs.github.com/actions (workflow-commands).
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
