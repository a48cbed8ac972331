"""Days and times typed instead of pressed: a client shown the days of a
booking who types "tomorrow" or "27.03", or shown its times and types "10"
or "10:00", means the button that says so. The bot remembers what it just
offered (with the user's dialog state, outside any step) and `typed` presses
the matching button for them, says a day or time that was not offered is not
free, and leaves any other words to the bot (a message to the master, a
question for support)."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from .core import InputError
from .parsers import parse_date, parse_time

log = logging.getLogger("botkit")


def _remember(bot: Any, user: dict, pick: dict) -> None:
    if not user["state"]:  # a dialog step's own data is never replaced
        user["data"] = {"pick": pick}
        bot.store.set_state(user["user_id"], "", user["data"])


def remember_days(bot: Any, user: dict, zone: str, days: list[tuple[date, str]]) -> None:
    """The days just offered (local days of `zone`), each with its button's data."""
    _remember(bot, user, {"kind": "days", "zone": zone, "choices": [(f"{d:%Y%m%d}", data) for d, data in days]})


def remember_times(bot: Any, user: dict, times: list[tuple[str, str]]) -> None:
    """The times just offered (`HH:MM`, the buttons' wall times), each with its button's data."""
    _remember(bot, user, {"kind": "times", "choices": [list(t) for t in times]})


def typed(bot: Any, user: dict, text: str) -> bool:
    """Presses the offered button `text` names (a day or a time), or says it was not offered; False when `text`
    is no day or time, or nothing was offered."""
    pick = (user.get("data") or {}).get("pick")
    if not pick:
        return False
    if pick["kind"] == "days":
        try:
            day = parse_date(text, bot.now().astimezone(ZoneInfo(pick["zone"])).date())
        except InputError:
            return False
        found = [data for key, data in pick["choices"] if key == f"{day:%Y%m%d}"]
        if not found:
            bot.say(user, "typed_day_not_offered", date=day.strftime("%d.%m"))
            return True
    else:
        at = parse_time(text)
        if at is None:
            return False
        found = [data for key, data in pick["choices"] if key == at]
        if not found:
            bot.say(user, "typed_time_not_offered", time=at)
            return True
        if len(found) > 1:  # that time at several places, or with several teachers: the buttons tell them apart
            bot.say(user, "use_buttons")
            return True
    log.info("action typed %s user=%s", pick["kind"], user["user_id"])
    bot.on_button(user, found[0], None)
    return True
