"""Assist intents: arm and disarm AlarmHub panels.

Home Assistant's built-in intents cover locks and scenes but have no
sentences for alarm panels, so AlarmHub registers two intents of its own:

* ``AlarmHubArm``: slots ``name`` (optional when one panel is exposed),
  ``mode`` (``away``, ``home``/``stay``, ``night``) and ``code`` (optional);
* ``AlarmHubDisarm``: slots ``name`` and ``code``. Without a code it asks
  for one and remembers, for a minute and for this conversation only, which
  panel is waiting; the answer "the code is 1234" finishes the job.

Only panels exposed to Assist are found. Both go through the panel's own
actions, so the defaults from the options flow and every hub rule apply, and
a refusal is spoken as its translated error (it never contains a code). The
English sentences that reach these intents are in :mod:`.sentences`. A code
is never logged, stored or repeated back.
"""

from __future__ import annotations

from dataclasses import dataclass
import re
import time
from typing import Any, Final, override

from homeassistant.components.alarm_control_panel.const import (
    DOMAIN as PANEL_DOMAIN,
)
from homeassistant.components.homeassistant.const import DATA_EXPOSED_ENTITIES
from homeassistant.components.homeassistant.exposed_entities import (
    async_should_expose,
)
from homeassistant.const import (
    ATTR_CODE,
    ATTR_ENTITY_ID,
    SERVICE_ALARM_ARM_AWAY,
    SERVICE_ALARM_ARM_HOME,
    SERVICE_ALARM_ARM_NIGHT,
    SERVICE_ALARM_DISARM,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import (
    config_validation as cv,
    device_registry as dr,
    entity_registry as er,
    intent,
)
from homeassistant.helpers.chat_session import current_session
import probatio as vol

from .const import DOMAIN

INTENT_ARM: Final = "AlarmHubArm"
INTENT_DISARM: Final = "AlarmHubDisarm"
CONVERSATION: Final = "conversation"
#: How long a panel waits for the code asked for, in seconds.
CODE_WAIT: Final = 60.0

#: Spoken mode -> (panel action, how it is said back).
MODES: Final = {
    "away": (SERVICE_ALARM_ARM_AWAY, "away"),
    "home": (SERVICE_ALARM_ARM_HOME, "home"),
    "stay": (SERVICE_ALARM_ARM_HOME, "home"),
    "night": (SERVICE_ALARM_ARM_NIGHT, "night"),
}
DIGIT_WORDS: Final = {
    "zero": "0",
    "oh": "0",
    "o": "0",
    "one": "1",
    "two": "2",
    "to": "2",
    "too": "2",
    "three": "3",
    "four": "4",
    "for": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}
FILLER_WORDS: Final = frozenset({"is", "it", "its", "it's", "the", "code", "pin"})


def normalize_name(name: str) -> str:
    """Return a name as sentences compare it: lower case, letters and digits."""
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", name.lower()).split())


def spoken_code(text: str) -> str | None:
    """Return the digits of a spoken code ("4 8 2 6", "four eight two six")."""
    digits: list[str] = []
    for word in re.split(r"[\s,.;:-]+", text.lower()):
        if not word or word in FILLER_WORDS:
            continue
        if word.isdecimal() and word.isascii():
            digits.append(word)
        elif word in DIGIT_WORDS:
            digits.append(DIGIT_WORDS[word])
        else:
            return None
    return "".join(digits) or None


@callback
def exposed_panels(hass: HomeAssistant) -> dict[str, set[str]]:
    """Return every exposed AlarmHub panel: entity id -> its spoken names."""
    if DATA_EXPOSED_ENTITIES not in hass.data:
        return {}
    entities, devices = er.async_get(hass), dr.async_get(hass)
    panels: dict[str, set[str]] = {}
    for entry in entities.entities.values():
        if entry.platform != DOMAIN or entry.domain != PANEL_DOMAIN:
            continue
        if entry.disabled or not async_should_expose(
            hass, CONVERSATION, entry.entity_id
        ):
            continue
        names = {alias for alias in entry.aliases if isinstance(alias, str)}
        device = devices.async_get(entry.device_id) if entry.device_id else None
        if entry.name:
            names.add(entry.name)
        elif device is not None:
            device_name = device.name_by_user or device.name or ""
            names.add(f"{device_name} {entry.original_name or ''}")
        if (state := hass.states.get(entry.entity_id)) is not None:
            names.add(state.name)
        panels[entry.entity_id] = {n for n in map(normalize_name, names) if n}
    return panels


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


class _PanelIntent(intent.IntentHandler):
    """Find the panel a sentence means and run one of its actions."""

    platforms = None

    def __init__(self, pending: PendingCodes) -> None:
        """Share the codes being waited for."""
        self.pending = pending

    @staticmethod
    def find_panel(
        hass: HomeAssistant, name: str | None
    ) -> tuple[str | None, str | None]:
        """Return (entity id, None) or (None, what to say instead)."""
        panels = exposed_panels(hass)
        if name:
            wanted = normalize_name(name)
            found = [e for e, names in panels.items() if wanted in names]
        else:
            found = list(panels)
        if len(found) == 1:
            return found[0], None
        if not found and not panels:
            return None, "No AlarmHub alarm is exposed to Assist."
        choices = [_spoken(hass, e) for e in (found or panels)]
        return None, f"Which alarm do you mean: {' or '.join(sorted(choices))}?"

    def target(
        self, hass: HomeAssistant, slots: dict[str, Any]
    ) -> tuple[str | None, str | None]:
        """Return the panel the slots name: by entity id (if exposed) or name."""
        entity_id = _slot(slots, "entity_id")
        if entity_id is not None and entity_id in exposed_panels(hass):
            return entity_id, None
        return self.find_panel(hass, _slot(slots, "name"))

    async def run(
        self, intent_obj: intent.Intent, service: str, entity_id: str, code: str | None
    ) -> str | None:
        """Call the panel's action; return the error to say, if any."""
        data: dict[str, Any] = {ATTR_ENTITY_ID: entity_id}
        if code:
            data[ATTR_CODE] = code
        try:
            await intent_obj.hass.services.async_call(
                PANEL_DOMAIN, service, data, blocking=True, context=intent_obj.context
            )
        except HomeAssistantError as err:
            return str(err)
        return None


def _spoken(hass: HomeAssistant, entity_id: str) -> str:
    state = hass.states.get(entity_id)
    return state.name if state is not None else entity_id


def _response(
    intent_obj: intent.Intent, speech: str, *, error: bool
) -> intent.IntentResponse:
    response = intent_obj.create_response()
    if error:
        code = intent.IntentResponseErrorCode.FAILED_TO_HANDLE
        response.async_set_error(code, speech)
    else:
        response.async_set_speech(speech)
    return response


class ArmIntent(_PanelIntent):
    """Arm a panel in a mode."""

    intent_type = INTENT_ARM
    description = "Arms an AlarmHub alarm panel in away, home or night mode"

    @property
    @override
    def slot_schema(self) -> dict[Any, Any]:
        """Name (or entity id), mode and an optional code."""
        return {
            vol.Optional("name"): cv.string,
            vol.Optional("entity_id"): cv.entity_id,
            vol.Required("mode"): vol.In(list(MODES)),
            vol.Optional("code"): cv.string,
        }

    @override
    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Arm the panel the sentence named."""
        slots = self.async_validate_slots(intent_obj.slots)
        hass = intent_obj.hass
        entity_id, question = self.target(hass, slots)
        if entity_id is None:
            return _response(intent_obj, question or "", error=True)
        service, said = MODES[slots["mode"]["value"]]
        code = spoken_code(_slot(slots, "code") or "") if "code" in slots else None
        if error := await self.run(intent_obj, service, entity_id, code):
            return _response(intent_obj, error, error=True)
        state = hass.states.get(entity_id)
        bypassed = state.attributes.get("bypassed_zones", []) if state else []
        speech = f"Arming {_spoken(hass, entity_id)} in {said} mode."
        if bypassed:
            speech += f" Bypassed: {', '.join(bypassed)}."
        return _response(intent_obj, speech, error=False)


class DisarmIntent(_PanelIntent):
    """Disarm a panel with a code, asking for it when missing."""

    intent_type = INTENT_DISARM
    description = "Disarms an AlarmHub alarm panel with a user code"

    @property
    @override
    def slot_schema(self) -> dict[Any, Any]:
        """Name (or entity id) and the code, asked for when missing."""
        return {
            vol.Optional("name"): cv.string,
            vol.Optional("entity_id"): cv.entity_id,
            vol.Optional("code"): cv.string,
        }

    @override
    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Disarm, or ask for the code."""
        slots = self.async_validate_slots(intent_obj.slots)
        hass = intent_obj.hass
        entity_id, question = self.target(hass, slots)
        if entity_id is None:
            return _response(intent_obj, question or "", error=True)
        name = _spoken(hass, entity_id)
        if "code" not in slots:
            self.pending.ask(entity_id)
            return _response(
                intent_obj,
                f"What is the code to disarm {name}? Say: the code is, "
                "and then the digits.",
                error=False,
            )
        if (code := spoken_code(slots["code"]["value"])) is None:
            return _response(intent_obj, "That did not sound like a code.", error=True)
        if error := await self.run(intent_obj, SERVICE_ALARM_DISARM, entity_id, code):
            return _response(intent_obj, error, error=True)
        return _response(intent_obj, f"{name} is disarmed.", error=False)


def _slot(slots: dict[str, Any], name: str) -> str | None:
    value = slots.get(name, {}).get("value")
    return value if isinstance(value, str) else None


@callback
def async_setup_intents(hass: HomeAssistant) -> PendingCodes:
    """Register the AlarmHub intents (once, in ``async_setup``)."""
    pending = PendingCodes()
    intent.async_register(hass, ArmIntent(pending))
    intent.async_register(hass, DisarmIntent(pending))
    return pending
