"""`loopbot demo`: the real app on loopback, a simulated workspace, a whole hiring flow, as text.

Everything goes through signed requests to `/slack/events`, exactly as Slack sends them; the
embedded defaults are used (a SQLite file in a temporary folder, the built-in calendar).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bot.demo.chasing import flow_chasing_and_digests
from bot.demo.decisions import flow_decisions
from bot.demo.feedback import flow_feedback
from bot.demo.scheduling import flow_scheduling
from bot.demo.session import Demo, Step
from bot.observability import configure_logging
from bot.sandbox.harness import BOT_TOKEN, HIRING_CHANNEL, SIGNING_SECRET, Sandbox


def flow_roles_and_candidates(demo: Demo) -> None:
    demo.step("A hiring manager asks for help and opens a role")
    demo.say("UHANA", "help")
    demo.say("UHANA", "role")
    plan = next(
        o
        for o in demo.options("UHANA", "plan")
        if "public-sector" in str(o["text"]).lower() or "publishing" in str(o["text"]).lower()
    )
    role = {
        "title": "Senior Backend Engineer",
        "channel": "CNOBOT",
        "hiring_manager": "UHANA",
        "recruiters": ["URITA"],
        "plan": plan["value"],
        "timezone": "Europe/London",
    }
    demo.submit("UHANA", role, "picks a channel Loopbot is not in, and submits")
    demo.submit("UHANA", {**role, "channel": HIRING_CHANNEL}, "switches to #hiring-backend and submits")
    demo.step("The recruiter adds a candidate")
    demo.say("URITA", "candidate")
    demo.submit(
        "URITA",
        {"name": "Grace Hopper", "email": "not-an-email", "timezone": "America/New_York"},
        "types a bad email and submits",
    )
    demo.submit(
        "URITA",
        {
            "name": "Grace Hopper",
            "email": "grace@example.com",
            "timezone": "America/New_York",
            "accommodations": "Needs captions on video calls",
            "private_accommodations": "Prefers afternoons (school run); only the HM and recruiters see this",
        },
        "fixes it and submits",
    )
    demo.say("UOTTO", "candidate Grace Hopper")
    demo.say("URITA", "roles")


DEMO_PLAN = """key: platform-backend
name: Platform backend
competencies:
  coding: Writes clear, working code
  design: Designs services and weighs trade-offs
stages:
  - key: screen
    name: Technical screen
    interviews:
      - {key: screen, name: Coding screen, duration_minutes: 45, competencies: [coding]}
  - key: onsite
    name: On-site
    constraints: {same_day: true, buffer_minutes: 15}
    interviews:
      - {key: design, name: System design, duration_minutes: 60, pool: senior_engineer,
         competencies: [design], mode: onsite}
"""


def flow_plans(demo: Demo) -> None:
    demo.step("The hiring manager looks at the interview plans and adds one from YAML")
    demo.say("UHANA", "plans")
    demo.say("UHANA", "plan")
    demo.submit(
        "UHANA",
        {"definition": DEMO_PLAN.replace("duration_minutes: 60", "duration_minutes: 3")},
        "pastes a plan with a 3-minute interview and submits",
    )
    demo.submit("UHANA", {"definition": DEMO_PLAN}, "fixes the duration and saves")


def flow_pools(demo: Demo) -> None:
    """Managers create the interviewer pools; a bad weekly limit is fixed on the way."""
    demo.step("Interviewer pools: who may run which kind of interview, and how often")
    demo.say("UOTTO", "pool")
    demo.say("UHANA", "pool")
    engineers: dict[str, object] = {
        "name": "Backend engineers",
        "kind": "engineer",
        "qualified": ["UPRIYA", "USAM", "UJONAS", "ULEE"],
        "reverse_shadow": ["UNOAH"],
        "shadow": ["UMIA"],
        "daily_limit": "2",
        "weekly_limit": "1",
    }
    demo.submit(
        "UHANA", engineers, "fills in the engineers with a weekly limit below the daily one, and submits"
    )
    demo.submit("UHANA", {**engineers, "weekly_limit": "4"}, "fixes the weekly limit and saves")
    for name, kind, qualified, shadow in (
        ("Senior engineers", "senior_engineer", ["UPRIYA", "UJONAS", "ULEE"], ["USAM"]),
        ("Meet the team", "team_member", ["UMIA", "UNOAH", "USAM"], []),
    ):
        demo.say("URITA", "pool")
        demo.submit(
            "URITA",
            {"name": name, "kind": kind, "qualified": qualified, "shadow": shadow},
            f"creates the “{name}” pool",
        )
    demo.say("UOTTO", "pools")


def flow_hours(demo: Demo) -> None:
    """Interviewers set their working hours, one of them wrongly first."""
    demo.step("People set their working hours (the time zone comes from Slack unless given)")
    demo.say("UPRIYA", "hours")
    demo.say("UJONAS", "hours 18:00-09:00")
    demo.say("UJONAS", "hours 08:00-16:00 Mon-Thu")


def flow_panels(demo: Demo) -> None:
    """The hiring manager builds and corrects Grace Hopper's panels, then people ask for her status."""
    demo.step("The hiring manager builds Grace Hopper's panels, pre-filled by fair rotation")
    demo.say("UHANA", "panel Grace Hoper")
    demo.say("UOTTO", "panel Grace Hopper")
    demo.say("UHANA", "panel Grace Hopper")
    demo.submit("UHANA", {}, "keeps the suggestion for the phone interview and saves")
    demo.say("UHANA", "panel Grace Hopper")
    view = demo.fake.last_view("UHANA") or {}
    demo.click(
        "UHANA",
        "panel_stage",
        "",
        "switches the stage to the on-site",
        view=view,
        selected="onsite",
        block_id="stage",
    )
    onsite = demo.fake.last_view("UHANA") or {}
    first = next(b for b in onsite.get("blocks", []) if str(b.get("block_id", "")).startswith("iv:"))
    suggested = list(first["element"].get("initial_users", []))
    demo.submit(
        "UHANA",
        {first["block_id"]: [*suggested[:-1], "UOTTO"]},
        "swaps one interviewer for Otto, who is in no pool, and submits",
    )
    demo.submit("UHANA", {first["block_id"]: suggested}, "puts the suggestion back and saves")
    demo.step("Where does Grace Hopper stand?")
    demo.say("UHANA", "status Grace Hopper")
    demo.say("UJONAS", "status Grace Hopper")
    demo.say("UOTTO", "status Grace Hopper")


FLOWS: list[Step] = [flow_roles_and_candidates, flow_plans, flow_pools, flow_hours, flow_panels]
FLOWS += [flow_scheduling, flow_feedback, flow_decisions, flow_chasing_and_digests]


def run_demo(*, verbose: bool = False) -> int:
    """Run every flow against a fresh SQLite file; print the transcript; exit 0 when it all worked."""
    configure_logging(
        "DEBUG" if verbose else "CRITICAL", "json" if verbose else "text", [BOT_TOKEN, SIGNING_SECRET]
    )
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="loopbot-demo-") as folder:
        url = f"sqlite:///{Path(folder) / 'loopbot.db'}"
        print("Loopbot demo: the real app on loopback, a simulated Slack workspace, the built-in calendar.")
        print(f"Database: {url}")
        with Sandbox(url) as box:
            demo = Demo(box)
            for flow in FLOWS:
                flow(demo)
            problems = list(box.fake.block_errors)
    print(f"\nDemo finished in {time.perf_counter() - started:.1f} s.")
    if problems:
        print("Slack would have rejected some blocks:", *problems, sep="\n  ")
        return 1
    return 0
