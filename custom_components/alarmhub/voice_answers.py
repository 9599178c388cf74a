"""What AlarmHub's intents say, in the conversation's language.

Every answer is a translation (``exceptions`` in ``strings.json``, the
category Home Assistant lets an integration read messages from), looked up
in the language of the conversation rather than Home Assistant's, and an
error from a panel action is said again in that language from its
translation key. Nothing said ever contains a code.
"""

from __future__ import annotations

from typing import Final

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import intent
from homeassistant.helpers.translation import async_get_translations

from .const import DOMAIN

ERRORS: Final = "exceptions"


async def async_say(
    hass: HomeAssistant,
    language: str,
    *,
    translation_domain: str,
    translation_key: str,
    translation_placeholders: dict[str, str] | None = None,
) -> str:
    """Return a translated message, its placeholders filled in."""
    return await _async_message(
        hass, language, translation_domain, translation_key, translation_placeholders
    )


async def _async_message(
    hass: HomeAssistant,
    language: str,
    domain: str,
    key: str,
    placeholders: dict[str, str] | None,
) -> str:
    strings = await async_get_translations(hass, language, ERRORS, [domain])
    text: str = strings.get(f"component.{domain}.{ERRORS}.{key}.message", key)
    return text.format(**(placeholders or {}))


async def async_say_error(
    hass: HomeAssistant, language: str, err: HomeAssistantError
) -> str:
    """Say a panel action's error again in the conversation's language."""
    if err.translation_domain == DOMAIN and err.translation_key is not None:
        try:
            return await _async_message(
                hass,
                language,
                DOMAIN,
                err.translation_key,
                err.translation_placeholders,
            )
        except KeyError, IndexError:
            pass
    return str(err)


async def async_state_word(hass: HomeAssistant, language: str, state: str) -> str:
    """Return Home Assistant's own word for an alarm panel state."""
    strings = await async_get_translations(
        hass, language, "entity_component", ["alarm_control_panel"]
    )
    key = f"component.alarm_control_panel.entity_component._.state.{state}"
    return strings.get(key, state)


def answer(
    intent_obj: intent.Intent,
    speech: str,
    error: intent.IntentResponseErrorCode | None = None,
) -> intent.IntentResponse:
    """Return a response that says ``speech``: an error when ``error`` is given."""
    response = intent_obj.create_response()
    if error is not None:
        response.async_set_error(error, speech)
    else:
        response.async_set_speech(speech)
    return response
