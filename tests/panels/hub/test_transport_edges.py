"""The transports' edges: used before opening, odd peers, lines that close.

Each peer is real: an aiohttp WebSocket server on loopback that sends a
binary message or closes, the simulator's HTTP port for a missing file, a
TCP server behind ``socket://`` (a serial-to-network bridge) that hangs up.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable

from aiohttp import web
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
import pytest

from custom_components.alarmhub.panels.exceptions import (
    AlarmHubConnectionError,
    AlarmHubNotSupportedError,
    AlarmHubProtocolError,
)
from custom_components.alarmhub.panels.hub.protocol import decode_message, encode_frame
from custom_components.alarmhub.panels.hub.serial import SerialTransport
from custom_components.alarmhub.panels.hub.transports import WebSocketTransport
from simulator.server import SimulatorServer

HELLO = b'{"type":"evt","seq":1,"event":"zone","data":{}}'
Handler = Callable[[web.WebSocketResponse], Awaitable[None]]


@pytest.fixture
async def ws_peer(
    socket_enabled: None,
) -> AsyncGenerator[Callable[[Handler], Awaitable[int]]]:
    """Start a WebSocket server on loopback that runs ``handler``; yield its port."""
    runners: list[web.AppRunner] = []

    async def start(handler: Handler) -> int:
        async def endpoint(request: web.Request) -> web.WebSocketResponse:
            ws = web.WebSocketResponse()
            await ws.prepare(request)
            await handler(ws)
            return ws

        app = web.Application()
        app.router.add_get("/ws", endpoint)
        runner = web.AppRunner(app, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        runners.append(runner)
        server = site._server
        assert isinstance(server, asyncio.Server)
        return int(server.sockets[0].getsockname()[1])

    yield start
    for runner in runners:
        await runner.cleanup()


async def test_unopened_transports_refuse(hass: HomeAssistant) -> None:
    """Nothing is sent or read on a line that was never opened."""
    ws = WebSocketTransport(async_get_clientsession(hass), "127.0.0.1", 9)
    serial = SerialTransport("/dev/null-alarmhub")
    for transport in (ws, serial):
        with pytest.raises(AlarmHubConnectionError, match="not connected"):
            await transport.send(b"{}")
        with pytest.raises(AlarmHubConnectionError, match="not connected"):
            await transport.receive()


def test_serial_cannot_fetch_files() -> None:
    """Clips travel over HTTP; a serial hub has none, and says so."""
    serial = SerialTransport("/dev/null-alarmhub")
    assert serial.http_url("/clips/1") is None
    with pytest.raises(AlarmHubNotSupportedError, match="cannot fetch files"):
        serial.open_http("/clips/1")


async def test_a_relative_clip_path_is_refused(hass: HomeAssistant) -> None:
    """The hub names files by absolute path; anything else is not followed."""
    ws = WebSocketTransport(async_get_clientsession(hass), "127.0.0.1", 9)
    assert ws.http_url("/clips/1") == "http://127.0.0.1:9/clips/1"
    with pytest.raises(AlarmHubProtocolError, match="not absolute"):
        ws.http_url("../etc/passwd")


async def test_a_missing_file_is_a_connection_error(
    hass: HomeAssistant, simulator: SimulatorServer
) -> None:
    """The hub's HTTP port answers 404: the transfer failed, said plainly."""
    ws = WebSocketTransport(async_get_clientsession(hass), "127.0.0.1", simulator.port)
    with pytest.raises(AlarmHubConnectionError, match="HTTP 404"):
        async with ws.open_http("/no/such/clip.mp4"):
            pass


async def test_binary_messages_and_a_close(
    hass: HomeAssistant, ws_peer: Callable[[Handler], Awaitable[int]]
) -> None:
    """A binary message is a payload too; the peer's close ends the line."""

    async def handler(ws: web.WebSocketResponse) -> None:
        await ws.send_bytes(b'{"type":"evt"}')
        await ws.close()

    port = await ws_peer(handler)
    transport = WebSocketTransport(async_get_clientsession(hass), "127.0.0.1", port)
    await transport.open()
    try:
        assert await transport.receive() == b'{"type":"evt"}'
        with pytest.raises(AlarmHubConnectionError, match="connection closed"):
            await transport.receive()
        with pytest.raises(AlarmHubConnectionError):
            await transport.send(b"{}")
    finally:
        await transport.close()


async def test_a_bridge_that_hangs_up(socket_enabled: None) -> None:
    """A serial-to-network bridge closing its socket: the port is closed."""
    hung_up = asyncio.Event()

    async def bridge(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        del reader
        writer.write(encode_frame(decode_message(HELLO)))
        await writer.drain()
        writer.close()
        hung_up.set()

    server = await asyncio.start_server(bridge, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    transport = SerialTransport(f"socket://127.0.0.1:{port}")
    try:
        await transport.open()
        assert await transport.receive() == HELLO
        await hung_up.wait()
        with pytest.raises(AlarmHubConnectionError, match="serial port closed"):
            await transport.receive()
    finally:
        await transport.close()
        server.close()
        await server.wait_closed()


async def test_nobody_listening_for_a_file(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """The hub's HTTP port gone: the transfer failed, said plainly."""
    probe = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = probe.sockets[0].getsockname()[1]
    probe.close()
    await probe.wait_closed()  # the port is free again: nothing answers there
    ws = WebSocketTransport(async_get_clientsession(hass), "127.0.0.1", port)
    with pytest.raises(AlarmHubConnectionError, match="file transfer"):
        async with ws.open_http("/clips/1.mp4"):
            pass
