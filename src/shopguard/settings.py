"""Settings from the environment or `.env` (every variable is documented in `.env.example`)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shopguard.taxonomy import DEFAULT_TIMEZONE, Language


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = None
    telegram_api_base: str | None = None
    telegram_request_timeout: float = Field(default=60.0, gt=0, description="s per Bot API call")
    data_dir: Path = Path("./data")
    database_url: str | None = None
    redis_url: SecretStr | None = None
    default_language: Language = Language.ZH
    default_timezone: str = DEFAULT_TIMEZONE
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "127.0.0.1:8080"
    log_level: str = "INFO"
    throttle_rate: float = Field(default=1.5, gt=0, description="messages per second per user")
    throttle_burst: int = Field(default=8, ge=1)
    evidence_max_file_mb: int = Field(default=100, ge=1, description="largest file kept on disk")
    evidence_quota_mb: int = Field(default=500, ge=1, description="disk space per shopper")
    telegram_download_limit_mb: int = Field(default=20, ge=0, description="0: unlimited")
    telegram_upload_limit_mb: int = Field(default=50, ge=0, description="0: unlimited")
    send_rate: float = Field(default=25.0, gt=0, description="proactive messages per second")
    send_chat_interval: float = Field(default=1.05, ge=0, description="seconds between two")
    reminder_tick_seconds: float = Field(default=30.0, gt=0)
    reminder_lease_seconds: float = Field(default=60.0, gt=0)
    reminder_batch: int = Field(default=50, ge=1)
    instance_name: str = ""
    price_check_minutes: int = Field(default=180, ge=1, description="watched page: every n min")
    price_alert_threshold_fen: int = Field(default=100, ge=0, description="smaller drops: no alert")
    price_fetch_allow_loopback: bool = False  # tests fetching from a local server only

    @field_validator("bot_token", "redis_url", "webhook_secret", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("telegram_api_base", "database_url", "webhook_url", mode="before")
    @classmethod
    def _blank_str_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    def resolved_database_url(self) -> str:
        """The configured URL, or a SQLite file under DATA_DIR."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'shopguard.sqlite3').resolve()}"
