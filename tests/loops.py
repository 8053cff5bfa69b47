"""A small interview plan with "N of M" interviews, pools for it and a candidate, for panel tests."""

from __future__ import annotations

from bot.sandbox.harness import Sandbox
from hiring.panels.pools import PoolInput
from hiring.permissions import Actor
from hiring.plans.schema import parse_plan
from storage.models import Candidate, Role
from tests.factories import TEAM, make_candidate, make_role

LOOP_PLAN = {
    "key": "test-loop",
    "name": "Test loop",
    "stages": [
        {
            "key": "screen",
            "name": "Recruiter screen",
            "interviews": [
                {
                    "key": "recruiter",
                    "name": "Recruiter call",
                    "duration_minutes": 30,
                    "pool": "recruiter",
                    "shadow_allowed": False,
                }
            ],
        },
        {
            "key": "onsite",
            "name": "Onsite",
            "interviews": [
                {"key": "coding", "name": "Coding", "duration_minutes": 60, "interviewers": 2},
                {"key": "design", "name": "System design", "duration_minutes": 60, "interviewers": 2},
                {
                    "key": "manager",
                    "name": "Hiring manager chat",
                    "duration_minutes": 45,
                    "pool": "hiring_manager",
                    "shadow_allowed": False,
                },
            ],
        },
        {"key": "offer", "name": "Offer", "interviews": []},
    ],
}
ENGINEERS = ["UJONAS", "ULEE", "UPRIYA", "USAM"]  # qualified, in user id order
ADMIN = Actor(team_id=TEAM, user_id="UADMIN", is_admin=True)


def setup_loop(
    sandbox: Sandbox, *, name: str = "Grace Hopper", stage: str = "onsite", pools: bool = True
) -> tuple[Role, Candidate]:
    """A role on the test plan (UHANA hiring manager, URITA recruiter, #CHIRING), a candidate at
    `stage`, and (unless told not to) the pools the plan needs."""
    sandbox.app.services.plans.import_spec(TEAM, parse_plan(LOOP_PLAN))
    role = make_role(sandbox.app.db, sandbox.clock, plan_key="test-loop")
    candidate = make_candidate(sandbox.app.db, sandbox.clock, role, name=name, stage_key=stage)
    if pools:
        make_pools(sandbox)
    return role, candidate


def make_pools(
    sandbox: Sandbox, *, engineers: list[str] | None = None, daily: int = 2, weekly: int = 5
) -> None:
    """Engineers (qualified, NOAH reverse shadow, MIA shadow), hiring managers and recruiters."""
    pools = sandbox.app.services.pools
    pools.save(
        ADMIN,
        PoolInput(
            name="Backend engineers",
            kind="engineer",
            qualified=list(engineers or ENGINEERS),
            reverse_shadow=["UNOAH"],
            shadow=["UMIA"],
            daily_limit=daily,
            weekly_limit=weekly,
        ),
    )
    pools.save(ADMIN, PoolInput(name="Hiring managers", kind="hiring_manager", qualified=["UHANA"]))
    pools.save(ADMIN, PoolInput(name="Recruiters", kind="recruiter", qualified=["URITA"]))
