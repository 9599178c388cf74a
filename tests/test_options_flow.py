"""Options flow: default arming options per arm mode, used by the panel."""

from __future__ import annotations

from homeassistant.components.alarm_control_panel import DOMAIN as PANEL_DOMAIN
from homeassistant.const import (
    ATTR_ENTITY_ID,
    SERVICE_ALARM_ARM_AWAY,
    SERVICE_ALARM_ARM_NIGHT,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from simulator.clock import ManualClock
from simulator.hub import Hub

from .common import attribute, settle, state_of

HOUSE = "alarm_control_panel.demo_home_house"
GARAGE = "alarm_control_panel.demo_home_garage"


async def set_options(
    hass: HomeAssistant, entry: MockConfigEntry, **options: list[str]
) -> None:
    """Go through the options flow, choosing ``options``."""
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "init"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], user_input=options
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_form_shows_current_options(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The form offers the three modes, filled in with what is stored."""
    await set_options(hass, init_integration, arm_away_options=["force_bypass"])
    assert init_integration.options == {
        "arm_stay_options": [],
        "arm_away_options": ["force_bypass"],
        "arm_night_options": [],
    }
    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    schema = result["data_schema"].schema
    keys = {str(key): key for key in schema}
    assert set(keys) == {"arm_stay_options", "arm_away_options", "arm_night_options"}
    suggested = keys["arm_away_options"].description["suggested_value"]
    assert suggested == ["force_bypass"]
    selector = schema[keys["arm_away_options"]].config
    assert selector["options"] == ["force_bypass", "no_entry_delay", "silent"]
    assert selector["multiple"] is True


async def test_bad_option_is_refused(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """An option that does not exist is not stored."""
    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    with pytest.raises(Exception, match="arm_away_options"):
        await hass.config_entries.options.async_configure(
            result["flow_id"], user_input={"arm_away_options": ["turbo"]}
        )
    assert init_integration.options == {}


async def test_away_default_force_bypass(
    hass: HomeAssistant, init_integration: MockConfigEntry, hub: Hub, clock: ManualClock
) -> None:
    """With force bypass the default for away, the panel card arms past a window."""
    hub.panel.set_zone("4", True)
    await settle(hass)
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call(
            PANEL_DOMAIN, SERVICE_ALARM_ARM_AWAY, {ATTR_ENTITY_ID: HOUSE}, blocking=True
        )
    await set_options(
        hass,
        init_integration,
        arm_away_options=["force_bypass", "no_entry_delay", "silent"],
    )
    await hass.services.async_call(
        PANEL_DOMAIN, SERVICE_ALARM_ARM_AWAY, {ATTR_ENTITY_ID: HOUSE}, blocking=True
    )
    await settle(hass)
    assert attribute(hass, HOUSE, "bypassed_zones") == ["Kitchen window"]
    clock.advance(60)
    hub.panel.set_zone("1", True)  # no entry delay by default now
    await settle(hass)
    assert state_of(hass, HOUSE).state == "triggered"
    assert hub.panel.partitions["1"].silent is True


async def test_defaults_apply_only_where_supported(
    hass: HomeAssistant, init_integration: MockConfigEntry, hub: Hub
) -> None:
    """The garage lacks no-entry-delay: the default is left out there, not refused."""
    await set_options(hass, init_integration, arm_night_options=["no_entry_delay"])
    await hass.services.async_call(
        PANEL_DOMAIN, SERVICE_ALARM_ARM_NIGHT, {ATTR_ENTITY_ID: GARAGE}, blocking=True
    )
    await settle(hass)
    assert state_of(hass, GARAGE).state == "arming"
    assert hub.panel.partitions["2"].no_entry_delay is False
    await hass.services.async_call(
        PANEL_DOMAIN, SERVICE_ALARM_ARM_NIGHT, {ATTR_ENTITY_ID: HOUSE}, blocking=True
    )
    assert hub.panel.partitions["1"].no_entry_delay is True
