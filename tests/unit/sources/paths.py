"""Where the bundle readers' test data lives, for the tests and their fixtures."""

from __future__ import annotations

from pathlib import Path

SEED_NAME = "000_ea0fa2e06869f8ed.txt"
FIXTURE_BUNDLES = Path(__file__).parent / "bundles"
