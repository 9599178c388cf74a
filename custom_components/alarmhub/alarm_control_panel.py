"""Alarm panels: one per partition."""

from __future__ import annotations

from typing import Any, override

from homeassistant.components.alarm_control_panel import AlarmControlPanelEntity
from homeassistant.components.alarm_control_panel.const import (
    AlarmControlPanelEntityFeature,
    AlarmControlPanelState,
    CodeFormat,
)
from homeassistant.core import HomeAssistant, ServiceResponse
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import ARM_OPTIONS_KEY, DOMAIN
from .coordinator import AlarmHubConfigEntry, AlarmHubCoordinator
from .entity import AlarmHubEntity, async_add_hub_entities, partition_device_info
from .helpers import call_hub, checked_code
from .panels.base import Capability
from .panels.hub import ArmMode, ArmOption, Partition, PartitionState

PARALLEL_UPDATES = 0

STATES = {
    PartitionState.DISARMED: AlarmControlPanelState.DISARMED,
    PartitionState.ARMING: AlarmControlPanelState.ARMING,
    PartitionState.ARMED_STAY: AlarmControlPanelState.ARMED_HOME,
    PartitionState.ARMED_AWAY: AlarmControlPanelState.ARMED_AWAY,
    PartitionState.ARMED_NIGHT: AlarmControlPanelState.ARMED_NIGHT,
    PartitionState.PENDING: AlarmControlPanelState.PENDING,
    PartitionState.TRIGGERED: AlarmControlPanelState.TRIGGERED,
}

#: The arm modes a panel may have, as HA features.
FEATURES = {
    Capability.ARM_HOME: AlarmControlPanelEntityFeature.ARM_HOME,
    Capability.ARM_AWAY: AlarmControlPanelEntityFeature.ARM_AWAY,
    Capability.ARM_NIGHT: AlarmControlPanelEntityFeature.ARM_NIGHT,
}


async def async_setup_entry(
    hass: HomeAssistant,
    entry: AlarmHubConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a panel for every partition, now and whenever the hub adds one."""
    coordinator = entry.runtime_data
    async_add_hub_entities(
        entry,
        async_add_entities,
        lambda state: state.partitions,
        lambda partition_id: [AlarmHubPanel(coordinator, partition_id)],
        kinds=frozenset({"partition"}),
    )


class AlarmHubPanel(AlarmHubEntity, AlarmControlPanelEntity):
    """One partition's alarm panel."""

    _attr_name = None
    _attr_code_format = CodeFormat.NUMBER
    _attr_code_arm_required = False

    def __init__(self, coordinator: AlarmHubCoordinator, partition_id: str) -> None:
        """Show one partition, with the arm modes its panel has."""
        super().__init__(
            coordinator, f"partition_{partition_id}", topic=("partition", partition_id)
        )
        capabilities = coordinator.client.capabilities
        self._attr_supported_features = AlarmControlPanelEntityFeature(0)
        for capability, feature in FEATURES.items():
            if capability in capabilities:
                self._attr_supported_features |= feature
        self.partition_id = partition_id
        self._attr_device_info = partition_device_info(coordinator, partition_id)

    @property
    def partition(self) -> Partition | None:
        """Return the partition as the hub last reported it."""
        return self.coordinator.data.partitions.get(self.partition_id)

    @override
    def _snapshot(self) -> Partition | None:
        return self.partition

    @property
    @override
    def alarm_state(self) -> AlarmControlPanelState | None:
        """Return the panel's state."""
        if (partition := self.partition) is None:
            return None
        return STATES[partition.state]

    @property
    @override
    def changed_by(self) -> str | None:
        """Return who last armed or disarmed (a user's name, never a code)."""
        return self.partition.changed_by if self.partition else None

    @property
    @override
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Return readiness and the open and bypassed zones, by name."""
        if (partition := self.partition) is None:
            return None
        zones = self.coordinator.data.zones
        return {
            "ready": partition.ready,
            "open_zones": [zones[z].name for z in partition.open_zones if z in zones],
            "bypassed_zones": [
                zones[z].name for z in partition.bypassed_zones if z in zones
            ],
        }

    async def _arm(self, mode: ArmMode, code: str | None) -> None:
        """Arm with the mode's default options, those this partition supports."""
        defaults = self.coordinator.config_entry.options.get(
            ARM_OPTIONS_KEY.format(mode=mode.value), []
        )
        supported = self.partition.supported_options if self.partition else frozenset()
        options = frozenset(ArmOption(option) for option in defaults) & supported
        await self.async_arm(mode, code=code, options=options)

    async def async_arm_service(
        self, mode: str, options: list[str] | None = None, code: str | None = None
    ) -> ServiceResponse:
        """Handle ``alarmhub.arm``: arm with exactly these options.

        Options the partition does not support are refused by the hub, with
        a translated error naming them. Returns the zones bypassed by force.
        """
        result = await self.async_arm(
            ArmMode(mode),
            code=code,
            options=frozenset(ArmOption(option) for option in options or []),
        )
        bypassed = result.get("bypassed", [])
        return {
            "bypassed_zones": [
                str(zone.get("name", "")) for zone in bypassed if isinstance(zone, dict)
            ]
        }

    async def async_arm(
        self,
        mode: ArmMode,
        *,
        code: str | None = None,
        options: frozenset[ArmOption] = frozenset(),
    ) -> dict[str, Any]:
        """Arm with options; return what the hub bypassed."""
        if code:
            checked_code(self.coordinator.info, code)
        return await call_hub(
            self.coordinator.client.arm(
                self.partition_id, mode, code=code or None, options=options
            )
        )

    @override
    async def async_alarm_arm_home(self, code: str | None = None) -> None:
        """Arm stay."""
        await self._arm(ArmMode.STAY, code)

    @override
    async def async_alarm_arm_away(self, code: str | None = None) -> None:
        """Arm away."""
        await self._arm(ArmMode.AWAY, code)

    @override
    async def async_alarm_arm_night(self, code: str | None = None) -> None:
        """Arm night."""
        await self._arm(ArmMode.NIGHT, code)

    @override
    async def async_alarm_disarm(self, code: str | None = None) -> None:
        """Disarm with a user code."""
        if not code:
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key="code_required"
            )
        code = checked_code(self.coordinator.info, code)
        await call_hub(self.coordinator.client.disarm(self.partition_id, code))
