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
            raise ValueError("max must be greater than min")
        if self.max - self.min > 10:
            raise ValueError("a scale has at most 11 points")
        bad = [k for k in self.labels if not self.min <= k <= self.max]
        if bad:
            raise ValueError(f"labels outside the scale: {bad}")
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


class InterviewSpec(_Strict):
    """One interview of a stage."""

    key: str = Field(pattern=KEY)
    name: str = Field(min_length=1, max_length=120)
    focus: str = Field(default="", max_length=1000)
    duration_minutes: int = Field(ge=5, le=8 * 60)
    interviewers: int = Field(default=1, ge=1, le=6)
    pool: str = Field(default="engineer", pattern=KEY)
    competencies: list[str] = Field(default_factory=list)
    scale: str = "default"
    mode: Literal["online", "onsite"] = "online"
    shadow_allowed: bool = True
    alternatives: list[Alternative] = Field(default_factory=list)


class StageConstraints(_Strict):
    """Rules the slot solver honours for a stage's interviews."""

    same_day: bool = False
    ordered: bool = True
    buffer_minutes: int = Field(default=0, ge=0, le=120)
    break_after_minutes: int | None = Field(default=None, ge=30, le=8 * 60)
    break_minutes: int = Field(default=15, ge=0, le=120)
    max_span_minutes: int | None = Field(default=None, ge=15, le=24 * 60)


class StageSpec(_Strict):
    """An ordered step of the process, ending in a decision."""

    key: str = Field(pattern=KEY)
    name: str = Field(min_length=1, max_length=120)
    description: str = Field(default="", max_length=2000)
    interviews: list[InterviewSpec] = Field(default_factory=list)
    constraints: StageConstraints = Field(default_factory=StageConstraints)

    @model_validator(mode="after")
    def _unique(self) -> StageSpec:
        keys = [i.key for i in self.interviews]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            raise ValueError(f"interview keys repeated: {', '.join(dupes)}")
        return self


class PlanSpec(_Strict):
    """A whole interview plan."""

    key: str = Field(pattern=KEY)
    name: str = Field(min_length=1, max_length=150)
    description: str = Field(default="", max_length=4000)
    competencies: dict[str, str] = Field(default_factory=dict)
    scales: dict[str, RatingScale] = Field(default_factory=lambda: {"default": RatingScale()})
    stages: list[StageSpec] = Field(min_length=1)

    @field_validator("competencies")
    @classmethod
    def _competency_keys(cls, value: dict[str, str]) -> dict[str, str]:
        bad = [k for k in value if not re.match(KEY, k)]
        if bad:
            raise ValueError(f"competency keys must be slugs: {bad}")
        return value

    @model_validator(mode="after")
    def _references(self) -> PlanSpec:
        keys = [s.key for s in self.stages]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            raise ValueError(f"stage keys repeated: {', '.join(dupes)}")
        for stage in self.stages:
            for interview in stage.interviews:
                if interview.scale not in self.scales:
                    raise ValueError(
                        f"stage {stage.key!r}, interview {interview.key!r}: unknown scale {interview.scale!r}"
                    )
                unknown = [c for c in interview.competencies if c not in self.competencies]
                if unknown:
                    raise ValueError(
                        f"stage {stage.key!r}, interview {interview.key!r}: unknown competencies {unknown}"
                    )
        return self

    def stage(self, key: str) -> StageSpec:
        for stage in self.stages:
            if stage.key == key:
                return stage
        raise KeyError(key)

    def next_stage(self, key: str) -> StageSpec | None:
        keys = [s.key for s in self.stages]
        index = keys.index(key)
        return self.stages[index + 1] if index + 1 < len(self.stages) else None

    def interview(self, stage_key: str, interview_key: str) -> InterviewSpec:
        for interview in self.stage(stage_key).interviews:
            if interview.key == interview_key:
                return interview
        raise KeyError(interview_key)


class PlanFileError(Exception):
    """A plan file that does not validate: one line per bad field, with its path."""

    def __init__(self, source: str, problems: list[str]) -> None:
        super().__init__(f"{source}:\n  " + "\n  ".join(problems))
        self.source = source
        self.problems = problems


def parse_plan(data: Any, source: str = "<plan>") -> PlanSpec:
    """Validate a plan document; raise `PlanFileError` naming the path of every bad field."""
    try:
        return PlanSpec.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            path = ".".join(str(p) for p in err["loc"]) or "(plan)"
            problems.append(f"{path}: {err['msg']}")
        raise PlanFileError(source, problems) from None


def load_plan_file(path: Path) -> PlanSpec:
    """Read and validate a YAML (or JSON) plan file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PlanFileError(str(path), [f"cannot read: {exc}"]) from None
    return parse_plan(data, str(path))


BUILTIN_PLANS_DIR = Path(__file__).with_name("builtin") / "plans"


def builtin_plans() -> list[PlanSpec]:
    """The plans shipped with Loopbot, one per interview process of PRODUCT.md."""
    return [load_plan_file(p) for p in sorted(BUILTIN_PLANS_DIR.glob("*.yaml"))]
