"""`loopbot --version` and `loopbot db …` through the installed console script, and the plain
`alembic` command through the repository's alembic.ini."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

from sqlalchemy.engine import make_url

from storage.database import make_engine, upgrade

ROOT = Path(__file__).resolve().parents[2]
HEAD = "0003"
PREVIOUS = "0002"  # the revision before head


def console_script(name: str) -> str:
    """The console script installed next to this interpreter (the venv's), else on PATH."""
    beside = Path(sys.executable).with_name(name)
    found = str(beside) if beside.exists() else shutil.which(name)
    assert found, f"the {name} console script is not installed (pip install -e .)"
    return found


def run(
    *args: str, database_url: str, cwd: Path, program: str = "loopbot"
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
    env["DATABASE_URL"] = database_url
    return subprocess.run(
        [console_script(program), *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=120
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def test_version_comes_from_the_package_metadata(tmp_path: Path) -> None:
    result = run("--version", database_url="garbage", cwd=tmp_path)
    assert ok(result) == f"loopbot {version('loopbot')}\n"


def test_db_upgrade_downgrade_current_and_history(database_url: str, tmp_path: Path) -> None:
    """On SQLite and PostgreSQL: the migrated test database goes one step back and up again."""
    try:
        assert ok(run("db", "current", database_url=database_url, cwd=tmp_path)) == f"{HEAD} (head)\n"
        history = ok(run("db", "history", database_url=database_url, cwd=tmp_path))
        assert f"{PREVIOUS} -> {HEAD} (head) (current)" in history and "<base> -> 0001" in history
        stepped = run("db", "downgrade", "-1", database_url=database_url, cwd=tmp_path)
        assert ok(stepped) == f"Database is at revision {PREVIOUS}.\n"
        assert ok(run("db", "current", database_url=database_url, cwd=tmp_path)) == f"{PREVIOUS}\n"
        assert ok(run("db", "upgrade", database_url=database_url, cwd=tmp_path)) == (
            f"Database is at revision {HEAD}.\n"
        )
    finally:
        engine = make_engine(database_url)
        upgrade(engine)  # whatever happened, the next test gets a migrated database
        engine.dispose()


def test_db_from_empty_to_base_and_back(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'loopbot.db'}"
    assert "no Loopbot tables yet" in ok(run("db", "current", database_url=url, cwd=tmp_path))
    assert (
        ok(run("db", "upgrade", "0001", database_url=url, cwd=tmp_path)) == "Database is at revision 0001.\n"
    )
    assert ok(run("db", "upgrade", database_url=url, cwd=tmp_path)) == f"Database is at revision {HEAD}.\n"
    based = ok(run("db", "downgrade", "base", database_url=url, cwd=tmp_path))
    assert based == "Database is at base (no Loopbot tables).\n"
    assert "no Loopbot tables yet" in ok(run("db", "current", database_url=url, cwd=tmp_path))
    unknown = run("db", "downgrade", "nope", database_url=url, cwd=tmp_path)
    assert unknown.returncode == 1 and "Traceback" not in unknown.stderr
    assert unknown.stderr.strip() == "Migration error: Can't locate revision identified by 'nope'"


def test_sql_is_printed_without_touching_a_database(tmp_path: Path) -> None:
    """`--sql` needs only the dialect: the SQLite file's folder does not exist and nothing listens
    on the PostgreSQL port."""
    sqlite = f"sqlite:///{tmp_path / 'missing' / 'loopbot.db'}"
    script = ok(run("db", "upgrade", "--sql", database_url=sqlite, cwd=tmp_path))
    assert "CREATE TABLE candidates (" in script and "CREATE TABLE slack_installations (" in script
    assert "INSERT INTO alembic_version (version_num) VALUES ('0001')" in script
    assert not (tmp_path / "missing").exists()

    postgres = "postgresql://loopbot:pw-s3cret@127.0.0.1:1/loopbot"
    script = ok(run("db", "upgrade", "--sql", database_url=postgres, cwd=tmp_path))
    assert script.startswith("BEGIN;") and script.rstrip().endswith("COMMIT;")
    assert "CREATE TABLE candidates (" in script and "TIMESTAMP WITH TIME ZONE" in script
    down = ok(run("db", "downgrade", "--sql", "base", database_url=postgres, cwd=tmp_path))
    assert "DROP TABLE candidates;" in down and "CREATE TABLE" not in down
    one = ok(run("db", "downgrade", "--sql", "0002:0001", database_url=postgres, cwd=tmp_path))
    assert "DROP TABLE slack_installations;" in one and "DROP TABLE candidates;" not in one


def test_the_alembic_command_reads_database_url_like_the_app(database_url: str, tmp_path: Path) -> None:
    """`alembic -c alembic.ini …` from anywhere, with DATABASE_URL as the app reads it (a
    `postgresql://` URL without a driver works, as it does for `loopbot`)."""
    url = make_url(database_url)
    if url.drivername == "postgresql+psycopg":
        url = url.set(drivername="postgresql")
    plain = url.render_as_string(hide_password=False)
    ini = str(ROOT / "alembic.ini")

    def alembic(*args: str) -> str:
        return ok(run("-c", ini, *args, database_url=plain, cwd=tmp_path, program="alembic"))

    assert alembic("current").strip() == f"{HEAD} (head)"
    alembic("upgrade", "head")
    assert "No new upgrade operations detected" in alembic("check")
    assert "CREATE TABLE candidates" in alembic("upgrade", "--sql", "head")


def test_the_alembic_command_upgrades_and_downgrades(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"DATABASE_URL=sqlite:///{tmp_path / 'from-dotenv.db'}\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_URL")}
    ini = str(ROOT / "alembic.ini")

    def alembic(*args: str) -> str:
        result = subprocess.run(
            [console_script("alembic"), "-c", ini, *args],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        return ok(result)

    alembic("upgrade", "head")  # DATABASE_URL from .env, as the app reads it
    assert alembic("current").strip() == f"{HEAD} (head)"
    alembic("downgrade", "base")
    assert alembic("current").strip() == ""
    alembic("upgrade", "head")
    assert (tmp_path / "from-dotenv.db").exists()
