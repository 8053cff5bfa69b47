"""Panels in one click (issue 13.4): copy the previous stage's panel, copy another candidate's panel
for the same stage, fill a pool's interviews by fair rotation — through the real HTTP endpoint, the
modal redrawn with `views.update`, then saved as usual; SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from bot.sandbox.harness import Sandbox
from hiring.panels.panels import SeatChoice
from hiring.plans.schema import parse_plan
from tests.factories import TEAM, make_candidate, make_role
from tests.loops import make_pools
from tests.scheduling_support import HANA

COPY_PLAN = {
    "key": "copy-loop",
    "name": "Copy loop",
    "stages": [
        {"key": "tech", "name": "Tech screen", "interviews": [
            {"key": "coding", "name": "Coding", "duration_minutes": 60, "interviewers": 2}]},
        {"key": "onsite", "name": "Onsite", "interviews": [
            {"key": "coding", "name": "Coding", "duration_minutes": 60, "interviewers": 2},
            {"key": "design", "name": "Design", "duration_minutes": 60, "interviewers": 1},
            {"key": "manager", "name": "Manager chat", "duration_minutes": 30, "pool": "hiring_manager",
             "shadow_allowed": False}]},
    ],
}  # fmt: skip


def prepare(sandbox: Sandbox, *names: str) -> list[int]:
    """The copy plan's role with candidates at the on-site, and the usual pools."""
    sandbox.app.services.plans.import_spec(TEAM, parse_plan(COPY_PLAN))
    role = make_role(sandbox.app.db, sandbox.clock, plan_key="copy-loop")
    ids = [
        make_candidate(
            sandbox.app.db, sandbox.clock, role, name=n, email=f"c{i}@example.com", stage_key="onsite"
        ).id
        for i, n in enumerate(names)
    ]
    make_pools(sandbox)
    return ids


def by_id(view: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    assert view is not None
    return {b["block_id"]: b for b in view["blocks"] if b.get("block_id")}


def picked(view: dict[str, Any] | None, key: str) -> list[str]:
    return sorted(by_id(view)[f"iv:{key}"]["element"].get("initial_users") or [])


def copy_actions(view: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    return {e["action_id"]: e for e in by_id(view)["copy"]["elements"]}


def seats_of(sandbox: Sandbox, candidate_id: int, stage: str) -> dict[str, list[str]]:
    draft = sandbox.app.services.panels.draft(HANA, candidate_id, stage)
    assert draft.saved
    return {iv.key: sorted(iv.interviewer_ids) for iv in draft.interviews}


def test_copy_the_previous_stage_fills_the_same_interviews_and_its_people_where_qualified(
    sandbox: Sandbox,
) -> None:
    [grace] = prepare(sandbox, "Grace Hopper")
    panels = sandbox.app.services.panels
    assert panels.save(HANA, grace, "tech", {"coding": SeatChoice(["USAM", "UPRIYA"])}) is not None
    sandbox.command("UHANA", "panel Grace Hopper")
    view = sandbox.fake.last_view("UHANA")
    actions = copy_actions(view)
    assert actions["panel_copy:previous"]["text"]["text"] == "Copy the previous stage"
    assert "panel_copy:candidate" not in actions  # nobody else of the role has an on-site panel
    assert set(actions) >= {"panel_copy:pool:engineer", "panel_copy:pool:hiring_manager"}

    sandbox.click("UHANA", "panel_copy:previous", "previous", view=view, block_id="copy")
    copied = sandbox.fake.last_view("UHANA")
    assert copied is not None and view is not None and copied["id"] == view["id"]
    assert picked(copied, "coding") == ["UPRIYA", "USAM"]
    # Coding's people sit no other part of the loop: design is filled by rotation from the others.
    assert len(picked(copied, "design")) == 1 and picked(copied, "design")[0] not in {"UPRIYA", "USAM"}
    assert picked(copied, "manager") == ["UHANA"]  # not in the tech panel: rotation, as before
    assert "Copied from the Tech screen panel" in str(copied)
    # New action ids, so Slack shows the copied people rather than what it kept from before.
    assert (
        by_id(copied)["iv:coding"]["element"]["action_id"] != by_id(view)["iv:coding"]["element"]["action_id"]
    )

    assert sandbox.submit("UHANA", {}).body == ""  # saved through the usual validation
    saved = seats_of(sandbox, grace, "onsite")
    assert saved["coding"] == ["UPRIYA", "USAM"] and saved["manager"] == ["UHANA"]


def test_copy_another_candidates_panel_for_the_same_stage(sandbox: Sandbox) -> None:
    grace, ada, _ = prepare(sandbox, "Grace Hopper", "Ada <b>Lovelace</b>", "Alan Turing")
    panels = sandbox.app.services.panels
    ada_panel = {
        "coding": SeatChoice(["UJONAS", "USAM"]),
        "design": SeatChoice(["ULEE"]),
        "manager": SeatChoice(["UHANA"]),
    }
    assert panels.save(HANA, ada, "onsite", ada_panel) is not None
    sandbox.command("UHANA", "panel Grace Hopper")
    view = sandbox.fake.last_view("UHANA")
    select = copy_actions(view)["panel_copy:candidate"]
    assert [o["value"] for o in select["options"]] == [f"candidate:{ada}"]  # only those with a panel
    assert "panel_copy:previous" not in copy_actions(view)  # no tech panel for Grace

    sandbox.click("UHANA", "panel_copy:candidate", view=view, selected=f"candidate:{ada}", block_id="copy")
    copied = sandbox.fake.last_view("UHANA")
    assert (picked(copied, "coding"), picked(copied, "design")) == (["UJONAS", "USAM"], ["ULEE"])
    assert "Copied from Ada &lt;b&gt;Lovelace&lt;/b&gt;'s panel" in str(copied)
    sandbox.submit("UHANA", {})
    assert seats_of(sandbox, grace, "onsite") == {
        "coding": ["UJONAS", "USAM"],
        "design": ["ULEE"],
        "manager": ["UHANA"],
    }

    # A forged value naming a candidate of no panel (or of another role) is explained, nothing changes.
    sandbox.command("UHANA", "panel Grace Hopper")
    view = sandbox.fake.last_view("UHANA")
    sandbox.click("UHANA", "panel_copy:candidate", view=view, selected="candidate:999", block_id="copy")
    assert "has no panel for this stage to copy" in str(sandbox.fake.dms("UHANA")[-1].text)


def test_a_pool_button_fills_its_interviews_by_fair_rotation(sandbox: Sandbox) -> None:
    [grace] = prepare(sandbox, "Grace Hopper")
    panels = sandbox.app.services.panels
    saved = {
        "coding": SeatChoice(["UNOAH", "USAM"]),  # a reverse shadow may sit; rotation picks the qualified
        "design": SeatChoice(["ULEE"]),
        "manager": SeatChoice(["UHANA"]),
    }
    assert panels.save(HANA, grace, "onsite", saved) is not None
    sandbox.command("UHANA", "panel Grace Hopper")
    view = sandbox.fake.last_view("UHANA")
    assert picked(view, "coding") == ["UNOAH", "USAM"]
    sandbox.click("UHANA", "panel_copy:pool:engineer", "pool:engineer", view=view, block_id="copy")
    filled = sandbox.fake.last_view("UHANA")
    rotation = sandbox.app.services.panels.draft(HANA, grace, "onsite", "pool:engineer")
    expected = {iv.key: sorted(iv.interviewer_ids) for iv in rotation.interviews}
    assert picked(filled, "coding") == expected["coding"] and picked(filled, "design") == expected["design"]
    assert "UNOAH" not in picked(filled, "coding") and len(set(picked(filled, "coding"))) == 2
    assert picked(filled, "manager") == ["UHANA"]  # the other pool's interview keeps its people
    assert "Filled the engineer interviews by fair rotation" in str(filled)
