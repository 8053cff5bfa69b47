"""The `loopbot` command: run, worker, db (upgrade, downgrade, current, history), demo, plans and
admin tasks. Configuration problems (settings, DATABASE_URL, Slack credentials) get one line on
stderr and a non-zero exit, never a traceback."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.settings import Settings, SettingsError, load_settings
from storage.database import (
    DatabaseUrlError,
    alembic_config,
    check_database,
    current_revision,
    error_reason,
    make_engine,
    masked_url,
    normalise_url,
)

EXIT_FAILED = 1
EXIT_CONFIG = 2

Command = Callable[[argparse.Namespace], int]
DbCommand = Callable[[argparse.Namespace, Engine], int]


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as err:
        print(err, file=sys.stderr)
        raise SystemExit(EXIT_CONFIG) from None


def _settings_with_database() -> Settings:
    """Settings whose DATABASE_URL was just opened."""
    settings = _settings()
    check_database(settings.database_url)
    return settings


def package_version() -> str:
    """The installed package's version (pyproject.toml's, via the package metadata)."""
    from importlib.metadata import PackageNotFoundError, version  # only `--version` needs it

    try:
        return version("loopbot")
    except PackageNotFoundError:
        return "unknown (not installed)"


# -- db ------------------------------------------------------------------------------------------
def db_upgrade(args: argparse.Namespace, engine: Engine) -> int:
    from alembic import command

    command.upgrade(alembic_config(engine), args.revision)
    print(f"Database is at revision {current_revision(engine)}.")
    return 0


def db_downgrade(args: argparse.Namespace, engine: Engine) -> int:
    from alembic import command

    command.downgrade(alembic_config(engine), args.revision)
    revision = current_revision(engine)
    print(f"Database is at revision {revision}." if revision else "Database is at base (no Loopbot tables).")
    return 0


def db_current(args: argparse.Namespace, engine: Engine) -> int:
    from alembic import command

    if current_revision(engine) is None:
        print("No revision: the database has no Loopbot tables yet (`loopbot db upgrade` creates them).")
        return 0
    command.current(alembic_config(engine), verbose=args.verbose)
    return 0


def db_history(args: argparse.Namespace, engine: Engine) -> int:
    from alembic import command

    command.history(alembic_config(engine), verbose=args.verbose, indicate_current=True)
    return 0


DB_COMMANDS: dict[str, DbCommand] = {
    "upgrade": db_upgrade,
    "downgrade": db_downgrade,
    "current": db_current,
    "history": db_history,
}


def db_sql(args: argparse.Namespace, url: str) -> int:
    """Print the SQL of an upgrade or downgrade for DATABASE_URL's dialect; no database is opened.
    A downgrade's REVISION without `FROM:` starts from head."""
    from alembic import command

    cfg = alembic_config(url=normalise_url(url))
    if args.db_command == "upgrade":
        command.upgrade(cfg, args.revision, sql=True)
    else:
        revision = args.revision if ":" in args.revision else f"head:{args.revision}"
        command.downgrade(cfg, revision, sql=True)
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    """`loopbot db upgrade|downgrade|current|history` on DATABASE_URL, through alembic.command."""
    url = _settings().database_url
    if getattr(args, "sql", False):
        return db_sql(args, url)
    check_database(url)
    engine = make_engine(url)
    try:
        return DB_COMMANDS[args.db_command](args, engine)
    except SQLAlchemyError as err:
        print(f"Database error at {masked_url(url)}: {error_reason(err, url)}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        engine.dispose()


def cmd_run(args: argparse.Namespace) -> int:
    """`loopbot run` (Slack and the scheduler) or `loopbot worker` (the scheduler only)."""
    from bot.startup import run_web, run_worker

    return (run_web if args.command == "run" else run_worker)(_settings_with_database())


def cmd_demo(args: argparse.Namespace) -> int:
    from bot.demo.main import run_demo

    return run_demo(verbose=args.verbose)


def cmd_plans(args: argparse.Namespace) -> int:
    """`loopbot plans …` and `loopbot questions …`."""
    from bot.plans_cli import SUBCOMMANDS

    subcommand = getattr(args, f"{args.command}_command")
    return SUBCOMMANDS[args.command, subcommand](args, _settings_with_database)


def _slack_credentials(settings: Settings) -> None:
    """Exit with one line when `loopbot forget` could not rewrite Loopbot's Slack messages."""
    missing = settings.missing_slack_credentials()
    if missing:
        print(
            f"loopbot forget needs Slack credentials to rewrite the messages that name the candidate: "
            f"set {' and '.join(missing)} in the environment or .env "
            "(or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET for several workspaces).",
            file=sys.stderr,
        )
        raise SystemExit(EXIT_CONFIG)


def cmd_forget(args: argparse.Namespace) -> int:
    """Erase a candidate's personal data (as `/interview forget` does, with an admin's rights)."""
    from bot.startup import _build
    from hiring.errors import DomainError
    from hiring.permissions import Actor

    settings = _settings_with_database()
    _slack_credentials(settings)
    loopbot = _build(settings)
    if isinstance(loopbot, int):
        return loopbot
    services = loopbot.services
    try:
        candidate = services.candidates.find(args.team, args.candidate)
        if not args.yes:
            answer = input(f"Erase all personal data of {candidate.name} (#{candidate.id})? Type 'erase': ")
            if answer.strip().lower() != "erase":
                print("Nothing was erased.")
                return 1
        actor = Actor(team_id=args.team, user_id="USLACKBOT", is_admin=True)
        done = services.privacy.finish(services.privacy.forget(actor, candidate.id, reason="loopbot forget"))
    except DomainError as err:
        print(err.message, file=sys.stderr)
        return 1
    finally:
        loopbot.close()
    print(
        f"Candidate #{done.candidate_id} erased: {done.messages_updated} message(s) rewritten, "
        f"{done.events_cancelled} future event(s) cancelled."
    )
    for problem in done.problems:
        print(f"  not changed: {problem}", file=sys.stderr)
    return 0


AddParser = Callable[..., argparse.ArgumentParser]


class VersionAction(argparse.Action):
    """`--version`: looks the version up only when asked (reading package metadata costs every
    other command start-up time)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: object) -> None:
        print(f"loopbot {package_version()}")
        parser.exit()


def add_db_parsers(add: AddParser) -> None:
    """`loopbot db …`: Alembic's upgrade, downgrade, current and history."""
    db_sub = add("db", help="database migrations (Alembic)").add_subparsers(dest="db_command", required=True)
    up = db_sub.add_parser("upgrade", help="apply migrations (to head, or to REVISION)")
    up.add_argument("revision", nargs="?", default="head", help="target revision (default: head)")
    down = db_sub.add_parser("downgrade", help="revert migrations to REVISION (base: drop every table)")
    down.add_argument(
        "revision", help="an id, -1 (one step back) or base; with --sql also FROM:TO (FROM is head otherwise)"
    )
    for parser in (up, down):
        parser.add_argument(
            "--sql",
            action="store_true",
            help="print the SQL for DATABASE_URL's dialect instead of running it (no database is opened)",
        )
    for name, text in (("current", "show the database's revision"), ("history", "list the migrations")):
        db_sub.add_parser(name, help=text).add_argument("-v", "--verbose", action="store_true")


def add_plans_parsers(add: AddParser) -> None:
    """`loopbot plans …` and `loopbot questions …`."""
    plans_sub = add("plans", help="interview plans").add_subparsers(dest="plans_command", required=True)
    plans_list = plans_sub.add_parser("list", help="list built-in and imported plans")
    plans_list.add_argument("--team", default=None, help="workspace id (default: built-in plans only)")
    show = plans_sub.add_parser("show", help="show a plan's stages and interviews")
    show.add_argument("key")
    show.add_argument("--team", default=None)
    validate = plans_sub.add_parser("validate", help="check a plan file; nothing is imported")
    imp = plans_sub.add_parser("import", help="validate and import a plan file into a workspace")

    questions = add("questions", help="the interview question bank")
    questions_sub = questions.add_subparsers(dest="questions_command", required=True)
    q_validate = questions_sub.add_parser("validate", help="check a question bank file; nothing is imported")
    q_import = questions_sub.add_parser("import", help="validate and import a question bank into a workspace")
    for parser in (validate, imp, q_validate, q_import):
        parser.add_argument("file", type=Path)
    for parser in (imp, q_import):
        parser.add_argument("--team", required=True, help="Slack workspace (team) id, e.g. T0123ABCD")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="loopbot", description="Loopbot: interview loops in Slack.")
    parser.add_argument("--version", action=VersionAction)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser(
        "run", help="serve Slack (HTTP, or Socket Mode with SLACK_APP_TOKEN) and run the scheduler"
    )
    sub.add_parser("worker", help="run only the scheduler (reminders, debriefs, digests)")
    add_db_parsers(sub.add_parser)
    demo = sub.add_parser("demo", help="run a whole hiring flow against a simulated workspace")
    demo.add_argument("--verbose", action="store_true", help="show log output too")
    add_plans_parsers(sub.add_parser)
    forget = sub.add_parser("forget", help="erase a candidate's personal data")
    forget.add_argument("candidate", help="the candidate's name or #id")
    forget.add_argument("--team", required=True, help="Slack workspace (team) id, e.g. T0123ABCD")
    forget.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    return parser


COMMANDS: dict[str, Command] = {
    "run": cmd_run,
    "worker": cmd_run,
    "db": cmd_db,
    "demo": cmd_demo,
    "plans": cmd_plans,
    "questions": cmd_plans,
    "forget": cmd_forget,
}


def migration_error(err: Exception) -> bool:
    """Whether `err` is Alembic's `CommandError` (without loading Alembic when nothing else did)."""
    util = sys.modules.get("alembic.util")
    return util is not None and isinstance(err, util.CommandError)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one `loopbot` command; returns its exit code."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return COMMANDS[args.command](args)
    except DatabaseUrlError as err:
        print(err, file=sys.stderr)
        return EXIT_CONFIG
    except Exception as err:
        if not migration_error(err):
            raise
        print(f"Migration error: {err}", file=sys.stderr)
        return EXIT_FAILED
    except BrokenPipeError:
        # The reader went away (`loopbot db upgrade --sql | head`): stop quietly, as `cat` does.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED


if __name__ == "__main__":
    raise SystemExit(main())
