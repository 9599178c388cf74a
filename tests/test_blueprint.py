"""The shipped blueprint and example automations load and work."""

from __future__ import annotations

from pathlib import Path
import shutil
from typing import Any

from homeassistant.components.automation.config import AUTOMATION_BLUEPRINT_SCHEMA
from homeassistant.components.blueprint import models
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.setup import async_setup_component
from homeassistant.util.yaml import load_yaml, load_yaml_dict
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.alarmhub.const import DOMAIN
from simulator.clock import ManualClock
from simulator.hub import Hub

from .common import attribute, settle, state_of

ROOT = Path(__file__).parent.parent
BLUEPRINT = ROOT / "blueprints/automation/alarmhub/arm_refused_notify.yaml"
EXAMPLES = ROOT / "docs/examples/automations.yaml"
HOUSE = "alarm_control_panel.demo_home_house"
GARAGE = "alarm_control_panel.demo_home_garage"


def test_blueprint_is_valid() -> None:
    """The blueprint passes HA's blueprint schema, and its inputs are as documented."""
    blueprint = models.Blueprint(
        load_yaml_dict(str(BLUEPRINT)),
        expected_domain="automation",
        schema=AUTOMATION_BLUEPRINT_SCHEMA,
    )
    assert blueprint.domain == "automation"
    assert set(blueprint.inputs) == {"panels", "notify", "force_bypass"}
    assert blueprint.metadata["input"]["force_bypass"]["default"] is False


async def setup_blueprint(hass: HomeAssistant, tmp_path: Path, **inputs: Any) -> None:
    """Install the blueprint in a config folder and use it in an automation."""
    hass.config.config_dir = str(tmp_path)
    target = tmp_path / "blueprints/automation/alarmhub"
    target.mkdir(parents=True)
    shutil.copy(BLUEPRINT, target)
    notify = [{"event": "test_notified", "event_data": {"message": "{{ message }}"}}]
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "id": "arm_refused",
                "alias": "Arming refused",
                "use_blueprint": {
                    "path": "alarmhub/arm_refused_notify.yaml",
                    "input": {"notify": notify, **inputs},
                },
            }
        },
    )
    await hass.async_block_till_done()
    assert state_of(hass, "automation.arming_refused").state == "on"


async def refuse_arming(hass: HomeAssistant, hub: Hub, entity_id: str) -> None:
    """Open a window and ask to arm away: refused."""
    hub.panel.set_zone("3", True)
    hub.panel.set_zone("9", True)
    await settle(hass)
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call(
            DOMAIN, "arm", {ATTR_ENTITY_ID: entity_id, "mode": "away"}, blocking=True
        )
    await settle(hass)


@pytest.mark.usefixtures("init_integration")
async def test_notify_only(hass: HomeAssistant, hub: Hub, tmp_path: Path) -> None:
    """Refused: the notification names the panel, mode and open window."""
    await setup_blueprint(hass, tmp_path)
    notified = async_capture_events(hass, "test_notified")
    await refuse_arming(hass, hub, HOUSE)
    assert [e.data["message"] for e in notified] == [
        "House could not arm away: Living room window is open."
    ]
    assert state_of(hass, HOUSE).state == "disarmed"


@pytest.mark.usefixtures("init_integration")
async def test_force_bypass_and_panel_filter(
    hass: HomeAssistant, hub: Hub, clock: ManualClock, tmp_path: Path
) -> None:
    """With force bypass: armed again, window bypassed; other panels ignored."""
    await setup_blueprint(hass, tmp_path, force_bypass=True, panels=[HOUSE])
    notified = async_capture_events(hass, "test_notified")
    await refuse_arming(hass, hub, HOUSE)
    assert notified[0].data["message"] == (
        "House could not arm away: Living room window is open. "
        "Arming again with them bypassed."
    )
    assert state_of(hass, HOUSE).state == "arming"
    assert attribute(hass, HOUSE, "bypassed_zones") == ["Living room window"]
    clock.advance(60)
    await settle(hass)
    assert state_of(hass, HOUSE).state == "armed_away"

    await refuse_arming(hass, hub, GARAGE)
    assert len(notified) == 1
    assert state_of(hass, GARAGE).state == "disarmed"


@pytest.mark.parametrize("expected_lingering_timers", [True])  # the 23:00 trigger
@pytest.mark.usefixtures("init_integration")
async def test_example_automations_load(hass: HomeAssistant) -> None:
    """Every example automation is valid (none is left unavailable)."""
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    config = load_yaml(str(EXAMPLES))
    assert isinstance(config, list)
    assert await async_setup_component(hass, "automation", {"automation": config})
    await hass.async_block_till_done()
    states = hass.states.async_all("automation")
    assert len(states) == len(config) == 6
    assert {state.state for state in states} == {"on"}


async def test_example_arm_when_everyone_left(
    hass: HomeAssistant, init_integration: MockConfigEntry, hub: Hub
) -> None:
    """The 'everyone left' example arms past an open window and reports it."""
    config = [
        a
        for a in load_yaml(str(EXAMPLES))  # type: ignore[union-attr]
        if a["id"] == "alarmhub_arm_away_when_everyone_left"
    ]
    notified = async_capture_events(hass, "test_notified")

    async def fake_notify(call: Any) -> None:
        hass.bus.async_fire("test_notified", {"message": call.data["message"]})

    hass.services.async_register("notify", "mobile_app_phone", fake_notify)
    hass.states.async_set("zone.home", "1")
    hub.panel.set_zone("4", True)
    assert await async_setup_component(hass, "automation", {"automation": config})
    await hass.async_block_till_done()
    await hass.services.async_call(
        "automation",
        "trigger",
        {ATTR_ENTITY_ID: "automation.alarm_arm_away_when_everyone_has_left"},
        blocking=True,
    )
    await settle(hass)
    assert state_of(hass, HOUSE).state == "arming"
    assert (
        notified[0].data["message"]
        == "House armed away. Bypassed (open): Kitchen window."
    )
    assert init_integration.domain == DOMAIN
