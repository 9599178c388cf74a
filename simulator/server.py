"""The simulator's transports: WebSocket + admin HTTP, and a serial pty.

Both carry the same protocol to the same :class:`Hub`. A :class:`Session` is
one connected client: it answers requests (each in its own task, so a slow
command never holds up the others) and forwards events, all through one
outgoing queue so an event caused by a request is sent before its response.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import contextlib
import logging
import os
import ssl
import termios
import tty
from typing import Any

from aiohttp import WSMsgType, web

from custom_components.alarmhub.panels.exceptions import ProtocolError
from custom_components.alarmhub.panels.hub.protocol import (
    MAX_PAYLOAD,
    ErrorCode,
    Message,
    Request,
    Response,
    decode_message,
    encode_message,
)
from custom_components.alarmhub.panels.models import ZoneType

from .clock import ManualClock
from .hub import Hub
from .panel import Rejection, SimZone
from .serial_link import HubLine

_LOGGER = logging.getLogger(__name__)

type Send = Callable[[bytes], Awaitable[None]]

#: Bytes written at a time when the pty is paced (1.4 ms at 115200 baud).
PACE_CHUNK = 16


class Session:
    """One client connection, on either transport."""

    def __init__(self, hub: Hub, send: Send, *, needs_token: bool) -> None:
        """Serve ``hub`` to a client reached through ``send``."""
        self.hub = hub
        self._send = send
        self._needs_token = needs_token
        self._queue: asyncio.Queue[Message | None] = asyncio.Queue()
        self._authed = False
        self._unlisten: Callable[[], None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._writer = asyncio.create_task(self._write_loop())
        self.closed = asyncio.Event()

    async def _write_loop(self) -> None:
        while (message := await self._queue.get()) is not None:
            try:
                await self._send(encode_message(message))
            except ConnectionError, RuntimeError, OSError:
                break
        self.closed.set()

    def receive(self, payload: bytes | str) -> None:
        """Handle one payload from the client."""
        try:
            message = decode_message(payload)
        except ProtocolError as err:
            _LOGGER.debug("Dropping a malformed message: %s", err)
            return
        if not isinstance(message, Request):
            return
        task = asyncio.create_task(self._answer(message))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _answer(self, request: Request) -> None:
        try:
            result = await self._run(request)
        except Rejection as err:
            self._queue.put_nowait(
                Response(
                    id=request.id,
                    ok=False,
                    error_code=err.code.value,
                    reason=err.reason,
                    details=err.details,
                )
            )
            if request.cmd == "hello" and err.code is ErrorCode.AUTH_FAILED:
                self.close_soon()
        except Exception:
            _LOGGER.exception("Command %s failed", request.cmd)
            self._queue.put_nowait(
                Response(
                    id=request.id,
                    ok=False,
                    error_code=ErrorCode.INTERNAL,
                    reason="internal error",
                )
            )
        else:
            self._queue.put_nowait(Response(id=request.id, ok=True, result=result))

    async def _run(self, request: Request) -> dict[str, Any]:
        if request.cmd == "pair":
            return self.hub.pair()
        if request.cmd == "hello":
            if self._needs_token and not self.hub.check_token(
                request.args.get("token")
            ):
                raise Rejection(ErrorCode.AUTH_FAILED, "invalid token")
            self._authed = True
            if self._unlisten is None:
                self._unlisten = self.hub.listen(self._queue.put_nowait)
            return self.hub.hello()
        if not self._authed:
            raise Rejection(ErrorCode.AUTH_FAILED, "say hello first")
        return await self.hub.handle(request.cmd, request.args)

    def close_soon(self) -> None:
        """Flush what is queued, then stop."""
        self._queue.put_nowait(None)

    async def close(self) -> None:
        """Stop forwarding events and finish."""
        if self._unlisten is not None:
            self._unlisten()
            self._unlisten = None
        for task in list(self._tasks):
            task.cancel()
        self._writer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._writer


class SimulatorServer:
    """A hub on a WebSocket/HTTP port and, optionally, a serial pty."""

    def __init__(
        self,
        hub: Hub,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        serial_pty: bool = False,
        serial_pacing: int | None = None,
        serial_link: bool = True,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        """Prepare the server; :meth:`start` opens the ports."""
        self.hub = hub
        self.host = host
        self.port = port
        self._want_pty = serial_pty
        #: Deliver pty bytes no faster than a UART at this rate (8N1), or at
        #: memory speed when None: a pty ignores the baud rate it is set to.
        self.serial_pacing = serial_pacing
        self._line_free = 0.0
        self._ssl = ssl_context
        self._runner: web.AppRunner | None = None
        self._sessions: set[Session] = set()
        self._websockets: set[web.WebSocketResponse] = set()
        self.pty_path: str | None = None
        self._pty_master: int | None = None
        self._pty_slave: int | None = None
        self._pty_session: Session | None = None
        #: The pty's hub end (``serial_link.HubLine``); False: a hub without
        #: the link layer, one frame a message (the old peer).
        self.serial_link = serial_link
        self.pty_line: HubLine | None = None
        #: Damage done to every byte on the pty, both ways (``noise.LineNoise``).
        self.line_noise: Callable[[bytes], bytes] | None = None
        self.app = web.Application()
        self.app.router.add_get("/ws", self._websocket)
        self.app.router.add_get("/admin/state", self._admin_state)
        self.app.router.add_post("/admin/zones/{zone}", self._admin_zone)
        self.app.router.add_post("/admin/zones/{zone}/motion", self._admin_motion)
        self.app.router.add_put("/admin/zones/{zone}", self._admin_add_zone)
        self.app.router.add_delete("/admin/zones/{zone}", self._admin_remove_zone)
        self.app.router.add_post("/admin/clock/advance", self._admin_advance)
        self.app.router.add_post("/admin/pairing", self._admin_pairing)
        self.app.router.add_routes(hub.http_routes)

    @property
    def url(self) -> str:
        """Return the base HTTP URL."""
        scheme = "https" if self._ssl else "http"
        return f"{scheme}://{self.host}:{self.port}"

    async def start(self) -> None:
        """Open the HTTP port (and the pty)."""
        self._runner = web.AppRunner(self.app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port, ssl_context=self._ssl)
        await site.start()
        server = site._server
        assert server is not None and isinstance(server, asyncio.Server)
        self.port = server.sockets[0].getsockname()[1]
        if self._want_pty:
            self._open_pty()

    @property
    def websockets(self) -> int:
        """Return how many WebSocket clients are connected now."""
        return len(self._websockets)

    async def drop_connections(self) -> None:
        """Close every WebSocket, as a network blip would; the port stays open."""
        for ws in list(self._websockets):
            await ws.close()

    async def reboot(self, hub: Hub) -> None:
        """Restart as ``hub`` (a new one: ``seq`` starts again from 0).

        Every session ends; a serial line stays plugged in, so the client
        learns of the restart only when the hub no longer knows it.
        """
        self.hub = hub
        await self.drop_connections()
        if self._pty_session is not None:
            await self._pty_session.close()
            self._new_pty_session()

    async def stop(self) -> None:
        """Close every connection and port."""
        self._close_pty()
        for ws in list(self._websockets):
            await ws.close()
        for session in list(self._sessions):
            await session.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # ----- WebSocket -----------------------------------------------------

    async def _websocket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=MAX_PAYLOAD, heartbeat=30)
        await ws.prepare(request)
        self._websockets.add(ws)

        async def send(payload: bytes) -> None:
            await ws.send_str(payload.decode())

        session = Session(self.hub, send, needs_token=True)
        self._sessions.add(session)
        closer = asyncio.create_task(self._close_when_done(session, ws))
        try:
            async for msg in ws:
                if msg.type is WSMsgType.TEXT or msg.type is WSMsgType.BINARY:
                    session.receive(msg.data)
                await asyncio.sleep(0)  # a burst must not hold the loop (HA's too)
        finally:
            closer.cancel()
            self._sessions.discard(session)
            self._websockets.discard(ws)
            await session.close()
        return ws

    @staticmethod
    async def _close_when_done(session: Session, ws: web.WebSocketResponse) -> None:
        await session.closed.wait()
        await ws.close()

    # ----- serial pty ----------------------------------------------------

    def _open_pty(self) -> None:
        master, slave = os.openpty()
        tty.setraw(slave)
        attrs = termios.tcgetattr(slave)
        attrs[4] = attrs[5] = termios.B115200
        termios.tcsetattr(slave, termios.TCSANOW, attrs)
        os.set_blocking(master, False)
        self._pty_master, self._pty_slave = master, slave
        self.pty_path = os.ttyname(slave)
        asyncio.get_running_loop().add_reader(master, self._pty_readable)
        self._new_pty_session()

    def _new_pty_session(self) -> None:
        if self.pty_line is not None:
            self.pty_line.close()  # a reboot forgets the link too
        self.pty_line = line = HubLine(
            self._pty_write, self._pty_deliver, link=self.serial_link
        )
        self._pty_session = Session(self.hub, line.send, needs_token=False)

    def _pty_deliver(self, payload: bytes) -> None:
        if self._pty_session is not None:
            self._pty_session.receive(payload)

    async def _pty_write(self, data: bytes) -> None:
        """Write to the line, paced like a UART when ``serial_pacing`` is set.

        Paced, each chunk is written when its last bit would have arrived at
        ``serial_pacing`` baud, 10 bits a byte (8N1), so the reader sees a
        frame complete after its time on the wire. This is the line's physics,
        not the hub's behaviour, so it runs on real time, not on the hub clock.
        """
        if not self.serial_pacing:
            await self._pty_write_now(data)
            return
        loop = asyncio.get_running_loop()
        byte_time = 10 / self.serial_pacing
        self._line_free = max(self._line_free, loop.time())
        for start in range(0, len(data), PACE_CHUNK):
            chunk = data[start : start + PACE_CHUNK]
            self._line_free += len(chunk) * byte_time
            await asyncio.sleep(max(0.0, self._line_free - loop.time()))
            await self._pty_write_now(chunk)

    async def _pty_write_now(self, data: bytes) -> None:
        """Write to the line; like a UART, bytes nobody reads are lost."""
        if self.line_noise is not None:
            data = self.line_noise(data)
        view = memoryview(data)
        while view and self._pty_master is not None:
            try:
                written = os.write(self._pty_master, view)
            except BlockingIOError:
                return
            view = view[written:]
            if view:
                await asyncio.sleep(0)

    def _pty_readable(self) -> None:
        assert self._pty_master is not None
        try:
            data = os.read(self._pty_master, 65536)
        except BlockingIOError, InterruptedError:
            return
        except OSError:
            data = b""
        if not data:
            return
        if self.pty_line is None:
            return
        if self.line_noise is not None:
            data = self.line_noise(data)
        self.pty_line.feed(data)

    def _close_pty(self) -> None:
        if self._pty_master is not None:
            asyncio.get_running_loop().remove_reader(self._pty_master)
            for fd in (self._pty_master, self._pty_slave):
                if fd is not None:
                    with contextlib.suppress(OSError):
                        os.close(fd)
            self._pty_master = self._pty_slave = None
        if self.pty_line is not None:
            self.pty_line.close()
            self.pty_line = None
        if self._pty_session is not None:
            asyncio.get_running_loop().create_task(self._pty_session.close())
            self._pty_session = None

    # ----- admin (control surface for demos and tests) -------------------

    async def _admin_state(self, request: web.Request) -> web.Response:
        del request
        return web.json_response(self.hub.state())

    async def _admin_zone(self, request: web.Request) -> web.Response:
        body = await request.json()
        zone = request.match_info["zone"]
        try:
            if "open" in body:
                self.hub.panel.set_zone(zone, bool(body["open"]))
            troubles = {
                k: bool(body[k]) for k in ("low_battery", "tamper") if k in body
            }
            self.hub.panel.set_zone_trouble(zone, **troubles)
        except Rejection as err:
            return web.json_response({"error": err.reason}, status=404)
        return web.json_response({"ok": True})

    async def _admin_add_zone(self, request: web.Request) -> web.Response:
        body = await request.json()
        try:
            zone_type = ZoneType(body["type"])
            self.hub.panel.add_zone(
                SimZone(
                    id=request.match_info["zone"],
                    name=str(body["name"]),
                    partition=str(body.get("partition", "1")),
                    type=zone_type,
                    entry_delay=bool(
                        body.get("entry_delay", zone_type is ZoneType.DOOR)
                    ),
                )
            )
        except (KeyError, ValueError) as err:
            return web.json_response({"error": str(err)}, status=400)
        except Rejection as err:
            return web.json_response({"error": err.reason}, status=409)
        return web.json_response({"ok": True})

    async def _admin_remove_zone(self, request: web.Request) -> web.Response:
        try:
            self.hub.panel.remove_zone(request.match_info["zone"])
        except Rejection as err:
            return web.json_response({"error": err.reason}, status=404)
        return web.json_response({"ok": True})

    async def _admin_motion(self, request: web.Request) -> web.Response:
        try:
            self.hub.panel.walk_past(request.match_info["zone"])
        except Rejection as err:
            return web.json_response({"error": err.reason}, status=404)
        return web.json_response({"ok": True})

    async def _admin_advance(self, request: web.Request) -> web.Response:
        clock = self.hub.clock
        if not isinstance(clock, ManualClock):
            return web.json_response({"error": "the clock is real"}, status=409)
        body = await request.json()
        return web.json_response({"fired": clock.advance(float(body["seconds"]))})

    async def _admin_pairing(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.hub.pairing = bool(body.get("open", True))
        return web.json_response({"pairing": self.hub.pairing})
