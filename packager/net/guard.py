"""The private-address guard: which addresses a URL found in content may reach.

Light: `ipaddress` and `socket` only, so the config can check `allow_hosts` with the same
parser the fetcher uses.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass

from packager.errors import SourceUnreachableError
from packager.net.urls import origin_of
from packager.secrets import redact_url

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# RFC 1123 host names: dot-separated labels of letters, digits and inner hyphens.
_HOST_NAME = re.compile(
    r"^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$"
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


@dataclass(frozen=True)
class AllowList:
    """Private hosts a user allowed: host names, IP addresses and networks ("10.0.0.0/8")."""

    names: frozenset[str] = frozenset()
    networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def parse(cls, entries: Iterable[str]) -> AllowList:
        """Raises ValueError naming the first entry that is neither a host name nor a network."""
        names: set[str] = set()
        networks: list[IPNetwork] = []
        for entry in entries:
            network = _network(entry)
            if network is not None:
                networks.append(network)
            elif _HOST_NAME.match(entry.lower()):
                names.add(entry.lower())
            else:
                raise ValueError(
                    f"{entry!r} is neither a host name, an IP address nor a network (10.0.0.0/8)"
                )
        return cls(frozenset(names), tuple(networks))

    def allows_name(self, host: str) -> bool:
        return host.lower() in self.names

    def reachable(self, address: IPAddress) -> bool:
        """A public address, or one in a network this list names."""
        return is_public(address) or any(address in network for network in self.networks)


def _network(text: str) -> IPNetwork | None:
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


def resolve(url: str) -> list[IPAddress]:
    """The addresses `url`'s host resolves to (a literal address is itself)."""
    _scheme, host, port = origin_of(url)
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    else:
        return [literal]
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise SourceUnreachableError(
            f"cannot fetch {redact_url(url)}: the host name {host!r} does not resolve",
            location=redact_url(url),
            hint="check the host name in the URL",
        ) from exc
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


def is_public(address: IPAddress) -> bool:
    """A globally routable unicast address (IPv6 forms that carry an IPv4 address are judged
    by that address)."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and (address in _NAT64 or address in _IPV4_COMPATIBLE):
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public(embedded)
    return address.is_global and not address.is_multicast
