"""Assist sentences for AlarmHub panels, in the languages AlarmHub ships.

The sentences are hassil intents merged into Home Assistant's default agent
for English and German only (see :mod:`.conversation_seam` for why and
how). They name panels from a list of every alarm panel's names (its
full name, its own name without the device's, and its aliases), and find
the panel as Home Assistant's intents do, so exposure and the "not exposed"
answer are Home Assistant's; a sentence that is not one of these goes on to
Home Assistant's other intents or a fallback agent untouched. A code is
only ever digits ("1 2 3 4", "four eight two six", "4826"), so "code red"
or "my pin is not working" are never taken for one.

* arm: "arm the House away", "set the House alarm to night mode",
  optionally "... with code 1234"; "arm the House" asks which mode;
* disarm: "disarm the House" asks for the code; "... with code 1234";
* the code asked for: "the code is 1 2 3 4" (digits only);
* state: "is the House armed?", "what is the alarm status?".

German: "schalte das Haus auf abwesend", "entschärfe das Haus mit Code
1234", "der Code ist 1234", "ist das Haus scharf?", "wie ist der Status der
Alarmanlage?".
"""

from __future__ import annotations

from functools import partial
import logging
import re
from typing import Any, Final

from homeassistant.components.alarm_control_panel.const import (
    DOMAIN as PANEL_DOMAIN,
)
from homeassistant.const import EVENT_COMPONENT_LOADED
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er, intent

from .conversation_seam import SeamChangedError, async_add_sentences
from .voice import (
    CODE_DIGITS,
    CONVERSATION,
    INTENT_ARM,
    INTENT_CODE,
    INTENT_DISARM,
    INTENT_STATE,
    async_setup_intents,
)

_LOGGER = logging.getLogger(__name__)
PANEL_LIST: Final = "alarmhub_panel"
NAME: Final = f"{{{PANEL_LIST}:name}}"
_DIGIT_SLOTS: Final = " ".join(
    f"{{alarmhub_digit:{slot}}}" if i < 4 else f"[{{alarmhub_digit:{slot}}}]"
    for i, slot in enumerate(CODE_DIGITS)
)
_CODE: Final = f"({_DIGIT_SLOTS}|{{alarmhub_number:code}})"


def _digits(words: dict[str, str]) -> dict[str, Any]:
    values: list[dict[str, str]] = [{"in": str(d), "out": str(d)} for d in range(10)]
    values += [{"in": word, "out": digit} for word, digit in words.items()]
    return {"values": values}


def _language(
    code_words: dict[str, str],
    modes: dict[str, str],
    rules: dict[str, str],
    intents: dict[str, tuple[list[str], list[str]]],
    language: str,
) -> dict[str, Any]:
    """Build one language's hassil sentences dict.

    ``intents``: intent -> (sentences naming a panel, sentences without).
    """
    return {
        "language": language,
        "intents": {
            name: {"data": [{"sentences": named + generic}]}
            for name, (named, generic) in intents.items()
        },
        "lists": {
            # Filled in when Assist makes its lists: see panel_names().
            PANEL_LIST: {"values": []},
            "alarmhub_digit": _digits(code_words),
            "alarmhub_number": {"range": {"from": 0, "to": 99999999, "words": False}},
            "alarmhub_mode": {
                "values": [{"in": said, "out": mode} for said, mode in modes.items()]
            },
        },
        "expansion_rules": {"ah_code": _CODE, **rules},
    }


ENGLISH: Final = _language(
    {
        "zero": "0",
        "oh": "0",
        "one": "1",
        "two": "2",
        "three": "3",
        "four": "4",
        "five": "5",
        "six": "6",
        "seven": "7",
        "eight": "8",
        "nine": "9",
    },
    {"away": "away", "home": "home", "stay": "home", "night": "night"},
    {
        "ah_panel": f"[the] {NAME} [alarm|security system|alarm system]",
        "ah_alarm": "the (alarm|security system|alarm system)",
        "ah_with": "(with|using) [the] (code|pin) <ah_code>",
        "ah_mode": "[in|to] [armed] {alarmhub_mode:mode} [mode]",
    },
    {
        INTENT_ARM: (
            [
                "arm <ah_panel> [<ah_mode>] [<ah_with>]",
                "(set|put|switch) <ah_panel> to <ah_mode> [<ah_with>]",
            ],
            [
                "arm <ah_alarm> [<ah_mode>] [<ah_with>]",
                "(set|put|switch) <ah_alarm> to <ah_mode> [<ah_with>]",
            ],
        ),
        INTENT_DISARM: (
            ["disarm <ah_panel> [<ah_with>]"],
            ["disarm <ah_alarm> [<ah_with>]"],
        ),
        INTENT_CODE: (
            [],
            ["[the|my] (code|pin) is <ah_code>"],
        ),
        INTENT_STATE: (
            [
                "is <ah_panel> (armed|disarmed|on|off)",
                "what is the (status|state) of <ah_panel>",
                "what is <ah_panel> (status|state)",
                "(status|state) of <ah_panel>",
            ],
            [
                "is <ah_alarm> (armed|disarmed|on|off)",
                "is the house armed",
                "what is <ah_alarm> (status|state)",
                "what is the (status|state) of <ah_alarm>",
                "(alarm|security system|alarm system) (status|state)",
            ],
        ),
    },
    "en",
)

GERMAN: Final = _language(
    {
        "null": "0",
        "eins": "1",
        "zwei": "2",
        "zwo": "2",
        "drei": "3",
        "vier": "4",
        "fünf": "5",
        "sechs": "6",
        "sieben": "7",
        "acht": "8",
        "neun": "9",
    },
    {
        "abwesend": "away",
        "weg": "away",
        "zuhause": "home",
        "zu hause": "home",
        "anwesend": "home",
        "nacht": "night",
    },
    {
        "ah_panel": f"[den|die|das] {NAME} [alarm|alarmanlage]",
        "ah_alarm": "(die alarmanlage|den alarm)",
        "ah_with": "mit [dem] (code|pin) <ah_code>",
        "ah_mode": "[auf|im|in] [modus] {alarmhub_mode:mode} [modus]",
    },
    {
        INTENT_ARM: (
            [
                "(aktiviere|schärfe) <ah_panel> [<ah_mode>] [<ah_with>]",
                "(schalte|stelle) <ah_panel> <ah_mode> [scharf] [<ah_with>]",
                "(schalte|stelle) <ah_panel> scharf [<ah_with>]",
            ],
            [
                "(aktiviere|schärfe) <ah_alarm> [<ah_mode>] [<ah_with>]",
                "(schalte|stelle) <ah_alarm> <ah_mode> [scharf] [<ah_with>]",
                "(schalte|stelle) <ah_alarm> scharf [<ah_with>]",
            ],
        ),
        INTENT_DISARM: (
            [
                "(deaktiviere|entschärfe) <ah_panel> [<ah_with>]",
                "(schalte|stelle) <ah_panel> unscharf [<ah_with>]",
            ],
            [
                "(deaktiviere|entschärfe) <ah_alarm> [<ah_with>]",
                "(schalte|stelle) <ah_alarm> unscharf [<ah_with>]",
            ],
        ),
        INTENT_CODE: ([], ["[der|mein|die|meine] (code|pin) ist <ah_code>"]),
        INTENT_STATE: (
            [
                "ist <ah_panel> (scharf|unscharf|aktiviert|an|aus)",
                "wie ist der (status|zustand) von <ah_panel>",
                "(status|zustand) von <ah_panel>",
            ],
            [
                "ist <ah_alarm> (scharf|unscharf|aktiviert|an|aus)",
                "wie ist der (status|zustand) (der alarmanlage|des alarms)",
                "(alarmanlage|alarm) (status|zustand)",
            ],
        ),
    },
    "de",
)


@callback
def panel_names(hass: HomeAssistant) -> dict[str, list[tuple[str, str]]]:
    """Return the names of every alarm panel, each meaning its full name.

    A panel is called by its name ("House"), its full name with the
    device's ("Demo Home House") and its aliases; every one means the name
    Home Assistant finds it by (its full name). Answers say its name.
    """
    entities = er.async_get(hass)
    names: list[tuple[str, str]] = []
    for state in hass.states.async_all(PANEL_DOMAIN):
        entry = entities.async_get(state.entity_id)
        aliases = intent.async_get_entity_aliases(hass, entry, state=state)
        found_by = next(iter(aliases), state.name)
        names += [
            (spoken, found_by)
            for said in {*aliases, state.name}
            if (spoken := _plain(said))
        ]
    return {PANEL_LIST: sorted(names)}


def _plain(name: str) -> str:
    return " ".join(re.sub(r"[^\w\s']+", " ", name).split())


#: Language -> sentences; only the languages AlarmHub has translations for.
SENTENCES: Final = {"en": ENGLISH, "de": GERMAN}


def sentences_for(language: str) -> dict[str, Any] | None:
    """Return AlarmHub's sentences for a language variant ("en", "de-CH"), if any."""
    return SENTENCES.get(language.replace("_", "-").split("-", 1)[0].lower())


@callback
def async_setup_voice(hass: HomeAssistant) -> None:
    """Register the intents, and their sentences once Assist is loaded."""
    async_setup_intents(hass)

    @callback
    def attach() -> None:
        try:
            async_add_sentences(hass, sentences_for, partial(panel_names, hass))
        except SeamChangedError as err:
            _LOGGER.error(  # noqa: TRY400 - the reason is the message; no trace
                "AlarmHub's voice sentences are unavailable: %s", err
            )

    if CONVERSATION in hass.config.components:
        attach()
        return

    @callback
    def loaded(event: Event[Any]) -> None:
        if event.data.get("component") == CONVERSATION:
            unsubscribe()
            attach()

    unsubscribe = hass.bus.async_listen(EVENT_COMPONENT_LOADED, loaded)
