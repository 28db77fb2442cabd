"""Service settings: the only module that reads environment variables (prefix ``COMPLAINT_``)."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Configuration of the HTTP service; every field has a working default."""

    model_config = SettingsConfigDict(env_prefix="COMPLAINT_", extra="ignore")

    model_path: Path | None = None
    log_level: str = "INFO"
