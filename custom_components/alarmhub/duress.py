"""Duress: a silent alarm raised by the duress code.

The hub disarms with the duress code exactly as with a user's code (a person
at the keypad sees nothing different) and sends a ``duress`` event. Home
Assistant gets it as the ``alarmhub_duress`` bus event and as a ``Duress``
problem sensor on the partition's device, on from that event until the
partition is next armed. The sensor remembers its state across restarts, so a
duress raised while HA was stopping is not lost.
"""

from __future__ import annotations

from typing import override

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.const import STATE_ON
from homeassistant.core import Event, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.restore_state import RestoreEntity

from .const import DOMAIN
from .coordinator import AlarmHubConfigEntry, AlarmHubCoordinator
from .entity import AlarmHubEntity, async_add_hub_entities, partition_device_info
from .panels.base import Capability
from .panels.hub import PartitionState

#: The bus event a duress disarm fires.
DURESS_EVENT = f"{DOMAIN}_duress"
#: States that end a duress: the household armed again.
ARMED = frozenset(
    {
        PartitionState.ARMED_AWAY,
        PartitionState.ARMED_STAY,
        PartitionState.ARMED_NIGHT,
    }
)


def async_add_duress_sensors(
    entry: AlarmHubConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add a duress sensor per partition of a hub (which reports duress)."""
    coordinator = entry.runtime_data
    if Capability.DURESS not in coordinator.client.capabilities:
        return
    async_add_hub_entities(
        entry,
        async_add_entities,
        lambda state: state.partitions,
        lambda key: [AlarmHubDuressSensor(coordinator, key)],
        kinds=frozenset({"partition"}),
    )


class AlarmHubDuressSensor(AlarmHubEntity, BinarySensorEntity, RestoreEntity):
    """On after a duress disarm of the partition, until it is armed again."""

    entity_description = BinarySensorEntityDescription(
        key="duress",
        translation_key="duress",
        device_class=BinarySensorDeviceClass.PROBLEM,
    )

    def __init__(self, coordinator: AlarmHubCoordinator, partition_id: str) -> None:
        """Watch one partition for duress."""
        super().__init__(
            coordinator,
            f"partition_{partition_id}_duress",
            topic=("partition", partition_id),
        )
        self.partition_id = partition_id
        self._attr_device_info = partition_device_info(coordinator, partition_id)
        self._attr_is_on = False

    @override
    async def async_added_to_hass(self) -> None:
        """Restore the last state; listen for duress events."""
        await super().async_added_to_hass()
        if (last := await self.async_get_last_state()) is not None:
            self._attr_is_on = last.state == STATE_ON
        self.async_on_remove(
            self.hass.bus.async_listen(DURESS_EVENT, self._async_duress)
        )

    @callback
    def _async_duress(self, event: Event) -> None:
        if (
            event.data.get("config_entry_id") == self.coordinator.config_entry.entry_id
            and event.data.get("partition") == self.partition_id
        ):
            self._attr_is_on = True
            self.async_write_ha_state()

    @override
    def _snapshot(self) -> tuple[bool] | None:
        partition = self.coordinator.data.partitions.get(self.partition_id)
        if partition is None:
            return None
        if partition.state in ARMED:
            self._attr_is_on = False
        return (bool(self._attr_is_on),)
