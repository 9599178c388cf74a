"""strings.json: every string the code needs exists, in every language.

The code is scanned (see ``source.py``), so a new translation key, flow step,
error, abort reason or entity description is checked without a new test.
"""

from __future__ import annotations

from annotationlib import Format
from collections.abc import Callable
import importlib
import inspect
from pathlib import Path
import re
from typing import Any

from homeassistant.config_entries import SOURCE_REAUTH, SOURCE_RECONFIGURE, SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResult, FlowResultType
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.translation import async_get_translations
import probatio as vol
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alarmhub import config_flow
from custom_components.alarmhub.const import DOMAIN
from custom_components.alarmhub.helpers import USER_ERRORS, rejection_placeholders
from custom_components.alarmhub.panels.hub import AlarmHubRejectedError
from custom_components.alarmhub.panels.hub.protocol import ErrorCode

from .source import (
    COMPONENT,
    KeyUse,
    glue_modules,
    leaves,
    load_json,
    lookup,
    placeholders,
    platform_of_description,
    scan,
    strings,
)

TRANSLATIONS = COMPONENT / "translations"
HTML = re.compile(r"<[a-z/][^>]*>", re.IGNORECASE)


def _rejection_keys() -> list[KeyUse]:
    given = frozenset(rejection_placeholders(AlarmHubRejectedError("x", "", {})))
    return [
        KeyUse("helpers.py", ("exceptions", str(code), "message"), given)
        for code in USER_ERRORS
    ]


def _offline_keys() -> list[KeyUse]:
    given = frozenset({"camera", "recorder"})
    return [
        KeyUse("clip_errors.py", ("exceptions", key, "message"), given)
        for key in ("recorder_offline", "camera_offline")
    ]


#: Translation keys the code computes, and how to list them. A new dynamic
#: key makes test_no_unknown_dynamic_keys fail until it is listed here.
DYNAMIC_KEYS: dict[tuple[str, str], Callable[[], list[KeyUse]]] = {
    ("helpers.py", "err.code"): _rejection_keys,
    ("clip_errors.py", "key"): _offline_keys,
}


def _flow_step_data(section: str, step: str) -> dict[str, Any]:
    found = lookup(strings(), (section, "step", step))
    assert isinstance(found, dict), f"{section}.step.{step} missing"
    return found


def _message(path: tuple[str, ...]) -> str | None:
    value = lookup(strings(), path)
    return value if isinstance(value, str) else None


@pytest.fixture(scope="module")
def scanned() -> Any:
    """Return the scan of the integration's code."""
    return scan()


def _enum_keys(scanned: Any) -> list[KeyUse]:
    """Resolve keys written as the hub's error codes (``ErrorCode.NAME``)."""
    return [
        KeyUse(where, ("exceptions", ErrorCode[expr.split(".")[1]].value, "message"))
        for where, expr in scanned.dynamic
        if re.fullmatch(r"ErrorCode\.[A-Z_]+", expr)
    ]


def test_no_unknown_dynamic_keys(scanned: Any) -> None:
    """Every computed translation key has a resolver in DYNAMIC_KEYS."""
    unknown = [
        (where, expr)
        for where, expr in scanned.dynamic
        if (where.split(":")[0], expr) not in DYNAMIC_KEYS
        and not re.fullmatch(r"ErrorCode\.[A-Z_]+", expr)
    ]
    assert not unknown, f"list these in DYNAMIC_KEYS: {unknown}"
    assert not scanned.unplaced, (
        f"translation keys the scan cannot place: {scanned.unplaced}"
    )


def test_errors_shown_to_users_are_translated(scanned: Any) -> None:
    """exception-translations: no untranslated HomeAssistantError is raised."""
    assert not scanned.untranslated


def test_every_key_used_exists(scanned: Any) -> None:
    """Each key the code uses is in strings.json, with the placeholders given."""
    uses: list[KeyUse] = [*scanned.uses, *_enum_keys(scanned)]
    for resolve in DYNAMIC_KEYS.values():
        uses.extend(resolve())
    missing: list[str] = []
    for use in uses:
        found = lookup(strings(), use.path)
        if found is None:
            missing.append(f"{use.where}: {'.'.join(use.path)}")
            continue
        texts = [found] if isinstance(found, str) else [v for _, v in leaves(found)]
        needed = set().union(*(placeholders(t) for t in texts if isinstance(t, str)))
        if use.given is not None and not needed <= use.given:
            missing.append(f"{use.where}: {'.'.join(use.path)} needs {sorted(needed)}")
        if use.path[0] == "issues":
            assert lookup(strings(), (*use.path[:2], "description")) or lookup(
                strings(), (*use.path[:2], "fix_flow")
            ), use
    assert not missing, "\n".join(missing)


def _descriptions(module: Any) -> list[EntityDescription]:
    found: list[EntityDescription] = []
    for value in vars(module).values():
        items = value if isinstance(value, tuple | list) else (value,)
        found.extend(item for item in items if isinstance(item, EntityDescription))
    return found


@pytest.mark.parametrize("module", [p.stem for p in glue_modules()])
def test_entity_descriptions_are_translated(module: str) -> None:
    """entity-translations: descriptions' names and enum states exist."""
    loaded = importlib.import_module(f"custom_components.alarmhub.{module}")
    for description in _descriptions(loaded):
        if description.translation_key is None:
            continue
        platform = next(
            filter(
                None,
                map(
                    platform_of_description,
                    (c.__name__ for c in type(description).__mro__),
                ),
            ),
            None,
        )
        assert platform, f"{module}: cannot tell the platform of {description.key}"
        key = description.translation_key
        entry = lookup(strings(), ("entity", platform, key))
        assert isinstance(entry, dict), f"entity.{platform}.{key}"
        for option in getattr(description, "options", None) or []:
            assert lookup(entry, ("state", option)), f"{key}: state {option}"


def test_icons_match_strings() -> None:
    """icon-translations: icons.json names only entities and actions that exist."""
    icons = load_json(COMPONENT / "icons.json")
    for platform, keys in icons.get("entity", {}).items():
        for key in keys:
            assert lookup(strings(), ("entity", platform, key)), f"{platform}.{key}"
    services = set(strings().get("services", {}))
    assert set(icons.get("services", {})) == services


def _step_methods(cls: type) -> list[str]:
    """Return steps a user lands on: ``async_step_<x>(self, user_input=None)``."""
    steps = []
    for name, method in vars(cls).items():
        if not inspect.iscoroutinefunction(method):
            continue
        if not name.startswith("async_step_") or name.split("async_step_")[1] in {
            "zeroconf",
            "reauth",
            "dhcp",
            "usb",
            "ssdp",
            "bluetooth",
            "import",
        }:
            continue
        signature = inspect.signature(method, annotation_format=Format.FORWARDREF)
        params = list(signature.parameters.values())[1:]
        if all(p.default is not inspect.Parameter.empty for p in params):
            steps.append(name.removeprefix("async_step_"))
    return steps


def _check_form(section: str, result: FlowResult) -> list[str]:
    problems: list[str] = []
    if result["type"] is FlowResultType.MENU:
        step = _flow_step_data(section, result["step_id"])
        menu = result["menu_options"]
        options = menu if isinstance(menu, list) else list(menu)
        problems += [
            f"{section}.{result['step_id']} menu {o}"
            for o in options
            if o not in step.get("menu_options", {})
        ]
        return problems
    if result["type"] is not FlowResultType.FORM:
        return problems
    step_id = result["step_id"]
    step = _flow_step_data(section, step_id)
    given = set((result.get("description_placeholders") or {}).keys())
    for text in (step.get("title", ""), step.get("description", "")):
        if missing := placeholders(text) - given:
            problems.append(
                f"{section}.{step_id}: placeholders {sorted(missing)} not given"
            )
    schema = result["data_schema"]
    for key in schema.schema if schema is not None else []:
        name = str(key.schema if isinstance(key, vol.Marker) else key)
        if name not in step.get("data", {}):
            problems.append(f"{section}.{step_id}: no label for {name}")
        if name not in step.get("data_description", {}):
            problems.append(f"{section}.{step_id}: no description for {name}")
    return problems


async def test_every_flow_form_is_translated(hass: HomeAssistant) -> None:
    """Each config, options, reauth and reconfigure form has its labels."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id="AH1000001",
        title="Demo Home",
        data={"transport": "network", "host": "127.0.0.1", "port": 8900, "token": "t"},
    )
    entry.add_to_hass(hass)
    flow_class = config_flow.AlarmHubConfigFlow
    problems: list[str] = []
    for step in _step_methods(flow_class):
        flow = flow_class()
        flow.hass = hass
        flow.handler = DOMAIN
        flow.flow_id = "check"
        source = SOURCE_REAUTH if "reauth" in step else SOURCE_USER
        if step == "reconfigure":
            source = SOURCE_RECONFIGURE
        flow.context = {"source": source, "entry_id": entry.entry_id}
        result = await getattr(flow, f"async_step_{step}")()
        problems += _check_form("config", result)
    options = flow_class.async_get_options_flow(entry)
    options.hass = hass
    options.handler = entry.entry_id
    options.flow_id = "check-options"
    options.context = {"source": "user"}
    for step in _step_methods(type(options)):
        problems += _check_form(
            "options", await getattr(options, f"async_step_{step}")()
        )
    assert not problems, "\n".join(problems)


def _language_files() -> list[Path]:
    return sorted(TRANSLATIONS.glob("*.json"))


def test_en_is_strings() -> None:
    """translations/en.json is an exact copy of strings.json."""
    assert load_json(TRANSLATIONS / "en.json") == strings()


def test_at_least_one_more_language() -> None:
    """A second language ships."""
    assert len(_language_files()) >= 2


@pytest.mark.parametrize("path", _language_files(), ids=lambda p: p.stem)
def test_language_is_complete(path: Path) -> None:
    """Same keys as English, same placeholders, no HTML, no references."""
    english = dict(leaves(strings()))
    other = dict(leaves(load_json(path)))
    missing, extra = set(english) - set(other), set(other) - set(english)
    assert not missing, f"{path.name} lacks {sorted(missing)}"
    assert not extra, f"{path.name} has extra {sorted(extra)}"
    translated = 0
    for key, text in other.items():
        assert isinstance(text, str) and text.strip(), key
        assert placeholders(text) == placeholders(english[key]), key
        assert not HTML.search(text), key
        assert "[%key:" not in text, key
        cv.string_with_no_html(text)
        translated += text != english[key]
    if path.stem != "en":
        # Real translations: most strings differ from English (names may not).
        assert translated >= 0.8 * len(other)


@pytest.mark.parametrize("path", _language_files(), ids=lambda p: p.stem)
async def test_home_assistant_loads_the_language(
    hass: HomeAssistant, path: Path
) -> None:
    """HA's translation loader serves each language's strings."""
    hass.config.components.add(DOMAIN)
    language = load_json(path)
    for category in ("config", "exceptions", "services"):
        loaded = await async_get_translations(hass, path.stem, category, [DOMAIN])
        for key, text in leaves(language.get(category, {}), (category,)):
            assert loaded[f"component.{DOMAIN}.{'.'.join(key)}"] == text
