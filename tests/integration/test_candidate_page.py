"""The candidate's scheduling page in a real browser: Playwright drives Debian's chromium against the
running app (the real HTTP server, the loopback Slack and Google fakes), on SQLite and PostgreSQL.

One browser per module; each test gets its own context (cookies) and sandbox, so xdist can split them.
`--screenshots` also writes each page to docs/screenshots/."""

from __future__ import annotations

import http.client
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from bot.sandbox.fake_google import FakeGoogleCalendar
from bot.sandbox.harness import HIRING_CHANNEL, Sandbox
from hiring.panels.panels import SeatChoice
from hiring.permissions import Actor
from hiring.plans.schema import parse_plan
from storage.models import Candidate
from tests.factories import TEAM, make_candidate, make_role
from tests.loops import make_pools
from tests.scheduling_support import (
    GRACE,
    SCHED_PLAN,
    enter_availability,
    google_sandbox,
    setup_schedule,
)

CHROMIUM = "/usr/bin/chromium"
if not Path(CHROMIUM).exists() and not os.environ.get("LOOPBOT_TEST_DATABASE_URL"):
    pytest.skip(f"no {CHROMIUM} (apt-get install chromium); CI installs it", allow_module_level=True)

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

RITA = Actor(team_id=TEAM, user_id="URITA")
TUE = ("2026-11-24", "05:00", "12:00")  # the sandbox's clock starts on Monday 23 November 2026
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def fake() -> Iterator[FakeGoogleCalendar]:
    with FakeGoogleCalendar(owner="rita@example.com") as server:
        yield server


@pytest.fixture
def box(database_url: str, fake: FakeGoogleCalendar, tmp_path: Path) -> Iterator[Sandbox]:
    sandbox = google_sandbox(database_url, fake, tmp_path).start()
    try:
        yield sandbox
    finally:
        sandbox.stop()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(timezone_id="Europe/Berlin", locale="en-GB")
    yield context.new_page()
    context.close()


def ready(box: Sandbox, *, availability: bool = True) -> str:
    """Grace's video loop with its panel (and her availability); the URL of a fresh link."""
    setup_schedule(box)
    if availability:
        enter_availability(box, [TUE])
    return box.app.services.links.issue(RITA, candidate_id(box)).url.replace(
        "http://localhost:3000", box.server.url
    )  # type: ignore[union-attr]


def candidate_id(box: Sandbox) -> int:
    with box.app.db.uow(TEAM) as uow:
        return int(uow.session.scalars(select(Candidate.id).where(Candidate.name == "Grace Hopper")).one())


def accessible(page: Page, shot: str, request: pytest.FixtureRequest) -> None:
    """No serious or critical axe-core violation on the page (and its screenshot when asked)."""
    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    assert not bad, [(v["id"], v["help"], [n["html"] for n in v["nodes"]][:3]) for v in bad]
    if request.config.getoption("--screenshots", default=False):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{shot}.png"), full_page=True)


def said(message: Any) -> str:
    """A Slack message's text and blocks, as one string."""
    return f"{message.text} {message.blocks}"


def post(url: str, body: str) -> int:
    """A raw form POST (no browser, no cookie) and its status."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    conn.request("POST", parts.path, body, {"Content-Type": "application/x-www-form-urlencoded"})
    status = conn.getresponse().status
    conn.close()
    return status


def get(url: str) -> tuple[int, dict[str, str]]:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    conn.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}


def test_pick_an_option_in_my_time_zone_books_it_in_google_and_tells_the_team(
    box: Sandbox, fake: FakeGoogleCalendar, page: Page, request: pytest.FixtureRequest
) -> None:
    url = ready(box)
    page.goto(url)
    # The browser's zone (Berlin) is picked by the tiny script; New York was stored for Grace.
    expect(page.locator("#tz")).to_have_value("Europe/Berlin")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hi Grace, let's schedule your Video loop")
    expect(page.locator("ol.options > li")).to_have_count(5)
    expect(page.locator("ol.options > li").first).to_contain_text("11:00–12:00 · Coding")
    assert "USAM" not in page.content() and "sam@example.com" not in page.content()
    accessible(page, "1-options", request)

    # One step to another zone: the select and its button.
    page.get_by_label("Show times in").select_option("America/New_York")
    page.get_by_role("button", name="Show times").click()
    expect(page.locator("ol.options > li").first).to_contain_text("05:00–06:00 · Coding")

    fake.reset_calls()
    page.get_by_role("button", name="Book these times").first.click()
    expect(page.get_by_role("status")).to_contain_text("You're booked")
    expect(page.locator("ul.booked")).to_contain_text("Coding: Tuesday 24 November, 05:00–06:00")
    accessible(page, "2-booked", request)
    inserts = fake.calls_to("events.insert")
    assert len(inserts) == 2 and len(fake.round_trips("batch")) == 1
    assert sorted(a["email"] for e in fake.live_events() for a in e["attendees"] if a["email"] == GRACE) == [
        GRACE,
        GRACE,
    ]
    box.idle()
    channel = " ".join(m.text for m in box.fake.posts(HIRING_CHANNEL))
    assert "Grace Hopper" in channel and "booked" in channel.lower()
    assert any("Grace Hopper" in m.text for m in box.fake.dms("URITA"))
    assert any("Grace Hopper" in m.text for m in box.fake.dms("UHANA"))

    # The .ics and the Google Calendar link of the first interview.
    ics = page.locator("a[download]").first
    with page.expect_download() as download:
        ics.click()
    text = Path(download.value.path()).read_text()
    assert "BEGIN:VEVENT" in text and "DTSTART:20261124T100000Z" in text and "sam@example.com" not in text
    google = page.get_by_role("link", name="Add to Google Calendar").first.get_attribute("href") or ""
    assert google.startswith("https://calendar.google.com/calendar/render?action=TEMPLATE")


def test_reschedule_then_cancel_until_the_cutoff(
    box: Sandbox, fake: FakeGoogleCalendar, page: Page, request: pytest.FixtureRequest
) -> None:
    url = ready(box)
    page.goto(url + "?tz=America/New_York")
    page.get_by_role("button", name="Book these times").nth(1).click()
    expect(page.get_by_role("status")).to_contain_text("You're booked")
    before = page.locator("ul.booked").inner_text()

    page.get_by_role("link", name="Pick other times").click()
    expect(page.get_by_role("heading", name="Pick new times")).to_be_visible()
    accessible(page, "3-reschedule", request)
    fake.reset_calls()
    page.get_by_role("button", name="Move to these times").first.click()
    expect(page.get_by_role("status")).to_contain_text("moved to the new times")
    assert page.locator("ul.booked").inner_text() != before
    assert fake.calls_to("events.patch") and not fake.calls_to("events.insert")

    page.get_by_label("Anything to tell us? (optional)").fill("Something came up <b>sorry</b>")
    page.get_by_role("button", name="Cancel my interviews").click()
    expect(page.get_by_role("status")).to_contain_text("Your interviews are cancelled")
    assert len(fake.live_events()) == 0
    box.idle()
    assert any("&lt;b&gt;sorry" in said(m) for m in box.fake.dms("URITA"))


def test_past_the_cutoff_the_booking_shows_without_changes(box: Sandbox, page: Page) -> None:
    url = ready(box)
    page.goto(url + "?tz=America/New_York")
    page.get_by_role("button", name="Book these times").first.click()
    expect(page.get_by_role("status")).to_contain_text("You're booked")
    box.advance(hours=10)  # the loop starts Tuesday 10:00 UTC; the cutoff is 24 hours before
    page.goto(url + "?tz=America/New_York")
    expect(page.locator("ul.booked")).to_contain_text("Coding")
    expect(page.get_by_role("button", name="Cancel my interviews")).to_have_count(0)
    expect(page.get_by_role("link", name="Pick other times")).to_have_count(0)


def test_the_grid_by_keyboard_and_by_drag_becomes_the_candidates_windows(
    box: Sandbox, page: Page, request: pytest.FixtureRequest
) -> None:
    url = ready(box, availability=False)
    page.goto(url + "?tz=America/New_York")
    expect(page.locator("p.blocked")).to_contain_text("Tell us when you are free")
    page.get_by_role("link", name="Tell us when you are free").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("When are you free?")
    accessible(page, "4-availability", request)

    # Keyboard: Wednesday 25 November 09:00 (the first row, third column from Tuesday).
    box_ = page.get_by_label("Wednesday 25 November 09:00")
    box_.focus()
    page.keyboard.press("Space")
    expect(box_).to_be_checked()
    # Mouse: drag down Thursday from 10:00 to 12:00.
    first = page.get_by_label("Thursday 26 November 10:00").locator("xpath=..")
    last = page.get_by_label("Thursday 26 November 12:00").locator("xpath=..")
    first.hover()
    page.mouse.down()
    page.get_by_label("Thursday 26 November 11:00").locator("xpath=..").hover()
    last.hover()
    page.mouse.up()
    for hour in ("10", "11", "12"):
        expect(page.get_by_label(f"Thursday 26 November {hour}:00")).to_be_checked()
    page.get_by_label("Anything else we should know? (optional)").fill("Mornings are best")
    page.get_by_role("button", name="Send my availability").click()
    expect(page.get_by_role("status")).to_contain_text("passed your availability")

    windows = box.app.services.availability.windows(TEAM, candidate_id(box))
    assert [(s.isoformat(), e.isoformat()) for s, e in windows] == [
        ("2026-11-25T14:00:00+00:00", "2026-11-25T15:00:00+00:00"),
        ("2026-11-26T15:00:00+00:00", "2026-11-26T18:00:00+00:00"),
    ]
    box.idle()
    assert any("Mornings are best" in said(m) for m in box.fake.dms("URITA"))


def test_an_empty_grid_is_refused_next_to_the_grid(box: Sandbox, page: Page) -> None:
    url = ready(box, availability=False)
    page.goto(url + "/availability?tz=America/New_York")
    page.get_by_role("button", name="Send my availability").click()
    expect(page.locator("#slots-error")).to_have_text("Pick at least one hour when you are free.")


def test_accommodations_are_stored_with_their_audience(
    box: Sandbox, page: Page, request: pytest.FixtureRequest
) -> None:
    url = ready(box)
    page.goto(url + "?tz=America/New_York")
    page.get_by_role("link", name="Ask for accommodations").click()
    accessible(page, "5-accommodations", request)
    page.get_by_role("button", name="Send request").click()
    expect(page.locator("#accommodations-error")).to_be_visible()
    page.get_by_label("What would help?").fill("Captions on video calls")
    page.get_by_label("The hiring team only").check()
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_role("status")).to_contain_text("passed your request on")
    with box.app.db.uow(TEAM) as uow:
        grace = uow.session.get(Candidate, candidate_id(box))
        assert grace is not None
        assert (grace.accommodations, grace.private_accommodations) == ("", "Captions on video calls")
    box.idle()
    assert any("Captions on video calls" in said(m) for m in box.fake.dms("UHANA"))


def test_the_whole_path_by_keyboard_only(box: Sandbox, fake: FakeGoogleCalendar, page: Page) -> None:
    url = ready(box)
    page.goto(url + "?tz=America/New_York")
    page.keyboard.press("Tab")
    expect(page.locator(".skip")).to_be_focused()
    seen = []
    for _ in range(12):
        page.keyboard.press("Tab")
        seen.append(page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()"))
        if seen[-1] == "Book these times":
            break
    assert seen[:3] == ["tz", "Show times", "Book these times"]
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("You're booked")
    assert len(fake.live_events()) == 2


def test_wrong_expired_and_revoked_links_get_the_same_plain_page(
    box: Sandbox, page: Page, request: pytest.FixtureRequest
) -> None:
    url = ready(box)
    base = url.rsplit("/", 1)[0]
    wrong = page.goto(base + "/" + "x" * 43)
    assert wrong is not None and wrong.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("This link is not available")
    accessible(page, "6-not-available", request)
    wrong_html = page.content()

    links = box.app.services.links
    revoked = links.issue(RITA, candidate_id(box))
    links.revoke(RITA, revoked.link_id)
    answer = page.goto(revoked.url.replace("http://localhost:3000", box.server.url))  # type: ignore[union-attr]
    assert answer is not None and answer.status == 404 and page.content() == wrong_html

    box.advance(days=8)
    answer = page.goto(url)
    assert answer is not None and answer.status == 404 and page.content() == wrong_html


def test_security_headers_csrf_and_rate_limits(box: Sandbox, page: Page) -> None:
    url = ready(box)
    status, headers = get(url + "?tz=UTC")
    assert status == 200
    assert headers["x-frame-options"] == "DENY" and headers["referrer-policy"] == "no-referrer"
    assert (
        "script-src 'self'" in headers["content-security-policy"]
        and "unsafe-inline" not in headers["content-security-policy"]
    )
    assert post(url + "/book", "choice=x&tz=UTC") == 400  # no CSRF token, no session
    assert post(url + "/accommodations", "accommodations=hi&csrf_token=forged") == 400
    # A signed choice from another link does not book.
    page.goto(url + "?tz=UTC")
    page.locator("input[name=choice]").first.evaluate("e => e.value = 'WzEsIngiXQ.forged'")
    page.get_by_role("button", name="Book these times").first.click()
    expect(page.locator("p.note")).to_contain_text("Here are fresh options")

    wrong = url.rsplit("/", 1)[0] + "/" + "z" * 43
    statuses = [get(wrong)[0] for _ in range(61)]
    assert statuses[:60] == [404] * 60 and statuses[60] == 429


def test_a_phone_sized_screen_needs_no_sideways_scrolling(
    box: Sandbox, browser: Browser, request: pytest.FixtureRequest
) -> None:
    url = ready(box)
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    try:
        phone = context.new_page()
        phone.goto(url + "?tz=America/New_York")
        width: Any = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 375
        accessible(phone, "7-phone", request)
        phone.goto(url + "/availability?tz=America/New_York")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375  # the grid scrolls in its box
    finally:
        context.close()


ONSITE_PLAN = {
    **SCHED_PLAN,
    "key": "sched-onsite",
    "address": "1 Example Street, Newport NP10 8XG",
    "stages": [
        {
            **SCHED_PLAN["stages"][1],  # type: ignore[index]
            "interviews": [
                {**iv, "candidate_notes": "Bring a laptop & your ID <please>."}
                for iv in SCHED_PLAN["stages"][1]["interviews"]  # type: ignore[index]
            ],
        }
    ],
}


def test_an_on_site_stage_shows_the_address_and_what_to_prepare_but_no_interviewer(
    box: Sandbox, page: Page
) -> None:
    box.app.services.plans.import_spec(TEAM, parse_plan(ONSITE_PLAN))
    role = make_role(box.app.db, box.clock, plan_key="sched-onsite")
    grace = make_candidate(box.app.db, box.clock, role, stage_key="onsite")
    make_pools(box)
    seats = {"whiteboard": SeatChoice(["USAM"]), "team": SeatChoice(["UJONAS"])}
    assert box.app.services.panels.save(Actor(TEAM, "UHANA"), grace.id, "onsite", seats) is not None
    enter_availability(box, [TUE])
    issued = box.app.services.links.issue(RITA, grace.id)
    page.goto(issued.url.replace("http://localhost:3000", box.server.url) + "?tz=Europe/London")  # type: ignore[union-attr]
    interviews = page.locator("ul.interviews")
    expect(interviews).to_contain_text(
        "Whiteboard · 60 minutes · on site at 1 Example Street, Newport NP10 8XG"
    )
    expect(interviews).to_contain_text("How to prepare: Bring a laptop & your ID <please>.")
    html = page.content()
    assert "<please>" not in html  # escaped
    assert not any(
        who in html for who in ("USAM", "UJONAS", "sam@example.com", "jonas@example.com", "c_room-a")
    )
