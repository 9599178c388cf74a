"""Code changes on their way to the hub: persisted, replayed once, retried.

Every change an action accepts (add, update or delete a user; put a code on a
lock or clear it) becomes a :class:`Change` with a random ``change_id``. It
is saved in a private ``Store`` *before* it is sent and stays there until the
hub answered it, so neither a lost connection nor a Home Assistant restart
loses it. One worker sends the changes in order; lock changes right behind
each other that go to different locks are sent together (each lock answers
on its own), never two at once to one lock. A change whose answer never
came is sent again, with the same ``change_id``, when the hub is back; the hub
applies a ``change_id`` once and answers a repeat with the first result, so
every change lands on the hub exactly once.

* The hub refuses a change: it is dropped, never retried. Whoever waits for it
  gets the error; when nobody waits any more (a replay), an
  ``alarmhub_change_failed`` event says so and the user's status shows
  ``failed`` until a later change of that user succeeds.
* A lock does not answer (``timeout``): the change is tried again after a
  growing delay (:data:`LOCK_RETRY_FIRST` doubling up to
  :data:`LOCK_RETRY_MAX`), at most :data:`LOCK_ATTEMPTS` times, then reported
  as failed. A newer change for the same user and lock replaces it.
* A code HA drew at random that the hub refuses as a duplicate is drawn again
  (the caller still waits, so the new code is the one returned).

Codes are secrets: a change's code is in the ``Store`` (a private file) only
while the change waits, and never in a log, an event, a ``repr`` or
diagnostics.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from enum import StrEnum
import secrets
from typing import Any, Final
from uuid import uuid4

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.storage import Store

from .const import DOMAIN, LOGGER
from .coordinator import AlarmHubConfigEntry
from .locks import target_for
from .panels.base import Panel, UserChange
from .panels.exceptions import AlarmHubNotSupportedError, ErrorCode
from .panels.hub import (
    AlarmHubClient,
    AlarmHubConnectionError,
    AlarmHubError,
    AlarmHubRejectedError,
)
from .panels.hub.codes import generate_code
from .panels.hub.usercodes import add_scheduled_user, send_pin

STORAGE_VERSION: Final = 1
#: Delay before a lock that did not answer is tried again; it doubles.
LOCK_RETRY_FIRST: Final = 15.0
LOCK_RETRY_MAX: Final = 900.0
LOCK_ATTEMPTS: Final = 8
#: Wait after the hub itself did not answer in time.
HUB_RETRY_SECONDS: Final = 5.0
#: New draws of a random code the hub found taken.
REDRAWS: Final = 5
#: Lock changes sent at once, each to another lock.
MAX_IN_FLIGHT: Final = 16
EVENT_CHANGE_FAILED: Final = f"{DOMAIN}_change_failed"


class Kind(StrEnum):
    """What a change does."""

    ADD_USER = "add_user"
    UPDATE_USER = "update_user"
    DELETE_USER = "delete_user"
    SET_PIN = "set_pin"
    CLEAR_PIN = "clear_pin"
    SET_SCHEDULE = "set_schedule"


USER_KINDS: Final = frozenset({Kind.ADD_USER, Kind.UPDATE_USER, Kind.DELETE_USER})


class Status(StrEnum):
    """Where a change stands when its caller hears about it."""

    DONE = "done"
    QUEUED = "queued"
    RETRYING = "retrying"
    FAILED = "failed"
    SUPERSEDED = "superseded"


@dataclass(slots=True, kw_only=True)
class Change:
    """One change for the hub; ``code`` is secret (kept out of ``repr``)."""

    kind: Kind
    id: str = field(default_factory=lambda: uuid4().hex)
    slot: int | None = None
    name: str | None = None
    lock: str | None = None
    code: str | None = field(default=None, repr=False)
    #: The code was drawn here at random (drawn again if the hub has it).
    drawn: bool = False
    #: Locks that get the new code once the hub took it.
    then_locks: list[str] = field(default_factory=list)
    #: Household locks (entity ids) that get it then, if the caller no longer
    #: waits to put it there itself (the change was queued, or HA restarted).
    then_household: list[str] = field(default_factory=list)
    attempts: int = 0
    #: For ``set_schedule`` and ``add_user``: when the code is valid (None:
    #: always).
    schedule: dict[str, Any] | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Change:
        """Restore a stored change."""
        return cls(**{**data, "kind": Kind(data["kind"])})

    def summary(self) -> dict[str, Any]:
        """Return what may be shown about the change (never the code)."""
        return {
            "change_id": self.id,
            "action": self.kind.value,
            "slot": self.slot,
            "lock": self.lock,
            "attempts": self.attempts,
        }


@dataclass(slots=True, kw_only=True)
class Outcome:
    """What became of a change, as far as its caller waits to know."""

    status: Status
    result: dict[str, Any] = field(default_factory=dict)
    error: AlarmHubError | None = None
    followups: list[asyncio.Future[Outcome]] = field(default_factory=list)


class ChangeQueue:
    """The changes one hub has still to confirm, and the worker sending them."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: AlarmHubConfigEntry,
        client: Panel,
        on_change: Callable[[], None],
    ) -> None:
        """Prepare an empty queue; :meth:`async_load` fills it."""
        self.hass = hass
        self.entry = entry
        self.client = client
        self._on_change = on_change
        self._store: Store[dict[str, Any]] = Store(
            hass, STORAGE_VERSION, f"{DOMAIN}.changes.{entry.entry_id}", private=True
        )
        self._save_lock = asyncio.Lock()
        self._dirty = False
        self.changes: list[Change] = []
        #: Slot -> hub error code of the user's last change that was refused.
        self.failures: dict[int, str] = {}
        self._waiters: dict[str, asyncio.Future[Outcome]] = {}
        self._retries: dict[str, CALLBACK_TYPE] = {}
        self._wake = asyncio.Event()
        self._in_flight: set[str] = set()
        self._tsn = secrets.randbelow(256)
        self._unsubscribe: CALLBACK_TYPE | None = None
        self._waiting_slots: set[int] = set()

    # ----- life cycle --------------------------------------------------

    async def async_load(self) -> None:
        """Read the changes a previous run left unconfirmed."""
        data = await self._store.async_load() or {}
        self.changes = [Change.from_dict(c) for c in data.get("changes", [])]
        self.failures = {int(k): str(v) for k, v in data.get("failures", {}).items()}
        if self.changes:
            LOGGER.debug("Replaying %s unconfirmed changes", len(self.changes))
        self._recount()

    def start(self) -> None:
        """Start sending (and replaying) changes."""
        self._unsubscribe = self.client.on_connection(self._connection)
        self.entry.async_create_background_task(
            self.hass, self._run(), f"{DOMAIN} changes {self.entry.title}"
        )

    async def async_stop(self) -> None:
        """Stop sending; keep what is unconfirmed for the next start."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        for cancel in self._retries.values():
            cancel()
        self._retries.clear()
        self._settle_all(Status.QUEUED)
        await self._persist()

    @callback
    def _connection(self, connected: bool) -> None:
        if connected:
            self._wake.set()

    def _data(self) -> dict[str, Any]:
        return {
            "changes": [asdict(c) for c in self.changes],
            "failures": {str(k): v for k, v in self.failures.items()},
        }

    async def _persist(self) -> None:
        """Write the queue; return once every change so far is on disk.

        Callers that arrive while a write runs share the next one, so a burst
        of n changes costs two writes, not n writes of a growing queue.
        """
        self._dirty = True
        async with self._save_lock:
            if self._dirty:
                self._dirty = False
                await self._store.async_save(self._data())

    def _save_later(self) -> None:
        # Safe to delay: a confirmed change that is replayed after a crash is
        # answered from the hub's memory of its change_id.
        self._store.async_delay_save(self._data, 1)

    # ----- what callers use --------------------------------------------

    @property
    def waiting_slots(self) -> set[int]:
        """Return the slots with a user change not yet on the hub."""
        return self._waiting_slots

    def _recount(self) -> bool:
        """Recount the slots with waiting changes; return True if they moved."""
        before = self._waiting_slots
        self._waiting_slots = {
            c.slot for c in self.changes if c.kind in USER_KINDS and c.slot
        }
        return self._waiting_slots != before

    def _changed(self, *, failures: bool = False) -> None:
        """Let the entities look, when what they show from here moved."""
        if self._recount() or failures:
            self._on_change()

    async def submit(self, changes: list[Change]) -> list[asyncio.Future[Outcome]]:
        """Persist ``changes``, queue them, and return a future for each."""
        loop = asyncio.get_running_loop()
        futures = []
        for change in changes:
            self._supersede(change)
            self.changes.append(change)
            futures.append(self._waiters.setdefault(change.id, loop.create_future()))
        await self._persist()
        self._changed()
        self._wake.set()
        return futures

    def diagnostics(self) -> dict[str, Any]:
        """Return the queue without codes."""
        return {
            "waiting": [c.summary() for c in self.changes],
            "failures": dict(self.failures),
        }

    # ----- the worker --------------------------------------------------

    def _next(self) -> list[Change]:
        """Return the changes to send now, in the queue's order.

        The first change due; after a lock change, also the lock changes
        right behind it for other locks: each lock answers on its own, so
        they need not wait for each other (a user's code onto 16 locks is
        one round trip, not 16). Two changes for one lock never overlap.
        """
        batch: list[Change] = []
        locks: set[str] = set()
        for change in self.changes:
            if change.id in self._retries:
                continue
            if batch and (
                change.lock is None
                or change.lock in locks
                or len(batch) >= MAX_IN_FLIGHT
            ):
                break
            batch.append(change)
            if change.lock is None:
                break
            locks.add(change.lock)
        return batch

    async def _run(self) -> None:
        while True:
            batch = self._next()
            if not batch or not self.client.connected:
                if not self.client.connected:
                    self._settle_all(Status.QUEUED)
                await self._wake.wait()
                self._wake.clear()
                continue
            self._in_flight = {change.id for change in batch}
            try:
                results = await asyncio.gather(
                    *(self._process(change) for change in batch),
                    return_exceptions=True,
                )
            finally:
                self._in_flight = set()
            lost = False
            for change, result in zip(batch, results, strict=True):
                if isinstance(result, AlarmHubConnectionError):
                    # Lost, or the hub did not answer in time: keep it for later.
                    self._settle(change, Outcome(status=Status.QUEUED))
                    lost = True
                elif isinstance(result, BaseException):
                    raise result
            if lost and self.client.connected:
                await asyncio.sleep(HUB_RETRY_SECONDS)

    async def _request(self, change: Change) -> dict[str, Any]:
        client = self.client
        if change.kind in (Kind.SET_PIN, Kind.CLEAR_PIN):
            assert change.lock is not None and change.slot is not None
            if not isinstance(client, AlarmHubClient):  # only the hub has locks
                raise AlarmHubNotSupportedError("this panel has no door locks")
            self._tsn = (self._tsn + 1) % 256
            response = await send_pin(
                client,
                lock=change.lock,
                slot=change.slot,
                code=change.code if change.kind is Kind.SET_PIN else None,
                tsn=self._tsn,
                change_id=change.id,
            )
            return {"lock_status": response.status_name}
        if change.kind is Kind.SET_SCHEDULE:
            assert change.slot is not None
            if not isinstance(client, AlarmHubClient):  # a Vista keeps no schedule
                raise AlarmHubNotSupportedError("this panel keeps no schedules")
            return await client.set_schedule(
                change.slot, change.schedule, change_id=change.id
            )
        if change.kind is Kind.ADD_USER and change.schedule is not None:
            if not isinstance(client, AlarmHubClient):  # a Vista keeps no schedule
                raise AlarmHubNotSupportedError("this panel keeps no schedules")
            return await add_scheduled_user(
                client,
                change_id=change.id,
                name=change.name,
                code=change.code,
                schedule=change.schedule,
            )
        return await client.change_user(
            UserChange(change.kind.value),
            change_id=change.id,
            slot=change.slot,
            name=change.name,
            code=change.code,
        )

    async def _process(self, change: Change) -> None:
        try:
            result = await self._request(change)
        except AlarmHubRejectedError as err:
            if err.code == ErrorCode.TIMEOUT and change.lock is not None:
                self._retry_later(change, err)
            elif self._redraw(change, err):
                await self._persist()
            else:
                self._reject(change, err)
            return
        except AlarmHubConnectionError:
            raise
        except AlarmHubError as err:  # an answer that makes no sense
            self._reject(change, err)
            return
        self._complete(change, result)

    def _redraw(self, change: Change, err: AlarmHubRejectedError) -> bool:
        """Draw a random code again when the hub has it already."""
        if (
            not change.drawn
            or change.code is None
            or err.code != ErrorCode.CODE_REJECTED
            or err.details.get("code_reason") != "duplicate"
            or change.attempts >= REDRAWS
            or change.id not in self._waiters
        ):
            return False
        change.attempts += 1
        change.code = generate_code(len(change.code))
        return True

    def _complete(self, change: Change, result: dict[str, Any]) -> None:
        index = self.changes.index(change)
        self.changes.remove(change)
        followups: list[asyncio.Future[Outcome]] = []
        cleared = False
        if change.kind in USER_KINDS:
            user = result.get("user")
            if isinstance(user, dict) and isinstance(user.get("slot"), int):
                change.slot = user["slot"]
            if change.slot is not None:
                cleared = self.failures.pop(change.slot, None) is not None
        if change.then_locks and change.code is not None and change.slot is not None:
            loop = asyncio.get_running_loop()
            for offset, lock in enumerate(change.then_locks):
                followup = Change(
                    kind=Kind.SET_PIN, slot=change.slot, lock=lock, code=change.code
                )
                self.changes.insert(index + offset, followup)
                followups.append(
                    self._waiters.setdefault(followup.id, loop.create_future())
                )
            self.hass.async_create_task(self._persist())
        else:
            self._save_later()
        waiter = self._waiters.get(change.id)
        if change.then_household and (waiter is None or waiter.done()):
            self._household_later(change)
        outcome = Outcome(status=Status.DONE, result=result, followups=followups)
        self._settle(change, outcome)
        self._changed(failures=cleared)

    def _household_later(self, change: Change) -> None:
        """Put a queued change's code on its household locks, now it is made."""
        if change.code is None or change.slot is None:
            return
        targets = [
            target
            for entity_id in change.then_household
            if (target := target_for(self.hass, entity_id)) is not None
        ]
        self.entry.async_create_background_task(
            self.hass,
            self.entry.runtime_data.household.async_put(
                change.slot, change.code, targets
            ),
            f"{DOMAIN} household locks of user {change.slot}",
        )

    def _reject(self, change: Change, err: AlarmHubError) -> None:
        """Drop a change the hub refused; report it."""
        if change in self.changes:
            self.changes.remove(change)
        self._save_later()
        code = err.code if isinstance(err, AlarmHubRejectedError) else "unknown_error"
        if change.id in self._waiters:
            self._settle(change, Outcome(status=Status.FAILED, error=err))
        else:
            LOGGER.debug("The hub refused change %s: %s", change.id, code)
            if change.kind in USER_KINDS and change.slot is not None:
                self.failures[change.slot] = code
            self.hass.bus.async_fire(
                EVENT_CHANGE_FAILED,
                {
                    "config_entry_id": self.entry.entry_id,
                    **change.summary(),
                    "error": code,
                },
            )
        self._changed(failures=True)

    def _retry_later(self, change: Change, err: AlarmHubRejectedError) -> None:
        """Try a lock that did not answer again, later and later."""
        change.attempts += 1
        if change.attempts >= LOCK_ATTEMPTS:
            self._settle(change, Outcome(status=Status.FAILED, error=err))
            self._reject(change, err)
            return
        delay = min(LOCK_RETRY_MAX, LOCK_RETRY_FIRST * 2 ** (change.attempts - 1))
        LOGGER.debug("Lock %s did not answer; trying again in %s s", change.lock, delay)

        @callback
        def due(_now: Any) -> None:
            self._retries.pop(change.id, None)
            self._wake.set()

        self._retries[change.id] = async_call_later(self.hass, delay, due)
        self._save_later()
        self._settle(change, Outcome(status=Status.RETRYING, error=err))

    def _supersede(self, new: Change) -> None:
        """Drop waiting lock changes that ``new`` makes pointless."""
        if new.kind not in (Kind.SET_PIN, Kind.CLEAR_PIN):
            return
        for old in list(self.changes):
            if (
                old.kind in (Kind.SET_PIN, Kind.CLEAR_PIN)
                and (old.slot, old.lock) == (new.slot, new.lock)
                and old.id not in self._in_flight
            ):
                self.changes.remove(old)
                if (cancel := self._retries.pop(old.id, None)) is not None:
                    cancel()
                self._settle(old, Outcome(status=Status.SUPERSEDED))

    def _settle(self, change: Change, outcome: Outcome) -> None:
        future = self._waiters.pop(change.id, None)
        if future is not None and not future.done():
            future.set_result(outcome)

    def _settle_all(self, status: Status) -> None:
        for future in self._waiters.values():
            if not future.done():
                future.set_result(Outcome(status=status))
        self._waiters.clear()


async def async_setup_changes(hass: HomeAssistant, entry: AlarmHubConfigEntry) -> None:
    """Load the entry's unconfirmed changes and start sending them."""
    coordinator = entry.runtime_data
    queue = ChangeQueue(
        hass, entry, coordinator.client, coordinator.async_update_listeners
    )
    await queue.async_load()
    coordinator.changes = queue
    entry.async_on_unload(queue.async_stop)
    queue.start()
