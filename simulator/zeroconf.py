"""Advertise the simulator as ``_alarmhub._tcp.local.`` so HA discovers it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import socket

from zeroconf import IPVersion
from zeroconf.asyncio import AsyncServiceInfo, AsyncZeroconf

from custom_components.alarmhub.panels.hub.protocol import PROTOCOL_VERSION

from .hub import Hub

SERVICE_TYPE = "_alarmhub._tcp.local."


def _addresses(host: str) -> list[bytes]:
    """Return the addresses the server answers on (all, loopback last, for 0.0.0.0)."""
    if host not in ("0.0.0.0", ""):  # noqa: S104 - comparing, not binding
        return [socket.inet_aton(socket.gethostbyname(host))]
    found: list[str] = []
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            address = str(info[4][0])
            if address not in found and not address.startswith("127."):
                found.append(address)
    except OSError:
        pass
    found.append("127.0.0.1")
    return [socket.inet_aton(address) for address in found]


async def advertise(
    hub: Hub, host: str, port: int, *, tls: bool = False
) -> Callable[[], Awaitable[None]]:
    """Register the service; return a coroutine function that withdraws it.

    ``tls=1`` in the TXT record tells clients the port serves wss:// only.
    """
    zeroconf = AsyncZeroconf(ip_version=IPVersion.V4Only)
    info = AsyncServiceInfo(
        SERVICE_TYPE,
        f"AlarmHub {hub.serial}.{SERVICE_TYPE}",
        addresses=_addresses(host),
        port=port,
        properties={
            "serial": hub.serial,
            "model": hub.model,
            "name": hub.name,
            "protocol": str(PROTOCOL_VERSION),
            **({"tls": "1"} if tls else {}),
        },
        server=f"alarmhub-{hub.serial.lower()}.local.",
    )
    await zeroconf.async_register_service(info)

    async def withdraw() -> None:
        await zeroconf.async_unregister_service(info)
        await zeroconf.async_close()

    return withdraw
