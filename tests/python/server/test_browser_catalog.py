"""The admin panel's catalog page (#/catalog) in headless Chromium against the
server started as a process: records made and edited through the panel and
read back through the API, slotcraft's refusals shown next to the field they
name with nothing written, archiving refused and allowed, and the page in
Russian. Screenshots: browser.screenshot_dir()."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import slotcraft as sc

from .browser import PASSWORD, Page, Session, create_user, missing_browser, page, utc_instant
from .test_browser_admin import NEW_YORK, SATURDAY, SUNDAY, calendar_url, rows, wait_for_calendar
from .test_http_process import serving

pytestmark = pytest.mark.skipif(bool(missing_browser()), reason=missing_browser() or "browser tests can run")

BERLIN = ZoneInfo("Europe/Berlin")
VIEWER_ZONE = "Europe/Berlin"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
EVERY_DAY = {day: [["08:00", "20:00"]] for day in WEEKDAYS}


def next_monday() -> date:
    day = date.today() + timedelta(days=8)
    return day + timedelta(days=(7 - day.weekday()) % 7)


def utc(day: date, hhmm: str, zone: ZoneInfo = BERLIN) -> str:
    return utc_instant(day, hhmm, zone)


@dataclass
class Site:
    base: str
    admin: Session


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The server on a SQLite file with an admin made by the `users` command."""
    folder: Path = tmp_path_factory.mktemp("catalog")
    db = folder / "club.sqlite"
    create_user(db, "ada", "admin")
    with serving(db, folder / "server.log") as base:
        admin = Session(base, "ada")
        yield Site(base, admin)
        admin.close()


@pytest.fixture
def browser(site: Site, request: pytest.FixtureRequest) -> Iterator[Page]:
    with page(site.base, "catalog_" + request.node.name.removeprefix("test_")[:48], time_zone=VIEWER_ZONE) as opened:
        yield opened


def sign_in(browser: Page, path: str) -> None:
    browser.expect_refusal("/v1/session", 401)  # the panel asks whether this browser is signed in
    browser.open(path)
    browser.find("input[name=login]").send_keys("ada")
    browser.find("input[name=password]").send_keys(PASSWORD)
    browser.find("form.sign-in button[type=submit]").click()
    browser.find(".catalog")


def fill(browser: Page, css: str, text: str) -> Any:
    element = browser.find(css)
    element.clear()
    element.send_keys(text)
    return element


def save(browser: Page) -> None:
    browser.find("form.catalog-form button[type=submit]").click()


def heading(browser: Page) -> str:
    return str(browser.find(".catalog h2").text)


def day_row(day: str, week: int = 0) -> str:
    """The row of `day` in the first location's weekly hours, or in week `week` (1, 2, ...) of its rotation."""
    table = "fieldset.schedule .weekly-hours table.weekly" if week == 0 else \
        f"fieldset.schedule fieldset.rotation-week:nth-of-type({week}) table.weekly"
    return f"{table} tbody tr:nth-child({WEEKDAYS.index(day) + 1})"


def add_range(browser: Page, day: str, start: str, end: str, week: int = 0) -> None:
    row = day_row(day, week)
    count = len(browser.driver.find_elements("css selector", f"{row} .range"))
    browser.find(f"{row} td > .row-list > button").click()
    fill(browser, f"{row} .range:nth-child({count + 1}) input:nth-of-type(1)", start)
    fill(browser, f"{row} .range:nth-child({count + 1}) input:nth-of-type(2)", end)


def create(browser: Page, kind: str, id: str, name: str, more: Any = None) -> None:
    browser.open(f"/admin#/catalog?kind={kind}&new=1")
    fill(browser, "form.catalog-form input[name=id]", id)
    fill(browser, "form.catalog-form input[name=name]", name)
    if more:
        more()
    save(browser)
    browser.wait(lambda d: name in heading(browser), f"the new {kind} page of {id}")
    assert browser.find(".catalog .form-message").text == "Created."


def test_admin_builds_a_teacher_with_two_ranges_a_day_and_the_slots_offer_them(site: Site, browser: Page) -> None:
    from selenium.webdriver.support.ui import Select

    sign_in(browser, "/admin#/catalog?kind=locations")
    # An id a browser would read as a step in the path is refused at its field, before anything is sent.
    browser.open("/admin#/catalog?kind=locations&new=1")
    fill(browser, "form.catalog-form input[name=id]", "..")
    fill(browser, "form.catalog-form input[name=name]", "Dots")
    save(browser)
    note = browser.find("form.catalog-form .field-error[data-for=id]")
    assert note.text.startswith('An id cannot be "." or ".."')
    create(browser, "locations", "hall", "Main hall")
    create(browser, "services", "maths", "Maths", lambda: fill(browser, "input[name=duration]", "60"))
    assert "No resource provides it yet" in browser.find(".catalog-side").text

    def hours() -> None:
        Select(browser.find("select[data-field=timezone]")).select_by_value("America/New_York")
        browser.find(".schedule-editor > button.secondary").click()  # hours at a location: the hall
        assert Select(browser.find("fieldset.schedule select")).first_selected_option.get_attribute("value") == "hall"
        for day in ("mon", "sat", "sun"):
            add_range(browser, day, "09:00", "11:00")
            add_range(browser, day, "14:00", "16:00")
        breaks = "fieldset.schedule > h4:nth-of-type(1) + .row-list"  # the breaks, after the hours
        browser.find(f"{breaks} > button").click()
        fill(browser, f"{breaks} .range:nth-child(1) input:nth-of-type(1)", "15:00")
        fill(browser, f"{breaks} .range:nth-child(1) input:nth-of-type(2)", "15:30")
        browser.shot("teacher-hours")

    create(browser, "resources", "tess", "Tess Teacher", hours)
    box = browser.find("input[name=provides][value=maths]")
    assert not box.is_selected()
    box.click()
    browser.wait(lambda d: "Tess Teacher provides Maths (maths) now." in browser.find(".catalog-side .form-message").text)
    browser.shot("teacher-linked")

    teacher = site.admin.get("/v1/resources/tess")
    assert teacher["timezone"] == "America/New_York"
    assert teacher["services"] == ["maths"]
    assert teacher["schedules"][0]["location"] == "hall"
    assert teacher["schedules"][0]["weekly"]["mon"] == [["09:00", "11:00"], ["14:00", "16:00"]]
    assert teacher["schedules"][0]["breaks"] == [["15:00", "15:30"]]
    monday = next_monday()
    slots = site.admin.get("/v1/slots", service="maths", **{"from": utc(monday, "00:00", NEW_YORK),
                                                            "to": utc(monday, "23:59", NEW_YORK)})
    teaching = ["09:00", "10:00", "14:00"]  # 15:00 would run into the break
    assert [s["local_start"][11:16] for s in slots["slots"]] == teaching
    assert {s["resources"][0] for s in slots["slots"]} == {"tess"}

    browser.driver.set_window_size(390, 1100)  # a phone's width: nothing of the page sticks out
    browser.wait(lambda d: browser.script("return document.documentElement.clientWidth") < 400)
    assert browser.script("const c = document.querySelector('.catalog'); "
                          "return [...c.querySelectorAll('*')].filter((e) => e.getBoundingClientRect().right > "
                          "document.documentElement.clientWidth + 1).map((e) => e.outerHTML.slice(0, 80))") == []
    browser.shot("teacher-phone")
    browser.driver.set_window_size(1400, 1100)

    browser.open("/admin#/catalog?kind=services&id=maths")  # the service names its provider
    browser.wait(lambda d: "Tess Teacher (tess)" in browser.find(".catalog-side").text)

    # The calendar (the viewer in Berlin) shows them at the teacher's hours on
    # both sides of New York's clock change: the Saturday before, the Sunday of it.
    browser.open(calendar_url(SUNDAY, resources="tess"))
    wait_for_calendar(browser)
    assert "America/New_York" in browser.find("section[data-resource=tess] h2").text
    for day in (SATURDAY, SUNDAY):
        assert rows(browser, day, "sc-free", "tess") == teaching, day
    browser.shot("teacher-calendar-dst")


def test_a_refused_range_and_time_off_are_named_next_to_their_fields_and_nothing_is_written(
        site: Site, browser: Page) -> None:
    site.admin.send("PUT", "/v1/locations/studio", {"name": "Studio"}, 201)
    site.admin.send("PUT", "/v1/resources/rex", {
        "name": "Rex", "timezone": "Europe/Berlin",
        "schedules": [{"location": "studio", "weekly": {"tue": [["09:00", "12:00"], ["13:00", "17:00"]]}}]}, 201)
    before = site.admin.get("/v1/resources/rex")
    sign_in(browser, "/admin#/catalog?kind=resources&id=rex")
    end = fill(browser, f"{day_row('tue')} .range:nth-child(2) input:nth-of-type(2)", "25:00")
    browser.expect_refusal("/v1/resources/rex", 400)
    save(browser)
    note = browser.find(f"{day_row('tue')} .range:nth-child(2) .field-error")
    assert note.text == "local time 25:00 is out of range 00:00..24:00"
    assert note.get_attribute("data-for") == "schedules[0].weekly.tue[1][1]"
    assert end.get_attribute("aria-invalid") == "true"
    assert browser.script("return document.activeElement") == end
    assert "Not saved" in browser.find("form.catalog-form > .form-message").text
    assert site.admin.get("/v1/resources/rex") == before
    browser.shot("bad-range")

    # Time off ending before it starts: slotcraft's message at its end, and still nothing written.
    fill(browser, f"{day_row('tue')} .range:nth-child(2) input:nth-of-type(2)", "17:00")
    _, finish = add_time_off(browser, "2031-05-02T10:00", "2031-05-01T10:00")
    save(browser)
    note = browser.find("fieldset.time-off .field-error")
    assert (note.text, note.get_attribute("data-for")) == ("must be after start", "time_off[0].end")
    assert browser.driver.find_elements("css selector", "table.weekly .field-error") == []
    assert site.admin.get("/v1/resources/rex") == before
    browser.shot("bad-time-off")

    # Put right, it saves: the period in Berlin's wall time becomes UTC instants.
    browser.script("arguments[0].value = '2031-05-03T10:00';", finish)
    save(browser)
    browser.wait(lambda d: browser.find("form.catalog-form > .form-message").text == "Saved.")
    assert site.admin.get("/v1/resources/rex")["time_off"] == [
        {"start": "2031-05-02T08:00:00Z", "end": "2031-05-03T08:00:00Z"}]


def add_time_off(browser: Page, start: str, end: str) -> tuple[Any, Any]:
    """A period of time off typed as wall times in the resource's zone: its two inputs."""
    browser.find("fieldset.time-off button.secondary").click()
    start_input, end_input = browser.driver.find_elements("css selector", "fieldset.time-off input[type=datetime-local]")
    browser.script("arguments[0].value = arguments[2]; arguments[1].value = arguments[3];",
                   start_input, end_input, start, end)
    return start_input, end_input


def test_time_off_at_a_wall_time_the_clocks_skip_is_refused_at_its_field_and_nothing_is_written(
        site: Site, browser: Page) -> None:
    # 02:30 on 2026-03-29 does not exist in Berlin. The form moved it to 03:30 without a word; the API takes
    # instants only, so the form refuses it where it was typed instead of choosing one itself.
    site.admin.send("PUT", "/v1/resources/gap", {"name": "Gap", "timezone": "Europe/Berlin"}, 201)
    before = site.admin.get("/v1/resources/gap")
    sign_in(browser, "/admin#/catalog?kind=resources&id=gap")
    start, _ = add_time_off(browser, "2026-03-29T02:30", "2026-03-29T10:00")
    save(browser)
    note = browser.find("fieldset.time-off .field-error")
    assert note.get_attribute("data-for") == "time_off[0].start"
    assert note.text == ("02:30 on March 29, 2026 does not exist in Europe/Berlin: the clocks go from 02:00 straight "
                         "to 03:00. Give a time before or after the change.")
    assert start.get_attribute("aria-invalid") == "true" and browser.script("return document.activeElement") == start
    assert browser.find("form.catalog-form > .form-message").text == "Not saved: see the message at the field marked."
    assert site.admin.get("/v1/resources/gap") == before
    browser.shot("time-off-in-gap")

    # 03:00, the first time after the change, is saved as typed.
    browser.script("arguments[0].value = '2026-03-29T03:00';", start)
    save(browser)
    browser.wait(lambda d: browser.find("form.catalog-form > .form-message").text == "Saved.")
    assert site.admin.get("/v1/resources/gap")["time_off"] == [
        {"start": "2026-03-29T01:00:00Z", "end": "2026-03-29T08:00:00Z"}]


def test_time_off_at_a_wall_time_the_clocks_pass_twice_is_the_instant_slotcraft_gives_it(
        site: Site, browser: Page) -> None:
    # 02:30 on 2026-10-25 happens twice in Berlin; slotcraft (SPEC §1) takes the earlier, 00:30Z. The form took
    # the later (Luxon's choice), an hour off from what the server makes of the same wall time.
    site.admin.send("PUT", "/v1/resources/overlap", {"name": "Overlap", "timezone": "Europe/Berlin"}, 201)
    sign_in(browser, "/admin#/catalog?kind=resources&id=overlap")
    add_time_off(browser, "2026-10-25T02:30", "2026-10-25T10:00")
    save(browser)
    browser.wait(lambda d: browser.find("form.catalog-form > .form-message").text == "Saved.")
    berlin = sc.Zone("Europe/Berlin")
    assert site.admin.get("/v1/resources/overlap")["time_off"] == [
        {"start": sc.format_instant(berlin.to_utc(date(2026, 10, 25), time(2, 30))),
         "end": sc.format_instant(berlin.to_utc(date(2026, 10, 25), time(10, 0)))}]
    assert site.admin.get("/v1/resources/overlap")["time_off"][0]["start"] == "2026-10-25T00:30:00Z"


def test_a_date_given_its_own_hours_twice_is_refused_at_that_date_and_nothing_is_written(
        site: Site, browser: Page) -> None:
    site.admin.send("PUT", "/v1/locations/wing", {"name": "Wing"}, 201)
    site.admin.send("PUT", "/v1/resources/dot", {
        "name": "Dot", "timezone": "Europe/Berlin",
        "schedules": [{"location": "wing", "weekly": {"wed": [["09:00", "17:00"]]},
                       "overrides": {"2031-05-07": []}}]}, 201)
    before = site.admin.get("/v1/resources/dot")
    sign_in(browser, "/admin#/catalog?kind=resources&id=dot")
    (row,) = browser.driver.find_elements("css selector", "div.override")
    add = browser.script("return arguments[0].closest('.row-list').querySelector(':scope > button')", row)
    add.click()
    second = browser.driver.find_elements("css selector", "div.override")[1]
    browser.script("arguments[0].value = '2031-05-07'", second.find_element("css selector", "input[type=date]"))
    save(browser)
    note = browser.find("div.override .field-error")
    assert (note.text, note.get_attribute("data-for")) == (
        "this date has its own hours in another row already", "schedules[0].overrides.2031-05-07")
    assert "Not saved" in browser.find("form.catalog-form > .form-message").text
    assert site.admin.get("/v1/resources/dot") == before
    browser.shot("date-twice")


def test_a_rotating_schedule_is_edited_week_by_week_and_a_weekly_one_becomes_a_rotation(
        site: Site, browser: Page) -> None:
    # SPEC §9: the form shows a rotation's anchor and weeks, edits them, and saves them back.
    from selenium.webdriver.support.ui import Select

    rotation = {"anchor": "2031-03-05", "weeks": [{"mon": [["09:00", "12:00"]]}, {}]}
    site.admin.send("PUT", "/v1/locations/loft", {"name": "Loft"}, 201)
    site.admin.send("PUT", "/v1/resources/rota", {
        "name": "Rota", "timezone": "Europe/Berlin", "schedules": [{"location": "loft", "rotation": rotation}]}, 201)
    sign_in(browser, "/admin#/catalog?kind=resources&id=rota")
    pattern = Select(browser.find("fieldset.schedule select[name=pattern]"))
    assert pattern.first_selected_option.get_attribute("value") == "rotation"
    assert browser.find("fieldset.schedule input[name=anchor]").get_attribute("value") == "2031-03-05"
    assert len(browser.driver.find_elements("css selector", "fieldset.schedule fieldset.rotation-week")) == 2
    assert not browser.driver.find_element("css selector", "fieldset.schedule .weekly-hours").is_displayed()
    add_range(browser, "tue", "10:00", "12:00", week=2)
    browser.find(day_row("tue", week=2)).location_once_scrolled_into_view
    browser.shot("rotation-weeks")
    fill(browser, "form.catalog-form input[name=name]", "Rota Two")
    save(browser)
    browser.wait(lambda d: browser.find("form.catalog-form > .form-message").text == "Saved.")
    saved = site.admin.get("/v1/resources/rota")
    assert saved["name"] == "Rota Two" and "weekly" not in saved["schedules"][0]
    weeks = saved["schedules"][0]["rotation"]["weeks"]
    assert saved["schedules"][0]["rotation"]["anchor"] == "2031-03-05" and len(weeks) == 2
    assert weeks[0]["mon"] == [["09:00", "12:00"]] and weeks[1]["tue"] == [["10:00", "12:00"]] and weeks[1]["mon"] == []

    # Back to the same hours every week: the weekly table is saved, the rotation goes.
    Select(browser.find("fieldset.schedule select[name=pattern]")).select_by_value("weekly")
    add_range(browser, "wed", "08:00", "09:00")
    save(browser)
    browser.wait(lambda d: "rotation" not in site.admin.get("/v1/resources/rota")["schedules"][0], "the rotation gone")
    assert site.admin.get("/v1/resources/rota")["schedules"][0]["weekly"]["wed"] == [["08:00", "09:00"]]


def test_a_services_limits_and_assignment_are_shown_edited_and_kept_on_save(site: Site, browser: Page) -> None:
    # SPEC §11 and §12: the form holds every limit, the strategy, and the weights and priorities as "id number" pairs.
    from selenium.webdriver.support.ui import Select

    site.admin.send("PUT", "/v1/resources/lex", {"name": "Lex", "timezone": "Europe/Berlin"}, 201)
    site.admin.send("PUT", "/v1/resources/mia", {"name": "Mia", "timezone": "Europe/Berlin"}, 201)
    for room in ("room-a", "room-b"):
        site.admin.send("PUT", f"/v1/resources/{room}", {"name": room, "timezone": "Europe/Berlin"}, 201)
    site.admin.send("PUT", "/v1/services/lesson", {"name": "Lesson", "duration": 45, "max_seats_per_client": 1,
                                                   "assign": {"strategy": "weighted", "weights": {"lex": 3}},
                                                   "pools": [{"id": "room", "resources": ["room-a"]}]}, 201)
    sign_in(browser, "/admin#/catalog?kind=services&id=lesson")
    assert browser.find("form.catalog-form input[name=max_seats_per_client]").get_attribute("value") == "1"
    # SPEC §10: the pools show one a line and are edited there.
    assert browser.find("form.catalog-form textarea[name=pools]").get_attribute("value") == "room: room-a"
    fill(browser, "form.catalog-form textarea[name=pools]", "room: room-a, room-b")
    browser.shot("service-pools")
    strategy = Select(browser.find("form.catalog-form select[name=assign]"))
    assert strategy.first_selected_option.get_attribute("value") == "weighted"
    assert browser.find("form.catalog-form input[name=weights]").get_attribute("value") == "lex 3"
    assert browser.find("form.catalog-form input[name=priorities]").get_attribute("value") == ""
    strategy.select_by_value("priority")
    fill(browser, "form.catalog-form input[name=weights]", "lex 3, mia: 0")
    fill(browser, "form.catalog-form input[name=priorities]", "mia 2, lex=1")
    fill(browser, "form.catalog-form input[name=max_per_client_per_week]", "2")
    fill(browser, "form.catalog-form input[name=name]", "Lesson, 45 min")
    browser.shot("service-assignment")
    save(browser)
    browser.wait(lambda d: browser.find("form.catalog-form > .form-message").text == "Saved.")
    saved = site.admin.get("/v1/services/lesson")
    assert saved["name"] == "Lesson, 45 min"
    assert (saved["max_per_client_per_day"], saved["max_per_client_per_week"], saved["max_seats_per_client"]) == (0, 2, 1)
    assert saved["assign"] == {"strategy": "priority", "weights": {"lex": 3, "mia": 0}, "priorities": {"mia": 2, "lex": 1}}
    assert saved["pools"] == [{"id": "room", "resources": ["room-a", "room-b"]}]

    # A pair without a whole number, or a negative one, is refused at the field naming its resource, and
    # nothing is saved.
    browser.expect_refusal("/v1/services/lesson", 400)
    for typed, message in (("mia two", '"mia": must be a whole number'), ("lex -1", '"lex": must not be negative')):
        fill(browser, "form.catalog-form input[name=priorities]", typed)
        save(browser)
        shown = "form.catalog-form .field-error[data-for^='assign.priorities']"
        browser.wait(lambda d: message in browser.find(shown).text, f"no error saying {message!r} at the priorities")
        assert browser.find("form.catalog-form input[name=priorities]").get_attribute("aria-invalid") == "true"
        assert site.admin.get("/v1/services/lesson")["assign"]["priorities"] == {"mia": 2, "lex": 1}

    # A resource named twice is refused at the field before anything is sent: an object would keep the last.
    # The id, as typed, is isolated in the sentence (U+2068 ... U+2069) like every text people type.
    fill(browser, "form.catalog-form input[name=priorities]", "lex 1, mia 2, lex 5")
    save(browser)
    shown = "form.catalog-form .field-error[data-for='assign.priorities.lex']"
    browser.wait(lambda d: browser.find(shown).text == "\u2068lex\u2069 is given twice", "no error at the priorities")
    assert "Not saved" in browser.find("form.catalog-form > .form-message").text
    assert site.admin.get("/v1/services/lesson")["assign"]["priorities"] == {"mia": 2, "lex": 1}


def test_text_that_is_not_a_number_in_a_number_field_is_refused_there_and_nothing_is_sent(
        site: Site, browser: Page) -> None:
    # The browser keeps what it cannot read as a number out of the input's value ("" with validity.badInput):
    # sent as empty, the server said "is required" of the duration, and a step was silently left out.
    site.admin.send("PUT", "/v1/services/drill", {"name": "Drill", "duration": 30, "step": 15}, 201)
    before = site.admin.get("/v1/services/drill")
    sign_in(browser, "/admin#/catalog?kind=services&id=drill")
    for name in ("duration", "step"):
        typed = fill(browser, f"form.catalog-form input[name={name}]", "4e")  # Chromium lets only digits, e and signs in
        assert browser.script("return arguments[0].validity.badInput", typed)
        save(browser)
        note = browser.find(f"form.catalog-form .field-error[data-for='{name}']")
        assert note.text == "must be a whole number"
        assert typed.get_attribute("aria-invalid") == "true" and browser.script("return document.activeElement") == typed
        assert browser.find("form.catalog-form > .form-message").text == "Not saved: see the message at the field marked."
        assert site.admin.get("/v1/services/drill") == before
        fill(browser, f"form.catalog-form input[name={name}]", str(before[name]))
    browser.shot("not-a-number")


def archive(browser: Page) -> None:
    browser.find(".catalog-side button.danger").click()
    dialog = browser.find("dialog[open]")
    assert browser.script("return document.activeElement.textContent") == "Keep it"
    dialog.find_element("css selector", "button.danger").click()


def test_archiving_is_refused_while_a_booking_is_to_come_and_otherwise_archives_and_restores(
        site: Site, browser: Page) -> None:
    site.admin.send("PUT", "/v1/locations/annex", {"name": "Annex"}, 201)
    site.admin.send("PUT", "/v1/services/yoga", {"name": "Yoga", "duration": 60}, 201)
    for resource in ("busy", "idle"):
        site.admin.send("PUT", f"/v1/resources/{resource}", {
            "name": resource.title(), "timezone": "Europe/Berlin",
            "schedules": [{"location": "annex", "weekly": EVERY_DAY}]}, 201)
    site.admin.send("PUT", "/v1/resources/busy/services/yoga")
    site.admin.send("PUT", "/v1/clients/c1", {"name": "Cleo"}, 201)
    monday = next_monday()
    site.admin.send("POST", "/v1/bookings", {"resource": "busy", "service": "yoga", "client": "c1",
                                             "start": utc(monday, "10:00")}, 201)

    sign_in(browser, "/admin#/catalog?kind=resources&id=busy")
    browser.expect_refusal("/v1/resources/busy/archive", 409)
    archive(browser)
    refusal = browser.find(".archive-problem [role=alert]")
    assert refusal.text.startswith("Not archived: ")
    assert site.admin.get("/v1/resources/busy")["archived"] is False
    browser.shot("archive-refused")

    browser.open("/admin#/catalog?kind=resources&id=idle")
    browser.wait(lambda d: "Idle" in heading(browser))
    archive(browser)
    browser.wait(lambda d: "archived" in heading(browser), "the page shows it archived")
    assert browser.find("form.catalog-form > .form-message").text == "Archived."
    assert site.admin.get("/v1/resources/idle")["archived"] is True
    browser.shot("archived")

    browser.open("/admin#/catalog?kind=resources")
    browser.find("table.catalog-list")
    listed = "return [...document.querySelectorAll('table.catalog-list tbody tr')].map((r) => r.dataset.id)"
    assert "idle" not in browser.script(listed)
    browser.find("input[name=archived]").click()
    browser.wait(lambda d: "idle" in browser.script(listed), "the switch lists archived ones")
    assert browser.script("return location.hash") == "#/catalog?kind=resources&archived=1"
    browser.find("tr[data-id=idle] a").click()
    browser.find(".catalog-side button.secondary").click()  # Restore
    browser.wait(lambda d: browser.find("form.catalog-form > .form-message").text == "Restored: in use again.")
    assert site.admin.get("/v1/resources/idle")["archived"] is False


def test_in_russian_a_client_is_made_and_a_taken_messenger_account_is_named_at_its_field(site: Site) -> None:
    from selenium.webdriver.support.ui import Select

    site.admin.send("PUT", "/v1/clients/olga", {"name": "Ольга", "identities": [
        {"network": "telegram", "external_id": "777"}]}, 201)
    with page(site.base, "catalog_russian", time_zone=VIEWER_ZONE, language="ru-RU") as browser:
        sign_in(browser, "/admin#/catalog?kind=resources&new=1")
        assert browser.find("main h1").text == "Каталог"
        tabs = browser.script("return [...document.querySelectorAll('.catalog-tabs a')].map((a) => a.textContent)")
        assert tabs == ["Места", "Ресурсы", "Услуги", "Клиенты"]
        assert heading(browser) == "Новый ресурс"
        assert browser.find(".schedule-editor label").text == "Часовой пояс"
        assert browser.find(".schedule-editor > button.secondary").text == "Добавить часы в месте"
        assert browser.find("form.catalog-form button[type=submit]").text == "Сохранить"
        browser.shot("resource-ru")

        browser.open("/admin#/catalog?kind=clients&new=1")
        browser.wait(lambda d: heading(browser) == "Новый клиент")
        fill(browser, "input[name=id]", "oleg")
        fill(browser, "input[name=name]", "Олег")
        browser.find("form.catalog-form fieldset > button.secondary").click()  # Добавить аккаунт
        row = browser.find(".identity")
        assert row.find_element("css selector", "label").text == "Мессенджер 1"
        Select(row.find_element("css selector", "select")).select_by_value("telegram")
        row.find_element("css selector", "input").send_keys("777")
        browser.expect_refusal("/v1/clients/oleg", 409)
        save(browser)
        note = browser.find(".identity .field-error")
        assert note.text == 'already linked to client "olga"'
        assert note.get_attribute("data-for") == "identities[0]"
        assert browser.find("form.catalog-form > .form-message").text.startswith("Не сохранено")
        assert site.admin.http.get("/v1/clients/oleg").status_code == 404
        browser.shot("identity-taken-ru")

        row.find_element("css selector", "input").clear()
        row.find_element("css selector", "input").send_keys("778")
        save(browser)
        browser.wait(lambda d: heading(browser) == "Изменить: Олег")
        assert site.admin.get("/v1/clients/oleg")["identities"] == [{"network": "telegram", "external_id": "778"}]
        browser.open("/admin#/catalog?kind=clients")
        browser.wait(lambda d: "Telegram 778" in browser.find("table.catalog-list").text)
