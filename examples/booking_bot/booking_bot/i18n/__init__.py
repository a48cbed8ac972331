"""Message catalogs: one JSON file per language, key → `str.format` template."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

LANGS = ("en", "ru")
HERE = Path(__file__).parent


@lru_cache(maxsize=None)
def catalog(lang: str) -> dict[str, str]:
    return json.loads((HERE / f"{lang}.json").read_text(encoding="utf-8"))


def text(lang: str, key: str, **params: Any) -> str:
    """The text of `key` in `lang` (English when the language is unknown); a
    missing key is a KeyError, never a silent fallback to the key itself."""
    return catalog(lang if lang in LANGS else "en")[key].format(**params)
