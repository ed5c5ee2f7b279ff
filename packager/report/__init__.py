"""Turning results into output: one reporter per format.

`text` for people, `json` for programs (and the one JSON error shape), `github` for workflow
annotations, `markdown` for CI job summaries.
"""

from __future__ import annotations

from packager.report.github import github_annotation, github_error
from packager.report.json import error_document, write_json
from packager.report.markdown import screenshot_markdown, write_markdown
from packager.report.text import (
    indented_lines,
    plural,
    printable,
    problem_line,
    rule_summary,
    summarize_counts,
    write_article,
    write_build_report,
    write_extra_files,
    write_problems,
    write_validation,
)

__all__ = [
    "error_document",
    "github_annotation",
    "github_error",
    "indented_lines",
    "plural",
    "printable",
    "problem_line",
    "rule_summary",
    "screenshot_markdown",
    "summarize_counts",
    "write_article",
    "write_build_report",
    "write_extra_files",
    "write_json",
    "write_markdown",
    "write_problems",
    "write_validation",
]
