"""Keyboards cut to what a messenger shows.

A bot's keyboard is rows of (label, callback data). Telegram shows any of
them; WhatsApp shows 3 reply buttons or a list of 10 rows; VK 10 buttons in
an inline keyboard. A menu longer than a messenger allows is shown a page at
a time: the page's last button ("More") carries `PAGE_PREFIX` + the next
page's number, which the transport answers itself, so the bot never sees it."""

from __future__ import annotations

from dataclasses import dataclass

Keyboard = list[list[tuple[str, str]]]
Button = tuple[str, str]

PAGE_PREFIX = "~page:"
MORE_LABEL = "More ›"


def shorten(label: str, length: int) -> str:
    """`label` within `length` characters, an ellipsis showing it was cut."""
    return label if len(label) <= length else label[: length - 1].rstrip() + "…"


@dataclass
class Menu:
    """A message with buttons, remembered per chat so that "More" can show its next page."""

    text: str
    buttons: list[Button]
    per_page: int

    def page_count(self) -> int:
        if len(self.buttons) <= self.per_page:
            return 1
        size = self.per_page - 1  # each page keeps a place for "More"
        return -(-len(self.buttons) // size)

    def page(self, number: int) -> list[Button]:
        """The buttons of page `number` (from 0), the last page's "More" going back to the first."""
        if len(self.buttons) <= self.per_page:
            return list(self.buttons)
        size = self.per_page - 1
        pages = self.page_count()
        number %= pages
        shown = self.buttons[number * size:(number + 1) * size]
        return [*shown, (MORE_LABEL, f"{PAGE_PREFIX}{(number + 1) % pages}")]


def flatten(keyboard: Keyboard | None) -> list[Button]:
    return [button for row in keyboard or [] for button in row]


def page_number(data: str) -> int | None:
    """The page a "More" button asks for, or None for a bot's own button."""
    if not data.startswith(PAGE_PREFIX) or not data[len(PAGE_PREFIX):].isdigit():
        return None
    return int(data[len(PAGE_PREFIX):])
