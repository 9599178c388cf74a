"""The two ways to reach a hub: WebSocket over HTTP(S), and a serial line.

A transport moves whole protocol payloads; it knows nothing of their meaning.
The serial line's transport is in ``serial.py``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
import asyncio
from collections.abc import AsyncIterator, Callable
import contextlib
import hashlib
import ssl

import aiohttp

from ..exceptions import (
    AlarmHubCertificateError,
    AlarmHubConnectionError,
    AlarmHubNotSupportedError,
    AlarmHubProtocolError,
)
from .protocol import MAX_PAYLOAD

CONNECT_TIMEOUT = 10.0
#: A file transfer from the hub that stalls this long has failed.
HTTP_READ_TIMEOUT = 30.0
#: What a file transfer from the hub buffers before it stops reading the
#: socket (twice this at most; aiohttp's default is 64 KiB).
HTTP_READ_BUFSIZE = 256 * 1024


class Transport(ABC):
    """A bidirectional pipe of protocol payloads."""

    #: Called when the line delivered a damaged frame (that payload is lost).
    on_damage: Callable[[], None] | None = None
    #: True when the line can damage a payload (it then calls ``on_damage``).
    lossy: bool = False

    @property
    def receiving(self) -> bool:
        """Return True while part of a payload has arrived (serial link only)."""
        return False

    @property
    @abstractmethod
    def description(self) -> str:
        """Return where this transport goes, for logs (never secrets)."""

    @abstractmethod
    async def open(self) -> None:
        """Open the connection; raise AlarmHubConnectionError on failure."""

    @abstractmethod
    async def send(self, payload: bytes) -> None:
        """Send one payload."""

    @abstractmethod
    async def receive(self) -> bytes:
        """Return the next payload; raise AlarmHubConnectionError when closed."""

    @abstractmethod
    async def close(self) -> None:
        """Close the connection; safe to call twice."""

    def http_url(self, path: str) -> str | None:
        """Return the URL of ``path`` on the hub's HTTP port (None: no HTTP)."""
        del path
        return None

    def open_http(
        self, path: str
    ) -> contextlib.AbstractAsyncContextManager[aiohttp.ClientResponse]:
        """GET ``path`` (from the hub's answer) on the hub's HTTP port."""
        raise AlarmHubNotSupportedError(f"{type(self).__name__} cannot fetch files")


def certificate_fingerprint(der: bytes) -> str:
    """Return the SHA-256 fingerprint of a DER certificate as hex pairs."""
    digest = hashlib.sha256(der).hexdigest()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2)).upper()


async def fetch_fingerprint(host: str, port: int) -> str:
    """Return the SHA-256 fingerprint of the certificate the hub presents.

    Trust on first use: the hub's certificate is self-signed, so nothing is
    checked here. The caller shows the fingerprint to the user to compare
    with the hub's own, then pins it (``WebSocketTransport(fingerprint=)``).
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # pinned afterwards, by fingerprint
    try:
        async with asyncio.timeout(CONNECT_TIMEOUT):
            _, writer = await asyncio.open_connection(host, port, ssl=context)
    except (OSError, TimeoutError, ssl.SSLError) as err:
        raise AlarmHubConnectionError(f"no TLS on {host}:{port}") from err
    try:
        ssl_object = writer.get_extra_info("ssl_object")
        der = ssl_object.getpeercert(binary_form=True) if ssl_object else None
    finally:
        writer.close()
        with contextlib.suppress(OSError, ssl.SSLError):
            await writer.wait_closed()
    if not der:
        raise AlarmHubConnectionError("the hub presented no certificate")
    return certificate_fingerprint(der)


class WebSocketTransport(Transport):
    """Protocol payloads as WebSocket text messages, on an injected session."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        host: str,
        port: int,
        *,
        fingerprint: str | None = None,
    ) -> None:
        """Prepare a connection to ``ws(s)://host:port/ws``.

        With ``fingerprint`` the connection uses TLS and accepts only the
        certificate whose SHA-256 fingerprint matches (the hub's certificate
        is self-signed, so it is pinned rather than checked against a CA).
        """
        self._session = session
        scheme = "wss" if fingerprint else "ws"
        self._url = f"{scheme}://{host}:{port}/ws"
        self._http_base = f"{'https' if fingerprint else 'http'}://{host}:{port}"
        self._ssl: bool | aiohttp.Fingerprint = False
        if fingerprint:
            self._ssl = aiohttp.Fingerprint(bytes.fromhex(fingerprint.replace(":", "")))
        self._ws: aiohttp.ClientWebSocketResponse | None = None

    @property
    def description(self) -> str:
        """Return the URL."""
        return self._url

    def http_url(self, path: str) -> str:
        """Return the URL of ``path`` on the hub's HTTP port."""
        if not path.startswith("/"):
            raise AlarmHubProtocolError("the hub sent a path that is not absolute")
        return f"{self._http_base}{path}"

    @contextlib.asynccontextmanager
    async def open_http(self, path: str) -> AsyncIterator[aiohttp.ClientResponse]:
        """GET ``path`` on the hub's HTTP port, with the WebSocket's TLS pin.

        Errors never show the URL: its path may hold a one-time key.
        """
        timeout = aiohttp.ClientTimeout(
            total=None, sock_connect=CONNECT_TIMEOUT, sock_read=HTTP_READ_TIMEOUT
        )
        try:
            async with self._session.get(
                self.http_url(path),
                ssl=self._ssl,
                timeout=timeout,
                read_bufsize=HTTP_READ_BUFSIZE,
            ) as response:
                if response.status != 200:
                    raise AlarmHubConnectionError(
                        f"the hub answered HTTP {response.status}"
                    )
                yield response
        except aiohttp.ServerFingerprintMismatch as err:
            raise AlarmHubCertificateError("certificate fingerprint mismatch") from err
        except (aiohttp.ClientError, TimeoutError, ssl.SSLError, OSError) as err:
            raise AlarmHubConnectionError("file transfer from the hub failed") from err

    async def open(self) -> None:
        """Connect the WebSocket."""
        try:
            self._ws = await self._session.ws_connect(
                self._url,
                ssl=self._ssl,
                max_msg_size=MAX_PAYLOAD,
                heartbeat=30,
                timeout=aiohttp.ClientWSTimeout(ws_close=5),
                compress=0,
            )
        except aiohttp.ServerFingerprintMismatch as err:
            raise AlarmHubCertificateError("certificate fingerprint mismatch") from err
        except (aiohttp.ClientError, TimeoutError, ssl.SSLError, OSError) as err:
            raise AlarmHubConnectionError(f"cannot connect to {self._url}") from err

    async def send(self, payload: bytes) -> None:
        """Send a payload as one text message."""
        if self._ws is None or self._ws.closed:
            raise AlarmHubConnectionError("not connected")
        try:
            await self._ws.send_str(payload.decode())
        except (aiohttp.ClientError, ConnectionError, RuntimeError) as err:
            raise AlarmHubConnectionError("connection lost while sending") from err

    async def receive(self) -> bytes:
        """Return the next text message."""
        if self._ws is None:
            raise AlarmHubConnectionError("not connected")
        msg = await self._ws.receive()
        if msg.type is aiohttp.WSMsgType.TEXT:
            return str(msg.data).encode()
        if msg.type is aiohttp.WSMsgType.BINARY:
            return bytes(msg.data)
        raise AlarmHubConnectionError("connection closed")

    async def close(self) -> None:
        """Close the WebSocket."""
        if (ws := self._ws) is not None:
            self._ws = None
            await ws.close()
            # aiohttp 3.14 re-arms the heartbeat timer when the hub's close
            # frame arrives while close() runs (a call_soon after its own
            # cancel); let that run, then cancel it so nothing outlives us.
            await asyncio.sleep(0)
            cancel_heartbeat(ws)


def cancel_heartbeat(ws: aiohttp.ClientWebSocketResponse) -> None:
    """Cancel a closed WebSocket's heartbeat timer: the one private aiohttp call.

    aiohttp has no public way to do it, and without it a timer outlives the
    connection (HA's test harness reports it as lingering; in HA it fires on
    a closed socket). Called directly, not through getattr: when aiohttp
    renames it this raises, and tests/panels/hub/test_aiohttp_seam.py says so.
    """
    ws._cancel_heartbeat()
