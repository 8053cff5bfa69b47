"""An interview's format (phone, video or on-site), and what its invite says about where it happens.

Plans name the format per interview (`InterviewSpec.mode`); interviews stored before phone
interviews existed say `online`, which is a video interview.
"""

from __future__ import annotations

PHONE = "phone"
VIDEO = "video"
ONSITE = "onsite"


def format_of(mode: str) -> str:
    """`phone`, `video` or `onsite` (a legacy `online` is video)."""
    return mode if mode in (PHONE, ONSITE) else VIDEO


def where_lines(
    mode: str,
    *,
    caller: str,
    candidate: str,
    phone: str | None,
    address: str,
    room: str | None,
) -> list[str]:
    """The lines of an invite's description that say how and where the interview happens (a video
    link is added by the calendar)."""
    fmt = format_of(mode)
    if fmt == PHONE:  # who calls whom, and on which number
        calls = f"on {phone}." if phone else "(no phone number on file yet)."
        return [f"Phone interview (no video link): {caller} calls {candidate} {calls}"]
    if fmt == ONSITE:
        lines = [f"On site at {address}." if address else "On site."]
        if room:
            lines.append(f"Room: {room}.")
        return lines
    return ["Video interview: join with the link in this invitation."]
