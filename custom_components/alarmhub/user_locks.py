"""The door locks of a user in the UI flow: the hub's and the household's.

The flow's lock selector offers the hub's own locks and the household locks
AlarmHub can put codes on (the lock entities of ZHA, Z-Wave JS and Matter:
``locks.PROVIDERS``). A reconfigure compares the user's locks before and
after, for both kinds: added locks get the new code, kept ones get it if
the code changes, removed ones lose it. The code itself goes through
``users.submit_user_change`` with the household locks, like the actions.
"""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.core import HomeAssistant
from homeassistant.helpers import selector

from .const import DOMAIN
from .coordinator import AlarmHubCoordinator
from .locks import PROVIDERS
from .locks.actions import LockSplit, split_locks
from .panels.hub import Lock, LockSyncState, User
from .pending import Change, Kind, Status
from .users import hub_locks, lock_entity_id, lock_results, raise_failure

LOCKS_SELECTOR = selector.EntitySelector(
    selector.EntitySelectorConfig(
        multiple=True,
        filter=[
            selector.EntityWithDeviceFilterSelectorConfig(
                integration=platform, domain="lock"
            )
            for platform in (DOMAIN, *PROVIDERS)
        ],
    )
)


def current_locks(
    hass: HomeAssistant, coordinator: AlarmHubCoordinator, user: User
) -> set[str]:
    """Return the lock entities that hold (or get) the user's code."""
    hub = {
        lock_entity_id(hass, coordinator, lock)
        for lock, state in user.locks.items()
        if state != LockSyncState.REMOVING and lock in coordinator.data.locks
    }
    household = coordinator.household.targets_of(user.slot)
    return hub | {target.entity_id for target in household}


@dataclass(slots=True)
class LockPlan:
    """A user's locks before and after a change."""

    added: list[Lock]
    removed: list[Lock]
    kept: list[Lock]
    #: Household locks to get the new code (kept and added), to lose it.
    put: LockSplit
    take: LockSplit
    new_household: bool

    @property
    def adds(self) -> bool:
        """Return True when a lock (of either kind) is added."""
        return bool(self.added) or self.new_household


def plan_locks(
    hass: HomeAssistant,
    coordinator: AlarmHubCoordinator,
    current: set[str],
    wanted: set[str],
) -> LockPlan:
    """Sort the locks into added, removed and kept; refuse unknown ones."""
    household = coordinator.household
    added = split_locks(hass, household, sorted(wanted - current))
    removed = split_locks(hass, household, sorted(current - wanted))
    kept = split_locks(hass, household, sorted(current & wanted))
    return LockPlan(
        added=hub_locks(hass, coordinator, added.hub),
        removed=hub_locks(hass, coordinator, removed.hub),
        kept=hub_locks(hass, coordinator, kept.hub),
        put=LockSplit(hass, household, targets=[*kept.targets, *added.targets]),
        take=removed,
        new_household=bool(added.targets),
    )


async def async_take_off(
    hass: HomeAssistant, coordinator: AlarmHubCoordinator, slot: int, plan: LockPlan
) -> None:
    """Clear the user's code on the removed locks of both kinds."""
    if plan.removed:
        clears = [
            Change(kind=Kind.CLEAR_PIN, slot=slot, lock=lock.id)
            for lock in plan.removed
        ]
        futures = await coordinator.changes.submit(clears)
        for future in futures:
            outcome = await future
            if outcome.status is Status.FAILED:
                raise_failure(outcome)
        await lock_results(hass, coordinator, clears, futures)
    if plan.take.targets:
        await plan.take.take_off({}, slot)
