"""The bot's command line: bad input is refused with a clear error naming the
option; the console transport works with no token; the token never reaches
a log."""

from __future__ import annotations

import logging
import sqlite3
import subprocess
import sys
from pathlib import Path

from conftest import TOKEN, bot_env

from botkit.logs import Redact


def run(*args: str, env: dict[str, str] | None = None, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "booking_bot", *args], input=stdin, capture_output=True, text=True,
                          env=env or bot_env(), timeout=60)


def test_unknown_transport(tmp_path: Path) -> None:
    r = run("--db", str(tmp_path / "b.sqlite"), "--transport", "carrier-pigeon")
    assert r.returncode == 2
    assert "--transport" in r.stderr and "carrier-pigeon" in r.stderr and "telegram" in r.stderr


def test_missing_token_names_the_option_and_the_variable(tmp_path: Path) -> None:
    env = bot_env()
    env.pop("MY_BOT_TOKEN", None)
    r = run("--db", str(tmp_path / "b.sqlite"), "--transport", "telegram", "--token-env", "MY_BOT_TOKEN", env=env)
    assert r.returncode == 2
    assert "--token-env" in r.stderr and "MY_BOT_TOKEN" in r.stderr
    env["MY_BOT_TOKEN"] = ""
    r = run("--db", str(tmp_path / "b.sqlite"), "--token-env", "MY_BOT_TOKEN", env=env)
    assert r.returncode == 2 and "MY_BOT_TOKEN" in r.stderr
    assert not (tmp_path / "b.sqlite").exists()  # refused before touching the database


def test_other_bad_options(tmp_path: Path) -> None:
    db = str(tmp_path / "b.sqlite")
    for args, option in [
        (["--throttle", "lots"], "--throttle"),
        (["--reminder-offsets", "24h"], "--reminder-offsets"),
        (["--transport", "webhook"], "--webhook-url"),
        (["--transport", "console", "--clock-file", str(tmp_path / "missing.txt")], "--clock-file"),
        (["--workers", "0"], "--workers"),
        (["--agenda-at", "25:00"], "--agenda-at"),
        (["--agenda-at", "8"], "--agenda-at"),
        (["--hold-minutes", "0"], "--hold-minutes"),
        (["--offer-minutes", "0"], "--offer-minutes"),
        (["--offer-minutes", "half"], "--offer-minutes"),
    ]:
        r = run("--db", db, *args)
        assert r.returncode == 2, (args, r.stderr)
        assert option in r.stderr, (args, r.stderr)
    r = run("--transport", "console")
    assert r.returncode == 2 and "--db" in r.stderr
    clock = tmp_path / "naive.txt"
    clock.write_text("2027-03-26T12:00:00")
    r = run("--db", db, "--transport", "console", "--clock-file", str(clock))
    assert r.returncode == 2 and "--clock-file" in r.stderr and "offset" in r.stderr


def test_bad_messenger_options_name_the_option_or_the_variable(tmp_path: Path) -> None:
    db = tmp_path / "b.sqlite"
    env = bot_env()
    secrets = {"WHATSAPP_TOKEN": "t", "WHATSAPP_APP_SECRET": "s", "WHATSAPP_VERIFY_TOKEN": "v", "VK_TOKEN": "k"}
    whatsapp = ["--whatsapp", "--whatsapp-phone-id", "1065"]
    for args, named, missing in [
        (["--transport", "none"], "--transport none needs --whatsapp or --vk", ""),
        (["--whatsapp"], "--whatsapp-phone-id", ""),
        (whatsapp, "WHATSAPP_APP_SECRET", "WHATSAPP_APP_SECRET"),
        ([*whatsapp, "--whatsapp-listen", "8444"], "--whatsapp-listen", ""),
        ([*whatsapp, "--whatsapp-number", "+49 30 1234"], "--whatsapp-number", ""),
        (["--vk"], "--vk-group", ""),
        (["--vk", "--vk-group", "-5"], "--vk-group", ""),
        (["--vk", "--vk-group", "229"], "VK_TOKEN", "VK_TOKEN"),
        (["--vk", "--vk-group", "229", "--vk-callback-listen", "127.0.0.1:80"], "VK_CALLBACK_SECRET", ""),
        (["--vk", "--vk-group", "229", "--vk-callback-listen", "localhost"], "--vk-callback-listen", ""),
    ]:
        given = {k: v for k, v in secrets.items() if k != missing}
        r = run("--db", str(db), *args, env={**env, **given})
        assert r.returncode == 2, (args, r.stderr)
        assert named in r.stderr, (args, r.stderr)
    assert not db.exists()  # refused before touching the database


def test_a_foreign_database_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "other.sqlite"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE accounts (id INTEGER)")
    conn.close()
    r = run("--db", str(db), "--transport", "console")
    assert r.returncode == 2 and "--db" in r.stderr and "not a slotcraft database" in r.stderr


def test_console_transport_needs_no_token(tmp_path: Path) -> None:
    env = bot_env()
    del env["BOT_TOKEN"]
    script = "/start\n#1\nAnna\nEurope/Berlin\nSalon\nmon-fri 09:00-18:00\nnone\n#2\nHaircut; 30\n#2\n/lang ru\n/link\n"
    r = run("--db", str(tmp_path / "c.sqlite"), "--transport", "console", "--reminders", "off", env=env, stdin=script)
    assert r.returncode == 0, r.stderr
    assert "#1 I am a master: register" in r.stdout
    assert "You are registered! Your personal booking link for clients:\nhttps://t.me/console_bot?start=" in r.stdout
    assert "Ваша ссылка для записи: https://t.me/console_bot?start=" in r.stdout
    # A second session on the same database is answered too (and remembers the language).
    r = run("--db", str(tmp_path / "c.sqlite"), "--transport", "console", "--reminders", "off", env=env, stdin="/link\n")
    assert r.returncode == 0, r.stderr
    assert "Ваша ссылка для записи: https://t.me/console_bot?start=" in r.stdout


def test_the_token_is_redacted_from_every_record(capsys) -> None:
    logger = logging.getLogger("redact-test")
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(Redact([TOKEN]))
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("calling https://api.telegram.org/bot%s/getUpdates", TOKEN)
        try:
            raise OSError(f"cannot reach /bot{TOKEN}/sendMessage")
        except OSError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    err = capsys.readouterr().err
    assert TOKEN not in err
    assert "https://api.telegram.org/bot<redacted>/getUpdates" in err
    assert "cannot reach /bot<redacted>/sendMessage" in err
