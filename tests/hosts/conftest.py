"""Real servers on 127.0.0.1 for publish tests: wsgidav (WebDAV), moto (S3), OpenSSH (SFTP)."""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from publish_support import (
    S3_ENV,
    FaultMiddleware,
    HostUnderTest,
    WebDavServer,
    folder_files,
    s3_client,
)

from tests.http_fixtures import free_port

SSHD = shutil.which("sshd") or ("/usr/sbin/sshd" if Path("/usr/sbin/sshd").exists() else None)


def _wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"server on port {port} did not start")


# -- WebDAV: wsgidav on cheroot, behind a fault-injecting WSGI middleware ----------------------


@pytest.fixture(scope="session")
def webdav_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDavServer]:
    from cheroot import wsgi
    from wsgidav.wsgidav_app import WsgiDAVApp

    root = tmp_path_factory.mktemp("webdav-root")
    config = {
        "host": "127.0.0.1",
        "port": 0,
        "provider_mapping": {"/": str(root)},
        "simple_dc": {"user_mapping": {"*": {"publisher": {"password": "s3cr3t-dav-pass"}}}},
        "http_authenticator": {
            "accept_basic": True,
            "accept_digest": False,
            "default_to_digest": False,
        },
        "verbose": 1,
        "logging": {"enable": False, "enable_loggers": []},
        "property_manager": True,
        "lock_storage": True,
    }
    faults = FaultMiddleware(WsgiDAVApp(config))
    port = free_port()
    server = wsgi.Server(("127.0.0.1", port), faults, numthreads=8)
    server.error_log = lambda *args, **kwargs: None  # fault injection is noisy by design
    thread = threading.Thread(target=server.safe_start, daemon=True)
    thread.start()
    _wait_for_port(port)
    logging.getLogger("wsgidav").setLevel(logging.ERROR)
    yield WebDavServer(root=root, url=f"http://127.0.0.1:{port}/", faults=faults)
    server.stop()


@pytest.fixture
def webdav_host(webdav_server: WebDavServer, monkeypatch: pytest.MonkeyPatch) -> HostUnderTest:
    folder = f"ch-{uuid.uuid4().hex[:8]}"
    (webdav_server.root / folder).mkdir()
    monkeypatch.setenv("PACKAGER_PUBLISH_USER", "publisher")
    monkeypatch.setenv("PACKAGER_PUBLISH_PASSWORD", "s3cr3t-dav-pass")
    webdav_server.faults.fail_from = None

    def at(path: str) -> HostUnderTest:
        return HostUnderTest(
            kind="webdav",
            target=f"{webdav_server.url}{path}/",
            files=lambda: folder_files(webdav_server.root / path),
            sub=lambda name: at(f"{path}/{name}"),
        )

    return at(folder)


# -- S3: moto's standalone server ------------------------------------------------------------


@pytest.fixture
def s3_host(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> HostUnderTest:
    for key, value in S3_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    for key in ("AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(key, raising=False)
    client = s3_client(moto_endpoint)
    bucket = f"channel-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=bucket)

    def at(prefix: str) -> HostUnderTest:
        def files() -> dict[str, bytes]:
            found: dict[str, bytes] = {}
            pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
            for page in pages:
                for obj in page.get("Contents", []):
                    body = client.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read()
                    found[obj["Key"][len(prefix) :]] = body
            return found

        return HostUnderTest(
            kind="s3",
            target=f"s3://{bucket}/{prefix}",
            files=files,
            sub=lambda name: at(f"{prefix}{name}/"),
        )

    return at("news/")


# -- SFTP: OpenSSH's sshd on a high port with generated keys -----------------------------------


@dataclass
class SshServer:
    port: int
    user_key: Path
    known_hosts: Path
    user: str


@pytest.fixture(scope="session")
def ssh_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SshServer]:
    if SSHD is None:
        pytest.skip(
            "OpenSSH's sshd is not installed (apt-get install -y openssh-server); "
            "SFTP publish tests need a real SSH server"
        )
    home = tmp_path_factory.mktemp("sshd")
    home.chmod(0o700)
    host_key, user_key = home / "host_ed25519", home / "user_ed25519"
    for key in (host_key, user_key):
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)],
            check=True,
            capture_output=True,
        )
    authorized = home / "authorized_keys"
    shutil.copy(user_key.with_suffix(".pub"), authorized)
    authorized.chmod(0o600)
    port = free_port()
    user = os.environ.get("USER") or __import__("getpass").getuser()
    config = home / "sshd_config"
    config.write_text(
        "\n".join(
            [
                f"Port {port}",
                "ListenAddress 127.0.0.1",
                f"HostKey {host_key}",
                f"PidFile {home / 'sshd.pid'}",
                f"AuthorizedKeysFile {authorized}",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PubkeyAuthentication yes",
                "PermitRootLogin prohibit-password",
                "StrictModes no",
                "UsePAM no",
                "Subsystem sftp internal-sftp",
                "LogLevel ERROR",
                "",
            ]
        )
    )
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege-separation dir
    log = home / "sshd.log"
    with log.open("wb") as log_stream:
        process = subprocess.Popen(
            [SSHD, "-D", "-e", "-f", str(config)], stdout=subprocess.DEVNULL, stderr=log_stream
        )
    try:
        _wait_for_port(port)
    except RuntimeError:
        process.kill()
        process.wait()
        raise RuntimeError(f"sshd did not start: {log.read_text(errors='replace')}") from None
    public = host_key.with_suffix(".pub").read_text().split()
    known_hosts = home / "known_hosts"
    known_hosts.write_text(f"[127.0.0.1]:{port} {public[0]} {public[1]}\n")
    yield SshServer(port=port, user_key=user_key, known_hosts=known_hosts, user=user)
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def sftp_host(
    ssh_server: SshServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> HostUnderTest:
    root = tmp_path / "sftp-root"
    root.mkdir()
    monkeypatch.setenv("PACKAGER_SFTP_KEY_FILE", str(ssh_server.user_key))
    monkeypatch.setenv("PACKAGER_SFTP_KNOWN_HOSTS", str(ssh_server.known_hosts))
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)

    def at(path: Path) -> HostUnderTest:
        return HostUnderTest(
            kind="sftp",
            target=f"sftp://{ssh_server.user}@127.0.0.1:{ssh_server.port}{path}",
            files=lambda: folder_files(path),
            sub=lambda name: at(path / name),
        )

    return at(root)


@pytest.fixture
def local_host(tmp_path: Path) -> HostUnderTest:
    def at(path: Path) -> HostUnderTest:
        return HostUnderTest(
            kind="local",
            target=str(path),
            files=lambda: folder_files(path),
            sub=lambda name: at(path / name),
        )

    return at(tmp_path / "served")


@pytest.fixture(params=["local", "webdav", "s3", "sftp"])
def any_host(request: pytest.FixtureRequest) -> HostUnderTest:
    host: HostUnderTest = request.getfixturevalue(f"{request.param}_host")
    return host
