"""One client for an AlarmHub, over either transport.

The client speaks the protocol in ``protocol.py``: it says ``hello``, sends
requests and matches responses by id, hands numbered events to subscribers
(flagging a gap in the numbers so they can resync), and, once connected,
keeps the connection alive with a capped, jittered backoff.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
import contextlib
import itertools
import logging
import secrets
from typing import Any

from ..base import (
    Backoff,
    Capability,
    ConnectionCallback,
    EventCallback,
    UserChange,
)
from ..exceptions import (
    AlarmHubAuthError,
    AlarmHubCertificateError,
    AlarmHubConnectionError,
    AlarmHubError,
    AlarmHubProtocolError,
    AlarmHubRejectedError,
    AlarmHubTimeoutError,
)
from ..models import ArmMode, ArmOption, HubInfo, HubState
from .protocol import (
    PROTOCOL_VERSION,
    ErrorCode,
    Event,
    Request,
    Response,
    decode_message,
    encode_message,
)
from .results import PhoneSwapResult, SceneResult
from .state import StateResponse, StateWire, Unchanged, decode_state, state_answer
from .transports import Transport

_LOGGER = logging.getLogger(__name__)


class AlarmHubClient:
    """A connection to one hub: a :class:`~..base.Panel` that can do everything."""

    #: The hub offers every capability but panel troubles: its protocol reports
    #: no AC or battery state, so it claims none (no sensors stuck at unknown).
    #: It keeps schedules itself, so it needs no temporary codes applied by HA.
    capabilities: frozenset[Capability] = frozenset(Capability) - {
        Capability.TROUBLE,
        Capability.TEMPORARY_CODES,
    }

    def __init__(
        self,
        transport: Transport,
        *,
        token: str | None = None,
        request_timeout: float = 10.0,
        backoff: Backoff | None = None,
        client_name: str = "alarmhub-python",
    ) -> None:
        """Prepare a client; nothing is sent until :meth:`connect`."""
        self._transport = transport
        self._token = token
        self.request_timeout = request_timeout
        self.backoff = backoff or Backoff()
        self._client_name = client_name
        # A serial line may still hold answers to a previous client's
        # requests; starting at a random id keeps them from matching ours.
        self._ids = itertools.count(secrets.randbelow(1 << 30) + 1)
        self._pending: dict[int, asyncio.Future[Response]] = {}
        #: Ids of the ``get_state`` requests waiting for their answer.
        self._state_ids: set[int] = set()
        self._event_callbacks: list[EventCallback] = []
        #: Events seen while a ``get_state`` is waiting for its answer.
        self._late_events: list[list[Event]] = []
        #: Set when the line delivers a damaged frame (serial only).
        self._line_damaged = asyncio.Event()
        transport.on_damage = self._line_damaged.set
        self._connection_callbacks: list[ConnectionCallback] = []
        self._reader: asyncio.Task[None] | None = None
        self._keeper: asyncio.Task[None] | None = None
        self._last_seq: int | None = None
        self._connected = False
        self._closing = False
        self.info: HubInfo | None = None
        #: True once the hub refused the token on a reconnect; it stays away.
        self.auth_failed = False
        #: True while reconnecting fails because the hub's certificate is not
        #: the pinned one (it keeps trying: the old one may come back).
        self.certificate_changed = False

    @property
    def connected(self) -> bool:
        """Return True while the connection is up."""
        return self._connected

    @property
    def closing(self) -> bool:
        """Return True once :meth:`close` was called."""
        return self._closing

    @property
    def transport(self) -> Transport:
        """Return the transport."""
        return self._transport

    def subscribe(self, callback: EventCallback) -> Callable[[], None]:
        """Call ``callback`` for every event; return a function that stops it."""
        self._event_callbacks.append(callback)
        return lambda: self._event_callbacks.remove(callback)

    def on_connection(self, callback: ConnectionCallback) -> Callable[[], None]:
        """Call ``callback`` when the connection is lost or comes back."""
        self._connection_callbacks.append(callback)
        return lambda: self._connection_callbacks.remove(callback)

    async def connect(self) -> HubInfo:
        """Open the transport and say hello; raise on any failure."""
        self._closing = False
        await self._open()
        if self._keeper is None:
            self._keeper = asyncio.create_task(
                self._keep_connected(), name="alarmhub keep connected"
            )
        assert self.info is not None
        return self.info

    async def close(self) -> None:
        """Close the connection and stop reconnecting."""
        self._closing = True
        for task in (self._keeper, self._reader):
            if task is not None and task is not asyncio.current_task():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._keeper = self._reader = None
        await self._drop(notify=False)

    async def _open(self) -> None:
        await self._transport.open()
        self._reader = asyncio.create_task(self._read_loop(), name="alarmhub reader")
        args: dict[str, Any] = {
            "client": self._client_name,
            "protocol": PROTOCOL_VERSION,
        }
        if self._token is not None:
            args["token"] = self._token
        try:
            result = await self._request("hello", args)
            self.info = HubInfo.from_dict(result)
        except AlarmHubRejectedError as err:
            await self._drop(notify=False)
            if err.code == ErrorCode.AUTH_FAILED:
                raise AlarmHubAuthError(err.reason) from None
            raise
        except AlarmHubError:
            await self._drop(notify=False)
            raise
        self._last_seq = None
        self._connected = True

    async def _drop(self, *, notify: bool) -> None:
        """Forget the connection and fail whatever waits on it."""
        was_connected, self._connected = self._connected, False
        reader, self._reader = self._reader, None
        if reader is not None and reader is not asyncio.current_task():
            # Let the reader finish first: nothing reads a closing socket.
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader
        for future in self._pending.values():
            if not future.done():
                future.set_exception(AlarmHubConnectionError("connection lost"))
        self._pending.clear()
        await self._transport.close()
        if notify and was_connected:
            for callback in list(self._connection_callbacks):
                callback(False)

    async def _read_loop(self) -> None:
        try:
            while True:
                payload = await self._transport.receive()
                try:
                    message = self._state_answer(payload) or decode_message(payload)
                except AlarmHubProtocolError as err:
                    _LOGGER.debug("Ignoring a malformed message: %s", err)
                    continue
                if isinstance(message, Response):
                    future = self._pending.pop(message.id, None)
                    if future is not None and not future.done():
                        future.set_result(message)
                elif isinstance(message, Event):
                    self._dispatch(message)
                # A burst of buffered messages would otherwise be handled in
                # one go, holding up every other task on the loop meanwhile.
                await asyncio.sleep(0)
        except AlarmHubConnectionError:
            _LOGGER.debug("Connection to %s closed", self._transport.description)
        finally:
            if not self._closing and self._reader is asyncio.current_task():
                self._reader = None
                await self._drop(notify=True)

    def _state_answer(self, payload: bytes) -> StateResponse | None:
        """Return the answer to a waiting ``get_state``, decoded in one pass."""
        if not self._state_ids:
            return None
        answer = state_answer(payload)
        if answer is None or answer.id not in self._state_ids:
            return None
        return answer

    def _dispatch(self, event: Event) -> None:
        last = self._last_seq
        gap = last is not None and event.seq > last + 1
        if last is None or event.seq > last:
            self._last_seq = event.seq
        for late in self._late_events:
            late.append(event)
        for callback in list(self._event_callbacks):
            try:
                callback(event, gap)
            except Exception:
                _LOGGER.exception("Error in an AlarmHub event callback")

    async def _keep_connected(self) -> None:
        """Reconnect after every loss, waiting longer each failed try."""
        while not self._closing:
            reader = self._reader
            if reader is not None and not reader.done():
                # Wait for the reader to end without cancelling it, and let
                # this task's own cancellation through (HA cancels what is
                # left at shutdown; swallowing it would reconnect instead).
                await asyncio.wait([reader])
                continue
            await asyncio.sleep(self.backoff.delay())
            if self.closing:
                return
            try:
                await self._open()
            except AlarmHubAuthError:
                _LOGGER.debug("Hub refused the token; not reconnecting")
                self.auth_failed = True
                for callback in list(self._connection_callbacks):
                    callback(False)
                return
            except AlarmHubError as err:
                self.certificate_changed = isinstance(err, AlarmHubCertificateError)
                _LOGGER.debug(
                    "Reconnect to %s failed: %s", self._transport.description, err
                )
                continue
            self.certificate_changed = False
            self.backoff.reset()
            for callback in list(self._connection_callbacks):
                callback(True)

    async def _request(self, cmd: str, args: dict[str, Any]) -> dict[str, Any]:
        request = Request(id=next(self._ids), cmd=cmd, args=args)
        future: asyncio.Future[Response] = asyncio.get_running_loop().create_future()
        self._pending[request.id] = future
        try:
            async with asyncio.timeout(self.request_timeout):
                await self._transport.send(encode_message(request))
                response = await future
        except TimeoutError:
            raise AlarmHubTimeoutError(f"no answer to {cmd}") from None
        finally:
            self._pending.pop(request.id, None)
        if not response.ok:
            self._check_session(response, cmd)
            raise AlarmHubRejectedError(
                response.error_code or ErrorCode.INTERNAL,
                response.reason or "",
                response.details,
            )
        return response.result

    def _check_session(self, response: Response, cmd: str) -> None:
        """Raise if a refusal means the hub forgot this session."""
        if response.error_code == ErrorCode.AUTH_FAILED and cmd not in (
            "hello",
            "pair",
        ):
            # The hub restarted behind a serial line that stayed open: it
            # no longer knows us. Reconnecting says hello again.
            _LOGGER.debug("Hub on %s lost the session", self._transport.description)
            if self._reader is not None:
                self._reader.cancel()
            raise AlarmHubConnectionError("the hub restarted")

    async def request(self, cmd: str, **args: Any) -> dict[str, Any]:
        """Send a command and return its result; raise if the hub refuses."""
        if not self._connected:
            raise AlarmHubConnectionError("not connected")
        return await self._request(cmd, args)

    async def get_state(
        self, *, known: HubState | None = None, attempts: int = 3
    ) -> HubState:
        """Return everything the hub reports, in one request.

        With ``known`` (a state the caller kept up to date with every event
        since), the hub is asked for changes since ``known.seq`` and answers
        ``unchanged`` when there are none: ``known`` itself is returned and
        nothing is decoded (a large site's whole state is ~60 KiB, over
        five seconds of a 115200 serial line). A hub that does not know the
        argument sends the whole state, as it always did.

        ``get_state`` only reads, so when a request or its answer is lost it
        is sent again, up to ``attempts`` times: after a timeout, or at once
        when the line delivered a damaged frame meanwhile (it may have been
        the answer; a serial line's noise would otherwise cost a whole
        timeout each time). Any of the attempts' answers will do. Other
        commands are never repeated: the hub may have carried out one whose
        answer was lost.
        """
        late: list[Event] = []
        self._late_events.append(late)
        args: dict[str, Any] = {} if known is None else {"since_seq": known.seq}
        try:
            result = await self._fetch_state(attempts, args)
        finally:
            self._late_events.remove(late)
        state = decode_state(result)
        if isinstance(state, Unchanged):
            if known is None or state.seq != known.seq:
                raise AlarmHubProtocolError("unchanged answer to another seq")
            # Events after the hub's answer went to subscribers, as always.
            return known
        # Events that came after the hub's snapshot, while this coroutine
        # waited to resume, were already handed to subscribers: apply them
        # too, so the state returned is never older than what they saw. Stop
        # at a gap; subscribers were told about it and will resync.
        for event in late:
            if event.seq <= state.seq:
                continue
            if event.seq != state.seq + 1:
                break
            try:
                state.apply(event.event, event.data)
            except AlarmHubProtocolError:
                break
            state.seq = event.seq
        self._last_seq = max(self._last_seq or 0, state.seq)
        return state

    async def _fetch_state(
        self, attempts: int, args: dict[str, Any]
    ) -> StateWire | dict[str, Any]:
        if not self._connected:
            raise AlarmHubConnectionError("not connected")
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[Response] = loop.create_future()
        deadline = loop.time() + attempts * self.request_timeout
        # A damaged frame sends the request again at once, but damaged events
        # must not use up the tries: sends are capped, the deadline holds.
        sends_left = attempts * 2
        ids: list[int] = []
        damaged = self._line_damaged
        try:
            while not answer.done():
                if (remaining := deadline - loop.time()) <= 0:
                    raise AlarmHubTimeoutError("no answer to get_state")
                waiting: list[asyncio.Future[Any]] = [answer]
                # A message arriving over the serial link may be the answer:
                # asking again would only queue a second one behind it.
                if sends_left and not (ids and self._transport.receiving):
                    sends_left -= 1
                    request = Request(id=next(self._ids), cmd="get_state", args=args)
                    self._pending[request.id] = answer  # any try's answer will do
                    self._state_ids.add(request.id)
                    ids.append(request.id)
                    damaged.clear()
                    await self._transport.send(encode_message(request))
                    if self._transport.lossy:
                        waiting.append(asyncio.ensure_future(damaged.wait()))
                try:
                    await asyncio.wait(
                        waiting,
                        timeout=min(self.request_timeout, remaining),
                        return_when=asyncio.FIRST_COMPLETED,
                    )
                finally:
                    for waiter in waiting[1:]:
                        waiter.cancel()
                if not answer.done():
                    _LOGGER.debug("No answer to get_state yet; asking again")
        finally:
            for request_id in ids:
                self._pending.pop(request_id, None)
                self._state_ids.discard(request_id)
        response = answer.result()
        if not response.ok:
            self._check_session(response, "get_state")
            raise AlarmHubRejectedError(
                response.error_code or ErrorCode.INTERNAL,
                response.reason or "",
                response.details,
            )
        if isinstance(response, StateResponse):
            return response.wire
        return response.result

    async def arm(
        self,
        partition: str,
        mode: ArmMode,
        *,
        code: str | None = None,
        options: frozenset[ArmOption] = frozenset(),
    ) -> dict[str, Any]:
        """Arm a partition; the result lists zones bypassed by force."""
        args: dict[str, Any] = {"partition": partition, "mode": mode.value}
        if code is not None:
            args["code"] = code
        for option in ArmOption:
            if option in options:
                args[option.value] = True
        return await self.request("arm", **args)

    async def change_user(
        self,
        change: UserChange,
        *,
        change_id: str,
        slot: int | None = None,
        name: str | None = None,
        code: str | None = None,
    ) -> dict[str, Any]:
        """Add, change or delete a user; the hub answers a repeated id once."""
        args: dict[str, Any] = {"change_id": change_id}
        if slot is not None:
            args["slot"] = slot
        if name is not None:
            args["name"] = name
        if code is not None:
            args["code"] = code
        return await self.request(change.value, **args)

    async def set_schedule(
        self, slot: int, schedule: Mapping[str, Any] | None, *, change_id: str
    ) -> dict[str, Any]:
        """Set when a user's code is valid (``None``: always); the hub enforces it."""
        return await self.request(
            "set_schedule",
            change_id=change_id,
            slot=slot,
            schedule=None if schedule is None else dict(schedule),
        )

    async def disarm(self, partition: str, code: str) -> None:
        """Disarm a partition with a user code."""
        await self.request("disarm", partition=partition, code=code)

    async def bypass(self, zone: str, bypassed: bool) -> None:
        """Bypass a zone, or restore it (only while its partition is disarmed)."""
        await self.request("bypass", zone=zone, bypassed=bypassed)

    async def activate_scene(self, scene: str) -> SceneResult:
        """Run a scene on the hub; the result says how each action went."""
        return SceneResult.from_dict(await self.request("activate_scene", scene=scene))

    async def phone_swap(
        self, old_number: str, new_number: str, *, dry_run: bool
    ) -> PhoneSwapResult:
        """Plan (``dry_run``) or make a phone swap across the account."""
        return PhoneSwapResult.from_dict(
            await self.request(
                "phone_swap",
                old_number=old_number,
                new_number=new_number,
                dry_run=dry_run,
            )
        )

    async def pair(self) -> str:
        """Ask a hub in pairing mode for a token (no token needed)."""
        await self._transport.open()
        self._reader = asyncio.create_task(self._read_loop(), name="alarmhub reader")
        try:
            result = await self._request(
                "pair", {"client": self._client_name, "protocol": PROTOCOL_VERSION}
            )
        finally:
            self._closing = True
            await self._drop(notify=False)
            self._closing = False
        token = result.get("token")
        if not isinstance(token, str) or not token:
            raise AlarmHubProtocolError("pairing returned no token")
        return token
