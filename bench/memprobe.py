"""Resident memory of this process for the benchmarks: now, and the peak since a reset.

On Linux the peak (``VmHWM``) is reset through ``/proc/self/clear_refs``, so a measured phase's
peak is its own. Elsewhere the peak is ``ru_maxrss`` since the process started, which can only
over-state a phase's growth — run each measurement in a fresh process (``isolated``).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import resource
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

MB = 1024 * 1024
PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_now() -> int:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * PAGE
    except OSError:
        return peak_rss()


def peak_rss() -> int:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
        return True
    except OSError:
        return False


@dataclass
class Window:
    before: int  # RSS right before the phase
    peak: int = 0  # the highest RSS during it
    after: int = 0  # RSS after it, garbage collected

    @property
    def growth(self) -> int:
        return self.peak - self.before

    @property
    def retained(self) -> int:
        return self.after - self.before


@contextmanager
def peak_window() -> Iterator[Window]:
    """The phase inside: RSS before it, its peak, and what stays after it."""
    gc.collect()
    window = Window(before=rss_now())
    reset_peak()
    yield window
    window.peak = max(peak_rss(), rss_now())
    gc.collect()
    window.after = rss_now()


def isolated(function: Callable[..., Any], *args: Any) -> Any:
    """``function(*args)`` in a fresh (spawned) process: its memory starts from nothing."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(function, *args).result()
