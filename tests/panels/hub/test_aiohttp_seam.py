"""The one private aiohttp call the hub's WebSocket transport makes.

``WebSocketTransport.close`` cancels the heartbeat timer aiohttp 3.14 can
re-arm while a close runs (``transports.cancel_heartbeat``). This fails
loudly when aiohttp renames or changes it, or when a close leaves a timer.
"""

from __future__ import annotations

import inspect

import aiohttp
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from custom_components.alarmhub.panels.hub.transports import (
    WebSocketTransport,
    cancel_heartbeat,
)
from simulator.server import SimulatorServer


def test_aiohttp_still_has_the_private_call() -> None:
    """aiohttp's WebSocket response has ``_cancel_heartbeat(self)``."""
    method = aiohttp.ClientWebSocketResponse._cancel_heartbeat
    assert list(inspect.signature(method).parameters) == ["self"]


async def test_close_leaves_no_heartbeat(
    hass: HomeAssistant, simulator: SimulatorServer
) -> None:
    """A real connection to the simulator, closed from both ends at once."""
    transport = WebSocketTransport(
        async_get_clientsession(hass), "127.0.0.1", simulator.port
    )
    await transport.open()
    ws = transport._ws
    assert ws is not None
    await simulator.drop_connections()
    await transport.close()
    assert ws.closed
    assert ws._heartbeat_cb is None
    cancel_heartbeat(ws)  # again: harmless on a closed socket
