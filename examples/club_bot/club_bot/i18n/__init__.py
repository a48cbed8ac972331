"""The club bot's message catalogs (en.json, ru.json), served by the booking bot's `Catalogs`."""

from pathlib import Path

from booking_bot.i18n import LANGS, Catalogs

CLUB = Catalogs(Path(__file__).parent)

__all__ = ["CLUB", "LANGS"]
