"""Door locks: one lock entity per Zigbee lock, on the lock's own device."""

from __future__ import annotations

from typing import Any, override

from homeassistant.components.lock import LockEntity
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import AlarmHubConfigEntry, AlarmHubCoordinator
from .entity import AlarmHubEntity, async_add_hub_entities, connected_device_info
from .helpers import call_hub
from .panels.base import Capability
from .panels.hub import Lock, LockState

PARALLEL_UPDATES = 0
LOCK_MODEL = "Zigbee door lock"


async def async_setup_entry(
    hass: HomeAssistant,
    entry: AlarmHubConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a lock entity for every lock, now and whenever the hub adds one."""
    coordinator = entry.runtime_data
    async_add_hub_entities(
        entry,
        async_add_entities,
        lambda state: state.locks,
        lambda key: [AlarmHubLock(coordinator, key)],
        kinds=frozenset({"lock"}),
    )


class AlarmHubLock(AlarmHubEntity, LockEntity):
    """A door lock, locked and unlocked through the hub."""

    _attr_name = None

    def __init__(self, coordinator: AlarmHubCoordinator, lock_id: str) -> None:
        """Show one lock, as the main entity of its device."""
        super().__init__(coordinator, f"lock_{lock_id}", topic=("lock", lock_id))
        self.lock_id = lock_id
        lock = coordinator.data.locks[lock_id]
        self._attr_device_info = connected_device_info(
            coordinator, f"lock_{lock_id}", name=lock.name, model=LOCK_MODEL
        )

    @property
    def hub_lock(self) -> Lock | None:
        """Return the lock as last reported."""
        return self.coordinator.data.locks.get(self.lock_id)

    @override
    def _snapshot(self) -> Lock | None:
        return self.hub_lock

    @property
    @override
    def available(self) -> bool:
        """Return True while the hub and the lock answer."""
        return super().available and (lock := self.hub_lock) is not None and lock.online

    def _state_is(self, state: LockState) -> bool | None:
        return None if (lock := self.hub_lock) is None else lock.state is state

    @property
    @override
    def is_locked(self) -> bool | None:
        """Return True when the bolt is thrown."""
        return self._state_is(LockState.LOCKED)

    @property
    @override
    def is_locking(self) -> bool | None:
        """Return True while the bolt moves out."""
        return self._state_is(LockState.LOCKING)

    @property
    @override
    def is_unlocking(self) -> bool | None:
        """Return True while the bolt moves in."""
        return self._state_is(LockState.UNLOCKING)

    @property
    @override
    def is_jammed(self) -> bool | None:
        """Return True when the bolt got stuck."""
        return self._state_is(LockState.JAMMED)

    @override
    async def async_lock(self, **kwargs: Any) -> None:
        """Lock the door."""
        await call_hub(
            self.coordinator.hub_client(Capability.LOCKS).request(
                "lock", lock=self.lock_id
            )
        )

    @override
    async def async_unlock(self, **kwargs: Any) -> None:
        """Unlock the door."""
        await call_hub(
            self.coordinator.hub_client(Capability.LOCKS).request(
                "unlock", lock=self.lock_id
            )
        )
