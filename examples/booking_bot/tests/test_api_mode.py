"""The bot with `--api URL`: slotcraft's HTTP API as its own process
(`python3 -m slotcraft.server`, started as a user starts it), the bot and a
reminder worker as two more, each bot process on a database of its own."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import pytest

import slotcraft as sc
from conftest import WAIT, World, bot_env
from fake_telegram import free_port

SERVER = [sys.executable, "-m", "slotcraft.server"]
HAIRCUT = "Haircut, 30 min, 25 EUR"


class ServerProcess:
    """`python3 -m slotcraft.server --db DB --port P` and an admin key made with its `keys create`."""

    def __init__(self, db: Path, log: Path) -> None:
        self.db = db
        created = subprocess.run([*SERVER, "keys", "create", "--db", str(db), "--role", "admin", "--name", "bot"],
                                 capture_output=True, text=True, timeout=60)
        assert created.returncode == 0, created.stderr
        self.key = created.stdout.strip()
        self.url = f"http://127.0.0.1:{free_port()}"
        self._log = log.open("w")
        self.proc = subprocess.Popen([*SERVER, "--db", str(db), "--port", self.url.rsplit(":", 1)[1]],
                                     stdout=self._log, stderr=subprocess.STDOUT,
                                     env={**os.environ, "PYTHONUNBUFFERED": "1"})
        deadline = time.monotonic() + WAIT
        while not self._answers():
            assert self.proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/v1/openapi.json", timeout=1) as answer:
                return bool(answer.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    def close(self) -> None:
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(WAIT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One server for the tests here (each uses other Telegram users, so other masters)."""
    folder = tmp_path_factory.mktemp("api")
    running = ServerProcess(folder / "slotcraft.sqlite", folder / "server.log")
    yield running
    running.close()


def tables(db: str | Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        names = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    conn.close()
    return names


def run_bot(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "booking_bot", *args], input=stdin, capture_output=True, text=True,
                          env=env or bot_env(), timeout=60)


def test_a_client_books_through_the_bot_and_the_api_processes(server: ServerProcess, tmp_path: Path) -> None:
    world = World(tmp_path, str(server.db), "api", server=server)
    try:
        world.bot()
        worker = world.bot("--reminders", "only")
        master, client = world.user("Anna"), world.user("Carl")
        code = world.register_master(master)
        client.send(f"/start {code}")
        world.book(client, HAIRCUT, "Sat 27.03", "10:00")
        master.expect("notice_new_booking", client="Carl", service="Haircut", when="Sat 27.03 10:00")
        worker.wait_log(r"reminder pass worker=\S+ now=")
    finally:
        world.close()
    s = sc.Scheduler(str(server.db))
    [booked] = s.upcoming(f"m{master.id}", datetime(2027, 3, 27, tzinfo=timezone.utc), 1)
    assert (booked.start, booked.status) == (datetime(2027, 3, 27, 9, 0, tzinfo=timezone.utc),
                                             sc.BookingStatus.confirmed)
    assert s.client(booked.client).identities[0].external_id == str(client.id)
    assert {e.actor for e in s.audit() if e.subject == booked.id} == {f"key:{server.key.split('_')[1]}"}
    # Each side keeps its own tables: slotcraft's (and the keys) on the server, the dialogs with the bot.
    assert {t for t in tables(server.db) if t.startswith("bot_")} == set()
    assert tables(world.bot_db) and all(t.startswith("bot_") for t in tables(world.bot_db))
    assert server.key.split("_", 2)[2] not in world.logs()


def test_the_api_key_on_the_command_line_and_the_console(server: ServerProcess, tmp_path: Path) -> None:
    env = bot_env()
    del env["BOT_TOKEN"]
    own = tmp_path / "own.sqlite"
    script = "/start\n#1\nAnna\nEurope/Berlin\nSalon\nmon-fri 09:00-18:00\nnone\n#2\nHaircut; 30\n#2\n"
    r = run_bot("--db", str(own), "--api", server.url, "--api-key", server.key, "--transport", "console",
                "--reminders", "off", stdin=script, env=env)
    assert r.returncode == 0, r.stderr
    assert "You are registered! Your personal booking link for clients:\nhttps://t.me/console_bot?start=" in r.stdout
    anna = sc.Scheduler(str(server.db)).resource("m1")
    assert anna is not None and (anna.name, anna.time_zone) == ("Anna", "Europe/Berlin")
    assert sc.Scheduler(str(server.db)).settings().reminder_offsets  # the bot's defaults, saved through the API
    assert server.key not in r.stdout + r.stderr
    assert all(t.startswith("bot_") for t in tables(own))


def test_a_wrong_key_or_address_stops_the_bot_naming_the_option(server: ServerProcess, tmp_path: Path) -> None:
    own = str(tmp_path / "own.sqlite")
    console = ("--transport", "console", "--reminders", "off")
    forged = server.key[:-4] + ("AAAA" if not server.key.endswith("AAAA") else "BBBB")
    r = run_bot("--db", own, "--api", server.url, "--api-key", forged, *console)
    assert r.returncode == 2 and "--api-key" in r.stderr and "unknown or revoked" in r.stderr, r.stderr
    assert forged not in r.stderr
    nowhere = f"http://127.0.0.1:{free_port()}"
    r = run_bot("--db", own, "--api", nowhere, "--api-key", server.key, *console)
    assert r.returncode == 2 and f"--api: {nowhere}" in r.stderr and "did not answer" in r.stderr, r.stderr
    assert not Path(own).exists()  # refused before the bot's own tables were made


def test_api_options_are_checked_before_anything_starts(tmp_path: Path) -> None:
    own = str(tmp_path / "own.sqlite")
    env = bot_env()
    env.pop("SLOTCRAFT_API_KEY", None)
    for args, says in [
        (["--api", "ftp://api.example.org"], "--api"),
        (["--api-key", "sck_x_y"], "--api-key: give --api"),
        (["--api", "http://127.0.0.1:9"], "--api-key-env: the environment variable SLOTCRAFT_API_KEY"),
        (["--api", "http://127.0.0.1:9", "--api-key-env", "MY_KEY"], "MY_KEY"),
    ]:
        r = run_bot("--db", own, "--transport", "console", *args, env=env)
        assert r.returncode == 2, (args, r.stderr)
        assert says in r.stderr, (args, r.stderr)
    assert not Path(own).exists()
    helped = run_bot("--help")
    assert "--api URL" in helped.stdout and "a database of its own" in " ".join(helped.stdout.split())
