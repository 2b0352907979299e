"""`make bench`: the simulator beside Stoplight Prism (static and dynamic) on the same spec, driven by wrk.

Every server is started here on 127.0.0.1, measured, and stopped by its PID; every step is bounded in time.
Figures are ratios to Prism measured in the same run, since this machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

import controls
import latency

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
SPEC = ROOT / "openapi" / "clients.yaml"
AUTH = "Basic " + base64.b64encode(b"app_id:app_secret").decode()
EMQX5 = "emqx-sim --dialect emqx5"
BASELINE = "emqx-sim baseline"
"""The simulator of another checkout (`--baseline DIR`), measured in the same run."""
SCALE_FROM = 100_000
"""From this many clients on, the harness measures the simulator alone, at scale."""


@dataclass
class Server:
    name: str
    command: list[str]
    base: str
    root: Path = ROOT
    """Where it runs from: the simulator is imported from there."""
    process: subprocess.Popen[bytes] | None = None
    startup_s: float | None = None
    rss_mib: float | None = None
    rss_after_mib: float | None = None

    def start(self, port: int, timeout: float) -> None:
        started = time.perf_counter()
        self.process = subprocess.Popen(
            [part.replace("{port}", str(port)) for part in self.command],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=self.root,
            env={**os.environ, "PYTHONPATH": str(self.root)},
            start_new_session=True,
        )
        self.base = self.base.replace("{port}", str(port))
        while time.perf_counter() - started < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}")
            try:
                fetch(f"{self.base}/clients?_limit=1")
                self.startup_s = time.perf_counter() - started
                self.rss_mib = rss(self.process.pid)
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        raise RuntimeError(f"{self.name} was not ready within {timeout:.0f} s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@dataclass
class Result:
    workload: str
    server: str
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    bytes: int
    errors: int
    ratios: dict[str, float] = field(default_factory=dict)
    server_side: dict[str, float] = field(default_factory=dict)
    """Percentiles of the journal's `latency_ms` over the run at 1 connection (simulators only)."""


def fetch(url: str, method: str = "GET", body: bytes | None = None) -> bytes:
    request = urllib.request.Request(url, method=method, data=body, headers={"Authorization": AUTH})
    if body is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=30) as response:
        data: bytes = response.read()
        return data


def rss(pid: int) -> float:
    """Resident memory of a process and its children, in MiB."""
    total = 0
    for candidate in [pid, *children(pid)]:
        try:
            status = Path(f"/proc/{candidate}/status").read_text()
        except OSError:
            continue
        match = re.search(r"VmRSS:\s+(\d+) kB", status)
        total += int(match.group(1)) if match else 0
    return round(total / 1024, 1)


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().split()[3]) == pid:
                    found.append(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wrk(
    url: str, connections: int, seconds: int, script: Path | None = None, args: tuple[str, ...] = ()
) -> dict[str, float]:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-H", f"Authorization: {AUTH}"]
    if script is not None:
        command += ["-s", str(script)]
    command.append(url)
    if args:
        command += ["--", *args]
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True).stdout

    def latency(label: str) -> float:
        match = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
        if match is None:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    failed = int(errors.group(1)) if errors else 0
    failed += sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    total = re.search(r"(\d+) requests in", out)
    return {
        "rps": float(rate.group(1)) if rate else 0.0,
        "p50": latency("50%"),
        "p99": latency("99%"),
        "errors": failed,
        "requests": int(total.group(1)) if total else 0,
    }


def single(
    server: Server, url: str, seconds: int, script: Path | None = None, args: tuple[str, ...] = ()
) -> tuple[dict[str, float], dict[str, float]]:
    """wrk at 1 connection, and the server-side percentiles of the same requests from the simulator's journal."""
    simulated = server.name.startswith("emqx-sim")
    if simulated:
        latency.clear(fetch, server.base)
    measured = wrk(url, 1, seconds, script, args)
    return measured, latency.server_side(fetch, server.base) if simulated else {}


def ensure_tools() -> None:
    if shutil.which("wrk") is None:
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, timeout=600)
        subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "wrk"], check=True, timeout=600)
    if not (BENCH / "node_modules" / ".bin" / "prism").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=BENCH, check=True, timeout=600)


@dataclass
class Target:
    name: str
    measured: float
    limit: float
    at_least: bool
    unit: str = ""

    @property
    def met(self) -> bool:
        return self.measured >= self.limit if self.at_least else self.measured <= self.limit


def simulator(name: str, clients: int, *flags: str, root: Path = ROOT) -> Server:
    command = [sys.executable, "-m", "simulator", "serve", "--port", "{port}", "--clients", str(clients)]
    flags = ("--log-level", "error", "--no-progress", "--journal-size", str(latency.JOURNAL_SIZE), *flags)
    return Server(name, [*command, *flags], "http://127.0.0.1:{port}/api/v5", root)


def clientids(base: str, count: int, path: Path) -> list[dict[str, object]]:
    """The first `count` connected clients of a simulator (their ids written to `path`, one per line): a
    disconnected client's session may expire while the benchmark runs, and then it is gone (404)."""
    clients: list[dict[str, object]] = []
    page = 1
    while len(clients) < count:
        body = json.loads(fetch(f"{base}/clients?conn_state=connected&_limit={min(10000, count)}&_page={page}"))
        clients += body["data"]
        if not body["meta"]["hasnext"]:
            break
        page += 1
    path.write_text("".join(f"{c['clientid']}\n" for c in clients[:count]), encoding="utf-8")
    return clients[:count]


SOAK_WARMUP_S = 10
"""Seconds of the mix before RSS is first read: the byte caches and the allocator's arenas fill to their bounds
in the first seconds (then stay there); growth after that is what a leak would show."""


def soak(server: Server, seconds: int, ids: Path) -> tuple[float, float, dict[str, float]]:
    """RSS before and after `seconds` of a dashboard's mix of requests at 32 connections (after a warm-up of the
    same mix), and wrk's figures."""
    assert server.process is not None
    script = (str(ids), urllib.parse.urlsplit(server.base).path)
    wrk(server.base, 32, min(SOAK_WARMUP_S, seconds), BENCH / "soak.lua", script)
    before = rss(server.process.pid)
    load = wrk(server.base, 32, seconds, BENCH / "soak.lua", script)
    return before, rss(server.process.pid), load


def soak_targets(seconds: int, soaked: tuple[float, float, dict[str, float]] | None) -> list[Target]:
    if soaked is None:
        return []
    before, after, load = soaked
    return [
        Target(f"{seconds} s mixed load at 32 connections: RSS growth", (after / before - 1) * 100, 10, False, "%"),
        Target(f"{seconds} s mixed load: failed requests (of {load['requests']:,})", load["errors"], 0, False),
    ]


def compare(args: argparse.Namespace, work: Path) -> tuple[list[Result], list[Server], list[Target]]:
    """The simulator beside Prism on the same spec and workloads; ratios from this run."""
    prism = str(BENCH / "node_modules" / ".bin" / "prism")
    servers = [
        simulator("emqx-sim", args.clients),
        simulator("emqx-sim --validate-responses", args.clients, "--validate-responses"),
        Server("prism-static", [prism, "mock", str(SPEC), "-h", "127.0.0.1", "-p", "{port}", "-v", "error"],
               "http://127.0.0.1:{port}"),
        Server("prism-dynamic", [prism, "mock", "-d", str(SPEC), "-h", "127.0.0.1", "-p", "{port}", "-v", "error"],
               "http://127.0.0.1:{port}"),
    ]  # fmt: skip
    servers.insert(1, simulator(EMQX5, args.clients, "--dialect", "emqx5"))
    if args.baseline is not None:
        servers.insert(1, simulator(BASELINE, args.clients, root=args.baseline.resolve()))
    deep = max(1, args.clients // 100 // 2)
    workloads: dict[str, tuple[str, Path | None, tuple[str, ...]]] = {
        "list 50": ("/clients?_page=1&_limit=50", None, ()),
        "list 50, every request a new query": (
            "",
            BENCH / "vary.lua",
            ("{path}/clients?_limit=50&_gte_created_at=%d",),
        ),
        "get one": ("/clients/client_1", None, ()),
        "filtered list": ("/clients?conn_state=disconnected&proto_ver=5", None, ()),
        f"deep page {deep} of 100": (f"/clients?_page={deep}&_limit=100", None, ()),
        "subscribe + unsubscribe": ("/clients/client_1", BENCH / "subscribe.lua", ()),
    }
    results: list[Result] = []
    soaked: tuple[float, float, dict[str, float]] | None = None
    try:
        for server in servers:
            server.start(free_port(), args.ready_timeout)
            path = urllib.parse.urlsplit(server.base).path
            for name, (suffix, script, extra) in workloads.items():
                if server.name.endswith("--validate-responses") and name != "list 50":
                    continue
                if server.name == EMQX5:
                    if name != "list 50":
                        continue
                    suffix = "/clients?page=1&limit=50"
                url = server.base + suffix
                script_args = tuple(part.replace("{path}", path) for part in extra)
                first = script_args[0].replace("%d", "1") if script_args else ""
                if script is None or script_args:
                    size = len(fetch(server.base.removesuffix(path) + first if first else url))
                else:
                    size = len(fetch(url + "/subscribe", "POST", b'{"topic": "t/b"}'))
                load = wrk(url, 32, args.seconds, script, script_args)
                one, served = single(server, url, max(3, args.seconds // 2), script, script_args)
                results.append(Result(name, server.name, load["rps"], one["p50"], one["p99"], size,
                                      int(load["errors"] + one["errors"]), server_side=served))  # fmt: skip
            if server.name == "emqx-sim" and args.soak_seconds:
                ids = work / "ids.txt"
                clientids(server.base, 1000, ids)
                soaked = soak(server, args.soak_seconds, ids)
            assert server.process is not None
            server.rss_after_mib = rss(server.process.pid)
            server.stop()
    finally:
        for server in servers:
            server.stop()
    by_key = {(r.workload, r.server): r for r in results}
    for result in results:
        for reference in ("prism-static", "prism-dynamic", BASELINE):
            other = by_key.get((result.workload, reference))
            if other and other.requests_per_s:
                result.ratios[reference] = round(result.requests_per_s / other.requests_per_s, 2)
    ours = by_key[("list 50", "emqx-sim")]
    emqx5 = by_key[("list 50", EMQX5)]
    checked = by_key[("list 50", "emqx-sim --validate-responses")]
    never = by_key[("list 50, every request a new query", "emqx-sim")]
    targets = [
        Target("list 50: x Prism static", ours.ratios.get("prism-static", 0), 3, True, "x"),
        Target("list 50, every request a new query: x Prism static", never.ratios.get("prism-static", 0), 2, True,
               "x"),
        Target("list 50: x Prism dynamic", ours.ratios.get("prism-dynamic", 0), 10, True, "x"),
        Target("list 50: req/s off / on --validate-responses", ours.requests_per_s / checked.requests_per_s, 2, False,
               "x"),
        Target("list 50: req/s EMQX 5 dialect / Cloud dialect", emqx5.requests_per_s / ours.requests_per_s, 0.95, True,
               "x"),
    ]  # fmt: skip
    targets += [
        Target(f"{r.workload}: server-side p99 ms at 1 connection", r.server_side.get("p99", float("inf")), 2, False,
               "ms")
        for r in results
        if r.server == "emqx-sim"
    ]  # fmt: skip
    if args.baseline is not None:
        for result in results:
            if result.server == "emqx-sim" and BASELINE in result.ratios:
                name = f"{result.workload}: req/s x {BASELINE}"
                targets.append(Target(name, result.ratios[BASELINE], 0.95, True, "x"))
    targets += soak_targets(args.soak_seconds, soaked)
    return results, servers, targets


def scale_limits(clients: int) -> tuple[float, float, float]:
    """Seconds to ready, MiB of RSS, and the factor on every other time target, for a population this large:
    the targets of 1,000,000 clients up to that size, those of 10,000,000 (2x the times) beyond it."""
    return (5, 700, 1) if clients <= 1_000_000 else (60, 4096, 2)


def scale(args: argparse.Namespace, work: Path) -> tuple[list[Result], list[Server], list[Target]]:
    """The simulator alone with a large population: latencies at 1 connection, each request a new one."""
    server = simulator("emqx-sim", args.clients)
    results: list[Result] = []
    targets: list[Target] = []
    soaked: tuple[float, float, dict[str, float]] | None = None
    ready_s, rss_mib, factor = scale_limits(args.clients)
    try:
        server.start(free_port(), args.ready_timeout)
        path = urllib.parse.urlsplit(server.base).path
        clients = clientids(server.base, 60000, work / "all.txt")
        lines = (work / "all.txt").read_text(encoding="utf-8").splitlines(keepends=True)
        (work / "ids.txt").write_text("".join(lines[:20000]), encoding="utf-8")
        (work / "kicked.txt").write_text("".join(lines[20000:]), encoding="utf-8")
        username = next(str(c["username"]) for c in clients if c.get("username"))
        now_ms = int(time.time() * 1000)
        vary = BENCH / "vary.lua"
        ids = str(work / "ids.txt")
        seconds = max(3, args.seconds // 2)
        deepest = max(1, args.clients // 100 - 1)
        latencies: dict[str, tuple[tuple[str, ...], float]] = {
            "get one client": ((f"{path}/clients/%s", "GET", "", ids), 0.3),
            "subscribe": ((f"{path}/clients/%s/subscribe", "POST", '{"topic": "bench/t", "qos": 1}', ids), 0.3),
            "kick": ((f"{path}/clients/%s", "DELETE", "", str(work / "kicked.txt")), 0.3),
            "first page, conn_state": ((f"{path}/clients?conn_state=disconnected&_gte_created_at=%d",), 3),
            "first page, username": ((f"{path}/clients?username={username}&_gte_created_at=%d",), 3),
            "first page, proto_ver": ((f"{path}/clients?proto_ver=5&_gte_created_at=%d",), 3),
            "first page, clean_start": ((f"{path}/clients?clean_start=false&_gte_created_at=%d",), 3),
            "first page, time range": ((f"{path}/clients?_gte_connected_at=%d&_lte_connected_at={now_ms}",), 3),
            "first page, four filters": (
                (f"{path}/clients?conn_state=connected&proto_ver=4&clean_start=true&zone=default"
                 "&_gte_created_at=%d",), 3),
            "page 5000 of 100": ((f"{path}/clients?_page=5000&_limit=100&_gte_created_at=%d",), 3),
            "page n of 100, each a new page (clients never built)": (
                (f"{path}/clients?_page=%d&_limit=100&_lte_created_at={now_ms}",), 3),
            f"page {deepest} of 100 (the last)": (
                (f"{path}/clients?_page={deepest}&_limit=100&_gte_created_at=%d",), 3),
            "_like_clientid search": ((f"{path}/clients?_like_clientid=%d",), 30),
            "_like_username search": ((f"{path}/clients?_like_username=%d",), 30),
        }  # fmt: skip
        for name, (script_args, limit) in latencies.items():
            measured, served = single(server, server.base, seconds, vary, script_args)
            results.append(Result(name, server.name, measured["rps"], measured["p50"], measured["p99"], 0,
                                  int(measured["errors"]), server_side=served))  # fmt: skip
            targets.append(Target(f"{name}: server-side p50 ms", served["p50"], limit * factor, False, "ms"))
            if limit < 1:
                targets.append(Target(f"{name}: server-side p99 ms", served["p99"], 2 * factor, False, "ms"))
        for name, url, script, script_args in (
            ("list 50", f"{server.base}/clients?_page=1&_limit=50", None, ()),
            ("list 50, every request a new query", server.base, vary,
             (f"{path}/clients?_limit=50&_gte_created_at=%d",)),
        ):  # fmt: skip
            load = wrk(url, 32, args.seconds, script, script_args)
            results.append(Result(name, server.name, load["rps"], float("nan"), float("nan"), 0, int(load["errors"])))
        if args.soak_seconds:
            soaked = soak(server, args.soak_seconds, work / "ids.txt")
        assert server.process is not None
        server.rss_after_mib = rss(server.process.pid)
        measured_controls = controls.measure(server.base, AUTH, server.process.pid)
    finally:
        server.stop()
    targets += [
        Target(f"ready with {args.clients:,} clients: s", server.startup_s or float("inf"), ready_s, False, "s"),
        Target("RSS when ready: MiB", server.rss_mib or float("inf"), rss_mib, False, "MiB"),
        Target("RSS after every workload: MiB", server.rss_after_mib or float("inf"), rss_mib, False, "MiB"),
        Target(f"regenerate (took {measured_controls.regenerate_s:.1f} s): longest read meanwhile (started "
               f"{measured_controls.read_block_at_s:.1f} s in), ms of {measured_controls.reads} reads",
               measured_controls.read_block_ms, 50 * factor, False, "ms"),
        Target("churn: CPU ms per simulated minute", measured_controls.churn_cpu_ms, 50 * factor, False, "ms"),
        Target("clock jump of a day, churn on: s", measured_controls.day_jump_s, 5 * factor, False, "s"),
    ]  # fmt: skip
    targets += soak_targets(args.soak_seconds, soaked)
    return results, [server], targets


DURABLE_CLIENTS = 200_000
"""Clients of the `--state-file` runs: enough that the kicks of a run never run out of clients."""


def durability(args: argparse.Namespace, work: Path) -> tuple[list[Result], list[Server], list[Target]]:
    """The change workloads in memory and with `--state-file` (each change durable before its answer)."""
    clients = args.clients = max(args.clients, DURABLE_CLIENTS)
    servers = [
        simulator("emqx-sim", clients),
        simulator("emqx-sim --state-file", clients, "--state-file", str(work / "state" / "state.json")),
    ]
    subscribe = ("POST", '{"topic": "bench/t", "qos": 1}')
    results: list[Result] = []
    try:
        for server in servers:
            server.start(free_port(), args.ready_timeout)
            path = urllib.parse.urlsplit(server.base).path
            ids = work / f"{len(results)}.txt"
            lines = [f"{c['clientid']}\n" for c in clientids(server.base, clients // 2, ids)]
            halves = (work / f"{len(results)}-load.txt", work / f"{len(results)}-single.txt")
            halves[0].write_text("".join(lines[: len(lines) * 3 // 4]), encoding="utf-8")
            halves[1].write_text("".join(lines[len(lines) * 3 // 4 :]), encoding="utf-8")
            for name, url, script, extra in (
                ("subscribe + unsubscribe", f"{server.base}/clients/client_1", BENCH / "subscribe.lua", ()),
                ("subscribe, a new client each", server.base, BENCH / "vary.lua", (f"{path}/clients/%s/subscribe",
                                                                                  *subscribe)),
                ("kick, a new client each", server.base, BENCH / "vary.lua", (f"{path}/clients/%s", "DELETE", "")),
            ):  # fmt: skip
                files = [(str(half),) if extra else () for half in halves]
                load = wrk(url, 32, args.seconds, script, (*extra, *files[0]))
                one, served = single(server, url, max(3, args.seconds // 2), script, (*extra, *files[1]))
                results.append(Result(name, server.name, load["rps"], one["p50"], one["p99"], 0,
                                      int(load["errors"] + one["errors"]), server_side=served))  # fmt: skip
            server.stop()
    finally:
        for server in servers:
            server.stop()
    in_memory = {r.workload: r for r in results if r.server == "emqx-sim"}
    for result in results:
        if result.server != "emqx-sim" and in_memory[result.workload].requests_per_s:
            result.ratios["emqx-sim"] = round(result.requests_per_s / in_memory[result.workload].requests_per_s, 2)
    return results, servers, []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=1000, help="simulated clients (1000; try 1000000)")
    parser.add_argument("--seconds", type=int, default=10, help="seconds of load per throughput run (10)")
    parser.add_argument("--soak-seconds", type=int, default=60, help="seconds of the mixed load for RSS (60; 0: none)")
    parser.add_argument("--ready-timeout", type=float, default=300, help="seconds a server may take to start (300)")
    parser.add_argument(
        "--baseline", type=Path, default=None, help="another checkout of emqx-sim to measure beside this one"
    )
    parser.add_argument("--out", type=Path, default=None, help="JSON results file (bench/results/latest[-scale].json)")
    parser.add_argument(
        "--state-file", action="store_true", help="only the change workloads, in memory and with --state-file"
    )
    args = parser.parse_args(argv)
    scaled = args.clients >= SCALE_FROM
    out = args.out or BENCH / "results" / ("latest-scale.json" if scaled else "latest.json")
    if args.state_file:
        out = args.out or BENCH / "results" / "latest-state-file.json"
    ensure_tools()
    with tempfile.TemporaryDirectory(prefix="emqx-sim-bench-") as work:
        run = durability if args.state_file else scale if scaled else compare
        results, servers, targets = run(args, Path(work))
    print(f"\nclients: {args.clients:,}; wrk: 1 thread, 32 connections for req/s, 1 connection for p50/p99 (wrk's, "
          "client side, and the journal's latency_ms, server side)")  # fmt: skip
    if scaled:
        print("every request differs from the one before (a new client, or a new value in the query)")
    print()
    references = ["prism-static", "prism-dynamic", *([BASELINE] if args.baseline is not None else [])]
    if args.state_file:
        references = ["emqx-sim"]
    print("| workload | server | req/s | wrk p50 ms | wrk p99 ms | server p50 ms | server p90 ms | server p99 ms "
          "| bytes | errors |" + "".join(f" x {n} |" for n in references))  # fmt: skip
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|" + "---:|" * len(references))
    for r in results:
        ratios = "".join(f" {r.ratios.get(name, float('nan')):.2f} |" for name in references)
        side = "".join(f" {r.server_side.get(p, float('nan')):.2f} |" for p in ("p50", "p90", "p99"))
        print(f"| {r.workload} | {r.server} | {r.requests_per_s:,.0f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} |{side} "
              f"{r.bytes:,} | {r.errors} |{ratios}")  # fmt: skip
    print("\n| server | startup s | RSS at start MiB | RSS after load MiB |")
    print("|---|---:|---:|---:|")
    for s in servers:
        print(f"| {s.name} | {s.startup_s or float('nan'):.2f} | {s.rss_mib} | {s.rss_after_mib} |")
    print("\n| target | measured | limit | met |")
    print("|---|---:|---:|---|")
    for t in targets:
        sign = ">=" if t.at_least else "<="
        print(f"| {t.name} | {t.measured:,.2f} {t.unit} | {sign} {t.limit:,} {t.unit} | {'yes' if t.met else 'NO'} |")
    out.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "clients": args.clients,
        "seconds": args.seconds,
        "results": [asdict(r) for r in results],
        "servers": [
            {"name": s.name, "startup_s": s.startup_s, "rss_mib": s.rss_mib, "rss_after_mib": s.rss_after_mib}
            for s in servers
        ],
        "targets": [{**asdict(t), "met": t.met} for t in targets],
    }
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nresults: {out}")
    return 0 if all(t.met for t in targets) else 1


if __name__ == "__main__":
    raise SystemExit(main())
