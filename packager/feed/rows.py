"""Channel rows: each row is a category (spec §3.16) backed by a playlist (spec §3.17).

Rows come from the config's [[rows]] rules, or by default: "Latest" with every item, then one
row per section named in the articles' breadcrumbs, except the site's root ("News" in
`News / Foreign Policy / Russia`) when every breadcrumb starts with it: that row would only
repeat "Latest". Playlists keep their order manually, newest first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from packager.config import RowRule
from packager.feed.text import clip_words

MAX_PLAYLIST_NAME = 20  # spec §3.17: playlist names are limited to 20 characters


@dataclass(frozen=True)
class RowEntry:
    """What a row needs to know of one top-level item."""

    item_id: str
    sections: tuple[str, ...]
    tags: tuple[str, ...]
    sort_key: tuple[str, str]  # (date, id): rows are newest first


def default_rules(entries: Sequence[RowEntry]) -> list[RowRule]:
    """Latest, then sections by how many items they hold (ties by name), without the site root."""
    counts: Counter[str] = Counter()
    names: dict[str, str] = {}
    for entry in entries:
        for section in dict.fromkeys(s.strip() for s in entry.sections if s.strip()):
            counts[section.casefold()] += 1
            names.setdefault(section.casefold(), section)
    roots = {entry.sections[0].strip().casefold() for entry in entries if entry.sections}
    site_root = roots.pop() if len(roots) == 1 and all(e.sections for e in entries) else None
    rules = [RowRule(name="Latest", latest=True)]
    for key, _count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if key != site_root:
            rules.append(RowRule(name=names[key], section=names[key]))
    return rules


def build_rows(
    entries: Sequence[RowEntry], rules: Sequence[RowRule]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(categories, playlists) for the rules; empty rows are left out; every name is unique."""
    newest_first = sorted(entries, key=lambda e: e.sort_key, reverse=True)
    categories: list[dict[str, Any]] = []
    playlists: list[dict[str, Any]] = []
    used_names: set[str] = set()
    for rule in rules:
        members = [e.item_id for e in newest_first if _matches(rule, e)][: rule.max_items]
        if not members:
            continue
        playlist_name = _unique_name(rule.name, used_names)
        playlists.append({"name": playlist_name, "itemIds": members})
        categories.append({"name": rule.name, "playlistName": playlist_name, "order": rule.order})
    return categories, playlists


def _matches(rule: RowRule, entry: RowEntry) -> bool:
    if rule.latest:
        return True
    if rule.section:
        return rule.section.casefold() in {s.strip().casefold() for s in entry.sections}
    return rule.tag.casefold() in {t.casefold() for t in entry.tags}


def _unique_name(name: str, used: set[str]) -> str:
    base = clip_words(name, MAX_PLAYLIST_NAME) or "Row"
    candidate, number = base, 2
    while candidate.casefold() in used:
        suffix = f" {number}"
        candidate = clip_words(base, MAX_PLAYLIST_NAME - len(suffix)) + suffix
        number += 1
    used.add(candidate.casefold())
    return candidate


def empty_rules(entries: Sequence[RowEntry], rules: Sequence[RowRule]) -> list[str]:
    """Why each configured row that no item matches is empty, naming what does exist, so a
    misspelt section does not silently remove the row."""
    sections = sorted(
        {s.strip() for e in entries for s in e.sections if s.strip()}, key=str.casefold
    )
    tags = sorted({t for e in entries for t in e.tags}, key=str.casefold)
    found: list[str] = []
    if not entries:  # no article at all: that, not the rows, is the problem to report
        return found
    for rule in rules:
        if rule.latest or any(_matches(rule, e) for e in entries):
            continue
        if rule.section:
            found.append(
                f"row {rule.name!r} is empty and left out: no article has the section "
                f"{rule.section!r}; the sections are: {', '.join(sections) or 'none'}"
            )
        else:
            found.append(
                f"row {rule.name!r} is empty and left out: no article has the tag "
                f"{rule.tag!r}; the tags are: {', '.join(tags) or 'none'}"
            )
    return found
