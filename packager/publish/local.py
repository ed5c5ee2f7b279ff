"""Publishing to a local folder that a web server serves (a path or a file:// URL)."""

from __future__ import annotations

import errno
import hashlib
import os
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from packager.publish.base import READ_ONLY_HINT, HostCounters, HostError, RemoteFile, Upload
from packager.publish.target import Target


class LocalHost:
    """A folder on this machine; files are written to a temp file, fsynced, then os.replace'd.

    A folder has no per-file metadata: Content-Type and Cache-Control are the serving web
    server's job (by suffix; see the README for a config that matches packager's choices).
    """

    def __init__(self, target: Target) -> None:
        raw = target.raw
        if target.scheme == "file":
            raw = unquote(urlsplit(raw).path)  # parse_target refused a file:// for another host
        self.root = Path(raw).expanduser().resolve()
        self.target = str(self.root)
        self.counters = HostCounters()

    def _path(self, name: str) -> Path:
        path = (self.root / name).resolve()
        if self.root not in path.parents:
            raise HostError(f"refusing name {name!r}: it leaves the target folder", transient=False)
        return path

    def read(self, name: str) -> tuple[bytes, str] | None:
        self.counters.requests += 1
        path = self._path(name)
        try:
            data = path.read_bytes()
            info = path.stat()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise _error("read", name, exc) from None
        return data, _version(info)

    def stat(self, names: Sequence[str]) -> dict[str, RemoteFile]:
        found: dict[str, RemoteFile] = {}
        for name in names:
            self.counters.requests += 1
            path = self._path(name)
            try:
                info = path.stat()
                sha = _sha256(path)
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise _error("inspect", name, exc) from None
            found[name] = RemoteFile(
                size=info.st_size,
                version=_version(info),
                sha256=sha,
                modified=datetime.fromtimestamp(info.st_mtime, UTC),
            )
        return found

    def upload(self, item: Upload) -> None:
        self._write(item)

    def replace(self, item: Upload, *, if_match: str | None = None, if_absent: bool = False) -> str:
        return self._write(item)

    def delete(self, name: str) -> None:
        self.counters.requests += 1
        try:
            self._path(name).unlink(missing_ok=True)
        except OSError as exc:
            raise _error("delete", name, exc) from None

    def create(self, name: str, data: bytes) -> bool:
        """Write a temp file, then hard-link it to `name`: link() fails if `name` exists, so the
        file appears atomically and whole. Folders without hard links fall back to O_EXCL."""
        self.counters.requests += 1
        path = self._path(name)
        try:
            temp = _write_temp(path, data)
            try:
                try:
                    os.link(temp, path)
                except FileExistsError:
                    return False
                except OSError as exc:
                    if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
                        raise
                    return self._create_exclusive(path, data)
            finally:
                temp.unlink(missing_ok=True)
        except OSError as exc:
            raise _error("create", name, exc) from None
        self.counters.bytes_sent += len(data)
        return True

    def _create_exclusive(self, path: Path, data: bytes) -> bool:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            return False
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        return True

    def close(self) -> None:
        return None

    def _write(self, item: Upload) -> str:
        self.counters.requests += 1
        path = self._path(item.name)
        data = item.read()
        try:
            temp = _write_temp(path, data)
            try:
                if temp.stat().st_size != item.size or _sha256(temp) != item.sha256:
                    raise HostError(
                        f"verification failed for {item.name}: the written copy differs",
                        transient=True,
                    )
                os.replace(temp, path)
            except BaseException:
                temp.unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise _error("write", item.name, exc) from None
        self.counters.bytes_sent += len(data)
        return _version(path.stat())


def _write_temp(path: Path, data: bytes) -> Path:
    """`data` durably in a readable temp file beside `path`, for the caller to link or rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, 0o644)  # published files are for a web server to read
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return Path(temp)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _version(info: os.stat_result) -> str:
    return f"{info.st_size}-{info.st_mtime_ns}-{info.st_ino}"


def _error(action: str, name: str, exc: OSError) -> HostError:
    # A full disk or a vanished mount may clear up; a permission error will not.
    read_only = isinstance(exc, PermissionError) or exc.errno == errno.EROFS
    transient = not (read_only or isinstance(exc, IsADirectoryError | NotADirectoryError))
    return HostError(
        f"cannot {action} {name}: {exc.strerror or type(exc).__name__}",
        transient=transient,
        hint=READ_ONLY_HINT if read_only else "",
    )
