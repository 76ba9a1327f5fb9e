"""What the benchmarks share: the temporary database, gunicorn, the load
generators (wrk, or a Python fallback), the CPU watch, the results table and
the run itself (its temporary folder and its cleanup).

Used by `pages.py` and `feeds.py` (and `profile_pages.py` for the database);
the database's content is in `content.py`. Importing this module puts the
project on `sys.path`.
"""
from __future__ import annotations

import http.client
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

WORKERS = 2


# --------------------------------------------------------------------------
# The database
# --------------------------------------------------------------------------

class BenchDatabase:
    """A database that exists only for this run: a SQLite file or a PostgreSQL database."""

    def __init__(self, workdir: Path, server_url: str | None):
        from config import database_url

        self.workdir = workdir
        self.server_url = database_url(server_url) if server_url else None
        self.pg_name: str | None = None
        self._watch_engine = None
        if self.server_url:
            self.kind = "postgresql"
            self.url = self._create_postgresql()
        else:
            self.kind = "sqlite"
            self.url = f"sqlite:///{workdir / 'bench.db'}"

    def _admin_engine(self):
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        return create_engine(
            make_url(self.server_url).set(database="postgres"), isolation_level="AUTOCOMMIT"
        )

    def _create_postgresql(self) -> str:
        from sqlalchemy import text
        from sqlalchemy.engine import make_url

        name = f"bench_pages_{os.getpid()}_{secrets.token_hex(3)}"
        engine = self._admin_engine()
        try:
            with engine.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        finally:
            engine.dispose()
        self.pg_name = name
        return make_url(self.server_url).set(database=name).render_as_string(hide_password=False)

    def backend_pids(self) -> list[int]:
        """The server processes serving the benchmark's database, when the server runs here."""
        from sqlalchemy import text
        from sqlalchemy.engine import make_url

        if not self.pg_name or make_url(self.url).host not in (None, "", "localhost", "127.0.0.1", "::1"):
            return []
        if self._watch_engine is None:
            self._watch_engine = self._admin_engine()
        with self._watch_engine.connect() as conn:
            return list(conn.scalars(
                text("SELECT pid FROM pg_stat_activity WHERE datname = :name"), {"name": self.pg_name}
            ))

    def describe(self) -> str:
        if self.kind == "sqlite":
            return f"SQLite file {self.workdir / 'bench.db'}"
        from sqlalchemy.engine import make_url

        return f"PostgreSQL database {make_url(self.url).render_as_string(hide_password=True)}"

    def drop(self) -> None:
        if self._watch_engine is not None:
            self._watch_engine.dispose()
            self._watch_engine = None
        if not self.pg_name:
            return
        from sqlalchemy import text

        engine = self._admin_engine()
        try:
            with engine.connect() as conn:
                try:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)'))
                except Exception:  # noqa: BLE001 - PostgreSQL before 13 has no FORCE
                    conn.execute(
                        text(
                            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                            " WHERE datname = :name AND pid <> pg_backend_pid()"
                        ),
                        {"name": self.pg_name},
                    )
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{self.pg_name}"'))
        finally:
            engine.dispose()
        self.pg_name = None


def make_app(database_url_value: str, **settings):
    """The real app on the benchmark's database (rate limits off, like the
    server); `settings` override the configuration (PAGE_CACHE_SECONDS=0)."""
    from config import Config
    from events_app import create_app

    config = type(
        "BenchConfig",
        (Config,),
        {"SQLALCHEMY_DATABASE_URI": database_url_value, "RATELIMIT_ENABLED": False, **settings},
    )
    return create_app(config)

# --------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    def __init__(self, database_url_value: str, workdir: Path, workers: int = WORKERS,
                 page_cache_seconds: int | None = None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / "gunicorn.log"
        env = dict(os.environ)
        env.update(DATABASE_URL=database_url_value, RATELIMIT_ENABLED="0", PYTHONUNBUFFERED="1")
        if page_cache_seconds is not None:
            env["PAGE_CACHE_SECONDS"] = str(page_cache_seconds)
        self._log = open(self.log_path, "ab")
        # Own session: a Ctrl-C in the terminal reaches this script, which
        # then stops gunicorn in order (see stop()).
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn",
                "--chdir", str(PROJECT_ROOT),
                "--pythonpath", str(BENCH_DIR),
                "--workers", str(workers),
                "--worker-class", "sync",
                "--bind", f"127.0.0.1:{self.port}",
                "--log-level", "warning",
                "--error-logfile", "-",
                "bench_wsgi:app",
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited with code {self.process.returncode}:\n{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer /healthz within {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # graceful: the master stops its workers
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        # Workers left behind by a master that died: they share its process group.
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self._log.close()


# --------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------

@dataclass
class Result:
    name: str
    path: str
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: list[str] = field(default_factory=list)
    others_cpu: float | None = None  # share of the machine's CPU used by other processes


class CpuWatch:
    """How much of the machine's CPU went to processes other than the benchmark's own.

    The benchmark's own: this script, wrk, gunicorn and its workers and, on a
    PostgreSQL server on this machine, the backends serving the benchmark's
    database. On a shared machine (tests running next door) the figures drop
    and the ratios drift; this says so instead of leaving it to be guessed.
    Linux only (/proc); elsewhere it reports nothing.
    """

    def __init__(self, gunicorn_pid: int, extra_pids=lambda: []):
        self.gunicorn_pid = gunicorn_pid
        self.extra_pids = extra_pids
        self.tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        self.available = Path("/proc/stat").exists()
        self._start = None

    @staticmethod
    def _machine() -> tuple[int, int]:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        user, nice, system, idle, iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
        busy = user + nice + system + irq + softirq + steal
        return busy, busy + idle + iowait

    def _pids(self) -> set[int]:
        pids = {self.gunicorn_pid}
        try:
            children = Path(f"/proc/{self.gunicorn_pid}/task/{self.gunicorn_pid}/children").read_text()
            pids.update(int(p) for p in children.split())
        except OSError:
            pass
        try:
            pids.update(self.extra_pids())
        except Exception:  # noqa: BLE001 - a watch must never stop the benchmark
            pass
        return pids

    @staticmethod
    def _ticks(pid: int) -> int | None:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return None
        fields = stat.rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime, stime

    @staticmethod
    def _own_seconds() -> float:
        import resource

        own = resource.getrusage(resource.RUSAGE_SELF)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)  # wrk, once it has exited
        return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime

    def start(self) -> None:
        if not self.available:
            return
        ticks = {pid: self._ticks(pid) for pid in self._pids()}
        self._start = (self._machine(), self._own_seconds(), {p: t for p, t in ticks.items() if t is not None})

    def stop(self) -> float | None:
        if not self.available or self._start is None:
            return None
        (busy0, total0), own0, ticks0 = self._start
        ticks1 = {pid: self._ticks(pid) for pid in self._pids() | set(ticks0)}
        busy1, total1 = self._machine()
        total = total1 - total0
        if total <= 0:
            return None
        # A process that ended during the run is counted up to its last reading.
        ours = sum(
            (ticks1[pid] if ticks1[pid] is not None else ticks0.get(pid, 0)) - ticks0.get(pid, 0)
            for pid in ticks1
        ) / self.tick + (self._own_seconds() - own0)
        others = (busy1 - busy0) / self.tick - ours
        return max(0.0, others / (total / self.tick))


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def _to_ms(value: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", value.strip())
    if not match:
        raise ValueError(f"unexpected wrk time {value!r}")
    return float(match.group(1)) * _UNITS_MS[match.group(2)]


def parse_wrk(output: str) -> dict:
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.M)
    total = re.search(r"^\s+(\d+) requests in", output, re.M)
    if not (rps and p50 and p99 and total):
        raise RuntimeError(f"could not read wrk's output:\n{output}")
    errors = []
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if non2xx:
        errors.append(f"{non2xx.group(1)} non-2xx/3xx responses")
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if sock and any(int(n) for n in sock.groups()):
        errors.append("socket errors: connect {}, read {}, write {}, timeout {}".format(*sock.groups()))
    return {
        "rps": float(rps.group(1)),
        "p50_ms": _to_ms(p50.group(1)),
        "p99_ms": _to_ms(p99.group(1)),
        "requests": int(total.group(1)),
        "errors": errors,
    }


def run_wrk(wrk: str, url: str, seconds: float, connections: int, threads: int,
            headers: dict[str, str] | None = None) -> dict:
    """One wrk run; `headers` are sent with every request (`-H`)."""
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    command.append(url)
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return parse_wrk(done.stdout)


def run_python_client(url: str, seconds: float, connections: int) -> dict:
    """The fallback when wrk is missing: one thread per connection, http.client.

    Less reliable than wrk: the client threads share one GIL and compete
    with the server for the CPU, so every figure comes out lower.
    """
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies: list[float] = []
    errors = {"non2xx": 0, "socket": 0}
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def worker():
        mine, bad, broken = [], 0, 0
        while time.perf_counter() < stop_at:
            began = time.perf_counter()
            try:
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                conn.close()
                if not 200 <= response.status < 400:
                    bad += 1
            except (OSError, http.client.HTTPException):
                broken += 1
                continue
            mine.append(time.perf_counter() - began)
        with lock:
            latencies.extend(mine)
            errors["non2xx"] += bad
            errors["socket"] += broken

    began = time.perf_counter()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    latencies.sort()

    def percentile(q: float) -> float:
        if not latencies:
            return float("nan")
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000

    messages = []
    if errors["non2xx"]:
        messages.append(f"{errors['non2xx']} non-2xx/3xx responses")
    if errors["socket"]:
        messages.append(f"{errors['socket']} socket errors")
    return {
        "rps": len(latencies) / elapsed,
        "p50_ms": percentile(0.50),
        "p99_ms": percentile(0.99),
        "requests": len(latencies),
        "errors": messages,
    }


def check_page(base: str, path: str) -> int:
    """GET a page once; returns its size. A page that fails is not worth timing."""
    try:
        with urllib.request.urlopen(base + path, timeout=30) as response:
            return len(response.read())
    except urllib.error.HTTPError as error:
        raise RuntimeError(f"GET {path} answered {error.code}; not measuring an error page") from error


def print_load(args, wrk: str | None) -> None:
    """The load generator's line (and, without wrk, the fallback's warning)."""
    if wrk:
        client = f"wrk -t{args.threads} -c{args.connections} -d{args.duration:g}s --latency"
    else:
        client = f"Python http.client fallback, {args.connections} threads"
        print("wrk not found (apt-get install wrk): using the Python client. Its figures are "
              "less reliable (the client shares the CPU and a GIL) and not comparable with wrk's.")
    print(f"load: {client}; {args.warmup:g} s warm-up per endpoint; "
          f"{os.cpu_count()} CPUs, Python {platform.python_version()}")


def _load(wrk: str | None, url: str, seconds: float, args, headers: dict[str, str] | None) -> dict:
    if wrk:
        return run_wrk(wrk, url, seconds, args.connections, args.threads, headers)
    return run_python_client(url, seconds, args.connections)


def measure(run: BenchRun, endpoints, args, wrk: str | None) -> list[Result]:
    """A warm-up run, then the measured run, of each (name, path, headers) endpoint.

    With wrk when `wrk` is its path, else with the Python client (which sends
    no headers). The CPU watch covers each measured run.
    """
    watch = CpuWatch(run.server.process.pid, run.database.backend_pids)
    results = []
    for name, path, headers in endpoints:
        url = run.server.base + path
        if headers and not wrk:
            raise RuntimeError(f"{name}: the Python client sends no headers; this needs wrk")
        if args.warmup > 0:
            _load(wrk, url, args.warmup, args, headers)
        watch.start()
        figures = _load(wrk, url, args.duration, args, headers)
        label = path + "".join(f" + {header}" for header in headers or {})
        results.append(Result(name=name, path=label, others_cpu=watch.stop(), **figures))
    return results


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------

def print_columns(header: tuple, aligns: list[str], rows: list[tuple]) -> None:
    """A plain-text table: `aligns` holds "<" or ">" per column."""
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]

    def line(cells):
        return "  ".join(f"{str(c):{a}{w}}" for c, a, w in zip(cells, aligns, widths)).rstrip()

    print(line(header))
    print(line(["-" * w for w in widths]))
    for row in rows:
        print(line(row))


# A profile's areas: (label, substrings of "file:function"); the first match wins.
Areas = list[tuple[str, tuple[str, ...]]]
OTHER_AREA = "other (stdlib, …)"


def area_of(areas: Areas, filename: str, funcname: str) -> str:
    key = f"{filename}:{funcname}"
    return next((label for label, needles in areas if any(n in key for n in needles)), OTHER_AREA)


def time_by_area(stats, areas: Areas) -> dict[str, float]:
    """Own time of a `pstats.Stats` per area. A built-in (str.join,
    isinstance, …) has no area of its own: its time goes to its callers'."""
    found: dict[str, float] = {}
    for (filename, _line, funcname), (_cc, _nc, tottime, _ct, callers) in stats.stats.items():
        own = area_of(areas, filename, funcname)
        if filename == "~" and callers and own == OTHER_AREA:
            for (caller_file, _l, caller_name), caller_stats in callers.items():
                label = area_of(areas, caller_file, caller_name)
                found[label] = found.get(label, 0.0) + caller_stats[2]
        else:
            found[own] = found.get(own, 0.0) + tottime
    return found


def print_profile(paths: list[Path], top: int, areas: Areas, what: str) -> None:
    """Where the profiled time went (`what`: whose), by area, then the top functions."""
    import pstats

    if not paths:
        print("\n(no profile: the workers wrote none)")
        return
    stats = pstats.Stats(*(str(p) for p in paths))
    total = stats.total_tt
    print(f"\nProfile of {what} (cProfile; {total:.2f} s of own time, profiled so slower than "
          "unprofiled). Own time by area:")
    for label, seconds in sorted(time_by_area(stats, areas).items(), key=lambda item: -item[1]):
        print(f"  {seconds:7.2f} s  {seconds / total:5.1%}  {label}")
    print(f"\nTop {top} functions by cumulative time:")
    stats.sort_stats("cumulative").print_stats(top)
    print(f"Top {top} functions by own time:")
    stats.sort_stats("tottime").print_stats(top)


def print_heading(title: str, run: BenchRun, events: int, args) -> None:
    print()
    print(f"{title} ({run.database.kind}, {events:,} events, "
          f"{WORKERS} sync gunicorn workers, {args.connections} connections, {args.duration:g} s each)")


def print_table(results: list[Result], targets: dict[str, float]) -> None:
    """One row per endpoint; `targets` maps a name to its least ratio to the trivial endpoint."""
    trivial = next((r for r in results if r.name == "trivial"), None)
    header = ("endpoint", "requests/s", "p50 ms", "p99 ms", "vs trivial", "target", "")
    rows = []
    for r in results:
        ratio = r.rps / trivial.rps if trivial and trivial.rps else float("nan")
        target = targets.get(r.name)
        if target is None:
            target_text, verdict = "", ""
        else:
            target_text = f">= {target:.2f}"
            verdict = "met" if ratio >= target else "NOT MET"
        rows.append((
            f"{r.name} ({r.path})" if r.name != r.path else r.path,
            f"{r.rps:,.0f}",
            f"{r.p50_ms:.1f}",
            f"{r.p99_ms:.1f}",
            f"{ratio:.2f}",
            target_text,
            verdict,
        ))
    print_columns(header, ["<", ">", ">", ">", ">", "<", "<"], rows)
    for r in results:
        for error in r.errors:
            print(f"  ! {r.name}: {error}")
    shares = [(r.name, r.others_cpu) for r in results if r.others_cpu is not None]
    if shares:
        print("CPU used by other processes on this machine during each run: "
              + ", ".join(f"{name} {share:.0%}" for name, share in shares))
        if any(share > 0.10 for _, share in shares):
            print("  ! other processes took more than 10% of the CPU: figures are low and the "
                  "ratios unreliable; run again on a quiet machine.")


# --------------------------------------------------------------------------
# Options and the run
# --------------------------------------------------------------------------

def add_load_options(parser) -> None:
    """--duration, --warmup, --connections, --threads."""
    parser.add_argument("--duration", type=float, default=10, help="seconds per measured run (default 10)")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of warm-up per endpoint (default 2)")
    parser.add_argument("--connections", type=int, default=16, help="open connections (default 16)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")


def add_events_option(parser, default: int | None = None) -> None:
    """--events N: how many events the database holds in all (the demo's and
    bulk-loaded ones), to see how a figure grows with the data."""
    parser.add_argument("--events", type=int, default=default,
                        help="events in all (default: the demo and "
                             + (f"enough for {default:,}" if default else "1,000 more") + ")")
    parser.add_argument("--past-years", type=int, default=0, metavar="N",
                        help="spread the bulk-loaded events over N years past as well as the year "
                             "ahead: a calendar with its history (default 0: all upcoming)")


def add_keep_option(parser) -> None:
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary folder (database, gunicorn log) and, on PostgreSQL, the database")


class BenchRun:
    """One run's temporary folder, database and gunicorn (see `run_benchmark`)."""

    def __init__(self, prefix: str, keep: bool):
        self.keep = keep
        self.workdir = Path(tempfile.mkdtemp(prefix=prefix))
        self.database: BenchDatabase | None = None
        self.server: Gunicorn | None = None

    def start_server(self, note: str = "", **options) -> Gunicorn:
        """Start gunicorn on the run's database, wait for it, print its line (plus `note`)."""
        self.server = Gunicorn(self.database.url, self.workdir, **options)
        self.server.wait_ready()
        import gunicorn

        print(f"server: gunicorn {gunicorn.__version__}, {WORKERS} sync workers, {self.server.base}{note}")
        return self.server

    def cleanup(self) -> None:
        if self.server is not None:
            self.server.stop()
        database = self.database
        if database is not None:
            if self.keep:
                if database.pg_name:
                    print(f"kept PostgreSQL database {database.pg_name}")
            else:
                try:
                    database.drop()
                except Exception as error:  # noqa: BLE001
                    print(f"could not drop database {database.pg_name}: {error}", file=sys.stderr)
        if self.keep:
            print(f"kept {self.workdir}")
        else:
            shutil.rmtree(self.workdir, ignore_errors=True)


def _raise_interrupt(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


def run_benchmark(prefix: str, keep: bool, body) -> int:
    """Create the run's database (SQLite, or on BENCH_DATABASE_URL's server), call `body(run)`.

    Returns the exit status: 0 when `body` returned, 130 on Ctrl-C or SIGTERM,
    1 on an error (reported with gunicorn's log). gunicorn, the temporary
    folder and the PostgreSQL database are always cleaned up (unless `keep`).
    """
    signal.signal(signal.SIGTERM, _raise_interrupt)
    started = time.monotonic()
    run = BenchRun(prefix, keep)
    status = 1
    try:
        run.database = BenchDatabase(run.workdir, os.environ.get("BENCH_DATABASE_URL") or None)
        print(f"database: {run.database.describe()}")
        body(run)
        print(f"\ntotal time {time.monotonic() - started:.0f} s")
        status = 0
    except KeyboardInterrupt:
        print("\ninterrupted: cleaning up", file=sys.stderr)
        status = 130
    except Exception as error:  # noqa: BLE001 - report, clean up, exit non-zero
        print(f"\nbenchmark failed: {error}", file=sys.stderr)
        if run.server is not None:
            print(f"--- gunicorn log ---\n{run.server.log_tail()}", file=sys.stderr)
    finally:
        # Cleaning up must not be cut short by a second Ctrl-C.
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        try:
            run.cleanup()
        finally:
            signal.signal(signal.SIGINT, previous)
    return status
