"""Binary sensors: one per zone, with the device class of its sensor."""

from __future__ import annotations

from typing import override

from homeassistant.components.binary_sensor import BinarySensorEntity
from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import AlarmHubConfigEntry, AlarmHubCoordinator
from .entity import AlarmHubEntity, partition_device_info
from .hub import Zone, ZoneType

PARALLEL_UPDATES = 0

DEVICE_CLASSES = {
    ZoneType.DOOR: BinarySensorDeviceClass.DOOR,
    ZoneType.WINDOW: BinarySensorDeviceClass.WINDOW,
    ZoneType.GARAGE_DOOR: BinarySensorDeviceClass.GARAGE_DOOR,
    ZoneType.MOTION: BinarySensorDeviceClass.MOTION,
    ZoneType.SMOKE: BinarySensorDeviceClass.SMOKE,
    ZoneType.CO: BinarySensorDeviceClass.CO,
    ZoneType.GLASS_BREAK: BinarySensorDeviceClass.VIBRATION,
    ZoneType.WATER: BinarySensorDeviceClass.MOISTURE,
}


async def async_setup_entry(
    hass: HomeAssistant,
    entry: AlarmHubConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a sensor for every zone, now and whenever the hub adds one."""
    coordinator = entry.runtime_data
    known: set[str] = set()

    @callback
    def add_new_zones() -> None:
        new = [zone_id for zone_id in coordinator.data.zones if zone_id not in known]
        known.update(new)
        async_add_entities(AlarmHubZoneSensor(coordinator, zone_id) for zone_id in new)

    add_new_zones()
    entry.async_on_unload(coordinator.async_add_listener(add_new_zones))


class AlarmHubZoneSensor(AlarmHubEntity, BinarySensorEntity):
    """A zone: on when open, faulted or sensing motion."""

    def __init__(self, coordinator: AlarmHubCoordinator, zone_id: str) -> None:
        """Show one zone, on its partition's device."""
        super().__init__(coordinator, f"zone_{zone_id}")
        self.zone_id = zone_id
        zone = coordinator.data.zones[zone_id]
        self._attr_name = zone.name
        self._attr_device_class = DEVICE_CLASSES[zone.type]
        self._attr_device_info = partition_device_info(coordinator, zone.partition)

    @property
    def zone(self) -> Zone | None:
        """Return the zone as last reported."""
        return self.coordinator.data.zones.get(self.zone_id)

    @override
    def _snapshot(self) -> Zone | None:
        return self.zone

    @property
    @override
    def is_on(self) -> bool | None:
        """Return True when the zone is open."""
        return self.zone.open if self.zone else None
