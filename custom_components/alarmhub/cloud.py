"""Sensors of the account's cloud clip store: uploads and storage, used and allowed.

The sensor platform adds these (see ``sensor.py``) when the hub reports a
cloud store; the hub announces every change with a ``cloud`` event, so they
follow uploads at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, override

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import EntityCategory, UnitOfInformation

from .coordinator import AlarmHubCoordinator
from .entity import AlarmHubEntity
from .panels.models import CloudStatus

CLOUD_ID: Final = "account"


@dataclass(frozen=True, kw_only=True)
class CloudSensorDescription(SensorEntityDescription):
    """One counter or limit of the cloud store."""

    value_fn: Callable[[CloudStatus], int]


CLOUD_SENSORS: tuple[CloudSensorDescription, ...] = (
    CloudSensorDescription(
        key="cloud_uploads",
        translation_key="cloud_uploads",
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda cloud: cloud.uploads,
    ),
    CloudSensorDescription(
        key="cloud_upload_limit",
        translation_key="cloud_upload_limit",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda cloud: cloud.upload_limit,
    ),
    CloudSensorDescription(
        key="cloud_storage_used",
        translation_key="cloud_storage_used",
        device_class=SensorDeviceClass.DATA_SIZE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfInformation.BYTES,
        suggested_unit_of_measurement=UnitOfInformation.MEGABYTES,
        suggested_display_precision=1,
        value_fn=lambda cloud: cloud.storage_used,
    ),
    CloudSensorDescription(
        key="cloud_storage_limit",
        translation_key="cloud_storage_limit",
        device_class=SensorDeviceClass.DATA_SIZE,
        entity_category=EntityCategory.DIAGNOSTIC,
        native_unit_of_measurement=UnitOfInformation.BYTES,
        suggested_unit_of_measurement=UnitOfInformation.MEGABYTES,
        suggested_display_precision=0,
        value_fn=lambda cloud: cloud.storage_limit,
    ),
)


def cloud_sensors(coordinator: AlarmHubCoordinator) -> list[SensorEntity]:
    """Return the cloud store's sensors, if the hub has a cloud store."""
    if CLOUD_ID not in coordinator.data.clouds:
        return []
    return [
        AlarmHubCloudSensor(coordinator, description) for description in CLOUD_SENSORS
    ]


class AlarmHubCloudSensor(AlarmHubEntity, SensorEntity):
    """A counter or limit of the cloud clip store, on the hub device."""

    entity_description: CloudSensorDescription

    def __init__(
        self, coordinator: AlarmHubCoordinator, description: CloudSensorDescription
    ) -> None:
        """Show ``description`` of the account's store."""
        super().__init__(coordinator, description.key, topic=("cloud", CLOUD_ID))
        self.entity_description = description

    @override
    def _snapshot(self) -> int | None:
        cloud = self.coordinator.data.clouds.get(CLOUD_ID)
        return None if cloud is None else self.entity_description.value_fn(cloud)

    @property
    @override
    def native_value(self) -> int | None:
        """Return the counter or limit."""
        return self._snapshot()
