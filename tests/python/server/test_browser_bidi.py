"""Names people type, shown by the admin panel and the booking page (also as a
Telegram Mini App), in headless Chromium against the server started as a
process. A name may hold Unicode bidirectional controls such as U+202E
RIGHT-TO-LEFT OVERRIDE: slotcraft stores it as given (Arabic and Hebrew names
need bidi), and every page shows it isolated, so the text after it (a time, a
zone, the next name) keeps its order on the screen, as the left edges of its
characters show. Screenshots: browser.screenshot_dir()."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from .browser import PASSWORD, Page, Session, missing_browser, page, utc_instant
from .test_browser_booking import BOT_TOKEN, mini_app_path, press, serving_with_bot, signed_init_data

pytestmark = pytest.mark.skipif(bool(missing_browser()), reason=missing_browser() or "browser tests can run")

OVERRIDE = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: shown as is, what follows it reads backwards
FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE = "\u2068", "\u2069"
BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = date.today() + timedelta(days=7 - date.today().weekday() + 7)  # a Monday one to two weeks ahead
EVERY_DAY = {day: [["09:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


@dataclass
class Site:
    base: str
    admin: Session
    booking: dict[str, Any]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The server (with a Telegram bot token) on a SQLite file; an admin makes, through the API, a location,
    a resource, a service and a client whose names end with U+202E, a booking of that client at 10:00
    on MONDAY, and a booking link of the resource whose title ends with it too."""
    with serving_with_bot(tmp_path_factory.mktemp("bidi")) as (base, admin):
        admin.send("PUT", "/v1/locations/salon", {"name": f"Salon{OVERRIDE}"}, 201)
        admin.send("PUT", "/v1/resources/rex", {"name": f"Rex{OVERRIDE}", "timezone": "Europe/Berlin",
                                                "schedules": [{"location": "salon", "weekly": EVERY_DAY}]}, 201)
        admin.send("PUT", "/v1/services/cut", {"name": f"Cut{OVERRIDE}", "duration": 30}, 201)
        admin.send("PUT", "/v1/resources/rex/services/cut")
        admin.send("PUT", "/v1/clients/eve", {"name": f"Eve{OVERRIDE}"}, 201)
        start = utc_instant(MONDAY, "10:00", BERLIN)
        booking = admin.send("POST", "/v1/bookings",
                             {"resource": "rex", "service": "cut", "start": start, "client": "eve"}, 201)
        admin.send("PUT", "/v1/booking-links/rex", {"title": f"Rex{OVERRIDE} chair", "resource": "rex"}, 201)
        yield Site(base, admin, booking)
        admin.close()


# The left edges of the characters of `text` where a text node inside `root` holds it (null: none does).
# Read left to right, a left-to-right text's edges grow; reordered by a name before it, they do not.
LEFT_EDGES = """
const [root, text] = arguments;
const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  const at = node.data.indexOf(text);
  if (at >= 0) {
    return Array.from({length: text.length}, (_, i) => {
      const range = document.createRange();
      range.setStart(node, at + i);
      range.setEnd(node, at + i + 1);
      return range.getBoundingClientRect().left;
    });
  }
}
return null;
"""

# The element that holds `name` and nothing else, inside `root` (null: none): its computed `unicode-bidi`.
HOLDER = """
const [root, name] = arguments;
const holder = [root, ...root.querySelectorAll('*')].reverse().find((element) => element.textContent === name);
return holder ? getComputedStyle(holder).unicodeBidi : null;
"""


def in_reading_order(browser: Page, root: Any, text: str) -> bool:
    """Whether `text` (left to right, in one text node inside `root`) is shown in its own order."""
    edges: list[float] | None = browser.script(LEFT_EDGES, root, text)
    assert edges is not None, f"{text!r} is not in {root.text!r}"
    return all(a < b for a, b in zip(edges, edges[1:]))


def held_isolated(browser: Page, root: Any, name: str) -> bool:
    """Whether `name` stands inside `root` in an element of its own that isolates it (a <bdi>, or any element
    with `unicode-bidi: isolate`), so that it cannot reorder the text beside it."""
    found: str | None = browser.script(HOLDER, root, name)
    return found in ("isolate", "isolate-override", "plaintext")


@pytest.fixture
def browser(site: Site, request: pytest.FixtureRequest) -> Iterator[Page]:
    with page(site.base, "bidi_" + request.node.name.removeprefix("test_")[:48], time_zone="Europe/Berlin") as opened:
        yield opened


def sign_in(browser: Page, path: str, ready: str) -> None:
    browser.expect_refusal("/v1/session", 401)  # the panel asks whether this browser is signed in
    browser.open(path)
    browser.find("input[name=login]").send_keys("ada")
    browser.find("input[name=password]").send_keys(PASSWORD)
    browser.find("form.sign-in button[type=submit]").click()
    browser.find(ready)


def test_the_calendar_shows_names_with_an_override_isolated(site: Site, browser: Page) -> None:
    sign_in(browser, f"/admin#/calendar?date={MONDAY.isoformat()}&resources=rex", ".fc-timegrid-event.sc-booking")
    heading = browser.find("section.column[data-resource=rex] h2")
    assert in_reading_order(browser, heading, "Europe/Berlin"), "the zone after the resource's name reads backwards"
    assert held_isolated(browser, heading, f"Rex{OVERRIDE}")
    event = browser.find(".fc-timegrid-event.sc-booking")
    assert in_reading_order(browser, event, "Cut"), "the service after the client's name reads backwards"
    browser.shot("calendar")

    event.click()
    browser.find("dialog[open] button.danger").click()  # Cancel booking…
    question = browser.find("dialog[open] form.cancel p")
    assert in_reading_order(browser, question, "10:00"), "the time after the client's name reads backwards"
    assert held_isolated(browser, question, f"Eve{OVERRIDE}")
    browser.shot("cancel-question")
    browser.find("dialog[open] button.secondary").click()  # Keep it
    browser.gone("dialog[open]")
    assert site.admin.get(f"/v1/bookings/{site.booking['id']}")["status"] == "confirmed"


def test_the_bookings_page_shows_names_with_an_override_isolated(site: Site, browser: Page) -> None:
    day = MONDAY.isoformat()
    sign_in(browser, f"/admin#/bookings?from={day}&to={day}", f"tr[data-id='{site.booking['id']}']")
    row = browser.find(f"tr[data-id='{site.booking['id']}']")
    # An <option> holds text only: the name in it is between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE.
    options = browser.script("return [...document.querySelectorAll('select[name=resource] option, "
                             "select[name=service] option')].map((o) => o.text)")
    assert f"{FIRST_STRONG_ISOLATE}Rex{OVERRIDE}{POP_DIRECTIONAL_ISOLATE}" in options
    assert f"{FIRST_STRONG_ISOLATE}Cut{OVERRIDE}{POP_DIRECTIONAL_ISOLATE}" in options
    browser.shot("bookings")

    row.find_element("css selector", "button.cancel").click()
    question = browser.find("dialog[open] form.cancel p")
    assert in_reading_order(browser, question, "with"), "the words after the client's name read backwards"
    assert in_reading_order(browser, question, "10:00"), "the time after the resource's name reads backwards"
    browser.shot("cancel-question")
    browser.find("dialog[open] button.secondary").click()  # Keep it
    browser.gone("dialog[open]")


def test_the_booking_page_shows_names_with_an_override_isolated(site: Site) -> None:
    with page(site.base, "bidi_booking_page", time_zone="Europe/Berlin") as browser:
        browser.open("/book/rex")
        browser.wait(lambda d: browser.find("#title").text == f"Rex{OVERRIDE} chair")
        # The tab's title is plain text: the link's title is isolated there by the two marks.
        assert browser.driver.title == f"{FIRST_STRONG_ISOLATE}Rex{OVERRIDE} chair{POP_DIRECTIONAL_ISOLATE}"
        subtitle = browser.find("#subtitle")
        assert in_reading_order(browser, subtitle, "Europe/Berlin"), "the zone after the master's name reads backwards"
        service = browser.find("label[for=service-0]")
        assert held_isolated(browser, service, f"Cut{OVERRIDE}")
        browser.find("#name").send_keys(f"Ann{OVERRIDE}")
        browser.find("#contact").send_keys("ann@example.org")
        press(browser.find("#contact"), "ENTER")
        who = browser.find(".who")
        assert who.text == f"Booking as Ann{OVERRIDE} (ann@example.org)"
        assert in_reading_order(browser, who, "example.org"), "the contact after the client's name reads backwards"
        zones = browser.find(".zones")
        assert in_reading_order(browser, zones, "works in"), "the words after the master's name read backwards"
        browser.shot("details")


def test_the_mini_app_shows_a_telegram_name_with_an_override_isolated(site: Site) -> None:
    with page(site.base, "bidi_mini_app", time_zone="Europe/Berlin") as browser:
        browser.open(mini_app_path("rex", signed_init_data(BOT_TOKEN, 777000222, first_name=f"Ivan{OVERRIDE}")))
        who = browser.find(".who")
        browser.wait(lambda d: who.text == f"Запись на имя Ivan{OVERRIDE} Petrov (Telegram)")
        assert in_reading_order(browser, who, "Telegram"), "the words after the user's name read backwards"
        assert held_isolated(browser, who, f"Ivan{OVERRIDE} Petrov")
        browser.shot("telegram-name")
