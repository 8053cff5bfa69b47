"""The chart of `/interview calibration`, drawn after the text reply and put in the requester's DM
with Loopbot: calibration is for the role's managers only, so the chart never goes to the channel
the command was typed in. It shows exactly the report the text shows (same permission check)."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block

from handlers.block_kit import context
from handlers.charts.calibration_chart import render_calibration_chart
from handlers.charts.files import share
from handlers.context import HandlerContext
from hiring.errors import DomainError
from hiring.feedback.calibration import Calibration
from hiring.permissions import Actor

log = logging.getLogger(__name__)


def chart_note(cal: Calibration) -> list[Block]:
    """A line under the text reply saying where the chart goes (nothing when there is no chart)."""
    return [context(":bar_chart: The chart is in your DM with Loopbot.")] if cal.interviewers else []


def share_calibration(ctx: HandlerContext, actor: Actor, cal: Calibration) -> None:
    """Draw the calibration `cal` (already checked for `actor`) and share it in their DM."""
    if not cal.interviewers:
        return
    names = {}
    for row in cal.interviewers:
        try:
            profile = ctx.services.directory.profile(actor.team_id, row.user_id)
        except DomainError:
            profile = None
        names[row.user_id] = profile.name if profile is not None else row.user_id
    chart = render_calibration_chart(cal, names)
    client = ctx.client_for(actor.team_id)
    try:
        channel = client.conversations_open(users=actor.user_id)["channel"]["id"]
        share(client, channel, chart)
    except (SlackApiError, DomainError) as err:
        log.warning("calibration chart not shared with %s: %s", actor.user_id, err)
