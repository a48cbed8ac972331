"""Real-browser tests of the server's pages: the server started as a process
on a SQLite file, users made with its `users` command, and headless Chromium
driven by Selenium (Debian's chromium, chromium-driver, python3-selenium).

A page fails its test on an error in the browser's console; network refusals
a scenario expects (a 409 for a refused move) are named by the test. Each
scenario saves screenshots under $SLOTCRAFT_SCREENSHOT_DIR, else
<repo>/build/screenshots.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import httpx

from .test_http_process import SERVER

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
PASSWORD = "correct horse battery"
WAIT_SECONDS = 10
T = TypeVar("T")


def missing_browser() -> str:
    """Why the browser tests cannot run here ('' when they can)."""
    for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not os.access(path, os.X_OK):
            return f"{path} is not installed (Debian package {package}; scripts/test installs it)"
    if importlib.util.find_spec("selenium") is None:
        return "selenium is not installed (Debian package python3-selenium; scripts/test installs it)"
    return ""


def screenshot_dir() -> Path:
    default = Path(__file__).resolve().parents[3] / "build" / "screenshots"
    folder = Path(os.environ.get("SLOTCRAFT_SCREENSHOT_DIR") or default)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def create_user(db: Path, login: str, role: str, *, resource: str = "", client: str = "") -> None:
    """A user who can sign in with PASSWORD, made with the server's `users create` command."""
    made = subprocess.run(
        [*SERVER, "users", "create", "--db", str(db), "--login", login, "--role", role, "--name", login.title(),
         "--resource", resource, "--client", client, "--password-stdin"],
        input=PASSWORD + "\n", capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr


class Session:
    """The API as a browser's signed-in session: the cookie, and the CSRF token on unsafe requests."""

    def __init__(self, base: str, login: str) -> None:
        self.http = httpx.Client(base_url=base, timeout=10)
        signed_in = self.http.post("/v1/session", json={"login": login, "password": PASSWORD})
        assert signed_in.status_code == 200, signed_in.text
        self.http.headers["X-CSRF-Token"] = signed_in.json()["csrf_token"]

    def get(self, path: str, **params: Any) -> Any:
        answer = self.http.get(path, params=params)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def send(self, method: str, path: str, body: Any = None, status: int = 200) -> Any:
        answer = self.http.request(method, path, json=body)
        assert answer.status_code == status, answer.text
        return answer.json() if answer.content else None

    def close(self) -> None:
        self.http.close()


# Every form field with no <label> of its own (checked in the page).
UNLABELLED_FIELDS = """
return [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
  .filter((f) => f.labels.length === 0 || [...f.labels].every((l) => !l.textContent.trim()))
  .map((f) => f.outerHTML.slice(0, 120));
"""

NETWORK_REFUSAL = re.compile(r"^(\S+) - Failed to load resource: the server responded with a status of (\d+)")



def utc_instant(day: date, hhmm: str, zone: ZoneInfo) -> str:
    """The UTC instant of the wall time `hhmm` on `day` in `zone`, as the API writes it."""
    local = datetime.combine(day, time.fromisoformat(hhmm), tzinfo=zone)
    return local.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%SZ")

@dataclass
class Page:
    """One headless Chromium at the server's `base`: screenshots named after the
    scenario, and every console entry of the page kept for the end of the test."""

    driver: Any
    base: str
    scenario: str
    expected_refusals: set[tuple[str, int]] = field(default_factory=set)
    entries: list[dict[str, Any]] = field(default_factory=list)
    shots: int = 0

    def open(self, path: str) -> None:
        self.driver.get(self.base + path)

    def wait(self, condition: Callable[[Any], T], message: str = "", seconds: float = WAIT_SECONDS) -> T:
        """`condition(driver)` once it is true, tried again when the page redrew an element it held."""
        from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
        from selenium.webdriver.support.ui import WebDriverWait

        waiting = WebDriverWait(self.driver, seconds, poll_frequency=0.05,
                                ignored_exceptions=(NoSuchElementException, StaleElementReferenceException))
        found: T = waiting.until(condition, message)
        return found

    def find(self, css: str, seconds: float = WAIT_SECONDS) -> Any:
        """The first visible element matching `css`, once there is one."""
        from selenium.webdriver.common.by import By

        def visible(driver: Any) -> Any:
            return next((e for e in driver.find_elements(By.CSS_SELECTOR, css) if e.is_displayed()), False)

        return self.wait(visible, f"no visible {css}", seconds)

    def gone(self, css: str) -> None:
        from selenium.webdriver.common.by import By

        self.wait(lambda d: not any(e.is_displayed() for e in d.find_elements(By.CSS_SELECTOR, css)), f"{css} stays")

    def script(self, code: str, *args: Any) -> Any:
        return self.driver.execute_script(code, *args)

    def shot(self, step: str) -> Path:
        self.shots += 1
        path = screenshot_dir() / f"{self.scenario}-{self.shots:02d}-{step}.png"
        self.driver.save_screenshot(str(path))
        return path

    def expect_refusal(self, path: str, status: int) -> None:
        """A network refusal the scenario causes on purpose (the browser logs it as an error)."""
        self.expected_refusals.add((path, status))

    def unlabelled_fields(self) -> list[str]:
        found: list[str] = self.script(UNLABELLED_FIELDS)
        return found

    def console_errors(self) -> list[str]:
        """The console's errors so far, but for the network refusals the scenario expects."""
        self.entries.extend(self.driver.get_log("browser"))
        errors = []
        for entry in self.entries:
            if entry["level"] != "SEVERE":
                continue
            refused = NETWORK_REFUSAL.match(entry["message"]) if entry.get("source") == "network" else None
            if refused and any(refused[1].split("?")[0].endswith(path) and int(refused[2]) == status
                               for path, status in self.expected_refusals):
                continue
            errors.append(entry["message"])
        return errors


def start_chromium(time_zone: str, language: str = "en-US") -> Any:
    """Headless Chromium whose clock is in `time_zone` and whose language is `language`."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1400,1100", f"--lang={language}", "--disable-extensions"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": language})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(shutil.which(CHROMEDRIVER) or CHROMEDRIVER, env={**os.environ, "TZ": time_zone})
    return webdriver.Chrome(service=service, options=options)


@contextmanager
def page(base: str, scenario: str, *, time_zone: str, language: str = "en-US") -> Iterator[Page]:
    """A fresh browser for one scenario; the scenario fails on a console error or an unlabelled field."""
    driver = start_chromium(time_zone, language)
    opened = Page(driver, base, scenario)
    try:
        yield opened
        assert opened.console_errors() == [], "errors in the browser's console"
        assert opened.unlabelled_fields() == [], "form fields without a <label>"
    except BaseException:
        with suppress(Exception):  # the browser may be gone too
            opened.shot("failed")
        raise
    finally:
        driver.quit()
