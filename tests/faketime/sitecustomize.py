"""Loaded at start-up by every Python process of ``make test-faketime`` (it puts this folder
on PYTHONPATH; docs/testing.md). Does nothing unless libfaketime is preloaded with the
monotonic clock left real (``faketime --exclude-monotonic``).

Why: libfaketime 0.9.10 (Debian 12) breaks ``time.sleep`` on Python 3.11+ when the
monotonic clock is not faked: Python sleeps with ``clock_nanosleep(CLOCK_MONOTONIC,
TIMER_ABSTIME, …)``, libfaketime shifts that deadline by the fake offset and the kernel
answers EINVAL (wolfcw/libfaketime#426, fixed after 0.9.10). Faking the monotonic clock
instead hangs threads that wait with a timeout (wolfcw/libfaketime#390). So the monotonic
clock stays real, and ``time.sleep`` waits with ``select``, whose relative timeout
libfaketime passes through unchanged.
"""

from __future__ import annotations

import os
import select
import time


def _sleep(seconds: float) -> None:
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        select.select([], [], [], left)


if (
    "libfaketime" in os.environ.get("LD_PRELOAD", "")
    and os.environ.get("FAKETIME_DONT_FAKE_MONOTONIC") == "1"
):
    time.sleep = _sleep
