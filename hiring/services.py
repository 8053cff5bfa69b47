"""The bundle of domain services that `bot` wires and `handlers` call."""

from __future__ import annotations

from dataclasses import dataclass

from hiring.chasing.digests import DigestService
from hiring.chasing.reminders import ChasingService
from hiring.clock import Clock
from hiring.decisions.debriefs import DebriefService
from hiring.decisions.decisions import DecisionService
from hiring.decisions.reports import ReportService
from hiring.feedback.briefings import BriefingService
from hiring.feedback.calibration import CalibrationService
from hiring.feedback.questions import QuestionService
from hiring.feedback.scorecards import ScorecardService
from hiring.home import HomeService
from hiring.panels.panels import PanelService
from hiring.panels.pools import PoolService
from hiring.people.limits import LimitsService
from hiring.people.people import PeopleService
from hiring.plans.plans import PlanService
from hiring.ports import Directory, Mailer, Notifier
from hiring.privacy.erasure import PrivacyService
from hiring.roles.candidates import CandidateService
from hiring.roles.roles import RoleService
from hiring.roles.status import StatusService
from hiring.scheduling.availability import AvailabilityService
from hiring.scheduling.booking import SchedulingService
from hiring.scheduling.busy import BusyService
from hiring.scheduling.declines import DeclineService
from hiring.scheduling.links import SchedulingLinks
from hiring.scheduling.self_service import SelfService
from hiring.workspaces import WorkspaceService
from scheduling.calendar_protocol import CalendarGateway
from storage.uow import Database


@dataclass
class Services:
    db: Database
    clock: Clock
    directory: Directory
    notifier: Notifier
    plans: PlanService
    roles: RoleService
    candidates: CandidateService
    scorecards: ScorecardService
    briefings: BriefingService
    home: HomeService
    people: PeopleService
    limits: LimitsService
    pools: PoolService
    panels: PanelService
    status: StatusService
    questions: QuestionService
    chasing: ChasingService
    digests: DigestService
    debriefs: DebriefService
    decisions: DecisionService
    reports: ReportService
    calibration: CalibrationService
    calendar: CalendarGateway
    availability: AvailabilityService
    scheduling: SchedulingService
    busy: BusyService
    declines: DeclineService
    privacy: PrivacyService
    links: SchedulingLinks
    workspaces: WorkspaceService
    self_service: SelfService


def build_services(
    db: Database,
    clock: Clock,
    directory: Directory,
    notifier: Notifier,
    calendar: CalendarGateway,
    *,
    public_url: str = "http://localhost:3000",
    mailer: Mailer | None = None,
    video_link_template: str | None = None,
) -> Services:
    """Every domain service over one database, clock and set of gateways (links are copied, not
    e-mailed, without a mailer; `video_link_template` serves video interviews on the built-in calendar)."""
    plans = PlanService(db, clock, notifier)
    questions = QuestionService(db, clock)
    people = PeopleService(db, clock, directory)
    pools = PoolService(db, clock, people)
    scorecards = ScorecardService(db, clock, directory, notifier)
    debriefs = DebriefService(db, clock, notifier)
    reports = ReportService(db, clock, notifier, directory)
    scheduling = SchedulingService(
        db, clock, calendar, people, pools, directory, notifier, video_link_template=video_link_template
    )
    candidates = CandidateService(db, clock, notifier)
    home = HomeService(db, clock, directory, scorecards)
    availability = AvailabilityService(db, clock)
    links = SchedulingLinks(db, clock, public_url, notifier, directory, mailer)
    return Services(
        db=db,
        clock=clock,
        directory=directory,
        notifier=notifier,
        plans=plans,
        roles=RoleService(db, clock, plans, directory, notifier),
        candidates=candidates,
        scorecards=scorecards,
        briefings=BriefingService(db, directory, questions.ensure_builtin),
        home=home,
        people=people,
        limits=LimitsService(db, clock, pools.can_manage),
        pools=pools,
        panels=PanelService(db, clock, pools, people, notifier),
        status=StatusService(db, clock, candidates, people),
        questions=questions,
        chasing=ChasingService(db, clock, directory),
        digests=DigestService(db, clock, notifier),
        debriefs=debriefs,
        decisions=DecisionService(db, clock, notifier, debriefs, reports),
        reports=reports,
        calibration=CalibrationService(db, clock),
        calendar=calendar,
        availability=availability,
        scheduling=scheduling,
        busy=BusyService(db, clock, people, calendar),
        declines=DeclineService(db, clock, calendar, pools, scheduling, directory),
        privacy=PrivacyService(db, clock, notifier, calendar),
        links=links,
        workspaces=WorkspaceService(db, clock),
        self_service=SelfService(db, clock, scheduling, availability, links, home),
    )
