"""The fake Bot API as a separate process, so its work never shares the measured event loop."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


class FakeApiProcess:
    def __init__(self, *, per_chat: int | None = None, global_limit: int | None = None) -> None:
        argv = [sys.executable, "-m", "tests.fakebotapi", "--port", "0"]
        if per_chat is not None:
            argv += ["--per-chat-limit", str(per_chat)]
        if global_limit is not None:
            argv += ["--global-limit", str(global_limit)]
        self.proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        self.base_url = self.proc.stdout.readline().strip()

    def stats(self) -> dict[str, Any]:
        with urllib.request.urlopen(f"{self.base_url}/_fake/stats", timeout=10) as response:
            return dict(json.load(response))

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)
