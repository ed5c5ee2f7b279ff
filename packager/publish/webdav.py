"""Publishing over HTTP PUT / WebDAV (https://..., or http:// to a loopback host) with requests.

Credentials come from the environment: PACKAGER_PUBLISH_TOKEN (a bearer token), or
PACKAGER_PUBLISH_USER and PACKAGER_PUBLISH_PASSWORD (basic auth); user:password in the URL
also works but is never shown.
"""

from __future__ import annotations

import contextlib
import email.utils
import os
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from posixpath import dirname
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import requests
from lxml import etree

from packager.net.session import make_session
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

TIMEOUT = (10.0, 120.0)  # (connect, read) seconds
_HEAD_LIMIT = 4  # beyond this many names, one PROPFIND per folder is cheaper than HEADs
_DAV = "{DAV:}"
# Safe settings: no network, no entities, no DTD, no huge trees (the answer is untrusted).
_XML_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
)
_PROPFIND_BODY = (
    b'<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:"><D:prop>'
    b"<D:getcontentlength/><D:getetag/><D:getlastmodified/><D:resourcetype/>"
    b"</D:prop></D:propfind>"
)

_LOCK_BODY = (
    b'<?xml version="1.0" encoding="utf-8"?><D:lockinfo xmlns:D="DAV:">'
    b"<D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype>"
    b"<D:owner>packager</D:owner></D:lockinfo>"
)


class WebDavHost:
    """A WebDAV folder. Assets are PUT and checked with HEAD; the feed is PUT under a temporary
    name and MOVEd over the live one (one atomic request on the server)."""

    def __init__(self, target: Target) -> None:
        parts = urlsplit(target.raw)
        host = parts.hostname or ""
        # parse_target refused plain http:// to anything but this machine.
        netloc = host if ":" not in host else f"[{host}]"
        if parts.port:
            netloc += f":{parts.port}"
        path = parts.path if parts.path.endswith("/") else parts.path + "/"
        self.base = urlunsplit((parts.scheme, netloc, path, "", ""))
        self.target = self.base
        self.counters = HostCounters()
        self.secrets: list[str] = list(target.secrets)
        # The one HTTP client's session (User-Agent, connection pool), without its retries:
        # publish retries each operation itself (RetryPolicy, counted, with backoff). No
        # private-address guard: the target is a host the user chose (often on the LAN).
        self.session = make_session(retries=0, pool_size=4)
        self.session.trust_env = False  # no .netrc or proxy surprises; auth is explicit
        token = os.environ.get("PACKAGER_PUBLISH_TOKEN", "")
        user = os.environ.get("PACKAGER_PUBLISH_USER", "")
        password = os.environ.get("PACKAGER_PUBLISH_PASSWORD", "")
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"
            self.secrets.append(token)
        elif parts.username or user:
            self.session.auth = (
                unquote(parts.username or user),
                unquote(parts.password or "") or password,
            )
            self.secrets += [s for s in (parts.password, password) if s]
        self._folders: set[str] = set()

    def _url(self, name: str) -> str:
        return self.base + quote(name)

    def _request(self, method: str, name: str, action: str, **kwargs: object) -> requests.Response:
        self.counters.requests += 1
        body = kwargs.get("data")
        if isinstance(body, bytes):
            self.counters.bytes_sent += len(body)
        try:
            response = self.session.request(method, self._url(name), timeout=TIMEOUT, **kwargs)  # type: ignore[arg-type]
        except (requests.Timeout, requests.ConnectionError) as exc:
            raise network_error(f"cannot {action} {name}", exc) from None
        except requests.RequestException as exc:
            raise HostError(
                f"cannot {action} {name}: {type(exc).__name__}", transient=False
            ) from None
        return response

    def _fail(self, action: str, name: str, response: requests.Response) -> HostError:
        status = response.status_code
        note, hint = "", ""
        if status == 401:
            note = " (check PACKAGER_PUBLISH_TOKEN or PACKAGER_PUBLISH_USER/PASSWORD)"
            hint = (
                "set PACKAGER_PUBLISH_TOKEN, or PACKAGER_PUBLISH_USER and "
                "PACKAGER_PUBLISH_PASSWORD, to an account that may write there"
            )
        elif status == 403:
            note = " (the account may not write there, or the folder is read-only)"
            hint = READ_ONLY_HINT
        elif status == 405:
            note = " (the server does not allow this method here: is WebDAV enabled?)"
            hint = "enable WebDAV (PUT, MOVE, MKCOL) for this folder on the server"
        return HostError(
            f"cannot {action} {name}: HTTP {status} {response.reason}{note}",
            transient=status >= 500 or status in (408, 429),
            hint=hint,
        )

    def read(self, name: str) -> tuple[bytes, str] | None:
        response = self._request("GET", name, "read")
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise self._fail("read", name, response)
        return response.content, _version(response.headers, len(response.content))

    def stat(self, names: Sequence[str]) -> dict[str, RemoteFile]:
        return stat_names(names, one=self._head, folder=self._propfind, few=_HEAD_LIMIT)

    def _head(self, name: str) -> RemoteFile | None:
        response = self._request("HEAD", name, "inspect")
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise self._fail("inspect", name, response)
        size = int(response.headers.get("Content-Length", "-1"))
        return RemoteFile(
            size=size,
            version=_version(response.headers, size),
            modified=_http_date(response.headers.get("Last-Modified", "")),
        )

    def _propfind(self, folder: str) -> dict[str, RemoteFile]:
        path = f"{folder}/" if folder else ""
        response = self._request(
            "PROPFIND",
            path,
            "list",
            data=_PROPFIND_BODY,
            headers={"Depth": "1", "Content-Type": "application/xml"},
        )
        if response.status_code == 404:
            return {}
        if response.status_code != 207:
            raise self._fail("list", path or "/", response)
        try:
            root = etree.fromstring(response.content, parser=_XML_PARSER)
        except etree.XMLSyntaxError:
            raise HostError(
                f"cannot list {path or '/'}: the server's answer is not XML", transient=True
            ) from None
        base_path = unquote(urlsplit(self.base).path)
        found: dict[str, RemoteFile] = {}
        for node in root.iter(f"{_DAV}response"):
            href = unquote(urlsplit(node.findtext(f"{_DAV}href") or "").path)
            if not href.startswith(base_path) or node.find(f".//{_DAV}collection") is not None:
                continue
            length = node.findtext(f".//{_DAV}getcontentlength")
            if length is None or not length.strip().isdigit():
                continue
            etag = node.findtext(f".//{_DAV}getetag") or ""
            modified = node.findtext(f".//{_DAV}getlastmodified") or ""
            found[href[len(base_path) :]] = RemoteFile(
                size=int(length), version=etag or f"{length}-{modified}"
            )
        return found

    def _ensure_folder(self, name: str) -> None:
        """MKCOL the folders `name` needs, once per run; the target folder itself included."""
        folder = dirname(name)
        missing: list[str] = []
        while folder not in self._folders:
            missing.append(folder)
            if not folder:
                break
            folder = dirname(folder)
        for path in reversed(missing):
            response = self._request("MKCOL", f"{path}/" if path else "", "create folder")
            if response.status_code == 409 and not path:
                self._make_base_parents()
                response = self._request("MKCOL", "", "create folder")
            # 405: it exists already. 201: made.
            if response.status_code not in (201, 405):
                raise self._fail("create folder", f"{path}/", response)
            self._folders.add(path)

    def _make_base_parents(self) -> None:
        parts = urlsplit(self.base)
        segments = [s for s in parts.path.split("/") if s][:-1]
        for i in range(1, len(segments) + 1):
            url = urlunsplit(
                (parts.scheme, parts.netloc, "/" + "/".join(segments[:i]) + "/", "", "")
            )
            self.counters.requests += 1
            try:
                response = self.session.request("MKCOL", url, timeout=TIMEOUT)
            except requests.RequestException as exc:
                raise network_error("cannot create the target folder", exc) from None
            if response.status_code not in (201, 405):
                raise self._fail("create folder", url, response)

    def _put(self, name: str, item: Upload, data: bytes) -> None:
        self._ensure_folder(name)
        response = self._request(
            "PUT",
            name,
            "upload",
            data=data,
            headers={"Content-Type": item.content_type, "Cache-Control": item.cache_control},
        )
        if response.status_code not in (200, 201, 204):
            raise self._fail("upload", name, response)

    def _verify(self, name: str, item: Upload) -> str:
        info = self._head(name)
        if info is None or info.size != item.size:
            got = "nothing" if info is None else f"{info.size:,} bytes"
            raise HostError(
                f"verification failed for {name}: sent {item.size:,} bytes, the host has {got}",
                transient=True,
            )
        return info.version

    def upload(self, item: Upload) -> None:
        self._put(item.name, item, item.read())
        self._verify(item.name, item)

    def replace(self, item: Upload, *, if_match: str | None = None, if_absent: bool = False) -> str:
        folder = dirname(item.name)
        prefix = f"{folder}/" if folder else ""
        temp = f"{prefix}.{item.name.rsplit('/', 1)[-1]}.{uuid.uuid4().hex}.part"
        self._put(temp, item, item.read())
        response = self._request(
            "MOVE",
            temp,
            "move into place",
            headers={"Destination": self._url(item.name), "Overwrite": "T"},
        )
        if response.status_code not in (201, 204):
            error = self._fail("move into place", item.name, response)
            with contextlib.suppress(HostError):
                self._request("DELETE", temp, "clean up")
            raise error
        return self._verify(item.name, item)

    def create(self, name: str, data: bytes) -> bool:
        """Create `name` only if absent, under a WebDAV LOCK.

        A PUT with If-None-Match: * is not enough: servers (wsgidav among them) check the
        condition and then write, so two PUTs at once can both succeed. An exclusive LOCK is
        granted to one client at a time (RFC 4918 §6, §9.10): the holder checks that the file
        is absent or empty (a LOCK on an unmapped URL creates an empty file, §7.3), PUTs it
        with the lock token, and UNLOCKs. Servers without locking (class 1) get the
        If-None-Match PUT, which is the best they offer.
        """
        self._ensure_folder(name)
        response = self._request(
            "LOCK",
            name,
            "lock",
            data=_LOCK_BODY,
            headers={"Timeout": "Second-60", "Depth": "0", "Content-Type": "application/xml"},
        )
        if response.status_code in (405, 501):
            return self._create_if_none_match(name, data)
        if response.status_code == 423:
            return False  # another client is creating it right now
        if response.status_code not in (200, 201):
            raise self._fail("lock", name, response)
        token = response.headers.get("Lock-Token", "").strip()
        if not token.startswith("<"):
            token = f"<{token}>"
        try:
            info = self._head(name)
            if info is not None and info.size > 0:
                return False
            put = self._request(
                "PUT",
                name,
                "create",
                data=data,
                headers={"Content-Type": "application/json", "If": f"({token})"},
            )
            if put.status_code not in (200, 201, 204):
                raise self._fail("create", name, put)
            return True
        finally:
            with contextlib.suppress(HostError):
                self._request("UNLOCK", name, "unlock", headers={"Lock-Token": token})

    def _create_if_none_match(self, name: str, data: bytes) -> bool:
        response = self._request(
            "PUT",
            name,
            "create",
            data=data,
            headers={"Content-Type": "application/json", "If-None-Match": "*"},
        )
        if response.status_code == 412:
            return False
        if response.status_code not in (200, 201, 204):
            raise self._fail("create", name, response)
        return True

    def delete(self, name: str) -> None:
        response = self._request("DELETE", name, "delete")
        if response.status_code not in (200, 204, 404):
            raise self._fail("delete", name, response)

    def close(self) -> None:
        self.session.close()


def _version(headers: requests.structures.CaseInsensitiveDict[str], size: int) -> str:
    return headers.get("ETag") or f"{size}-{headers.get('Last-Modified', '')}"


def _http_date(text: str) -> datetime | None:
    try:
        found = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return found if found.tzinfo is not None else found.replace(tzinfo=UTC)
