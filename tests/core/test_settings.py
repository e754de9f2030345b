"""Settings: every variable documented in .env.example with its real default."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from shopguard.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def _example() -> dict[str, str]:
    pairs = re.findall(r"^([A-Z_]+)=(.*)$", (ROOT / ".env.example").read_text(), re.M)
    return dict(pairs)


def test_env_example_documents_every_setting_with_its_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    example = _example()
    assert set(example) == {name.upper() for name in Settings.model_fields}
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    defaults = Settings(_env_file=None)  # type: ignore[call-arg]
    from_example = Settings(_env_file=ROOT / ".env.example")  # type: ignore[call-arg]
    assert from_example == defaults


def test_default_database_is_a_sqlite_file_under_data_dir(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]
    url = settings.resolved_database_url()
    assert url == f"sqlite+aiosqlite:///{tmp_path.resolve() / 'shopguard.sqlite3'}"


def test_secrets_are_not_shown_in_repr() -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, bot_token="123:SECRET-TOKEN", webhook_secret="hush-hush"
    )
    assert "SECRET-TOKEN" not in repr(settings) and "hush-hush" not in str(settings)
