"""The two ways to reach an AD2: a serial port, or TCP through ser2sock.

Both move CRLF-terminated text lines: the AD2 sends keypad and report lines,
we send raw keypresses and its ``V``/``C`` commands. A line too long to be
an AD2 line is thrown away rather than grown without bound.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
import asyncio
from collections import deque
import contextlib

import serialx

from ..exceptions import AlarmHubConnectionError
from ..serial_secrets import HIDE_BYTES

CONNECT_TIMEOUT = 10.0
#: An AD2 line is ~100 characters; anything this long without a newline is noise.
MAX_BUFFER = 4096
#: AD2USB and AD2PI default.
DEFAULT_BAUDRATE = 115200


class AD2Transport(ABC):
    """A line pipe to an AD2."""

    def __init__(self) -> None:
        """Prepare; nothing opens until :meth:`open`."""
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._buffer = b""
        self._lines: deque[str] = deque()

    @property
    @abstractmethod
    def description(self) -> str:
        """Return where this transport goes, for logs."""

    @abstractmethod
    async def _connect(
        self,
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        """Open the streams."""

    async def open(self) -> None:
        """Open the connection; raise AlarmHubConnectionError on failure."""
        self._buffer = b""
        self._lines.clear()
        try:
            async with asyncio.timeout(CONNECT_TIMEOUT):
                self._reader, self._writer = await self._connect()
        except (serialx.SerialException, OSError, TimeoutError, ValueError) as err:
            raise AlarmHubConnectionError(f"cannot open {self.description}") from err

    async def send(self, data: bytes) -> None:
        """Write bytes (keys or a command) to the AD2."""
        if self._writer is None or self._writer.is_closing():
            raise AlarmHubConnectionError("not connected")
        try:
            self._writer.write(data)
            await self._writer.drain()
        except (OSError, serialx.SerialException) as err:
            raise AlarmHubConnectionError("write to the AD2 failed") from err

    async def readline(self) -> str:
        """Return the next line without its terminator."""
        if self._reader is None:
            raise AlarmHubConnectionError("not connected")
        while not self._lines:
            try:
                data = await self._reader.read(1024)
            except (OSError, serialx.SerialException) as err:
                raise AlarmHubConnectionError("read from the AD2 failed") from err
            if not data:
                raise AlarmHubConnectionError("the AD2 closed the connection")
            *lines, self._buffer = (self._buffer + data).split(b"\n")
            if len(self._buffer) > MAX_BUFFER:
                self._buffer = b""
            self._lines.extend(
                line.rstrip(b"\r").decode("ascii", "replace") for line in lines
            )
        return self._lines.popleft()

    async def close(self) -> None:
        """Close the connection; safe to call twice."""
        writer, self._writer, self._reader = self._writer, None, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError, serialx.SerialException):
                await writer.wait_closed()


class SerialAD2Transport(AD2Transport):
    """An AD2USB/AD2SERIAL/AD2PI on a serial port (8N1)."""

    def __init__(self, url: str, baudrate: int = DEFAULT_BAUDRATE) -> None:
        """Prepare a serial port: a device path or a serialx URL."""
        super().__init__()
        self._url = url
        self._baudrate = baudrate
        self._hiding = False

    @property
    def description(self) -> str:
        """Return the port."""
        return self._url

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        streams = await serialx.open_serial_connection(
            self._url, baudrate=self._baudrate
        )
        if not self._hiding:
            self._hiding = True
            HIDE_BYTES.open_ports += 1
        return streams

    async def close(self) -> None:
        """Close the port."""
        await super().close()
        if self._hiding:
            self._hiding = False
            HIDE_BYTES.open_ports -= 1


class TcpAD2Transport(AD2Transport):
    """An AD2 behind ser2sock (or an AD2's own network port)."""

    def __init__(self, host: str, port: int) -> None:
        """Prepare a TCP connection."""
        super().__init__()
        self._host = host
        self._port = port

    @property
    def description(self) -> str:
        """Return host:port."""
        return f"{self._host}:{self._port}"

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.open_connection(self._host, self._port)


def create_transport(
    *,
    serial_port: str | None = None,
    baudrate: int = DEFAULT_BAUDRATE,
    host: str | None = None,
    port: int | None = None,
) -> AD2Transport:
    """Return the transport for a serial port, or for ``host:port``."""
    if serial_port is not None:
        return SerialAD2Transport(serial_port, baudrate)
    if host is not None and port is not None:
        return TcpAD2Transport(host, port)
    raise ValueError("give serial_port, or host and port")
