"""Serve an emulated AD2 like ser2sock (TCP) and like an AD2USB (a pty).

Plus an admin HTTP surface (``/admin/...``) that ``python -m simulator ctl``
and tests use to fault zones, cut power, move a manual clock and spoil the
line. The protocol itself lives in ``device.py``; this module only moves
bytes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import contextlib
import os
import termios
import tty
from typing import Any

from aiohttp import web

from ..clock import ManualClock
from .device import AD2Device, Line
from .vista import VistaPanel

#: Bytes written at a time when the pty is paced (1.4 ms at 115200 baud).
PACE_CHUNK = 16


class PtyLine:
    """A pseudo-terminal standing in for the AD2USB's serial port.

    A pty has no baud rate: with ``pacing`` set, bytes are delivered no faster
    than a UART at that rate (10 bits a byte, 8N1). That is the line's physics,
    so it runs on real time, not on the panel's clock.
    """

    def __init__(
        self, on_data: Callable[[bytes], None], pacing: int | None = None
    ) -> None:
        """Open the pty (raw, 115200 8N1 as an AD2USB)."""
        master, slave = os.openpty()
        tty.setraw(slave)
        attrs = termios.tcgetattr(slave)
        attrs[4] = attrs[5] = termios.B115200
        termios.tcsetattr(slave, termios.TCSANOW, attrs)
        os.set_blocking(master, False)
        self._master: int | None = master
        self._slave: int | None = slave
        self.path = os.ttyname(slave)
        self._on_data = on_data
        self.pacing = pacing
        self._queue: asyncio.Queue[bytes] = asyncio.Queue()
        self._pacer: asyncio.Task[None] | None = None
        asyncio.get_running_loop().add_reader(master, self._readable)

    def _readable(self) -> None:
        assert self._master is not None
        try:
            data = os.read(self._master, 65536)
        except BlockingIOError, InterruptedError:
            return
        except OSError:
            return
        if data:
            self._on_data(data)

    def write(self, data: bytes) -> None:
        """Send ``data`` down the line (paced when ``pacing`` is set)."""
        if not self.pacing:
            self._write_now(data)
            return
        if self._pacer is None:
            self._pacer = asyncio.get_running_loop().create_task(self._paced())
        self._queue.put_nowait(data)

    async def _paced(self) -> None:
        loop = asyncio.get_running_loop()
        free = loop.time()
        while True:
            data = await self._queue.get()
            for start in range(0, len(data), PACE_CHUNK):
                chunk = data[start : start + PACE_CHUNK]
                free = max(free, loop.time()) + len(chunk) * 10 / (self.pacing or 1)
                await asyncio.sleep(max(0.0, free - loop.time()))
                self._write_now(chunk)

    def _write_now(self, data: bytes) -> None:
        """Write to the line; as on a UART, what nobody reads is lost."""
        if self._master is None:
            return
        with contextlib.suppress(BlockingIOError, OSError):
            os.write(self._master, data)

    def close(self) -> None:
        """Unplug."""
        if self._pacer is not None:
            self._pacer.cancel()
            self._pacer = None
        if self._master is not None:
            asyncio.get_running_loop().remove_reader(self._master)
            for fd in (self._master, self._slave):
                if fd is not None:
                    with contextlib.suppress(OSError):
                        os.close(fd)
            self._master = self._slave = None


class AD2Server:
    """One AD2 on TCP (any number of clients, like ser2sock) and/or a pty."""

    def __init__(
        self,
        device: AD2Device,
        *,
        host: str = "127.0.0.1",
        tcp_port: int | None = 0,
        pty: bool = False,
        http_port: int | None = 0,
        pty_pacing: int | None = None,
    ) -> None:
        """Prepare; :meth:`start` opens the ports (``None``: not served)."""
        self.device = device
        self.host = host
        self.tcp_port = tcp_port
        self.http_port = http_port
        self._want_pty = pty
        self._pty_pacing = pty_pacing
        self.pty: PtyLine | None = None
        self._tcp: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._runner: web.AppRunner | None = None
        self._unlisten: list[Callable[[], None]] = []
        self.app = web.Application()
        routes = [
            web.get("/admin/state", self._state),
            web.get("/admin/lines", self._lines),
            web.post("/admin/zones/{zone}", self._zone),
            web.post("/admin/power", self._power),
            web.post("/admin/keys", self._keys),
            web.post("/admin/line", self._line),
            web.post("/admin/clock/advance", self._advance),
        ]
        self.app.add_routes(routes)

    @property
    def panel(self) -> VistaPanel:
        """The emulated panel."""
        return self.device.panel

    @property
    def pty_path(self) -> str | None:
        """The pty's path (``/dev/pts/N``) when serving one."""
        return self.pty.path if self.pty is not None else None

    @property
    def url(self) -> str:
        """The admin base URL."""
        return f"http://{self.host}:{self.http_port}"

    async def start(self) -> None:
        """Open the ports, then power the AD2 up."""
        if self.tcp_port is not None:
            self._tcp = await asyncio.start_server(
                self._client, self.host, self.tcp_port
            )
            self.tcp_port = self._tcp.sockets[0].getsockname()[1]
        if self._want_pty:
            self.pty = PtyLine(self.device.receive, self._pty_pacing)
            self._unlisten.append(self.device.listen(self.pty.write))
        if self.http_port is not None:
            self._runner = web.AppRunner(
                self.app, access_log=None, handle_signals=False
            )
            await self._runner.setup()
            site = web.TCPSite(self._runner, self.host, self.http_port)
            await site.start()
            server = site._server
            assert isinstance(server, asyncio.Server)
            self.http_port = server.sockets[0].getsockname()[1]
        self.device.start()

    async def stop(self) -> None:
        """Close everything."""
        self.device.stop()
        for undo in self._unlisten:
            undo()
        self._unlisten.clear()
        if self.pty is not None:
            self.pty.close()
            self.pty = None
        for writer in list(self._writers):
            writer.close()
        if self._tcp is not None:
            self._tcp.close()
            await self._tcp.wait_closed()
            self._tcp = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def drop_clients(self) -> None:
        """Close every TCP connection (the port stays open)."""
        for writer in list(self._writers):
            writer.close()

    async def _client(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self._writers.add(writer)

        def send(data: bytes) -> None:
            if not writer.is_closing():
                writer.write(data)

        undo = self.device.listen(send)
        try:
            while data := await reader.read(4096):
                self.device.receive(data)
        except ConnectionError:
            pass
        finally:
            undo()
            self._writers.discard(writer)
            writer.close()

    # ----- admin --------------------------------------------------------

    def state(self) -> dict[str, Any]:
        """Return what the panel is doing (never a code)."""
        panel = self.panel
        return {
            "mode": panel.mode.value,
            "exit_delay": panel.exit_until is not None,
            "entry_delay": panel.entry_until is not None,
            "sounding": panel.sounding,
            "alarm_memory": list(panel.memory),
            "fire": list(panel.fire_zones),
            "chime": panel.chime,
            "ac_power": panel.ac_power,
            "battery_low": panel.battery_low,
            "programming": panel.programming,
            "line": self.device.line.value,
            "users": sorted(panel.codes),
            "zones": {
                str(zone.number): {
                    "name": zone.name,
                    "kind": zone.kind.value,
                    "wiring": zone.wiring.value,
                    "faulted": zone.faulted,
                    "bypassed": zone.bypassed,
                    "trouble": zone.trouble,
                    "battery_low": zone.battery_low,
                }
                for zone in panel.zones.values()
            },
        }

    async def _state(self, request: web.Request) -> web.Response:
        del request
        return web.json_response(self.state())

    async def _lines(self, request: web.Request) -> web.Response:
        del request
        return web.json_response({"lines": self.device.sent[-200:]})

    async def _zone(self, request: web.Request) -> web.Response:
        body = await request.json()
        try:
            number = int(request.match_info["zone"])
        except ValueError:
            return web.json_response({"error": "zone numbers are numbers"}, status=400)
        if number not in self.panel.zones:
            return web.json_response({"error": f"no zone {number}"}, status=404)
        if "battery_low" in body:
            self.panel.set_zone_battery(number, bool(body["battery_low"]))
        if "trouble" in body:
            self.panel.set_trouble(number, bool(body["trouble"]))
        if "open" in body:
            self.panel.set_zone(number, bool(body["open"]))
        return web.json_response({"ok": True})

    async def _power(self, request: web.Request) -> web.Response:
        body = await request.json()
        if "ac" in body:
            self.panel.set_ac(bool(body["ac"]))
        if "battery_low" in body:
            self.panel.set_battery(bool(body["battery_low"]))
        return web.json_response({"ok": True})

    async def _keys(self, request: web.Request) -> web.Response:
        """Keys pressed at the house's own keypad (not through the AD2)."""
        body = await request.json()
        self.panel.press(str(body["keys"]))
        return web.json_response({"ok": True})

    async def _line(self, request: web.Request) -> web.Response:
        body = await request.json()
        if "mode" in body:
            try:
                self.device.line = Line(body["mode"])
            except ValueError:
                return web.json_response(
                    {"error": "mode: normal, silent or deaf"}, status=400
                )
        if "garbage" in body:
            self.device.garbage(int(body["garbage"]))
        return web.json_response({"ok": True})

    async def _advance(self, request: web.Request) -> web.Response:
        clock = self.device.clock
        if not isinstance(clock, ManualClock):
            return web.json_response({"error": "the clock is real"}, status=409)
        body = await request.json()
        return web.json_response({"fired": clock.advance(float(body["seconds"]))})
