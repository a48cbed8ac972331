"""The admin panel (/admin) in headless Chromium against the server started as
a process: signing in, the calendar of a teacher in New York across the
spring DST change seen from Berlin, booking, dragging, cancelling, roles,
keyboard-only use and labels. Screenshots: browser.screenshot_dir()."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import slotcraft as sc

from .browser import PASSWORD, Page, Session, create_user, missing_browser, page, utc_instant
from .test_http_process import serving

pytestmark = pytest.mark.skipif(bool(missing_browser()), reason=missing_browser() or "browser tests can run")

NEW_YORK = ZoneInfo("America/New_York")
VIEWER_ZONE = "Europe/Berlin"  # the browser's own zone: no DST change in the week shown


def next_spring_forward(zone: ZoneInfo) -> date:
    """The next day, at least a week ahead, on which `zone`'s clocks go forward."""
    day = date.today() + timedelta(days=8)
    while True:
        noon, day_before = (datetime.combine(d, time(12), tzinfo=zone) for d in (day, day - timedelta(days=1)))
        if noon.utcoffset() > day_before.utcoffset():  # type: ignore[operator]
            return day
        day += timedelta(days=1)


# The week shown: Monday to the Sunday of the change (2027-03-08 to 2027-03-14 when written).
# Each scenario that books uses a day of its own.
SUNDAY = next_spring_forward(NEW_YORK)
assert SUNDAY.weekday() == 6, "New York's clocks go forward on a Sunday"
MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY = (SUNDAY - timedelta(days=n) for n in range(6, 0, -1))


def instant(day: date, hhmm: str, zone: ZoneInfo = NEW_YORK) -> str:
    return utc_instant(day, hhmm, zone)


def calendar_url(day: date, **params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"date": day.isoformat(), "resources": "teacher", **params}.items())
    return f"/admin#/calendar?{query}"


@dataclass
class Site:
    base: str
    db: Path
    admin: Session


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The server on a SQLite file; an admin (from the `users` command) builds,
    through the API with their session, a studio, a teacher in New York with
    weekly hours and a break, a subject, the link, and clients; then a staff
    user of the teacher and a client user are made."""
    folder = tmp_path_factory.mktemp("admin")
    db = folder / "club.sqlite"
    create_user(db, "ada", "admin")
    with serving(db, folder / "server.log") as base:
        admin = Session(base, "ada")
        every_day = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
        admin.send("PUT", "/v1/locations/studio", {"name": "Studio"}, 201)
        admin.send("PUT", "/v1/resources/teacher", {
            "name": "Tess Teacher", "timezone": "America/New_York",
            "schedules": [{"location": "studio", "weekly": every_day, "breaks": [["12:00", "13:00"]]}],
            "time_off": [{"start": instant(WEDNESDAY, "14:00"), "end": instant(WEDNESDAY, "17:00")}]}, 201)
        admin.send("PUT", "/v1/resources/rita", {
            "name": "Rita Berlin", "timezone": "Europe/Berlin",
            "schedules": [{"location": "studio", "weekly": {"mon": [["10:00", "14:00"]], "fri": [["10:00", "14:00"]]}}]},
            201)
        admin.send("PUT", "/v1/services/piano", {"name": "Piano", "duration": 60}, 201)
        for resource in ("teacher", "rita"):
            admin.send("PUT", f"/v1/resources/{resource}/services/piano")
        admin.send("PUT", "/v1/clients/ivan", {"name": "Иван Петров"}, 201)
        admin.send("PUT", "/v1/clients/mary", {"name": "Mary Major"}, 201)
        create_user(db, "tess", "staff", resource="teacher")
        create_user(db, "ivan", "client", client="ivan")
        yield Site(base, db, admin)
        admin.close()


@pytest.fixture
def browser(site: Site, request: pytest.FixtureRequest) -> Iterator[Page]:
    with page(site.base, request.node.name.removeprefix("test_"), time_zone=VIEWER_ZONE) as opened:
        yield opened


def sign_in(browser: Page, login: str, path: str = "/admin") -> None:
    browser.expect_refusal("/v1/session", 401)  # the panel asks whether this browser is signed in
    browser.open(path)
    browser.find("input[name=login]").send_keys(login)
    browser.find("input[name=password]").send_keys(PASSWORD)
    browser.find("form.sign-in button[type=submit]").click()
    browser.find(".fc-timegrid, .refused")


def wait_for_calendar(browser: Page) -> None:
    """The calendars are drawn and the events of every one loaded: each column
    fetches its own, so one column's events say nothing of the others'."""
    browser.find(".fc-timegrid")
    browser.wait(lambda d: browser.script(
        "const columns = [...document.querySelectorAll('section.column')];"
        "return columns.length > 0 && columns.every((c) => c.querySelector('.fc-timegrid-event') !== null)"),
        "a calendar without events")


# The events of a kind in a day's column of a resource's calendar, with the
# time of the grid row each starts on (read from the rendered page).
EVENTS_IN_COLUMN = """
const [resource, day, kind] = arguments;
const calendar = document.querySelector(`section.column[data-resource="${resource}"]`);
const lanes = [...calendar.querySelectorAll('td.fc-timegrid-slot-lane')]
  .map((lane) => [lane.dataset.time.slice(0, 5), lane.getBoundingClientRect().top]);
const column = calendar.querySelector(`td.fc-timegrid-col[data-date="${day}"]`);
if (!column) return null;
return [...column.querySelectorAll(`.fc-timegrid-event.${kind}`)].map((event) => {
  const top = event.closest('.fc-timegrid-event-harness').getBoundingClientRect().top;
  const row = lanes.find(([, y]) => Math.abs(y - top) <= 2);
  return {row: row ? row[0] : null, label: event.querySelector('.fc-event-time')?.textContent ?? '',
          title: event.textContent};
});
"""


def events(browser: Page, day: date, kind: str, resource: str = "teacher") -> list[dict[str, Any]]:
    found: list[dict[str, Any]] | None = browser.script(EVENTS_IN_COLUMN, resource, day.isoformat(), kind)
    assert found is not None, f"no column for {day} in {resource}'s calendar"
    return found


def rows(browser: Page, day: date, kind: str, resource: str = "teacher") -> list[str]:
    return sorted(e["row"] for e in events(browser, day, kind, resource))


# The event of a kind starting on a grid row of a day in the teacher's calendar:
# the element, its text, or the point to grab it by (its top edge, scrolled into view).
EVENT_AT = """
const [day, row, kind, what] = arguments;
const calendar = document.querySelector('section.column[data-resource="teacher"]');
const lane = calendar.querySelector(`td.fc-timegrid-slot-lane[data-time="${row}:00"]`);
const column = calendar.querySelector(`td.fc-timegrid-col[data-date="${day}"]`);
const y = lane.getBoundingClientRect().top;
const event = [...column.querySelectorAll(`.fc-timegrid-event.${kind}`)]
  .find((e) => Math.abs(e.closest('.fc-timegrid-event-harness').getBoundingClientRect().top - y) <= 2);
if (!event || what === 'element') return event ?? null;
if (what === 'text') return event.textContent;
event.scrollIntoView({block: 'center'});
const box = event.getBoundingClientRect();
return [box.left + box.width / 2, box.top + 6];
"""


def event_at(browser: Page, day: date, row: str, kind: str, what: str = "text") -> Any:
    """The event of `kind` starting on the grid row `row` (HH:MM) of `day`, once there: see EVENT_AT."""
    return browser.wait(lambda d: browser.script(EVENT_AT, day.isoformat(), row, kind, what),
                        f"no {kind} at {day} {row}")


def click_event(browser: Page, day: date, row: str, kind: str) -> None:
    """Clicks the event, again if the calendar redrew it meanwhile (a refetch after a change)."""
    def clicked(driver: Any) -> bool:
        event_at(browser, day, row, kind, "element").click()
        return True

    browser.wait(clicked, f"cannot click the {kind} at {day} {row}")


CELL_POINT = """
const [day, row] = arguments;
const calendar = document.querySelector('section.column[data-resource="teacher"]');
const lane = calendar.querySelector(`td.fc-timegrid-slot-lane[data-time="${row}:00"]`).getBoundingClientRect();
const column = calendar.querySelector(`td.fc-timegrid-col[data-date="${day}"]`).getBoundingClientRect();
return [column.left + column.width / 2, lane.top + 6];
"""


def drag(browser: Page, day: date, row: str, to_row: str) -> None:
    """Drags the booking at `row` of `day` by its top edge with the mouse onto the grid row `to_row`."""
    from selenium.webdriver.common.actions.action_builder import ActionBuilder

    grip = event_at(browser, day, row, "sc-booking", "grip")
    target = browser.script(CELL_POINT, day.isoformat(), to_row)
    actions = ActionBuilder(browser.driver)
    pointer = actions.pointer_action
    pointer.move_to_location(int(grip[0]), int(grip[1]))
    pointer.pointer_down()
    for step in range(1, 6):
        pointer.move_to_location(int(grip[0] + (target[0] - grip[0]) * step / 5),
                                 int(grip[1] + (target[1] - grip[1]) * step / 5))
    pointer.pointer_up()
    actions.perform()


def assert_labelled(browser: Page) -> None:
    assert browser.unlabelled_fields() == [], "every form field has a <label>"


def bookings_on(site: Site, day: date, resource: str = "teacher") -> list[dict[str, Any]]:
    listed = site.admin.get("/v1/bookings", **{"from": instant(day, "00:00"), "to": instant(day + timedelta(days=1),
                                               "00:00"), "resource": resource, "status": "confirmed"})
    found: list[dict[str, Any]] = listed["bookings"]
    return found


def book(site: Site, day: date, hhmm: str, client: str) -> dict[str, Any]:
    booked: dict[str, Any] = site.admin.send("POST", "/v1/bookings", {
        "resource": "teacher", "service": "piano", "start": instant(day, hhmm), "client": client}, 201)
    return booked


def test_sign_in_speaks_the_browsers_language_until_the_switch_says_otherwise(site: Site) -> None:
    from selenium.webdriver.support.ui import Select

    with page(site.base, "sign_in_and_languages", time_zone=VIEWER_ZONE, language="ru-RU") as browser:
        browser.expect_refusal("/v1/session", 401)  # not signed in yet, then a wrong password
        browser.open(calendar_url(FRIDAY))
        assert browser.find("form.sign-in h1").text == "Вход"
        browser.find("input[name=login]").send_keys("ada")
        browser.find("input[name=password]").send_keys("not the password")
        browser.find("form.sign-in button[type=submit]").click()
        assert browser.find(".form-message").text == "Неверный логин или пароль."
        assert_labelled(browser)
        browser.shot("wrong-password")

        browser.find("input[name=password]").send_keys(PASSWORD)
        browser.find("form.sign-in button[type=submit]").click()
        wait_for_calendar(browser)
        assert browser.find(".who").text == "Ada (администратор)"
        assert browser.script("return location.hash").startswith(f"#/calendar?date={FRIDAY.isoformat()}")
        assert "Свободно" in browser.find(".sc-free").text
        headers = browser.script("return [...document.querySelectorAll('.fc-col-header-cell')].map(c => c.textContent)")
        assert headers[0].startswith("пн"), headers
        assert_labelled(browser)
        browser.shot("russian")

        browser.driver.refresh()  # the session is read again from GET /v1/session
        wait_for_calendar(browser)
        Select(browser.find("#top select")).select_by_value("en")
        browser.wait(lambda d: "Calendar" in browser.find("#top nav").text, "the switch makes it English")
        wait_for_calendar(browser)
        assert "Free" in browser.find(".sc-free").text
        headers = browser.script("return [...document.querySelectorAll('.fc-col-header-cell')].map(c => c.textContent)")
        assert headers[0].startswith("Mon"), headers
        assert_labelled(browser)
        browser.shot("english")

        browser.find("#top button").click()  # Sign out
        assert browser.find(".form-message").text == "You are signed out."
        browser.driver.refresh()  # still English: the switch is remembered
        assert browser.find("form.sign-in h1").text == "Sign in"
        assert browser.script("return document.documentElement.lang") == "en"
        browser.shot("signed-out")


def test_free_slots_sit_at_the_teachers_hours_across_the_dst_change(site: Site, browser: Page) -> None:
    held = site.admin.send("POST", "/v1/holds", {"resource": "teacher", "service": "piano",
                                                 "start": instant(SATURDAY, "10:00"), "ttl_minutes": 30}, 201)
    sign_in(browser, "ada", calendar_url(SUNDAY, resources="rita,teacher"))
    wait_for_calendar(browser)
    headings = [h.text for h in browser.driver.find_elements("css selector", "section.column h2")]
    assert headings == ["Rita Berlin Europe/Berlin", "Tess Teacher America/New_York"]

    # In the teacher's own zone: 9 to 17 with the 12:00 break, before and after the change alike.
    teaching = ["09:00", "10:00", "11:00", "13:00", "14:00", "15:00", "16:00"]
    for day in (FRIDAY, SUNDAY):
        assert rows(browser, day, "sc-free") == teaching, day
    assert events(browser, FRIDAY, "sc-free")[0]["label"].startswith("9:00")
    assert rows(browser, WEDNESDAY, "sc-free") == ["09:00", "10:00", "11:00", "13:00"]  # time off from 14:00
    assert browser.script("return document.querySelectorAll('section[data-resource=teacher] .sc-timeoff').length") == 1
    assert rows(browser, SATURDAY, "sc-hold") == ["10:00"]
    assert rows(browser, FRIDAY, "sc-free", "rita") == ["10:00", "11:00", "12:00", "13:00"]
    assert_labelled(browser)
    browser.shot("own-zones")

    from selenium.webdriver.support.ui import Select

    Select(browser.find("select[name=zone]")).select_by_value("mine")
    browser.wait(lambda d: "shown in Europe/Berlin" in browser.find("section[data-resource=teacher] h2").text)
    wait_for_calendar(browser)
    # Seen from Berlin, New York's 09:00 is 15:00 before its clocks go forward and 14:00 after.
    browser.wait(lambda d: rows(browser, FRIDAY, "sc-free")[:1] == ["15:00"], "Friday from 15:00 Berlin time")
    assert rows(browser, FRIDAY, "sc-free") == ["15:00", "16:00", "17:00", "19:00", "20:00", "21:00", "22:00"]
    assert rows(browser, SUNDAY, "sc-free") == ["14:00", "15:00", "16:00", "18:00", "19:00", "20:00", "21:00"]
    assert events(browser, SUNDAY, "sc-free")[0]["label"].startswith("2:00")
    assert rows(browser, FRIDAY, "sc-free", "rita") == ["10:00", "11:00", "12:00", "13:00"]
    browser.shot("viewer-zone")
    site.admin.send("POST", f"/v1/holds/{held['id']}/release")


def test_book_a_free_slot_then_drag_it_onto_a_busy_time_and_to_a_free_one(site: Site, browser: Page) -> None:
    book(site, TUESDAY, "11:00", "mary")  # the busy time
    sign_in(browser, "ada", calendar_url(TUESDAY))
    wait_for_calendar(browser)
    click_event(browser, TUESDAY, "09:00", "sc-free")
    dialog = browser.find("dialog[open]")
    assert "Book this time" in dialog.text and "Tess Teacher" in dialog.text
    from selenium.webdriver.support.ui import Select

    browser.wait(lambda d: len(Select(browser.find("dialog select[name=client]")).options) == 2, "both clients")
    Select(browser.find("dialog select[name=client]")).select_by_value("ivan")
    assert_labelled(browser)
    browser.shot("book-dialog")
    browser.find("dialog button[type=submit]").click()
    browser.gone("dialog[open]")
    assert "Иван Петров" in event_at(browser, TUESDAY, "09:00", "sc-booking")
    [booked] = [b for b in bookings_on(site, TUESDAY) if b["client"] == "ivan"]
    assert booked["start"] == instant(TUESDAY, "09:00")
    browser.shot("booked")

    browser.expect_refusal("/reschedule", 409)
    drag(browser, TUESDAY, "09:00", "11:00")
    alert = browser.find(".messages [role=alert]")
    assert "Not moved" in alert.text
    reasons = browser.driver.find_elements("css selector", ".messages .reasons li")
    assert [r.get_attribute("data-code") for r in reasons] == ["busy"]
    assert "overlaps" in reasons[0].text
    assert "Иван Петров" in event_at(browser, TUESDAY, "09:00", "sc-booking")  # snapped back
    assert site.admin.get(f"/v1/bookings/{booked['id']}")["start"] == instant(TUESDAY, "09:00")
    browser.shot("refused-move")

    drag(browser, TUESDAY, "09:00", "14:00")
    browser.wait(lambda d: site.admin.get(f"/v1/bookings/{booked['id']}")["start"] == instant(TUESDAY, "14:00"),
                 "the API shows the booking moved")
    browser.wait(lambda d: "Иван Петров" in event_at(browser, TUESDAY, "14:00", "sc-booking"), "drawn where it went")
    event_at(browser, TUESDAY, "09:00", "sc-free")  # its old time is free again
    browser.shot("moved")


def test_move_from_the_dialog_then_cancel_after_confirming(site: Site, browser: Page) -> None:
    booked = book(site, THURSDAY, "10:00", "mary")
    sign_in(browser, "ada", calendar_url(THURSDAY))
    wait_for_calendar(browser)
    click_event(browser, THURSDAY, "10:00", "sc-booking")
    dialog = browser.find("dialog[open]")
    assert "Mary Major" in dialog.text and "confirmed" in dialog.text
    from selenium.webdriver.support.ui import Select

    browser.wait(lambda d: len(Select(browser.find("dialog select[name=move-to]")).options) > 1, "free starts")
    Select(browser.find("dialog select[name=move-to]")).select_by_value(instant(THURSDAY, "15:00"))
    assert_labelled(browser)
    browser.shot("booking-dialog")
    browser.find("dialog form.move button").click()
    browser.gone("dialog[open]")
    browser.wait(lambda d: site.admin.get(f"/v1/bookings/{booked['id']}")["start"] == instant(THURSDAY, "15:00"))

    click_event(browser, THURSDAY, "15:00", "sc-booking")
    browser.find("dialog button.danger").click()  # Cancel booking…
    assert "Cancel the booking of Mary Major" in browser.find("dialog[open]").text
    assert browser.script("return document.activeElement.textContent") == "Keep it"  # the safe choice has focus
    browser.find("dialog input[name=reason]").send_keys("the student is ill")
    assert_labelled(browser)
    browser.shot("confirm-cancel")
    browser.find("dialog button.danger").click()  # Yes, cancel it
    browser.gone("dialog[open]")
    cancelled = site.admin.get(f"/v1/bookings/{booked['id']}")
    assert (cancelled["status"], cancelled["cancel_reason"]) == ("cancelled", "the student is ill")
    event_at(browser, THURSDAY, "15:00", "sc-free")
    browser.shot("cancelled")


def test_staff_see_their_own_calendar_and_no_settings_and_clients_nothing(site: Site, browser: Page) -> None:
    sign_in(browser, "tess", calendar_url(FRIDAY, resources="rita,teacher"))
    wait_for_calendar(browser)
    assert [c.get_attribute("data-resource") for c in browser.driver.find_elements("css selector", "section.column")] \
        == ["teacher"]
    assert browser.driver.find_elements("css selector", "input[name=resource]") == []
    assert "Settings" not in browser.find("#top nav").text
    browser.shot("staff-calendar")

    browser.open("/admin#/settings")
    refusal = browser.find(".refused")
    assert refusal.text.startswith("Not allowed")
    assert "The Settings page is for admins only. You are signed in as Tess (staff)." in refusal.text
    browser.shot("staff-settings-refused")

    browser.find("#top button").click()
    browser.find("input[name=login]")
    sign_in(browser, "ivan")
    assert "This panel is for admins and staff. You are signed in as Ivan, a client." in browser.find(".refused").text
    browser.shot("client-refused")


def test_keyboard_alone_signs_in_and_books_a_slot(site: Site, browser: Page) -> None:
    from selenium.webdriver.common.keys import Keys

    def press(*keys: str) -> None:
        browser.driver.switch_to.active_element.send_keys(*keys)

    def focused(script: str) -> Any:
        return browser.script(f"const e = document.activeElement; return {script};")

    browser.expect_refusal("/v1/session", 401)
    browser.open(calendar_url(MONDAY))
    browser.wait(lambda d: focused("e.name") == "login", "the login field has the focus")
    press("ada", Keys.TAB)
    assert focused("e.name") == "password"
    press(PASSWORD, Keys.ENTER)
    wait_for_calendar(browser)
    first_free = "e.matches('section[data-resource=teacher] td[data-date=\"%s\"] .sc-free')" % MONDAY.isoformat()
    for _ in range(80):
        press(Keys.TAB)
        if focused(first_free):
            break
    assert focused(first_free), "Tab reaches the free slots"
    assert focused("e.textContent").startswith("9:00")
    browser.shot("slot-focused")
    press(Keys.ENTER)
    browser.find("dialog[open]")
    assert focused("e.name") == "client-search"
    browser.wait(lambda d: browser.script("return document.querySelector('dialog select').options.length") == 2)
    press(Keys.TAB)
    assert focused("e.name") == "client"
    press(Keys.TAB)
    assert focused("e.textContent") == "Book"
    browser.shot("dialog-by-keyboard")
    press(Keys.ENTER)
    browser.gone("dialog[open]")
    [booked] = bookings_on(site, MONDAY)
    assert (booked["start"], booked["client"]) == (instant(MONDAY, "09:00"), "ivan")
    event_at(browser, MONDAY, "09:00", "sc-booking")

    booking = "e.matches('td[data-date=\"%s\"] .sc-booking')" % MONDAY.isoformat()
    for _ in range(80):
        press(Keys.TAB)
        if focused(booking):
            break
    press(Keys.ENTER)
    browser.find("dialog[open]")
    press(Keys.ESCAPE)
    browser.gone("dialog[open]")
    assert_labelled(browser)
    browser.shot("booked-by-keyboard")


def test_mark_attendance_once_a_booking_has_begun(site: Site, browser: Page) -> None:
    day = date.today() - timedelta(days=2)
    start = sc.parse_instant(instant(day, "10:00"))
    # Booked back then: the library takes its `now`, the server its own clock.
    booked = sc.Scheduler(str(site.db)).book("teacher", "piano", start, client="ivan", now=start - timedelta(days=1))
    sign_in(browser, "ada", calendar_url(day))
    wait_for_calendar(browser)
    click_event(browser, day, "10:00", "sc-booking")
    from selenium.webdriver.support.ui import Select

    Select(browser.find("dialog select[name=attendance]")).select_by_value("attended")
    assert_labelled(browser)
    browser.shot("attendance")
    browser.find("dialog form.attendance button").click()
    browser.gone("dialog[open]")
    assert site.admin.get(f"/v1/bookings/{booked.id}")["attendance"] == "attended"
    click_event(browser, day, "10:00", "sc-booking")
    assert "attended" in browser.find("dialog[open]").text
    browser.shot("attended")


def test_settings_are_edited_and_a_refused_value_is_named_next_to_its_field(site: Site, browser: Page) -> None:
    before = site.admin.get("/v1/settings")
    try:
        sign_in(browser, "ada")
        browser.open("/admin#/settings")
        form = browser.find("form.settings-form")
        assert browser.unlabelled_fields() == []
        # A reminder of 0 minutes: slotcraft's message sits next to that reminder, and nothing is saved.
        browser.find("form.settings-form fieldset:nth-of-type(1) button.secondary:last-child").click()
        offset = browser.find("#reminder-0")
        offset.send_keys("0")
        browser.expect_refusal("/v1/settings", 400)
        form.find_element("css selector", "button[type=submit]").click()
        note = browser.find("#reminder-0-error")
        assert note.text == "must be more than 0 minutes (got 0)"
        assert offset.get_attribute("aria-invalid") == "true"
        assert browser.script("return document.activeElement.id") == "reminder-0"
        assert site.admin.get("/v1/settings") == before
        browser.shot("settings-refused")

        # A day-before reminder and a lunch break for everyone, saved and read back through the API.
        offset.clear()
        offset.send_keys("1440")
        browser.find("form.settings-form fieldset:nth-of-type(2) button.secondary:last-child").click()
        browser.script("arguments[0].value = '12:30'; arguments[1].value = '13:15';",
                       browser.find("#break-0-from"), browser.find("#break-0-to"))
        step = browser.find("input[data-field=default_step]")
        step.clear()
        step.send_keys("15")
        form.find_element("css selector", "button[type=submit]").click()
        browser.wait(lambda d: form.find_element("css selector", ".form-message").text == "Settings saved.")
        assert browser.driver.find_elements("css selector", ".field-error") == []
        saved = site.admin.get("/v1/settings")
        assert (saved["reminder_offsets"], saved["global_breaks"], saved["default_step"]) == (
            [1440], [["12:30", "13:15"]], 15)
        browser.shot("settings-saved")
        browser.open("/admin#/calendar")
        browser.open("/admin#/settings")
        assert browser.find("#break-0-from").get_attribute("value") == "12:30"
    finally:
        site.admin.send("PUT", "/v1/settings", before)


def test_a_calendar_draws_rotating_weeks_and_overnight_hours_with_the_slots_the_api_lists(site: Site,
                                                                                        browser: Page) -> None:
    """Both used to break the calendar: a rotation (SPEC §9) has no weekly table, and a
    range ending at or before its start ended the grid before it began."""
    rotation = {"anchor": MONDAY.isoformat(), "weeks": [{"fri": [["10:00", "12:00"]]}, {"fri": [["14:00", "16:00"]]}]}
    site.admin.send("PUT", "/v1/resources/cycle", {
        "name": "Cyd Cycle", "timezone": "America/New_York",
        "schedules": [{"location": "studio", "rotation": rotation}]}, 201)
    site.admin.send("PUT", "/v1/resources/night", {
        "name": "Nina Night", "timezone": "America/New_York",
        "schedules": [{"location": "studio", "weekly": {"thu": [["22:00", "02:00"]]}}]}, 201)
    for resource in ("cycle", "night"):
        site.admin.send("PUT", f"/v1/resources/{resource}/services/piano")
    listed = site.admin.send("GET", f"/v1/slots?service=piano&resources=cycle&resources=night"
                                    f"&from={instant(MONDAY, '00:00')}&to={instant(SUNDAY + timedelta(days=1), '00:00')}")
    assert len(listed["slots"]) == 6
    sign_in(browser, "ada", calendar_url(SUNDAY, resources="cycle,night"))
    wait_for_calendar(browser)
    assert rows(browser, FRIDAY, "sc-free", "cycle") == ["10:00", "11:00"]  # the cycle's first week
    assert rows(browser, THURSDAY, "sc-free", "night") == ["22:00", "23:00"]
    assert rows(browser, FRIDAY, "sc-free", "night") == ["00:00", "01:00"]
    browser.shot("rotation-overnight")
