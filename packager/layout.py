"""The names packager gives files: in a build output folder and beside the feed on a host.

A leaf: imports nothing from the project, so the small modules (publish.base, config) can
name these files without pulling in the feed writers.
"""

from __future__ import annotations

FEED_NAME = "feed.json"
MRSS_NAME = "feed.xml"  # Media RSS, beside feed.json (channel config `formats`)
SEARCH_FEED_NAME = "search.json"  # Roku Search Feed 2.0, beside feed.json
# The other formats `packager build` writes beside feed.json.
SIBLING_FEED_NAMES = frozenset({MRSS_NAME, SEARCH_FEED_NAME})

STATE_DIR = ".packager"  # the build's own state and caches, inside the output folder
BUILD_REPORT_NAME = "build-report.json"
# Publish's bookkeeping beside the feed on the host (never part of an output folder).
MANIFEST_NAME = "packager-manifest.json"
JOURNAL_NAME = "packager-journal.json"
LOCK_NAME = "packager-lock.json"
# What each article's files are and what the feed says of them, keyed by the content of the
# article's inputs: written by the build into the output folder, and by publish beside the
# feed (after the swap), so a build on an empty machine reuses what the host already holds.
BUILD_CACHE_NAME = "packager-build-cache.json"
# Never published: build state, the build report and the publish bookkeeping.
EXCLUDED_TOP_LEVEL = frozenset(
    {STATE_DIR, BUILD_REPORT_NAME, MANIFEST_NAME, JOURNAL_NAME, BUILD_CACHE_NAME}
)
# The folders `packager build` writes assets to; only these are ever pruned.
ASSET_FOLDERS = ("images", "videos", "captions")
