"""services.yaml against the actions the integration really registers.

Home Assistant validates services.yaml leniently when it loads it; hassfest
(not installed) is strict. Both are applied: HA's own loader schema, and
hassfest's rules for a custom integration restated here. Then each action
registered in ``async_setup`` (action-setup) is compared with its entry:
same fields, same required ones, same defaults, select options the schema
accepts, names and descriptions translated, and an icon.
"""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import (
    config_validation as cv,
    selector,
    service as service_helper,
)
from homeassistant.helpers.service import async_get_all_descriptions
from homeassistant.helpers.translation import async_get_translations
from homeassistant.setup import async_setup_component
from homeassistant.util.yaml import load_yaml_dict
import probatio as vol
import pytest

from custom_components.alarmhub.const import DOMAIN

from .source import COMPONENT, load_json, lookup, strings

TARGET_KEYS = {"entity_id", "device_id", "area_id", "floor_id", "label_id"}


def _exists(value: Any) -> Any:
    if value is None:
        raise vol.Invalid("value cannot be None")
    return value


def _field_schema(targeted: bool) -> vol.Schema:
    schema: dict[Any, Any] = {
        vol.Optional("example"): _exists,
        vol.Optional("default"): _exists,
        vol.Optional("required"): bool,
        vol.Optional("advanced"): bool,
        vol.Optional("selector"): selector.validate_selector,
        vol.Optional("name"): str,
        vol.Optional("description"): str,
    }
    if targeted:
        schema[vol.Optional("filter")] = {
            vol.Exclusive("attribute", "filter"): {
                vol.Required(str): [
                    vol.All(str, service_helper.validate_attribute_option)
                ]
            },
            vol.Exclusive("supported_features", "filter"): [
                vol.All(str, service_helper.validate_supported_feature)
            ],
        }
    return vol.Schema(schema)


def _service_schema(targeted: bool) -> vol.Schema:
    field = _field_schema(targeted)
    section = vol.Schema(
        {
            vol.Optional("collapsed"): bool,
            vol.Required("fields"): {str: field},
            vol.Optional("name"): str,
            vol.Optional("description"): str,
        }
    )
    schema: dict[Any, Any] = {
        vol.Optional("fields"): {str: vol.Any(field, section)},
        vol.Optional("name"): str,
        vol.Optional("description"): str,
    }
    if targeted:
        schema[vol.Required("target")] = vol.Any(
            selector.TargetSelector.CONFIG_SCHEMA, None
        )
    return vol.Schema(schema)


#: hassfest's services.yaml schema for custom integrations.
STRICT_SCHEMA = vol.Schema(
    {cv.slug: vol.Any(_service_schema(True), _service_schema(False), None)}
)


@pytest.fixture(scope="module")
def services_yaml() -> dict[str, Any]:
    """Return services.yaml, as HA loads it."""
    data: dict[str, Any] = load_yaml_dict(str(COMPONENT / "services.yaml"))
    return data


@pytest.fixture
async def registered(hass: HomeAssistant) -> dict[str, Any]:
    """Set the integration up without a hub; return the actions it registered."""
    assert await async_setup_component(hass, DOMAIN, {})
    return hass.services.async_services_for_domain(DOMAIN)


def _flat_fields(entry: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    fields: dict[str, dict[str, Any]] = {}
    for name, spec in ((entry or {}).get("fields") or {}).items():
        if "fields" in spec:  # a section
            fields.update(spec["fields"])
        else:
            fields[name] = spec or {}
    return fields


def _schema_dict(schema: Any) -> dict[Any, Any] | None:
    """Return the dict behind a (wrapped) probatio schema."""
    if isinstance(schema, dict):
        return schema
    inner = getattr(schema, "schema", None)
    if isinstance(inner, dict):
        return inner
    if inner is not None and inner is not schema:
        return _schema_dict(inner)
    for validator in getattr(schema, "validators", ()):
        if (found := _schema_dict(validator)) is not None:
            return found
    return None


def _accepted_options(validator: Any) -> set[str] | None:
    """Return the values a ``vol.In`` (inside All / lists) accepts, if any."""
    if isinstance(validator, vol.In):
        return {str(v) for v in validator.container}
    if isinstance(validator, list) and validator:
        return _accepted_options(validator[0])
    for inner in getattr(validator, "validators", ()):
        if (found := _accepted_options(inner)) is not None:
            return found
    return None


def test_services_yaml_schema(services_yaml: dict[str, Any]) -> None:
    """Valid for HA's loader and for hassfest."""
    service_helper._SERVICES_SCHEMA(services_yaml)
    STRICT_SCHEMA(services_yaml)


def test_every_action_has_an_entry(
    registered: dict[str, Any], services_yaml: dict[str, Any]
) -> None:
    """action-setup: every action exists once HA runs async_setup, and only those."""
    assert set(registered) == set(services_yaml)


def test_fields_match_the_schemas(
    registered: dict[str, Any], services_yaml: dict[str, Any]
) -> None:
    """Fields, required ones, defaults and select options match the code."""
    problems: list[str] = []
    for name, service in registered.items():
        entry = services_yaml.get(name) or {}
        schema = _schema_dict(service.schema) or {}
        keys = {str(getattr(k, "schema", k)): (k, v) for k, v in schema.items()}
        keys = {k: kv for k, kv in keys.items() if k != "metadata"}
        targeted = bool(TARGET_KEYS & set(keys))
        if targeted != ("target" in entry):
            problems.append(f"{name}: target in services.yaml must match the schema")
        fields = _flat_fields(entry)
        code_fields = set(keys) - TARGET_KEYS
        if set(fields) != code_fields:
            problems.append(
                f"{name}: yaml {sorted(fields)} != code {sorted(code_fields)}"
            )
        for field, spec in fields.items():
            if field not in keys:
                continue
            marker, validator = keys[field]
            if bool(spec.get("required")) != isinstance(marker, vol.Required):
                problems.append(f"{name}.{field}: required differs")
            default = getattr(marker, "default", vol.UNDEFINED)
            if default is not vol.UNDEFINED and "default" in spec:
                value = default() if callable(default) else default
                if value != spec["default"]:
                    problems.append(
                        f"{name}.{field}: default {value!r} != {spec['default']!r}"
                    )
            options = lookup(spec, ("selector", "select", "options"))
            accepted = _accepted_options(validator)
            if options and accepted is not None:
                values = {
                    str(o["value"] if isinstance(o, dict) else o) for o in options
                }
                if values != accepted:
                    problems.append(f"{name}.{field}: options {values} != {accepted}")
            if field == "config_entry_id":
                integration = lookup(spec, ("selector", "config_entry", "integration"))
                if integration != DOMAIN:
                    problems.append(
                        f"{name}.{field}: config_entry selector for {DOMAIN}"
                    )
    assert not problems, "\n".join(problems)


def test_actions_are_translated(services_yaml: dict[str, Any]) -> None:
    """Names and descriptions in strings.json; select options; icons."""
    texts = strings().get("services", {})
    icons = load_json(COMPONENT / "icons.json").get("services", {})
    problems: list[str] = []
    for name, entry in services_yaml.items():
        if not lookup(texts, (name, "name")) or not lookup(
            texts, (name, "description")
        ):
            problems.append(f"{name}: name/description")
        if name not in icons:
            problems.append(f"{name}: no icon in icons.json")
        for section, spec in ((entry or {}).get("fields") or {}).items():
            if "fields" in spec and not lookup(
                texts, (name, "sections", section, "name")
            ):
                problems.append(f"{name}: section {section} has no name")
        for field, spec in _flat_fields(entry).items():
            for part in ("name", "description"):
                if not lookup(texts, (name, "fields", field, part)):
                    problems.append(f"{name}.{field}: no {part}")
            select = lookup(spec, ("selector", "select")) or {}
            if key := select.get("translation_key"):
                for option in select.get("options", []):
                    value = option["value"] if isinstance(option, dict) else option
                    if not lookup(strings(), ("selector", key, "options", value)):
                        problems.append(f"{name}.{field}: option {value} untranslated")
    assert not problems, "\n".join(problems)


async def test_home_assistant_describes_the_actions(
    hass: HomeAssistant, registered: dict[str, Any], services_yaml: dict[str, Any]
) -> None:
    """HA describes each action from services.yaml and names it from strings."""
    descriptions = (await async_get_all_descriptions(hass))[DOMAIN]
    loaded = await async_get_translations(hass, "en", "services", [DOMAIN])
    for name in registered:
        fields = (services_yaml.get(name) or {}).get("fields", {})
        assert set(descriptions[name]["fields"]) == set(fields)
        key = f"component.{DOMAIN}.services.{name}.name"
        assert loaded[key] == strings()["services"][name]["name"]
