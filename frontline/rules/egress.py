"""Where webhooks may connect: public addresses only, unless an administrator allowed a private network.

Loopback, link-local (cloud metadata at 169.254.169.254 included), private, shared, reserved and
multicast addresses are refused by default (server-side request forgery: a supervisor must not make
the desk read its own intranet). The name is resolved once and the connection goes to the address
that was checked, with the original name in `Host` and in TLS (SNI and certificate check), so a DNS
answer that changes between the check and the connection (rebinding) cannot slip past it.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class EgressRefused(Exception):
    """The destination is not allowed (or cannot be resolved); the message is safe to show."""


def networks(allowed: Sequence[str]) -> list[Network]:
    return [ipaddress.ip_network(n, strict=False) for n in allowed]


def address_allowed(address: IPAddress, allowed: Sequence[Network] = ()) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if any(address in net for net in allowed):
        return True
    return address.is_global and not address.is_multicast


def parse_url(url: str) -> httpx.URL:
    """The URL, or EgressRefused when it is not an http(s) URL with a host."""
    import httpx  # heavy: httpx costs ~0.1-0.3 s and several MiB; only webhook checks and deliveries need it

    try:
        target = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise EgressRefused(f"not a valid URL ({exc})") from exc
    if target.scheme not in ("http", "https") or not target.host:
        raise EgressRefused("not an http:// or https:// URL with a host")
    return target


def check_literal(url: str, allowed: Sequence[str]) -> None:
    """At save time: refuse a URL whose host is a disallowed address or a local name (no DNS lookup here)."""
    host = (parse_url(url).host or "").lower()
    if host in ("localhost", "localhost.localdomain") or host.endswith((".localhost", ".local", ".internal")):
        raise EgressRefused(f"'{host}' is a local name; webhooks go to public addresses.")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return
    if not address_allowed(address, networks(allowed)):
        raise EgressRefused(f"{address} is a private, loopback, link-local or reserved address.")


def resolve(host: str, port: int, allowed: Sequence[str]) -> IPAddress:
    """The address to connect to; every address the name resolves to must be allowed."""
    try:
        found = {ipaddress.ip_address(str(info[4][0]).split("%")[0])
                 for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)}
    except (socket.gaierror, UnicodeError, ValueError) as exc:
        raise EgressRefused(f"cannot resolve {host}") from exc
    nets = networks(allowed)
    refused = sorted(str(a) for a in found if not address_allowed(a, nets))
    if refused or not found:
        raise EgressRefused(f"{host} resolves to a non-public address ({', '.join(refused) or 'none'})")
    return sorted(found, key=lambda a: (a.version, int(a)))[0]


def post(url: str, *, content: bytes, headers: dict[str, str], timeout: float, allowed: Sequence[str]) -> Any:
    """POST to `url`, connecting only to a checked address (no redirects)."""
    import httpx  # heavy: httpx costs ~0.1-0.3 s and several MiB; only webhook checks and deliveries need it

    target = parse_url(url)
    port = target.port or (443 if target.scheme == "https" else 80)
    address = resolve(target.host, port, allowed)
    pinned = target.copy_with(host=str(address))
    extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
    host_header = target.host if target.port is None else f"{target.host}:{target.port}"
    with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client:
        request = client.build_request("POST", pinned, content=content, headers={**headers, "Host": host_header},
                                       extensions=extensions)
        return client.send(request)
