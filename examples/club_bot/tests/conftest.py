"""Fixtures of the club bot's end-to-end tests. They reuse the booking bot's:
its fake Telegram Bot API (`fake_telegram.py`), its Telegram users who type
and press buttons, its clock file and bot process, with the club's catalogs
and `python3 -m club_bot`."""

from __future__ import annotations

import importlib.util
import itertools
import re
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import pytest

EXAMPLE = Path(__file__).resolve().parents[1]
BOOKING = EXAMPLE.parent / "booking_bot"
for path in (BOOKING / "tests", BOOKING, EXAMPLE):
    sys.path.insert(0, str(path))

_spec = importlib.util.spec_from_file_location("booking_e2e", BOOKING / "tests" / "conftest.py")
assert _spec and _spec.loader
e2e = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(e2e)

from club_bot.i18n import CLUB  # noqa: E402
from fake_telegram import FakeTelegram  # noqa: E402

TOKEN = e2e.TOKEN
WAIT = e2e.WAIT
buttons = e2e.buttons
ADMIN_ID = 9001


class ClubUser(e2e.TgUser):
    catalogs = CLUB


class ClubBotProcess(e2e.BotProcess):
    module = "club_bot"
    paths = (EXAMPLE, e2e.BOTKIT)  # the club bot imports botkit, not the booking bot

    def args(self) -> list[str]:
        return [sys.executable, "-m", "club_bot", "--db", self.db, "--admins", str(ADMIN_ID), "--tz", "Europe/Berlin",
                "--poll-at", "18:00", "--transport", "telegram", "--api-base", self.api.url, "--token-env", "BOT_TOKEN",
                "--clock-file", str(self.clock.path), "--poll-timeout", "1", "--reminder-interval", "0.2",
                "--throttle", "200/10", *self.extra]


# Saturday 27 March 2027, 12:00 UTC (13:00 in Berlin, CET); Berlin moves to CEST on Sunday at 01:00 UTC.
START = datetime(2027, 3, 27, 12, 0, tzinfo=timezone.utc)


class Club:
    """One fake Bot API, one database, one clock, the club bot, its admin."""

    def __init__(self, tmp_path: Path, db: str | None = None) -> None:
        self.tmp = tmp_path
        self.api = FakeTelegram(TOKEN)
        self.db = db or str(tmp_path / "club.sqlite")
        self.clock = e2e.ClockFile(tmp_path / "clock.txt", START)
        self.bots: list[ClubBotProcess] = []
        self._uids = itertools.count(2001)
        self.admin = ClubUser(self.api, ADMIN_ID, "Admin")

    def bot(self, *extra: str, env: dict[str, str] | None = None) -> ClubBotProcess:
        """The club bot started with `extra` options and `env` beside the usual environment."""
        b = ClubBotProcess(self.api, self.db, self.clock, self.tmp, *extra)
        b.env.update(env or {})
        self.bots.append(b.start())
        return b

    def user(self, name: str, lang: str = "en") -> ClubUser:
        return ClubUser(self.api, next(self._uids), name, lang)

    def set_clock(self, instant: datetime) -> None:
        self.clock.set(instant)

    def wait_poll_pass(self, instant: datetime) -> None:
        """Waits until the bot has made a poll pass at `instant` (so anything due then is sent)."""
        stamp = instant.astimezone(timezone.utc).isoformat()
        self.bots[-1].wait_log(re.escape(f"poll pass now={stamp}"))

    def close(self) -> None:
        for b in self.bots:
            b.stop()
        self.api.close()

    def logs(self) -> str:
        return "".join(b.log() for b in self.bots)

    # ---- set-up many tests share -------------------------------------------------------

    def add_subject(self, name: str, seats: int) -> str:
        self.admin.send(f"/subject {name}; seats {seats}")
        return self.admin.match(self.admin.expect("subject_added", name=name), "subject_added")["id"]

    def add_teacher(self, teacher: ClubUser, hours: str = "mon-sun 10:00-14:00") -> str:
        self.admin.send(f"/teacher {teacher.name}; {hours}")
        fields = self.admin.match(self.admin.expect("teacher_added", name=teacher.name), "teacher_added")
        rid = fields["id"]
        code = re.fullmatch(r"https://t\.me/slotcraft_test_bot\?start=(t-[A-Za-z0-9_-]+)", fields["link"]).group(1)
        teacher.send(f"/start {code}")
        teacher.expect("welcome_teacher", name=teacher.name)
        return rid

    def teach(self, rid: str, *sids: str) -> None:
        self.admin.send(f"/teach {rid} {' '.join(sids)}")
        self.admin.expect("linked")

    def book(self, client: ClubUser, subject: str, teacher_label: str, day_label: str, time_label: str) -> dict:
        client.send("/book")
        client.press(client.expect("pick_subject"), subject)
        client.press(client.expect("pick_teacher"), teacher_label)
        client.press(client.expect("pick_day"), day_label)
        client.press(client.expect("pick_time"), time_label)
        client.press_key(client.expect("confirm_booking"), "btn_confirm")
        return client.expect("booked")

    def times(self, client: ClubUser, subject: str, teacher_label: str, day_label: str) -> list[str]:
        """The time buttons a client is offered (the day must be offered)."""
        client.send("/book")
        client.press(client.expect("pick_subject"), subject)
        client.press(client.expect("pick_teacher"), teacher_label)
        key, days = client.expect_one_of("pick_day", "no_days")
        if key == "no_days" or day_label not in [t for t, _ in buttons(days)]:
            return []
        client.press(days, day_label)
        key, message = client.expect_one_of("pick_time", "no_times")
        return [t for t, _ in buttons(message)] if key == "pick_time" else []


@pytest.fixture
def club(tmp_path: Path) -> Iterator[Club]:
    c = Club(tmp_path)
    yield c
    c.close()
    assert c.api.bad_requests == [], f"the bot made requests the Bot API refuses: {c.api.bad_requests}"
    assert re.search(r"update \d+ from user=\d+ kind=", c.logs()), "updates are not logged"
    assert TOKEN not in c.logs() and TOKEN.split(":")[1] not in c.logs(), "the bot token appeared in a log"
