"""The package's public surface: __all__, the .pyi stubs and py.typed agree with the module.

The stubs are parsed with `ast` and compared with the compiled module both
ways: module names, each class's own members, read-only versus writable
attributes, and each function's parameter names, keyword-only marker and
which parameters have defaults (read from pybind11's signature line).
"""

from __future__ import annotations

import ast
import inspect
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

import slotcraft
from slotcraft import _core

PACKAGE = Path(slotcraft.__file__).resolve().parent
STUB = PACKAGE / "_core.pyi"
ROOT = Path(__file__).resolve().parents[2]


def stub_tree() -> ast.Module:
    return ast.parse(STUB.read_text(encoding="utf-8"))


def public(names: Any) -> set[str]:
    return {n for n in names if not n.startswith("_")}


def stub_module_names() -> set[str]:
    names: set[str] = set()
    for node in stub_tree().body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return public(names)


def stub_classes() -> dict[str, ast.ClassDef]:
    return {node.name: node for node in stub_tree().body if isinstance(node, ast.ClassDef)}


def stub_functions() -> dict[str, ast.FunctionDef]:
    return {node.name: node for node in stub_tree().body if isinstance(node, ast.FunctionDef)}


def is_property(node: ast.FunctionDef) -> bool:
    return any(isinstance(d, ast.Name) and d.id == "property" for d in node.decorator_list)


def stub_params(node: ast.FunctionDef, drop_self: bool) -> list[tuple[str, bool]]:
    """[(name, has_default)], with ("*", False) where keyword-only parameters begin."""
    args = node.args
    positional = args.posonlyargs + args.args
    if drop_self:
        positional = positional[1:]
    with_default = len(args.defaults)
    out = [(a.arg, i >= len(positional) - with_default) for i, a in enumerate(positional)]
    if args.kwonlyargs:
        out.append(("*", False))
        out += [(a.arg, d is not None) for a, d in zip(args.kwonlyargs, args.kw_defaults)]
    return out


def split_top_level(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for ch in text:
        if ch in "([{<":
            depth += 1
        elif ch in ")]}>":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += ch
    if current.strip():
        parts.append(current.strip())
    return parts


def runtime_params(func: Any, drop_self: bool) -> list[tuple[str, bool]]:
    """Parameters from pybind11's first docstring line, `name(a: T, *, b: T = x) -> R`."""
    line = (func.__doc__ or "").splitlines()[0]
    match = re.match(r"^\w+\((.*)\) -> .*$", line)
    assert match, f"no pybind11 signature in {line!r}"
    params = []
    for part in split_top_level(match.group(1)):
        if part == "*":
            params.append(("*", False))
            continue
        name = part.split(":")[0].split("=")[0].strip()
        params.append((name, "=" in part))
    return params[1:] if drop_self else params


def test_all_is_exactly_the_public_names_of_the_core_module() -> None:
    assert len(slotcraft.__all__) == len(set(slotcraft.__all__))
    assert set(slotcraft.__all__) == public(dir(_core))
    for name in slotcraft.__all__:
        assert getattr(slotcraft, name) is getattr(_core, name)
    assert public(vars(slotcraft)) - {"_core", "server", "client"} == set(slotcraft.__all__)  # server: the HTTP API subpackage


def test_stub_lists_every_public_name_of_the_module_and_no_other() -> None:
    assert stub_module_names() == public(dir(_core))


def test_stub_classes_have_the_members_of_the_module_classes() -> None:
    for name, node in stub_classes().items():
        cls = getattr(_core, name)
        declared = set()
        for item in node.body:
            if isinstance(item, ast.FunctionDef):
                declared.add(item.name)
            elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                declared.add(item.target.id)
        assert public(declared) == public(vars(cls)), name


def test_stub_attributes_are_writable_exactly_where_the_module_allows_it() -> None:
    for name, node in stub_classes().items():
        cls = getattr(_core, name)
        if issubclass(cls, BaseException):
            continue
        for item in node.body:
            member = getattr(item, "name", None) or getattr(getattr(item, "target", None), "id", None)
            runtime = vars(cls).get(member)
            if not isinstance(runtime, property):
                continue
            writable = runtime.fset is not None
            if isinstance(item, ast.AnnAssign):
                assert writable, f"{name}.{member} is read-only in the module"
            elif isinstance(item, ast.FunctionDef) and is_property(item):
                assert not writable, f"{name}.{member} is writable in the module"


def test_stub_signatures_match_the_module() -> None:
    checked = 0
    for name, node in stub_functions().items():
        assert stub_params(node, drop_self=False) == runtime_params(getattr(_core, name), drop_self=False), name
        checked += 1
    for cls_name, cls_node in stub_classes().items():
        cls = getattr(_core, cls_name)
        if issubclass(cls, BaseException):
            continue
        for item in cls_node.body:
            if not isinstance(item, ast.FunctionDef) or is_property(item) or item.name.startswith("__") and item.name != "__init__":
                continue
            runtime = inspect.getattr_static(cls, item.name)
            static = isinstance(runtime, staticmethod) or any(
                isinstance(d, ast.Name) and d.id == "staticmethod" for d in item.decorator_list
            )
            func = getattr(cls, item.name)
            if cls_name in {"Align", "BookingStatus", "Mode", "ReasonCode", "Messenger"} and item.name == "__init__":
                continue  # pybind11 enums: __init__(self, value: int)
            expected = stub_params(item, drop_self=not static)
            assert expected == runtime_params(func, drop_self=not static), f"{cls_name}.{item.name}"
            checked += 1
    assert checked > 80


def test_py_typed_ships_beside_the_stub() -> None:
    assert (PACKAGE / "py.typed").is_file()
    assert STUB.is_file()


def test_version_is_the_project_version() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    cmake = (ROOT / "CMakeLists.txt").read_text(encoding="utf-8")
    assert slotcraft.__version__ == project["version"]
    assert re.search(r"project\(slotcraft VERSION (\S+)", cmake).group(1) == slotcraft.__version__


@pytest.mark.parametrize("name", sorted(public(dir(_core)) - {"Error", "InvalidArgument", "NotFound", "Conflict", "StorageError"}))
def test_every_public_name_has_a_docstring_or_is_a_plain_value(name: str) -> None:
    value = getattr(_core, name)
    if callable(value):
        assert (value.__doc__ or "").strip(), name
