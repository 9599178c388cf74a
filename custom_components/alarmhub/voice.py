"""Assist intents: arm, disarm and ask the state of alarm panels.

Home Assistant's built-in intents have none for alarm panels, so AlarmHub
registers its own (their sentences are in :mod:`.sentences`):

* ``AlarmHubArm``: slots ``name`` (optional when one panel is exposed),
  ``mode`` (``away``, ``home``, ``night``; asked for when missing) and a
  code (optional);
* ``AlarmHubDisarm``: ``name`` and a code. Without a code it asks for one
  and remembers, for a minute and for this conversation only, which panel
  is waiting;
* ``AlarmHubCode``: "the code is 1 2 3 4" answers that question;
* ``AlarmHubState``: the state of one panel, or of every exposed one.

Panels are found as Home Assistant's own intents find theirs
(``intent.async_match_targets`` with the assistant), so a panel that is not
exposed gets Home Assistant's own answer. Arming and disarming go through
the panel's actions, so the options' defaults and every hub rule apply; a
refusal is an error response (``failed_to_handle``) that says the
translated reason. A code is never logged, stored or said back.
"""

from __future__ import annotations

from dataclasses import dataclass
import time
from typing import Any, Final, override

from homeassistant.components.alarm_control_panel.const import (
    DOMAIN as PANEL_DOMAIN,
    AlarmControlPanelState,
)
from homeassistant.const import (
    ATTR_CODE,
    ATTR_ENTITY_ID,
    SERVICE_ALARM_ARM_AWAY,
    SERVICE_ALARM_ARM_HOME,
    SERVICE_ALARM_ARM_NIGHT,
    SERVICE_ALARM_DISARM,
)
from homeassistant.core import HomeAssistant, State, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import config_validation as cv, intent
from homeassistant.helpers.chat_session import current_session
import probatio as vol

from .const import DOMAIN
from .voice_answers import answer, async_say, async_say_error, async_state_word

INTENT_ARM: Final = "AlarmHubArm"
INTENT_DISARM: Final = "AlarmHubDisarm"
INTENT_CODE: Final = "AlarmHubCode"
INTENT_STATE: Final = "AlarmHubState"
CONVERSATION: Final = "conversation"
#: How long a panel waits for the code asked for, in seconds.
CODE_WAIT: Final = 60.0
#: The slots a code said digit by digit fills, in order (4 to 8 digits).
CODE_DIGITS: Final = tuple(f"code_{i}" for i in range(1, 9))
MODES: Final = {
    "away": SERVICE_ALARM_ARM_AWAY,
    "home": SERVICE_ALARM_ARM_HOME,
    "night": SERVICE_ALARM_ARM_NIGHT,
}
Error = intent.IntentResponseErrorCode


@dataclass(slots=True)
class _Waiting:
    """A panel waiting for the code to disarm it."""

    entity_id: str
    until: float


class PendingCodes:
    """Which panel each conversation was asked a code for."""

    def __init__(self) -> None:
        """Start with nothing waiting."""
        self._waiting: dict[str, _Waiting] = {}

    @staticmethod
    def _conversation() -> str | None:
        session = current_session.get()
        return session.conversation_id if session is not None else None

    def ask(self, entity_id: str) -> None:
        """Remember that this conversation was asked for a code."""
        if (conversation := self._conversation()) is not None:
            now = time.monotonic()
            self._waiting = {k: w for k, w in self._waiting.items() if w.until > now}
            self._waiting[conversation] = _Waiting(entity_id, now + CODE_WAIT)

    def take(self) -> str | None:
        """Return (and forget) the panel this conversation's code is for."""
        if (conversation := self._conversation()) is None:
            return None
        waiting = self._waiting.pop(conversation, None)
        if waiting is None or waiting.until < time.monotonic():
            return None
        return waiting.entity_id


def _value(slots: dict[str, Any], name: str, part: str = "value") -> str | None:
    value = slots.get(name, {}).get(part)
    return str(value) if value is not None else None


def said_code(slots: dict[str, Any]) -> str | None:
    """Return the code in the slots: digit by digit, or said as one number."""
    if (number := _value(slots, "code", "text")) is not None:
        return "".join(ch for ch in number if ch.isdigit())
    digits = [d for slot in CODE_DIGITS if (d := _value(slots, slot)) is not None]
    return "".join(digits) or None


class _PanelIntent(intent.IntentHandler):
    """Find the panel a sentence means and run one of its actions."""

    platforms = {PANEL_DOMAIN}

    def __init__(self, pending: PendingCodes) -> None:
        """Share the codes being waited for."""
        self.pending = pending

    @property
    @override
    def slot_schema(self) -> dict[Any, Any]:
        """Name, mode and a code, all optional."""
        return {
            vol.Optional("name"): cv.string,
            vol.Optional("mode"): vol.In(list(MODES)),
            vol.Optional("code"): vol.Any(cv.string, int),
            **{vol.Optional(slot): cv.string for slot in CODE_DIGITS},
        }

    @staticmethod
    def panels(intent_obj: intent.Intent, slots: dict[str, Any]) -> list[State]:
        """Return the exposed panels the sentence means (all of them without a name).

        Raises ``MatchFailedError`` as Home Assistant's own intents do, so a
        panel that is not exposed gets Home Assistant's own answer.
        """
        constraints = intent.MatchTargetsConstraints(
            name=_value(slots, "name"),
            domains={PANEL_DOMAIN},
            assistant=intent_obj.assistant,
        )
        result = intent.async_match_targets(intent_obj.hass, constraints)
        if not result.is_match:
            raise intent.MatchFailedError(result=result, constraints=constraints)
        return sorted(result.states, key=lambda s: s.name)

    async def one_panel(
        self, intent_obj: intent.Intent, slots: dict[str, Any]
    ) -> State | intent.IntentResponse:
        """Return the one panel meant, or the question which one."""
        found = self.panels(intent_obj, slots)
        if len(found) == 1:
            return found[0]
        speech = await async_say(
            intent_obj.hass,
            intent_obj.language,
            translation_domain=DOMAIN,
            translation_key="voice_which_alarm",
            translation_placeholders={"names": ", ".join(s.name for s in found)},
        )
        return answer(intent_obj, speech, Error.NO_VALID_TARGETS)

    async def run(
        self, intent_obj: intent.Intent, service: str, entity_id: str, code: str | None
    ) -> intent.IntentResponse | None:
        """Call the panel's action; return the refusal to say, if any."""
        data: dict[str, Any] = {ATTR_ENTITY_ID: entity_id}
        if code:
            data[ATTR_CODE] = code
        try:
            await intent_obj.hass.services.async_call(
                PANEL_DOMAIN, service, data, blocking=True, context=intent_obj.context
            )
        except HomeAssistantError as err:
            speech = await async_say_error(intent_obj.hass, intent_obj.language, err)
            return answer(intent_obj, speech, Error.FAILED_TO_HANDLE)
        return None

    async def disarm(
        self, intent_obj: intent.Intent, panel: State, code: str
    ) -> intent.IntentResponse:
        """Disarm with a code; say so, or why not."""
        refused = await self.run(
            intent_obj, SERVICE_ALARM_DISARM, panel.entity_id, code
        )
        return refused or answer(
            intent_obj,
            await async_say(
                intent_obj.hass,
                intent_obj.language,
                translation_domain=DOMAIN,
                translation_key="voice_disarmed",
                translation_placeholders={"name": panel.name},
            ),
        )


async def _arming_speech(intent_obj: intent.Intent, mode: str, name: str) -> str:
    hass, language = intent_obj.hass, intent_obj.language
    if mode == "away":
        return await async_say(
            hass,
            language,
            translation_domain=DOMAIN,
            translation_key="voice_arming_away",
            translation_placeholders={"name": name},
        )
    if mode == "home":
        return await async_say(
            hass,
            language,
            translation_domain=DOMAIN,
            translation_key="voice_arming_home",
            translation_placeholders={"name": name},
        )
    return await async_say(
        hass,
        language,
        translation_domain=DOMAIN,
        translation_key="voice_arming_night",
        translation_placeholders={"name": name},
    )


class ArmIntent(_PanelIntent):
    """Arm a panel in a mode."""

    intent_type = INTENT_ARM
    description = "Arms an alarm panel in away, home or night mode"

    @override
    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Arm the panel the sentence named, or ask the mode."""
        slots = self.async_validate_slots(intent_obj.slots)
        hass, language = intent_obj.hass, intent_obj.language
        panel = await self.one_panel(intent_obj, slots)
        if isinstance(panel, intent.IntentResponse):
            return panel
        if (mode := _value(slots, "mode")) is None:
            question = await async_say(
                hass,
                language,
                translation_domain=DOMAIN,
                translation_key="voice_ask_mode",
                translation_placeholders={"name": panel.name},
            )
            return answer(intent_obj, question)
        if panel.state in (
            AlarmControlPanelState.ARMING,
            AlarmControlPanelState.PENDING,
        ):
            busy = await async_say(
                hass,
                language,
                translation_domain=DOMAIN,
                translation_key="voice_already_arming",
                translation_placeholders={"name": panel.name},
            )
            return answer(intent_obj, busy, Error.FAILED_TO_HANDLE)
        code = said_code(slots)
        if refused := await self.run(intent_obj, MODES[mode], panel.entity_id, code):
            return refused
        speech = await _arming_speech(intent_obj, mode, panel.name)
        state = hass.states.get(panel.entity_id)
        if bypassed := (state.attributes.get("bypassed_zones") if state else None):
            speech += " " + await async_say(
                hass,
                language,
                translation_domain=DOMAIN,
                translation_key="voice_bypassed",
                translation_placeholders={"zones": ", ".join(bypassed)},
            )
        return answer(intent_obj, speech)


class DisarmIntent(_PanelIntent):
    """Disarm a panel with a code, asking for it when missing."""

    intent_type = INTENT_DISARM
    description = "Disarms an alarm panel with a user code"

    @override
    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Disarm, or ask for the code."""
        slots = self.async_validate_slots(intent_obj.slots)
        panel = await self.one_panel(intent_obj, slots)
        if isinstance(panel, intent.IntentResponse):
            return panel
        if (code := said_code(slots)) is not None:
            return await self.disarm(intent_obj, panel, code)
        self.pending.ask(panel.entity_id)
        question = await async_say(
            intent_obj.hass,
            intent_obj.language,
            translation_domain=DOMAIN,
            translation_key="voice_ask_code",
            translation_placeholders={"name": panel.name},
        )
        return answer(intent_obj, question)


class CodeIntent(_PanelIntent):
    """The code a disarm in this conversation asked for."""

    intent_type = INTENT_CODE
    description = "Gives the code an AlarmHub disarm asked for"

    @override
    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Disarm the panel waiting in this conversation."""
        slots = self.async_validate_slots(intent_obj.slots)
        code = said_code(slots)
        entity_id = self.pending.take()
        panel = intent_obj.hass.states.get(entity_id) if entity_id else None
        if code is None or panel is None:
            nothing = await async_say(
                intent_obj.hass,
                intent_obj.language,
                translation_domain=DOMAIN,
                translation_key="voice_no_code_awaited",
            )
            return answer(intent_obj, nothing, Error.NO_INTENT_MATCH)
        return await self.disarm(intent_obj, panel, code)


class StateIntent(_PanelIntent):
    """Say the state of a panel, or of every exposed panel."""

    intent_type = INTENT_STATE
    description = "Tells whether alarm panels are armed, and which sensors are open"

    @override
    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Say each panel's state, and its open sensors when it is not ready."""
        slots = self.async_validate_slots(intent_obj.slots)
        hass, language = intent_obj.hass, intent_obj.language
        said: list[str] = []
        for panel in self.panels(intent_obj, slots):
            word = await async_state_word(hass, language, panel.state)
            said.append(
                await async_say(
                    hass,
                    language,
                    translation_domain=DOMAIN,
                    translation_key="voice_state",
                    translation_placeholders={"name": panel.name, "state": word},
                )
            )
            if panel.attributes.get("ready") is False and (
                zones := panel.attributes.get("open_zones")
            ):
                said.append(
                    await async_say(
                        hass,
                        language,
                        translation_domain=DOMAIN,
                        translation_key="voice_open_zones",
                        translation_placeholders={"zones": ", ".join(zones)},
                    )
                )
        response = answer(intent_obj, " ".join(said))
        response.response_type = intent.IntentResponseType.QUERY_ANSWER
        return response


@callback
def async_setup_intents(hass: HomeAssistant) -> PendingCodes:
    """Register the AlarmHub intents (once, in ``async_setup``)."""
    pending = PendingCodes()
    for handler in (ArmIntent, DisarmIntent, CodeIntent, StateIntent):
        intent.async_register(hass, handler(pending))
    return pending
