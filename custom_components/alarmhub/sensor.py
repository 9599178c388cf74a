"""Sensors: each user's code status and, per lock, where their code stands.

* ``<user> code status`` (enum: pending, active, failed) on the hub device.
  It is ``pending`` while a change of the user waits to reach the hub or the
  hub has not activated the new code yet, and ``failed`` when the hub refused
  the user's last change after its caller had stopped waiting (a replay).
* ``<user> code last changed`` (timestamp, diagnostic) on the hub device.
Where each user's code stands on each lock (pending, in_sync, removing,
failed, and the lock's reason when it failed) is in the code status sensor's
``locks`` and ``lock_errors`` attributes, by lock name. Earlier versions had a
sensor per user and lock (4,000 registry entries on a site of 250 users and
16 locks); set-up removes what is left of them from the entity registry.

Sensors appear and disappear with users; each one writes its state only when
its own value changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
import re
from typing import Any, override

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .cloud import cloud_sensors
from .coordinator import AlarmHubConfigEntry, AlarmHubCoordinator, every
from .entity import AlarmHubEntity
from .panels.hub import CodeStatus, HubState, User
from .pending import ChangeQueue
from .temporary_codes import async_add_temporary_code_sensors
from .user_schedules import async_add_schedule_sensors

PARALLEL_UPDATES = 0


def code_status(user: User, queue: ChangeQueue) -> str:
    """Return a user's code status, counting changes not on the hub yet."""
    if user.slot in queue.failures:
        return CodeStatus.FAILED.value
    if user.slot in queue.waiting_slots:
        return CodeStatus.PENDING.value
    return user.status.value


@dataclass(frozen=True, kw_only=True)
class UserSensorDescription(SensorEntityDescription):
    """A sensor about each user."""

    value_fn: Callable[[User, ChangeQueue], str | datetime | None]
    attributes_fn: Callable[[User, HubState], dict[str, Any] | None] = (
        lambda _user, _state: None
    )


def lock_sync_attributes(user: User, state: HubState) -> dict[str, Any] | None:
    """Return where the user's code stands on each lock, by lock name."""
    locks = {k: v for k, v in user.locks.items() if k in state.locks}
    if not locks:
        return None
    attributes: dict[str, Any] = {
        "locks": {state.locks[k].name: sync.value for k, sync in locks.items()}
    }
    if errors := {
        state.locks[k].name: r for k, r in user.lock_errors.items() if k in locks
    }:
        attributes["lock_errors"] = errors
    return attributes


USER_SENSORS: tuple[UserSensorDescription, ...] = (
    UserSensorDescription(
        key="code_status",
        translation_key="user_code_status",
        device_class=SensorDeviceClass.ENUM,
        options=[status.value for status in CodeStatus],
        value_fn=code_status,
        attributes_fn=lock_sync_attributes,
    ),
    UserSensorDescription(
        key="code_changed",
        translation_key="user_code_changed",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda user, _: user.last_changed,
    ),
)

#: Unique ids of the per-lock code sync sensors earlier versions made:
#: ``<serial>_user_<uid>_lock_<lock id>_code``.
_LOCK_SYNC_ID = re.compile(r"_user_.+_lock_.+_code")


@callback
def async_remove_lock_sync_sensors(
    hass: HomeAssistant, entry: AlarmHubConfigEntry
) -> None:
    """Remove the per-lock code sync sensors of earlier versions from the registry."""
    registry = er.async_get(hass)
    serial = entry.runtime_data.info.serial
    for entity in er.async_entries_for_config_entry(registry, entry.entry_id):
        unique_id = entity.unique_id
        if (
            entity.domain == "sensor"
            and unique_id.startswith(serial)
            and _LOCK_SYNC_ID.fullmatch(unique_id, len(serial))
        ):
            registry.async_remove(entity.entity_id)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: AlarmHubConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add sensors as users appear and their codes reach locks."""
    coordinator = entry.runtime_data
    queue = coordinator.changes
    known: set[tuple[str, ...]] = set()

    @callback
    def add_new_sensors() -> None:
        wanted: set[tuple[str, ...]] = set()
        new: list[SensorEntity] = []
        # An event about one user can only add that user's sensors.
        for user in coordinator.updated_users():
            for description in USER_SENSORS:
                key: tuple[str, ...] = (user.uid, description.key)
                if key not in known:
                    new.append(
                        AlarmHubUserSensor(coordinator, queue, user.slot, description)
                    )
                wanted.add(key)
        if coordinator.updated_topics is None:
            known.clear()  # gone ones may come back later
        known.update(wanted)
        if new:
            async_add_entities(new)

    async_remove_lock_sync_sensors(hass, entry)
    async_add_entities(cloud_sensors(coordinator))
    async_add_schedule_sensors(entry, async_add_entities)
    async_add_temporary_code_sensors(entry, async_add_entities)
    add_new_sensors()
    entry.async_on_unload(
        coordinator.async_add_listener(add_new_sensors, every("user"))
    )


type _Snapshot = tuple[str | datetime | None, dict[str, Any] | None]


class AlarmHubUserSensor(AlarmHubEntity, SensorEntity):
    """One fact about a user, on the hub device."""

    entity_description: UserSensorDescription

    def __init__(
        self,
        coordinator: AlarmHubCoordinator,
        queue: ChangeQueue,
        slot: int,
        description: UserSensorDescription,
    ) -> None:
        """Show ``description`` for the user in ``slot``."""
        user = coordinator.data.users[str(slot)]
        self.uid = user.uid
        super().__init__(
            coordinator, f"user_{user.uid}_{description.key}", topic=("user", str(slot))
        )
        self.entity_description = description
        self.slot = slot
        self.queue = queue
        self._attr_translation_placeholders = {"user": user.name}
        #: [the snapshot] while an update is handled (asked for ~6 times).
        self._held: list[_Snapshot | None] = []

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        self._held = [self._compute()]
        try:
            super()._handle_coordinator_update()
        finally:
            self._held = []

    @override
    def _snapshot(self) -> _Snapshot | None:
        return self._held[0] if self._held else self._compute()

    def _compute(self) -> _Snapshot | None:
        data = self.coordinator.data
        user = data.users.get(str(self.slot))
        if user is None or user.uid != self.uid:  # gone, or someone new
            return None
        description = self.entity_description
        attributes = description.attributes_fn(user, data)
        if description.key == "code_status":  # and the household's locks
            attributes = self.coordinator.household.attributes(self.slot, attributes)
        return description.value_fn(user, self.queue), attributes

    @override
    async def async_added_to_hass(self) -> None:
        """Follow the user's codes on household locks too."""
        await super().async_added_to_hass()
        self.async_on_remove(
            self.coordinator.household.async_add_listener(
                self._handle_coordinator_update
            )
        )

    @property
    @override
    def native_value(self) -> str | datetime | None:
        """Return the user's value."""
        return None if (snapshot := self._snapshot()) is None else snapshot[0]

    @property
    @override
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Return the user's locks and their sync state, where there are any."""
        return None if (snapshot := self._snapshot()) is None else snapshot[1]
