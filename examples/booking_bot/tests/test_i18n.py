"""The message catalogs: every key in every language with the same
placeholders, and every text the handlers send named by a catalog key."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from booking_bot import i18n
from booking_bot.handlers.booking import REFUSALS
from conftest import BOTKIT

PACKAGE = Path(i18n.__file__).resolve().parents[1]  # booking_bot/


def fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}


def test_every_key_in_every_language_with_the_same_placeholders() -> None:
    en = i18n.catalog("en")
    assert len(en) > 100
    for lang in i18n.LANGS:
        catalog = i18n.catalog(lang)
        assert set(catalog) == set(en), (lang, set(catalog) ^ set(en))
        for key, template in catalog.items():
            assert template.strip(), (lang, key)
            assert fields(template) == fields(en[key]), (lang, key)
    ru = i18n.catalog("ru")
    same = {k for k in en if en[k] == ru[k] and any(c.isalpha() for c in en[k].format(**dict.fromkeys(fields(en[k]), "")))}
    assert same <= {"lang_name_en", "lang_name_ru"}, f"untranslated: {sorted(same)}"


def test_a_missing_key_is_an_error_not_a_silent_fallback() -> None:
    with pytest.raises(KeyError):
        i18n.text("en", "no_such_key")
    assert i18n.text("xx", "saved") == i18n.text("en", "saved")


def calls(tree: ast.AST, names: set[str]) -> list[ast.Call]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
            if name in names:
                found.append(node)
    return found


def test_handlers_send_only_catalog_texts() -> None:
    # The dialogs (bot.py, handlers/, service_lines.py) and what they share with the club bot in botkit (core.py: say, edit, the update loop;
    # parsers.py: what people type).
    sources = [PACKAGE / "bot.py", *sorted((PACKAGE / "handlers").glob("*.py")), PACKAGE / "service_lines.py",
               BOTKIT / "botkit" / "core.py", BOTKIT / "botkit" / "parsers.py", BOTKIT / "botkit" / "connect.py", BOTKIT / "botkit" / "staff.py",
               BOTKIT / "botkit" / "waitlist.py", BOTKIT / "botkit" / "picks.py"]
    trees = [ast.parse(path.read_text(encoding="utf-8")) for path in sources]
    tree = ast.Module(body=[node for t in trees for node in t.body], type_ignores=[])
    catalog = i18n.catalog("en")
    keyed = calls(tree, {"say", "t", "btn", "InputError", "edit"})
    assert len(keyed) > 80
    used = set()
    for call in keyed:
        # say(user, key, ...) / t(user, key, ...) / edit(user, message_id, key, ...) / btn(key, ...) / InputError(key, ...)
        name = call.func.attr if isinstance(call.func, ast.Attribute) else call.func.id
        index = {"say": 1, "t": 1, "edit": 2}.get(name, 0)
        if len(call.args) <= index:
            continue  # a definition's own forwarding, e.g. super().__init__(key)
        key = call.args[index]
        if isinstance(key, ast.Constant):
            assert key.value in catalog, f"line {call.lineno}: {key.value!r} is not in the catalog"
            used.add(key.value)
        else:
            # A computed key (f"wd_{n}", a variable): only a few, each checked at run time by KeyError.
            assert isinstance(key, (ast.JoinedStr, ast.Name, ast.IfExp, ast.Subscript, ast.Attribute)), ast.dump(key)
    # Keys said through a table: the refusals in plain words.
    for _, key in REFUSALS:
        assert key in catalog, f"refusal {key!r} is not in the catalog"
        used.add(key)
    # The transport's send/edit are called from say() and edit() only.
    senders = calls(tree, {"send_message", "edit_message"})
    owners = {f.name for f in ast.walk(tree) if isinstance(f, ast.FunctionDef) for c in ast.walk(f) if c in senders}
    assert len(senders) == 2 and owners == {"say", "edit"}
    # No literal text in a send: each say's other arguments are parameters, not sentences.
    for call in calls(tree, {"say"}):
        for arg in call.args[2:]:
            assert not isinstance(arg, ast.Constant), f"line {call.lineno}"
    unused = set(catalog) - used - {f"wd_{i}" for i in range(7)} - set(
        k for k in catalog if k.startswith(("ask_", "history_line_", "notice_", "reminder_", "master_button", "service_button", "mark_")))
    assert unused == set(), f"catalog keys no handler uses: {sorted(unused)}"
