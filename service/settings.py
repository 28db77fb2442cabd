"""Service settings: the only module that reads environment variables (prefix ``COMPLAINT_``)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Configuration of the HTTP service; every field has a working default.

    ``COMPLAINT_API_KEYS`` is a JSON list (``'["key-1", "key-2"]'``); with no keys the service
    accepts every caller and must only listen on localhost (``make run`` does).
    """

    model_config = SettingsConfigDict(env_prefix="COMPLAINT_", extra="ignore")

    model_path: Path | None = None
    routing_table: Path | None = None
    api_keys: list[str] = Field(default_factory=list)
    admin_key: str | None = None
    database_url: str = "sqlite:///feedback.db"
    max_text_chars: int = Field(default=20_000, gt=0)
    max_batch_items: int = Field(default=1_000, gt=0)
    #: Any request body over this is refused (413) before it is read: the default holds a full
    #: batch of 1,000 texts of 20,000 characters with room for JSON escapes.
    max_body_bytes: int = Field(default=32 * 1024 * 1024, gt=0)
    duplicate_window: int = Field(default=10_000, gt=0)
    log_level: str = "INFO"
