"""A scripted stand-in for an AD2: replays captured lines, records keys.

It serves one client over TCP (like ser2sock) or over a pty (like the AD2's
serial port). It answers ``C`` and ``V`` with captured lines, sends a keypad
line whenever asked, and runs a test's rules when keys arrive: when the keys
received so far end with a rule's keys, its lines are sent back. It knows
nothing of the panel under test.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import contextlib
import os
import termios
import tty

from . import lines as L


class FakeAD2:
    """One AD2 on TCP or a pty."""

    def __init__(self, *, pty: bool = False, answer_version: bool = True) -> None:
        self.pty = pty
        self.answer_version = answer_version
        self.received = b""
        self.rules: list[tuple[bytes, list[str]]] = []
        self.sent: list[str] = []
        self.connections = 0
        self.mute = False
        self._writer: asyncio.StreamWriter | None = None
        self._server: asyncio.Server | None = None
        self._master: int | None = None
        self._slave: int | None = None
        self.port = 0
        self.path = ""
        self.got_keys = asyncio.Event()
        self.on_keys: Callable[[bytes], None] | None = None

    async def start(self) -> None:
        if self.pty:
            master, slave = os.openpty()
            tty.setraw(slave)
            attrs = termios.tcgetattr(slave)
            attrs[4] = attrs[5] = termios.B115200
            termios.tcsetattr(slave, termios.TCSANOW, attrs)
            os.set_blocking(master, False)
            self._master, self._slave = master, slave
            self.path = os.ttyname(slave)
            asyncio.get_running_loop().add_reader(master, self._pty_readable)
        else:
            self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
            self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        await self.drop()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        if self._master is not None:
            asyncio.get_running_loop().remove_reader(self._master)
            for fd in (self._master, self._slave):
                with contextlib.suppress(OSError):
                    os.close(fd)  # type: ignore[arg-type]
            self._master = None

    async def drop(self) -> None:
        """Close the TCP connection (ser2sock going away)."""
        if (writer := self._writer) is not None:
            self._writer = None
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()

    async def _serve(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.connections += 1
        self._writer = writer
        with contextlib.suppress(OSError):
            while data := await reader.read(1024):
                self._received(data)

    def _pty_readable(self) -> None:
        assert self._master is not None
        try:
            data = os.read(self._master, 4096)
        except BlockingIOError:
            return
        except OSError:
            return
        if data:
            self._received(data)

    def _received(self, data: bytes) -> None:
        self.received += data
        for command, answer in ((b"C\r\n", L.CONFIG), (b"V\r\n", L.VER)):
            if command in self.received:
                self.received = self.received.replace(command, b"", 1)
                if command == b"C\r\n" or self.answer_version:
                    self.send(answer)
        self.got_keys.set()
        for rule in list(self.rules):
            keys, answer = rule
            if self.received.endswith(keys):
                self.rules.remove(rule)
                for line in answer:
                    self.send(line)

    def when(self, keys: str, *answer: str) -> None:
        """Answer ``keys`` (when they arrive) with ``answer``."""
        self.rules.append((keys.encode(), list(answer)))

    def send(self, line: str | bytes) -> None:
        """Send one line (CRLF added), or raw bytes as they are."""
        if self.mute:
            return
        data = line if isinstance(line, bytes) else line.encode() + b"\r\n"
        self.sent.append(data.decode(errors="replace"))
        if self._writer is not None:
            self._writer.write(data)
        elif self._master is not None:
            os.write(self._master, data)
