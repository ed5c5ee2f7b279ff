"""Publishing over SFTP (sftp://user@host:port/path) with paramiko.

The path is absolute (sftp://host/srv/feed → /srv/feed); start it with /~/ for a folder in the
user's home. Keys come from the SSH agent, PACKAGER_SFTP_KEY_FILE (with
PACKAGER_SFTP_KEY_PASSPHRASE), or a password (PACKAGER_SFTP_PASSWORD, or in the URL). Host keys
are checked against PACKAGER_SFTP_KNOWN_HOSTS or ~/.ssh/known_hosts; unknown hosts are refused.
"""

from __future__ import annotations

import contextlib
import errno
import os
import socket
import stat as stat_module
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from posixpath import dirname, join
from urllib.parse import unquote, urlsplit

import paramiko

from packager.publish.base import (
    READ_ONLY_HINT,
    HostCounters,
    HostError,
    RemoteFile,
    Upload,
    network_error,
    stat_names,
)
from packager.publish.target import Target

CONNECT_TIMEOUT = 15.0
_STAT_LIMIT = 16  # beyond this many names, listing each folder once is cheaper


class SftpHost:
    """A folder on an SSH server. Every file is written under a temporary name, its size
    checked, then renamed over the final name with posix-rename (atomic on the server)."""

    def __init__(self, target: Target) -> None:
        parts = urlsplit(target.raw)
        self.hostname = parts.hostname or ""  # parse_target refused an sftp:// URL without one
        self.port = parts.port or 22
        self.username = unquote(parts.username or "") or os.environ.get("USER", "")
        self.password = unquote(parts.password or "") or os.environ.get(
            "PACKAGER_SFTP_PASSWORD", ""
        )
        path = unquote(parts.path) or "/"
        if path == "/~" or path.startswith("/~/"):
            self.root = path[3:].strip("/") or "."  # relative to the login folder
        else:
            self.root = path.rstrip("/") or "/"
        self.target = target.display
        self.counters = HostCounters()
        self.secrets = [
            s for s in (self.password, os.environ.get("PACKAGER_SFTP_KEY_PASSPHRASE", "")) if s
        ]
        self._client: paramiko.SSHClient | None = None
        self._sftp: paramiko.SFTPClient | None = None
        self._folders: set[str] = set()

    # -- connection ---------------------------------------------------------------------------

    def _connect(self) -> paramiko.SFTPClient:
        if self._sftp is not None and self._client is not None:
            transport = self._client.get_transport()
            if transport is not None and transport.is_active():
                return self._sftp
            self._drop()
        client = paramiko.SSHClient()
        known_hosts = os.environ.get("PACKAGER_SFTP_KNOWN_HOSTS") or str(
            Path("~/.ssh/known_hosts").expanduser()
        )
        with contextlib.suppress(FileNotFoundError):
            client.load_host_keys(known_hosts)
        client.set_missing_host_key_policy(paramiko.RejectPolicy())
        key_file = os.environ.get("PACKAGER_SFTP_KEY_FILE") or None
        try:
            client.connect(
                self.hostname,
                port=self.port,
                username=self.username,
                password=self.password or None,
                key_filename=key_file,
                passphrase=os.environ.get("PACKAGER_SFTP_KEY_PASSPHRASE") or None,
                timeout=CONNECT_TIMEOUT,
                banner_timeout=CONNECT_TIMEOUT,
                auth_timeout=CONNECT_TIMEOUT,
                look_for_keys=key_file is None,
            )
            self.counters.requests += 1
            self._sftp = client.open_sftp()
            self._sftp.get_channel().settimeout(120.0)  # type: ignore[union-attr]
        except (paramiko.SSHException, OSError, EOFError) as exc:
            client.close()
            raise self._connect_error(exc, known_hosts) from None
        self._client = client
        return self._sftp

    def _connect_error(self, exc: BaseException, known_hosts: str) -> HostError:
        """What went wrong while connecting, with the fix where it is known."""
        where = f"{self.hostname}:{self.port}"
        if isinstance(exc, paramiko.BadHostKeyException):
            return HostError(
                f"cannot connect to {where}: its host key does not match {known_hosts} "
                "(a changed server, or someone in between)",
                transient=False,
            )
        if isinstance(exc, paramiko.AuthenticationException):
            return HostError(
                f"cannot log in to {where} as {self.username!r}: authentication failed (check "
                "the SSH agent, PACKAGER_SFTP_KEY_FILE or PACKAGER_SFTP_PASSWORD)",
                transient=False,
                hint="load the deploy key into the SSH agent, or set PACKAGER_SFTP_KEY_FILE "
                "(and PACKAGER_SFTP_KEY_PASSPHRASE) or PACKAGER_SFTP_PASSWORD for this user",
            )
        if isinstance(exc, paramiko.SSHException):
            if "known_hosts" in str(exc) or "not found in" in str(exc):
                return HostError(
                    f"cannot connect to {where}: its host key is not in {known_hosts} (add it "
                    f"with `ssh-keyscan -p {self.port} {self.hostname} >> {known_hosts}` after "
                    "checking it)",
                    transient=False,
                )
            return HostError(
                f"cannot connect to {where}: SSH error ({type(exc).__name__})", transient=True
            )
        return network_error(f"cannot connect to {where}", exc)

    def _drop(self) -> None:
        if self._client is not None:
            self._client.close()
        self._client = None
        self._sftp = None
        self._folders.clear()

    def _path(self, name: str) -> str:
        if self.root == ".":
            return name
        return f"{self.root.rstrip('/')}/{name}"

    def _op_error(self, action: str, name: str, exc: BaseException) -> HostError:
        if isinstance(exc, IOError) and getattr(exc, "errno", None) is not None:
            code = exc.errno
            transient = code not in (errno.EACCES, errno.EPERM, errno.ENOENT, errno.ENOTDIR)
            read_only = code in (errno.EACCES, errno.EPERM, errno.EROFS)
            return HostError(
                f"cannot {action} {name}: {_describe(exc)}",
                transient=transient and not read_only,
                hint=READ_ONLY_HINT if read_only else "",
            )
        # The session broke (reset, EOF, SSH error): reconnect on the next attempt.
        self._drop()
        return HostError(f"cannot {action} {name}: {_describe(exc)}", transient=True)

    # -- operations ---------------------------------------------------------------------------

    def read(self, name: str) -> tuple[bytes, str] | None:
        sftp = self._connect()
        try:
            self.counters.requests += 1
            with sftp.open(self._path(name), "rb") as stream:
                info = stream.stat()
                data = stream.read()
        except FileNotFoundError:
            return None
        except (OSError, EOFError, paramiko.SSHException) as exc:
            raise self._op_error("read", name, exc) from None
        return data, _version(info)

    def stat(self, names: Sequence[str]) -> dict[str, RemoteFile]:
        sftp = self._connect()

        def one(name: str) -> RemoteFile | None:
            self.counters.requests += 1
            try:
                info = sftp.stat(self._path(name))
            except FileNotFoundError:
                return None
            return RemoteFile(
                size=info.st_size or 0,
                version=_version(info),
                modified=None
                if info.st_mtime is None
                else datetime.fromtimestamp(info.st_mtime, UTC),
            )

        def folder(path: str) -> dict[str, RemoteFile]:
            self.counters.requests += 1
            try:
                entries = sftp.listdir_attr(self._path(path) if path else self.root)
            except FileNotFoundError:
                return {}
            return {
                f"{path}/{info.filename}" if path else info.filename: RemoteFile(
                    size=info.st_size or 0, version=_version(info)
                )
                for info in entries
                if not stat_module.S_ISDIR(info.st_mode or 0)
            }

        try:
            return stat_names(names, one=one, folder=folder, few=_STAT_LIMIT)
        except (OSError, EOFError, paramiko.SSHException) as exc:
            raise self._op_error("inspect", ", ".join(names[:3]), exc) from None

    def _ensure_folder(self, sftp: paramiko.SFTPClient, name: str) -> None:
        if "" not in self._folders:
            self._ensure_root(sftp)
        folder = dirname(name)
        missing: list[str] = []
        while folder and folder not in self._folders:
            missing.append(folder)
            folder = dirname(folder)
        for path in reversed(missing):
            self.counters.requests += 1
            try:
                sftp.mkdir(self._path(path))
            except OSError:
                self.counters.requests += 1
                info = sftp.stat(self._path(path))  # it exists already (or we cannot make it)
                if not stat_module.S_ISDIR(info.st_mode or 0):
                    raise HostError(
                        f"cannot create folder {path}: a file is in the way", transient=False
                    ) from None
            self._folders.add(path)

    def _ensure_root(self, sftp: paramiko.SFTPClient) -> None:
        """Make the target folder (and its parents) unless it exists."""
        self.counters.requests += 1
        try:
            sftp.stat(self.root)
        except FileNotFoundError:
            prefix = "/" if self.root.startswith("/") else ""
            current = ""
            for part in [p for p in self.root.split("/") if p]:
                current = f"{current}/{part}" if current else f"{prefix}{part}"
                self.counters.requests += 1
                try:
                    sftp.stat(current)
                except FileNotFoundError:
                    self.counters.requests += 1
                    sftp.mkdir(current)
        self._folders.add("")

    def _write(self, item: Upload) -> str:
        sftp = self._connect()
        final = self._path(item.name)
        # posixpath.join: a file in the login folder ("." root) must not become "/.name".
        temp = join(dirname(final), f".{final.rsplit('/', 1)[-1]}.{uuid.uuid4().hex}.part")
        data = item.read()
        try:
            self._ensure_folder(sftp, item.name)
            self.counters.requests += 1
            self.counters.bytes_sent += len(data)
            # confirm=True stats the file after writing and refuses a size mismatch.
            written = sftp.putfo(BytesIO(data), temp, file_size=len(data), confirm=True)
            if written.st_size != item.size:
                raise HostError(
                    f"verification failed for {item.name}: size differs", transient=True
                )
            self.counters.requests += 1
            sftp.posix_rename(temp, final)
            self.counters.requests += 1
            return _version(sftp.stat(final))
        except HostError:
            raise
        except (OSError, EOFError, paramiko.SSHException) as exc:
            error = self._op_error("upload", item.name, exc)
            if self._sftp is not None:
                with contextlib.suppress(OSError, EOFError, paramiko.SSHException):
                    self._sftp.remove(temp)
            raise error from None

    def upload(self, item: Upload) -> None:
        self._write(item)

    def replace(self, item: Upload, *, if_match: str | None = None, if_absent: bool = False) -> str:
        return self._write(item)

    def create(self, name: str, data: bytes) -> bool:
        """Open with SSH_FXF_CREAT | SSH_FXF_EXCL (paramiko mode "x"): the server refuses to
        open a file that exists, atomically."""
        sftp = self._connect()
        path = self._path(name)
        try:
            self._ensure_folder(sftp, name)
            self.counters.requests += 1
            try:
                stream = sftp.open(path, "wbx")
            except OSError as exc:
                # SFTP v3 reports an existing file as a generic failure: look before deciding.
                self.counters.requests += 1
                try:
                    sftp.stat(path)
                except FileNotFoundError:
                    raise exc from None
                return False
            with stream:
                stream.write(data)
            self.counters.bytes_sent += len(data)
        except HostError:
            raise
        except (OSError, EOFError, paramiko.SSHException) as exc:
            raise self._op_error("create", name, exc) from None
        return True

    def delete(self, name: str) -> None:
        sftp = self._connect()
        self.counters.requests += 1
        try:
            sftp.remove(self._path(name))
        except FileNotFoundError:
            return
        except (OSError, EOFError, paramiko.SSHException) as exc:
            raise self._op_error("delete", name, exc) from None

    def close(self) -> None:
        self._drop()


def _version(info: paramiko.SFTPAttributes) -> str:
    return f"{info.st_size}-{info.st_mtime}"


def _describe(exc: BaseException) -> str:
    if isinstance(exc, socket.timeout | TimeoutError):
        return "timed out"
    if isinstance(exc, ConnectionError | EOFError):
        return "connection lost"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return type(exc).__name__
