"""The real servers of the publish tests (wsgidav, moto S3, OpenSSH sftp on 127.0.0.1), for
the tests of the host as the build cache."""

from __future__ import annotations

import sys
from pathlib import Path

# tests/publish/conftest.py imports its helpers as top-level modules.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "publish"))

from tests.publish.conftest import (  # noqa: F401 - fixtures, used by name
    any_host,
    local_host,
    s3_host,
    sftp_host,
    ssh_server,
    webdav_host,
    webdav_server,
)
