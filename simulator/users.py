"""Users and their codes: on the panel and, carried as ZCL frames, on locks.

Commands (every one refused with ``system_armed``, naming the partition,
while any partition is not disarmed: the panel only edits users when the
whole system is disarmed):

* ``add_user`` (``name``, ``code`` or ``random: true`` with ``length``,
  optional ``slot``, optional ``schedule``: see ``schedules.py``) puts a user
  in the lowest free slot, with their schedule in the same step. A random code is
  drawn with ``hub/codes.generate_code`` and is the only code the hub ever
  sends: once, in this response.
* ``update_user`` (``slot``, ``name`` and/or ``code`` / ``random``).
* ``delete_user`` (``slot``).
* ``lock_zcl`` (``lock``, ``frame``: a ZCL ``set_pin_code`` or
  ``clear_pin_code`` frame in hex, built by the client) hands the frame to
  the lock and returns the lock's ZCL response frame (``frame``) and its
  status name. The hub reads the frame to keep each user's sync state: a
  ``set_pin_code`` must carry that user's own code (ZCL user id = slot - 1,
  see ``hub/zcl.py``). A lock that does not answer makes the command fail
  with ``timeout`` and the sync state ``failed`` (``no_answer``); a lock's
  refusal is a ``failed`` sync state with the ZCL status as the reason and a
  ``code_failed`` event.

A chosen code is checked with ``hub/codes.check_code`` against the other
users' codes and the duress code (``panel.duress_code``); a refusal
(``code_rejected``) gives the rule, never the code.

Activation lag: a new or changed code is ``pending`` for
``panel.code_activation_seconds`` (on the hub clock), then ``active``, and a
``code_active`` event follows the ``user`` event.

Idempotency: a code-changing request may carry a client-chosen ``change_id``.
The hub remembers the result of every applied change and answers a request
with a known ``change_id`` with that result again, without applying it a
second time, so a client may replay whatever it is unsure about. Refused
requests are not remembered: nothing was applied.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable
import hmac
from typing import TYPE_CHECKING, Any, Final

from custom_components.alarmhub.panels.hub.codes import (
    DEFAULT_CODE_LENGTH,
    MAX_CODE_LENGTH,
    MIN_CODE_LENGTH,
    CodeRejected,
    check_code,
    generate_code,
)
from custom_components.alarmhub.panels.hub.protocol import ErrorCode
from custom_components.alarmhub.panels.hub.zcl import (
    DEFAULT_MAX_USERS,
    ZclCommand,
    ZclError,
    decode_request,
    decode_response,
    hub_slot,
)
from custom_components.alarmhub.panels.models import (
    CodeStatus,
    LockSyncState,
    PartitionState,
)

from .clock import Timer, utc
from .locks import DoorLocks
from .panel import Rejection, SimUser
from .schedules import read_schedule

if TYPE_CHECKING:
    from .hub import Hub

type Handler = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]

#: Applied change ids the hub remembers (the oldest are forgotten first).
REMEMBERED_CHANGES: Final = 10_000
MAX_NAME_LENGTH: Final = 32
NO_ANSWER: Final = "no_answer"


def user_view(user: SimUser) -> dict[str, Any]:
    """Return the wire form of a user (never the code)."""
    return {
        "slot": user.slot,
        "name": user.name,
        "status": user.status,
        "last_changed": user.last_changed,
        "locks": dict(user.locks),
        "lock_errors": dict(user.lock_errors),
        "uid": user.uid or str(user.slot),
        "schedule": user.schedule.to_dict() if user.schedule else None,
    }


def _name(args: dict[str, Any]) -> str:
    name = args.get("name")
    if not isinstance(name, str) or not name.strip():
        raise Rejection(ErrorCode.BAD_REQUEST, "name must be a non-empty string")
    if len(name) > MAX_NAME_LENGTH:
        raise Rejection(
            ErrorCode.BAD_REQUEST, f"name must be at most {MAX_NAME_LENGTH} characters"
        )
    return name.strip()


def _int(args: dict[str, Any], key: str, default: int | None = None) -> int:
    value = args.get(key, default)
    if type(value) is not int:
        raise Rejection(ErrorCode.BAD_REQUEST, f"{key} must be an integer")
    return value


class UserManager:
    """The panel's users, their codes, and the codes on locks."""

    def __init__(self, hub: Hub, locks: DoorLocks) -> None:
        """Read the panel settings for users."""
        self.hub = hub
        self.panel = hub.panel
        self.locks = locks
        panel = hub.site.get("panel", {}) or {}
        self.activation_seconds = float(panel.get("code_activation_seconds", 0))
        self.max_users = int(panel.get("max_users", DEFAULT_MAX_USERS))
        self._timers: dict[int, Timer] = {}
        #: Slot -> how many users it has lost (a user's ``uid`` says which).
        self._generations: dict[int, int] = {}
        self._applied: OrderedDict[str, tuple[str, dict[str, Any]]] = OrderedDict()

    # ----- helpers -----------------------------------------------------

    def state(self) -> dict[str, list[dict[str, Any]]]:
        """Return the ``users`` collection."""
        users = sorted(self.panel.users.values(), key=lambda u: u.slot)
        return {"users": [user_view(u) for u in users]}

    def _publish(self, user: SimUser) -> None:
        self.hub.emit("user", user_view(user))

    def publish(self, user: SimUser) -> None:
        """Tell clients about a changed user."""
        self._publish(user)

    @staticmethod
    def view(user: SimUser) -> dict[str, Any]:
        """Return the wire form of a user."""
        return user_view(user)

    def require_disarmed(self) -> None:
        """Refuse, naming the partition, unless every partition is disarmed."""
        for partition in self.panel.partitions.values():
            if partition.state is not PartitionState.DISARMED:
                raise Rejection(
                    ErrorCode.SYSTEM_ARMED,
                    f"{partition.name} is {partition.state.value.replace('_', ' ')}",
                    {"partition": partition.name, "state": partition.state.value},
                )

    def user(self, slot: object) -> SimUser:
        """Return the user in ``slot`` or refuse."""
        user = self.panel.users.get(slot) if type(slot) is int else None
        if user is None:
            raise Rejection(ErrorCode.NOT_FOUND, "user")
        return user

    def _taken(self, slot: int | None) -> set[str]:
        taken = {u.code for u in self.panel.users.values() if u.slot != slot}
        if self.panel.duress_code is not None:
            taken.add(self.panel.duress_code)
        return taken

    def _new_code(self, args: dict[str, Any], slot: int | None) -> tuple[str, bool]:
        """Return the requested code and whether the hub drew it."""
        if args.get("random") is True:
            length = _int(args, "length", DEFAULT_CODE_LENGTH)
            try:
                return generate_code(length, taken=self._taken(slot)), True
            except ValueError:
                raise Rejection(
                    ErrorCode.BAD_REQUEST,
                    f"length must be {MIN_CODE_LENGTH} to {MAX_CODE_LENGTH} digits",
                ) from None
        code = args.get("code")
        if not isinstance(code, str):
            raise Rejection(ErrorCode.BAD_REQUEST, "code must be a string")
        try:
            check_code(code, taken=self._taken(slot))
        except CodeRejected as err:
            raise Rejection(
                ErrorCode.CODE_REJECTED, str(err), {"code_reason": err.reason.value}
            ) from None
        return code, False

    def _set_code(self, user: SimUser, code: str) -> None:
        """Give ``user`` a new code: pending, then active after the lag."""
        user.code = code
        user.last_changed = utc(self.hub.clock).isoformat()
        for lock_id in user.locks:  # the locks still hold the old code
            user.locks[lock_id] = LockSyncState.PENDING.value
        user.lock_errors.clear()
        if (timer := self._timers.pop(user.slot, None)) is not None:
            timer.cancel()
        if self.activation_seconds > 0:
            user.status = CodeStatus.PENDING.value
            self._timers[user.slot] = self.hub.clock.call_later(
                self.activation_seconds, lambda: self._activate(user)
            )
        else:
            user.status = CodeStatus.ACTIVE.value

    def _activate(self, user: SimUser) -> None:
        self._timers.pop(user.slot, None)
        if self.panel.users.get(user.slot) is not user:
            return
        user.status = CodeStatus.ACTIVE.value
        self._publish(user)
        self.hub.emit("code_active", {"slot": user.slot, "name": user.name})

    def _announce(self, user: SimUser) -> None:
        self._publish(user)
        if user.status == CodeStatus.ACTIVE.value and user.slot not in self._timers:
            self.hub.emit("code_active", {"slot": user.slot, "name": user.name})

    def idempotent(self, cmd: str, handler: Handler) -> Handler:
        """Wrap a code-changing command: edits only while disarmed, replays once."""

        async def run(args: dict[str, Any]) -> dict[str, Any]:
            change_id = args.get("change_id")
            if change_id is not None:
                if not isinstance(change_id, str) or not 0 < len(change_id) <= 64:
                    raise Rejection(ErrorCode.BAD_REQUEST, "change_id must be a string")
                if (known := self._applied.get(change_id)) is not None:
                    if known[0] != cmd:
                        raise Rejection(ErrorCode.BAD_REQUEST, "change_id reused")
                    return dict(known[1])
            self.require_disarmed()
            result = await handler(args)
            if change_id is not None:
                self._applied[change_id] = (cmd, result)
                while len(self._applied) > REMEMBERED_CHANGES:
                    self._applied.popitem(last=False)
            return result

        return run

    # ----- commands ----------------------------------------------------

    async def add_user(self, args: dict[str, Any]) -> dict[str, Any]:
        """Add a user with a chosen or random code."""
        name = _name(args)
        if "slot" in args:
            slot = _int(args, "slot")
            if not 1 <= slot <= self.max_users or slot in self.panel.users:
                raise Rejection(ErrorCode.BAD_REQUEST, "that slot is not free")
        else:
            free = (
                s for s in range(1, self.max_users + 1) if s not in self.panel.users
            )
            slot = next(free, 0)
            if not slot:
                raise Rejection(ErrorCode.BAD_REQUEST, "every user slot is taken")
        schedule = (
            read_schedule(args.get("schedule")) if self.hub.schedules_at_add else None
        )
        code, drawn = self._new_code(args, None)
        generation = self._generations.get(slot, 0)
        user = SimUser(
            slot=slot,
            name=name,
            code=code,
            uid=f"{slot}-{generation}" if generation else str(slot),
            schedule=schedule,
        )
        self._set_code(user, code)
        self.panel.users[slot] = user
        self._announce(user)
        result: dict[str, Any] = {"user": user_view(user)}
        if drawn:
            result["code"] = code
        return result

    async def update_user(self, args: dict[str, Any]) -> dict[str, Any]:
        """Rename a user and/or change their code."""
        user = self.user(args.get("slot"))
        new_name = _name(args) if "name" in args else None
        wants_code = "code" in args or args.get("random") is True
        if new_name is None and not wants_code:
            raise Rejection(ErrorCode.BAD_REQUEST, "nothing to change")
        code, drawn = self._new_code(args, user.slot) if wants_code else ("", False)
        if new_name is not None:
            user.name = new_name
        if wants_code:
            self._set_code(user, code)
            self._announce(user)
        else:
            self._publish(user)
        result: dict[str, Any] = {"user": user_view(user)}
        if drawn:
            result["code"] = code
        return result

    async def delete_user(self, args: dict[str, Any]) -> dict[str, Any]:
        """Delete a user (clear their code from locks first)."""
        user = self.user(args.get("slot"))
        if (timer := self._timers.pop(user.slot, None)) is not None:
            timer.cancel()
        del self.panel.users[user.slot]
        self._generations[user.slot] = self._generations.get(user.slot, 0) + 1
        self.hub.emit("user_removed", {"id": str(user.slot)})
        return {}

    async def lock_zcl(self, args: dict[str, Any]) -> dict[str, Any]:
        """Carry a ZCL PIN frame to a lock; return the lock's answer."""
        lock = self.locks.lock(args.get("lock"))
        try:
            frame = bytes.fromhex(str(args.get("frame")))
            request = decode_request(frame)
            slot = hub_slot(request.user_id, max_users=self.max_users)
        except (ValueError, ZclError) as err:
            raise Rejection(
                ErrorCode.BAD_REQUEST, f"not a Door Lock PIN frame: {err}"
            ) from None
        user = self.panel.users.get(slot)
        setting = request.command is ZclCommand.SET_PIN_CODE
        if setting:
            if user is None:
                raise Rejection(ErrorCode.NOT_FOUND, "user")
            assert request.pin is not None
            # A PIN that is not the user's code is a wrong code like any other:
            # refused as the keypad refuses it and counted towards the lockout,
            # so this command cannot be used to try codes.
            self.panel.check_lockout()
            if not hmac.compare_digest(user.code.encode(), request.pin.encode()):
                raise self.panel.wrong_attempt()
        try:
            answer = lock.handle_zcl(frame)
        except Rejection:
            if user is not None:
                user.locks[lock.id] = LockSyncState.FAILED.value
                user.lock_errors[lock.id] = NO_ANSWER
                self._publish(user)
            raise
        response = decode_response(answer)
        if user is not None:
            user.lock_errors.pop(lock.id, None)
            if not response.ok:
                user.locks[lock.id] = LockSyncState.FAILED.value
                user.lock_errors[lock.id] = response.status_name
            elif setting:
                user.locks[lock.id] = LockSyncState.IN_SYNC.value
            else:
                user.locks.pop(lock.id, None)
            self._publish(user)
            if not response.ok:
                self.hub.emit(
                    "code_failed",
                    {
                        "slot": user.slot,
                        "name": user.name,
                        "lock": lock.id,
                        "lock_name": lock.name,
                        "reason": response.status_name,
                    },
                )
        return {"frame": answer.hex(), "status": response.status_name}


def install(hub: Hub, locks: DoorLocks) -> UserManager:
    """Serve user management and the codes on ``locks``."""
    users = UserManager(hub, locks)
    for cmd, handler in (
        ("add_user", users.add_user),
        ("update_user", users.update_user),
        ("delete_user", users.delete_user),
        ("lock_zcl", users.lock_zcl),
    ):
        hub.commands[cmd] = users.idempotent(cmd, handler)
    hub.state_sources.append(users.state)
    from .schedules import install as install_schedules  # schedules use users

    install_schedules(hub, users)
    return users
