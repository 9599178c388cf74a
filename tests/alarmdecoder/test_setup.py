"""Set-up against the emulated Vista: entities for what a Vista can do."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from .conftest import PANEL


async def test_entities(
    hass: HomeAssistant, setup_ad2: MockConfigEntry, entity_registry: er.EntityRegistry
) -> None:
    """A panel, named zones, bypass and chime switches, trouble sensors."""
    print(sorted((s.entity_id, s.state, s.name) for s in hass.states.async_all()))
    entities = er.async_entries_for_config_entry(entity_registry, setup_ad2.entry_id)
    print(sorted(e.entity_id for e in entities))
    assert 0
