"""The interview plan format (YAML or JSON files, or a modal), validated by pydantic.

A plan is ordered stages; a stage is interviews plus constraints. Keys are stable slugs that
interviews, scorecards and decisions refer to.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

KEY = r"^[a-z0-9][a-z0-9_-]{0,79}$"
OPTIONAL_KEY = r"^([a-z0-9][a-z0-9_-]{0,79})?$"
INTERVIEWER_KINDS = (
    "engineer",
    "senior_engineer",
    "hiring_manager",
    "recruiter",
    "director",
    "partner",
    "leader",
    "team_member",
    "assessor",
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RatingScale(_Strict):
    """A rating scale such as 1-4 with labels, or a 1-7 competency framework."""

    min: int = 1
    max: int = 4
    labels: dict[int, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check(self) -> RatingScale:
        if self.max <= self.min:
            raise ValueError("max: must be greater than min")
        if self.max - self.min > 10:
            raise ValueError("max: a scale has at most 11 points")
        bad = [k for k in self.labels if not self.min <= k <= self.max]
        if bad:
            raise ValueError(f"labels: outside the scale {self.min}–{self.max}: {bad}")
        return self

    def points(self) -> list[int]:
        return list(range(self.min, self.max + 1))

    def label(self, value: int) -> str:
        return f"{value} – {self.labels[value]}" if value in self.labels else str(value)


class Alternative(_Strict):
    """A choice the candidate makes instead of the interview's default format."""

    key: str = Field(pattern=KEY)
    name: str = Field(min_length=1, max_length=120)
    duration_minutes: int = Field(ge=0, le=7 * 24 * 60)
    scheduled: bool = True

    @model_validator(mode="after")
    def _scheduled_length(self) -> Alternative:
        if self.scheduled and self.duration_minutes < 5:
            raise ValueError("duration_minutes: a scheduled alternative lasts at least 5 minutes")
        return self


class InterviewSpec(_Strict):
    """One interview of a stage.

    `pool` is the kind of interviewer pool the interviewers come from (one of `INTERVIEWER_KINDS`);
    `question_focus` names the question-bank focus its briefing draws from (the interview key when
    empty); `optional` interviews may be left out of a panel (e.g. the fifth of "four or five");
    `candidate_notes` is what the candidate is told to expect and how to prepare. `mode` is the
    interview's format: `phone` (a call, no video link), `video` (a video link; the default, and
    what `online` meant before) or `onsite` (a room, at the plan's `address`)."""

    key: str = Field(pattern=KEY)
    name: str = Field(min_length=1, max_length=120)
    focus: str = Field(default="", max_length=1000)
    duration_minutes: int = Field(ge=5, le=8 * 60)
    interviewers: int = Field(default=1, ge=1, le=6)
    pool: str = Field(default="engineer", pattern=KEY)
    competencies: list[str] = Field(default_factory=list)
    scale: str = "default"
    mode: Literal["phone", "video", "onsite"] = "video"
    shadow_allowed: bool = True
    alternatives: list[Alternative] = Field(default_factory=list)
    optional: bool = False
    question_focus: str = Field(default="", pattern=OPTIONAL_KEY)
    candidate_notes: str = Field(default="", max_length=2000)

    @field_validator("mode", mode="before")
    @classmethod
    def _legacy_mode(cls, value: Any) -> Any:
        """`online` (plans written before phone interviews existed) is a video interview."""
        return "video" if value == "online" else value

    @field_validator("pool")
    @classmethod
    def _known_pool(cls, value: str) -> str:
        if value not in INTERVIEWER_KINDS:
            raise ValueError(f"unknown pool {value!r}; use one of: {', '.join(INTERVIEWER_KINDS)}")
        return value

    @field_validator("competencies")
    @classmethod
    def _distinct_competencies(cls, value: list[str]) -> list[str]:
        dupes = sorted({c for c in value if value.count(c) > 1})
        if dupes:
            raise ValueError(f"competencies repeated: {', '.join(dupes)}")
        return value

    @model_validator(mode="after")
    def _alternative_keys(self) -> InterviewSpec:
        keys = [a.key for a in self.alternatives]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            raise ValueError(f"alternatives: alternative keys repeated: {', '.join(dupes)}")
        return self

    @property
    def focus_key(self) -> str:
        """The question-bank focus of this interview."""
        return self.question_focus or self.key


class StageConstraints(_Strict):
    """Rules the slot solver honours for a stage's interviews."""

    same_day: bool = False
    ordered: bool = True
    buffer_minutes: int = Field(default=0, ge=0, le=120)
    break_after_minutes: int | None = Field(default=None, ge=30, le=8 * 60)
    break_minutes: int = Field(default=15, ge=0, le=120)
    max_span_minutes: int | None = Field(default=None, ge=15, le=24 * 60)


class SessionSpec(_Strict):
    """Interviews of a stage that one panel runs back to back in one sitting (e.g. an on-site block).

    `interviews` are keys of the stage's interviews, next to each other in the stage's order;
    `breaks` is the break in minutes between two of them. The same people may sit every interview
    of a session (a person otherwise sits one interview per loop); each interview keeps its own
    scorecard."""

    key: str = Field(pattern=KEY)
    name: str = Field(min_length=1, max_length=120)
    interviews: list[str] = Field(min_length=2)
    breaks: int = Field(default=0, ge=0, le=60)


class StageSpec(_Strict):
    """An ordered step of the process, ending in a decision taken against `decision_criteria`.

    `sessions` group interviews that one panel runs back to back (see `SessionSpec`)."""

    key: str = Field(pattern=KEY)
    name: str = Field(min_length=1, max_length=120)
    description: str = Field(default="", max_length=2000)
    interviews: list[InterviewSpec] = Field(default_factory=list)
    constraints: StageConstraints = Field(default_factory=StageConstraints)
    decision_criteria: str = Field(default="", max_length=2000)
    sessions: list[SessionSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique(self) -> StageSpec:
        problems = _stage_problems(
            [i.key for i in self.interviews],
            self.constraints.max_span_minutes,
            self.required_minutes(),
        )
        problems += session_problems([i.key for i in self.interviews], self.sessions)
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def required_minutes(self) -> int:
        """Minutes a panel of this stage needs at least: its interviews (optional ones left out)
        and the breaks inside its sessions."""
        required = {i.key for i in self.interviews if not i.optional}
        breaks = sum(s.breaks * (len([k for k in s.interviews if k in required]) - 1) for s in self.sessions)
        return sum(i.duration_minutes for i in self.interviews if not i.optional) + max(breaks, 0)


class PlanSpec(_Strict):
    """A whole interview plan.

    `intake` is what happens before the first stage (e.g. CV review); `candidate_feedback` means
    every candidate gets a feedback report whatever the outcome; `centralized_hiring` means several
    teams share this loop and each decision may pivot the candidate to another team's role instead
    of rejecting them; `accommodations` is what candidates are asked ahead about accessibility;
    `address` is where on-site interviews take place (shown in their invites and notices)."""

    key: str = Field(pattern=KEY)
    name: str = Field(min_length=1, max_length=150)
    description: str = Field(default="", max_length=4000)
    intake: str = Field(default="", max_length=2000)
    competencies: dict[str, str] = Field(default_factory=dict)
    scales: dict[str, RatingScale] = Field(default_factory=lambda: {"default": RatingScale()})
    stages: list[StageSpec] = Field(min_length=1)
    candidate_feedback: bool = False
    centralized_hiring: bool = False
    accommodations: str = Field(default="", max_length=2000)
    address: str = Field(default="", max_length=300)

    @field_validator("competencies")
    @classmethod
    def _competency_keys(cls, value: dict[str, str]) -> dict[str, str]:
        bad = [k for k in value if not re.match(KEY, k)]
        if bad:
            raise ValueError(f"competency keys must be slugs: {bad}")
        return value

    @field_validator("scales")
    @classmethod
    def _scale_keys(cls, value: dict[str, RatingScale]) -> dict[str, RatingScale]:
        bad = [k for k in value if not re.match(KEY, k)]
        if bad:
            raise ValueError(f"scale keys must be slugs: {bad}")
        return value

    @model_validator(mode="after")
    def _references(self) -> PlanSpec:
        """Stage keys are unique, and every scale and competency an interview names is defined by
        the plan. All problems are reported, one line each, starting with the field's path."""
        problems = cross_field_problems(self.model_dump(), stage_checks=False)
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def stage(self, key: str) -> StageSpec:
        for stage in self.stages:
            if stage.key == key:
                return stage
        raise KeyError(key)

    def stage_name(self, key: str) -> str:
        """The name of stage `key` (the key itself when the plan no longer has that stage)."""
        return next((s.name for s in self.stages if s.key == key), key)

    def next_stage(self, key: str) -> StageSpec | None:
        keys = [s.key for s in self.stages]
        index = keys.index(key)
        return self.stages[index + 1] if index + 1 < len(self.stages) else None

    def interview(self, stage_key: str, interview_key: str) -> InterviewSpec:
        for interview in self.stage(stage_key).interviews:
            if interview.key == interview_key:
                return interview
        raise KeyError(interview_key)


def _repeated(keys: list[Any]) -> list[str]:
    return sorted({str(k) for k in keys if keys.count(k) > 1})


def _stage_problems(interview_keys: list[Any], span: Any, required: int) -> list[str]:
    """A stage's own checks, with paths relative to the stage."""
    problems = []
    dupes = _repeated(interview_keys)
    if dupes:
        problems.append(f"interviews: interview keys repeated: {', '.join(dupes)}")
    if isinstance(span, int) and required > span:
        problems.append(
            f"constraints.max_span_minutes: {span} minutes is shorter than the interviews "
            f"themselves ({required} minutes without the optional ones)"
        )
    return problems


def session_problems(interview_keys: list[str], sessions: list[SessionSpec]) -> list[str]:
    """A stage's sessions: known interview keys, each in one session at most, next to each other in
    the stage's order, and session keys that are no interview's key. Paths relative to the stage."""
    problems = []
    seen: dict[str, str] = {}
    dupes = _repeated([s.key for s in sessions])
    if dupes:
        problems.append(f"sessions: session keys repeated: {', '.join(dupes)}")
    for index, session in enumerate(sessions):
        path = f"sessions.{index}"
        if session.key in interview_keys:
            problems.append(
                f"{path}.key: {session.key!r} is already an interview's key; name the session apart"
            )
        unknown = [k for k in session.interviews if k not in interview_keys]
        if unknown:
            problems.append(f"{path}.interviews: no such interview in this stage: {', '.join(unknown)}")
            continue
        twice = [k for k in session.interviews if k in seen or session.interviews.count(k) > 1]
        if twice:
            problems.append(
                f"{path}.interviews: an interview belongs to one session at most: {', '.join(dict.fromkeys(twice))}"
            )
        seen.update(dict.fromkeys(session.interviews, session.key))
        positions = sorted(interview_keys.index(k) for k in set(session.interviews))
        if positions != list(range(positions[0], positions[0] + len(positions))) or [
            interview_keys[p] for p in positions
        ] != list(dict.fromkeys(session.interviews)):
            problems.append(
                f"{path}.interviews: a session runs back to back, so list its interviews next to each "
                "other and in the stage's order"
            )
    return problems


def cross_field_problems(data: Any, *, stage_checks: bool = True) -> list[str]:
    """Checks spanning several fields, on a plan document as loaded (possibly invalid elsewhere):
    repeated stage and interview keys, a stage span shorter than its interviews, and scales or
    competencies an interview names that the plan does not define. One line per problem."""
    if not isinstance(data, dict) or not isinstance(data.get("stages"), list):
        return []
    stages = [s if isinstance(s, dict) else {} for s in data["stages"]]
    scales = data.get("scales", {"default": None})
    scale_keys = list(scales) if isinstance(scales, dict) else []
    competencies = data.get("competencies") or {}
    competency_keys = set(competencies) if isinstance(competencies, dict) else set()
    problems = []
    dupes = _repeated([s.get("key") for s in stages if isinstance(s.get("key"), str)])
    if dupes:
        problems.append(f"stages: stage keys repeated: {', '.join(dupes)}")
    for s_index, stage in enumerate(stages):
        raw = stage.get("interviews")
        interviews = [i if isinstance(i, dict) else {} for i in raw] if isinstance(raw, list) else []
        if stage_checks:
            required = sum(
                i["duration_minutes"]
                for i in interviews
                if isinstance(i.get("duration_minutes"), int) and not i.get("optional")
            )
            constraints = stage.get("constraints")
            span = constraints.get("max_span_minutes") if isinstance(constraints, dict) else None
            keys = [i.get("key") for i in interviews if isinstance(i.get("key"), str)]
            problems += [f"stages.{s_index}.{p}" for p in _stage_problems(keys, span, required)]
        for i_index, interview in enumerate(interviews):
            path = f"stages.{s_index}.interviews.{i_index}"
            scale = interview.get("scale", "default")
            if isinstance(scale, str) and scale not in scale_keys:
                problems.append(
                    f"{path}.scale: unknown scale {scale!r}; the plan defines: {', '.join(scale_keys) or 'none'}"
                )
            named = interview.get("competencies")
            unknown = [c for c in named if c not in competency_keys] if isinstance(named, list) else []
            if unknown:
                problems.append(
                    f"{path}.competencies: unknown {', '.join(map(repr, unknown))}; "
                    f"define {'it' if len(unknown) == 1 else 'them'} under `competencies` first"
                )
    return problems


class DocumentError(Exception):
    """A YAML or JSON document that does not validate: one line per bad field, with its path."""

    def __init__(self, source: str, problems: list[str]) -> None:
        super().__init__(f"{source}:\n  " + "\n  ".join(problems))
        self.source = source
        self.problems = problems


class PlanFileError(DocumentError):
    """A plan file (or modal input) that does not validate."""


_PATHED = re.compile(r"^[A-Za-z0-9_.]+: ")


def validation_problems(exc: ValidationError, whole: str = "(plan)") -> list[str]:
    """One readable line per problem, each starting with the dotted path of the bad field.

    Checks that span several fields (model validators) start each line of their message with the
    path of the field concerned, relative to the model that raised it (`max: ...`)."""
    problems: list[str] = []
    for err in exc.errors():
        path = ".".join(str(p) for p in err["loc"])
        message = str(err["msg"]).removeprefix("Value error, ")
        if err["type"] == "model_type" and not path:
            message = "the document must be a mapping of fields (key, name, ...), not a list or a value"
        elif err["type"] == "string_pattern_mismatch":
            message = (
                f"{str(err['input'])[:40]!r} is not a key: use lower-case letters, digits, '-' and '_', "
                "starting with a letter or digit (e.g. senior-backend)"
            )
        for line in message.splitlines() or [""]:
            if _PATHED.match(line):  # already names its field, relative to where it was raised
                problems.append(f"{path}.{line}" if path else line)
            else:
                problems.append(f"{path or whole}: {line}")
    return problems


def parse_plan(data: Any, source: str = "<plan>") -> PlanSpec:
    """Validate a plan document; raise `PlanFileError` naming the path of every bad field."""
    try:
        return PlanSpec.model_validate(data)
    except ValidationError as exc:
        problems = validation_problems(exc)
        # Checks across fields only run once the fields themselves are valid: report them now too.
        problems += [p for p in cross_field_problems(data) if p not in problems]
        raise PlanFileError(source, sorted(problems, key=_by_path)) from None


def _by_path(problem: str) -> list[tuple[int, int | str]]:
    """Sort problems by their path, numerically where the path has list indexes."""
    path = problem.split(": ", 1)[0]
    return [(0, int(part)) if part.isdecimal() else (1, part) for part in path.split(".")]


def read_yaml(text: str, source: str, error: type[DocumentError] = PlanFileError) -> Any:
    """Parse YAML (JSON is YAML too); raise `error` with the line and column of a syntax error."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else "YAML"
        raise error(source, [f"{where}: {problem}"]) from None


def parse_plan_text(text: str, source: str = "<plan>") -> PlanSpec:
    """Validate a plan given as YAML or JSON text (a file's content or a modal's input)."""
    if not text.strip():
        raise PlanFileError(source, ["(plan): the document is empty"])
    return parse_plan(read_yaml(text, source), source)


def load_plan_file(path: Path) -> PlanSpec:
    """Read and validate a YAML (or JSON) plan file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanFileError(str(path), [f"cannot read: {exc}"]) from None
    return parse_plan_text(text, str(path))


BUILTIN_PLANS_DIR = Path(__file__).with_name("builtin")


def builtin_plans() -> list[PlanSpec]:
    """The plans shipped with Loopbot, one per interview process of PRODUCT.md. These files are ours
    and valid, so they are read with libyaml's loader when PyYAML has it (several times faster: they
    are parsed on every start); text from users keeps PyYAML's own loader and its error messages."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return [
        parse_plan(yaml.load(path.read_text(encoding="utf-8"), Loader=loader), str(path))
        for path in sorted(BUILTIN_PLANS_DIR.glob("*.yaml"))
    ]
