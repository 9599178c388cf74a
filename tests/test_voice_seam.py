"""The one place AlarmHub reaches into HA's default agent: fails loudly on change.

``conversation_seam`` wraps two private methods of the default conversation
agent. If a Home Assistant release renames them or changes what they
return, these tests fail (and AlarmHub logs an error instead of breaking
Assist); see the module's docstring for why no public API fits.
"""

from __future__ import annotations

import dataclasses
import inspect
import logging

from homeassistant.components import conversation
from homeassistant.components.conversation.agent_manager import get_agent_manager
from homeassistant.components.conversation.default_agent import (
    DefaultAgent,
    LanguageIntents,
)
from homeassistant.core import Context, HomeAssistant
from homeassistant.setup import async_setup_component
import pytest

from custom_components.alarmhub import conversation_seam
from custom_components.alarmhub.conversation_seam import (
    LISTS,
    LOADER,
    SeamChangedError,
    async_add_sentences,
)
from custom_components.alarmhub.sentences import async_setup_voice, sentences_for


def test_default_agent_still_has_what_the_seam_wraps() -> None:
    """The loader and the list maker exist with the shapes the seam relies on."""
    loader = inspect.signature(getattr(DefaultAgent, LOADER))
    assert list(loader.parameters) == ["self", "language"]
    assert not inspect.iscoroutinefunction(getattr(DefaultAgent, LOADER))
    lists = inspect.signature(getattr(DefaultAgent, LISTS))
    assert list(lists.parameters) == ["self"]
    assert inspect.iscoroutinefunction(getattr(DefaultAgent, LISTS))
    fields = {field.name for field in dataclasses.fields(LanguageIntents)}
    assert {"intents", "language_variant"} <= fields


async def test_sentences_merged_and_restored(hass: HomeAssistant) -> None:
    """Merged for English and German only; restoring removes them again."""
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    agent = get_agent_manager(hass).default_agent
    assert isinstance(agent, DefaultAgent)
    restore = async_add_sentences(hass, sentences_for, dict)
    await hass.async_block_till_done()
    for language, ours in (("en", True), ("de", True), ("fr", False)):
        loaded = await agent.async_get_or_load_intents(language)
        assert loaded is not None
        assert ("AlarmHubArm" in loaded.intents.intents) is ours, language
    assert await agent.async_get_or_load_intents("xx") is None  # no such language
    restore()
    await hass.async_block_till_done()
    loaded = await agent.async_get_or_load_intents("en")
    assert loaded is not None
    assert "AlarmHubArm" not in loaded.intents.intents


async def test_a_changed_agent_is_reported(
    hass: HomeAssistant,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Without the loader: an error in the log, Assist itself keeps working."""
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    monkeypatch.setattr(conversation_seam, "LOADER", "_no_such_loader")
    with caplog.at_level(logging.ERROR):
        async_setup_voice(hass)
    assert "voice sentences are unavailable" in caplog.text
    result = await conversation.async_converse(
        hass, "what time is it", None, Context(), language="en"
    )
    assert result.response.speech


async def test_slot_lists_that_are_not_a_dict(
    hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the agent's lists stop being a dict, the seam says so."""
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    agent = get_agent_manager(hass).default_agent

    async def not_a_dict() -> list[str]:
        return []

    monkeypatch.setattr(agent, LISTS, not_a_dict)
    async_add_sentences(hass, sentences_for, dict)
    with pytest.raises(SeamChangedError):
        await getattr(agent, LISTS)()
