"""The club bot's catalogs: Russian and English have the same keys and the same
placeholders; every key the handlers name (and the shared core and parsers
they use from botkit) exists; no handler sends literal text."""

from __future__ import annotations

import ast
import string
from pathlib import Path

from conftest import EXAMPLE, e2e

from club_bot.i18n import CLUB, LANGS

SOURCES = [EXAMPLE / "club_bot" / "bot.py", *sorted((EXAMPLE / "club_bot" / "handlers").glob("*.py")),
           EXAMPLE / "club_bot" / "club.py", e2e.BOTKIT / "botkit" / "core.py", e2e.BOTKIT / "botkit" / "connect.py",
           e2e.BOTKIT / "botkit" / "staff.py", e2e.BOTKIT / "botkit" / "waitlist.py", e2e.BOTKIT / "botkit" / "picks.py"]
# Raised by botkit's parsers the club uses (parse_hours, parse_ranges, parse_breaks, parse_date).
SHARED = {"bad_range", "bad_days", "bad_hours", "bad_date"}


def fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}


def literal(template: str) -> str:
    return "".join(text for text, _, _, _ in string.Formatter().parse(template))


def test_same_keys_and_placeholders() -> None:
    en = CLUB.catalog("en")
    for lang in LANGS:
        catalog = CLUB.catalog(lang)
        assert set(catalog) == set(en), (lang, set(catalog) ^ set(en))
        for key, template in catalog.items():
            assert fields(template) == fields(en[key]), (lang, key)
    ru = CLUB.catalog("ru")
    # Every text with words of its own is translated (language names excepted).
    same = [k for k in en if en[k] == ru[k] and any(c.isalpha() for c in literal(en[k]))]
    assert set(same) <= {"lang_name_en", "lang_name_ru"}, same


def test_every_key_named_in_code_exists_and_no_literal_text_is_sent() -> None:
    catalog = CLUB.catalog("en")
    used = set(SHARED)
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
            index = {"say": 1, "t": 1, "edit": 2, "say_on": 2, "tell_teacher": 1, "btn": 0, "InputError": 0}.get(name)
            if index is None or len(node.args) <= index:
                continue
            key = node.args[index]
            if isinstance(key, ast.Constant):
                assert key.value in catalog, f"{path.name}:{node.lineno}: {key.value!r} is not in the catalog"
                used.add(key.value)
            if name in ("say", "say_on"):
                for arg in node.args[index + 1:]:
                    assert not isinstance(arg, ast.Constant) or isinstance(arg.value, (int, type(None))), \
                        f"{path.name}:{node.lineno}: literal text sent"
    computed = {k for k in catalog if k.startswith(("wd_", "role_", "menu_", "from_", "poll_", "mark_"))}
    computed |= {"from_answers", "from_template", "yes", "no", "time_seats", "label", "no_conflicts", "none"}
    assert set(catalog) - used - computed == set(), sorted(set(catalog) - used - computed)


def test_missing_key_is_an_error_not_the_key() -> None:
    import pytest

    with pytest.raises(KeyError):
        CLUB.text("en", "no_such_key")
    assert CLUB.text("xx", "closed") == CLUB.text("en", "closed")
    assert Path(CLUB.directory).name == "i18n"
