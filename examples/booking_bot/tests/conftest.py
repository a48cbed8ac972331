"""Fixtures of the booking bot's end-to-end tests: the fake Bot API, the bot as
a separate process, Telegram users who type and press buttons, a clock file,
and a master registered through the dialog.

The bot reaches slotcraft in one of two ways (a World's mode): "local", slotcraft
on the bot's database; "api", slotcraft's HTTP API on the world's database
and clock, served from a thread of the test process, with the bot on a
database of its own (`--api URL`, the key in SLOTCRAFT_API_KEY). Tests run in
both with `@pytest.mark.parametrize("world", MODES, indirect=True)`."""

from __future__ import annotations

import itertools
import os
import re
import signal
import string
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

import pytest

EXAMPLE = Path(__file__).resolve().parents[1]
BOTKIT = EXAMPLE.parent / "botkit"  # the bots import it, as they import slotcraft: from PYTHONPATH
sys.path.insert(0, str(BOTKIT))
sys.path.insert(0, str(EXAMPLE))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from booking_bot import i18n  # noqa: E402
from fake_telegram import FakeTelegram  # noqa: E402

TOKEN = "123456789:AAE-t0kenThatMustNeverAppearInLogs_xyz"
MODES = ["local", "api"]
WAIT = 20.0  # seconds: a generous deadline for a loaded 2-core machine; passing runs never wait this long


def template_regex(lang: str, key: str, catalogs: i18n.Catalogs = i18n.BOOKING, **fixed: str) -> re.Pattern:
    """The catalog text `key` as a regex: its placeholders match anything unless given in `fixed`."""
    parts = []
    for literal, field, _, _ in string.Formatter().parse(catalogs.catalog(lang)[key]):
        parts.append(re.escape(literal))
        if field is not None:
            parts.append(re.escape(str(fixed[field])) if field in fixed else f"(?P<{field}>.*?)")
    return re.compile("".join(parts), re.DOTALL)


class TgUser:
    """A Telegram user in a private chat with the bot (chat id = user id)."""

    catalogs = i18n.BOOKING  # the club bot's tests use theirs

    def __init__(self, api: FakeTelegram, uid: int, name: str, lang: str = "en") -> None:
        self.api, self.id, self.name, self.lang = api, uid, name, lang
        self.cursor = 0  # messages before it have been looked at
        self._callbacks = itertools.count(1)

    def _from(self) -> dict:
        return {"id": self.id, "is_bot": False, "first_name": self.name, "language_code": self.lang}

    def send(self, text: str) -> None:
        self.send_in({"id": self.id, "type": "private", "first_name": self.name}, text)

    def send_in(self, chat: dict, text: str) -> None:
        """A message in `chat`: their private chat with the bot, or a group the bot is in."""
        self.api.push({"message": {"message_id": int(time.time() * 1000) % 10**9, "from": self._from(),
                                   "chat": chat, "date": int(time.time()), "text": text}})

    def send_sticker(self) -> None:
        self.api.push({"message": {"message_id": 1, "from": self._from(), "chat": {"id": self.id, "type": "private"},
                                   "date": int(time.time()), "sticker": {"file_id": "x", "width": 1, "height": 1}}})

    def press_data(self, message: dict, data: str) -> None:
        qid = f"{self.id}-{next(self._callbacks)}"
        with self.api.cond:
            self.api.callbacks[qid] = None
        self.api.push({"callback_query": {"id": qid, "from": self._from(), "message": message,
                                          "chat_instance": str(self.id), "data": data}})

    def press(self, message: dict, label: str) -> None:
        """Presses the button labelled `label` on `message`."""
        for text, data in buttons(message):
            if text == label:
                self.press_data(message, data)
                return
        raise AssertionError(f"no button {label!r} on {message['text']!r}; there are {[t for t, _ in buttons(message)]}")

    def press_key(self, message: dict, key: str, **params: Any) -> None:
        self.press(message, self.catalogs.text(self.lang, key, **params))

    def messages(self) -> list[dict]:
        return self.api.sent_to(self.id)

    def expect(self, key: str, timeout: float = WAIT, **fixed: Any) -> dict:
        """The next message (from the cursor on) whose text is the catalog text
        `key`; earlier messages are passed over. Moves the cursor past it."""
        pattern = template_regex(self.lang, key, self.catalogs, **{k: str(v) for k, v in fixed.items()})

        def find() -> tuple[int, dict] | None:
            mine = [m for m in self.api.sent if m["chat"]["id"] == self.id]
            for i in range(self.cursor, len(mine)):
                if pattern.fullmatch(mine[i]["text"]):
                    return i, mine[i]
            return None

        try:
            i, message = self.api.wait(find, timeout, f"{key} {fixed} to {self.name}")
        except AssertionError:
            seen = [m["text"][:80] for m in self.messages()[self.cursor :]]
            raise AssertionError(f"{self.name} never got {key!r} {fixed}; got since the cursor: {seen}") from None
        self.cursor = i + 1
        return message

    def expect_one_of(self, *keys: str, timeout: float = WAIT) -> tuple[str, dict]:
        """The next message that is one of the catalog texts `keys`: (key, message)."""
        patterns = [(k, template_regex(self.lang, k, self.catalogs)) for k in keys]

        def find() -> tuple[int, str, dict] | None:
            mine = [m for m in self.api.sent if m["chat"]["id"] == self.id]
            for i in range(self.cursor, len(mine)):
                for k, pattern in patterns:
                    if pattern.fullmatch(mine[i]["text"]):
                        return i, k, mine[i]
            return None

        i, key, message = self.api.wait(find, timeout, f"one of {keys} to {self.name}")
        self.cursor = i + 1
        return key, message

    def match(self, message: dict, key: str) -> dict[str, str]:
        m = template_regex(self.lang, key, self.catalogs).fullmatch(message["text"])
        assert m, f"{message['text']!r} is not {key}"
        return m.groupdict()

    def count(self, key: str, **fixed: Any) -> int:
        pattern = template_regex(self.lang, key, self.catalogs, **{k: str(v) for k, v in fixed.items()})
        return sum(1 for m in self.messages() if pattern.fullmatch(m["text"]))


def buttons(message: dict) -> list[tuple[str, str]]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [(b["text"], b["callback_data"]) for row in rows for b in row]


class ClockFile:
    def __init__(self, path: Path, start: datetime) -> None:
        self.path = path
        self.set(start)

    def set(self, instant: datetime) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(instant.astimezone(timezone.utc).isoformat(), encoding="utf-8")
        os.replace(tmp, self.path)  # atomic: the bot never reads half a file


def bot_env(paths: tuple[Path, ...] = (EXAMPLE, BOTKIT)) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (*map(str, paths), env.get("PYTHONPATH", "")) if p)
    env["BOT_TOKEN"] = TOKEN
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


class BotProcess:
    """`python3 -m booking_bot` against the fake API; its log goes to a file
    that survives restarts."""

    _ids = itertools.count(1)
    module = "booking_bot"  # the club bot's tests run theirs
    paths: tuple[Path, ...] = (EXAMPLE, BOTKIT)

    def __init__(self, api: FakeTelegram, db: str, clock: ClockFile, workdir: Path, *extra: str) -> None:
        self.api, self.db, self.clock, self.extra = api, db, clock, list(extra)
        self.log_path = workdir / f"bot{next(self._ids)}.log"
        self.proc: subprocess.Popen | None = None
        self.env: dict[str, str] = {}  # beside bot_env()

    def args(self) -> list[str]:
        return [sys.executable, "-m", self.module, "--db", self.db, "--transport", "telegram",
                "--api-base", self.api.url, "--token-env", "BOT_TOKEN", "--clock-file", str(self.clock.path),
                "--poll-timeout", "1", "--reminder-interval", "0.2", "--throttle", "200/10", *self.extra]

    def start(self) -> BotProcess:
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(self.args(), env={**bot_env(self.paths), **self.env}, stdout=log,
                                         stderr=subprocess.STDOUT)
        return self

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_log(self, pattern: str, timeout: float = WAIT, count: int = 1) -> None:
        """Waits until the log has `count` lines matching `pattern`."""
        deadline = time.monotonic() + timeout
        while len(re.findall(pattern, self.log())) < count:
            assert self.proc is not None and self.proc.poll() is None, f"the bot exited:\n{self.log()[-3000:]}"
            if time.monotonic() > deadline:
                raise AssertionError(f"no {pattern!r} in the bot's log after {timeout} s:\n{self.log()[-3000:]}")
            time.sleep(0.05)

    def stop(self) -> int:
        if self.proc is None:
            return 0
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        rc = self.proc.returncode
        self.proc = None
        return rc

    def kill(self) -> None:
        """A crash: SIGKILL, no clean-up."""
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait()
        self.proc = None


# Friday 26 March 2027, 12:00 UTC: Berlin is on CET (+01:00) until Sunday 01:00 UTC.
START = datetime(2027, 3, 26, 12, 0, tzinfo=timezone.utc)


class ApiServer:
    """slotcraft's HTTP API (the app `python3 -m slotcraft.server` serves) on `db`,
    with the clock of `clock_file`, in a thread of the test process; `key` is an
    admin key. Without rate limits: a test's bots are all one key."""

    def __init__(self, db: str, clock_file: Path) -> None:
        import uvicorn  # Debian's python3-uvicorn

        import slotcraft as sc
        import slotcraft.server as server
        from botkit.clock import Clock

        scheduler = sc.Scheduler(db)
        self.keys = server.ApiKeys(scheduler)
        _, self.key = self.keys.create("booking bot", "admin")
        app = server.create_app(scheduler, self.keys, clock=Clock(str(clock_file)).now, limits=server.Limits(0, 0))
        config = uvicorn.Config(app, host="127.0.0.1", port=0, loop="asyncio", http="h11", ws="none",
                                lifespan="off", log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="slotcraft-api", daemon=True)
        self.thread.start()
        deadline = time.monotonic() + WAIT
        while not self.server.started:
            assert self.thread.is_alive() and time.monotonic() < deadline, "the API server did not start"
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(WAIT)
        self.keys.close()


class World:
    """One fake Bot API, one database, one clock and the bot processes on them;
    in mode "api" also slotcraft's HTTP API on that database, which the bots use
    with databases of their own (`bot_db`)."""

    def __init__(self, tmp_path: Path, db: str, mode: str = "local", server: Any = None) -> None:
        """`server`: the API the bots use in mode "api" (anything with `url` and
        `key`; by default an ApiServer on `db` and the world's clock, closed with the world)."""
        self.tmp = tmp_path
        self.api = FakeTelegram(TOKEN)
        self.db = db
        self.clock = ClockFile(tmp_path / "clock.txt", START)
        self._own_server = mode == "api" and server is None
        self.server = ApiServer(db, self.clock.path) if self._own_server else server
        self.bot_db = str(tmp_path / "bot-own.sqlite") if self.server else db
        self.bots: list[BotProcess] = []
        self._uids = itertools.count(1001)

    def bot(self, *extra: str, env: dict[str, str] | None = None) -> BotProcess:
        """A bot process started with `extra` options and `env` beside the usual environment."""
        via = ("--api", self.server.url) if self.server else ()
        b = BotProcess(self.api, self.bot_db, self.clock, self.tmp, *via, *extra)
        b.env.update(env or {})
        if self.server:
            b.env["SLOTCRAFT_API_KEY"] = self.server.key
        self.bots.append(b.start())
        return b

    def clock_now(self) -> datetime:
        return datetime.fromisoformat(self.clock.path.read_text(encoding="utf-8"))

    def user(self, name: str, lang: str = "en") -> TgUser:
        return TgUser(self.api, next(self._uids), name, lang)

    def close(self) -> None:
        for b in self.bots:
            b.stop()
        if self._own_server:
            self.server.close()
        self.api.close()

    def logs(self) -> str:
        return "".join(b.log() for b in self.bots)

    # ---- dialogs many tests go through ------------------------------------------------

    def register_master(self, master: TgUser, *, tz: str = "Europe/Berlin", hours: str = "mon-sun 09:00-18:00",
                        breaks: str = "13:00-14:00", services: tuple[str, ...] = ("Haircut; 30; 25 EUR; buffer 10",)) -> str:
        """Registers through the dialog; the booking link's start payload."""
        master.send("/start")
        master.press_key(master.expect("welcome"), "btn_register")
        master.expect("ask_name")
        master.send(master.name)
        master.expect("ask_tz")
        master.send(tz)
        master.expect("ask_place")
        master.send("Salon")
        master.expect("ask_hours", place="Salon")
        master.send(hours)
        master.expect("ask_breaks", place="Salon")
        master.send(breaks)
        more = master.expect("ask_more_places")
        master.press_key(more, "btn_next")
        for i, service in enumerate(services):
            master.expect("ask_service")
            master.send(service)
            more = master.expect("ask_more_services")
            master.press_key(more, "btn_add_service" if i + 1 < len(services) else "btn_finish")
        link = master.expect("registered")["text"].split("\n")[-1]
        m = re.fullmatch(r"https://t\.me/slotcraft_test_bot\?start=([A-Za-z0-9_-]{1,64})", link)
        assert m, link
        return m.group(1)

    def book(self, client: TgUser, service_label: str, day_label: str, time_label: str) -> dict:
        """Books through the buttons; the `booked` message."""
        client.send("/book")
        client.press(client.expect("pick_service"), service_label)
        client.press(client.expect("pick_day"), day_label)
        client.press(client.expect("pick_time"), time_label)
        client.press_key(client.expect("confirm_booking"), "btn_confirm")
        return client.expect("booked")


@pytest.fixture
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    """Mode "local" unless a test parametrizes it (`indirect=True`) with MODES."""
    w = World(tmp_path, str(tmp_path / "bot.sqlite"), getattr(request, "param", "local"))
    yield w
    w.close()
    assert w.api.bad_requests == [], f"the bot made requests the Bot API refuses: {w.api.bad_requests}"
    if any("--reminders" not in b.extra for b in w.bots):
        assert re.search(r"update \d+ from user=\d+ kind=", w.logs()), "updates are not logged"
    assert TOKEN not in w.logs(), "the bot token appeared in a log"
    assert TOKEN.split(":")[1] not in w.logs()
    if w.server:
        assert w.server.key.split("_", 2)[2] not in w.logs(), "the API key appeared in a log"
        assert f"api={w.server.url}" in w.logs()
