"""The one place AlarmHub reaches into Home Assistant's default agent.

Home Assistant 2026.10 gives an integration no public way to add sentences
to its default conversation agent: custom sentences are the user's files,
``conversation: intents:`` is the user's YAML, and sentence triggers (the
public ``conversation`` trigger) cannot fit: a matched trigger ends the
conversation (the sentence never reaches other intents or a fallback agent)
and can only say a text, which is always returned as ``action_done``.

So AlarmHub adds its own intents to the sentences the agent loads for a
language, the same way the agent merges custom sentences: it wraps the
agent's ``_load_intents`` and merges hassil intents into the
``LanguageIntents`` it returns. Its slot lists (the panels' names) are added
where the agent makes its own ``name`` list (``_make_slot_lists``), so they
are as fresh as the agent's: it remakes them when names, aliases or
exposure change. Everything that can change in Home Assistant
is touched here and only here; ``tests/test_voice_seam.py`` fails loudly when
any of it changes. Matching, exposure, error wording and the HTTP/websocket
answers stay Home Assistant's own.
"""

from __future__ import annotations

from collections.abc import Callable
import logging
from typing import Any, Final

from homeassistant.components.conversation.agent_manager import get_agent_manager
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback

_LOGGER = logging.getLogger(__name__)

#: The agent's private loader (run in the executor, once per language).
LOADER: Final = "_load_intents"
#: The agent's private maker of slot lists (names, areas, floors).
LISTS: Final = "_make_slot_lists"

type SentencesFor = Callable[[str], dict[str, Any] | None]
#: List name -> (what is said, what it means) pairs.
type ListsFor = Callable[[], dict[str, list[tuple[str, str]]]]


class SeamChangedError(RuntimeError):
    """Home Assistant's default agent no longer looks as AlarmHub expects."""


def merge_intents(loaded: Any, extra: dict[str, Any]) -> None:
    """Merge hassil intents (a sentences dict) into a loaded ``LanguageIntents``.

    hassil is the conversation integration's requirement, not AlarmHub's:
    its classes are taken from the objects the agent made.
    """
    target = loaded.intents
    ours = type(target).from_dict(extra)
    target.intents.update(ours.intents)
    target.slot_lists.update(ours.slot_lists)
    target.expansion_rules.update(ours.expansion_rules)


@callback
def async_add_sentences(
    hass: HomeAssistant, sentences_for: SentencesFor, lists_for: ListsFor
) -> CALLBACK_TYPE:
    """Add ``sentences_for(language)`` to every language the agent loads.

    ``lists_for()`` is added to the slot lists each time the agent makes
    them. Raises :class:`SeamChangedError` when the agent is not what this
    expects. Returns a callback that restores the agent's own methods.
    """
    agent = get_agent_manager(hass).default_agent
    original = getattr(agent, LOADER, None)
    original_lists = getattr(agent, LISTS, None)
    if agent is None or not callable(original) or not callable(original_lists):
        raise SeamChangedError("the default agent has no intents loader")

    async def make_slot_lists() -> Any:
        lists = await original_lists()
        if not isinstance(lists, dict):
            raise SeamChangedError("the agent's slot lists are not a dict")
        text_list = type(lists["name"])
        for name, pairs in lists_for().items():
            lists[name] = text_list.from_tuples(pairs, allow_template=False)
        return lists

    def load(language: str) -> Any:
        loaded = original(language)
        variant = getattr(loaded, "language_variant", None)
        if loaded is None or variant is None:
            return loaded
        if (extra := sentences_for(variant)) is not None:
            merge_intents(loaded, extra)
        return loaded

    setattr(agent, LOADER, load)
    setattr(agent, LISTS, make_slot_lists)
    hass.async_create_task(agent.async_reload(), eager_start=True)

    @callback
    def restore() -> None:
        setattr(agent, LOADER, original)
        setattr(agent, LISTS, original_lists)
        hass.async_create_task(agent.async_reload(), eager_start=True)

    return restore
