"""manifest.json and hacs.json: what hassfest, HACS and HA's loader require.

hassfest is not part of the installed Home Assistant, so its manifest rules
are restated here (schema, key order, version, IoT class, dependencies,
requirements), together with HACS's and the checks a custom integration
needs on top: requirements pinned to exactly what Home Assistant itself pins.
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path
import re
import sys
from typing import Any
from urllib.parse import urlparse

from awesomeversion import AwesomeVersion, AwesomeVersionStrategy
import homeassistant
from homeassistant.components.brands.const import ALLOWED_IMAGES
from homeassistant.const import __version__ as HA_VERSION
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.loader import async_get_integration
from packaging.requirements import Requirement
from PIL import Image
import probatio as vol
import pytest

from custom_components.alarmhub.const import DOMAIN

from .source import COMPONENT, PLATFORMS, ROOT, all_modules, imported_modules, load_json

HA_PACKAGE = Path(homeassistant.__file__).parent
CORE_COMPONENTS = HA_PACKAGE / "components"

#: zigpy is not pinned by Home Assistant itself but by ZHA's library: HA
#: pins ``zha==2.3.1`` (components/zha/manifest.json), which requires
#: ``zigpy==2.3.0``. When HA moves ZHA on, this test says so.
ZHA_PIN = "zha==2.3.1"
ZHA_ZIGPY = "2.3.0"
#: alarmdecoder likewise comes with HA core's ``alarmdecoder`` integration,
#: through ``adext==0.4.7`` (components/alarmdecoder/manifest.json); we pin
#: the release that installs beside it, so both integrations can be loaded.
ADEXT_PIN = "adext==0.4.7"
ADEXT_ALARMDECODER = "1.13.14"

#: Integrations whose modules any integration may import without listing
#: them in ``dependencies`` (hassfest's list: entity platforms and helpers
#: that are always set up or import without side effects).
ALWAYS_IMPORTABLE = PLATFORMS | {
    "automation",
    "conversation",
    "device_automation",
    "frontend",
    "homeassistant",
    "media_source",
    "onboarding",
    "persistent_notification",
    "script",
    "stream",
    "system_health",
    "webhook",
    "websocket_api",
    "zone",
}

VERSION_STRATEGIES = [
    AwesomeVersionStrategy.CALVER,
    AwesomeVersionStrategy.SEMVER,
    AwesomeVersionStrategy.SIMPLEVER,
    AwesomeVersionStrategy.BUILDVER,
    AwesomeVersionStrategy.PEP440,
]


def https_url(value: Any) -> str:
    """Validate an https URL."""
    url = urlparse(str(value))
    if url.scheme != "https" or not url.netloc:
        raise vol.Invalid(f"{value!r} is not an https URL")
    return str(value)


def version(value: Any) -> str:
    """Validate a version the way hassfest and HA's loader do."""
    AwesomeVersion(str(value), ensure_strategy=VERSION_STRATEGIES)
    return str(value)


def pinned(value: Any) -> str:
    """Validate a requirement pinned to one version."""
    requirement = Requirement(str(value))
    if (
        len(requirement.specifier) != 1
        or next(iter(requirement.specifier)).operator != "=="
    ):
        raise vol.Invalid(f"{value!r} is not pinned with ==")
    return str(value)


def lowercase(value: Any) -> str:
    """Validate a lowercase string."""
    if str(value).lower() != value:
        raise vol.Invalid(f"{value!r} must be lowercase")
    return str(value)


ZEROCONF_MATCHER = vol.Any(
    vol.Match(r"^_[a-z0-9-]+\._(tcp|udp)\.local\.$"),
    vol.Schema(
        {
            vol.Required("type"): vol.Match(r"^_[a-z0-9-]+\._(tcp|udp)\.local\.$"),
            vol.Optional("name"): lowercase,
            vol.Optional("properties"): {str: lowercase},
        }
    ),
)

MANIFEST_SCHEMA = vol.Schema(
    {
        vol.Required("domain"): DOMAIN,
        vol.Required("name"): cv.string,
        vol.Required("codeowners"): vol.All(
            [vol.Match(r"^@[\w.-]+(/[\w.-]+)?$")], vol.Length(min=1)
        ),
        vol.Required("config_flow"): True,
        vol.Required("dependencies"): [str],
        vol.Optional("after_dependencies"): [str],
        vol.Required("documentation"): https_url,
        vol.Required("integration_type"): "hub",
        vol.Required("iot_class"): vol.In(
            [
                "local_push",
                "local_polling",
                "cloud_push",
                "cloud_polling",
                "calculated",
                "assumed_state",
            ]
        ),
        vol.Required("issue_tracker"): https_url,
        vol.Optional("loggers"): [str],
        vol.Optional("quality_scale"): vol.In(["silver", "gold", "platinum"]),
        vol.Required("requirements"): [pinned],
        vol.Required("version"): version,
        vol.Optional("zeroconf"): [ZEROCONF_MATCHER],
        vol.Optional("single_config_entry"): bool,
        vol.Optional("import_executor"): bool,
    }
)

HACS_SCHEMA = vol.Schema(
    {
        vol.Required("name"): cv.string,
        vol.Required("homeassistant"): version,
        vol.Optional("render_readme"): bool,
        vol.Optional("hacs"): version,
        vol.Optional("country"): vol.Any(str, [str]),
        vol.Optional("zip_release"): bool,
        vol.Optional("filename"): str,
        vol.Optional("hide_default_branch"): bool,
        vol.Optional("persistent_directory"): str,
    }
)


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    """Return manifest.json."""
    data: dict[str, Any] = load_json(COMPONENT / "manifest.json")
    return data


def test_manifest_schema(manifest: dict[str, Any]) -> None:
    """Every key hassfest and HACS want, with valid values."""
    MANIFEST_SCHEMA(manifest)
    assert COMPONENT.name == manifest["domain"]
    assert not (CORE_COMPONENTS / DOMAIN).exists(), "domain collides with a core one"


def test_manifest_key_order(manifest: dict[str, Any]) -> None:
    """hassfest: domain, name, then the other keys alphabetically."""
    keys = list(manifest)
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])


def test_manifest_zeroconf_matches_the_hub() -> None:
    """The zeroconf matcher is the type the hub (the simulator) advertises."""
    from simulator.zeroconf import SERVICE_TYPE

    matchers = load_json(COMPONENT / "manifest.json")["zeroconf"]
    types = [m if isinstance(m, str) else m["type"] for m in matchers]
    assert SERVICE_TYPE in types


def test_manifest_quality_scale_claim(manifest: dict[str, Any]) -> None:
    """A claimed tier needs quality_scale.yaml (checked in test_quality_scale)."""
    if "quality_scale" in manifest:
        assert (COMPONENT / "quality_scale.yaml").is_file()
        assert (COMPONENT / "diagnostics.py").is_file()
        assert manifest["codeowners"]


async def test_loader_accepts_the_integration(
    hass: HomeAssistant, manifest: dict[str, Any]
) -> None:
    """HA's loader reads the manifest as a valid custom integration."""
    integration = await async_get_integration(hass, DOMAIN)
    assert not integration.is_built_in
    assert str(integration.version) == manifest["version"]
    assert integration.integration_type == "hub"
    assert integration.config_flow
    assert integration.has_translations
    assert integration.has_services
    assert integration.has_branding


def test_dependencies_exist_and_are_declared(manifest: dict[str, Any]) -> None:
    """Every integration imported is a declared dependency (hassfest's rule)."""
    declared = set(manifest["dependencies"]) | set(
        manifest.get("after_dependencies", [])
    )
    assert not set(manifest["dependencies"]) & set(
        manifest.get("after_dependencies", [])
    )
    for dependency in declared:
        assert (CORE_COMPONENTS / dependency / "manifest.json").is_file(), dependency
    own_platforms = {path.stem for path in COMPONENT.glob("*.py")}
    allowed = set(ALWAYS_IMPORTABLE | declared | own_platforms)
    if "zeroconf" in manifest:
        allowed.add("zeroconf")
    used: dict[str, set[str]] = {}
    for module, files in imported_modules(all_modules()).items():
        parts = module.split(".")
        if parts[:2] == ["homeassistant", "components"] and len(parts) > 2:
            used.setdefault(parts[2], set()).update(files)
    undeclared = {
        name: sorted(files) for name, files in used.items() if name not in allowed
    }
    assert not undeclared, f"add to manifest dependencies: {undeclared}"


def _constraints() -> dict[str, str]:
    """Return HA's pins from homeassistant/package_constraints.txt."""
    pins: dict[str, str] = {}
    for raw in (HA_PACKAGE / "package_constraints.txt").read_text().splitlines():
        line = raw.split("#")[0].strip()
        if "==" in line and not line.startswith("-"):
            requirement = Requirement(line)
            pins[canonical(requirement.name)] = str(requirement.specifier)[2:]
    return pins


def canonical(name: str) -> str:
    """Return a distribution name in canonical form."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _dependency_requirements(manifest: dict[str, Any]) -> set[str]:
    """Return the distributions the manifest's dependencies install."""
    names: set[str] = set()
    for dependency in manifest["dependencies"]:
        dep = load_json(CORE_COMPONENTS / dependency / "manifest.json")
        names.update(
            canonical(Requirement(r).name) for r in dep.get("requirements", [])
        )
    return names


def test_requirements_pinned_like_home_assistant(manifest: dict[str, Any]) -> None:
    """Each requirement is installed at its pin, and the pin is HA's (or ZHA's)."""
    constraints = _constraints()
    zha = load_json(CORE_COMPONENTS / "zha" / "manifest.json")
    assert ZHA_PIN in zha["requirements"], "HA moved ZHA on: update ZHA_ZIGPY"
    for line in manifest["requirements"]:
        requirement = Requirement(line)
        name = canonical(requirement.name)
        pin = str(requirement.specifier)[2:]
        assert metadata.version(name) == pin, (
            f"{line}: installed {metadata.version(name)}"
        )
        if name in constraints:
            assert constraints[name] == pin, f"{line}: HA pins {constraints[name]}"
        elif name == "zigpy":
            assert pin == ZHA_ZIGPY, f"{line}: ZHA needs zigpy=={ZHA_ZIGPY}"
        elif name == "alarmdecoder":
            core = load_json(CORE_COMPONENTS / "alarmdecoder" / "manifest.json")
            assert ADEXT_PIN in core["requirements"], "HA moved adext on"
            assert pin == ADEXT_ALARMDECODER, f"{line}: adext gets {ADEXT_ALARMDECODER}"
        elif name == "msgspec":
            # Neither HA nor any of its integrations pins or installs it, so
            # nothing can ask for another version beside us.
            assert name not in _core_requirements(), f"{line}: HA uses it now"
            assert name not in {
                canonical(Requirement(r).name)
                for r in metadata.requires("homeassistant") or []
            }
        else:
            pytest.fail(f"{line}: not pinned by HA; check it cannot clash")


def _core_requirements() -> set[str]:
    """Return every distribution HA's own integrations require."""
    return {
        canonical(Requirement(r).name)
        for path in CORE_COMPONENTS.glob("*/manifest.json")
        for r in load_json(path).get("requirements", [])
    }


def test_every_import_is_a_requirement(manifest: dict[str, Any]) -> None:
    """Third-party imports come from HA itself or the manifest's requirements."""
    ha_deps = {
        canonical(Requirement(r).name)
        for r in metadata.requires("homeassistant") or []
        if "extra ==" not in r
    }
    provided = (
        ha_deps
        | {canonical(Requirement(r).name) for r in manifest["requirements"]}
        | _dependency_requirements(manifest)
    )
    distributions = metadata.packages_distributions()
    missing: dict[str, list[str]] = {}
    for module, files in imported_modules(all_modules()).items():
        top = module.split(".")[0]
        if top in sys.stdlib_module_names or top in {
            "homeassistant",
            "custom_components",
        }:
            continue
        dists = {canonical(d) for d in distributions.get(top, [top])}
        if not dists & provided:
            missing[top] = sorted(files)
    assert not missing, f"add to manifest requirements: {missing}"


def test_loggers_are_the_requirements(manifest: dict[str, Any]) -> None:
    """``loggers`` names the requirements' loggers (ours is implied)."""
    distributions = metadata.packages_distributions()
    ours = {canonical(Requirement(r).name) for r in manifest["requirements"]}
    modules = {
        module
        for module, dists in distributions.items()
        if {canonical(d) for d in dists} & ours
    }
    assert set(manifest.get("loggers", [])) <= modules


def test_hacs_json() -> None:
    """hacs.json: a name and a minimum HA version this HA satisfies."""
    hacs = load_json(ROOT / "hacs.json")
    HACS_SCHEMA(hacs)
    assert AwesomeVersion(hacs["homeassistant"]) <= AwesomeVersion(HA_VERSION)
    assert hacs["name"] == load_json(COMPONENT / "manifest.json")["name"]
    # HACS: one integration under custom_components/, a README at the root.
    assert [p.name for p in (ROOT / "custom_components").iterdir() if p.is_dir()] == [
        DOMAIN
    ]
    assert (ROOT / "README.md").is_file()


def test_brand_images() -> None:
    """Brand images HA serves from brand/, at the brands repository's sizes."""
    images = sorted((COMPONENT / "brand").iterdir())
    names = {path.name for path in images}
    assert {"icon.png", "logo.png"} <= names
    assert names <= ALLOWED_IMAGES, names - ALLOWED_IMAGES
    for path in images:
        with Image.open(path) as image:
            assert image.format == "PNG", path.name
            assert image.mode == "RGBA", path.name  # transparent background
            double = "@2x" in path.name
            if "icon" in path.name:
                assert image.size == ((512, 512) if double else (256, 256)), path.name
            else:  # a logo: landscape, shortest side 128-256 px (x2 for @2x)
                low, high = (256, 512) if double else (128, 256)
                assert low <= image.height <= high, path.name
                assert image.width >= image.height, path.name
