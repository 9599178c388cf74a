"""Options of an AlarmDecoder entry: its zones, named and typed by the user.

The keypad bus does not say what a zone is: a zone nobody described appears
as "Zone NN" when it faults; the options flow names and types it, and the
entity follows (the entry reloads).
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alarmhub.const import CONF_ZONES
from simulator.ad2 import AD2Server
from simulator.clock import ManualClock

from .conftest import PREFIX, ZONES
from .helpers import wait_for, wait_state

KITCHEN_WINDOW = 8  # in the panel's zone list, not in the options


async def _menu(hass: HomeAssistant, entry: MockConfigEntry, step: str) -> dict:
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == ["arming", "zone", "zone_remove"]
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": step}
    )
    return dict(result)


async def test_a_faulted_zone_appears_then_is_named(
    hass: HomeAssistant,
    setup_ad2: MockConfigEntry,
    ad2: AD2Server,
    ad2_clock: ManualClock,
    entity_registry: er.EntityRegistry,
) -> None:
    """Zone 08 faults: "Zone 08" appears, offered first; named, the entity follows."""
    ad2.panel.set_zone(KITCHEN_WINDOW, True)
    state = await wait_state(hass, f"binary_sensor.{PREFIX}_zone_08", "on")
    entity_id = state.entity_id
    unique_id = entity_registry.async_get(entity_id).unique_id

    result = await _menu(hass, setup_ad2, "zone")
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "zone"
    described = result["description_placeholders"]["zones"]
    assert "05 Front door" in described
    assert "08" not in described
    suggested = {
        str(key): key.description["suggested_value"]
        for key in result["data_schema"].schema
        if key.description and "suggested_value" in key.description
    }
    assert suggested == {"zone": KITCHEN_WINDOW, "type": "other"}

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"zone": 8.0, "name": " Kitchen window ", "type": "window"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert setup_ad2.options[CONF_ZONES]["8"] == {
        "name": "Kitchen window",
        "type": "window",
    }
    await hass.async_block_till_done()
    # The same entity (same unique id), now named and typed as a window.
    entry = entity_registry.async_get_entity_id("binary_sensor", "alarmhub", unique_id)
    assert entry is not None
    state = await wait_for(
        hass,
        entry,
        lambda s: s.attributes.get("friendly_name") == "Alarm Kitchen window",
    )
    assert state.attributes["device_class"] == "window"
    # The reloaded entry learns the fault again from the next keypad round.
    ad2_clock.advance(ad2.device.site.keypad_interval)
    await wait_state(hass, entry, "on")
    ad2.panel.set_zone(KITCHEN_WINDOW, False)
    ad2_clock.advance(ad2.device.site.keypad_interval)
    await wait_state(hass, entry, "off")


async def test_describe_a_zone_that_never_faulted(
    hass: HomeAssistant, setup_ad2: MockConfigEntry
) -> None:
    """With every seen zone described, the form suggests a door, no number."""
    result = await _menu(hass, setup_ad2, "zone")
    suggested = {
        str(key): key.description["suggested_value"]
        for key in result["data_schema"].schema
        if key.description and "suggested_value" in key.description
    }
    assert suggested == {"type": "door"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"zone": 6, "name": "Patio door", "type": "door"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert setup_ad2.options[CONF_ZONES]["6"]["name"] == "Patio door"
    await hass.async_block_till_done()
    await wait_for(
        hass,
        f"binary_sensor.{PREFIX}_back_door",
        lambda s: s.attributes.get("friendly_name") == "Alarm Patio door",
    )


async def test_forget_zones(hass: HomeAssistant, setup_ad2: MockConfigEntry) -> None:
    """Forgetting zones drops them from the options; the others stay."""
    result = await _menu(hass, setup_ad2, "zone_remove")
    assert result["type"] is FlowResultType.FORM
    (key,) = result["data_schema"].schema
    labels = [o["label"] for o in result["data_schema"].schema[key].config["options"]]
    assert labels == [f"{int(n):02d} {z['name']}" for n, z in ZONES.items()]
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"zones": ["7", "3"]}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert sorted(setup_ad2.options[CONF_ZONES]) == ["1", "5", "6"]
    await hass.async_block_till_done()


@pytest.mark.parametrize("zones", [{}])
async def test_nothing_to_forget(
    hass: HomeAssistant, setup_ad2: MockConfigEntry
) -> None:
    """No zone described yet: the remove step says so."""
    result = await _menu(hass, setup_ad2, "zone_remove")
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "no_zones"


async def test_arming_options_keep_the_zones(
    hass: HomeAssistant, setup_ad2: MockConfigEntry
) -> None:
    """Arming defaults are saved beside the zones, which stay as they were."""
    result = await _menu(hass, setup_ad2, "arming")
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "arming"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"arm_away_options": ["no_entry_delay"]}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert setup_ad2.options["arm_away_options"] == ["no_entry_delay"]
    assert setup_ad2.options[CONF_ZONES] == ZONES
    await hass.async_block_till_done()


async def test_zone_form_of_an_unloaded_entry(
    hass: HomeAssistant, setup_ad2: MockConfigEntry
) -> None:
    """Unloaded, no zone is suggested (nothing was seen); naming still works."""
    await hass.config_entries.async_unload(setup_ad2.entry_id)
    await hass.async_block_till_done()
    result = await _menu(hass, setup_ad2, "zone")
    assert result["type"] is FlowResultType.FORM
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"zone": 28, "name": "Garage door", "type": "garage_door"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert setup_ad2.options[CONF_ZONES]["28"]["type"] == "garage_door"
