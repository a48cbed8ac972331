"""Message catalogs: one JSON file per language, key → `str.format` template.
Each bot keeps its own (`Catalogs(<its i18n directory>)`)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

LANGS = ("en", "ru")


class Catalogs:
    """The `<lang>.json` files in `directory`."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.catalog = lru_cache(maxsize=None)(self._load)

    def _load(self, lang: str) -> dict[str, str]:
        return json.loads((self.directory / f"{lang}.json").read_text(encoding="utf-8"))

    def text(self, lang: str, key: str, **params: Any) -> str:
        """The text of `key` in `lang` (English when the language is unknown); a
        missing key is a KeyError, never a silent fallback to the key itself."""
        return self.catalog(lang if lang in LANGS else "en")[key].format(**params)
