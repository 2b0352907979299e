"""The simulator's configuration: one frozen value built by the command line and read by the app."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_SEED = 20230915


@dataclass(frozen=True, slots=True)
class Config:
    """Everything `create_app` needs; `frozen_at_ms` None means the clock follows real time."""

    host: str = "127.0.0.1"
    port: int = 18083
    seed: int = DEFAULT_SEED
    clients: int = 1000
    nodes: int = 3
    frozen_at_ms: int | None = None
    app_id: str = "app_id"
    app_secret: str = "app_secret"
    lenient: bool = False
    validate_responses: bool = False
    cors_origins: tuple[str, ...] = ("*",)
    log_level: str = "info"
    max_body_bytes: int = 1024 * 1024

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/api/v5"
