"""Base entity for AlarmHub."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, override

from homeassistant.core import callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.device_registry import ChildDeviceInfo, DeviceInfo
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DOMAIN, MANUFACTURER
from .coordinator import AlarmHubConfigEntry, AlarmHubCoordinator, Topic, every
from .panels.hub import HubInfo, HubState


class AlarmHubEntity(CoordinatorEntity[AlarmHubCoordinator]):
    """An entity fed by the hub's coordinator.

    Subclasses say which slice of the hub's state they show through
    :meth:`_snapshot`; the entity writes its state only when that slice (or
    availability) changed, so a refresh that changes nothing writes nothing.
    An entity that shows one hub object and nothing else passes its ``topic``
    (``("zone", zone_id)``): events about other objects then skip it.
    """

    _attr_has_entity_name = True

    def __init__(
        self,
        coordinator: AlarmHubCoordinator,
        key: str,
        *,
        topic: Topic | frozenset[Topic] | None = None,
    ) -> None:
        """Attach to the hub device by default."""
        super().__init__(coordinator, context=topic)
        serial = coordinator.info.serial
        self._attr_unique_id = f"{serial}_{key}"
        self._attr_device_info: DeviceInfo | ChildDeviceInfo = hub_device_info(
            coordinator.info
        )
        self._last_snapshot: Any = None

    def _snapshot(self) -> Any:
        """Return what this entity shows; compared to skip needless writes."""
        return None

    @property
    @override
    def available(self) -> bool:
        """Return True while the hub is connected and the object exists."""
        return super().available and self._snapshot() is not None

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        if self.coordinator.last_update_success and self._snapshot() is None:
            # The hub no longer has this object: the entity goes with it.
            if self.registry_entry is not None:
                er.async_get(self.hass).async_remove(self.entity_id)
            return
        snapshot = (self.available, self._snapshot())
        if snapshot == self._last_snapshot:
            return
        self._last_snapshot = snapshot
        self.async_write_ha_state()

    @override
    async def async_added_to_hass(self) -> None:
        """Remember what the first state write shows."""
        await super().async_added_to_hass()
        self._last_snapshot = (self.available, self._snapshot())


@callback
def async_add_hub_entities(
    entry: AlarmHubConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    keys: Callable[[HubState], Iterable[str]],
    create: Callable[[str], Iterable[Entity]],
    *,
    kinds: frozenset[str] | None = None,
) -> None:
    """Add entities for each hub object now, and whenever the hub adds one.

    ``keys`` lists the objects' ids in the hub's state; ``create`` makes the
    entities of one. An object the hub removes takes its entities with it
    (see ``AlarmHubEntity``); if it comes back, it gets them again. ``kinds``
    names the objects ``keys`` reads (``{"zone"}``): an update of one object
    of another kind then does not list them (syncing codes onto locks updates
    users thousands of times).
    """
    coordinator = entry.runtime_data
    known: set[str] = set()

    @callback
    def add_new() -> None:
        current = list(keys(coordinator.data))
        known.intersection_update(current)
        new = [key for key in current if key not in known]
        known.update(new)
        async_add_entities(entity for key in new for entity in create(key))

    add_new()
    topics = None if kinds is None else every(*kinds)
    entry.async_on_unload(coordinator.async_add_listener(add_new, topics))


def hub_device_info(info: HubInfo) -> DeviceInfo:
    """Return the hub's device."""
    return DeviceInfo(
        identifiers={(DOMAIN, info.serial)},
        manufacturer=info.manufacturer,
        model=info.model,
        name=info.name,
        serial_number=info.serial,
        sw_version=info.firmware,
    )


def partition_device_info(
    coordinator: AlarmHubCoordinator, partition_id: str
) -> ChildDeviceInfo:
    """Return a partition's device: a logical part of the hub."""
    partition = coordinator.data.partitions[partition_id]
    return ChildDeviceInfo(
        identifiers={(DOMAIN, f"{coordinator.info.serial}_partition_{partition_id}")},
        parent_device_id=coordinator.hub_device_id,
        name=partition.name,
    )


def connected_device_info(
    coordinator: AlarmHubCoordinator, key: str, *, name: str, model: str
) -> DeviceInfo:
    """Return a device reached through the hub (a lock, a recorder)."""
    return DeviceInfo(
        identifiers={(DOMAIN, f"{coordinator.info.serial}_{key}")},
        manufacturer=MANUFACTURER,
        model=model,
        name=name,
        via_device_id=coordinator.hub_device_id,
    )
