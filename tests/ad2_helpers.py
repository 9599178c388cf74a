"""Talk to the AD2 emulator as a client would: TCP or pty, line by line.

Every line a client receives is parsed with the third-party ``alarmdecoder``
library's own classes (its dispatcher and its message classes) the moment it
arrives: the emulator must never send a line the library rejects.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable
import contextlib
import os
from typing import Any

from alarmdecoder.decoder import AlarmDecoder
from alarmdecoder.messages import ExpanderMessage, LRRMessage, Message, RFMessage
import pytest

from simulator.ad2 import AD2Device, AD2Server, load_vista_site
from simulator.clock import ManualClock

TIMEOUT = 10.0

type Parsed = Message | ExpanderMessage | RFMessage | LRRMessage | str


def parse(line: str, decoder: AlarmDecoder) -> Parsed:
    """Parse one AD2 line with the library; raise if it does not parse."""
    decoder._handle_message(line.encode())  # the library's own dispatcher
    if line.startswith(("!EXP", "!REL")):
        return ExpanderMessage(line)
    if line.startswith("!RFX"):
        return RFMessage(line)
    if line.startswith("!LRR"):
        return LRRMessage(line)
    if line.startswith("!") and not line.startswith("!KPM:"):
        assert line.startswith(("!VER:", "!CONFIG>", "!Sending", "!Ready")), line
        return line
    return Message(line)


class AD2Client:
    """One connection's view: every line, parsed, in order."""

    def __init__(self, write: Callable[[bytes], None]) -> None:
        """Send through ``write``; feed received bytes to :meth:`feed`."""
        self._write = write
        self._buffer = b""
        self.lines: list[str] = []
        self.parsed: list[Parsed] = []
        self._seen = 0
        self._arrived = asyncio.Event()
        self.decoder = AlarmDecoder(None)
        self.check = True  # parse every line (off only while fed garbage)

    def feed(self, data: bytes) -> None:
        """Take bytes from the line."""
        self._buffer += data
        while b"\r\n" in self._buffer:
            raw, self._buffer = self._buffer.split(b"\r\n", 1)
            line = raw.decode("latin-1")
            self.lines.append(line)
            self.parsed.append(parse(line, self.decoder) if self.check else line)
        self._arrived.set()

    def send(self, text: str) -> None:
        """Write to the AD2."""
        self._write(text.encode())

    async def expect[T](
        self, kind: type[T], test: Callable[[T], bool] = lambda _: True
    ) -> T:
        """Wait for the next line of ``kind`` passing ``test``; skip others."""
        async with asyncio.timeout(TIMEOUT):
            while True:
                while self._seen < len(self.parsed):
                    item = self.parsed[self._seen]
                    self._seen += 1
                    if isinstance(item, kind) and test(item):
                        return item
                self._arrived.clear()
                await self._arrived.wait()

    async def keypad(self, test: Callable[[Message], bool]) -> Message:
        """Wait for a keypad message passing ``test``."""
        return await self.expect(Message, test)

    async def text(self, start: str) -> str:
        """Wait for a plain ``!`` line starting with ``start``."""
        return await self.expect(str, lambda line: line.startswith(start))

    def skip(self) -> None:
        """Forget what arrived so far (expect only what comes next)."""
        self._seen = len(self.parsed)


@contextlib.asynccontextmanager
async def tcp_client(server: AD2Server) -> AsyncGenerator[AD2Client]:
    """Connect like a ser2sock client."""
    assert server.tcp_port is not None
    reader, writer = await asyncio.open_connection(server.host, server.tcp_port)
    client = AD2Client(writer.write)

    async def pump() -> None:
        while data := await reader.read(4096):
            client.feed(data)

    task = asyncio.create_task(pump())
    try:
        yield client
    finally:
        task.cancel()
        writer.close()


@contextlib.asynccontextmanager
async def pty_client(server: AD2Server) -> AsyncGenerator[AD2Client]:
    """Open the pty like an AD2USB's serial port."""
    assert server.pty_path is not None
    fd = os.open(server.pty_path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
    loop = asyncio.get_running_loop()
    client = AD2Client(lambda data: os.write(fd, data) and None)

    def readable() -> None:
        with contextlib.suppress(BlockingIOError):
            client.feed(os.read(fd, 65536))

    loop.add_reader(fd, readable)
    try:
        yield client
    finally:
        loop.remove_reader(fd)
        os.close(fd)


@pytest.fixture
def ad2_clock() -> ManualClock:
    """The emulator's clock: only tests move it."""
    return ManualClock()


@pytest.fixture
async def ad2(
    ad2_clock: ManualClock, socket_enabled: None
) -> AsyncGenerator[AD2Server]:
    """The Vista site's AD2 on a loopback port, a pty and an admin port."""
    server = AD2Server(
        AD2Device(load_vista_site(), ad2_clock), tcp_port=0, pty=True, http_port=0
    )
    await server.start()
    yield server
    await server.stop()


@pytest.fixture(params=["tcp", "pty"])
async def client(
    request: pytest.FixtureRequest, ad2: AD2Server, ad2_clock: ManualClock
) -> AsyncGenerator[AD2Client]:
    """A client on each transport in turn, past its first keypad message."""
    opener = tcp_client if request.param == "tcp" else pty_client
    async with opener(ad2) as connected:
        connected.send("V\r\n")  # a first exchange proves the line is up
        await connected.text("!VER:")
        ad2_clock.advance(ad2.device.site.keypad_interval)
        await connected.keypad(lambda _: True)
        connected.skip()
        yield connected


def fields(message: Message) -> dict[str, Any]:
    """The parsed keypad fields a test compares."""
    return {
        key: getattr(message, key)
        for key in (
            "ready",
            "armed_away",
            "armed_home",
            "programming_mode",
            "beeps",
            "zone_bypassed",
            "ac_power",
            "chime_on",
            "alarm_event_occurred",
            "alarm_sounding",
            "battery_low",
            "entry_delay_off",
            "fire_alarm",
            "check_zone",
            "perimeter_only",
        )
    }
