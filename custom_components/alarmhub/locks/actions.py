"""What user changes do with household locks (``users.py``, ``user_flow.py``).

:func:`split_locks` sorts the ``locks`` of an action into the hub's own lock
entities (left to the panel and its change queue) and household locks (one
provider each); the :class:`LockSplit` it returns checks a code against the
household locks' limits, puts it on them or takes it off, and adds each
lock's state to the action's response.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er

from ..const import DOMAIN
from ..panels.hub.schedules import Schedule
from . import target_for
from .base import LockLimits, LockTarget, LockTargetError
from .windows import open_now

if TYPE_CHECKING:
    from .manager import HouseholdLocks


@dataclass(slots=True)
class LockSplit:
    """An action's locks: the hub's own, and household ones."""

    hass: HomeAssistant
    household: HouseholdLocks
    hub: list[str] = field(default_factory=list)
    targets: list[LockTarget] = field(default_factory=list)
    #: The change sets the user's schedule (``follow``): whether it is open
    #: now (None: no schedule), followed before the code is put.
    window: bool | None = None
    sets_window: bool = False

    def follow(self, schedule: Mapping[str, Any] | None) -> None:
        """Put the code on as the user's new schedule says (off outside it)."""
        # The flow's schedule, checked by ``schedule_form.read_schedule``.
        parsed = None if schedule is None else Schedule.from_dict(schedule)
        self.sets_window, self.window = True, open_now(parsed)

    async def _limits(self, target: LockTarget) -> LockLimits | None:
        try:
            limits = await target.async_limits()
        except LockTargetError:
            return self.household.limits.get(target.entity_id)
        self.household.limits[target.entity_id] = limits
        return limits

    async def check(self, code: str) -> None:
        """Refuse a code a household lock cannot take, naming the lock.

        A lock that cannot say its limits now (offline, never seen) is checked
        when the code reaches it.
        """
        for target in self.targets:
            limits = await self._limits(target)
            if limits is None or limits.fits(code):
                continue
            state = self.hass.states.get(target.entity_id)
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="code_length_lock",
                translation_placeholders={
                    "lock": state.name if state else target.entity_id,
                    "min": str(limits.min_pin),
                    "max": str(limits.max_pin),
                },
            )

    def _report(self, response: dict[str, Any], user: int | None) -> None:
        states, errors = self.household.status(user) if user is not None else ({}, {})
        entity_ids = {target.entity_id for target in self.targets}
        response.setdefault("locks", {}).update(
            {e: states.get(e, "removed") for e in entity_ids}
        )
        response.setdefault("lock_errors", {}).update(
            {e: r for e, r in errors.items() if e in entity_ids}
        )

    async def put(
        self, response: dict[str, Any], user: int | None, code: str | None
    ) -> None:
        """Put the user's code on the household locks; report each one."""
        if self.sets_window and user is not None:
            await self.household.async_window(user, self.window)
        if not self.targets or code is None:
            return
        if user is None:
            # The panel has not made the user yet: the change queue puts the
            # code on these locks once it has (``Change.then_household``).
            response.setdefault("locks", {}).update(
                {t.entity_id: "queued" for t in self.targets}
            )
            return
        await self.household.async_put(user, code, self.targets)
        self._report(response, user)

    async def take_off(self, response: dict[str, Any], user: int) -> None:
        """Clear the user's slot on the household locks; report each one."""
        await self.household.async_take_off(user, self.targets)
        self._report(response, user)


def split_locks(
    hass: HomeAssistant,
    household: HouseholdLocks,
    entity_ids: list[str],
    *,
    user: int | None = None,
) -> LockSplit:
    """Sort lock entities; refuse one whose integration offers no user codes.

    With ``user`` and no ``entity_ids``: every household lock of that user.
    """
    split = LockSplit(hass, household)
    if user is not None and not entity_ids:
        split.targets = household.targets_of(user)
        return split
    registry = er.async_get(hass)
    for entity_id in entity_ids:
        entry = registry.async_get(entity_id)
        if entry is None or entry.domain != "lock" or entry.platform == DOMAIN:
            split.hub.append(entity_id)  # the hub's own, or refused as unknown
        elif (target := target_for(hass, entity_id)) is not None:
            split.targets.append(target)
        else:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="lock_without_codes",
                translation_placeholders={"entity_id": entity_id},
            )
    return split
