"""The `loopbot` command: run, worker, db upgrade, demo, plans and admin tasks."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from bot.settings import Settings, SettingsError, load_settings

EXIT_CONFIG = 2

Command = Callable[[argparse.Namespace], int]


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as err:
        print(err, file=sys.stderr)
        raise SystemExit(EXIT_CONFIG) from None


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from storage.database import current_revision, make_engine, upgrade

    settings = _settings()
    engine = make_engine(settings.database_url)
    upgrade(engine)
    print(f"Database is at revision {current_revision(engine)}.")
    engine.dispose()
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from bot.startup import run_web

    return run_web(_settings())


def cmd_worker(args: argparse.Namespace) -> int:
    from bot.startup import run_worker

    return run_worker(_settings())


def cmd_demo(args: argparse.Namespace) -> int:
    from bot.demo.main import run_demo

    return run_demo(verbose=args.verbose)


def cmd_plans(args: argparse.Namespace) -> int:
    from bot.plans_cli import plans_command

    return plans_command(args, _settings)


def cmd_questions(args: argparse.Namespace) -> int:
    from bot.plans_cli import questions_command

    return questions_command(args, _settings)


def cmd_forget(args: argparse.Namespace) -> int:
    """Erase a candidate's personal data (as `/interview forget` does, with an admin's rights)."""
    from bot.startup import _build
    from hiring.errors import DomainError
    from hiring.permissions import Actor

    settings = _settings()
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="loopbot", description="Loopbot: interview loops in Slack.")
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser(
        "run", help="serve Slack (HTTP, or Socket Mode with SLACK_APP_TOKEN) and run the scheduler"
    )
    sub.add_parser("worker", help="run only the scheduler (reminders, debriefs, digests)")
    db = sub.add_parser("db", help="database tasks")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="apply migrations")
    demo = sub.add_parser("demo", help="run a whole hiring flow against a simulated workspace")
    demo.add_argument("--verbose", action="store_true", help="show log output too")

    plans = sub.add_parser("plans", help="interview plans")
    plans_sub = plans.add_subparsers(dest="plans_command", required=True)
    plans_list = plans_sub.add_parser("list", help="list built-in and imported plans")
    plans_list.add_argument("--team", default=None, help="workspace id (default: built-in plans only)")
    show = plans_sub.add_parser("show", help="show a plan's stages and interviews")
    show.add_argument("key")
    show.add_argument("--team", default=None)
    validate = plans_sub.add_parser("validate", help="check a plan file; nothing is imported")
    validate.add_argument("file", type=Path)
    imp = plans_sub.add_parser("import", help="validate and import a plan file into a workspace")
    imp.add_argument("file", type=Path)
    imp.add_argument("--team", required=True, help="Slack workspace (team) id, e.g. T0123ABCD")

    forget = sub.add_parser("forget", help="erase a candidate's personal data")
    forget.add_argument("candidate", help="the candidate's name or #id")
    forget.add_argument("--team", required=True, help="Slack workspace (team) id, e.g. T0123ABCD")
    forget.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    questions = sub.add_parser("questions", help="the interview question bank")
    questions_sub = questions.add_subparsers(dest="questions_command", required=True)
    q_validate = questions_sub.add_parser("validate", help="check a question bank file; nothing is imported")
    q_validate.add_argument("file", type=Path)
    q_import = questions_sub.add_parser("import", help="validate and import a question bank into a workspace")
    q_import.add_argument("file", type=Path)
    q_import.add_argument("--team", required=True, help="Slack workspace (team) id, e.g. T0123ABCD")
    return parser


COMMANDS: dict[str, Command] = {
    "run": cmd_run,
    "worker": cmd_worker,
    "demo": cmd_demo,
    "plans": cmd_plans,
    "questions": cmd_questions,
    "forget": cmd_forget,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.command == "db":
        return cmd_db_upgrade(args)
    return COMMANDS[args.command](args)


if __name__ == "__main__":
    raise SystemExit(main())
