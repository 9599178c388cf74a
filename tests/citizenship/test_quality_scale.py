"""quality_scale.yaml: every rule accounted for; the code meets those marked done.

The rule list is what Home Assistant's own integrations use (every
``components/*/quality_scale.yaml`` of the installed HA), so a rule HA adds
shows up here. A rule marked done is either checked here for what it means
(``CHECKS``, and the tests on a running entry below), or its comment in the
yaml says how it is met: "Checked by hand: ..." (a person reads it: docs,
design choices) or "Tested by tests/...": the named test files exist. A rule
with neither fails ``test_every_done_rule_is_checked_or_says_how``.
"""

from __future__ import annotations

import ast
import asyncio
from collections.abc import Callable
import configparser
import importlib
import inspect
from pathlib import Path
import re
import sys

import homeassistant
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity import Entity
from homeassistant.util.yaml import load_yaml_dict
import probatio as vol
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

import custom_components.alarmhub as integration
from custom_components.alarmhub import config_flow
from custom_components.alarmhub.clips import ClipExporter
from custom_components.alarmhub.const import DOMAIN
from custom_components.alarmhub.coordinator import AlarmHubCoordinator
from custom_components.alarmhub.pending import ChangeQueue

from .source import COMPONENT, ROOT, glue_modules, load_json, scan

CORE = Path(homeassistant.__file__).parent / "components"


def _known_rules() -> set[str]:
    rules: set[str] = set()
    for path in CORE.glob("*/quality_scale.yaml"):
        rules.update(load_yaml_dict(str(path)).get("rules", {}))
    return rules


SCHEMA = vol.Schema(
    {
        vol.Required("rules"): {
            str: vol.Any(
                vol.In(["todo", "done"]),
                vol.Schema(
                    {
                        vol.Required("status"): vol.In(["todo", "done"]),
                        vol.Required("comment"): str,
                    }
                ),
                vol.Schema(
                    {vol.Required("status"): "exempt", vol.Required("comment"): str}
                ),
            )
        }
    }
)


@pytest.fixture(scope="module")
def rules() -> dict[str, str]:
    """Return each rule's status."""
    data = load_yaml_dict(str(COMPONENT / "quality_scale.yaml"))
    SCHEMA(data)
    return {
        name: value if isinstance(value, str) else value["status"]
        for name, value in data["rules"].items()
    }


def test_every_rule_is_accounted_for(rules: dict[str, str]) -> None:
    """All rules listed, none unknown, none left to do for the claimed tier."""
    known = _known_rules()
    assert len(known) >= 50
    assert set(rules) == known, (
        f"missing {sorted(known - set(rules))}, unknown {sorted(set(rules) - known)}"
    )
    manifest = load_json(COMPONENT / "manifest.json")
    if manifest.get("quality_scale") == "platinum":
        assert not [name for name, status in rules.items() if status == "todo"]


def _source(name: str) -> str:
    return (COMPONENT / name).read_text()


def _platform_modules() -> list[str]:
    return [p.value for p in Platform if (COMPONENT / f"{p.value}.py").is_file()]


def check_parallel_updates() -> None:
    """Every entity platform says how many updates may run at once."""
    for platform in _platform_modules():
        module = importlib.import_module(f"custom_components.alarmhub.{platform}")
        assert isinstance(getattr(module, "PARALLEL_UPDATES", None), int), platform


def check_config_entry_unloading() -> None:
    """async_unload_entry unloads the platforms and closes the client."""
    assert inspect.iscoroutinefunction(integration.async_unload_entry)
    assert "async_unload_platforms" in inspect.getsource(integration.async_unload_entry)


def check_runtime_data() -> None:
    """Statically: no module of ours writes into hass.data (reads HA's own).

    What it means at run time is checked by
    ``test_runtime_data_holds_every_per_entry_object``.
    """
    for path in glue_modules():
        for node in ast.walk(ast.parse(path.read_text())):
            writes = (
                node.targets
                if isinstance(node, ast.Assign)
                else [node.target]
                if isinstance(node, ast.AugAssign | ast.AnnAssign)
                else []
            )
            for target in writes:
                assert not (
                    isinstance(target, ast.Subscript)
                    and "hass.data" in ast.unparse(target.value)
                ), f"{path.name}:{node.lineno} writes to hass.data"
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                assert not (
                    node.func.attr in {"setdefault", "update", "__setitem__"}
                    and "hass.data" in ast.unparse(node.func.value)
                ), f"{path.name}:{node.lineno} writes to hass.data"


def check_exception_translations() -> None:
    """Every HA exception (any subclass) made by our code has a translation key.

    ``source.scan`` resolves each raised or constructed class in its module,
    so ``Unresolvable``, ``BrowseError`` and the like count; test_translations
    checks that every key exists in strings.json and both translations.
    """
    assert not scan().untranslated


def check_test_coverage() -> None:
    """scripts/test runs the suite with branch coverage, then the floor.

    The figures themselves come from that run (scripts/coverage_floor.py
    fails below 95 % for any module); a test cannot measure the run it is in.
    """
    script = (ROOT / "scripts" / "test").read_text()
    assert "--cov=custom_components.alarmhub" in script
    assert "--cov-branch" in script
    assert "scripts/coverage_floor.py" in script
    assert (ROOT / "scripts" / "coverage_floor.py").is_file()


def check_has_entity_name() -> None:
    """Every entity class uses has_entity_name."""
    for platform in _platform_modules():
        module = importlib.import_module(f"custom_components.alarmhub.{platform}")
        for cls in vars(module).values():
            if (
                inspect.isclass(cls)
                and issubclass(cls, Entity)
                and cls.__module__ == module.__name__
            ):
                assert cls._attr_has_entity_name, cls


def check_entity_unique_id() -> None:
    """The base entity sets a unique id (what it means: the test on an entry)."""
    assert "self._attr_unique_id = " in _source("entity.py")


def check_reauthentication_flow() -> None:
    """A reauth flow exists."""
    assert hasattr(config_flow.AlarmHubConfigFlow, "async_step_reauth_confirm")


def check_reconfiguration_flow() -> None:
    """A reconfigure flow exists."""
    assert hasattr(config_flow.AlarmHubConfigFlow, "async_step_reconfigure")


def check_discovery() -> None:
    """Zeroconf in the manifest, and a zeroconf step."""
    assert load_json(COMPONENT / "manifest.json")["zeroconf"]
    assert hasattr(config_flow.AlarmHubConfigFlow, "async_step_zeroconf")


def check_discovery_update_info() -> None:
    """A rediscovered hub updates its entry's address."""
    source = inspect.getsource(config_flow.AlarmHubConfigFlow.async_step_zeroconf)
    assert "_abort_if_unique_id_configured(" in source
    assert "updates=" in source


def check_unique_config_entry() -> None:
    """Flows set the hub's serial as the unique id."""
    assert "async_set_unique_id" in _source("config_flow.py")


def check_test_before_setup() -> None:
    """Set-up connects first and says why it cannot."""
    source = _source("__init__.py")
    assert "ConfigEntryNotReady" in source
    assert "ConfigEntryAuthFailed" in source


def check_test_before_configure() -> None:
    """The config flow connects before creating an entry."""
    assert "async_try_connect(" in _source("config_flow.py")
    assert "await client.connect()" in _source("connection.py")


def check_diagnostics() -> None:
    """Config entry diagnostics exist."""
    module = importlib.import_module("custom_components.alarmhub.diagnostics")
    assert inspect.iscoroutinefunction(module.async_get_config_entry_diagnostics)


def check_repair_issues() -> None:
    """The integration raises repair issues (and has translations for them)."""
    strings = load_json(COMPONENT / "strings.json")
    assert strings.get("issues")
    assert any("async_create_issue" in p.read_text() for p in glue_modules())


def check_icon_translations() -> None:
    """icons.json exists (its content is checked in test_translations)."""
    assert (COMPONENT / "icons.json").is_file()


def check_brands() -> None:
    """Brand images ship with the integration."""
    assert (COMPONENT / "brand" / "icon.png").is_file()


def check_integration_owner() -> None:
    """Code owners are named."""
    assert load_json(COMPONENT / "manifest.json")["codeowners"]


def check_inject_websession() -> None:
    """No private aiohttp session: HA's shared one is passed in."""
    for path in COMPONENT.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                assert node.func.attr != "ClientSession", path.name
    assert "async_get_clientsession" in _source("connection.py")


def check_async_dependency() -> None:
    """No blocking I/O library: no requests, no time.sleep, no urllib."""
    banned = re.compile(r"^\s*(import requests|from requests|import urllib\.request)")
    for path in COMPONENT.rglob("*.py"):
        text = path.read_text()
        assert not banned.search(text), path.name
        assert "time.sleep(" not in text, path.name


def check_strict_typing() -> None:
    """mypy --strict covers the integration; its library ships py.typed."""
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    assert config.getboolean("mypy", "strict")
    assert "custom_components/alarmhub" in config.get("mypy", "files")
    assert (COMPONENT / "panels" / "py.typed").is_file()


def check_entity_category() -> None:
    """Diagnostic and configuration entities are marked so."""
    sources = "".join(path.read_text() for path in glue_modules())
    assert "EntityCategory.DIAGNOSTIC" in sources
    assert "EntityCategory.CONFIG" in sources


def check_entity_disabled_by_default() -> None:
    """Some rarely wanted entities start disabled."""
    sources = "".join(path.read_text() for path in glue_modules())
    assert "entity_registry_enabled_default=False" in sources


def check_action_setup() -> None:
    """Actions are registered in async_setup (test_services_yaml runs it)."""
    assert "async_setup_services(hass)" in inspect.getsource(integration.async_setup)


def _docs() -> str:
    return "".join(
        path.read_text() for path in [ROOT / "README.md", *ROOT.glob("docs/*.md")]
    )


def check_docs_actions() -> None:
    """Every action is documented with an example."""
    docs = (ROOT / "docs" / "actions.md").read_text()
    for name in load_yaml_dict(str(COMPONENT / "services.yaml")):
        assert f"action: alarmhub.{name}" in docs, name


def check_docs_supported_functions() -> None:
    """Every entity platform is documented."""
    docs = (ROOT / "docs" / "entities.md").read_text()
    for platform in integration.PLATFORMS:
        assert f"`{platform.value}`" in docs, platform


def check_docs_events() -> None:
    """Automation examples, and every event fired on the bus, are documented."""
    from custom_components.alarmhub.clips import EVENT_CLIP_DONE, EVENT_CLIP_PROGRESS
    from custom_components.alarmhub.coordinator import BUS_EVENTS

    docs = (ROOT / "docs" / "automations.md").read_text()
    assert "triggers:" in docs
    assert (ROOT / "docs" / "examples" / "automations.yaml").is_file()
    events = {f"alarmhub_{name}" for name in BUS_EVENTS}
    for event in events | {EVENT_CLIP_DONE, EVENT_CLIP_PROGRESS}:
        assert f"`{event}`" in docs, event


def _docs_mention(*words: str) -> Callable[[], None]:
    def check() -> None:
        text = _docs().lower()
        for word in words:
            assert word.lower() in text, word

    return check


CHECKS: dict[str, Callable[[], None]] = {
    "action-setup": check_action_setup,
    "async-dependency": check_async_dependency,
    "brands": check_brands,
    "config-entry-unloading": check_config_entry_unloading,
    "diagnostics": check_diagnostics,
    "discovery": check_discovery,
    "discovery-update-info": check_discovery_update_info,
    "docs-actions": check_docs_actions,
    "docs-configuration-parameters": _docs_mention("options"),
    "docs-data-update": _docs_mention("pushed", "30 seconds"),
    "docs-examples": check_docs_events,
    "docs-high-level-description": _docs_mention("AlarmHub"),
    "docs-installation-instructions": _docs_mention("HACS", "manually"),
    "docs-installation-parameters": _docs_mention("access token", "serial"),
    "docs-known-limitations": _docs_mention("Known limitations"),
    "docs-removal-instructions": _docs_mention("Removal"),
    "docs-supported-devices": _docs_mention("Supported devices"),
    "docs-supported-functions": check_docs_supported_functions,
    "docs-troubleshooting": _docs_mention("Troubleshooting"),
    "docs-use-cases": _docs_mention("Use cases"),
    "entity-category": check_entity_category,
    "entity-disabled-by-default": check_entity_disabled_by_default,
    "entity-unique-id": check_entity_unique_id,
    "exception-translations": check_exception_translations,
    "has-entity-name": check_has_entity_name,
    "icon-translations": check_icon_translations,
    "inject-websession": check_inject_websession,
    "integration-owner": check_integration_owner,
    "parallel-updates": check_parallel_updates,
    "reauthentication-flow": check_reauthentication_flow,
    "reconfiguration-flow": check_reconfiguration_flow,
    "repair-issues": check_repair_issues,
    "runtime-data": check_runtime_data,
    "strict-typing": check_strict_typing,
    "test-before-configure": check_test_before_configure,
    "test-before-setup": check_test_before_setup,
    "test-coverage": check_test_coverage,
    "unique-config-entry": check_unique_config_entry,
}


@pytest.mark.parametrize("rule", sorted(CHECKS))
def test_rule_is_met(rule: str, rules: dict[str, str]) -> None:
    """A rule marked done holds in the code and docs."""
    if rules.get(rule) != "done":
        pytest.skip(f"{rule} is {rules.get(rule)}")
    CHECKS[rule]()


def test_exemptions_still_hold(rules: dict[str, str]) -> None:
    """An exemption's reason is still true."""
    if rules.get("docs-conditions") == "exempt":
        assert not (COMPONENT / "conditions.yaml").exists()
    if rules.get("docs-triggers") == "exempt":
        assert not (COMPONENT / "triggers.yaml").exists()
        assert not (COMPONENT / "device_trigger.py").exists()


#: Rules whose meaning the tests below check on an entry set up against the
#: simulator (besides any static check in CHECKS).
RUNNING_CHECKS = frozenset(
    {"runtime-data", "entity-unique-id", "has-entity-name", "config-entry-unloading"}
)
HOW = re.compile(r"checked by hand:|tested by (tests/\S+)", re.IGNORECASE)


def test_every_done_rule_is_checked_or_says_how() -> None:
    """No pretence: a done rule is checked here, or its comment says how."""
    data = load_yaml_dict(str(COMPONENT / "quality_scale.yaml"))["rules"]
    silent = []
    for name, value in data.items():
        status, comment = (
            (value, "")
            if isinstance(value, str)
            else (value["status"], value["comment"])
        )
        if status != "done" or name in CHECKS or name in RUNNING_CHECKS:
            continue
        found = HOW.findall(comment)
        if not HOW.search(comment):
            silent.append(name)
        for path in found:
            if path:
                assert list(ROOT.glob(path.rstrip(".,;)"))), f"{name}: no {path}"
    assert not silent, f"say how these are met (Checked by hand / Tested by): {silent}"


def _ours_in(value: object, path: str, depth: int = 0) -> list[tuple[str, object]]:
    """Return the objects of the integration found in ``value`` (a few levels)."""
    found: list[tuple[str, object]] = []
    if isinstance(value, Entity):
        return found  # HA's own bookkeeping of loaded entities
    if type(value).__module__.startswith("custom_components.alarmhub"):
        found.append((path, value))
    if depth < 3 and isinstance(value, dict):
        for key, item in list(value.items()):
            found += _ours_in(item, f"{path}[{key!r}]", depth + 1)
    elif depth < 3 and isinstance(value, list | set | tuple):
        for item in list(value):
            found += _ours_in(item, f"{path}[]", depth + 1)
    return found


def _keyed_by(value: object, key: str, path: str, depth: int = 0) -> list[str]:
    """Return where ``key`` (an entry id) is a key in ``value`` (a few levels)."""
    found: list[str] = []
    if depth < 3 and isinstance(value, dict):
        for name, item in list(value.items()):
            if name == key:
                found.append(f"{path}[{name!r}]")
            found += _keyed_by(item, key, f"{path}[{name!r}]", depth + 1)
    return found


#: hass.data keys under which HA itself keeps what an integration registers
#: once for the whole run: intent handlers (voice.py), media sources.
HA_WIDE = frozenset({"intent", "media_source"})


def _per_entry_leftovers(hass: HomeAssistant, entry_id: str) -> list[str]:
    problems = []
    # A module-level registry keyed by entry id is hass.data by another name.
    for name, module in list(sys.modules.items()):
        if name.startswith("custom_components.alarmhub"):
            for attr, value in list(vars(module).items()):
                problems += _keyed_by(value, entry_id, f"{name}.{attr}")
    for key, value in hass.data.items():
        problems += _keyed_by(value, entry_id, f"hass.data[{str(key)!r}]")
        if str(key) not in HA_WIDE:
            problems += [where for where, _ in _ours_in(value, f"hass.data[{key!r}]")]
    return problems


async def test_runtime_data_holds_every_per_entry_object(
    hass: HomeAssistant, rules: dict[str, str], init_integration: MockConfigEntry
) -> None:
    """runtime-data: the entry's objects are its runtime data, none in hass.data."""
    if rules.get("runtime-data") != "done":
        pytest.skip("runtime-data is not claimed")
    entry = init_integration
    assert _per_entry_leftovers(hass, entry.entry_id) == []
    coordinator = entry.runtime_data
    assert isinstance(coordinator, AlarmHubCoordinator)
    assert isinstance(coordinator.changes, ChangeQueue)
    assert isinstance(coordinator.clips, ClipExporter)
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.NOT_LOADED
    assert not hasattr(entry, "runtime_data")
    assert _per_entry_leftovers(hass, entry.entry_id) == []


async def test_unloading_closes_the_connection(
    hass: HomeAssistant, rules: dict[str, str], init_integration: MockConfigEntry
) -> None:
    """config-entry-unloading: unload closes the hub connection, leaves no task."""
    if rules.get("config-entry-unloading") != "done":
        pytest.skip("config-entry-unloading is not claimed")
    entry = init_integration
    client = entry.runtime_data.client
    assert client.connected
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert not client.connected
    assert not [
        task
        for task in asyncio.all_tasks()
        if DOMAIN in task.get_name() and not task.done()
    ]


async def test_entities_have_unique_ids_and_names(
    hass: HomeAssistant, rules: dict[str, str], init_integration: MockConfigEntry
) -> None:
    """entity-unique-id and has-entity-name, on every entity the demo site makes."""
    registry = er.async_get(hass)
    entries = er.async_entries_for_config_entry(registry, init_integration.entry_id)
    assert len(entries) > 20
    ours = {
        state.entity_id
        for state in hass.states.async_all()
        if (found := registry.async_get(state.entity_id))
        and found.config_entry_id == init_integration.entry_id
    }
    platforms = {p.value for p in integration.PLATFORMS}
    shown = {
        state.entity_id
        for state in hass.states.async_all()
        if state.domain in platforms
        and state.attributes.get("attribution") is None
        and state.entity_id not in ours
        and registry.async_get(state.entity_id) is None
    }
    if rules.get("entity-unique-id") == "done":
        # An entity without a unique id has no registry entry at all.
        assert all(entry.unique_id for entry in entries)
        assert not shown, f"entities without a unique id: {sorted(shown)}"
    if rules.get("has-entity-name") == "done":
        assert [e.entity_id for e in entries if not e.has_entity_name] == []
