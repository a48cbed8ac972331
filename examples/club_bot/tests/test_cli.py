"""The club bot's command line: bad input is refused before the database is
touched, with an error naming the option and the value; the console
transport runs a short admin and client session with no token."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLE, e2e


def run(*args: str, env: dict[str, str] | None = None, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "club_bot", *args], input=stdin, capture_output=True, text=True,
                          env=env or e2e.bot_env((EXAMPLE, e2e.BOTKIT)), timeout=60)


@pytest.mark.parametrize(("args", "named"), [
    (["--admins", "12,alice"], ["--admins", "12,alice", "Telegram user ids"]),
    (["--admins", "1", "--tz", "Mars/Olympus"], ["--tz", "Mars/Olympus", "IANA"]),
    (["--admins", "1", "--poll-at", "25:00"], ["--poll-at", "25:00", "HH:MM"]),
    (["--admins", "1", "--poll-at", "6pm"], ["--poll-at", "6pm"]),
    (["--admins", "1", "--days-ahead", "30"], ["--days-ahead", "between 1 and 7"]),
    (["--admins", "1", "--faq-threshold", "1.5"], ["--faq-threshold", "1.5"]),
    (["--admins", "1", "--offer-minutes", "0"], ["--offer-minutes", "0", "1 to 1440"]),
    (["--admins", "1", "--throttle", "lots"], ["--throttle", "lots", "N/SECONDS"]),
    (["--admins", "1", "--transport", "carrier-pigeon"], ["--transport", "carrier-pigeon"]),
    (["--admins", "1", "--agenda-at", "8am"], ["--agenda-at", "8am", "HH:MM"]),
    (["--admins", "1", "--calendar-url", "ftp://club.example.org"], ["--calendar-url", "ftp://club.example.org"]),
    ([], ["--admins"]),
])
def test_bad_options_are_named(tmp_path: Path, args: list[str], named: list[str]) -> None:
    db = tmp_path / "c.sqlite"
    r = run("--db", str(db), *args)
    assert r.returncode == 2, r.stderr
    for word in named:
        assert word in r.stderr, (word, r.stderr)
    assert "Traceback" not in r.stderr
    assert not db.exists()  # refused before touching the database


def test_missing_token_names_the_variable(tmp_path: Path) -> None:
    env = e2e.bot_env((EXAMPLE, e2e.BOTKIT))
    env.pop("CLUB_TOKEN", None)
    r = run("--db", str(tmp_path / "c.sqlite"), "--admins", "1", "--token-env", "CLUB_TOKEN", env=env)
    assert r.returncode == 2 and "--token-env" in r.stderr and "CLUB_TOKEN" in r.stderr


def test_a_database_that_is_not_one(tmp_path: Path) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("not a database\n" * 100)
    r = run("--db", str(bad), "--admins", "1", "--transport", "console")
    assert r.returncode == 2 and "--db" in r.stderr and "Traceback" not in r.stderr


def test_console_session(tmp_path: Path) -> None:
    lines = ["/subject Chess; seats 1", "/teacher Anna; mon-sun 10:00-12:00", "/teach t1 s1", "/subjects",
             "!user 5", "/settings slot 30", "/book", "#1"]
    r = run("--db", str(tmp_path / "c.sqlite"), "--admins", "1", "--transport", "console", "--reminders", "off",
            stdin="\n".join(lines) + "\n")
    assert r.returncode == 0, r.stderr
    assert "Subject s1 added: Chess, 1 seat(s)." in r.stdout
    assert "s1 Chess, seats 1; teachers: Anna" in r.stdout
    assert "[to 5] This is not available to you (your role: client)." in r.stdout
    assert "[to 5] Chess: which teacher?" in r.stdout
