"""A refusal names where the URL was found, never an empty "(found in )"."""

from __future__ import annotations

from pathlib import Path

import pytest

from packager.errors import UnsafeUrlError
from packager.net.fetcher import Fetcher


@pytest.mark.parametrize("found_in", [" ", "\t"])
def test_a_blank_origin_is_named_not_left_empty(tmp_path: Path, found_in: str) -> None:
    with (
        Fetcher(tmp_path / "cache", timeout=(2.0, 2.0), retries=0) as fetcher,
        pytest.raises(UnsafeUrlError) as caught,
    ):
        fetcher.get("http://10.1.2.3/x.jpg", found_in=found_in)
    message = caught.value.message
    assert "(found in )" not in message and "(found in  )" not in message
    assert "blank address" in message
