"""Block Kit for plans: the listing, one plan in detail, the YAML modal and the saved-plan DM."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    DividerBlock,
    HeaderBlock,
    PlainTextObject,
)
from slack_sdk.models.views import View

from handlers.block_kit import Rendered, context, modal, section, text_input
from handlers.mrkdwn import clip, esc, plain
from hiring.plans.plans import DEFINITION, PlanSaved, PlanView
from hiring.plans.schema import PlanSpec
from hiring.plans.summary import (
    alternatives_text,
    constraint_phrases,
    interview_facts,
    plan_flags,
    plan_outline,
    scale_text,
)

PLAN_MODAL = "plan_modal"
MAX_LISTED = 40
MAX_STAGES = 40

SOURCES = {"builtin": "built in", "file": "imported from a file", "modal": "added in Slack"}

EXAMPLE = """key: platform-backend
name: Platform backend
competencies:
  coding: Writes clear, working code
  design: Designs services and weighs trade-offs
stages:
  - key: screen
    name: Technical screen
    interviews:
      - key: screen
        name: Coding screen
        duration_minutes: 45
        pool: engineer
        competencies: [coding]
  - key: onsite
    name: On-site
    constraints: {same_day: true, buffer_minutes: 15}
    interviews:
      - {key: design, name: System design, duration_minutes: 60,
         pool: senior_engineer, competencies: [design], mode: onsite}"""


def plan_modal() -> View:
    """“New plan”: one multiline input for a plan in YAML (or JSON); problems appear next to it."""
    blocks = [
        section(
            "Paste an interview plan in YAML (or JSON). Stages run in order; each interview names its "
            "duration, interviewer pool (engineer, senior_engineer, hiring_manager, recruiter, director, "
            "partner, leader, team_member, assessor) and the competencies it scores; `sessions` group "
            "interviews one panel runs back to back, with `breaks` between them. "
            "`/interview plan public-sector-senior-backend` shows a complete example."
        ),
        text_input(
            DEFINITION,
            "Plan (YAML)",
            hint="Up to 3,000 characters. Larger plans: `loopbot plans import FILE --team …`.",
            max_length=3000,
            multiline=True,
            placeholder="key: my-plan\nname: My plan\nstages: …",
        ),
        section(f"*A small example*\n```{EXAMPLE}```"),
    ]
    return modal(callback_id=PLAN_MODAL, title="New plan", blocks=blocks, submit="Save plan")


def _key(slug: str) -> str:
    """A key in a code span. Keys are validated slugs (`[a-z0-9_-]`), so nothing in them can ping,
    link or format; escaping would turn their underscores into look-alikes."""
    return f"`{slug}`"


def _source(plan: PlanView) -> str:
    return SOURCES.get(plan.source, plan.source)


def plans_listing(plans: list[PlanView]) -> Rendered:
    """Every plan of the workspace with its stages in one line each."""
    if not plans:
        return "No interview plans yet.", [section("No interview plans yet. Add one with `/interview plan`.")]
    blocks: list[Block] = [HeaderBlock(text=PlainTextObject(text="Interview plans"))]
    blocks += [
        section(f"*{esc(plan.name)}* · {_key(plan.key)} · {_source(plan)}\n{esc(plan_outline(plan.spec))}")
        for plan in plans[:MAX_LISTED]
    ]
    more = len(plans) - MAX_LISTED
    note = f"{more} more not shown. " if more > 0 else ""
    blocks.append(
        context(
            f"{note}Details: `/interview plan <key>`. Add a plan: `/interview plan` or `loopbot plans import`."
        )
    )
    return f"{len(plans)} interview plan(s)", blocks


def _stage_text(number: int, spec: PlanSpec, index: int) -> str:
    stage = spec.stages[index]
    lines = [f"*{number}. {esc(stage.name)}* · {_key(stage.key)}"]
    if stage.description:
        lines.append(esc(clip(stage.description.strip(), 400)))
    rules = constraint_phrases(stage.constraints, len(stage.interviews))
    if rules:
        lines.append(f"Scheduling: {esc(', '.join(rules))}")
    if not stage.interviews:
        lines.append("No interviews: a review step.")
    for interview in stage.interviews:
        lines.append(f"• *{esc(interview.name)}* — {esc(interview_facts(interview))}")
        if interview.competencies:
            scale = f" (scale {esc(interview.scale)})" if len(spec.scales) > 1 else ""
            lines.append(f"    Scores: {', '.join(_key(c) for c in interview.competencies)}{scale}")
        alternatives = alternatives_text(interview)
        if alternatives:
            lines.append(f"    {esc(alternatives)}")
    if stage.decision_criteria:
        lines.append(f"Decision: {esc(clip(stage.decision_criteria.strip(), 500))}")
    return "\n".join(lines)


def plan_detail(plan: PlanView) -> Rendered:
    """One plan: stages, interviews (duration, pool, mode, competencies), constraints, scale."""
    spec = plan.spec
    blocks: list[Block] = [HeaderBlock(text=PlainTextObject(text=plain(plan.name, 150)))]
    about = [esc(clip(spec.description.strip(), 1200))] if spec.description else []
    if spec.intake:
        about.append(f"*Before the first stage:* {esc(clip(spec.intake.strip(), 600))}")
    about += [f"• {esc(flag)}" for flag in plan_flags(spec)]
    if spec.accommodations:
        about.append(f"*Accommodations:* {esc(clip(spec.accommodations.strip(), 600))}")
    if about:
        blocks.append(section("\n".join(about)))
    scales = "; ".join(
        (f"{esc(k)}: " if len(spec.scales) > 1 else "") + esc(scale_text(s)) for k, s in spec.scales.items()
    )
    blocks.append(context(f"{_key(plan.key)} · {_source(plan)} · rating scale {scales}"))
    blocks.append(DividerBlock())
    for index in range(min(len(spec.stages), MAX_STAGES)):
        blocks.append(section(_stage_text(index + 1, spec, index)))
    if spec.competencies:
        lines = [f"• {_key(k)} {esc(clip(v.strip(), 300))}" for k, v in spec.competencies.items()]
        blocks.append(section("*Competencies*\n" + "\n".join(lines)))
    return f"Plan {esc(plan.name)}: {esc(plan_outline(spec))}", blocks


def render_plan_saved(msg: PlanSaved) -> Rendered:
    verb = "Saved" if msg.created else "Updated"
    stages = " → ".join(esc(s) for s in msg.stages)
    blocks = [
        section(
            f"{verb} the interview plan *{esc(msg.plan_name)}* ({_key(msg.plan_key)}).\n*Stages:* {stages}"
        ),
        context(
            f"Choose it for a role with `/interview role`; see it with `/interview plan {msg.plan_key}`."
        ),
    ]
    return f"{verb} the interview plan {esc(msg.plan_name)}", blocks
