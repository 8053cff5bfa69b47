"""Plans in words: durations, pools, constraints and outlines as plain text.

The CLI prints these as they are; Slack builders escape them (plan text may be user-written).
"""

from __future__ import annotations

from hiring.plans.schema import InterviewSpec, PlanSpec, RatingScale, StageConstraints, StageSpec

POOL_LABELS = {
    "engineer": "engineer",
    "senior_engineer": "senior engineer",
    "hiring_manager": "hiring manager",
    "recruiter": "recruiter",
    "director": "engineering director",
    "partner": "partner engineer or manager",
    "leader": "engineering leader",
    "team_member": "team member",
    "assessor": "assessor",
}


def minutes(total: int) -> str:
    """`45 min`, `1 h`, `2 h 20 min`."""
    hours, mins = divmod(total, 60)
    if not hours:
        return f"{mins} min"
    return f"{hours} h" if not mins else f"{hours} h {mins} min"


def pool_label(kind: str) -> str:
    return POOL_LABELS.get(kind, kind.replace("_", " "))


def who(interview: InterviewSpec) -> str:
    """`1 engineer`, `2 × senior engineer`."""
    label = pool_label(interview.pool)
    return label if interview.interviewers == 1 else f"{interview.interviewers} × {label}"


FORMATS = {"phone": "by phone", "video": "video", "onsite": "on site"}


def interview_facts(interview: InterviewSpec) -> str:
    """`45 min · 2 × senior engineer · on site · optional`."""
    parts = [minutes(interview.duration_minutes), who(interview), FORMATS[interview.mode]]
    return " · ".join(parts + (["optional"] if interview.optional else []))


def alternatives_text(interview: InterviewSpec) -> str:
    """`or, at the candidate's choice: take-home coding exercise (not scheduled)`."""
    if not interview.alternatives:
        return ""
    options = [
        f"{alt.name} ({minutes(alt.duration_minutes) if alt.scheduled else 'not scheduled'})"
        for alt in interview.alternatives
    ]
    return "or, at the candidate's choice: " + "; ".join(options)


def constraint_phrases(c: StageConstraints, interviews: int) -> list[str]:
    """The solver's rules for a stage, in words."""
    phrases = []
    if c.same_day:
        phrases.append("all on the same day")
    if interviews > 1:
        phrases.append("in this order" if c.ordered else "in any order")
    if c.buffer_minutes:
        phrases.append(f"{minutes(c.buffer_minutes)} between interviews")
    if c.break_after_minutes:
        phrases.append(
            f"a {minutes(c.break_minutes)} break after {minutes(c.break_after_minutes)} of interviews"
        )
    if c.max_span_minutes:
        phrases.append(f"within {minutes(c.max_span_minutes)} from start to end")
    return phrases


def interview_count(stage: StageSpec) -> str:
    """`6 interviews`, `4–5 interviews`, `1 interview`."""
    total = len(stage.interviews)
    required = sum(1 for i in stage.interviews if not i.optional)
    count = str(total) if required == total else f"{required}–{total}"
    return f"{count} interview" + ("" if total == 1 else "s")


def stage_outline(stage: StageSpec) -> str:
    """`Technical phone interview (30 min)`, `Round 1 interviews (4–5 interviews, 3 h)` (without optional ones)."""
    if not stage.interviews:
        return f"{stage.name} (review, no interviews)"
    if len(stage.interviews) == 1:
        return f"{stage.name} ({minutes(stage.interviews[0].duration_minutes)})"
    return f"{stage.name} ({interview_count(stage)}, {minutes(stage.required_minutes())})"


def session_lines(stage: StageSpec) -> list[str]:
    """`One panel runs Block [block] back to back: A, B (5 min breaks)`, one line per session."""
    names = {i.key: i.name for i in stage.interviews}
    lines = []
    for session in stage.sessions:
        parts = ", ".join(names.get(k, k) for k in session.interviews)
        breaks = f" ({minutes(session.breaks)} breaks)" if session.breaks else ""
        lines.append(f"  One panel runs {session.name} [{session.key}] back to back: {parts}{breaks}")
    return lines


def plan_outline(spec: PlanSpec) -> str:
    """The stages in one line: `Phone (30 min) → On-site (6 interviews, 2 h 40 min)`."""
    return " → ".join(stage_outline(s) for s in spec.stages)


def scale_text(scale: RatingScale) -> str:
    """`1–4: 1 Strong concerns, 2 Some concerns, …`."""
    labels = ", ".join(f"{v} {scale.labels[v]}" for v in scale.points() if v in scale.labels)
    return f"{scale.min}–{scale.max}" + (f": {labels}" if labels else "")


def plan_flags(spec: PlanSpec) -> list[str]:
    """What is special about the process as a whole."""
    flags = []
    if spec.candidate_feedback:
        flags.append("every candidate gets a feedback report, whatever the outcome")
    if spec.centralized_hiring:
        flags.append("centralized hiring: at each decision the candidate may be pivoted to another team")
    return flags


def plan_lines(spec: PlanSpec) -> list[str]:
    """A readable, complete description of a plan for a terminal."""
    lines = [f"{spec.name}  [{spec.key}]"]
    if spec.description:
        lines.append(f"  {spec.description.strip()}")
    if spec.intake:
        lines.append(f"  Before the first stage: {spec.intake.strip()}")
    for flag in plan_flags(spec):
        lines.append(f"  • {flag}")
    if spec.accommodations:
        lines.append(f"  Accommodations: {spec.accommodations.strip()}")
    for key, scale in spec.scales.items():
        name = "Rating scale" if len(spec.scales) == 1 else f"Rating scale {key}"
        lines.append(f"  {name}: {scale_text(scale)}")
    for number, stage in enumerate(spec.stages, start=1):
        lines.append("")
        lines.append(f"Stage {number}: {stage.name}  [{stage.key}]")
        if stage.description:
            lines.append(f"  {stage.description.strip()}")
        rules = constraint_phrases(stage.constraints, len(stage.interviews))
        if rules:
            lines.append(f"  Scheduling: {', '.join(rules)}")
        lines += session_lines(stage)
        for interview in stage.interviews:
            lines.append(f"  - {interview.name}  [{interview.key}]: {interview_facts(interview)}")
            if interview.focus:
                lines.append(f"      Focus: {interview.focus.strip()}")
            if interview.competencies:
                which = f" (scale {interview.scale})" if len(spec.scales) > 1 else ""
                lines.append(f"      Competencies: {', '.join(interview.competencies)}{which}")
            alternatives = alternatives_text(interview)
            if alternatives:
                lines.append(f"      {alternatives[0].upper()}{alternatives[1:]}")
        if stage.decision_criteria:
            lines.append(f"  Decision: {stage.decision_criteria.strip()}")
    if spec.competencies:
        lines.append("")
        lines.append("Competencies:")
        for key, text in spec.competencies.items():
            lines.append(f"  {key}: {text.strip()}")
    return lines
