"""The `emqx-sim` command: argv and EMQX_SIM_* environment variables to one `Config`, then the server."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sqlite3
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from simulator.arguments import clock, delay, flag, nodes, port, positive, seconds
from simulator.config import DEFAULT_SEED, DIALECTS, Config
from simulator.contract_test import add_command as contract_command
from simulator.contract_test import main as contract_test

ENV_PREFIX = "EMQX_SIM_"
LOG_LEVELS = ("critical", "error", "warning", "info", "debug")


def parser(env: Mapping[str, str]) -> argparse.ArgumentParser:
    def default(name: str, fallback: str) -> str:
        return env.get(ENV_PREFIX + name.upper().replace("-", "_"), fallback)

    def env_or_none(name: str) -> str | None:
        return env.get(ENV_PREFIX + name.upper().replace("-", "_"))

    def chosen(name: str, choices: Sequence[str], fallback: str) -> str:
        """The EMQX_SIM_<NAME> value when it is one of `choices` (a usage error otherwise), else `fallback`."""
        value = default(name, fallback)
        if value not in choices:
            top.error(f"{ENV_PREFIX}{name.upper().replace('-', '_')}: {value!r} is not one of {', '.join(choices)}")
        return value

    def switch(command: argparse.ArgumentParser, name: str, help: str) -> None:
        """An on/off flag, also set by EMQX_SIM_<NAME>=true|false."""
        variable = ENV_PREFIX + name.upper().replace("-", "_")
        try:
            on = flag(env.get(variable, "false"))
        except argparse.ArgumentTypeError as error:
            top.error(f"{variable}: {error}")
        command.add_argument(f"--{name}", action="store_true", default=on, help=help)

    top = argparse.ArgumentParser(prog="emqx-sim", description="Simulator of the EMQX Cloud Clients API.")
    commands = top.add_subparsers(dest="command", required=True)
    serve = commands.add_parser(
        "serve",
        help="serve the simulated deployment",
        description="Serve a simulated EMQX deployment. Every flag can also be set as EMQX_SIM_<FLAG>.",
    )
    serve.add_argument("--host", default=default("host", "127.0.0.1"), help="address to bind (127.0.0.1)")
    serve.add_argument("--port", type=port, default=default("port", "18083"), help="port to bind (18083)")
    serve.add_argument(
        "--seed", type=int, default=env_or_none("seed"), help=f"population seed (the scenario's; {DEFAULT_SEED})"
    )
    serve.add_argument(
        "--clients", type=positive, default=env_or_none("clients"), help="clients (the scenario's; 1000 by default)"
    )
    serve.add_argument("--nodes", type=nodes, default=env_or_none("nodes"), help="cluster nodes (the scenario's; 3)")
    serve.add_argument(
        "--scenario", default=default("scenario", "default"), help="scenario name or file (default: 'default')"
    )
    serve.add_argument(
        "--scenario-dir",
        type=Path,
        action="append",
        default=None,
        help="a directory of scenario files, searched by name before the built-in ones; repeatable",
    )
    switch(serve, "churn", "clients disconnect, reconnect and arrive as time moves (scenarios may turn it on too)")
    serve.add_argument(
        "--journal-size", type=positive, default=default("journal-size", "1000"), help="requests journaled (1000)"
    )
    serve.add_argument(
        "--state-file",
        type=Path,
        default=env_or_none("state-file"),
        help="load the state from FILE at start when it exists, save it there on shutdown",
    )
    serve.add_argument(
        "--propagation-ms",
        type=delay,
        default=env_or_none("propagation-ms"),
        help="kicks and subscription changes are seen MIN[-MAX] ms of clock time after their answer (0: at once)",
    )
    serve.add_argument(
        "--static-dir",
        type=Path,
        default=env_or_none("static-dir"),
        help="serve the files of DIR (a built frontend) at / beside the API, on the same origin",
    )
    serve.add_argument(
        "--clock",
        type=clock,
        default=default("clock", "real"),
        help="'real' (default) or an RFC 3339 instant to freeze the clock at, e.g. 2023-09-15T09:36:20Z",
    )
    serve.add_argument("--app-id", default=default("app-id", "app_id"), help="Basic auth user (app_id)")
    serve.add_argument("--app-secret", default=default("app-secret", "app_secret"), help="Basic auth password")
    serve.add_argument(
        "--dialect",
        choices=DIALECTS,
        default=chosen("dialect", DIALECTS, "cloud"),
        help="the API served: 'cloud' (the EMQX Cloud document; default) or 'emqx5' (the EMQX 5.8 server's own)",
    )
    serve.add_argument(
        "--dashboard-user", default=default("dashboard-user", "admin"), help="POST /login user, emqx5 (admin)"
    )
    serve.add_argument(
        "--dashboard-password",
        default=default("dashboard-password", "public"),
        help="POST /login password, emqx5 (public)",
    )
    serve.add_argument(
        "--max-deployments",
        type=positive,
        default=default("max-deployments", "64"),
        help="isolated deployments (POST /api/v5/_sim/deployments) at once, besides the default one (64)",
    )
    serve.add_argument(
        "--deployment-client-budget",
        type=positive,
        default=default("deployment-client-budget", "1000000"),
        help="clients of all isolated deployments together, at most (1000000)",
    )
    serve.add_argument(
        "--deployment-ttl",
        type=seconds,
        default=default("deployment-ttl", "3600"),
        help="seconds an isolated deployment lasts with no request reaching it (3600)",
    )
    switch(serve, "no-progress", "no progress bar on stderr while the population is built")
    switch(
        serve,
        "lenient",
        "as the real server does: ignore unknown query parameters, take the last of a repeated one (else 400)",
    )
    switch(serve, "validate-responses", "check every response against the contract (slower)")
    serve.add_argument(
        "--cors-origin",
        action="append",
        default=None,
        help="origin allowed by CORS; repeat for several ('*' by default; env: comma-separated)",
    )
    serve.add_argument(
        "--log-level",
        choices=LOG_LEVELS,
        default=chosen("log-level", LOG_LEVELS, "info"),
        help="server log level (info)",
    )
    serve.set_defaults(
        cors_env=default("cors-origin", "*"),
        scenario_dirs=[Path(p) for p in default("scenario-dir", "").split(":") if p],
    )
    commands.add_parser("validate", help="check that the contract is valid OpenAPI 3.0")
    docs = commands.add_parser(
        "docs",
        help="write the API reference (HTML, Markdown, and the specs as JSON and YAML)",
        description="Write the API reference generated from the contract into a directory: index.html "
        "(self-contained), clients-api.md and control-api.md, and openapi/*.json and *.yaml.",
    )
    docs.add_argument("--out", type=Path, required=True, help="directory to write into (created when missing)")
    contract_command(commands, default)
    return top


def config_from(args: argparse.Namespace) -> Config:
    origins = args.cors_origin or [origin.strip() for origin in args.cors_env.split(",") if origin.strip()]
    return Config(
        host=args.host,
        port=args.port,
        seed=args.seed,
        clients=args.clients,
        nodes=args.nodes,
        scenario=args.scenario,
        scenario_dirs=tuple(args.scenario_dir or args.scenario_dirs),
        churn=args.churn,
        journal_size=args.journal_size,
        state_file=args.state_file,
        static_dir=args.static_dir,
        propagation_ms=delay(args.propagation_ms) if isinstance(args.propagation_ms, str) else args.propagation_ms,
        frozen_at_ms=args.clock,
        app_id=args.app_id,
        app_secret=args.app_secret,
        lenient=args.lenient,
        dialect=args.dialect,
        dashboard_user=args.dashboard_user,
        dashboard_password=args.dashboard_password,
        validate_responses=args.validate_responses,
        cors_origins=tuple(origins),
        log_level=args.log_level,
        max_deployments=args.max_deployments,
        deployment_client_budget=args.deployment_client_budget,
        deployment_ttl_s=args.deployment_ttl,
    )


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    args = parser(os.environ if env is None else env).parse_args(argv)
    if args.command == "validate":
        return validate()
    if args.command == "contract-test":
        return contract_test(args)
    if args.command == "docs":
        return write_docs(args.out)
    return serve(config_from(args), no_progress=args.no_progress)


def write_docs(out: Path) -> int:
    from simulator.docs import write

    try:
        written = write(out)
    except OSError as error:
        print(f"emqx-sim docs: {out}: {error.strerror}", file=sys.stderr)
        return 2
    for path in written:
        print(path)
    return 0


def validate() -> int:
    from simulator import spec

    failed = 0
    for path in (spec.CLIENTS_SPEC, spec.CONTROL_SPEC):
        try:
            spec.check(path)
        except Exception as error:
            print(f"{path}: {str(error).splitlines()[0]}", file=sys.stderr)
            failed = 1
        else:
            print(f"{path}: OK")
    return failed


def serve(config: Config, no_progress: bool = False) -> int:
    import uvicorn

    from simulator.app import create_app
    from simulator.domain.errors import DomainError
    from simulator.memory import reuse_request_blocks, settle_collector, trim
    from simulator.progress import progress_bars

    reuse_request_blocks()
    try:
        with progress_bars(enabled=not no_progress) as progress:
            app = create_app(config, progress=progress)
        simulation = app.deployment.simulation
        app.deployments.open()
    except (DomainError, OSError, sqlite3.Error) as error:
        print(f"emqx-sim serve: {error}", file=sys.stderr)
        return 2
    status = simulation.status()
    reuse_request_blocks(status.clients)
    trim()
    settle_collector()
    print(f"EMQX Clients API simulator: {config.base_url}", flush=True)
    print(f"  Swagger UI:  {config.base_url}/ui/", flush=True)
    print(f"  Control API: {config.base_url}/_sim/ (Swagger UI at {config.base_url}/_sim/ui/)", flush=True)
    print(f"  Panel:       {config.base_url}/_sim/panel/", flush=True)
    print(f"  Credentials: {config.app_id}:{config.app_secret} (HTTP Basic)", flush=True)
    print(f"  Scenario:    {status.scenario}, {status.clients} clients, seed {status.seed}", flush=True)
    print(f"  Isolated deployments: POST {config.base_url}/_sim/deployments", flush=True)
    # uvicorn shuts down gracefully on SIGINT/SIGTERM, then delivers the signal again to the handler it
    # found: make that a clean exit (0) rather than death by signal.
    signal.signal(signal.SIGTERM, lambda *_: None)
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.run(app, host=config.host, port=config.port, log_level=config.log_level)
    if app.deployments.close():
        print(f"State saved to {config.state_file}", flush=True)
    return 0
