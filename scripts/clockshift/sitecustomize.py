"""Moves this Python process's wall clock when `scripts/test-at-date` asked for it.

`scripts/test-at-date` puts this folder on PYTHONPATH and sets LOOPBOT_CLOCK_OFFSET_SECONDS, so every
Python process it starts (pytest, its xdist workers, the CLI and servers that tests start) imports
this at start-up and travels by the same offset with time-machine: they agree on the time, and it
keeps moving. The monotonic clock, and so every timed wait and sleep, stays real.
"""

import os

_offset = os.environ.get("LOOPBOT_CLOCK_OFFSET_SECONDS")
if _offset:
    import time

    import time_machine

    time_machine.travel(time.time() + float(_offset), tick=True).start()
