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
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
SPEC = ROOT / "openapi" / "clients.yaml"
AUTH = "Basic " + base64.b64encode(b"app_id:app_secret").decode()


@dataclass
class Server:
    name: str
    command: list[str]
    base: str
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
            cwd=ROOT,
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


def wrk(url: str, connections: int, seconds: int, script: Path | None = None) -> dict[str, float]:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-H", f"Authorization: {AUTH}"]
    if script is not None:
        command += ["-s", str(script)]
    out = subprocess.run([*command, url], capture_output=True, text=True, timeout=seconds + 60, check=True).stdout

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
    return {
        "rps": float(rate.group(1)) if rate else 0.0,
        "p50": latency("50%"),
        "p99": latency("99%"),
        "errors": failed,
    }


def ensure_tools() -> None:
    if shutil.which("wrk") is None:
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, timeout=600)
        subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "wrk"], check=True, timeout=600)
    if not (BENCH / "node_modules" / ".bin" / "prism").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=BENCH, check=True, timeout=600)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=1000, help="simulated clients (1000; try 1000000)")
    parser.add_argument("--seconds", type=int, default=10, help="seconds of load per throughput run (10)")
    parser.add_argument("--ready-timeout", type=float, default=300, help="seconds a server may take to start (300)")
    parser.add_argument("--out", type=Path, default=BENCH / "results" / "latest.json", help="JSON results file")
    args = parser.parse_args(argv)
    ensure_tools()
    prism = str(BENCH / "node_modules" / ".bin" / "prism")
    servers = [
        Server(
            "emqx-sim",
            [
                sys.executable,
                "-m",
                "simulator",
                "serve",
                "--port",
                "{port}",
                "--clients",
                str(args.clients),
                "--log-level",
                "error",
            ],
            "http://127.0.0.1:{port}/api/v5",
        ),
        Server(
            "prism-static",
            [prism, "mock", str(SPEC), "-h", "127.0.0.1", "-p", "{port}", "-v", "error"],
            "http://127.0.0.1:{port}",
        ),
        Server(
            "prism-dynamic",
            [prism, "mock", "-d", str(SPEC), "-h", "127.0.0.1", "-p", "{port}", "-v", "error"],
            "http://127.0.0.1:{port}",
        ),
    ]
    deep = max(1, args.clients // 100 // 2)
    workloads = {
        "list 50": "/clients?_page=1&_limit=50",
        "get one": "/clients/client_1",
        "filtered list": "/clients?conn_state=disconnected&proto_ver=5",
        f"deep page {deep} of 100": f"/clients?_page={deep}&_limit=100",
        "subscribe + unsubscribe": "/clients/client_1",
    }
    results: list[Result] = []
    try:
        for server in servers:
            server.start(free_port(), args.ready_timeout)
            for name, path in workloads.items():
                script = BENCH / "subscribe.lua" if name.startswith("subscribe") else None
                url = server.base + path
                size = (
                    len(fetch(url)) if script is None else len(fetch(url + "/subscribe", "POST", b'{"topic": "t/b"}'))
                )
                load = wrk(url, 32, args.seconds, script)
                single = wrk(url, 1, max(3, args.seconds // 2), script)
                results.append(Result(name, server.name, load["rps"], single["p50"], single["p99"], size,
                                      int(load["errors"] + single["errors"])))  # fmt: skip
            assert server.process is not None
            server.rss_after_mib = rss(server.process.pid)
            server.stop()
    finally:
        for server in servers:
            server.stop()
    by_key = {(r.workload, r.server): r for r in results}
    for result in results:
        for reference in ("prism-static", "prism-dynamic"):
            other = by_key.get((result.workload, reference))
            if other and other.requests_per_s:
                result.ratios[reference] = round(result.requests_per_s / other.requests_per_s, 2)
    print(f"\nclients: {args.clients}, wrk: 1 thread, 32 connections for req/s, 1 connection for p50/p99\n")
    print("| workload | server | req/s | p50 ms | p99 ms | bytes | errors | x Prism static | x Prism dynamic |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r.workload} | {r.server} | {r.requests_per_s:,.0f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} | {r.bytes:,} "
              f"| {r.errors} | {r.ratios.get('prism-static', float('nan')):.2f} "
              f"| {r.ratios.get('prism-dynamic', float('nan')):.2f} |")  # fmt: skip
    print("\n| server | startup s | RSS at start MiB | RSS after load MiB |")
    print("|---|---:|---:|---:|")
    for s in servers:
        print(f"| {s.name} | {s.startup_s or float('nan'):.2f} | {s.rss_mib} | {s.rss_after_mib} |")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "clients": args.clients,
        "seconds": args.seconds,
        "results": [asdict(r) for r in results],
        "servers": [
            {"name": s.name, "startup_s": s.startup_s, "rss_mib": s.rss_mib, "rss_after_mib": s.rss_after_mib}
            for s in servers
        ],
    }
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nresults: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
