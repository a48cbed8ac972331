"""The club bot's message catalogs (en.json, ru.json), served by botkit's `Catalogs`."""

from pathlib import Path

from botkit.i18n import LANGS, Catalogs

CLUB = Catalogs(Path(__file__).parent)

__all__ = ["CLUB", "LANGS"]
