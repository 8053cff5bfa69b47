"""The shared question bank: YAML bank files, validated by pydantic, stored per workspace.

A bank file names its bank and lists questions, each with a stable key, the focus it serves (an
interview's `question_focus`, see `hiring.plans.schema.InterviewSpec.focus_key`), the competency it
probes (a plan's competency key) and its text. Banks shipped in `hiring/feedback/question_banks/` are
seeded into every workspace; teams import their own with `loopbot questions import`.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from hiring.clock import Clock
from hiring.errors import Conflict
from hiring.plans.schema import KEY, DocumentError, InterviewSpec, read_yaml, validation_problems
from storage.models import Question
from storage.repositories.base import unless_duplicate
from storage.uow import Database, UnitOfWork

QUESTION_KEY = r"^[a-z0-9][a-z0-9_-]{0,119}$"
BUILTIN_QUESTIONS_DIR = Path(__file__).with_name("question_banks")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QuestionSpec(_Strict):
    """One question: what the interviewer asks, for which focus and competency."""

    key: str = Field(pattern=QUESTION_KEY)
    focus: str = Field(pattern=KEY)
    competency: str = Field(pattern=KEY)
    text: str = Field(min_length=10, max_length=2000)

    @field_validator("text")
    @classmethod
    def _tidy(cls, value: str) -> str:
        return value.strip()


class QuestionBankSpec(_Strict):
    """A bank of questions (one file). Question keys are unique within the bank."""

    bank: str = Field(pattern=KEY)
    name: str = Field(min_length=1, max_length=150)
    description: str = Field(default="", max_length=2000)
    questions: list[QuestionSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> QuestionBankSpec:
        seen: dict[str, int] = {}
        problems = []
        for index, question in enumerate(self.questions):
            if question.key in seen:
                problems.append(
                    f"questions.{index}.key: {question.key!r} is already used by questions.{seen[question.key]}"
                )
            seen.setdefault(question.key, index)
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def foci(self) -> dict[str, int]:
        """Questions per focus, in the order the foci first appear."""
        return dict(Counter(question.focus for question in self.questions))


class QuestionFileError(DocumentError):
    """A question bank file that does not validate: one line per bad field, with its path."""


def parse_bank(data: Any, source: str = "<bank>") -> QuestionBankSpec:
    """Validate a bank document; raise `QuestionFileError` naming the path of every bad field."""
    try:
        return QuestionBankSpec.model_validate(data)
    except ValidationError as exc:
        raise QuestionFileError(source, validation_problems(exc, whole="(bank)")) from None


def load_question_file(path: Path) -> QuestionBankSpec:
    """Read and validate a YAML (or JSON) question bank file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QuestionFileError(str(path), [f"cannot read: {exc}"]) from None
    if not text.strip():
        raise QuestionFileError(str(path), ["(bank): the document is empty"])
    return parse_bank(read_yaml(text, str(path), QuestionFileError), str(path))


@lru_cache(maxsize=1)
def _builtin() -> tuple[QuestionBankSpec, ...]:
    return tuple(load_question_file(p) for p in sorted(BUILTIN_QUESTIONS_DIR.glob("*.yaml")))


def builtin_question_banks() -> list[QuestionBankSpec]:
    """The banks shipped with Loopbot (questions for every focus and competency of the built-in plans)."""
    return list(_builtin())


@dataclass(frozen=True)
class BankImport:
    """What an import changed."""

    bank: str
    created: int
    updated: int
    unchanged: int


def _upsert(uow: UnitOfWork, team_id: str, spec: QuestionBankSpec) -> BankImport:
    existing = {q.key: q for q in uow.feedback.bank_questions(spec.bank)}
    new: list[Question] = []
    updated = unchanged = 0
    for q in spec.questions:
        row = existing.get(q.key)
        if row is None:
            new.append(
                Question(
                    team_id=team_id,
                    bank=spec.bank,
                    key=q.key,
                    focus=q.focus,
                    competency=q.competency,
                    text=q.text,
                )
            )
        elif (row.focus, row.competency, row.text) != (q.focus, q.competency, q.text):
            row.focus, row.competency, row.text = q.focus, q.competency, q.text
            updated += 1
        else:
            unchanged += 1
    uow.feedback.add_questions(new)
    return BankImport(spec.bank, len(new), updated, unchanged)


class QuestionService:
    """Stores question banks per workspace and finds questions for an interview.

    Queries for the engineer who hands questions to interviewers:

    - `for_focus(team_id, competencies, focus_keys)` — the workspace's questions whose focus is one
      of `focus_keys` and whose competency is one of `competencies` (either list empty: any), ordered
      by the position of their competency in `competencies`, then focus, bank and key; questions
      stored without a competency come last. Deterministic, so a rotation over it is stable.
    - `for_interview(team_id, interview)` — the same for one `InterviewSpec` of a plan: its
      `focus_key` and its competencies.
    - `get(team_id, question_id)` — one question by id (for assignments).

    Built-in banks are seeded on first use in each process (idempotent and safe across replicas)."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self._seeded: set[str] = set()
        self._lock = threading.Lock()

    def ensure_builtin(self, team_id: str) -> None:
        """Make sure the workspace has every built-in question, with its current text."""
        if team_id in self._seeded:
            return
        with self._lock:
            if team_id in self._seeded:
                return
            for spec in builtin_question_banks():
                with self.db.uow(team_id) as uow:
                    result = _upsert(uow, team_id, spec)
                    if result.created or result.updated:
                        unless_duplicate(uow.commit)  # another replica seeded this bank at the same moment
            self._seeded.add(team_id)

    def import_bank(self, team_id: str, spec: QuestionBankSpec, *, actor_id: str = "cli") -> BankImport:
        """Store a validated bank: new keys are added, known keys get the new text. Audited.

        Built-in bank names are reserved (their questions are refreshed from the shipped files)."""
        if spec.bank in {b.bank for b in builtin_question_banks()}:
            raise Conflict(
                f"`{spec.bank}` is a built-in question bank; give your bank another name (the `bank:` field)."
            )
        self.ensure_builtin(team_id)
        with self.db.uow(team_id) as uow:
            result = _upsert(uow, team_id, spec)
            uow.audit.record(
                at=self.clock.now(),
                actor_id=actor_id,
                action="questions.imported",
                subject_type="question_bank",
                subject_id=spec.bank,
                after={
                    "name": spec.name,
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                },
            )
            uow.commit()
        return result

    def for_focus(
        self, team_id: str, competencies: Sequence[str] = (), focus_keys: Sequence[str] = ()
    ) -> list[Question]:
        """Questions for these competencies and foci (see the class docstring for the order)."""
        self.ensure_builtin(team_id)
        with self.db.uow(team_id) as uow:
            rows = uow.feedback.questions_matching(focus_keys, competencies)
        rank = {c: i for i, c in enumerate(competencies)}
        focus_rank = {f: i for i, f in enumerate(focus_keys)}
        rows.sort(
            key=lambda q: (
                rank.get(q.competency, len(rank)) if q.competency else len(rank) + 1,
                focus_rank.get(q.focus, 0),
                q.bank,
                q.key,
            )
        )
        return rows

    def for_interview(self, team_id: str, interview: InterviewSpec) -> list[Question]:
        """Questions for one interview of a plan: its focus key and its competencies."""
        return self.for_focus(team_id, interview.competencies, [interview.focus_key])

    def get(self, team_id: str, question_id: int) -> Question | None:
        with self.db.uow(team_id) as uow:
            return uow.feedback.question(question_id)
