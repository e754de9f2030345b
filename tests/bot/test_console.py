"""The console chat: `python -m bot` without a token answers /start in the terminal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_console_answers_start_and_numbered_buttons_work(tmp_path: Path) -> None:
    env = {
        k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "DATABASE_URL", "REDIS_URL")
    }
    env.update(DATA_DIR=str(tmp_path / "data"), LOG_LEVEL="WARNING")
    result = subprocess.run(
        [sys.executable, "-m", "bot"],
        input="/start\n#1\n#1\n#6\n/cases\n/quit\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "ShopGuard 购物维权助手" in out  # greeting, tags stripped
    assert "[1] 📝 新建案件" in out
    assert "新建案件：在哪个平台买的？" in out  # #1 pressed "new case"
    assert "平台：抖音。遇到了什么问题？" in out  # #1 pressed "Douyin"
    assert "案件 1 · 进行中" in out  # #6 picked a problem
    assert "我的案件（共 1 个" in out
    assert (tmp_path / "data" / "shopguard.sqlite3").exists()
