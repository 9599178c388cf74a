"""Read the integration's code and data files for the citizenship checks.

The scan is generic: it walks every module of the integration's Home
Assistant glue and reports each place that needs a string in
``strings.json`` (a translation key, a flow step, an error, an abort reason,
an entity name), so a new feature is checked without touching these tests.
Keys it cannot read from the source (a variable) are reported as *dynamic*;
a test must resolve each of them explicitly.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
import importlib
import json
from pathlib import Path
import re
from typing import Any

from homeassistant.const import Platform
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.intent import MatchFailedError

ROOT = Path(__file__).resolve().parents[2]
COMPONENT = ROOT / "custom_components" / "alarmhub"
PLATFORMS = frozenset(platform.value for platform in Platform)
PLACEHOLDER = re.compile(r"(?<!\{)\{([a-z_][a-z0-9_]*)\}(?!\})")


def load_json(path: Path) -> Any:
    """Return a JSON file's content."""
    return json.loads(path.read_text(encoding="utf-8"))


def strings() -> dict[str, Any]:
    """Return ``strings.json``."""
    data: dict[str, Any] = load_json(COMPONENT / "strings.json")
    return data


def glue_modules() -> list[Path]:
    """Return the integration's HA modules (the ``hub`` library has no HA)."""
    return sorted(COMPONENT.glob("*.py"))


def all_modules() -> list[Path]:
    """Return every Python module of the integration, the library included."""
    return sorted(COMPONENT.rglob("*.py"))


def placeholders(text: str) -> set[str]:
    """Return the ``{name}`` placeholders of a translated string."""
    return set(PLACEHOLDER.findall(text))


def leaves(
    tree: Any, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Yield ``(path, value)`` for every non-dict value of a nested dict."""
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from leaves(value, (*path, key))
    else:
        yield path, tree


def lookup(tree: dict[str, Any], path: tuple[str, ...]) -> Any:
    """Return ``tree[path[0]][path[1]]...``, or None when absent.

    A ``*`` in the path matches any key (the first that leads to a value).
    """
    node: Any = tree
    for index, key in enumerate(path):
        if not isinstance(node, dict):
            return None
        if key == "*":
            for child in node.values():
                if (found := lookup(child, path[index + 1 :])) is not None:
                    return found
            return None
        if key not in node:
            return None
        node = node[key]
    return node


@dataclass(frozen=True)
class KeyUse:
    """A place in the code that needs ``strings.json`` to hold ``path``.

    ``given`` names the placeholders the code passes, when they are literal
    (None when the code builds them at run time).
    """

    where: str
    path: tuple[str, ...]
    given: frozenset[str] | None = None


@dataclass
class Scan:
    """What the scan found."""

    uses: list[KeyUse] = field(default_factory=list)
    #: ``(where, expression)`` of translation keys that are not literals.
    dynamic: list[tuple[str, str]] = field(default_factory=list)
    #: Places that raise a user-facing error without a translation key.
    untranslated: list[str] = field(default_factory=list)
    #: Places that pass a literal ``translation_key`` the scan cannot place.
    unplaced: list[str] = field(default_factory=list)


#: Errors whose text nobody sees: Home Assistant answers them itself, in the
#: user's language (the conversation agent turns a ``MatchFailedError`` into
#: its own "not exposed" / "no such device" reply, as for its own intents).
ANSWERED_BY_HA = (MatchFailedError,)


def _name(node: ast.expr) -> str:
    """Return the last name of ``a.b.c`` or ``c``."""
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""


def _literal_keys(node: ast.expr | None) -> frozenset[str] | None:
    if isinstance(node, ast.Dict) and all(
        isinstance(k, ast.Constant) and isinstance(k.value, str) for k in node.keys
    ):
        return frozenset(k.value for k in node.keys if isinstance(k, ast.Constant))
    return None


def _str(node: ast.expr | None, constants: dict[str, str] | None = None) -> str | None:
    """Return a literal string, or a module constant's."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name) and constants and node.id in constants:
        return constants[node.id]
    return None


def _constants(tree: ast.Module) -> dict[str, str]:
    """Return the module's ``NAME = "text"`` (and ``NAME: Final = ...``)."""
    found: dict[str, str] = {}
    for node in tree.body:
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, ast.AnnAssign)
            else []
        )
        value = _str(getattr(node, "value", None))
        for target in targets:
            if isinstance(target, ast.Name) and target.id.isupper() and value:
                found[target.id] = value
    return found


def platform_of_description(name: str) -> str | None:
    """Return the platform of ``<Platform>EntityDescription`` (CamelCase)."""
    if not (match := re.fullmatch(r"(\w+)EntityDescription", name)):
        return None
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", match.group(1)).lower()
    return snake if snake in PLATFORMS else None


def _flow_kind(node: ast.ClassDef) -> tuple[str, ...] | None:
    """Return where a flow class's strings live (``*``: any issue's)."""
    bases = {_name(base) for base in node.bases}
    if any("OptionsFlow" in base for base in bases):
        return ("options",)
    if any(base.endswith("ConfigFlow") for base in bases):
        return ("config",)
    if "RepairsFlow" in bases:
        return ("issues", "*", "fix_flow")
    return None


class _Visitor(ast.NodeVisitor):
    """Collect the string uses of one module."""

    def __init__(
        self, path: Path, scan: Scan, constants: dict[str, str], tree: ast.Module
    ) -> None:
        self.file = path.name
        self.module = importlib.import_module(
            f"custom_components.alarmhub.{path.stem}".removesuffix(".__init__")
        )
        self.constants = constants
        #: Classes of this module and the name of their first base.
        self.bases = {
            node.name: _name(node.bases[0])
            for node in tree.body
            if isinstance(node, ast.ClassDef) and node.bases
        }
        self.platform = path.stem if path.stem in PLATFORMS else None
        self.scan = scan
        self.flow: tuple[str, ...] | None = None
        self.function = ""
        self.class_placeholders: frozenset[str] | None = None

    def _where(self, node: ast.AST) -> str:
        return f"{self.file}:{getattr(node, 'lineno', 0)}"

    def _use(
        self, node: ast.AST, path: tuple[str, ...], given: frozenset[str] | None = None
    ) -> None:
        self.scan.uses.append(KeyUse(self._where(node), path, given))

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        saved = (self.flow, self.class_placeholders)
        self.flow = _flow_kind(node) or self.flow
        self.class_placeholders = None
        for item in ast.walk(node):
            if isinstance(item, ast.Assign | ast.AnnAssign):
                targets = (
                    item.targets if isinstance(item, ast.Assign) else [item.target]
                )
                if any(_name(t) == "_attr_translation_placeholders" for t in targets):
                    self.class_placeholders = _literal_keys(item.value)
        self.generic_visit(node)
        self.flow, self.class_placeholders = saved

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        saved, self.function = self.function, node.name
        self.generic_visit(node)
        self.function = saved

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def _visit_assign(self, targets: list[ast.expr], value: ast.expr | None) -> None:
        for target in targets:
            if _name(target) == "_attr_translation_key" and value is not None:
                if (key := _str(value, self.constants)) is None:
                    self.scan.dynamic.append((self._where(target), ast.unparse(value)))
                elif self.platform is None:
                    self.scan.unplaced.append(self._where(target))
                else:
                    self._use(
                        target,
                        ("entity", self.platform, key),
                        self.class_placeholders,
                    )
            if (
                self.flow
                and isinstance(target, ast.Subscript)
                and _name(target.value) == "errors"
                and (key := _str(value, self.constants)) is not None
            ):
                self._use(target, (*self.flow, "error", key))

    def visit_Assign(self, node: ast.Assign) -> None:
        self._visit_assign(node.targets, node.value)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._visit_assign([node.target], node.value)
        self.generic_visit(node)

    def _is_ha_error(self, node: ast.expr) -> bool:
        """Whether ``node`` names a Home Assistant exception class.

        The name is resolved in the imported module, so any subclass counts
        (``Unresolvable``, ``BrowseError``, ``Unauthorized``, ``UpdateFailed``,
        our own), however it was imported.
        """
        found: object = self.module
        for part in ast.unparse(node).split("."):
            found = getattr(found, part, None)
        if not isinstance(found, type) or issubclass(found, ANSWERED_BY_HA):
            return False
        return issubclass(found, HomeAssistantError)

    def visit_Raise(self, node: ast.Raise) -> None:
        exc = node.exc
        if exc is not None and not isinstance(exc, ast.Call) and self._is_ha_error(exc):
            self.scan.untranslated.append(self._where(node))  # raise Class
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        kw = {k.arg: k.value for k in node.keywords if k.arg}
        func = _name(node.func)
        if "translation_key" not in kw and self._is_ha_error(node.func):
            # Made here, raised here or later: its message is shown to users.
            self.scan.untranslated.append(self._where(node))
        if "translation_key" in kw:
            self._translation_key(node, func, kw)
        if self.flow:
            self._flow_call(node, func, kw)
        self.generic_visit(node)

    def _translation_key(
        self, node: ast.Call, func: str, kw: dict[str, ast.expr]
    ) -> None:
        value = kw["translation_key"]
        if (key := _str(value, self.constants)) is None:
            self.scan.dynamic.append((self._where(node), ast.unparse(value)))
            return
        given = _literal_keys(kw.get("translation_placeholders"))
        if func.endswith("SelectorConfig"):
            self._use(node, ("selector", key))
        elif "translation_domain" in kw:
            self._use(node, ("exceptions", key, "message"), given)
        elif func in {"async_create_issue", "create_issue"}:
            self._use(node, ("issues", key, "title"), given)
        elif func.endswith("Description") and (
            platform := platform_of_description(self.bases.get(func, func))
            or self.platform
        ):
            self._use(node, ("entity", platform, key))
        else:
            self.scan.unplaced.append(self._where(node))

    def _flow_call(self, node: ast.Call, func: str, kw: dict[str, ast.expr]) -> None:
        flow = self.flow
        assert flow is not None
        if func in {"async_show_form", "async_show_menu"} and (
            step := _str(kw.get("step_id"), self.constants)
        ):
            self._use(
                node,
                (*flow, "step", step),
                _literal_keys(kw.get("description_placeholders")),
            )
            options = kw.get("menu_options")
            if isinstance(options, ast.List):
                for option in options.elts:
                    if isinstance(option, ast.Constant):
                        menu = (*flow, "step", step, "menu_options", str(option.value))
                        self._use(node, menu)
        reason = _str(kw.get("reason"), self.constants)
        if func in {"async_abort", "_abort_if_unique_id_mismatch"} and reason:
            self._use(node, (*flow, "abort", reason))
        elif func == "_abort_if_unique_id_configured":
            self._use(node, (*flow, "abort", "already_configured"))
        elif func == "async_set_unique_id":
            progress = kw.get("raise_on_progress")
            if not (isinstance(progress, ast.Constant) and progress.value is False):
                self._use(node, (*flow, "abort", "already_in_progress"))
        elif func == "async_update_reload_and_abort":
            if reason is None:
                source = "reauth" if "reauth" in self.function else "reconfigure"
                reason = f"{source}_successful"
            self._use(node, (*flow, "abort", reason))


def scan() -> Scan:
    """Scan every HA module of the integration."""
    result = Scan()
    for path in glue_modules():
        tree = ast.parse(path.read_text(), filename=str(path))
        _Visitor(path, result, _constants(tree), tree).visit(tree)
    return result


def imported_modules(paths: list[Path]) -> dict[str, set[str]]:
    """Return each absolute import's top module, with the files importing it.

    Imports under ``if TYPE_CHECKING:`` count too: they must resolve for
    mypy, though not at run time; that is close enough for a manifest check.
    """
    found: dict[str, set[str]] = {}
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                found.setdefault(name, set()).add(path.name)
    return found
