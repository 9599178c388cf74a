"""Assist through HA's default conversation agent, in English and German."""

from __future__ import annotations

from http import HTTPStatus
import logging
from typing import Any

from homeassistant.components import conversation
from homeassistant.components.homeassistant.exposed_entities import (
    async_expose_entity,
)
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import chat_session, entity_registry as er, intent
from homeassistant.helpers.typing import ConfigType
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import (
    ClientSessionGenerator,
    WebSocketGenerator,
)

from custom_components.alarmhub.const import DOMAIN
from custom_components.alarmhub.voice_answers import async_say_error
from simulator.clock import ManualClock
from simulator.hub import Hub

from .common import attribute, settle, state_of

HOUSE = "alarm_control_panel.demo_home_house"
GARAGE = "alarm_control_panel.demo_home_garage"
LOCKS = ("lock.front_door_lock", "lock.back_door_lock")
GOODNIGHT = "scene.demo_home_goodnight"
GOOD_CODE = "4826"  # Alex, in the demo site
ERROR = intent.IntentResponseType.ERROR
DONE = intent.IntentResponseType.ACTION_DONE


#: The user's own sentences (``conversation: intents:``) for what AlarmHub's
#: sentence triggers used to swallow.
UNRELATED = (
    "pin the kitchen light to the dashboard",
    "code red",
    "my pin is not working",
)


class EchoIntent(intent.IntentHandler):
    """A user's intent for their own sentences: says which it heard."""

    intent_type = "TestEcho"

    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Say the sentence back."""
        response = intent_obj.create_response()
        response.async_set_speech(f"echo: {intent_obj.text_input}")
        return response


@pytest.fixture
def conversation_config() -> ConfigType:
    """The ``conversation:`` YAML: the user's own sentences."""
    return {"intents": {"TestEcho": list(UNRELATED)}}


@pytest.fixture
async def assist(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    conversation_config: ConfigType,
) -> MockConfigEntry:
    """Assist set up first, then AlarmHub, with the panels and locks exposed."""
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(
        hass, "conversation", {"conversation": conversation_config}
    )
    intent.async_register(hass, EchoIntent())
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    for entity_id in (HOUSE, GARAGE, *LOCKS):
        async_expose_entity(hass, "conversation", entity_id, True)
    await settle(hass)
    return config_entry


async def say(
    hass: HomeAssistant,
    text: str,
    conversation_id: str | None = None,
    language: str | None = "en",
) -> conversation.ConversationResult:
    """Say a sentence to the default agent; let pushed events arrive."""
    result = await conversation.async_converse(
        hass, text, conversation_id, Context(), language=language
    )
    await settle(hass)
    return result


def speech(result: conversation.ConversationResult) -> str:
    """Return what the agent said."""
    return str(result.response.speech["plain"]["speech"])


def error_code(result: conversation.ConversationResult) -> Any:
    """Return the error code of an error response."""
    assert result.response.response_type is ERROR, speech(result)
    return result.response.error_code


@pytest.mark.usefixtures("assist")
async def test_arm_by_name_and_mode(hass: HomeAssistant, clock: ManualClock) -> None:
    """ "Arm the house away" arms it; other phrasings and modes work too."""
    result = await say(hass, "Arm the house away")
    assert speech(result) == "Arming House in away mode."
    assert result.response.response_type is DONE
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
    """Disarm without a code: Assist asks; the answer disarms; no code logged."""
    caplog.set_level(logging.DEBUG)
    await say(hass, "arm the house in stay mode")
    assert state_of(hass, HOUSE).state == "arming"
    asked = await say(hass, "disarm the house")
    assert speech(asked).startswith("What is the code to disarm House?")
    assert state_of(hass, HOUSE).state == "arming"
    # Another conversation cannot answer this one's question: an error, not
    # an answer (a fallback agent gets it: see test_code_sentence_...).
    stranger = await say(hass, "the code is 4826")
    assert speech(stranger) == "No alarm is waiting for a code."
    assert error_code(stranger) is intent.IntentResponseErrorCode.NO_INTENT_MATCH
    answered = await say(hass, "the code is 4 8 2 6", asked.conversation_id)
    assert speech(answered) == "House is disarmed."
    assert answered.response.response_type is DONE
    assert state_of(hass, HOUSE).state == "disarmed"
    assert attribute(hass, HOUSE, "changed_by") == "Alex"
    # Asked once, answered once.
    again = await say(hass, "my pin is four eight two six", asked.conversation_id)
    assert speech(again) == "No alarm is waiting for a code."
    ours = [r for r in caplog.records if r.name.startswith("custom_components")]
    assert ours, "DEBUG logging of the integration was not captured"
    assert not any(GOOD_CODE in r.getMessage() for r in ours)
    assert not any("4 8 2 6" in r.getMessage() for r in ours)
    # As the docs say: HA's own conversation debug log has what was said.
    theirs = [r for r in caplog.records if r.name.startswith("homeassistant")]
    assert any("4 8 2 6" in r.getMessage() for r in theirs)


@pytest.mark.usefixtures("assist")
async def test_code_waits_a_minute(
    hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A code said after the minute is not taken."""
    monkeypatch.setattr("custom_components.alarmhub.voice.CODE_WAIT", -1.0)
    await say(hass, "disarm the house")  # an expired question, dropped next time
    asked = await say(hass, "disarm the garage")
    late = await say(hass, "the code is 4826", asked.conversation_id)
    assert error_code(late) is intent.IntentResponseErrorCode.NO_INTENT_MATCH


@pytest.mark.usefixtures("assist")
async def test_wrong_code_is_an_error(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """A wrong code is refused in words, as an error response in the API too."""
    assert await async_setup_component(hass, "http", {})
    assert await async_setup_component(hass, "websocket_api", {})
    await say(hass, "arm the garage away")
    wrong = await say(hass, "disarm the garage with code 1 1 1 1")
    assert speech(wrong) == (
        "The code was not accepted. 4 attempts left before the keypad locks."
    )
    assert error_code(wrong) is intent.IntentResponseErrorCode.FAILED_TO_HANDLE
    assert state_of(hass, GARAGE).state == "arming"
    client = await hass_client()
    reply = await client.post(
        "/api/conversation/process",
        json={"text": "disarm the garage with code 2222", "language": "en"},
    )
    assert reply.status == HTTPStatus.OK
    body = await reply.json()
    assert body["response"]["response_type"] == "error"
    assert body["response"]["data"]["code"] == "failed_to_handle"
    assert body["response"]["speech"]["plain"]["speech"] == (
        "The code was not accepted. 3 attempts left before the keypad locks."
    )
    websocket = await hass_ws_client(hass)
    await websocket.send_json_auto_id(
        {"type": "conversation/process", "text": "disarm the garage with code 3333"}
    )
    message = await websocket.receive_json()
    assert message["success"]
    assert message["result"]["response"]["response_type"] == "error"
    assert message["result"]["response"]["data"]["code"] == "failed_to_handle"
    right = await say(hass, "disarm the garage alarm using the pin four eight two six")
    assert speech(right) == "Garage is disarmed."
    assert state_of(hass, GARAGE).state == "disarmed"


@pytest.mark.usefixtures("assist")
async def test_open_window_is_an_error(hass: HomeAssistant, hub: Hub) -> None:
    """An open window: Assist says which as an error, and nothing arms."""
    hub.panel.set_zone("3", True)
    await settle(hass)
    result = await say(hass, "arm the house in night mode")
    assert speech(result) == (
        "Cannot arm while these sensors are open: Living room window. "
        "Close them, or arm with force bypass."
    )
    assert error_code(result) is intent.IntentResponseErrorCode.FAILED_TO_HANDLE
    assert state_of(hass, HOUSE).state == "disarmed"
    state = await say(hass, "is the house armed")
    assert speech(state) == "House: Disarmed. Not ready, open: Living room window."


@pytest.mark.usefixtures("assist")
async def test_arm_while_arming(hass: HomeAssistant) -> None:
    """Arming again during the exit delay says it is arming, not armed."""
    await say(hass, "arm the garage away")
    assert state_of(hass, GARAGE).state == "arming"
    again = await say(hass, "arm the garage in night mode")
    assert speech(again) == (
        "Garage is already arming. Disarm it first to arm it in another mode."
    )
    assert error_code(again) is intent.IntentResponseErrorCode.FAILED_TO_HANDLE


@pytest.mark.usefixtures("assist")
async def test_ask_the_state(hass: HomeAssistant, clock: ManualClock) -> None:
    """'Is the house armed?', 'what is the alarm status?': the panels' states."""
    await say(hass, "arm the house away")
    clock.advance(60)
    await settle(hass)
    result = await say(hass, "is the house armed?")
    assert speech(result) == "House: Armed away."
    assert result.response.response_type is intent.IntentResponseType.QUERY_ANSWER
    result = await say(hass, "What is the alarm status?")
    assert speech(result) == "Garage: Disarmed. House: Armed away."
    result = await say(hass, "what is the status of the garage")
    assert speech(result) == "Garage: Disarmed."
    async_expose_entity(hass, "conversation", GARAGE, False)
    await settle(hass)
    result = await say(hass, "is the alarm armed")
    assert speech(result) == "House: Armed away."


@pytest.mark.usefixtures("assist")
async def test_unrelated_sentences_reach_other_intents(hass: HomeAssistant) -> None:
    """Sentences about pins and codes that are not codes are not AlarmHub's."""
    async_expose_entity(hass, "conversation", GARAGE, False)
    await settle(hass)  # one panel exposed, as in the report
    for text in UNRELATED:
        result = await say(hass, text)
        assert speech(result) == f"echo: {text}"
    # A code is answered only in the words of a code.
    result = await say(hass, "the code is red")
    assert speech(result) == "Sorry, I couldn't understand that"


@pytest.mark.usefixtures("assist")
async def test_the_alarm_and_which_one(hass: HomeAssistant) -> None:
    """'The alarm' asks which one when two are exposed, and is the one otherwise."""
    result = await say(hass, "arm the alarm away")
    assert speech(result) == "Which alarm do you mean: Garage, House?"
    assert error_code(result) is intent.IntentResponseErrorCode.NO_VALID_TARGETS
    assert state_of(hass, HOUSE).state == "disarmed"
    result = await say(hass, "disarm the alarm")
    assert speech(result) == "Which alarm do you mean: Garage, House?"
    async_expose_entity(hass, "conversation", GARAGE, False)
    await settle(hass)
    result = await say(hass, "arm the alarm away")
    assert speech(result) == "Arming House in away mode."
    asked = await say(hass, "arm the house")
    assert speech(asked).startswith("Arm House in home, away or night mode?")


@pytest.mark.usefixtures("assist")
async def test_not_exposed_says_so(hass: HomeAssistant) -> None:
    """A panel not exposed: Home Assistant's own answer, nothing done."""
    async_expose_entity(hass, "conversation", GARAGE, False)
    await settle(hass)
    for text in ("arm the garage away", "disarm the garage", "is the garage armed"):
        result = await say(hass, text)
        assert speech(result) == "Sorry, Demo Home Garage is not exposed", text
        code = intent.IntentResponseErrorCode.NO_VALID_TARGETS
        assert error_code(result) is code
    assert state_of(hass, GARAGE).state == "disarmed"
    async_expose_entity(hass, "conversation", HOUSE, False)
    await settle(hass)
    result = await say(hass, "arm the alarm away")
    assert speech(result) == "Sorry, no alarm control panel is exposed"


@pytest.mark.usefixtures("assist")
async def test_german(hass: HomeAssistant, hub: Hub, clock: ManualClock) -> None:
    """German sentences, German answers, and refusals in German."""
    hass.config.language = "de"
    result = await say(hass, "schalte House auf abwesend", language=None)
    assert speech(result) == "House wird abwesend scharf geschaltet."
    wrong = await say(hass, "entschärfe House mit Code 1 1 1 1", language="de")
    assert speech(wrong) == (
        "Der Code wurde nicht akzeptiert. "
        "Noch 4 Versuche, dann wird das Bedienteil gesperrt."
    )
    assert error_code(wrong) is intent.IntentResponseErrorCode.FAILED_TO_HANDLE
    asked = await say(hass, "schalte House unscharf", language="de")
    assert speech(asked).startswith("Wie lautet der Code, um House unscharf")
    done = await say(
        hass, "der Code ist vier acht zwei sechs", asked.conversation_id, "de"
    )
    assert speech(done) == "House ist unscharf."
    assert state_of(hass, HOUSE).state == "disarmed"
    hub.panel.set_zone("3", True)
    await settle(hass)
    state = await say(hass, "wie ist der Status der Alarmanlage", language="de")
    assert speech(state) == (
        "Garage: Deaktiviert. House: Deaktiviert. "
        "Nicht bereit, offen: Living room window."
    )


@pytest.mark.usefixtures("assist")
async def test_english_answers_when_ha_speaks_german(hass: HomeAssistant) -> None:
    """The conversation's language decides, not Home Assistant's."""
    hass.config.language = "de"
    result = await say(hass, "arm the house away", language="en")
    assert speech(result) == "Arming House in away mode."
    result = await say(hass, "arme das House", language="de")
    assert result.response.response_type is ERROR  # no such German sentence


@pytest.mark.usefixtures("assist")
async def test_no_sentences_in_other_languages(hass: HomeAssistant) -> None:
    """Languages AlarmHub has no translations for get no AlarmHub sentences."""
    result = await say(hass, "arm the house away", language="fr")
    assert result.response.response_type is ERROR
    assert state_of(hass, HOUSE).state == "disarmed"


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


async def test_bypassed_zones_are_said(
    hass: HomeAssistant, assist: MockConfigEntry, hub: Hub
) -> None:
    """With force bypass as the away default, the bypassed sensors are said."""
    hass.config_entries.async_update_entry(
        assist, options={**assist.options, "arm_away_options": ["force_bypass"]}
    )
    await settle(hass)
    hub.panel.set_zone("3", True)
    await settle(hass)
    result = await say(hass, "arm the house away")
    assert speech(result) == (
        "Arming House in away mode. Bypassed: Living room window."
    )
    assert result.response.response_type is DONE


@pytest.mark.usefixtures("assist")
async def test_intents_outside_a_conversation(hass: HomeAssistant) -> None:
    """Called without a conversation (a script, a tool): no code is remembered."""
    asked = await intent.async_handle(
        hass,
        "test",
        "AlarmHubDisarm",
        {"name": {"value": "Demo Home House"}},
        assistant="conversation",
    )
    assert asked.speech["plain"]["speech"].startswith("What is the code")
    answered = await intent.async_handle(
        hass, "test", "AlarmHubCode", {"code": {"value": 4826, "text": "4826"}}
    )
    assert answered.response_type is ERROR
    assert answered.error_code is intent.IntentResponseErrorCode.NO_INTENT_MATCH


async def test_errors_said_in_the_conversations_language(hass: HomeAssistant) -> None:
    """Our errors are said again in the asked language; others as they are."""
    ours = HomeAssistantError(translation_domain=DOMAIN, translation_key="invalid_code")
    assert await async_say_error(hass, "de", ours) == "Der Code wurde nicht akzeptiert."
    placeholder_missing = HomeAssistantError(
        translation_domain=DOMAIN, translation_key="zones_open"
    )
    assert await async_say_error(hass, "en", placeholder_missing) == str(
        placeholder_missing
    )
    theirs = HomeAssistantError("Something else broke")
    assert await async_say_error(hass, "de", theirs) == "Something else broke"


async def local_first(hass: HomeAssistant, text: str) -> intent.IntentResponse | None:
    """What an LLM agent that prefers local handling gets from HA's intents."""
    user_input = conversation.ConversationInput(
        text=text,
        context=Context(),
        conversation_id=None,
        device_id=None,
        satellite_id=None,
        language="en",
        agent_id="conversation.llm_under_test",
    )
    with (
        chat_session.async_get_chat_session(hass) as session,
        conversation.async_get_chat_log(hass, session, user_input) as chat_log,
    ):
        return await conversation.async_handle_intents(hass, user_input, chat_log)


@pytest.mark.usefixtures("assist")
async def test_llm_agent_gets_what_is_not_ours(hass: HomeAssistant) -> None:
    """A code nobody asked for goes on to the LLM; our refusals do not."""
    assert await local_first(hass, "the code is 4826") is None
    assert await local_first(hass, "code red") is not None  # the user's own intent
    done = await local_first(hass, "arm the garage away")
    assert done is not None
    assert done.response_type is DONE
    refused = await local_first(hass, "disarm the garage with code 1111")
    assert refused is not None
    assert refused.error_code is intent.IntentResponseErrorCode.FAILED_TO_HANDLE
