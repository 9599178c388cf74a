"""Binary sensors of each zone: open/motion, and its sensor's troubles.

* the zone itself (device class of its sensor: door, window, motion, smoke...),
  named after the zone;
* ``<zone> battery`` (diagnostic): on when the sensor reports a low battery;
* ``<zone> tamper`` (diagnostic, disabled by default): on while the sensor's
  cover is open. The panel itself raises tamper as a trouble condition, so
  most homes need no entity for it.

A panel that reports its own troubles (a Vista or DSC through an AlarmDecoder)
also gets, per partition, ``AC power`` and ``Battery`` (diagnostic) and
``Fire`` (on while a fire alarm sounds).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import override

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import AlarmHubConfigEntry, AlarmHubCoordinator
from .duress import async_add_duress_sensors
from .entity import AlarmHubEntity, async_add_hub_entities, partition_device_info
from .panels.base import Capability
from .panels.hub import Partition, Zone, ZoneType

PARALLEL_UPDATES = 0

#: A zone of type ``other`` has no device class (HA shows it as on/off).
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


@dataclass(frozen=True, kw_only=True)
class ZoneTroubleDescription(BinarySensorEntityDescription):
    """A trouble condition a zone's sensor reports."""

    value_fn: Callable[[Zone], bool]


ZONE_TROUBLES: tuple[ZoneTroubleDescription, ...] = (
    ZoneTroubleDescription(
        key="low_battery",
        translation_key="zone_battery",
        device_class=BinarySensorDeviceClass.BATTERY,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda zone: zone.low_battery,
    ),
    ZoneTroubleDescription(
        key="tamper",
        translation_key="zone_tamper",
        device_class=BinarySensorDeviceClass.TAMPER,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda zone: zone.tamper,
    ),
)


@dataclass(frozen=True, kw_only=True)
class PartitionTroubleDescription(BinarySensorEntityDescription):
    """A condition a panel reports for a partition (None: not reported)."""

    value_fn: Callable[[Partition], bool | None]


PARTITION_TROUBLES: tuple[PartitionTroubleDescription, ...] = (
    PartitionTroubleDescription(
        key="ac_power",
        translation_key="ac_power",
        device_class=BinarySensorDeviceClass.POWER,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda partition: partition.ac_power,
    ),
    PartitionTroubleDescription(
        key="low_battery",
        translation_key="panel_battery",
        device_class=BinarySensorDeviceClass.BATTERY,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda partition: partition.low_battery,
    ),
    PartitionTroubleDescription(
        key="fire",
        translation_key="fire",
        device_class=BinarySensorDeviceClass.SMOKE,
        value_fn=lambda partition: partition.fire,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: AlarmHubConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a zone's sensors for every zone, now and whenever the hub adds one."""
    coordinator = entry.runtime_data

    def create(zone_id: str) -> list[AlarmHubEntity]:
        return [
            AlarmHubZoneSensor(coordinator, zone_id),
            *(
                AlarmHubZoneTroubleSensor(coordinator, zone_id, description)
                for description in ZONE_TROUBLES
            ),
        ]

    async_add_hub_entities(
        entry,
        async_add_entities,
        lambda state: state.zones,
        create,
        kinds=frozenset({"zone"}),
    )
    async_add_duress_sensors(entry, async_add_entities)
    if Capability.TROUBLE in coordinator.client.capabilities:
        async_add_hub_entities(
            entry,
            async_add_entities,
            lambda state: state.partitions,
            lambda partition_id: [
                AlarmHubPartitionTroubleSensor(coordinator, partition_id, description)
                for description in PARTITION_TROUBLES
            ],
            kinds=frozenset({"partition"}),
        )


class _ZoneEntity(AlarmHubEntity, BinarySensorEntity):
    """An entity of one zone, on its partition's device."""

    def __init__(
        self, coordinator: AlarmHubCoordinator, zone_id: str, key: str
    ) -> None:
        super().__init__(coordinator, key, topic=("zone", zone_id))
        self.zone_id = zone_id
        zone = coordinator.data.zones[zone_id]
        self._attr_device_info = partition_device_info(coordinator, zone.partition)

    @property
    def zone(self) -> Zone | None:
        """Return the zone as last reported."""
        return self.coordinator.data.zones.get(self.zone_id)


class AlarmHubZoneSensor(_ZoneEntity):
    """A zone: on when open, faulted or sensing motion."""

    def __init__(self, coordinator: AlarmHubCoordinator, zone_id: str) -> None:
        """Show one zone, named after it."""
        super().__init__(coordinator, zone_id, f"zone_{zone_id}")
        zone = coordinator.data.zones[zone_id]
        self._attr_name = zone.name
        self._attr_device_class = DEVICE_CLASSES.get(zone.type)

    @override
    def _snapshot(self) -> tuple[bool, str] | None:
        zone = self.zone
        return None if zone is None else (zone.open, zone.name)

    @property
    @override
    def is_on(self) -> bool | None:
        """Return True when the zone is open."""
        return self.zone.open if self.zone else None


class AlarmHubZoneTroubleSensor(_ZoneEntity):
    """One trouble condition of a zone's sensor."""

    entity_description: ZoneTroubleDescription

    def __init__(
        self,
        coordinator: AlarmHubCoordinator,
        zone_id: str,
        description: ZoneTroubleDescription,
    ) -> None:
        """Show one trouble of one zone."""
        super().__init__(coordinator, zone_id, f"zone_{zone_id}_{description.key}")
        self.entity_description = description
        zone = coordinator.data.zones[zone_id]
        self._attr_translation_placeholders = {"zone": zone.name}

    @override
    def _snapshot(self) -> bool | None:
        zone = self.zone
        return None if zone is None else self.entity_description.value_fn(zone)

    @property
    @override
    def is_on(self) -> bool | None:
        """Return True while the trouble lasts."""
        return self._snapshot()


class AlarmHubPartitionTroubleSensor(AlarmHubEntity, BinarySensorEntity):
    """A condition the panel reports for a partition (power, battery, fire)."""

    entity_description: PartitionTroubleDescription

    def __init__(
        self,
        coordinator: AlarmHubCoordinator,
        partition_id: str,
        description: PartitionTroubleDescription,
    ) -> None:
        """Show one condition of one partition, on its device."""
        super().__init__(
            coordinator,
            f"partition_{partition_id}_{description.key}",
            topic=("partition", partition_id),
        )
        self.partition_id = partition_id
        self.entity_description = description
        self._attr_device_info = partition_device_info(coordinator, partition_id)

    def _value(self) -> bool | None:
        partition = self.coordinator.data.partitions.get(self.partition_id)
        return (
            None if partition is None else self.entity_description.value_fn(partition)
        )

    @override
    def _snapshot(self) -> tuple[bool | None] | None:
        # The partition going away removes the entity; a value the panel
        # stops reporting only makes it unavailable.
        if self.partition_id not in self.coordinator.data.partitions:
            return None
        return (self._value(),)

    @property
    @override
    def available(self) -> bool:
        """Return True while the panel reports this condition."""
        return super().available and self._value() is not None

    @property
    @override
    def is_on(self) -> bool | None:
        """Return True while the condition holds."""
        return self._value()
