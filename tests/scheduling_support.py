"""A small plan for scheduling tests: a video loop (two interviews, one with a shadow) and an on-site
loop (two interviews needing rooms), a candidate in New York, and helpers to drive the modals."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select

from bot.sandbox.fake_google import FakeGoogleCalendar
from bot.sandbox.harness import Sandbox
from hiring.panels.panels import SeatChoice
from hiring.permissions import Actor
from hiring.plans.schema import parse_plan
from storage.models import CalendarEvent, Interview, Panel, Seat
from tests.factories import TEAM, make_candidate, make_role
from tests.loops import make_pools

SCHED_PLAN = {
    "key": "sched-loop",
    "name": "Scheduling loop",
    "stages": [
        {
            "key": "video",
            "name": "Video loop",
            "constraints": {"same_day": True, "buffer_minutes": 15},
            "interviews": [
                {"key": "coding", "name": "Coding", "duration_minutes": 60},
                {"key": "design", "name": "System design", "duration_minutes": 60, "shadow_allowed": False},
            ],
        },
        {
            "key": "onsite",
            "name": "On-site",
            "constraints": {"same_day": True},
            "interviews": [
                {"key": "whiteboard", "name": "Whiteboard", "duration_minutes": 60, "mode": "onsite"},
                {
                    "key": "team",
                    "name": "Meet the team",
                    "duration_minutes": 45,
                    "mode": "onsite",
                    "shadow_allowed": False,
                },
            ],
        },
    ],
}
HANA = Actor(team_id=TEAM, user_id="UHANA")
ROOMS = ["c_room-a@resource.calendar.google.com", "c_room-b@resource.calendar.google.com"]
SAM, JONAS, MIA, LEE = "sam@example.com", "jonas@example.com", "mia@example.com", "lee@example.com"
GRACE = "grace@example.com"


@dataclass(frozen=True)
class Loop:
    role_id: int
    candidate_id: int
    panel_id: int


def setup_schedule(
    sandbox: Sandbox,
    *,
    stage: str = "video",
    seats: dict[str, SeatChoice] | None = None,
    email: str = GRACE,
    name: str = "Grace Hopper",
) -> Loop:
    """A role on the scheduling plan (UHANA manager, URITA recruiter), Grace Hopper (New York) at
    `stage` and her saved panel: Sam codes (Mia shadows), Jonas runs design (London and Berlin
    people, whose working hours overlap New York mornings)."""
    services = sandbox.app.services
    services.plans.import_spec(TEAM, parse_plan(SCHED_PLAN))
    role = make_role(sandbox.app.db, sandbox.clock, plan_key="sched-loop")
    candidate = make_candidate(sandbox.app.db, sandbox.clock, role, name=name, stage_key=stage, email=email)
    make_pools(sandbox)
    if seats is None:
        seats = (
            {"coding": SeatChoice(["USAM"], "UMIA"), "design": SeatChoice(["UJONAS"])}
            if stage == "video"
            else {"whiteboard": SeatChoice(["USAM"]), "team": SeatChoice(["UJONAS"])}
        )
    saved = services.panels.save(HANA, candidate.id, stage, seats)
    assert saved is not None
    return Loop(role.id, candidate.id, saved.panel_id)


def availability_text(rows: list[tuple[str, str, str]]) -> str:
    """Rows (day, from, to) written in the availability field's grammar: `2026-11-24 09:00-12:30; …`."""
    return "; ".join(f"{day} {start}-{end}" for day, start, end in rows)


def enter_availability(
    sandbox: Sandbox,
    rows: list[tuple[str, str, str]] | str,
    who: str = "URITA",
    candidate: str = "Grace Hopper",
) -> Any:
    """Open `/interview availability <candidate>`, type the rows (day, from, to) or a text into its
    field and submit: the first submit shows the preview, the second saves (returns the last reply)."""
    sandbox.command(who, f"availability {candidate}")
    text = rows if isinstance(rows, str) else availability_text(rows)
    reply = sandbox.submit(who, {"when": text})
    answer = reply.json()
    if isinstance(answer, dict) and answer.get("response_action") == "update":
        reply = sandbox.submit(who, {"when": text})
    return reply


def option_sections(view: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The option sections of a schedule modal (each with its "Book this" button)."""
    assert view is not None
    return [b for b in view["blocks"] if str(b.get("block_id", "")).startswith("option:")]


def open_options(
    sandbox: Sandbox, who: str = "UHANA", command: str = "schedule", candidate: str = "Grace Hopper"
) -> dict[str, Any]:
    sandbox.command(who, f"{command} {candidate}")
    view = sandbox.fake.last_view(who)
    assert view is not None
    return view


def click_option(sandbox: Sandbox, view: dict[str, Any], index: int = 0, who: str = "UHANA") -> Any:
    button = option_sections(view)[index]["accessory"]
    return sandbox.click(who, "book_option", button["value"], view=view, block_id=f"option:{index}")


def interviews(sandbox: Sandbox) -> list[Interview]:
    with sandbox.app.db.uow(TEAM) as uow:
        rows = list(uow.session.scalars(select(Interview).order_by(Interview.position, Interview.id)))
        for row in rows:
            _ = list(row.seats)
        return rows


def panel_status(sandbox: Sandbox, panel_id: int) -> str:
    with sandbox.app.db.uow(TEAM) as uow:
        panel = uow.session.get(Panel, panel_id)
        assert panel is not None
        return panel.status


def seat_users(sandbox: Sandbox, interview_id: int) -> list[tuple[str, str]]:
    with sandbox.app.db.uow(TEAM) as uow:
        return sorted(
            (s.user_id, s.kind)
            for s in uow.session.scalars(select(Seat).where(Seat.interview_id == interview_id))
        )


def calendar_rows(sandbox: Sandbox) -> list[CalendarEvent]:
    with sandbox.app.db.uow(TEAM) as uow:
        return list(uow.session.scalars(select(CalendarEvent).order_by(CalendarEvent.start_at)))


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def service_account(tmp_path: Path, fake: FakeGoogleCalendar) -> Path:
    """A service account key (fresh RSA key) whose token endpoint is the fake's."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    path = tmp_path / "service-account.json"
    path.write_text(
        json.dumps(
            {
                "type": "service_account",
                "project_id": "loopbot-test",
                "private_key_id": "k1",
                "private_key": pem,
                "client_email": "loopbot@loopbot-test.iam.gserviceaccount.com",
                "client_id": "1",
                "token_uri": fake.token_uri,
            }
        )
    )
    return path


def google_sandbox(database_url: str, fake: FakeGoogleCalendar, tmp_path: Path, **kw: Any) -> Sandbox:
    """A sandbox whose calendar is Google (the real client) against the loopback fake."""
    return Sandbox(
        database_url,
        calendar_backend="google",
        google_credentials_file=service_account(tmp_path, fake),
        google_delegated_subject="rita@example.com",
        google_api_endpoint=fake.api_endpoint,
        google_batch_endpoint=fake.batch_endpoint,
        google_rooms=ROOMS,
        **kw,
    )
