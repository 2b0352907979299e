"""The simulator's configuration: one frozen value built by the command line and read by the app."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEFAULT_SEED = 20230915
DIALECTS = ("cloud", "emqx5")


@dataclass(frozen=True, slots=True)
class Config:
    """Everything `create_app` needs; `frozen_at_ms` None means the clock follows real time."""

    host: str = "127.0.0.1"
    port: int = 18083
    seed: int | None = None
    """None: the scenario's seed, or DEFAULT_SEED when it gives none."""
    clients: int | None = None
    """None: as many as the scenario says (1000 in `default`)."""
    nodes: int | None = None
    scenario: str = "default"
    scenario_dirs: tuple[Path, ...] = ()
    churn: bool = False
    frozen_at_ms: int | None = None
    dialect: str = "cloud"
    """Which API is emulated: `cloud` (the EMQX Cloud document) or `emqx5` (the EMQX 5.8 server's own)."""
    app_id: str = "app_id"
    app_secret: str = "app_secret"
    dashboard_user: str = "admin"
    dashboard_password: str = "public"
    lenient: bool = False
    validate_responses: bool = False
    cors_origins: tuple[str, ...] = ("*",)
    log_level: str = "info"
    max_body_bytes: int = 1024 * 1024
    journal_size: int = 1000
    state_file: Path | None = None
    propagation_ms: tuple[int, int] | None = None
    """How long kicks and subscription changes take to be seen, MIN..MAX ms; None: the scenario's (else none)."""
    static_dir: Path | None = None
    """A built frontend served at `/` beside the APIs (the same origin), or None."""
    max_deployments: int = 64
    """Isolated deployments (`POST /api/v5/_sim/deployments`) at once, besides the default one."""
    deployment_client_budget: int = 1_000_000
    """Clients of all isolated deployments together, at most."""
    deployment_ttl_s: float = 3600.0
    """An isolated deployment no request reached for this long is removed."""

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/api/v5"
