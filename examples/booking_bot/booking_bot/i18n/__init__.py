"""Message catalogs: one JSON file per language, key → `str.format` template.

`Catalogs(directory)` serves any bot's catalogs (the club bot has its own);
`catalog` and `text` below are the booking bot's."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

LANGS = ("en", "ru")
HERE = Path(__file__).parent


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


BOOKING = Catalogs(HERE)
catalog = BOOKING.catalog
text = BOOKING.text
