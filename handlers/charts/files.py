"""A drawn chart and the two ways Loopbot puts one in Slack, both through slack_sdk's `files_upload_v2`
(files.getUploadURLExternal → the upload URL → files.completeUploadExternal): shared in a channel
or a thread (a digest's charts, a person's calibration DM), or kept private to the app and shown
through an image block's `slack_file` (the App Home)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from hiring.errors import ExternalServiceError

ALT_LIMIT = 1000  # files.getUploadURLExternal's `alt_txt`


@dataclass(frozen=True)
class Chart:
    """A chart ready to upload: the PNG, its title, the alt text that says the same numbers, and the
    message that introduces it when shared (mrkdwn)."""

    png: bytes
    title: str
    alt_text: str
    filename: str
    comment: str = ""


def alt(text: str, limit: int = ALT_LIMIT) -> str:
    """Alt text within Slack's limit (cut at a sentence or clause, marked with an ellipsis)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    for mark in (". ", "; "):
        if mark in cut[limit // 2 :]:
            cut = cut[: cut.rindex(mark) + 1]
            break
    return cut.rstrip() + "…"


def short(delta: timedelta | None) -> str:
    """A compact duration for a chart label: `40 min`, `5 h`, `2.5 d`."""
    if delta is None:
        return "—"
    hours = delta.total_seconds() / 3600
    if hours < 1:
        return f"{max(round(hours * 60), 0)} min"
    if hours < 48:
        return f"{hours:.0f} h" if hours >= 10 else f"{hours:.1f} h".replace(".0 h", " h")
    days = hours / 24
    return f"{days:.0f} d" if days >= 10 else f"{days:.1f} d".replace(".0 d", " d")


def share(client: WebClient, channel_id: str, chart: Chart, *, thread_ts: str | None = None) -> str:
    """Upload the chart and share it in a channel (in the thread of `thread_ts` when given); returns
    the file id. Slack errors propagate as `SlackApiError`; a failed upload as `ExternalServiceError`."""
    try:
        response = client.files_upload_v2(
            channel=channel_id,
            thread_ts=thread_ts,
            file=chart.png,
            filename=chart.filename,
            title=chart.title,
            alt_txt=alt(chart.alt_text),
            initial_comment=chart.comment or None,
        )
    except SlackRequestError as err:  # the upload URL refused the bytes
        raise ExternalServiceError("Slack did not take the chart's upload; I'll try again later.") from err
    return str(response["file"]["id"])


def upload_private(client: WebClient, chart: Chart) -> str:
    """Upload the chart without sharing it anywhere (only the app can see it, e.g. to show it in an
    image block's `slack_file`); returns the file id."""
    try:
        response = client.files_upload_v2(
            file=chart.png, filename=chart.filename, title=chart.title, alt_txt=alt(chart.alt_text)
        )
    except SlackRequestError as err:
        raise ExternalServiceError("Slack did not take the chart's upload.") from err
    return str(response["file"]["id"])


def delete_quietly(client: WebClient, file_id: str) -> None:
    """Remove an upload Loopbot no longer shows (already gone is fine)."""
    try:
        client.files_delete(file=file_id)
    except SlackApiError:
        pass
