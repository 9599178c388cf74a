"""quality_scale.yaml: every rule accounted for; the code meets those marked done.

The rule list is what Home Assistant's own integrations use (every
``components/*/quality_scale.yaml`` of the installed HA), so a rule HA adds
shows up here. Rules a machine can check are checked below; the rest
(documentation, tests' scope) are covered by the docs and suite themselves.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
import configparser
import importlib
import inspect
from pathlib import Path
import re

import homeassistant
from homeassistant.const import Platform
from homeassistant.helpers.entity import Entity
from homeassistant.util.yaml import load_yaml_dict
import probatio as vol
import pytest

import custom_components.alarmhub as integration
from custom_components.alarmhub import config_flow

from .source import COMPONENT, ROOT, glue_modules, load_json

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
    """The coordinator lives in entry.runtime_data, not hass.data."""
    assert "entry.runtime_data =" in _source("__init__.py")
    for path in glue_modules():
        assert "hass.data[DOMAIN]" not in path.read_text(), path.name


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
    """The base entity sets a unique id from the hub's serial."""
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
