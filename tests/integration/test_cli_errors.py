"""The CLI never prints a traceback: an unusable DATABASE_URL, for every subcommand that opens the
database, and `loopbot forget` without Slack credentials each get one line on stderr (what is
wrong, what to set, no password) and a non-zero exit. Through the installed console script."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from storage.database import normalise_url

PASSWORD = "pw-s3cret"

PLAN = """\
key: tiny
name: Tiny plan
competencies:
  coding: Writes clear, working code
stages:
  - key: screen
    name: Screen
    interviews:
      - {key: screen, name: Coding screen, duration_minutes: 45, competencies: [coding]}
"""

BANK = """\
bank: tiny
name: Tiny questions
questions:
  - key: tiny-one
    focus: screen
    competency: coding
    text: Implement a rate limiter for our public API and explain how you would test it.
"""

SUBCOMMANDS = {
    "run": ["run"],
    "worker": ["worker"],
    "db upgrade": ["db", "upgrade"],
    "db downgrade": ["db", "downgrade", "base"],
    "db current": ["db", "current"],
    "db history": ["db", "history"],
    "plans list": ["plans", "list", "--team", "T0LOOPBOT"],
    "plans import": ["plans", "import", "plan.yaml", "--team", "T0LOOPBOT"],
    "questions import": ["questions", "import", "bank.yaml", "--team", "T0LOOPBOT"],
    "forget": ["forget", "Grace Hopper", "--team", "T0LOOPBOT", "--yes"],
}


def missing_postgres_database() -> str:
    """A database that does not exist on the test PostgreSQL server (with a password to hide)."""
    base = os.environ.get("LOOPBOT_TEST_DATABASE_URL")
    if not base:
        pytest.skip("needs LOOPBOT_TEST_DATABASE_URL (a PostgreSQL server)")
    url = make_url(normalise_url(base)).set(database="no_such_db")
    url = url if url.password else url.set(password=PASSWORD)  # trust auth ignores it
    return url.render_as_string(hide_password=False)


CASES = {
    "garbage": (lambda: "garbage", "DATABASE_URL is not a database URL"),
    "no such database": (missing_postgres_database, 'database "no_such_db" does not exist'),
    "mysql": (lambda: f"mysql://loopbot:{PASSWORD}@127.0.0.1/loopbot", "names mysql, which Loopbot does not"),
    "oracle": (lambda: f"oracle://loopbot:{PASSWORD}@127.0.0.1/xe", "names oracle, which Loopbot does not"),
}


def console_script(name: str) -> str:
    """The console script installed next to this interpreter (the venv's), else on PATH."""
    beside = Path(sys.executable).with_name(name)
    found = str(beside) if beside.exists() else shutil.which(name)
    assert found, f"the {name} console script is not installed (pip install -e .)"
    return found


def loopbot(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
    return subprocess.run(
        [console_script("loopbot"), *args],
        env=clean | env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def assert_one_clear_line(result: subprocess.CompletedProcess[str], *, hidden: str | None) -> str:
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Traceback" not in output
    assert hidden is None or hidden not in output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("subcommand", sorted(SUBCOMMANDS))
def test_an_unusable_database_url_gets_one_clear_line(subcommand: str, case: str, tmp_path: Path) -> None:
    url_of, expected = CASES[case]
    url = url_of()
    (tmp_path / "plan.yaml").write_text(PLAN)
    (tmp_path / "bank.yaml").write_text(BANK)
    result = loopbot(SUBCOMMANDS[subcommand], tmp_path, DATABASE_URL=url)
    line = assert_one_clear_line(result, hidden=None if case == "garbage" else make_url(url).password)
    assert expected in line and "DATABASE_URL" in line
    assert result.returncode == 2


def test_forget_without_slack_credentials_says_what_to_set(tmp_path: Path) -> None:
    result = loopbot(SUBCOMMANDS["forget"], tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'loopbot.db'}")
    line = assert_one_clear_line(result, hidden=None)
    assert "SLACK_BOT_TOKEN" in line and "SLACK_SIGNING_SECRET" in line and ".env" in line
    assert result.returncode == 2
