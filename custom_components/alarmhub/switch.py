"""Bypass switches: one per zone that arming would watch.

A bypassed zone is ignored by the panel until the partition is disarmed, when
the panel clears every bypass (and the switches follow, pushed by the hub).
The hub accepts bypass changes only while the partition is disarmed; trying
while armed is refused with an error naming the partition. Smoke, CO and
water zones are always armed and cannot be bypassed, so they have no switch.
"""

from __future__ import annotations

from typing import Any, override

from homeassistant.components.switch import SwitchEntity
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import AlarmHubConfigEntry, AlarmHubCoordinator
from .entity import AlarmHubEntity, async_add_hub_entities, partition_device_info
from .helpers import call_hub
from .panels.hub import ZoneType

PARALLEL_UPDATES = 0

#: Zones whose sensors are never armed off: nothing to bypass.
ALWAYS_ARMED = frozenset({ZoneType.SMOKE, ZoneType.CO, ZoneType.WATER})


async def async_setup_entry(
    hass: HomeAssistant,
    entry: AlarmHubConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a bypass switch for every bypassable zone, now and when added."""
    coordinator = entry.runtime_data
    async_add_hub_entities(
        entry,
        async_add_entities,
        lambda state: [
            z.id for z in state.zones.values() if z.type not in ALWAYS_ARMED
        ],
        lambda key: [AlarmHubBypassSwitch(coordinator, key)],
    )


class AlarmHubBypassSwitch(AlarmHubEntity, SwitchEntity):
    """On while the zone is bypassed."""

    _attr_entity_category = EntityCategory.CONFIG
    _attr_translation_key = "bypass"

    def __init__(self, coordinator: AlarmHubCoordinator, zone_id: str) -> None:
        """Control one zone's bypass, on its partition's device."""
        super().__init__(coordinator, f"zone_{zone_id}_bypass", topic=("zone", zone_id))
        self.zone_id = zone_id
        zone = coordinator.data.zones[zone_id]
        self._attr_translation_placeholders = {"zone": zone.name}
        self._attr_device_info = partition_device_info(coordinator, zone.partition)

    @override
    def _snapshot(self) -> tuple[str, bool] | None:
        zone = self.coordinator.data.zones.get(self.zone_id)
        return None if zone is None else (zone.name, zone.bypassed)

    @property
    @override
    def is_on(self) -> bool | None:
        """Return True while the zone is bypassed."""
        zone = self.coordinator.data.zones.get(self.zone_id)
        return zone.bypassed if zone else None

    @override
    async def async_turn_on(self, **kwargs: Any) -> None:
        """Bypass the zone."""
        await call_hub(self.coordinator.client.bypass(self.zone_id, True))

    @override
    async def async_turn_off(self, **kwargs: Any) -> None:
        """Stop bypassing the zone."""
        await call_hub(self.coordinator.client.bypass(self.zone_id, False))
