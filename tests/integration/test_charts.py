"""Charts through the real app, slack_sdk's `files_upload_v2` and the fake Slack's upload flow: the weekly
digest's charts in its thread (opt-in per role), calibration's chart in the requester's DM, and the
App Home's load chart; each upload a PNG of the expected size whose alt text says the figures, and
nobody gets a chart they may not see. The sandbox clock starts on Monday 2026-11-23 08:00 UTC."""

from __future__ import annotations

import json
import struct
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.sandbox.fake_slack import FakeSlack, Posted, UploadedFile, dm_channel
from bot.sandbox.harness import HIRING_CHANNEL, START, Sandbox
from hiring.chasing.digests import DigestService
from hiring.clock import FixedClock
from hiring.outbox import sent_keys
from hiring.permissions import Actor
from hiring.ports import Sent
from storage.models import Decision, Panel, Role
from storage.uow import Database
from tests.debrief_support import make_loop, make_platform_role, score
from tests.factories import TEAM, make_booked_panel, make_candidate, make_role, make_scorecard

PNG = b"\x89PNG\r\n\x1a\n"


def utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def png_size(data: bytes | None) -> tuple[int, int]:
    assert data is not None and data[:8] == PNG and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def at(box: Sandbox, moment: datetime) -> None:
    box.clock.set(moment)
    box.tick()


def summaries(box: Sandbox) -> list[Posted]:
    return [
        m
        for m in box.fake.posts(HIRING_CHANNEL)
        if m.text.startswith("Hiring digest for") and not m.thread_ts
    ]


def test_files_upload_v2_against_the_fake_speaks_slacks_three_steps() -> None:
    with FakeSlack() as fake:
        fake.add_channel("CPUB", "public")
        fake.add_channel("COUT", "outside", bot_is_member=False)
        client = WebClient(token="xoxb-test", base_url=fake.api_url)
        shared = client.files_upload_v2(
            channel="CPUB",
            file=PNG + b"rest",
            filename="a.png",
            title="A",
            alt_txt="the numbers",
            thread_ts="1.2",
        )
        private = client.files_upload_v2(file=PNG + b"other", filename="b.png", title="B")
        with pytest.raises(SlackApiError, match="not_in_channel"):
            client.files_upload_v2(channel="COUT", file=b"x", filename="c.png")
    file = fake.files[shared["file"]["id"]]
    assert (file.data, file.alt_txt, file.title, file.channel, file.thread_ts) == (
        PNG + b"rest",
        "the numbers",
        "A",
        "CPUB",
        "1.2",
    )
    assert fake.files[private["file"]["id"]].channel is None
    assert [c.params["bytes"] for c in fake.calls_to("upload")] == [12, 13, 1]
    [share] = fake.posts("CPUB")
    assert share.thread_ts == "1.2" and share.files[0]["id"] == file.id
    assert [f.id for f in fake.uploads()] == [file.id, private["file"]["id"]]


# -- the weekly digest --------------------------------------------------------------------------
def funnel_role(box: Sandbox) -> Role:
    """Senior Backend Engineer (phone → on-site): four candidates added in the last 8 weeks (two this
    week) and one before, an advance this week, an offer three weeks ago; one phone scorecard five
    hours after its interview; one panel booked a day after it was made."""
    db, clock = box.app.db, box.clock
    role = make_role(db, clock)
    box.clock.set(utc(9, 1, 10))
    make_candidate(db, clock, role, name="Too Early")
    box.clock.set(utc(10, 5, 10))
    ada = make_candidate(db, clock, role, name="Ada Lovelace")
    box.clock.set(utc(10, 10, 10))
    edsger = make_candidate(db, clock, role, name="Edsger Dijkstra", stage_key="onsite")
    box.clock.set(utc(11, 18, 10))
    make_candidate(db, clock, role, name="Grace Hopper")
    make_candidate(db, clock, role, name="Alan Turing")
    box.clock.set(utc(11, 11, 9))
    panel = make_booked_panel(db, clock, ada, start=utc(11, 12, 10), interviewers=["USAM"], stage_key="phone")
    ended = panel.interviews[0].end_at
    assert ended is not None
    make_scorecard(
        db, clock, panel.interviews[0], "USAM", ratings={"x": 3}, submitted_at=ended + timedelta(hours=5)
    )
    with db.uow(TEAM) as uow:
        stored = uow.session.get(Panel, panel.id)
        assert stored is not None
        stored.created_at = utc(11, 10, 9)
        for candidate_id, stage, outcome, decided in (
            (ada.id, "phone", "advance", utc(11, 20, 12)),
            (edsger.id, "onsite", "offer", utc(11, 2, 12)),
        ):
            uow.session.add(
                Decision(
                    team_id=TEAM,
                    candidate_id=candidate_id,
                    role_id=role.id,
                    stage_key=stage,
                    outcome=outcome,
                    decided_by="UHANA",
                    decided_at=decided,
                )
            )
        uow.commit()
    box.clock.set(utc(11, 23, 8))
    return role


FIGURES = (
    "Candidates entering each stage, last 7 days / last 8 weeks: Technical phone interview 2 / 4; "
    "On-site interview 1 / 1; Offer 0 / 1. Time from interview to scorecard, median / 90th percentile: "
    "Technical phone interview 5 h / 5 h (1 scorecard); On-site interview none. Scheduling lead time from "
    "panel ready to booked, median / 90th percentile: Technical phone interview 24 h / 24 h (1 panel); "
    "On-site interview none."
)


def test_the_weekly_charts_follow_the_weeks_first_digest_once_the_role_opted_in(sandbox: Sandbox) -> None:
    role = funnel_role(sandbox)
    sandbox.command("UOTTO", "digest charts on Senior Backend Engineer")
    assert "Only the hiring manager (<@UHANA>)" in sandbox.last_reply("UOTTO")
    sandbox.command("UHANA", "digest charts on Senior Backend Engineer")
    assert sandbox.last_reply("UHANA").startswith(
        "Weekly charts are now on for *Senior Backend Engineer* in <#CHIRING>: they come in the thread of "
        "the Monday digest"
    )
    at(sandbox, utc(11, 23, 9))
    [summary] = summaries(sandbox)
    [upload] = sandbox.fake.uploads(HIRING_CHANNEL)
    assert (upload.thread_ts, upload.filename) == (summary.ts, "weekly-charts-2026-11-23.png")
    assert png_size(upload.data) == (800, 400)
    assert [c.params["bytes"] for c in sandbox.fake.calls_to("upload")] == [len(upload.data or b"")]
    assert (
        upload.alt_txt == f"Weekly charts for Senior Backend Engineer, last 8 weeks to 23 Nov 2026. {FIGURES}"
    )
    thread = [m for m in sandbox.fake.posts(HIRING_CHANNEL) if m.thread_ts == summary.ts]
    assert thread[-1].files[0]["id"] == upload.id and "Weekly charts" in thread[-1].text
    assert "Ada" not in (upload.alt_txt or "") and "Ada" not in thread[-1].text
    assert f"digest:{role.id}:2026-11-23:7-charts" in sent_keys(sandbox.app.db, "digest:")
    at(sandbox, utc(11, 24, 9))  # Tuesday's digest: no charts
    assert len(summaries(sandbox)) == 2 and len(sandbox.fake.uploads()) == 1


def test_no_charts_unless_asked_for_and_never_for_someone_who_may_not_post_the_digest(
    sandbox: Sandbox,
) -> None:
    funnel_role(sandbox)
    at(sandbox, utc(11, 23, 9))
    assert len(summaries(sandbox)) == 1 and sandbox.fake.uploads() == []
    sandbox.command("URITA", "digest charts on")  # in no hiring channel: the one role Rita recruits for
    sandbox.command("UOTTO", "digest Senior Backend Engineer")
    assert "may post this role's digest" in sandbox.last_reply("UOTTO")
    assert sandbox.fake.calls_to("files.getUploadURLExternal") == []
    sandbox.command("URITA", "digest", channel_id=HIRING_CHANNEL)
    [upload] = sandbox.fake.uploads(HIRING_CHANNEL)
    assert upload.alt_txt is not None and FIGURES[:120] in upload.alt_txt
    sandbox.command("URITA", "digest charts off", channel_id=HIRING_CHANNEL)
    assert (
        sandbox.last_reply("URITA")
        == "Weekly charts are now off for *Senior Backend Engineer* in <#CHIRING>."
    )
    at(sandbox, utc(11, 30, 9))
    assert len(summaries(sandbox)) == 3 and len(sandbox.fake.uploads()) == 1
    sandbox.command("URITA", "digest charts maybe")
    assert "digest charts on [role]" in sandbox.last_reply("URITA")


def test_a_failed_chart_upload_is_retried_by_a_later_tick_without_reposting_the_digest(
    sandbox: Sandbox,
) -> None:
    role = funnel_role(sandbox)
    sandbox.app.services.digests.set_charts(Actor(TEAM, "UHANA"), role.id, True)
    sandbox.fake.fail("files.completeUploadExternal", "internal_error")
    at(sandbox, utc(11, 23, 9))
    assert len(summaries(sandbox)) == 1 and sandbox.fake.uploads() == []
    at(sandbox, utc(11, 23, 9, 10))  # after the outbox's backoff
    [summary] = summaries(sandbox)
    [upload] = sandbox.fake.uploads(HIRING_CHANNEL)
    assert upload.thread_ts == summary.ts


def test_a_pivot_counts_in_the_role_left_and_in_the_stage_entered(database_url: str) -> None:
    db, clock = Database(database_url), FixedClock(START)
    try:
        loop = make_loop(db, clock)  # added to Senior Backend Engineer's "screen" now
        platform = make_platform_role(db, clock, hiring_manager="UHANA")
        make_candidate(db, clock, platform, name="Direct Platform")
        clock.advance(timedelta(days=1))
        services = DigestService(db, clock, Recorder())
        for role in (loop.role, platform):
            services.set_charts(Actor(TEAM, "UHANA"), role.id, True)
        with db.uow(TEAM) as uow:
            for stage, outcome, target in (("screen", "advance", None), ("onsite", "pivot", platform.id)):
                uow.session.add(
                    Decision(
                        team_id=TEAM,
                        candidate_id=loop.candidate.id,
                        role_id=loop.role.id,
                        stage_key=stage,
                        outcome=outcome,
                        target_role_id=target,
                        decided_by="UHANA",
                        decided_at=clock.now(),
                    )
                )
            candidate = uow.candidates.get(loop.candidate.id)
            assert candidate is not None
            candidate.role_id, candidate.stage_key = platform.id, "onsite"
            uow.commit()
        clock.advance(timedelta(hours=1))
        funnels = {}
        for role in (loop.role, platform):
            charts = services.build(TEAM, role.id, charts=True).charts
            assert charts is not None
            funnels[role.title] = [(s.name, s.week, s.history) for s in charts.funnel]
        assert services.build(TEAM, platform.id).charts is None  # only asked for, weekly or by command
    finally:
        db.dispose()
    assert funnels == {
        "Senior Backend Engineer": [
            ("Technical screen", 1, 1),
            ("On-site", 1, 1),
            ("Final conversation", 0, 0),
            ("Offer", 0, 0),
        ],
        "Platform Engineer": [("Intro call", 1, 1), ("Platform on-site", 1, 1), ("Offer", 0, 0)],
    }


class Recorder:
    """A notifier that is never called: building digests sends nothing."""

    def send(self, team_id: str, to: str, content: object, *, thread_ts: str | None = None) -> Sent:
        raise AssertionError("nothing is sent")

    def update(self, team_id: str, sent: Sent, content: object) -> None:
        raise AssertionError("nothing is sent")

    def delete(self, team_id: str, sent: Sent) -> None:
        raise AssertionError("nothing is sent")


# -- calibration ----------------------------------------------------------------------------------
def scored_role(box: Sandbox) -> None:
    """Four candidates; USAM rates a point above ULEE on every one; a shadow's card and a draft do not count."""
    db, clock = box.app.db, box.clock
    loop = make_loop(db, clock, name="Cand 0", shadows=("UNOAH",))
    loops = [loop] + [make_loop(db, clock, name=f"Cand {n}", role=loop.role) for n in range(1, 4)]
    for n, each in enumerate(loops):
        high, low = (4, 3) if n % 2 == 0 else (3, 2)
        score(
            db,
            clock,
            each.interviews[0],
            "USAM",
            {"technical_depth": high, "communication": high},
            "strong_yes",
        )
        score(db, clock, each.interviews[0], "ULEE", {"technical_depth": low, "communication": low}, "no")
    score(db, clock, loop.interviews[0], "UNOAH", {"technical_depth": 1}, "strong_no", is_shadow=True)
    score(db, clock, loops[1].interviews[0], "UMIA", {"technical_depth": 1}, "no", status="draft")


def test_calibrations_chart_goes_to_the_requesters_dm_and_says_what_the_text_says(sandbox: Sandbox) -> None:
    scored_role(sandbox)
    sandbox.command("URITA", "calibration Senior Backend Engineer", channel_id=HIRING_CHANNEL)
    reply = sandbox.fake.ephemerals("URITA")[-1]
    assert "The chart is in your DM with Loopbot." in json.dumps(reply.blocks)
    [upload] = sandbox.fake.uploads()
    assert upload.channel == dm_channel("URITA") and upload.filename == "interviewer-calibration.png"
    assert png_size(upload.data) == (800, 150 + 56 * 2)
    alt = upload.alt_txt or ""
    assert "All interviewers: 8 scorecards, mean 3.0; ratings 1: 0, 2: 4, 3: 8, 4: 4." in alt
    assert "Sam Smith: 4 scorecards, mean 3.5 vs 2.5 from their panels (+1.0), more generous" in alt
    assert "Lee Chen: 4 scorecards, mean 2.5 vs 3.5 from their panels (-1.0), harsher" in alt
    # what the text leaves out, the chart leaves out: the shadow's card, the draft, the candidates
    assert "Noah" not in alt and "Mia" not in alt and "Cand" not in alt
    assert sandbox.fake.posts(HIRING_CHANNEL, kind="message") == []


def test_nobody_gets_a_calibration_chart_they_may_not_see_or_one_with_nothing_in_it(sandbox: Sandbox) -> None:
    scored_role(sandbox)
    sandbox.command("UOTTO", "calibration Senior Backend Engineer")
    sandbox.command("USAM", "calibration Senior Backend Engineer")  # an interviewer, not a manager
    assert "Only the hiring manager" in sandbox.last_reply("USAM")
    assert sandbox.fake.calls_to("files.getUploadURLExternal") == []
    make_role(sandbox.app.db, sandbox.clock, title="Quiet Role", channel="CPLATFORM")
    sandbox.command("UHANA", "calibration Quiet Role")
    assert "nothing to calibrate" in json.dumps(sandbox.fake.ephemerals("UHANA")[-1].blocks)
    assert sandbox.fake.uploads() == []


# -- the App Home ---------------------------------------------------------------------------------
POOL = {
    "name": "Backend engineers",
    "kind": "engineer",
    "qualified": ["USAM", "ULEE"],
    "reverse_shadow": [],
    "shadow": [],
    "daily_limit": "2",
    "weekly_limit": "2",
}


def open_home(box: Sandbox, user_id: str) -> dict[str, Any]:
    box.slack.open_home(user_id)
    box.idle()
    return box.fake.home_tabs[user_id]


def images(home: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for b in home["blocks"] if b["type"] == "image"]


def book(box: Sandbox, role: Role, name: str, start: datetime) -> None:
    candidate = make_candidate(box.app.db, box.clock, role, name=name)
    make_booked_panel(box.app.db, box.clock, candidate, start=start, interviewers=["USAM"])


def loaded_interviewer(box: Sandbox) -> Role:
    """Sam, in a pool with a weekly limit of 2: two interviews this week, three next week."""
    role = make_role(box.app.db, box.clock)
    box.command("URITA", "pool")
    box.submit("URITA", POOL)
    for n, start in enumerate(
        (utc(11, 24, 10), utc(11, 26, 10), utc(12, 1, 10), utc(12, 2, 10), utc(12, 3, 10))
    ):
        book(box, role, f"Candidate {n}", start)
    return role


def the_upload(box: Sandbox, image: dict[str, Any]) -> UploadedFile:
    return box.fake.files[image["slack_file"]["id"]]


def test_my_app_home_shows_my_load_per_week_against_my_limit(sandbox: Sandbox) -> None:
    role = loaded_interviewer(sandbox)
    [image] = images(open_home(sandbox, "USAM"))
    upload = the_upload(sandbox, image)
    assert upload.completed and upload.channel is None  # private to the app, shown through slack_file
    assert png_size(upload.data) == (800, 300)
    expected = (
        "Your interviews per week against your weekly limit of 2. week of 23 Nov (this week): 2, at the "
        "limit; week of 30 Nov: 3, over the limit; week of 7 Dec: 0; week of 14 Dec: 0."
    )
    assert image["alt_text"] == upload.alt_txt == expected
    assert "Candidate" not in expected
    open_home(sandbox, "USAM")  # the same figures: the same upload
    assert len(sandbox.fake.calls_to("files.getUploadURLExternal")) == 1
    book(sandbox, role, "Candidate 5", utc(12, 8, 10))
    [fresh] = images(open_home(sandbox, "USAM"))
    assert fresh["slack_file"]["id"] != upload.id and "week of 7 Dec: 1;" in fresh["alt_text"]
    assert sandbox.fake.files[upload.id].deleted  # the old chart goes


def test_people_with_no_pool_and_no_interviews_get_no_load_chart(sandbox: Sandbox) -> None:
    loaded_interviewer(sandbox)
    assert images(open_home(sandbox, "UOTTO")) == []
    [image] = images(open_home(sandbox, "ULEE"))  # in the pool, nothing booked: an empty month
    assert image["alt_text"].endswith("week of 30 Nov: 0; week of 7 Dec: 0; week of 14 Dec: 0.")
    assert [f.channel for f in sandbox.fake.uploads()] == [None]


def test_while_slack_processes_a_new_chart_the_home_shows_its_figures_in_words(sandbox: Sandbox) -> None:
    loaded_interviewer(sandbox)
    sandbox.fake.fail("views.publish", "invalid_blocks")
    sandbox.slack.open_home("USAM")
    sandbox.idle()
    published = [
        view if isinstance(view := c.params["view"], dict) else json.loads(view)
        for c in sandbox.fake.calls_to("views.publish")
        if c.params["user_id"] == "USAM"
    ]
    assert [len(images(v)) for v in published] == [1, 0, 1]
    assert "week of 30 Nov: 3, over the limit" in json.dumps(published[1])
    assert images(sandbox.fake.home_tabs["USAM"])
