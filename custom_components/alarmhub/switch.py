"""Bypass switches, one per zone that arming would watch; chime per partition.

A bypassed zone is ignored by the panel until the partition is disarmed, when
the panel clears every bypass (and the switches follow, pushed by the hub).
The hub accepts bypass changes only while the partition is disarmed; trying
while armed is refused with an error naming the partition. Smoke, CO and
water zones are always armed and cannot be bypassed, so they have no switch.

A panel with a chime (a Vista or DSC) gets a chime switch per partition: the
keypad beeps when a door opens while disarmed.
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
from .panels.base import Capability, ChimePanel
from .panels.hub import ZoneType

PARALLEL_UPDATES = 0

#: Zones whose sensors are never armed off: nothing to bypass.
ALWAYS_ARMED = frozenset({ZoneType.SMOKE, ZoneType.CO, ZoneType.WATER})


async def async_setup_entry(
    hass: HomeAssistant,
    entry: AlarmHubConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add bypass switches (and chime switches), now and when zones are added."""
    coordinator = entry.runtime_data
    capabilities = coordinator.client.capabilities
    if Capability.BYPASS in capabilities:
        async_add_hub_entities(
            entry,
            async_add_entities,
            lambda state: [
                z.id for z in state.zones.values() if z.type not in ALWAYS_ARMED
            ],
            lambda key: [AlarmHubBypassSwitch(coordinator, key)],
            kinds=frozenset({"zone"}),
        )
    if Capability.CHIME in capabilities:
        async_add_hub_entities(
            entry,
            async_add_entities,
            lambda state: [
                p.id for p in state.partitions.values() if p.chime is not None
            ],
            lambda key: [AlarmHubChimeSwitch(coordinator, key)],
            kinds=frozenset({"partition"}),
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


class AlarmHubChimeSwitch(AlarmHubEntity, SwitchEntity):
    """On while the partition's chime is on."""

    _attr_entity_category = EntityCategory.CONFIG
    _attr_translation_key = "chime"

    def __init__(self, coordinator: AlarmHubCoordinator, partition_id: str) -> None:
        """Control one partition's chime, on its device."""
        super().__init__(
            coordinator,
            f"partition_{partition_id}_chime",
            topic=("partition", partition_id),
        )
        self.partition_id = partition_id
        self._attr_device_info = partition_device_info(coordinator, partition_id)

    @override
    def _snapshot(self) -> bool | None:
        partition = self.coordinator.data.partitions.get(self.partition_id)
        return None if partition is None else partition.chime

    @property
    @override
    def is_on(self) -> bool | None:
        """Return True while the chime is on."""
        return self._snapshot()

    async def _set(self, on: bool) -> None:
        panel = self.coordinator.require(Capability.CHIME)
        if not isinstance(panel, ChimePanel):  # pragma: no cover - declared above
            raise TypeError(panel)
        await call_hub(panel.set_chime(self.partition_id, on))

    @override
    async def async_turn_on(self, **kwargs: Any) -> None:
        """Turn the chime on."""
        await self._set(True)

    @override
    async def async_turn_off(self, **kwargs: Any) -> None:
        """Turn the chime off."""
        await self._set(False)
