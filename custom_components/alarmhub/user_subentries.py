"""The panel's users as config subentries of the hub's entry.

Every user on the panel has a subentry of type ``user`` (title: the user's
name; unique id: the user's ``uid``, never reused; data: ``slot`` and
``uid``, never a code). This module keeps the two in step, whichever side
changes:

* a user added at the keypad, before Home Assistant, or by the ``add_user``
  action gets a subentry; a renamed user's subentry is renamed;
* a user who vanishes from the panel (deleted at the keypad or by
  ``delete_user``) loses theirs;
* a subentry the person deletes in the UI deletes its user on the panel
  (their code is cleared from the hub's locks first and from the household's
  locks after, as ``delete_user`` does). A
  panel that refuses (a partition is armed) keeps the user, and the user
  keeps a subentry: it is made again, and the refusal is logged.

The add and reconfigure flows live in ``user_flow.py`` (a Vista's, with
temporary codes, in ``vista_user_flow.py``). Every panel that manages user
codes has them: a Vista's users are the list Home Assistant keeps for it
(``panel_users.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import HomeAssistant, callback

from .const import DOMAIN, LOGGER
from .coordinator import AlarmHubConfigEntry, every
from .panels.base import Capability
from .panels.hub import PartitionState
from .pending import Change, Kind, Status

SUBENTRY_USER: Final = "user"
DATA_SLOT: Final = "slot"
DATA_UID: Final = "uid"


@dataclass(slots=True)
class _Sync:
    """What one entry's reconciler remembers between updates."""

    #: uid -> subentry id, as last seen (to tell a deletion by the person).
    known: dict[str, str] = field(default_factory=dict)


def user_subentries(entry: AlarmHubConfigEntry) -> dict[str, ConfigSubentry]:
    """Return the entry's user subentries by the user's uid."""
    return {
        subentry.unique_id: subentry
        for subentry in entry.subentries.values()
        if subentry.subentry_type == SUBENTRY_USER and subentry.unique_id
    }


@callback
def async_setup_user_subentries(
    hass: HomeAssistant, entry: AlarmHubConfigEntry
) -> None:
    """Keep the entry's user subentries and the panel's users in step."""
    coordinator = entry.runtime_data
    if Capability.USER_CODES not in coordinator.client.capabilities:
        return
    sync = _Sync()

    @callback
    def in_step(key: str) -> bool:
        """Return True if a user the hub updated still matches their subentry."""
        user = coordinator.data.users.get(key)
        subentry_id = None if user is None else sync.known.get(user.uid)
        subentry = None if subentry_id is None else entry.subentries.get(subentry_id)
        return user is not None and subentry is not None and subentry.title == user.name

    @callback
    def reconcile() -> None:
        if not coordinator.last_update_success:
            return  # the panel's users are not known right now
        topics = coordinator.updated_topics
        if topics is not None and all(
            in_step(key) for kind, key in topics if kind == "user"
        ):
            return  # one object changed, and no user's name or subentry
        users = {user.uid: user for user in coordinator.data.users.values()}
        subentries = user_subentries(entry)
        for uid, stale in subentries.items():
            if uid not in users:
                hass.config_entries.async_remove_subentry(entry, stale.subentry_id)
                sync.known.pop(uid, None)
                _take_off_household(hass, entry, stale)
        for uid, user in users.items():
            if (subentry := subentries.get(uid)) is None:
                if uid in sync.known:
                    continue  # the person deleted it: deleted_by_person acts
                subentry = ConfigSubentry(
                    data=MappingProxyType({DATA_SLOT: user.slot, DATA_UID: uid}),
                    subentry_type=SUBENTRY_USER,
                    title=user.name,
                    unique_id=uid,
                )
                hass.config_entries.async_add_subentry(entry, subentry)
            elif subentry.title != user.name:
                hass.config_entries.async_update_subentry(
                    entry, subentry, title=user.name
                )
            sync.known[uid] = subentry.subentry_id

    async def deleted_by_person(
        hass: HomeAssistant, entry: AlarmHubConfigEntry
    ) -> None:
        present = user_subentries(entry)
        gone = [uid for uid in sync.known if uid not in present]
        users = {user.uid: user for user in coordinator.data.users.values()}
        kept = False
        for uid in gone:
            sync.known.pop(uid)
            if (user := users.get(uid)) is not None:
                kept |= not await _async_delete_user(entry, user.slot, list(user.locks))
        if kept:
            reconcile()  # the user is still on the panel: so is their subentry

    reconcile()
    entry.async_on_unload(coordinator.async_add_listener(reconcile, every("user")))
    entry.async_on_unload(entry.add_update_listener(deleted_by_person))


@callback
def _take_off_household(
    hass: HomeAssistant, entry: AlarmHubConfigEntry, stale: ConfigSubentry
) -> None:
    """Clear a user who left the panel (deleted at the keypad) off household locks.

    Someone removed from the alarm must not keep opening the front door.
    """
    household = entry.runtime_data.household
    slot = stale.data.get(DATA_SLOT)
    if isinstance(slot, int) and (targets := household.targets_of(slot)):
        entry.async_create_background_task(
            hass,
            household.async_take_off(slot, targets),
            f"{DOMAIN} take user {slot} off household locks",
        )


async def _async_delete_user(
    entry: AlarmHubConfigEntry, slot: int, locks: list[str]
) -> bool:
    """Delete a user whose subentry was deleted; say whether it was."""
    coordinator = entry.runtime_data
    armed = [
        partition.name
        for partition in coordinator.data.partitions.values()
        if partition.state is not PartitionState.DISARMED
    ]
    if armed:
        LOGGER.warning(
            "User %s stays on the panel: %s is armed (disarm it, then delete again)",
            slot,
            armed[0],
        )
        return False
    clears = [
        Change(kind=Kind.CLEAR_PIN, slot=slot, lock=lock)
        for lock in locks
        if lock in coordinator.data.locks
    ]
    *_, deleted = await coordinator.changes.submit(
        [*clears, Change(kind=Kind.DELETE_USER, slot=slot)]
    )
    outcome = await deleted
    if outcome.status is Status.FAILED:
        LOGGER.warning(
            "The panel kept user %s (its subentry was deleted): %s",
            slot,
            getattr(outcome.error, "code", "error"),
        )
        return False
    household = coordinator.household
    await household.async_take_off(slot, household.targets_of(slot))
    return True
