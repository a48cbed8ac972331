"""The booking bot's message catalogs (`en.json`, `ru.json` here), served by
botkit's `Catalogs`; `catalog` and `text` are shortcuts to them."""

from __future__ import annotations

from pathlib import Path

from botkit.i18n import LANGS, Catalogs

__all__ = ["BOOKING", "LANGS", "Catalogs", "catalog", "text"]

BOOKING = Catalogs(Path(__file__).parent)
catalog = BOOKING.catalog
text = BOOKING.text
