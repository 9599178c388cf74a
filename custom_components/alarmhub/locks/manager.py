"""The household's locks: which user holds which slot, and bringing locks there.

One :class:`HouseholdLocks` per config entry (``coordinator.household``).
For each user and lock it keeps an :class:`Assignment` in a private ``Store``:
the slot on the lock and its state (see :mod:`.assignments`). A code is
stored only while it waits to be set, or while its user has a schedule and
the lock can only clear a code (not disable it): see :meth:`async_window`.

* A slot is chosen among those the lock reports free and no other user holds;
  a slot used by a code set outside AlarmHub is never written or cleared.
* A lock that fails (offline, no answer, refused) is tried again after
  :data:`RETRY_FIRST` seconds, doubling up to :data:`RETRY_MAX`, at most
  :data:`ATTEMPTS` times; it is tried at once when it comes back online.
* After a restart, and when a lock comes back, what the lock reports wins: a
  code we believe set but the lock lacks is ``failed`` (``not_on_lock``), a
  slot waiting to be cleared that the lock reports empty is done.
* A user's schedule (``locks/windows.py`` follows it) takes the code off the
  user's locks at a closing edge and brings it back at the opening one; the
  panel is not involved, so this happens while armed too.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import asdict
from typing import Any, Final

from homeassistant.const import EVENT_STATE_CHANGED, STATE_UNAVAILABLE
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.helpers.event import EventStateChangedData, async_call_later
from homeassistant.helpers.storage import Store

from ..const import DOMAIN, LOGGER
from ..coordinator import AlarmHubConfigEntry
from . import target_for
from .assignments import WORK, Assignment, SyncState, free_slot
from .base import LockLimits, LockTarget, LockTargetError
from .windows import async_follow_schedules

__all__ = ["Assignment", "HouseholdLocks", "SyncState", "async_setup_household"]

STORAGE_VERSION: Final = 1
RETRY_FIRST: Final = 30.0
RETRY_MAX: Final = 3600.0
ATTEMPTS: Final = 8


class HouseholdLocks:
    """Codes of one entry's users on the household's locks."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Keep the entry's assignments in its own store."""
        self.hass = hass
        self._store: Store[dict[str, Any]] = Store(
            hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}.household_locks", private=True
        )
        #: user slot -> lock entity id -> assignment
        self.users: dict[int, dict[str, Assignment]] = {}
        #: lock entity id -> its limits, as last read
        self.limits: dict[str, LockLimits] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._retries: dict[tuple[int, str], CALLBACK_TYPE] = {}
        self._listeners: list[CALLBACK_TYPE] = []
        self._unsubscribe: CALLBACK_TYPE = lambda: None
        self._tasks: set[asyncio.Task[None]] = set()
        #: The locks to follow (every state change in HA is checked against it).
        self._followed: frozenset[str] = frozenset()
        #: user slot -> whether their schedule is open now (users with one).
        self.windows: dict[int, bool] = {}
        #: Whether a user's schedule is open now, from the panel's users.
        self.window_of: Callable[[int], bool | None] = lambda _user: None

    # --- persistence -------------------------------------------------------

    async def async_load(self) -> None:
        """Read the assignments saved before."""
        data = await self._store.async_load() or {}
        for user, locks in data.get("users", {}).items():
            self.users[int(user)] = {
                entity_id: Assignment(**{**value, "state": SyncState(value["state"])})
                for entity_id, value in locks.items()
            }
        for entity_id, limits in data.get("limits", {}).items():
            self.limits[entity_id] = LockLimits(**limits)
        self._followed = frozenset(self.lock_ids())

    async def _save(self) -> None:
        self._followed = frozenset(self.lock_ids())
        await self._store.async_save(
            {
                "users": {
                    str(user): {e: asdict(a) for e, a in locks.items()}
                    for user, locks in self.users.items()
                    if locks
                },
                "limits": {e: asdict(limits) for e, limits in self.limits.items()},
            }
        )

    # --- life cycle ----------------------------------------------------------

    async def async_start(self) -> None:
        """Reconcile every lock that holds codes, and follow them coming back."""
        self._unsubscribe = self.hass.bus.async_listen(
            EVENT_STATE_CHANGED, self._state_changed, event_filter=self._is_ours
        )
        for entity_id in self.lock_ids():
            self.spawn(self._async_lock_back(entity_id))

    async def async_stop(self) -> None:
        """Stop retrying and following locks."""
        self._unsubscribe()
        for cancel in self._retries.values():
            cancel()
        self._retries.clear()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def spawn(self, coro: Any) -> None:
        """Run ``coro`` in the background until the entry unloads."""
        task = self.hass.async_create_background_task(coro, f"{DOMAIN} household lock")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def lock_ids(self) -> set[str]:
        """Return every lock that holds, or waits for, a code."""
        return {entity_id for locks in self.users.values() for entity_id in locks}

    @callback
    def _is_ours(self, data: EventStateChangedData) -> bool:
        return data["entity_id"] in self._followed

    @callback
    def _state_changed(self, event: Event[EventStateChangedData]) -> None:
        old, new = event.data["old_state"], event.data["new_state"]
        back = new is not None and new.state != STATE_UNAVAILABLE
        if back and (old is None or old.state == STATE_UNAVAILABLE):
            self.spawn(self._async_lock_back(event.data["entity_id"]))

    @callback
    def async_add_listener(self, listener: CALLBACK_TYPE) -> Callable[[], None]:
        """Call ``listener`` whenever a status changed."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()

    # --- what actions ask ---------------------------------------------------

    def status(self, user: int) -> tuple[dict[str, str], dict[str, str]]:
        """Return a user's state per lock and the reasons of those not in sync."""
        locks = self.users.get(user, {})
        return (
            {e: a.state.value for e, a in locks.items()},
            {e: a.reason for e, a in locks.items() if a.reason is not None},
        )

    def attributes(
        self, user: int, attributes: dict[str, Any] | None
    ) -> dict[str, Any] | None:
        """Add the user's household locks (by name) to a sensor's attributes."""
        states, errors = self.status(user)
        if not states:
            return attributes
        merged = {key: dict(value) for key, value in (attributes or {}).items()}

        def name(entity_id: str) -> str:
            state = self.hass.states.get(entity_id)
            return state.name if state else entity_id

        merged.setdefault("locks", {}).update({name(e): s for e, s in states.items()})
        if errors:
            merged.setdefault("lock_errors", {}).update(
                {name(e): r for e, r in errors.items()}
            )
        return merged

    async def async_put(
        self, user: int, code: str, targets: Iterable[LockTarget]
    ) -> None:
        """Put ``code`` on each lock (once, now) and keep it there."""
        targets = list(targets)
        locks = self.users.setdefault(user, {})
        # Outside the user's schedule the code waits for the opening edge.
        if user not in self.windows and (window := self.window_of(user)) is not None:
            self.windows[user] = window
        closed = self.windows.get(user) is False
        for target in targets:
            old = locks.get(target.entity_id)
            locks[target.entity_id] = assignment = Assignment(
                SyncState.PENDING, slot=old.slot if old else None, code=code
            )
            if closed:
                assignment.close()
        await self._save()
        await self._attempt_all(user, targets)

    async def async_take_off(self, user: int, targets: Iterable[LockTarget]) -> None:
        """Clear the user's slot on each lock."""
        locks = self.users.get(user, {})
        targets = [t for t in targets if t.entity_id in locks]
        for target in targets:
            locks[target.entity_id] = Assignment(
                SyncState.REMOVING, slot=locks[target.entity_id].slot
            )
        if all(a.state is SyncState.REMOVING for a in locks.values()):
            self.windows.pop(user, None)  # the slot may go to someone else
        await self._save()
        await self._attempt_all(user, targets)

    def targets_of(self, user: int) -> list[LockTarget]:
        """Return the locks that hold, or get, the user's code."""
        return [
            target
            for entity_id, assignment in self.users.get(user, {}).items()
            if assignment.state is not SyncState.REMOVING
            and (target := target_for(self.hass, entity_id)) is not None
        ]

    # --- bringing locks there -------------------------------------------------

    async def _attempt_all(self, user: int, targets: list[LockTarget]) -> None:
        await asyncio.gather(*(self._attempt(user, target) for target in targets))
        await self._save()
        self._changed()

    async def _attempt(self, user: int, target: LockTarget) -> None:
        entity_id = target.entity_id
        if (cancel := self._retries.pop((user, entity_id), None)) is not None:
            cancel()
        lock = self._locks.setdefault(entity_id, asyncio.Lock())
        async with lock:
            assignment = self.users.get(user, {}).get(entity_id)
            if assignment is None or assignment.state not in WORK:
                return
            try:
                await self._apply(user, target, assignment)
            except LockTargetError as err:
                self._failed(user, target, assignment, err)

    async def _apply(
        self, user: int, target: LockTarget, assignment: Assignment
    ) -> None:
        entity_id = target.entity_id
        if assignment.state is SyncState.REMOVING:
            if assignment.slot is not None:
                await target.async_clear_code(assignment.slot)
            del self.users[user][entity_id]
            LOGGER.debug("Cleared user %s's slot on %s", user, entity_id)
            return
        if assignment.state is SyncState.SUSPENDING:
            await self._suspend(target, assignment)
            LOGGER.debug("User %s's code off %s (schedule)", user, entity_id)
            return
        if assignment.state is SyncState.RESUMING:
            assert assignment.slot is not None
            await target.async_enable_code(assignment.slot)
            assignment.state, assignment.reason = SyncState.IN_SYNC, None
            LOGGER.debug("User %s's code back on %s (schedule)", user, entity_id)
            return
        assert assignment.code is not None
        limits = self.limits[entity_id] = await target.async_limits()
        if not limits.fits(assignment.code):
            assignment.state, assignment.reason = SyncState.FAILED, "code_length"
            assignment.code = None
            return
        if assignment.slot is None:
            held = {
                a.slot for locks in self.users.values() if (a := locks.get(entity_id))
            }
            reading = await target.async_read()
            assignment.slot = free_slot(limits, reading, held)
            if assignment.slot is None:
                assignment.state, assignment.reason = SyncState.FAILED, "no_free_slot"
                assignment.code = None
                return
            await self._save()  # the slot is ours before anything is written
        await target.async_set_code(assignment.slot, assignment.code)
        assignment.state, assignment.reason = SyncState.IN_SYNC, None
        assignment.attempts = 0
        if user not in self.windows or target.can_disable:
            assignment.code = None  # else kept: a closing edge will clear it
        LOGGER.debug(
            "User %s's code set in slot %s on %s", user, assignment.slot, entity_id
        )

    async def _suspend(self, target: LockTarget, assignment: Assignment) -> None:
        """Take a code off for its schedule: disable it, or clear it but keep it."""
        assert assignment.slot is not None
        if assignment.code is None and not target.can_disable:
            # Put on before the user had a schedule: read it back if the
            # stack can (Z-Wave JS); otherwise it is cleared all the same.
            reading = await target.async_read() or {}
            assignment.code = reading.get(assignment.slot)
        await target.async_disable_code(assignment.slot)
        assignment.state, assignment.reason = SyncState.SCHEDULED_OFF, None
        assignment.attempts = 0

    async def async_window(self, user: int, open_now: bool | None) -> None:
        """Follow a user's schedule: open, closed, or None (no schedule)."""
        if open_now is None:
            self.windows.pop(user, None)
        else:
            self.windows[user] = open_now
        if not self.users.get(user):
            return
        moved: list[LockTarget] = []
        for entity_id in list(self.users.get(user, {})):
            if (target := target_for(self.hass, entity_id)) is None:
                continue
            async with self._locks.setdefault(entity_id, asyncio.Lock()):
                if (assignment := self.users[user].get(entity_id)) is None:
                    continue
                if open_now is False:
                    changed = assignment.close()
                else:
                    changed = assignment.open(target.can_disable)
                if open_now is None and assignment.state is SyncState.IN_SYNC:
                    assignment.code = None  # no schedule: no reason to keep it
            if changed:
                moved.append(target)
        await self._save()
        await self._attempt_all(user, moved)

    def _failed(
        self,
        user: int,
        target: LockTarget,
        assignment: Assignment,
        err: LockTargetError,
    ) -> None:
        reason = err.reason
        assignment.attempts = ATTEMPTS if err.permanent else assignment.attempts + 1
        assignment.reason = reason
        LOGGER.debug(
            "%s did not take user %s's change (%s), attempt %s",
            target.entity_id,
            user,
            reason,
            assignment.attempts,
        )
        if reason == "unavailable":
            return  # tried again when the lock comes back, however long that takes
        if assignment.attempts >= ATTEMPTS:
            if assignment.state is not SyncState.REMOVING:
                assignment.state, assignment.code = SyncState.FAILED, None
            return
        delay = min(RETRY_MAX, RETRY_FIRST * 2 ** (assignment.attempts - 1))

        @callback
        def due(_now: Any) -> None:
            self._retries.pop((user, target.entity_id), None)
            self.spawn(self._attempt_all(user, [target]))

        self._retries[(user, target.entity_id)] = async_call_later(
            self.hass, delay, due
        )

    async def _async_lock_back(self, entity_id: str) -> None:
        """Reconcile a lock that is (back) online, then finish what waits on it."""
        if (target := target_for(self.hass, entity_id)) is None or not target.online:
            return
        holders = {u: locks for u, locks in self.users.items() if entity_id in locks}
        try:
            async with self._locks.setdefault(entity_id, asyncio.Lock()):
                reading = await target.async_read()
        except LockTargetError:
            reading = None
        for locks in holders.values():
            assignment = locks[entity_id]
            assignment.attempts = 0
            if reading is None or assignment.slot is None:
                continue
            if assignment.state is SyncState.IN_SYNC and assignment.slot not in reading:
                assignment.state, assignment.reason = SyncState.FAILED, "not_on_lock"
            elif (
                assignment.state is SyncState.REMOVING
                and assignment.slot not in reading
            ):
                del locks[entity_id]
        for user in holders:
            await self._attempt_all(user, [target])


async def async_setup_household(
    hass: HomeAssistant, entry: AlarmHubConfigEntry
) -> None:
    """Load the entry's household lock codes and start keeping them."""
    household = HouseholdLocks(hass, entry.entry_id)
    await household.async_load()
    entry.runtime_data.household = household
    entry.async_on_unload(household.async_stop)
    await household.async_start()
    async_follow_schedules(hass, entry)
