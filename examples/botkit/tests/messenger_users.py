"""People writing to a bot from WhatsApp or VK, for the bots' end-to-end tests:
what the fake APIs (fake_whatsapp, fake_vk) were asked to send them, their
messages and their taps, delivered as Meta and VK deliver them. `regex(lang,
key, **fixed)` turns a bot's catalog text into a pattern (each bot's tests
have their own catalogs)."""

from __future__ import annotations

import itertools
import json
import re
import time
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit

import fake_vk
import fake_whatsapp

WAIT = 20.0  # seconds: as the bots' other end-to-end tests

Regex = Callable[..., "re.Pattern[str]"]


class Client:
    """Someone writing to the bot from another messenger: what it was sent, and their taps."""

    lang = "en"

    def __init__(self, name: str, regex: Regex) -> None:
        self.name = name
        self.regex = regex
        self.cursor = 0

    def sent(self) -> list[tuple[str, list[tuple[str, str]], Any]]:
        """(text, buttons as (label, data), the message) of everything sent to them, in order."""
        raise NotImplementedError

    def wait(self, predicate: Any, what: str) -> Any:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            found = predicate()
            if found:
                return found
            time.sleep(0.05)
        seen = [text[:70] for text, _, _ in self.sent()[self.cursor:]]
        raise AssertionError(f"{self.name} never got {what}; got since the cursor: {seen}")

    def expect(self, key: str, **fixed: Any) -> tuple[str, list[tuple[str, str]], Any]:
        pattern = self.regex(self.lang, key, **{k: str(v) for k, v in fixed.items()})

        def find() -> tuple[int, tuple] | None:
            messages = self.sent()
            for i in range(self.cursor, len(messages)):
                if pattern.fullmatch(re.sub(r"^\(\d+/\d+\) ", "", messages[i][0])):
                    return i, messages[i]
            return None

        i, message = self.wait(find, repr(key))
        self.cursor = i + 1
        return message

    def press(self, message: tuple, label: str) -> None:
        _, buttons, _ = message
        data = next((d for text, d in buttons if text == label), None)
        assert data is not None, f"no {label!r} on {message[0]!r}: {buttons}"
        self.tap(message, data)

    def tap(self, message: tuple, data: str) -> None:
        raise NotImplementedError


class WhatsAppClient(Client):
    _ids = itertools.count(1)

    def __init__(self, api: fake_whatsapp.FakeWhatsApp, hook: str, wa_id: str, name: str, regex: Regex) -> None:
        super().__init__(name, regex)
        self.api, self.hook, self.wa_id = api, hook, wa_id

    def send(self, text: str) -> None:
        assert fake_whatsapp.deliver(self.hook, fake_whatsapp.text(self.wa_id, self.name, text, self._next())) == 200

    def follow(self, link: str) -> None:
        """Opens a wa.me link: WhatsApp fills in its text, the person sends it."""
        split = urlsplit(link)
        assert split.path == "/15550783881", link
        self.send(parse_qs(split.query)["text"][0])

    def _next(self) -> str:
        return f"wamid.client{next(self._ids)}"

    def sent(self) -> list[tuple[str, list[tuple[str, str]], Any]]:
        found = []
        for m in list(self.api.sent):
            if m["to"] != self.wa_id:
                continue
            if m["type"] == "text":
                found.append((m["text"]["body"], [], m))
            elif m["type"] == "interactive":
                i = m["interactive"]
                buttons = ([(b["reply"]["title"], b["reply"]["id"]) for b in i["action"]["buttons"]]
                           if i["type"] == "button" else
                           [(r.get("description", r["title"]), r["id"]) for s in i["action"]["sections"]
                            for r in s["rows"]])
                found.append((i["body"]["text"], buttons, m))
            elif m["type"] == "template":
                found.append((m["template"]["components"][0]["parameters"][0]["text"], [], m))
        return found

    def tap(self, message: tuple, data: str) -> None:
        kind = "button_reply" if message[2]["interactive"]["type"] == "button" else "list_reply"
        body = fake_whatsapp.tap(self.wa_id, self.name, data, message[2]["id"], self._next(), kind)
        assert fake_whatsapp.deliver(self.hook, body) == 200


class VKClient(Client):
    def __init__(self, api: fake_vk.FakeVK, user: int, name: str, regex: Regex) -> None:
        super().__init__(name, regex)
        self.api, self.user = api, user

    def send(self, text: str, ref: str | None = None) -> None:
        self.api.push(fake_vk.message_new(self.user, text, lang_id=3, ref=ref))

    def follow(self, link: str) -> None:
        """Opens a vk.me link and presses "Start": VK sends the first message with the link's `ref`."""
        query = parse_qs(urlsplit(link).query)
        self.send("Начать", ref=query["ref"][0])

    def sent(self) -> list[tuple[str, list[tuple[str, str]], Any]]:
        found = []
        for m in list(self.api.sent):
            if m.get("peer_ids") != str(self.user):
                continue
            rows = json.loads(m["keyboard"])["buttons"] if "keyboard" in m else []
            found.append((m["message"], [(b["action"]["label"], json.loads(b["action"]["payload"])["d"])
                                         for row in rows for b in row], m))
        return found

    def tap(self, message: tuple, data: str) -> None:
        self.api.push(fake_vk.message_event(self.user, data, message[2]["conversation_message_id"]))
