"""The demo's scheduling flow: the recruiter enters Grace Hopper's availability, the hiring manager
opens `/interview schedule` (a loading modal, then ranked options in both time zones) and books the
whole loop in one click on the built-in calendar; the channel gets the summary, each interviewer a
DM with the .ics invite, and the invite itself is fetched over HTTP."""

from __future__ import annotations

import re
import urllib.request
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.demo.session import Demo

CANDIDATE = "Grace Hopper"
ICS_LINK = re.compile(r"<(http[^|>]*/ics/[^|>]*\.ics)\|")


def _show_invite(demo: Demo) -> None:
    """Fetch one interviewer's .ics invite from Loopbot's own HTTP server and print its key lines."""
    for message in demo.fake.messages:
        found = ICS_LINK.search(str(message.blocks)) if message.channel.startswith("D") else None
        if found is None:
            continue
        url = found.group(1)
        local = url.replace("http://localhost:3000", demo.box.server.url if demo.box.server else "")
        with urllib.request.urlopen(local, timeout=10) as response:
            body = response.read().decode()
        print(f"\n> An interviewer opens the invite link {url}")
        for line in body.splitlines():
            if line.split(":", 1)[0] in ("METHOD", "SUMMARY", "DTSTART", "DTEND", "SEQUENCE", "LOCATION"):
                print(f"    {line}")
        return


def flow_scheduling(demo: Demo) -> None:
    """Availability, options, one-click booking, and what everyone sees."""
    demo.step("The recruiter enters when Grace Hopper can interview (in her time zone)")
    demo.say("URITA", f"availability {CANDIDATE}")
    demo.submit("URITA", {"when": "Tue 12-9"}, "types a window that ends before it starts, and saves")
    demo.submit(
        "URITA",
        {"when": "Tue-Wed 05:00-12:00"},
        "types Tuesday and Wednesday mornings, New York time, and presses Save: the modal shows what it understood",
    )
    demo.submit("URITA", {"when": "Tue-Wed 05:00-12:00"}, "checks the preview and saves")

    demo.step("The hiring manager asks for times: the modal opens at once, then shows ranked options")
    demo.say("UOTTO", f"schedule {CANDIDATE}")
    demo.say("UHANA", f"schedule {CANDIDATE}")
    view = demo.fake.last_view("UHANA") or {}
    options = (b for b in view.get("blocks", []) if str(b.get("block_id", "")).startswith("option:"))
    option = next(options, None)
    if option is None:
        print("  (No option fits, so nothing is booked here.)")
        return

    demo.step("One click books the whole loop on the built-in calendar")
    demo.click(
        "UHANA",
        "book_option",
        option["accessory"]["value"],
        "clicks “Book this” on the first option",
        view=view,
        block_id=option["block_id"],
    )
    _show_invite(demo)
