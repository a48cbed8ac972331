"""One bot on several messengers: the updates of every transport in one
stream, and each message sent back through the messenger its chat belongs to
(by the chat id's prefix: `wa:` WhatsApp, `vk:` VK, none Telegram)."""

from __future__ import annotations

import logging
import threading
from typing import Any

from .endpoint import Updates
from .menus import Keyboard

log = logging.getLogger("botkit.messengers")


class Messengers:
    def __init__(self, main: Any, others: dict[str, Any], wait: float = 1.0) -> None:
        """`main` serves chats without a prefix (Telegram, or the console; or None); `others`
        maps a prefix to its transport; `wait`: each transport's long-poll wait, in seconds."""
        self.main = main
        self._wait = wait
        self.others = others
        self._updates = Updates()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._pump, args=(t,), daemon=True) for t in (main, *others.values())
                         if t is not None]
        for thread in self._threads:
            thread.start()

    def _pump(self, transport: Any) -> None:
        while not self._stop.is_set():
            try:
                for update in transport.get_updates(self._wait):
                    self._updates.put(update)
            except Exception:  # noqa: BLE001 (one messenger failing must not stop the others)
                log.exception("%s: reading updates failed", type(transport).__name__)
                self._stop.wait(1)

    def _for(self, chat_id: str) -> Any:
        for prefix, transport in self.others.items():
            if str(chat_id).startswith(prefix):
                return transport
        if self.main is None:
            raise LookupError(f"no messenger serves chat {chat_id}")
        return self.main

    def username(self) -> str:
        return self.main.username() if self.main is not None else ""

    def get_updates(self, timeout: float) -> list[dict]:
        return self._updates.get(timeout)

    def deep_link(self, payload: str) -> str:
        """Each messenger's link that starts the bot with `payload`, one a line, the main one last."""
        links = [t.deep_link(payload) for t in (*self.others.values(), self.main) if t is not None]
        return "\n".join(link for link in links if link)

    def send_message(self, chat_id: str, text: str, keyboard: Keyboard | None = None) -> dict:
        sent: dict = self._for(chat_id).send_message(chat_id, text, keyboard)
        return sent

    def edit_message(self, chat_id: str, message_id: int, text: str, keyboard: Keyboard | None = None) -> None:
        self._for(chat_id).edit_message(chat_id, message_id, text, keyboard)

    def answer_callback(self, callback_id: str, text: str = "") -> None:
        self._for(callback_id).answer_callback(callback_id, text)

    def send_document(self, chat_id: str, filename: str, data: bytes, caption: str = "") -> dict:
        sent: dict = self._for(chat_id).send_document(chat_id, filename, data, caption)
        return sent

    def close(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=self._wait + 10)
        for transport in (self.main, *self.others.values()):
            if transport is not None:
                transport.close()


# The messenger of a prefixed user id, as slotcraft names it in a client's identities.
_NAMES = {"wa:": "whatsapp", "vk:": "vk"}


def identity(user_id: str) -> tuple[str, str]:
    """(messenger, account) of a bot's user id: ("whatsapp", "4917...") for "wa:4917...", ("telegram", id) unprefixed."""
    for prefix, name in _NAMES.items():
        if user_id.startswith(prefix):
            return name, user_id[len(prefix):]
    return "telegram", user_id
