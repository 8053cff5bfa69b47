"""`loopbot plans list|show|validate|import` and `loopbot questions validate|import`.

Validation needs no configuration. Commands given `--team` read `DATABASE_URL`; imports apply the
migrations before writing. Exit codes: 0 done, 1 invalid input (nothing written), 2 configuration.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy.exc import SQLAlchemyError

from bot.settings import Settings
from hiring.clock import SystemClock
from hiring.errors import DomainError
from hiring.feedback.questions import (
    QuestionBankSpec,
    QuestionService,
    builtin_question_banks,
    load_question_file,
)
from hiring.plans.plans import PlanService, spec_of
from hiring.plans.schema import DocumentError, PlanSpec, builtin_plans, load_plan_file
from hiring.plans.summary import interview_count, minutes, plan_lines, plan_outline
from hiring.text import close_matches
from storage.database import current_revision, upgrade
from storage.uow import Database

EXIT_INVALID = 1
EXIT_CONFIG = 2
TEAM_ID = re.compile(r"^[A-Z0-9]{2,32}$")

SettingsFactory = Callable[[], Settings]


def _err(text: str) -> None:
    print(text, file=sys.stderr)


def _team(value: str | None) -> str | None:
    if value is not None and not TEAM_ID.match(value):
        _err(f"--team {value!r} is not a Slack workspace id; use the team id, e.g. T0123ABCD.")
        raise SystemExit(EXIT_CONFIG)
    return value


@contextmanager
def _database(settings_factory: SettingsFactory, *, migrate: bool) -> Iterator[Database]:
    """The configured database; migrated first when we are about to write."""
    settings = settings_factory()
    db = Database(settings.database_url)
    try:
        if migrate:
            upgrade(db.engine)
        elif current_revision(db.engine) is None:
            _err("The database at DATABASE_URL has no Loopbot tables yet; run `loopbot db upgrade` first.")
            raise SystemExit(EXIT_INVALID)
        yield db
    except SQLAlchemyError as exc:
        _err(f"Database error: {type(exc).__name__}: {str(exc).splitlines()[0]}")
        raise SystemExit(EXIT_INVALID) from None
    finally:
        db.dispose()


def _print_invalid(kind: str, err: DocumentError, *, importing: bool = False) -> int:
    _err(
        f"{err.source} is not a valid {kind} ({len(err.problems)} problem{'s' if len(err.problems) != 1 else ''}):"
    )
    for problem in err.problems:
        _err(f"  {problem}")
    if importing:
        _err("Nothing was imported.")
    return EXIT_INVALID


def _summary(spec: PlanSpec) -> str:
    interviews = sum(len(s.interviews) for s in spec.stages)
    return (
        f"{spec.key} — {spec.name}: {len(spec.stages)} stage{'s' if len(spec.stages) != 1 else ''}, "
        f"{interviews} interview{'s' if interviews != 1 else ''}"
    )


def _coverage_notes(spec: PlanSpec) -> list[str]:
    """Interviews whose focus and competency have no built-in question (briefings will have none)."""
    have = {(q.focus, q.competency) for bank in builtin_question_banks() for q in bank.questions}
    notes = []
    for stage in spec.stages:
        for interview in stage.interviews:
            lacking = [c for c in interview.competencies if (interview.focus_key, c) not in have]
            if lacking:
                notes.append(
                    f"note: no built-in questions for {stage.key}.{interview.key} "
                    f"(focus {interview.focus_key}; {', '.join(lacking)}); "
                    "import a question bank with `loopbot questions import`"
                )
    return notes


# -- plans ---------------------------------------------------------------------------------------
def plans_list(args: argparse.Namespace, settings_factory: SettingsFactory) -> int:
    team = _team(args.team)
    print("Built-in plans:")
    for spec in builtin_plans():
        print(f"  {spec.key}  {spec.name}")
        print(f"      {plan_outline(spec)}")
    if team is None:
        return 0
    with _database(settings_factory, migrate=False) as db, db.uow(team) as uow:
        imported = [p for p in uow.plans.all() if p.source != "builtin"]
    print(f"\nPlans imported into {team}:")
    if not imported:
        print("  none yet (add one with `loopbot plans import FILE --team …` or `/interview plan`)")
    for plan in imported:
        print(f"  {plan.key}  {plan.name}  ({plan.source}, {plan.created_at:%Y-%m-%d})")
        print(f"      {plan_outline(spec_of(plan))}")
    return 0


def plans_show(args: argparse.Namespace, settings_factory: SettingsFactory) -> int:
    team = _team(args.team)
    specs = {s.key: s for s in builtin_plans()}
    if team is not None:
        with _database(settings_factory, migrate=False) as db, db.uow(team) as uow:
            for plan in uow.plans.all():
                specs.setdefault(plan.key, spec_of(plan))
    spec = specs.get(args.key)
    if spec is None:
        close = close_matches(args.key, list(specs))
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        where = "" if team else " (add --team T… to include a workspace's imported plans)"
        _err(f"No plan {args.key!r}{where}.{hint}")
        return EXIT_INVALID
    print("\n".join(plan_lines(spec)))
    return 0


def plans_validate(args: argparse.Namespace, settings_factory: SettingsFactory) -> int:
    try:
        spec = load_plan_file(args.file)
    except DocumentError as err:
        return _print_invalid("plan", err)
    print(f"valid: {_summary(spec)}")
    for stage in spec.stages:
        print(f"  {stage.key}: {interview_count(stage)}, {minutes(stage.required_minutes())}")
    for note in _coverage_notes(spec):
        print(note)
    return 0


def plans_import(args: argparse.Namespace, settings_factory: SettingsFactory) -> int:
    team = _team(args.team)
    assert team is not None
    try:
        spec = load_plan_file(args.file)
    except DocumentError as err:
        return _print_invalid("plan", err, importing=True)
    with _database(settings_factory, migrate=True) as db:
        try:
            plan, created = PlanService(db, SystemClock()).import_spec(team, spec, source="file")
        except DomainError as err:
            _err(f"{err.message}\nNothing was imported.")
            return EXIT_INVALID
    print(f"{'Imported' if created else 'Updated'} plan {_summary(spec)} into {team} (id {plan.id}).")
    return 0


# -- questions -----------------------------------------------------------------------------------
def _bank_summary(spec: QuestionBankSpec) -> str:
    foci = ", ".join(f"{focus} ({n})" for focus, n in spec.foci().items())
    return f"{spec.bank} — {spec.name}: {len(spec.questions)} questions; foci: {foci}"


def questions_validate(args: argparse.Namespace, settings_factory: SettingsFactory) -> int:
    try:
        spec = load_question_file(args.file)
    except DocumentError as err:
        return _print_invalid("question bank", err)
    print(f"valid: {_bank_summary(spec)}")
    return 0


def questions_import(args: argparse.Namespace, settings_factory: SettingsFactory) -> int:
    team = _team(args.team)
    assert team is not None
    try:
        spec = load_question_file(args.file)
    except DocumentError as err:
        return _print_invalid("question bank", err, importing=True)
    with _database(settings_factory, migrate=True) as db:
        try:
            result = QuestionService(db, SystemClock()).import_bank(team, spec)
        except DomainError as err:
            _err(f"{err.message}\nNothing was imported.")
            return EXIT_INVALID
    print(
        f"Imported question bank {spec.bank} into {team}: {result.created} new, {result.updated} updated, "
        f"{result.unchanged} unchanged."
    )
    return 0


SUBCOMMANDS: dict[tuple[str, str], Callable[[argparse.Namespace, SettingsFactory], int]] = {
    ("plans", "list"): plans_list,
    ("plans", "show"): plans_show,
    ("plans", "validate"): plans_validate,
    ("plans", "import"): plans_import,
    ("questions", "validate"): questions_validate,
    ("questions", "import"): questions_import,
}
