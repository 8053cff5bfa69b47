"""Configuration from the environment and `.env` (pydantic-settings). The only place that reads them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

SLACK_API_DEFAULT = "https://slack.com/api/"


class SettingsError(Exception):
    """One clear message per bad or missing variable, naming the variable and the fix."""


class Settings(BaseSettings):
    """Loopbot's settings. Secrets are `SecretStr` and never printed."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    slack_oauth_authorize_url: str = "https://slack.com/oauth/v2/authorize"
    slack_api_url: str = SLACK_API_DEFAULT
    database_url: str = "sqlite:///loopbot.db"
    calendar_backend: Literal["builtin", "google"] = "builtin"
    google_credentials_file: Path | None = None
    google_delegated_subject: str | None = None
    google_api_endpoint: str | None = None
    google_batch_endpoint: str | None = None
    google_rooms: Annotated[list[str], NoDecode] = Field(default_factory=list)
    port: int = Field(default=3000, ge=0, le=65535)  # 0: any free port (the log says which)
    host: str = "0.0.0.0"
    public_url: str = "http://localhost:3000"
    # Built-in calendar: the video link of a video interview ({interview_id} and {token} filled in);
    # unset: a Jitsi room named with a random token.
    video_link_template: str | None = None
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = "text"
    default_timezone: str = "UTC"
    admins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    tick_seconds: int = Field(default=60, ge=1)
    slack_send_workers: int = Field(default=8, ge=1)  # a tick's sends in parallel across channels
    slack_channel_spacing_seconds: float = Field(default=1.0, ge=0)  # between posts to one channel
    retention_days: int | None = Field(default=None, ge=1)
    web_threads: int = Field(default=16, ge=1)
    shutdown_grace_seconds: float = Field(default=10.0, ge=0)
    # A replica whose heartbeat (every sixth of this) stands still this long is dead: its claims are
    # taken over. At least 3 × SLACK_TIMEOUT_SECONDS (see `replica_timeout`).
    replica_timeout_seconds: float = Field(default=30.0, gt=0)
    slack_timeout_seconds: float = Field(default=5.0, gt=0)  # one Web API call, before it is cut
    google_timeout_seconds: float = Field(default=10.0, gt=0)  # one Google Calendar HTTP request
    # E-mail of candidates' scheduling links; unset SMTP_HOST: links are copied, not e-mailed.
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str | None = None
    smtp_starttls: bool = True
    smtp_timeout_seconds: float = Field(default=10.0, gt=0)

    @field_validator("admins", "google_rooms", mode="before")
    @classmethod
    def _split_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("default_timezone")
    @classmethod
    def _check_tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}; use an IANA name such as Europe/London") from exc
        return value

    @field_validator("video_link_template")
    @classmethod
    def _check_video_link(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip()
        if not value.startswith("https://") or " " in value:
            raise ValueError("must be an https:// link, e.g. https://meet.example.com/loopbot-{interview_id}")
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    @property
    def oauth_enabled(self) -> bool:
        return bool(self.slack_client_id and self.slack_client_secret)

    def secret_values(self) -> list[str]:
        """Every secret's value, so logs can redact them."""
        secrets = (
            self.slack_bot_token,
            self.slack_signing_secret,
            self.slack_app_token,
            self.slack_client_secret,
            self.smtp_password,
        )
        return [s.get_secret_value() for s in secrets if s is not None]

    @property
    def replica_timeout(self) -> float:
        """REPLICA_TIMEOUT_SECONDS, at least 3 × SLACK_TIMEOUT_SECONDS: a replica sends only within a
        third of it after a heartbeat, and a send (tried twice at most) must end before the rest is over."""
        return max(self.replica_timeout_seconds, 3 * self.slack_timeout_seconds)

    def missing_slack_credentials(self) -> list[str]:
        """Names of the Slack variables still needed to talk to a real workspace."""
        missing = []
        if self.slack_signing_secret is None and not self.socket_mode:
            missing.append("SLACK_SIGNING_SECRET")
        if self.slack_bot_token is None and not self.oauth_enabled:
            missing.append("SLACK_BOT_TOKEN")
        return missing


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning pydantic's errors into one clear message per variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            name = "_".join(str(p) for p in err["loc"]).upper() or "settings"
            lines.append(f"{name}: {err['msg']} (set {name} in the environment or .env)")
        raise SettingsError("Invalid configuration:\n  " + "\n  ".join(lines)) from None
