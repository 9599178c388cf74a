"""The per-lock code sync sensors are gone; set-up removes what is left of them.

Earlier versions made a sensor per user and lock (disabled by default, but a
registry entry each: 4,000 on a site of 250 users and 16 locks). Where a code
stands on each lock is on the user's code status sensor now.
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alarmhub.const import DOMAIN

from .codes_helpers import FRONT, action, lock_sync

SERIAL = "AH1000001"


async def test_setup_removes_the_old_lock_sync_sensors(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """Old sync sensors of this entry go; its other sensors and others' stay."""
    config_entry.add_to_hass(hass)
    other = MockConfigEntry(domain=DOMAIN, unique_id="AH9999999")
    other.add_to_hass(hass)
    registry = er.async_get(hass)

    def add(unique_id: str, entry: MockConfigEntry = config_entry) -> str:
        return registry.async_get_or_create(
            "sensor",
            DOMAIN,
            unique_id,
            config_entry=entry,
            disabled_by=er.RegistryEntryDisabler.INTEGRATION,
        ).entity_id

    old = [
        add(f"{SERIAL}_user_1_lock_1_code"),
        add(f"{SERIAL}_user_4-2_lock_2_code"),  # a slot's later user
    ]
    kept = [
        add(f"{SERIAL}_user_1_code_status"),
        add(f"{SERIAL}_user_1_next_code_change"),
        add("AH9999999_user_1_lock_1_code", other),  # another hub's entry
    ]

    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()

    assert [e for e in old if registry.async_get(e) is not None] == []
    assert all(registry.async_get(e) is not None for e in kept)
    await hass.config_entries.async_unload(config_entry.entry_id)


async def test_no_sensor_per_lock_the_status_sensor_tells(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A code reaching a lock adds no entity; the user's status sensor says it."""
    registry = er.async_get(hass)
    before = len(registry.entities)
    await action(
        hass,
        "add_code_to_locks",
        init_integration.entry_id,
        slot=1,
        code="4826",
        locks=[FRONT],
    )
    assert lock_sync(hass, "1", "1") == ("in_sync", None)
    assert len(registry.entities) == before
