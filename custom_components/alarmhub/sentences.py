"""English Assist sentences for arming and disarming AlarmHub panels.

Home Assistant 2026.10 gives an integration no API to add sentences to the
default conversation agent's intents (custom sentences are the user's files
and ``conversation: intents:`` is the user's YAML). What it does offer is
sentence triggers: the ``conversation`` trigger platform registers them with
the agent manager, and the default agent matches them before any intent.
AlarmHub registers its sentences the same way and hands every match to its
own intents (:mod:`.voice`), so the same rules apply however they are
reached.

The sentences name each exposed panel by its names and aliases (rebuilt
when panels, names, aliases or exposure change), or say "the alarm" when
one panel is exposed:

* "arm [the] House [alarm] [in] away|home|stay|night [mode]",
  "set the House alarm to night", optionally "... with code 1234";
* "arm the House": asks which mode;
* "disarm [the] House [alarm]": asks for the code; "... with code 1234";
* "the code is 1234" / "my pin is 1 2 3 4": answers that question.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from homeassistant.components.homeassistant.const import DATA_EXPOSED_ENTITIES
from homeassistant.components.homeassistant.exposed_entities import (
    async_listen_entity_updates,
)
from homeassistant.const import EVENT_COMPONENT_LOADED
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import (
    device_registry as dr,
    entity_registry as er,
    intent,
)

from .const import DOMAIN
from .voice import (
    CONVERSATION,
    INTENT_ARM,
    INTENT_DISARM,
    PendingCodes,
    async_setup_intents,
    exposed_panels,
)

if TYPE_CHECKING:
    from homeassistant.components.conversation import ConversationInput

PANEL: Final = "[alarm|security system|alarm system]"
GENERIC: Final = "(alarm|security system|alarm system)"
WITH_CODE: Final = " (with|using) [the] (code|pin) {code}"
#: Mode slot value -> how it may be said.
MODE_WORDS: Final = {"away": "away", "home": "(home|stay)", "night": "night"}


@dataclass(frozen=True, slots=True)
class Meaning:
    """What a sentence template asks for."""

    kind: str  # "arm", "ask_mode", "disarm" or "code"
    name: str | None = None
    entity_id: str | None = None
    mode: str | None = None


def build_templates(panels: Mapping[str, set[str]]) -> dict[str, Meaning]:
    """Return sentence template -> meaning for the exposed panels."""
    owners: dict[str, set[str]] = {}
    for panel, names in panels.items():
        for spoken in names:
            owners.setdefault(spoken, set()).add(panel)
    targets: list[tuple[str, str | None, str | None]] = [
        (f"[the] {name} {PANEL}", name, next(iter(ids)) if len(ids) == 1 else None)
        for name, ids in sorted(owners.items())
    ]
    if panels:
        targets.append((f"[the] {GENERIC}", None, None))
    templates: dict[str, Meaning] = {}
    for said, name, entity_id in targets:
        for mode, words in MODE_WORDS.items():
            meaning = Meaning("arm", name, entity_id, mode)
            for form in (
                f"arm {said} [in|to] {words} [mode]",
                f"(set|put|switch) {said} to [armed] {words} [mode]",
            ):
                templates[form] = meaning
                templates[form + WITH_CODE] = meaning
        templates[f"arm {said}"] = Meaning("ask_mode", name, entity_id)
        templates[f"disarm {said}"] = Meaning("disarm", name, entity_id)
        templates[f"disarm {said}{WITH_CODE}"] = Meaning("disarm", name, entity_id)
    if panels:
        templates["[the|my] (code|pin) [is] {code}"] = Meaning("code")
    return templates


class AlarmHubSentences:
    """Keep AlarmHub's sentence triggers in step with the exposed panels."""

    def __init__(self, hass: HomeAssistant, pending: PendingCodes) -> None:
        """Prepare; nothing is registered before :meth:`async_start`."""
        self.hass = hass
        self.pending = pending
        self.templates: dict[str, Meaning] = {}
        self._unregister: Callable[[], None] | None = None
        self._scheduled = False

    @callback
    def async_start(self) -> None:
        """Register once Assist is loaded (now, or when it loads)."""
        if CONVERSATION in self.hass.config.components:
            self._attach()
            return

        @callback
        def loaded(event: Event[Any]) -> None:
            if event.data.get("component") == CONVERSATION:
                unsubscribe()
                self._attach()

        unsubscribe = self.hass.bus.async_listen(EVENT_COMPONENT_LOADED, loaded)

    @callback
    def _attach(self) -> None:
        hass = self.hass

        @callback
        def panel_changed(event: Event[Any]) -> None:
            if str(event.data.get("entity_id", "")).startswith("alarm_control_panel."):
                self._schedule()

        @callback
        def device_changed(event: Event[Any]) -> None:
            self._schedule()

        hass.bus.async_listen(er.EVENT_ENTITY_REGISTRY_UPDATED, panel_changed)
        hass.bus.async_listen(dr.EVENT_DEVICE_REGISTRY_UPDATED, device_changed)
        if DATA_EXPOSED_ENTITIES in hass.data:
            async_listen_entity_updates(hass, CONVERSATION, self._schedule)
        self._rebuild()

    @callback
    def _schedule(self) -> None:
        """Rebuild once after a burst of registry changes."""
        if not self._scheduled:
            self._scheduled = True
            self.hass.loop.call_soon(self._rebuild)

    @callback
    def _rebuild(self) -> None:
        from homeassistant.components.conversation.agent_manager import (
            get_agent_manager,
        )

        self._scheduled = False
        templates = build_templates(exposed_panels(self.hass))
        if templates == self.templates:
            return
        if self._unregister is not None:
            self._unregister()
            self._unregister = None
        self.templates = templates
        if templates:
            self._unregister = get_agent_manager(self.hass).register_trigger(
                list(templates), self._async_handle
            )

    async def _async_handle(
        self, user_input: ConversationInput, result: Any
    ) -> str | None:
        """Answer a matched sentence through the AlarmHub intents.

        ``result`` is hassil's ``RecognizeResult`` (hassil is the conversation
        integration's requirement, not ours): the template that matched and
        the ``code`` wildcard are read from it.
        """
        sentence = result.intent_sentence
        template = str(sentence.text) if sentence is not None and sentence.text else ""
        if (meaning := self.templates.get(template)) is None:
            return None
        slots: dict[str, Any] = {}
        if meaning.name is not None:
            slots["name"] = meaning.name
        if meaning.entity_id is not None:
            slots["entity_id"] = meaning.entity_id
        if "code" in result.entities:
            slots["code"] = str(result.entities["code"].value)
        match meaning.kind:
            case "ask_mode":
                said = meaning.name or "the alarm"
                return (
                    f"Arm {said} in home, away or night mode? "
                    f"Say for example: arm {said} away."
                )
            case "code":
                if (entity_id := self.pending.take()) is None:
                    return "No alarm is waiting for a code."
                slots["entity_id"] = entity_id
                intent_type = INTENT_DISARM
            case "disarm":
                intent_type = INTENT_DISARM
            case _:
                slots["mode"] = meaning.mode
                intent_type = INTENT_ARM
        try:
            response = await intent.async_handle(
                self.hass,
                DOMAIN,
                intent_type,
                {key: {"value": value} for key, value in slots.items()},
                user_input.text,
                user_input.context,
                user_input.language,
                assistant=CONVERSATION,
                device_id=user_input.device_id,
                satellite_id=user_input.satellite_id,
                conversation_agent_id=user_input.agent_id,
            )
        except intent.IntentError:
            return "Sorry, that did not work."
        speech: str = response.speech.get("plain", {}).get("speech", "")
        return speech


@callback
def async_setup_voice(hass: HomeAssistant) -> None:
    """Register the AlarmHub intents and their sentences (in ``async_setup``)."""
    AlarmHubSentences(hass, async_setup_intents(hass)).async_start()
