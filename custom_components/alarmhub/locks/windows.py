"""Household locks follow their users' schedules.

The hub keeps a user's schedule and accepts the code only inside it; a
household lock cannot, so the user's code is taken off the user's household
locks at each closing edge (disabled where the stack can, else cleared) and
brought back at each opening edge (enabled, or set again). The edges come
from ``user_schedules.py`` (:data:`SIGNAL_SCHEDULE_EDGE`). At setup, and
whenever the panel reports its users, each user's schedule is compared with
what the locks follow: after a restart the locks follow whether the schedule
is open now, and a schedule added, changed or removed is followed at once.
Only the locks are touched, so this happens while the system is armed too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect

from .. import user_schedules
from ..coordinator import every
from ..panels.hub.schedules import Schedule

if TYPE_CHECKING:
    from ..coordinator import AlarmHubConfigEntry


def open_now(schedule: Schedule | None) -> bool | None:
    """Return whether a schedule lets the code in now (None: no schedule)."""
    return None if schedule is None else schedule.is_open(user_schedules.NOW())


@callback
def async_follow_schedules(hass: HomeAssistant, entry: AlarmHubConfigEntry) -> None:
    """Take codes off and put them back on household locks at schedule edges."""
    coordinator = entry.runtime_data
    household = coordinator.household

    @callback
    def edge(slot: int, _uid: str, valid: bool) -> None:
        household.spawn(household.async_window(slot, valid))

    def window_of(slot: int) -> bool | None:
        user = coordinator.data.users.get(str(slot))
        return None if user is None else open_now(user_schedules.schedule_of(user))

    @callback
    def check(start: bool = False) -> None:
        # Only the users the locks follow: a schedule is read at each update,
        # and an update of one user only reads theirs.
        for user in coordinator.updated_users():
            if user.slot not in household.users and user.slot not in household.windows:
                continue
            state = open_now(user_schedules.schedule_of(user))
            if household.windows.get(user.slot) != state or (
                start and user.slot in household.users
            ):
                household.spawn(household.async_window(user.slot, state))

    household.window_of = window_of
    check(start=True)
    entry.async_on_unload(
        async_dispatcher_connect(
            hass, user_schedules.SIGNAL_SCHEDULE_EDGE.format(entry.entry_id), edge
        )
    )
    entry.async_on_unload(coordinator.async_add_listener(check, every("user")))
