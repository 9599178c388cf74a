"""Zigbee door locks behind the hub: lock state and PIN codes spoken in ZCL.

A site lists its locks::

    locks:
      - {id: "1", name: Front door lock, min_pin_length: 4, max_pin_length: 8,
         max_users: 250, travel_seconds: 2, state: locked}

``lock`` / ``unlock`` (args ``lock``) move the bolt: with ``travel_seconds``
the lock reports ``locking``/``unlocking`` first and the final state when the
bolt arrives (``jammed`` if it was told to jam). Every change is a ``lock``
event with the whole lock.

PIN codes reach a lock as ZCL Door Lock frames (``hub/zcl.py``): the lock
decodes ``set_pin_code`` / ``clear_pin_code`` with zigpy's definitions and
answers with a ZCL status, refusing a PIN outside its length limits or a user
id beyond its capacity (``GENERAL_FAILURE``) and a PIN another user id already
has (``DUPLICATE_CODE``). Carrying frames between clients and locks, and what
that means for each user's sync state, is ``users.py``'s job.

Test hooks: :meth:`SimLock.set_responsive` (a lock that stops answering, so
commands time out), :attr:`SimLock.jam_next` and :meth:`SimLock.keypad`
(someone types a PIN at the door). The first two are also on the admin HTTP
surface: ``POST /admin/locks/{lock}`` with ``{"responsive": false}`` and/or
``{"jam": true}``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
import hmac
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from aiohttp import web

from custom_components.alarmhub.panels.hub.protocol import ErrorCode
from custom_components.alarmhub.panels.hub.zcl import (
    DEFAULT_MAX_USERS,
    PinStatus,
    ZclCommand,
    decode_request,
    encode_response,
)
from custom_components.alarmhub.panels.models import LockState

from .clock import Clock, Timer
from .panel import Rejection

if TYPE_CHECKING:
    from .hub import Hub

type Emit = Callable[[str, dict[str, Any]], None]

_TRAVEL = {LockState.LOCKED: LockState.LOCKING, LockState.UNLOCKED: LockState.UNLOCKING}


@dataclass(slots=True, kw_only=True)
class SimLock:
    """One door lock: a bolt, a keypad and a table of PIN codes."""

    id: str
    name: str
    clock: Clock
    emit: Emit
    min_pin_length: int = 4
    max_pin_length: int = 8
    max_users: int = DEFAULT_MAX_USERS
    travel_seconds: float = 0.0
    state: LockState = LockState.LOCKED
    responsive: bool = True
    #: The next time the bolt moves, it jams.
    jam_next: bool = False
    #: ZCL user id -> PIN. Secret: never in a view, a log or a repr.
    pins: dict[int, str] = field(default_factory=dict, repr=False)
    _timer: Timer | None = field(default=None, repr=False)

    def view(self) -> dict[str, Any]:
        """Return the wire form (never the PINs)."""
        return {
            "id": self.id,
            "name": self.name,
            "state": self.state.value,
            "min_pin_length": self.min_pin_length,
            "max_pin_length": self.max_pin_length,
            "online": self.responsive,
        }

    def _publish(self) -> None:
        self.emit("lock", self.view())

    def _require_answer(self) -> None:
        if not self.responsive:
            raise Rejection(
                ErrorCode.TIMEOUT, "the lock did not answer", {"lock": self.name}
            )

    # ----- bolt --------------------------------------------------------

    def move(self, target: LockState) -> None:
        """Lock or unlock; a jammed lock tries again."""
        self._require_answer()
        if self.state is target and self._timer is None:
            return
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self.travel_seconds <= 0:
            self._arrive(target)
            return
        self.state = _TRAVEL[target]
        self._publish()
        self._timer = self.clock.call_later(
            self.travel_seconds, lambda: self._arrive(target)
        )

    def _arrive(self, target: LockState) -> None:
        self._timer = None
        if self.jam_next:
            self.jam_next = False
            target = LockState.JAMMED
        if self.state is not target:
            self.state = target
            self._publish()

    def keypad(self, pin: str) -> bool:
        """Someone types ``pin`` at the door: unlock if it is a known PIN."""
        if not self.accepts(pin):
            return False
        self.move(LockState.UNLOCKED)
        return True

    def accepts(self, pin: str) -> bool:
        """Return True when ``pin`` opens this lock."""
        return any(
            hmac.compare_digest(known.encode(), pin.encode())
            for known in self.pins.values()
        )

    def set_responsive(self, responsive: bool) -> None:
        """Make the lock answer again, or stop answering (radio trouble)."""
        if self.responsive != responsive:
            self.responsive = responsive
            self._publish()

    # ----- PIN codes over ZCL -------------------------------------------

    def handle_zcl(self, frame: bytes) -> bytes:
        """Answer a ``set_pin_code``/``clear_pin_code`` frame with a status.

        Raises ``ZclError`` for a frame the lock cannot decode and
        :class:`Rejection` (timeout) while the lock does not answer.
        """
        self._require_answer()
        request = decode_request(frame)
        if request.command is ZclCommand.CLEAR_PIN_CODE:
            self.pins.pop(request.user_id, None)
            status = PinStatus.SUCCESS
        else:
            assert request.pin is not None
            status = self._set_pin(request.user_id, request.pin)
        return encode_response(request.tsn, request.command, status)

    def _set_pin(self, user_id: int, pin: str) -> PinStatus:
        if user_id >= self.max_users:
            return PinStatus.GENERAL_FAILURE
        if not self.min_pin_length <= len(pin) <= self.max_pin_length:
            return PinStatus.GENERAL_FAILURE
        for other, known in self.pins.items():
            if other != user_id and hmac.compare_digest(known.encode(), pin.encode()):
                return PinStatus.DUPLICATE_CODE
        self.pins[user_id] = pin
        return PinStatus.SUCCESS


class DoorLocks:
    """The site's door locks and the ``lock``/``unlock`` commands."""

    def __init__(self, hub: Hub) -> None:
        """Read the site's ``locks``."""
        self.locks: dict[str, SimLock] = {}
        for item in hub.site.get("locks", []) or []:
            lock = SimLock(
                id=str(item["id"]),
                name=str(item["name"]),
                clock=hub.clock,
                emit=hub.emit,
                min_pin_length=int(item.get("min_pin_length", 4)),
                max_pin_length=int(item.get("max_pin_length", 8)),
                max_users=int(item.get("max_users", DEFAULT_MAX_USERS)),
                travel_seconds=float(item.get("travel_seconds", 0)),
                state=LockState(item.get("state", LockState.LOCKED)),
            )
            self.locks[lock.id] = lock

    def lock(self, lock_id: object) -> SimLock:
        """Return a lock or refuse."""
        lock = self.locks.get(str(lock_id))
        if lock is None:
            raise Rejection(ErrorCode.NOT_FOUND, "no such lock")
        return lock

    def state(self) -> dict[str, list[dict[str, Any]]]:
        """Return the ``locks`` collection."""
        return {"locks": [lock.view() for lock in self.locks.values()]}

    async def cmd_lock(self, args: dict[str, Any]) -> dict[str, Any]:
        """Lock a door."""
        lock = self.lock(args.get("lock"))
        lock.move(LockState.LOCKED)
        return {"state": lock.state.value}

    async def admin(self, request: web.Request) -> web.Response:
        """Make a lock stop answering (or answer again), or jam next time."""
        lock = self.locks.get(request.match_info["lock"])
        if lock is None:
            return web.json_response({"error": "no such lock"}, status=404)
        body = await request.json()
        if "responsive" in body:
            lock.set_responsive(bool(body["responsive"]))
        if "jam" in body:
            lock.jam_next = bool(body["jam"])
        return web.json_response(lock.view())

    async def cmd_unlock(self, args: dict[str, Any]) -> dict[str, Any]:
        """Unlock a door."""
        lock = self.lock(args.get("lock"))
        lock.move(LockState.UNLOCKED)
        return {"state": lock.state.value}


_INSTALLED: WeakKeyDictionary[Hub, DoorLocks] = WeakKeyDictionary()


def door_locks(hub: Hub) -> DoorLocks:
    """Return the door-lock feature of ``hub`` (tests reach locks here)."""
    return _INSTALLED[hub]


def install(hub: Hub) -> DoorLocks:
    """Serve the site's door locks."""
    locks = DoorLocks(hub)
    _INSTALLED[hub] = locks
    hub.commands.update(lock=locks.cmd_lock, unlock=locks.cmd_unlock)
    hub.state_sources.append(locks.state)
    hub.http_routes.append(web.post("/admin/locks/{lock}", locks.admin))
    return locks
