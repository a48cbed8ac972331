"""The admin panel's settings, audit log, users and keys, and webhooks pages in
headless Chromium against the server started as a process on a SQLite file;
webhooks go to a receiver on 127.0.0.1, sent by the server's `webhooks
deliver --once` on the same file. Screenshots: browser.screenshot_dir()."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from slotcraft.server.webhooks import verify

from .browser import PASSWORD, Page, Session, create_user, missing_browser, page, utc_instant
from .receiver import Receiver, running_receiver
from .test_http_process import SERVER, serving

pytestmark = pytest.mark.skipif(bool(missing_browser()), reason=missing_browser() or "browser tests can run")

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = date.today() + timedelta(days=7 - date.today().weekday() + 7)  # a Monday one to two weeks ahead


def instant(day: date, hhmm: str) -> str:
    return utc_instant(day, hhmm, BERLIN)


@dataclass
class Site:
    base: str
    db: Path
    admin: Session


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The server on a SQLite file with an admin (from the `users` command), a
    resource anna in Berlin with hours every day, a service and a client."""
    folder = tmp_path_factory.mktemp("admin_pages")
    db = folder / "club.sqlite"
    create_user(db, "ada", "admin")
    with serving(db, folder / "server.log") as base:
        admin = Session(base, "ada")
        every_day = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
        admin.send("PUT", "/v1/locations/salon", {"name": "Salon"}, 201)
        admin.send("PUT", "/v1/resources/anna", {"name": "Anna", "timezone": "Europe/Berlin",
                                                 "schedules": [{"location": "salon", "weekly": every_day}]}, 201)
        admin.send("PUT", "/v1/services/cut", {"name": "Cut", "duration": 30}, 201)
        admin.send("PUT", "/v1/resources/anna/services/cut")
        admin.send("PUT", "/v1/clients/c1", {"name": "Client One"}, 201)
        yield Site(base, db, admin)
        admin.close()


@pytest.fixture
def browser(site: Site, request: pytest.FixtureRequest) -> Iterator[Page]:
    with page(site.base, request.node.name.removeprefix("test_"), time_zone="Europe/Berlin") as opened:
        yield opened


def sign_in(browser: Page, path: str, ready: str, login: str = "ada") -> None:
    """Signed in as `login` (the admin) on `path`, once `ready` (a CSS selector) is on the page."""
    browser.expect_refusal("/v1/session", 401)  # the panel asks whether this browser is signed in
    browser.open(path)
    browser.find("input[name=login]").send_keys(login)
    browser.find("input[name=password]").send_keys(PASSWORD)
    browser.find("form.sign-in button[type=submit]").click()
    browser.find(ready)


def confirm(browser: Page) -> None:
    """Presses the dialog's destructive answer (the safe one has the focus)."""
    assert "secondary" in browser.script("return document.activeElement.className")
    browser.find("dialog[open] button.danger").click()
    browser.gone("dialog[open]")


def book(site: Site, hhmm: str) -> dict[str, Any]:
    booked: dict[str, Any] = site.admin.send("POST", "/v1/bookings", {
        "resource": "anna", "service": "cut", "start": instant(MONDAY, hhmm), "client": "c1"}, 201)
    return booked


# ---- settings ----


def test_settings_reminders_and_a_break_are_saved_and_an_unreadable_break_is_named_next_to_it(
        site: Site, browser: Page) -> None:
    before = site.admin.get("/v1/settings")
    try:
        sign_in(browser, "/admin#/settings", "form.settings-form")
        form = browser.find("form.settings-form")
        add_reminder, add_break = (browser.find(f"form.settings-form fieldset:nth-of-type({n}) > div > button")
                                   for n in (1, 2))
        add_reminder.click()
        browser.find("#reminder-0").send_keys("60")
        add_reminder.click()
        browser.find("#reminder-1").send_keys("1440")
        add_break.click()
        browser.script("arguments[0].value = '12:00'; arguments[1].value = '13:00';",
                       browser.find("#break-0-from"), browser.find("#break-0-to"))
        form.find_element("css selector", "button[type=submit]").click()
        browser.wait(lambda d: form.find_element("css selector", ".form-message").text == "Settings saved.")
        saved = site.admin.get("/v1/settings")
        assert (saved["reminder_offsets"], saved["global_breaks"]) == ([60, 1440], [["12:00", "13:00"]])
        browser.shot("saved")

        # A break without its end: slotcraft's message under that break's end, nothing saved.
        browser.script("arguments[0].value = '';", browser.find("#break-0-to"))
        browser.find("#reminder-1").clear()
        browser.find("#reminder-1").send_keys("30")
        browser.expect_refusal("/v1/settings", 400)
        form.find_element("css selector", "button[type=submit]").click()
        note = browser.find("#break-0-to-error")
        assert note.text == 'expected a local time HH:MM, got ""'
        assert browser.find("#break-0-to").get_attribute("aria-invalid") == "true"
        assert browser.script("return document.activeElement.id") == "break-0-to"
        assert site.admin.get("/v1/settings") == saved
        browser.shot("break-refused")

        # An end before the start is a break overnight (slotcraft's rule), which the page says.
        end = browser.find("#break-0-to")
        browser.script("arguments[0].value = '02:00'; arguments[0].dispatchEvent(new Event('input'));", end)
        assert browser.find(".settings-form .overnight").text == "Ends the next day: an overnight break."
    finally:
        site.admin.send("PUT", "/v1/settings", before)


def test_text_that_is_not_a_number_in_a_settings_number_field_is_refused_there_in_the_panels_language(
        site: Site) -> None:
    # What the browser cannot read as a number leaves the input's value "" (validity.badInput): a reminder was sent
    # as 0 ("must be more than 0 minutes") and a default step left out, which saved the settings without it.
    before = site.admin.get("/v1/settings")
    site.admin.send("PUT", "/v1/settings", {**before, "reminder_offsets": [60], "default_step": 15})
    saved = site.admin.get("/v1/settings")
    try:
        with page(site.base, "settings_not_a_number", time_zone="Europe/Berlin", language="ru-RU") as browser:
            sign_in(browser, "/admin#/settings", "form.settings-form")
            form = browser.find("form.settings-form")
            step = browser.find("input[data-field=default_step]")
            for typed, field in ((browser.find("#reminder-0"), "reminder_offsets[0]"), (step, "default_step")):
                typed.clear()
                typed.send_keys("1e")  # Chromium lets only digits, e and signs in
                form.find_element("css selector", "button[type=submit]").click()
                note = browser.find(f"#{typed.get_attribute('id')}-error")
                assert note.text == "нужно целое число"
                assert typed.get_attribute("aria-invalid") == "true"
                assert browser.script("return document.activeElement") == typed
                assert browser.script("return arguments[0].dataset.field", typed) == field
                assert site.admin.get("/v1/settings") == saved
                browser.shot(field)
                typed.clear()
                typed.send_keys("60" if field.startswith("reminder") else "15")
    finally:
        site.admin.send("PUT", "/v1/settings", before)


# ---- users and keys ----


def test_an_invited_user_signs_in_is_disabled_and_a_key_works_until_revoked(site: Site, browser: Page) -> None:
    from selenium.webdriver.support.ui import Select

    sign_in(browser, "/admin#/users", "form.invite-form")
    form = browser.find("form.invite-form")
    form.find_element("css selector", "input[name=login]").send_keys("sam")
    form.find_element("css selector", "input[name=name]").send_keys("Sam Staff")
    Select(form.find_element("css selector", "select[name=role]")).select_by_value("staff")
    Select(form.find_element("css selector", "select[name=resource]")).select_by_value("anna")
    form.find_element("css selector", "button[type=submit]").click()
    secret = browser.find(".shown-once input.secret-text")
    link = secret.get_attribute("value")
    assert link.startswith(f"{site.base}/admin") and "#/accept?token=" in link
    assert browser.script("return document.activeElement") == secret
    assert "cannot be shown again" in browser.find(".shown-once").text
    row = browser.find("tr[data-login=sam]")
    assert row.get_attribute("data-status") == "invited"
    browser.shot("invited")

    # The same login again: the API's refusal sits next to the login.
    form.find_element("css selector", "input[name=login]").send_keys("sam")
    form.find_element("css selector", "input[name=name]").send_keys("Sam Two")
    browser.expect_refusal("/v1/users", 409)
    form.find_element("css selector", "button[type=submit]").click()
    assert "sam" in browser.find("form.invite-form .field-error").text
    assert browser.script("return document.activeElement.name") == "login"

    accept_the_invite_in_another_browser(site, link, "sam")
    sam = Session(site.base, "sam")
    try:
        assert sam.get("/v1/session")["user"]["role"] == "staff"
        browser.open("/admin#/users?status=active")
        browser.find("tr[data-login=sam][data-status=active]")
        assert browser.find("select[name=status]").get_attribute("value") == "active"
        assert browser.script("return document.querySelectorAll('tr[data-status=invited]').length") == 0

        browser.find("tr[data-login=sam] button.danger").click()  # Disable…
        assert "sessions end" in browser.find("dialog[open]").text
        confirm(browser)
        browser.wait(lambda d: "sam is disabled." in browser.find(".users > .form-message").text)
        assert sam.http.get("/v1/session").status_code == 401
        assert site.admin.get("/v1/users", status="disabled")["users"][0]["login"] == "sam"
    finally:
        sam.close()

    # A worker key: its text is shown once and works as a Bearer key, until revoked.
    browser.open("/admin#/users")
    keys = browser.find("form.key-form")
    keys.find_element("css selector", "input[name=name]").send_keys("reminder robot")
    keys.find_element("css selector", "button[type=submit]").click()
    text = browser.find(".shown-once input.secret-text").get_attribute("value")
    assert text.startswith("sck_")
    bearer = {"Authorization": f"Bearer {text}"}
    assert httpx.get(f"{site.base}/v1/audit", headers=bearer, params={"limit": 1}).status_code == 200
    browser.driver.set_window_size(390, 900)
    browser.shot("key-made-phone")
    browser.driver.set_window_size(1280, 1000)
    key_id = text.split("_")[1]
    browser.find(f"tr[data-key='{key_id}'] button.danger").click()
    confirm(browser)
    browser.find(f"tr[data-key='{key_id}'][data-revoked=true]")
    assert httpx.get(f"{site.base}/v1/audit", headers=bearer, params={"limit": 1}).status_code == 401
    browser.shot("key-revoked")


def accept_the_invite_in_another_browser(site: Site, link: str, login: str) -> None:
    """The invited person opens the link in their own browser (in Russian), sets
    their password through the page (refused when short or mistyped, next to the
    field), signs in, and finds the link used up."""
    from selenium.webdriver.common.keys import Keys

    with page(site.base, "invite-accepted", time_zone="Asia/Tokyo", language="ru-RU") as invited:
        invited.expect_refusal("/v1/session", 401)
        invited.open(link.removeprefix(site.base))
        form = invited.find("form.accept-invite")
        assert invited.find("#accept-title").text == "Задайте пароль"
        assert invited.script("return document.activeElement.name") == "password"
        password = form.find_element("css selector", "input[name=password]")
        repeat = form.find_element("css selector", "input[name=repeat]")
        password.send_keys("short")
        repeat.send_keys("short")
        invited.expect_refusal("/v1/invites/accept", 400)
        form.find_element("css selector", "button[type=submit]").click()
        assert "10" in invited.find(f"#{password.get_attribute('id')}-error").text
        assert password.get_attribute("aria-invalid") == "true"
        password.clear()
        password.send_keys(PASSWORD)
        repeat.clear()
        repeat.send_keys(PASSWORD + "x")
        form.find_element("css selector", "button[type=submit]").click()
        assert invited.find(f"#{repeat.get_attribute('id')}-error").text == "Пароли не совпадают."
        assert invited.script("return document.activeElement.name") == "repeat"
        repeat.clear()
        repeat.send_keys(PASSWORD)
        invited.shot("filled")
        repeat.send_keys(Keys.ENTER)
        invited.wait(lambda d: invited.find("form.sign-in .form-message").text == f"Пароль задан, {login}: войдите с ним.")
        assert invited.find("input[name=login]").get_attribute("value") == login
        assert invited.script("return document.activeElement.name") == "password"
        assert "token" not in invited.driver.current_url
        invited.find("input[name=password]").send_keys(PASSWORD + Keys.ENTER)
        invited.find("nav a[href='#/calendar']")
        invited.shot("signed-in")
        # The link works once.
        invited.expect_refusal("/v1/invites/accept", 404)
        invited.open(link.removeprefix(site.base))
        used = invited.find("form.accept-invite")
        used.find_element("css selector", "input[name=password]").send_keys(PASSWORD)
        used.find_element("css selector", "input[name=repeat]").send_keys(PASSWORD + Keys.ENTER)
        invited.wait(lambda d: "уже использовано" in invited.find("form.accept-invite .form-message").text)


def test_a_signed_in_user_changes_their_own_password_from_the_header(site: Site, browser: Page) -> None:
    invited = site.admin.send("POST", "/v1/users", {"login": "bea", "name": "Bea", "role": "staff", "resource": "anna"}, 201)
    accepted = httpx.post(f"{site.base}/v1/invites/accept", json={"token": invited["invite"]["token"], "password": PASSWORD})
    assert accepted.status_code == 200, accepted.text
    sign_in(browser, "/admin#/calendar", "button.password-open", login="bea")
    browser.find("button.password-open").click()
    dialog = browser.find("dialog[open] form.password-form")
    dialog.find_element("css selector", "input[name=password]").send_keys("not my password")
    dialog.find_element("css selector", "input[name=new_password]").send_keys("a brand new secret")
    browser.expect_refusal("/v1/session/password", 403)
    dialog.find_element("css selector", "button[type=submit]").click()
    assert browser.find("dialog[open] .field-error").text == "the current password is wrong"
    assert browser.script("return document.activeElement.name") == "password"
    browser.shot("wrong-current")

    dialog.find_element("css selector", "input[name=password]").clear()
    dialog.find_element("css selector", "input[name=password]").send_keys(PASSWORD)
    dialog.find_element("css selector", "button[type=submit]").click()
    browser.gone("dialog[open]")
    assert "password is changed" in browser.find("#top .password-changed").text
    refused = httpx.post(f"{site.base}/v1/session", json={"login": "bea", "password": PASSWORD})
    assert refused.status_code == 401
    # The page goes on with the new CSRF token: a second change is accepted.
    browser.find("button.password-open").click()
    dialog = browser.find("dialog[open] form.password-form")
    dialog.find_element("css selector", "input[name=password]").send_keys("a brand new secret")
    dialog.find_element("css selector", "input[name=new_password]").send_keys("a second new secret")
    dialog.find_element("css selector", "button[type=submit]").click()
    browser.gone("dialog[open]")
    signed_in = httpx.post(f"{site.base}/v1/session", json={"login": "bea", "password": "a second new secret"})
    assert signed_in.status_code == 200, signed_in.text


# ---- audit log ----


def test_the_audit_log_shows_changes_and_narrows_them_by_action(site: Site, browser: Page) -> None:
    before = site.admin.get("/v1/settings")
    site.admin.send("PUT", "/v1/settings", {**before, "reminder_offsets": [120]})
    booked = book(site, "15:00")
    site.admin.send("POST", f"/v1/bookings/{booked['id']}/cancel", {"reason": "ill"})
    site.admin.send("PUT", "/v1/settings", before)
    try:
        sign_in(browser, "/admin#/audit", "table.audit-table")
        assert browser.find("tr[data-action=book] td:nth-of-type(3)").text  # a booking's row, with its subject
        form = browser.find("form.audit-filters")
        form.find_element("css selector", "input[name=action]").send_keys("cancel")
        form.find_element("css selector", "button[type=submit]").click()
        browser.wait(lambda d: browser.script("return location.hash") == "#/audit?action=cancel")
        browser.wait(lambda d: browser.script(
            "const rows = [...document.querySelectorAll('table.audit-table tbody tr')];"
            "return rows.length > 0 && rows.every((r) => r.dataset.action === 'cancel')"), "only cancellations")
        rows = browser.driver.find_elements("css selector", "table.audit-table tbody tr")
        listed = site.admin.get("/v1/audit", action="cancel", limit=1000)["entries"]
        assert len(rows) == len(listed) >= 1
        cancel = browser.find(f"tr[data-sequence='{listed[-1]['sequence']}']")
        assert cancel.find_element("css selector", "td:nth-of-type(1)").text == "user:ada"
        assert 'status: "confirmed" → "cancelled"' in cancel.text  # the diff names the field changed
        browser.shot("cancel-only")

        browser.open("/admin#/audit?action=save_settings&subject=settings")
        browser.wait(lambda d: "reminder_offsets: [] → [120]" in browser.find("table.audit-table").text
                     or "→ [120]" in browser.find("table.audit-table").text)
        browser.shot("settings-changes")
    finally:
        site.admin.send("PUT", "/v1/settings", before)


# ---- webhooks ----


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as found:
        yield found


def deliver_once(site: Site) -> None:
    sent = subprocess.run([*SERVER, "webhooks", "deliver", "--db", str(site.db), "--once"],
                          capture_output=True, text=True, timeout=60)
    assert sent.returncode == 0, sent.stderr


def test_a_subscription_gets_a_booking_and_its_delivery_is_logged_and_sent_again(
        site: Site, browser: Page, receiver: Receiver) -> None:
    sign_in(browser, "/admin#/webhooks", "form.webhook-form")
    form = browser.find("form.webhook-form")
    browser.expect_refusal("/v1/webhooks", 400)
    form.find_element("css selector", "input[name=url]").send_keys(receiver.url)
    form.find_element("css selector", "button[type=submit]").click()  # no event ticked
    assert "name at least one event" in browser.find("form.webhook-form .field-error").text
    form.find_element("css selector", "input[value='booking.created']").click()
    form.find_element("css selector", "input[name=description]").send_keys("the test receiver")
    form.find_element("css selector", "button[type=submit]").click()
    secret = browser.find(".shown-once input.secret-text").get_attribute("value")
    row = browser.find("tr[data-webhook]")
    webhook = row.get_attribute("data-webhook")
    assert receiver.url in row.text and "booking.created" in row.text
    browser.shot("subscribed")

    booked = book(site, "10:00")
    deliver_once(site)
    sent = receiver.wait_for(1)
    assert len(sent) == 1
    assert verify(secret, sent[0].headers, sent[0].body)
    assert sent[0].event["data"]["booking"]["id"] == booked["id"]

    row.find_element("css selector", "a").click()  # the delivery log
    delivery = browser.find("tr[data-delivery][data-status=delivered]")
    assert "booking.created" in delivery.text and "delivered" in delivery.text
    delivery.find_element("css selector", "button").click()  # Attempts…
    dialog = browser.find("dialog[open]")
    assert dialog.find_element("css selector", "table.attempts-table tbody tr td:nth-of-type(2)").text == "204"
    browser.shot("attempts")
    dialog.find_element("css selector", "button.secondary").click()
    browser.gone("dialog[open]")

    browser.find("tr[data-delivery] .row-actions button:nth-of-type(2)").click()  # Send again
    browser.find("tr[data-delivery][data-status=pending]")
    deliver_once(site)
    again = receiver.wait_for(2)
    assert len(again) == 2
    assert again[1].headers["slotcraft-delivery"] == sent[0].headers["slotcraft-delivery"]

    from selenium.webdriver.support.ui import Select
    Select(browser.find("select[name=status]")).select_by_value("delivered")
    browser.find("form[role=search] button[type=submit]").click()
    browser.wait(lambda d: "status=delivered" in browser.script("return location.hash"))
    assert browser.find("tr[data-delivery]").get_attribute("data-status") == "delivered"
    browser.shot("delivered-again")

    browser.open("/admin#/webhooks")
    browser.find(f"tr[data-webhook='{webhook}'] button.danger").click()
    confirm(browser)
    browser.wait(lambda d: "stopped" in browser.find(f"tr[data-webhook='{webhook}']").text)
    assert site.admin.get(f"/v1/webhooks/{webhook}")["disabled_at"]


# ---- keyboard ----

# Every control a mouse could use: visible, enabled, in no closed <details>.
CONTROLS = """
const seen = (e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
const controls = [...document.querySelectorAll(
    '#main button, #main input:not([type=hidden]), #main select, #main textarea, #main a[href], #main summary,'
    + ' #main [role=button], #main [onclick]')].filter((e) => !e.disabled && seen(e));
// A radio group is one Tab stop (arrow keys move inside it), so a group counts once.
const groups = new Set();
return controls.filter((e) => {
  if (e.type !== 'radio') return true;
  if (groups.has(e.name)) return false;
  groups.add(e.name);
  return true;
});
"""

REACHED = """
return [...document.querySelectorAll('[data-tab-reached]')].concat(
    [...document.querySelectorAll('input[type=radio][data-tab-reached]')].flatMap(
        (r) => [...document.querySelectorAll(`input[type=radio][name="${r.name}"]`)]));
"""


@pytest.mark.parametrize("page_name", ["calendar", "bookings", "reports", "catalog", "settings", "audit", "users",
                                       "webhooks"])
def test_tab_alone_reaches_every_control_on_each_page(site: Site, browser: Page, page_name: str) -> None:
    """Pressing Tab from the top of the page visits every visible button, field,
    link and toggle of the page (FullCalendar's included): nothing needs a mouse."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    if not site.admin.get("/v1/bookings", **{"from": instant(MONDAY, "16:00"), "to": instant(MONDAY, "16:30")})["bookings"]:
        book(site, "16:00")  # the pages show a booking's controls too
    sign_in(browser, f"/admin#/{page_name}", "#main .page > *")
    browser.wait(lambda d: not browser.script("return !!document.querySelector('#main [aria-busy=true]')"))
    if page_name == "calendar":
        browser.find(".sc-free")
    browser.script("""
        document.addEventListener('focusin', (e) => e.target.setAttribute('data-tab-reached', ''));
        document.activeElement.blur();
        window.scrollTo(0, 0);""")
    controls = browser.script(CONTROLS)
    assert len(controls) > 3, "the page has its controls"
    presses = len(controls) + 40  # the header's links and buttons come first
    ActionChains(browser.driver).send_keys(Keys.TAB * presses).perform()
    reached = set(browser.script(REACHED))
    missed = [browser.script("return arguments[0].outerHTML.slice(0, 160)", c) for c in controls if c not in reached]
    assert missed == [], f"Tab does not reach these on #/{page_name}"
    browser.shot("tabbed")
