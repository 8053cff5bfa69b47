"""`loopbot plans …` and `loopbot questions …` in-process, against SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli import main
from bot.sandbox.harness import START
from hiring.clock import FixedClock
from storage.models import AuditEvent, Plan, Question
from storage.uow import Database
from tests.factories import make_candidate, make_role

TEAM = "T0LOOPBOT"

PLAN = """\
key: platform-backend
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
    constraints: {same_day: true, buffer_minutes: 15, max_span_minutes: 240}
    interviews:
      - {key: design, name: System design, duration_minutes: 60, pool: senior_engineer,
         competencies: [design], mode: onsite}
      - {key: pairing, name: Pair programming, duration_minutes: 60, competencies: [coding], mode: onsite}
"""

BANK = """\
bank: platform
name: Platform questions
questions:
  - key: platform-rate-limiter
    focus: screen
    competency: coding
    text: Implement a rate limiter for our public API and explain how you would test it.
  - key: platform-queue-design
    focus: design
    competency: design
    text: Design the job queue behind our build farm; how do you keep jobs from running twice?
"""


@pytest.fixture
def env(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """DATABASE_URL for the CLI (settings come from the environment; no stray .env)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", database_url)
    db = Database(database_url)
    yield db
    db.dispose()


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def stored_plans(db: Database) -> list[Plan]:
    with db.uow(TEAM) as uow:
        return [p for p in uow.plans.all() if p.source != "builtin"]


def audit(db: Database) -> list[tuple[str, str, str]]:
    with db.uow(TEAM) as uow:
        return [(e.action, e.actor_id, e.subject_type) for e in uow.session.scalars(select(AuditEvent))]


def test_validate_reports_a_summary_or_every_bad_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plans", "validate", str(write(tmp_path, "good.yaml", PLAN))]) == 0
    out = capsys.readouterr().out
    assert "valid: platform-backend — Platform backend: 2 stages, 3 interviews" in out
    assert "onsite: 2 interviews, 2 h" in out
    # Its interviews' foci have no built-in questions: the summary says so (a note, not an error).
    assert "note: no built-in questions for screen.screen" in out

    bad = PLAN.replace(
        "duration_minutes: 60, competencies: [coding]", "duration_minutes: 3, competencies: [codin]"
    )
    assert main(["plans", "validate", str(write(tmp_path, "bad.yaml", bad))]) == 1
    err = capsys.readouterr().err
    assert "bad.yaml is not a valid plan (2 problems):" in err
    assert "  stages.1.interviews.1.duration_minutes: Input should be greater than or equal to 5" in err
    assert "  stages.1.interviews.1.competencies: unknown 'codin'" in err


def test_a_bad_file_imports_nothing(
    env: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write(tmp_path, "bad.yaml", PLAN.replace("pool: senior_engineer", "pool: wizard"))
    assert main(["plans", "import", str(bad), "--team", TEAM]) == 1
    err = capsys.readouterr().err
    assert "stages.1.interviews.0.pool: unknown pool 'wizard'" in err and "Nothing was imported." in err
    assert stored_plans(env) == [] and audit(env) == []


def test_import_then_list_show_and_reimport(
    env: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "plan.yaml", PLAN)
    assert main(["plans", "import", str(path), "--team", TEAM]) == 0
    assert "Imported plan platform-backend — Platform backend: 2 stages, 3 interviews into T0LOOPBOT" in (
        capsys.readouterr().out
    )
    [plan] = stored_plans(env)
    assert (plan.key, plan.source) == ("platform-backend", "file")
    assert audit(env) == [("plan.created", "cli", "plan")]

    assert main(["plans", "list", "--team", TEAM]) == 0
    out = capsys.readouterr().out
    assert "Built-in plans:" in out and "public-sector-senior-backend" in out
    assert "Plans imported into T0LOOPBOT:" in out and "platform-backend  Platform backend  (file" in out
    assert "Technical screen (45 min) → On-site (2 interviews, 2 h)" in out

    assert main(["plans", "show", "platform-backend", "--team", TEAM]) == 0
    out = capsys.readouterr().out
    assert "Stage 2: On-site  [onsite]" in out
    assert "Scheduling: all on the same day, in this order, 15 min between interviews, within 4 h" in out
    assert "System design  [design]: 1 h · senior engineer · on site" in out

    renamed = write(
        tmp_path, "plan2.yaml", PLAN.replace("name: Platform backend", "name: Platform backend v2")
    )
    assert main(["plans", "import", str(renamed), "--team", TEAM]) == 0
    assert "Updated plan platform-backend" in capsys.readouterr().out
    assert [p.name for p in stored_plans(env)] == ["Platform backend v2"]
    assert [a[0] for a in audit(env)] == ["plan.created", "plan.updated"]


def test_list_without_a_team_needs_no_database_and_show_suggests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert main(["plans", "list"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n  ") >= 4 and "online-backend-loop" in out and "Plans imported" not in out
    assert main(["plans", "show", "online-backend-lop"]) == 1
    assert "Did you mean online-backend-loop," in capsys.readouterr().err
    assert main(["plans", "show", "online-backend-loop"]) == 0
    assert "Stage 3: Technical interviews  [technical]" in capsys.readouterr().out


def test_built_in_keys_are_reserved_and_bad_team_ids_refused(
    env: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clash = write(tmp_path, "clash.yaml", PLAN.replace("key: platform-backend", "key: online-backend-loop"))
    assert main(["plans", "import", str(clash), "--team", TEAM]) == 1
    assert "is the key of a built-in plan" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exited:
        main(["plans", "import", str(clash), "--team", "not a team"])
    assert exited.value.code == 2
    assert stored_plans(env) == []


def test_reimport_keeps_the_stages_candidates_are_in(
    env: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plans", "import", str(write(tmp_path, "plan.yaml", PLAN)), "--team", TEAM]) == 0
    clock = FixedClock(START)
    role = make_role(env, clock, plan_key="platform-backend")
    make_candidate(env, clock, role, stage_key="onsite")
    without_onsite = PLAN.split("  - key: onsite")[0]
    assert main(["plans", "import", str(write(tmp_path, "short.yaml", without_onsite)), "--team", TEAM]) == 1
    assert "are in or went through stage `onsite`" in capsys.readouterr().err
    [plan] = stored_plans(env)
    assert [s["key"] for s in plan.definition["stages"]] == ["screen", "onsite"]


def test_questions_validate_and_import(
    env: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "bank.yaml", BANK)
    assert main(["questions", "validate", str(path)]) == 0
    assert (
        "valid: platform — Platform questions: 2 questions; foci: screen (1), design (1)"
        in capsys.readouterr().out
    )

    assert main(["questions", "import", str(path), "--team", TEAM]) == 0
    assert "2 new, 0 updated, 0 unchanged" in capsys.readouterr().out
    changed = write(tmp_path, "bank2.yaml", BANK.replace("explain how you would test it", "show the tests"))
    assert main(["questions", "import", str(changed), "--team", TEAM]) == 0
    assert "0 new, 1 updated, 1 unchanged" in capsys.readouterr().out
    with env.uow(TEAM) as uow:
        ours = {
            q.key: q.text for q in uow.session.scalars(select(Question).where(Question.bank == "platform"))
        }
        builtin = uow.session.scalars(select(Question).where(Question.bank != "platform")).all()
    assert ours["platform-rate-limiter"].endswith("show the tests.")
    assert len(ours) == 2 and len(builtin) >= 100  # the built-in banks were seeded alongside
    assert [a for a in audit(env) if a[0] == "questions.imported"] == [
        ("questions.imported", "cli", "question_bank"),
        ("questions.imported", "cli", "question_bank"),
    ]

    bad = write(tmp_path, "bad.yaml", BANK.replace("focus: design", "focus: Design Work"))
    assert main(["questions", "import", str(bad), "--team", TEAM]) == 1
    err = capsys.readouterr().err
    assert "questions.1.focus: 'Design Work' is not a key" in err and "Nothing was imported." in err
    reserved = write(tmp_path, "reserved.yaml", BANK.replace("bank: platform", "bank: coding"))
    assert main(["questions", "import", str(reserved), "--team", TEAM]) == 1
    assert "is a built-in question bank" in capsys.readouterr().err
