"""Assist in English through HA's default conversation agent."""

from __future__ import annotations

import logging

from homeassistant.components import conversation
from homeassistant.components.homeassistant.exposed_entities import (
    async_expose_entity,
)
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import entity_registry as er, intent
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alarmhub.const import DOMAIN
from custom_components.alarmhub.sentences import build_templates
from custom_components.alarmhub.voice import spoken_code
from simulator.clock import ManualClock
from simulator.hub import Hub

from .common import attribute, settle, state_of

HOUSE = "alarm_control_panel.demo_home_house"
GARAGE = "alarm_control_panel.demo_home_garage"
LOCKS = ("lock.front_door_lock", "lock.back_door_lock")
GOODNIGHT = "scene.demo_home_goodnight"
GOOD_CODE = "4826"  # Alex, in the demo site


@pytest.fixture
async def assist(hass: HomeAssistant, config_entry: MockConfigEntry) -> MockConfigEntry:
    """Assist set up first, then AlarmHub, with the panels and locks exposed."""
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    for entity_id in (HOUSE, GARAGE, *LOCKS):
        async_expose_entity(hass, "conversation", entity_id, True)
    await settle(hass)
    return config_entry


async def say(
    hass: HomeAssistant, text: str, conversation_id: str | None = None
) -> conversation.ConversationResult:
    """Say a sentence to the default agent; let pushed events arrive."""
    result = await conversation.async_converse(
        hass, text, conversation_id, Context(), language="en"
    )
    await settle(hass)
    return result


def speech(result: conversation.ConversationResult) -> str:
    """Return what the agent said."""
    return str(result.response.speech["plain"]["speech"])


@pytest.mark.usefixtures("assist")
async def test_arm_by_name_and_mode(hass: HomeAssistant, clock: ManualClock) -> None:
    """ "Arm the house away" arms it; other phrasings and modes work too."""
    result = await say(hass, "Arm the house away")
    assert speech(result) == "Arming House in away mode."
    assert result.response.response_type is intent.IntentResponseType.ACTION_DONE
    assert state_of(hass, HOUSE).state == "arming"
    clock.advance(60)
    await settle(hass)
    assert state_of(hass, HOUSE).state == "armed_away"
    result = await say(hass, "set the garage alarm to night mode")
    assert speech(result) == "Arming Garage in night mode."
    assert state_of(hass, GARAGE).state == "arming"


@pytest.mark.usefixtures("assist")
async def test_disarm_asks_for_the_code(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    """Disarm without a code: Assist asks; the answer disarms; no code echoed."""
    caplog.set_level(logging.DEBUG, logger="custom_components.alarmhub")
    await say(hass, "arm the house in stay mode")
    assert state_of(hass, HOUSE).state == "arming"
    asked = await say(hass, "disarm the house")
    assert speech(asked).startswith("What is the code to disarm House?")
    assert state_of(hass, HOUSE).state == "arming"
    # Another conversation cannot answer this one's question.
    stranger = await say(hass, "the code is 4826")
    assert speech(stranger) == "No alarm is waiting for a code."
    answered = await say(hass, "the code is 4 8 2 6", asked.conversation_id)
    assert speech(answered) == "House is disarmed."
    assert state_of(hass, HOUSE).state == "disarmed"
    assert attribute(hass, HOUSE, "changed_by") == "Alex"
    # Asked once, answered once.
    again = await say(hass, "the code is 4826", asked.conversation_id)
    assert speech(again) == "No alarm is waiting for a code."
    ours = [r for r in caplog.records if r.name.startswith("custom_components")]
    assert not any(GOOD_CODE in r.getMessage() for r in ours)


@pytest.mark.usefixtures("assist")
async def test_disarm_with_code_in_one_sentence(hass: HomeAssistant) -> None:
    """A code in the sentence; a wrong one is refused in words."""
    await say(hass, "arm the garage away")
    wrong = await say(hass, "disarm the garage with code 1 1 1 1")
    assert speech(wrong) == "The code was not accepted"
    assert state_of(hass, GARAGE).state == "arming"
    right = await say(hass, "disarm the garage alarm using the pin four eight two six")
    assert speech(right) == "Garage is disarmed."
    assert state_of(hass, GARAGE).state == "disarmed"


@pytest.mark.usefixtures("assist")
async def test_refusal_is_spoken(hass: HomeAssistant, hub: Hub) -> None:
    """An open window: Assist says which, and nothing arms."""
    hub.panel.set_zone("3", True)
    await settle(hass)
    result = await say(hass, "arm the house in night mode")
    assert speech(result) == (
        "Cannot arm while these sensors are open: Living room window. "
        "Close them, or arm with force bypass"
    )
    assert state_of(hass, HOUSE).state == "disarmed"


@pytest.mark.usefixtures("assist")
async def test_the_alarm_and_which_one(hass: HomeAssistant) -> None:
    """'The alarm' asks which one when two are exposed, and is the one otherwise."""
    result = await say(hass, "arm the alarm away")
    assert speech(result) == "Which alarm do you mean: Garage or House?"
    assert state_of(hass, HOUSE).state == "disarmed"
    async_expose_entity(hass, "conversation", GARAGE, False)
    await settle(hass)
    result = await say(hass, "arm the alarm away")
    assert speech(result) == "Arming House in away mode."
    # Not exposed: the garage is not reachable by voice at all.
    result = await say(hass, "arm the garage away")
    assert result.response.response_type is intent.IntentResponseType.ERROR
    assert state_of(hass, GARAGE).state == "disarmed"
    asked = await say(hass, "arm the house")
    assert speech(asked).startswith("Arm house in home, away or night mode?")


@pytest.mark.usefixtures("assist")
async def test_locks_and_scenes_through_builtin_intents(
    hass: HomeAssistant, hub: Hub
) -> None:
    """Locks and scenes need nothing of ours: HA's own sentences reach them."""
    result = await say(hass, "unlock the front door lock")
    assert result.response.response_type is intent.IntentResponseType.ACTION_DONE
    assert state_of(hass, LOCKS[0]).state == "unlocked"
    result = await say(hass, "lock the front door lock")
    assert result.response.response_type is intent.IntentResponseType.ACTION_DONE
    assert state_of(hass, LOCKS[0]).state == "locked"
    await say(hass, "unlock the back door lock")
    assert state_of(hass, LOCKS[1]).state == "unlocked"
    # Hub scenes are named after the hub ("Demo Home Goodnight"); an alias
    # set by the user makes "activate goodnight" work as well.
    result = await say(hass, "activate demo home goodnight")
    assert result.response.response_type is intent.IntentResponseType.ACTION_DONE
    assert state_of(hass, HOUSE).state == "arming"
    assert [state_of(hass, lock).state for lock in LOCKS] == ["locked", "locked"]


@pytest.mark.usefixtures("assist")
async def test_aliases(hass: HomeAssistant, entity_registry: er.EntityRegistry) -> None:
    """Aliases name panels (sentences follow at once) and scenes."""
    entity_registry.async_update_entity(HOUSE, aliases={"Downstairs"})
    entity_registry.async_update_entity(GOODNIGHT, aliases={"Goodnight"})
    await settle(hass)
    result = await say(hass, "arm the downstairs alarm in night mode")
    assert speech(result) == "Arming House in night mode."
    await say(hass, "disarm downstairs with code 4826")
    assert state_of(hass, HOUSE).state == "disarmed"
    result = await say(hass, "activate goodnight")
    assert result.response.response_type is intent.IntentResponseType.ACTION_DONE
    assert state_of(hass, HOUSE).state == "arming"


async def test_conversation_loaded_after_alarmhub(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Sentences are registered when Assist loads after AlarmHub."""
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    async_expose_entity(hass, "conversation", HOUSE, True)
    await settle(hass)
    result = await say(hass, "arm the house away")
    assert speech(result) == "Arming House in away mode."
    assert init_integration.domain == DOMAIN


@pytest.mark.parametrize(
    ("said", "code"),
    [
        ("4826", "4826"),
        ("4 8 2 6", "4826"),
        ("four eight two six", "4826"),
        ("is 4, 8, 2, 6.", "4826"),
        ("oh one two three", "0123"),
        ("wrong", None),
        ("", None),
        ("\uff14\uff18\uff12\uff16", None),  # full-width digits are not ASCII
    ],
)
def test_spoken_code(said: str, code: str | None) -> None:
    """Spoken codes become digits; anything else is not a code."""
    assert spoken_code(said) == code


def test_templates_for_shared_names() -> None:
    """Two panels answering to one name: that name asks which one."""
    templates = build_templates({"a.one": {"house", "main"}, "a.two": {"house"}})
    arm_main = "arm [the] main [alarm|security system|alarm system] [in|to] away [mode]"
    assert templates[arm_main].entity_id == "a.one"
    shared = templates["disarm [the] house [alarm|security system|alarm system]"]
    assert shared.entity_id is None
    assert shared.name == "house"
    assert build_templates({}) == {}
