"""The AD2 line: open, identify, read, watch for silence, reconnect.

:class:`AD2Connection` owns the transport and its tasks; the panel above it
receives every parsed message through :meth:`AD2Connection.handle` and is
told when the connection goes and comes back. A Vista sends a keypad
message about every 4 seconds; a line quiet for ``SILENCE`` seconds (by the
injected clock) is treated as lost, like a closed socket.
"""

from __future__ import annotations

from abc import abstractmethod
import asyncio
from collections.abc import Callable
import contextlib
import logging
import time

from ..base import Backoff, ConnectionCallback
from ..exceptions import AlarmHubConnectionError, AlarmHubError, AlarmHubTimeoutError
from .messages import AD2Message, ConfigReport, KeypadMessage, VersionReport, parse_line
from .transport import AD2Transport

_LOGGER = logging.getLogger(__name__)

#: Three keypad intervals without a keypad message: the panel is gone.
SILENCE = 12.0
#: How often the silence is checked (real time).
WATCHDOG_POLL = 1.0


class AD2Connection:
    """The connection to one AD2, kept open until :meth:`close`."""

    def __init__(
        self,
        transport: AD2Transport,
        *,
        backoff: Backoff | None,
        command_timeout: float,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        """Prepare; nothing is opened until :meth:`connect`."""
        self._transport = transport
        self.backoff = backoff or Backoff()
        self.command_timeout = command_timeout
        self._monotonic = monotonic
        self._connection_callbacks: list[ConnectionCallback] = []
        self._reader: asyncio.Task[None] | None = None
        self._watchdog: asyncio.Task[None] | None = None
        self._keeper: asyncio.Task[None] | None = None
        self._version: asyncio.Future[VersionReport] | None = None
        self._last_keypad = 0.0
        self._connected = False
        self._closing = False
        self.version: VersionReport | None = None
        self.config: ConfigReport | None = None

    @property
    def connected(self) -> bool:
        """Return True while the connection is up."""
        return self._connected

    @property
    def closing(self) -> bool:
        """Return True once :meth:`close` was called."""
        return self._closing

    @property
    def transport(self) -> AD2Transport:
        """Return the transport."""
        return self._transport

    def on_connection(self, callback: ConnectionCallback) -> Callable[[], None]:
        """Call ``callback`` when the connection is lost or comes back."""
        self._connection_callbacks.append(callback)
        return lambda: self._connection_callbacks.remove(callback)

    @abstractmethod
    def handle(self, message: AD2Message) -> None:
        """Take one parsed message (the panel's state machine)."""

    @abstractmethod
    def connection_lost(self) -> None:
        """Fail whatever waits on the connection."""

    async def send(self, data: bytes) -> None:
        """Send keys or a command (the transport raises when it is closed)."""
        await self._transport.send(data)

    async def _open_line(self) -> VersionReport:
        """Open the transport and ask the AD2 who it is."""
        await self._transport.open()
        self._version = asyncio.get_running_loop().create_future()
        self._last_keypad = self._monotonic()
        self._reader = asyncio.create_task(self._read_loop(), name="ad2 reader")
        try:
            async with asyncio.timeout(self.command_timeout):
                await self._transport.send(b"C\r\n")
                await self._transport.send(b"V\r\n")
                version = await self._version
        except TimeoutError:
            await self._drop(notify=False)
            raise AlarmHubTimeoutError("the AD2 did not answer V") from None
        except AlarmHubError:
            await self._drop(notify=False)
            raise
        finally:
            self._version = None
        self.version = version
        self._connected = True
        self._watchdog = asyncio.create_task(self._watch(), name="ad2 watchdog")
        return version

    async def close(self) -> None:
        """Close the connection and stop reconnecting."""
        self._closing = True
        if (keeper := self._keeper) is not None:
            self._keeper = None
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper
        await self._drop(notify=False)

    async def _drop(self, *, notify: bool) -> None:
        was_connected, self._connected = self._connected, False
        current = asyncio.current_task()
        for name in ("_reader", "_watchdog"):
            task: asyncio.Task[None] | None = getattr(self, name)
            setattr(self, name, None)
            if task is not None and task is not current:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if self._version is not None and not self._version.done():
            self._version.set_exception(AlarmHubConnectionError("connection lost"))
        self.connection_lost()
        await self._transport.close()
        if notify and was_connected:
            for callback in list(self._connection_callbacks):
                callback(False)

    async def _read_loop(self) -> None:
        try:
            while True:
                line = await self._transport.readline()
                message = parse_line(line)
                if message is None:
                    # Never the line itself: junk may hold echoed keys.
                    _LOGGER.debug("Ignoring an AD2 line of %d characters", len(line))
                    continue
                if isinstance(message, KeypadMessage):
                    self._last_keypad = self._monotonic()
                elif isinstance(message, VersionReport):
                    if self._version is not None and not self._version.done():
                        self._version.set_result(message)
                elif isinstance(message, ConfigReport):
                    self.config = message
                try:
                    self.handle(message)
                except Exception:
                    _LOGGER.exception("Error handling an AD2 message")
                await asyncio.sleep(0)
        except AlarmHubConnectionError:
            _LOGGER.debug("Connection to %s closed", self._transport.description)
        finally:
            if self._reader is asyncio.current_task():
                self._reader = None
                if not self._closing:
                    await self._drop(notify=True)

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(WATCHDOG_POLL)
            if self._monotonic() - self._last_keypad > SILENCE:
                _LOGGER.debug("No keypad message for %.0f s; reconnecting", SILENCE)
                self._watchdog = None
                await self._drop(notify=True)
                return

    async def _keep_connected(self) -> None:
        """Reconnect after every loss, waiting longer each failed try."""
        while not self._closing:
            if self._connected:
                reader = self._reader
                if reader is not None:
                    # Not cancelling the reader; this task's own
                    # cancellation goes through (see the hub client).
                    await asyncio.wait([reader])
                await asyncio.sleep(0)
                continue
            await asyncio.sleep(self.backoff.delay())
            try:
                await self._open_line()
            except AlarmHubError as err:
                _LOGGER.debug(
                    "Reconnect to %s failed: %s", self._transport.description, err
                )
                continue
            self.backoff.reset()
            for callback in list(self._connection_callbacks):
                callback(True)

    def _start_keeper(self) -> None:
        if self._keeper is None:
            self._keeper = asyncio.create_task(
                self._keep_connected(), name="ad2 keep connected"
            )
