"""The public booking page (/book/<id>) in headless Chromium on a 390 x 844
phone screen, against the server started as a process on a SQLite file: a
client books with the keyboard and gets the .ics file and the manage link; two
browsers race for one time and the loser sees fresh times; the Telegram Mini
App entry books as the Telegram user, and refuses a forged initData plainly;
an unknown link's page is a 404 in the browser's language.
Screenshots: browser.screenshot_dir()."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import httpx
import pytest

import slotcraft as sc
from slotcraft.server.telegram import BOT_TOKEN_VARIABLE

from .browser import Page, Session, create_user, missing_browser, page
from .test_http_process import serving

pytestmark = pytest.mark.skipif(bool(missing_browser()), reason=missing_browser() or "browser tests can run")

BOT_TOKEN = "4242:browser-test-bot"
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}
EVERY_DAY = {day: [["09:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


@dataclass
class Site:
    base: str
    db: Path


@contextmanager
def serving_with_bot(folder: Path) -> Iterator[tuple[str, Session]]:
    """The server on `folder`/salon.sqlite with the test bot's token (so the
    Mini App works), and a session of its admin ada."""
    create_user(folder / "salon.sqlite", "ada", "admin")
    with pytest.MonkeyPatch.context() as environment:
        environment.setenv(BOT_TOKEN_VARIABLE, BOT_TOKEN)
        with serving(folder / "salon.sqlite", folder / "server.log") as base:
            yield base, Session(base, "ada")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The server (with a Telegram bot token) on a SQLite file; an admin makes,
    through the API, a salon with three masters in Berlin working every day, each
    with a booking link of their own: one per scenario."""
    folder = tmp_path_factory.mktemp("book")
    with serving_with_bot(folder) as (base, admin):
        admin.send("PUT", "/v1/locations/salon", {"name": "Salon"}, 201)
        admin.send("PUT", "/v1/services/cut", {"name": "Haircut", "duration": 30, "buffer_after": 10}, 201)
        admin.send("PUT", "/v1/services/color", {"name": "Colouring", "duration": 90}, 201)
        for master in ("anna", "boris", "carla"):
            admin.send("PUT", f"/v1/resources/{master}", {
                "name": master.title(), "timezone": "Europe/Berlin",
                "schedules": [{"location": "salon", "weekly": EVERY_DAY, "breaks": [["13:00", "14:00"]]}]}, 201)
            for service in ("cut", "color"):
                admin.send("PUT", f"/v1/resources/{master}/services/{service}", None)
            admin.send("PUT", f"/v1/booking-links/{master}", {"title": f"{master.title()}'s chair",
                                                              "resource": master}, 201)
        admin.close()
        yield Site(base, folder / "salon.sqlite")


@contextmanager
def phone(site: Site, scenario: str, *, time_zone: str = "Asia/Tokyo", language: str = "en-US") -> Iterator[Page]:
    """A browser with a phone's 390 x 844 screen; screenshots named book-<scenario>-..."""
    with page(site.base, f"book-{scenario}", time_zone=time_zone, language=language) as opened:
        opened.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
        yield opened


def press(element: Any, key: str) -> None:
    """A key on `element` (focused first), by its name in Selenium's Keys: ENTER, SPACE."""
    from selenium.webdriver.common.keys import Keys

    element.send_keys(getattr(Keys, key))


def choose_haircut_and_give_details(browser: Page, name: str, contact: str) -> None:
    """Service and details with the keyboard: Space on the radio, Enter in the form."""
    browser.wait(lambda d: browser.script("return document.querySelectorAll('input[name=service]').length") == 2)
    haircut = browser.find("#service-1")
    assert browser.script("return arguments[0].labels[0].textContent", haircut).startswith("Haircut")
    press(haircut, "SPACE")
    browser.find("#name").send_keys(name)
    browser.find("#contact").send_keys(contact)
    press(browser.find("#contact"), "ENTER")
    browser.wait(lambda d: browser.script("return document.activeElement.id") == "step-time", "the time step has no focus")


def first_free_day(browser: Page) -> None:
    """Opens the first day with free time (Enter on it); the first of its times gets the focus."""
    press(browser.find("button.day:not([disabled])"), "ENTER")
    browser.wait(lambda d: "time" in browser.script("return document.activeElement.className"), "no time has focus")


def free_days(browser: Page) -> int:
    """How many days of the month shown have free time, once its times are loaded:
    while they load, every day is shown greyed out."""
    found: int = browser.wait(lambda d: browser.script(
        "return document.querySelectorAll('button.day:not([disabled])').length"), "no day of the month has free time")
    return found


def a_later_free_day(browser: Page) -> None:
    """Opens the second day with free time, or the next month's first: unlike the
    first free day (today, late in the evening), it keeps free times after one is
    taken, whatever the hour the test runs at."""
    if free_days(browser) < 2:
        press(browser.find("#month-next"), "ENTER")
        free_days(browser)
        press(browser.find("button.day:not([disabled])"), "ENTER")
    else:
        press(browser.script("return document.querySelectorAll('button.day:not([disabled])')[1]"), "ENTER")
    browser.wait(lambda d: "time" in browser.script("return document.activeElement.className"), "no time has focus")


def open_day(browser: Page, day: str) -> None:
    """Opens `day` (YYYY-MM-DD in the browser's zone) once the month shown is loaded,
    from the next month's page when it is not in this one (another browser's later
    free day may be the next month's first)."""
    free_days(browser)
    if browser.script("return document.getElementById(arguments[0])", f"day-{day}") is None:
        press(browser.find("#month-next"), "ENTER")
    press(browser.find(f"#day-{day}:not([disabled])"), "ENTER")


def hold_a_later_time(browser: Page, link: str, name: str, contact: str) -> str:
    """Opens `link`'s page, gives the details, holds the first time of a later free day; its start."""
    browser.open(f"/book/{link}")
    choose_haircut_and_give_details(browser, name, contact)
    a_later_free_day(browser)
    start: str = browser.script("return document.activeElement.dataset.start")
    press(browser.script("return document.activeElement"), "ENTER")
    browser.find("#confirm-button")
    return start


def shown_starts(browser: Page) -> list[str]:
    starts: list[str] = browser.script("return [...document.querySelectorAll('button.time')].map(b => b.dataset.start)")
    return starts


def signed_init_data(bot_token: str, user_id: int, first_name: str = "Иван") -> str:
    """initData as Telegram signs it (core.telegram.org/bots/webapps), computed here, not by the server."""
    fields = {"auth_date": str(int(time.time())), "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
              "user": json.dumps({"id": user_id, "first_name": first_name, "last_name": "Petrov", "language_code": "ru"},
                                 ensure_ascii=False, separators=(",", ":"))}
    check = "\n".join(f"{key}={fields[key]}" for key in sorted(fields))
    secret = hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()
    return urlencode({**fields, "hash": hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()})


def mini_app_path(link: str, init_data: str) -> str:
    """The URL Telegram opens for a web_app button: the initData in the fragment."""
    return f"/book/{link}#tgWebAppData={quote(init_data)}&tgWebAppVersion=7.0&tgWebAppPlatform=android"


def test_a_client_books_with_the_keyboard_on_a_phone_and_gets_the_ics_and_the_manage_link(site: Site) -> None:
    with phone(site, "keyboard") as browser:
        book_and_cancel_with_the_keyboard(site, browser)


def book_and_cancel_with_the_keyboard(site: Site, browser: Page) -> None:
    browser.open("/book/anna")
    browser.wait(lambda d: browser.find("#title").text == "Anna's chair")
    assert "Europe/Berlin" in browser.find("#subtitle").text
    choose_haircut_and_give_details(browser, "Ann Smith", "ann@example.org")
    assert browser.unlabelled_fields() == []
    assert "Asia/Tokyo" in browser.find(".zones").text and "Europe/Berlin" in browser.find(".zones").text
    browser.shot("days")
    first_free_day(browser)
    start = browser.script("return document.activeElement.dataset.start")
    browser.shot("times")
    press(browser.script("return document.activeElement"), "ENTER")
    confirm = browser.find("#confirm-button")
    browser.wait(lambda d: browser.script("return document.activeElement.id") == "confirm-button")
    assert "held for you" in browser.find(".held").text
    when = browser.find(".summary").text
    assert "your time" in when and "Europe/Berlin" in when and "Ann Smith" in when
    assert browser.script("return document.documentElement.scrollWidth") <= PHONE["width"]
    browser.shot("held")
    press(confirm, "ENTER")
    browser.wait(lambda d: browser.find("#done-title").text == "You are booked")
    assert "Ann Smith" in browser.find(".summary").text  # the name given with the hold
    browser.shot("booked")

    ics = httpx.get(browser.find("#ics-link").get_attribute("href"), timeout=10)
    assert ics.status_code == 200 and ics.headers["content-type"].startswith("text/calendar")
    assert f"DTSTART:{start.replace('-', '').replace(':', '')}" in ics.text
    (booking,) = [b for b in sc.Scheduler(str(site.db)).bookings(sc.parse_instant(start),
                                                                  sc.parse_instant(start) + timedelta(minutes=1))
                  if b.resource == "anna"]
    client = sc.Scheduler(str(site.db)).client(booking.client)
    assert (booking.status, client.name) == (sc.BookingStatus.confirmed, "Ann Smith")
    assert client.identities == [sc.Identity("other", "email:ann@example.org")]

    press(browser.find("#manage-link"), "ENTER")
    browser.wait(lambda d: browser.find("#manage-title").text == "Booking details")
    press(browser.find("#move-button"), "ENTER")
    first_free_day(browser)
    if shown_starts(browser) == [start]:  # its time is the day's only one: the next day's
        press(browser.find(f"#day-{browser.find('button.day[aria-pressed=true]').get_attribute('data-day')} ~ "
                           "button.day:not([disabled])"), "ENTER")
        browser.wait(lambda d: start not in shown_starts(browser))
    moved_to = next(s for s in shown_starts(browser) if s != start)
    moves_before = [e.subject for e in sc.Scheduler(str(site.db)).audit()].count(booking.id)
    # Clicked twice at once, as an impatient thumb does: one move.
    browser.script("arguments[0].click(); arguments[0].click();", browser.find(f'button.time[data-start="{moved_to}"]'))
    browser.wait(lambda d: browser.find("#notice").text == "Moved: the new time is above.")
    browser.shot("moved")
    assert sc.Scheduler(str(site.db)).booking(booking.id).start == sc.parse_instant(moved_to)
    assert [e.subject for e in sc.Scheduler(str(site.db)).audit()].count(booking.id) == moves_before + 1
    press(browser.find("#cancel-button"), "ENTER")
    press(browser.find("#cancel-yes"), "ENTER")
    browser.wait(lambda d: "Cancelled" in browser.find(".status").text)
    browser.shot("cancelled")
    assert sc.Scheduler(str(site.db)).booking(booking.id).status == sc.BookingStatus.cancelled


def test_a_second_browser_racing_for_the_same_time_loses_and_sees_fresh_times(site: Site) -> None:
    with phone(site, "race-winner", time_zone="Europe/Berlin") as winner, \
            phone(site, "race-loser", time_zone="America/New_York", language="ru-RU") as loser:
        for browser, name in ((winner, "Wanda Winner"), (loser, "Лев Проигравший")):
            browser.open("/book/boris")
            choose_haircut_and_give_details(browser, name, f"{name.split()[0].lower()}@example.org")
        assert loser.find("#step-time").text == "3. Выберите день и время"
        a_later_free_day(winner)
        first = winner.script("return document.activeElement.dataset.start")
        # the loser's day of that instant, in the loser's own zone
        loser_day = loser.script("const t = new Date(arguments[0]); return [t.getFullYear(), t.getMonth() + 1, "
                                 "t.getDate()].map((n) => String(n).padStart(2, '0')).join('-')", first)
        open_day(loser, loser_day)
        loser.wait(lambda d: first in shown_starts(loser), "the loser's page does not list the time")
        loser.shot("before")

        press(winner.script("return document.activeElement"), "ENTER")
        winner.find("#confirm-button")
        loser.expect_refusal("/holds", 409)
        press(loser.find(f'button.time[data-start="{first}"]'), "ENTER")
        loser.wait(lambda d: "только что заняли" in loser.find("#time-notice").text, "the loser is not told")
        # The notice is shown at once, and has the focus once the times are listed again.
        loser.wait(lambda d: loser.script("return document.activeElement.id") == "time-notice",
                   "the notice does not get the focus")
        loser.wait(lambda d: shown_starts(loser) and first not in shown_starts(loser), "the taken time is still shown")
        loser.shot("lost")
        assert loser.script("return document.querySelector('#confirm-button')") is None

        winner.find("#confirm-button").click()
        winner.wait(lambda d: winner.find("#done-title").text == "You are booked")
        winner.shot("booked")
    start = sc.parse_instant(first)
    (booked,) = [b for b in sc.Scheduler(str(site.db)).bookings(start, start + timedelta(minutes=1)) if b.resource == "boris"]
    assert sc.Scheduler(str(site.db)).client(booked.client).name == "Wanda Winner"


def test_an_unknown_links_page_is_a_404_saying_so_in_the_browsers_language(site: Site) -> None:
    assert httpx.get(f"{site.base}/book/no-such-link", headers={"Accept-Language": "ru-RU"}).status_code == 404
    with phone(site, "missing", language="ru-RU") as browser:
        browser.expect_refusal("/book/no-such-link", 404)
        browser.open("/book/no-such-link")
        assert browser.find("[role=alert]").text == "Такой страницы записи нет, или она закрыта."
        assert browser.script("return document.documentElement.lang") == "ru"
        # In the page's style: its stylesheet draws the alert as on any other page's error.
        assert browser.script("return document.styleSheets.length") == 1
        assert browser.script("return getComputedStyle(document.querySelector('.top')).display") == "grid"
        browser.shot("missing")
        browser.open("/book/anna")
        browser.wait(lambda d: browser.find("#title").text == "Anna's chair")


def test_an_any_master_page_holds_with_whoever_is_free_when_the_time_is_picked(site: Site) -> None:
    admin = Session(site.base, "ada")
    admin.send("PUT", "/v1/booking-links/any-cut", {"title": "Any master", "services": ["color", "cut"]}, 201)
    with phone(site, "any-master", time_zone="Europe/Berlin") as browser:
        browser.open("/book/any-cut")
        choose_haircut_and_give_details(browser, "Petra Picky", "petra@example.org")
        a_later_free_day(browser)
        start = browser.script("return document.activeElement.dataset.start")
        listed = httpx.get(f"{site.base}/v1/public/book/any-cut/slots", timeout=10,
                           params={"service": "cut", "from": start, "to": start.replace(":00Z", ":01Z")}).json()
        first, *others = listed["slots"][0]["resources"]
        assert others, "the time should be free with more than one master"
        # Meanwhile the salon gives the first of them that time.
        admin.send("POST", "/v1/bookings", {"resource": first, "service": "cut", "start": start}, 201)
        press(browser.script("return document.activeElement"), "ENTER")
        browser.find("#confirm-button")  # held, with another master
        assert others[0].title() in browser.find(".summary").text
        browser.find("#confirm-button").click()
        browser.wait(lambda d: browser.find("#done-title").text == "You are booked")
    begins = sc.parse_instant(start)
    scheduler = sc.Scheduler(str(site.db))
    (petras,) = [b for b in scheduler.bookings(begins, begins + timedelta(minutes=1))
                 if b.client and scheduler.client(b.client).name == "Petra Picky"]
    assert (petras.resource, petras.status) == (others[0], sc.BookingStatus.confirmed)
    admin.close()


def test_a_hold_ended_before_confirming_is_told_in_the_pages_words_and_the_clients_time(site: Site) -> None:
    admin = Session(site.base, "ada")
    with phone(site, "hold-ended", time_zone="Asia/Tokyo", language="ru-RU") as browser:
        start = hold_a_later_time(browser, "carla", "Олег Медленный", "oleg@example.org")
        begins = sc.parse_instant(start)
        (held,) = [b for b in sc.Scheduler(str(site.db)).bookings(begins, begins + timedelta(minutes=1))
                   if b.resource == "carla" and b.status == sc.BookingStatus.held]
        admin.send("POST", f"/v1/bookings/{held.id}/cancel", {"reason": "the hold ended"})
        browser.expect_refusal("/confirm", 409)
        press(browser.find("#confirm-button"), "ENTER")
        browser.wait(lambda d: "закреплено за вами до" in browser.find("#time-notice").text, "the client is not told")
        told = browser.find("#time-notice").text
        assert "Z)" not in told and "T" not in told.split("до", 1)[1]  # no UTC instant, no English
        assert "hold" not in told
        browser.shot("hold-ended")
    admin.close()


def test_a_page_reloaded_while_holding_a_time_lets_the_client_pick_it_again(site: Site) -> None:
    with phone(site, "reloaded", time_zone="Europe/Berlin") as browser:
        start = hold_a_later_time(browser, "anna", "Rita Reload", "rita@example.org")
        browser.driver.refresh()  # the hold is released, not left to block the client for its 10 minutes
        choose_haircut_and_give_details(browser, "Rita Reload", "rita@example.org")
        a_later_free_day(browser)
        browser.wait(lambda d: start in shown_starts(browser), "the client's own time is not offered again")
        press(browser.find(f'button.time[data-start="{start}"]'), "ENTER")
        browser.find("#confirm-button")
    begins = sc.parse_instant(start)
    scheduler = sc.Scheduler(str(site.db))
    ritas = [b.status for b in scheduler.bookings(begins, begins + timedelta(minutes=1))
             if b.client and scheduler.client(b.client).name == "Rita Reload"]
    assert sorted(status.name for status in ritas) == ["cancelled", "held"]


def test_the_mini_app_books_as_the_telegram_user(site: Site) -> None:
    with phone(site, "mini-app") as browser:
        book_in_the_mini_app(site, browser)


def book_in_the_mini_app(site: Site, browser: Page) -> None:
    browser.open(mini_app_path("carla", signed_init_data(BOT_TOKEN, 777000111)))
    press(browser.find("#service-1"), "SPACE")
    browser.wait(lambda d: browser.find(".who").text == "Запись на имя Иван Petrov (Telegram)")
    assert browser.script("return document.querySelector('#name')") is None  # no form: Telegram said who
    browser.shot("russian")
    press(browser.find("#language"), "ENTER")
    browser.wait(lambda d: browser.find(".who").text == "Booking as Иван Petrov (Telegram)")
    first_free_day(browser)
    press(browser.script("return document.activeElement"), "ENTER")
    press(browser.find("#confirm-button"), "ENTER")
    browser.wait(lambda d: browser.find("#done-title").text == "You are booked")
    browser.shot("booked")
    scheduler = sc.Scheduler(str(site.db))
    (client,) = [c for c in scheduler.clients() if sc.Identity("telegram", "777000111") in c.identities]
    assert client.name == "Иван Petrov"


def test_the_mini_app_refuses_a_forged_init_data_plainly_and_books_nothing(site: Site) -> None:
    with phone(site, "mini-app-forged") as browser:
        refuse_a_forged_init_data(site, browser)


def refuse_a_forged_init_data(site: Site, browser: Page) -> None:
    clients_before = len(sc.Scheduler(str(site.db)).clients())
    forged = signed_init_data("4242:not-this-bots-token", 666)
    browser.expect_refusal("/telegram/session", 401)
    browser.open(mini_app_path("carla", forged))
    refusal = browser.find("[role=alert]")
    browser.wait(lambda d: "Telegram could not confirm who you are" in refusal.text)
    assert "init_data" in refusal.text and "Open the page again from the bot" in refusal.text
    assert browser.script("return document.querySelectorAll('input, button.day, button.time').length") == 0
    browser.shot("refused")
    assert len(sc.Scheduler(str(site.db)).clients()) == clients_before
