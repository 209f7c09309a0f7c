"""Logs written by real programs, parsed untuned: how many records come out fully right?

Each program is run with its common or default configurations and logs messages we
chose, at levels we chose; the generator side keeps the ground truth of every record
it caused: the line it starts on and how many lines it wrote (tracebacks, Java stack
traces, multi-line messages), when it was written (the exact instant where the
program tells it, else the window around the call), the level and the message. Then
``logwatch-tui parse --json`` (auto-detection, no ``--format``) reads each file and
every record is scored:

* **first line**: a parsed record starts on the record's first line;
* **extent**: that record's text is exactly the record's lines (a traceback stays
  with its record, the next record is not swallowed);
* **ts**: the instant written, to its precision, in the right zone (no time written:
  the parser must say ``null``, not make one up);
* **level**: the program's level (``Level`` names: java.util.logging CONFIG/FINE are
  DEBUG, FINER/FINEST TRACE, SEVERE ERROR; pino 60 and nginx emerg/alert/crit are
  CRITICAL); where the file does not say it, UNKNOWN: RFC 3164 lines carry no
  severity, so the level is UNKNOWN unless the message starts with a level word (our
  messages that do were sent at that severity); access lines by their status
  (5xx ERROR, 4xx WARNING, else INFO, the access format's documented rule);
* **message**: the logged message; in a text format the part on the record's first
  line (later lines are in the extent), trailing blanks ignored; structlog's console
  renderer writes ``event`` padded to 30 then its ``key=value`` pairs, which are the
  message; access lines: ``remote "request" status bytes``; nginx error lines: the
  text after ``pid#tid: `` and the connection number ``*N`` (a field, as in lnav).

A record is *fully right* when all five are. Programs and configurations:

* Python ``logging``: ``basicConfig()``'s default, ``%(asctime)s %(levelname)s
  %(name)s: %(message)s``, ``%(asctime)s - %(name)s - %(levelname)s - %(message)s``,
  ``[%(levelname)s]`` and ``%(levelname)-8s`` variants, the logging cookbook's
  ``%(asctime)s %(name)-12s %(levelname)-8s %(message)s``; with ``exc_info``
  tracebacks (chained too), ``stack_info`` and multi-line messages;
* python-json-logger (default, asctime/levelname, ``timestamp=True``, renamed fields);
* structlog (``JSONRenderer`` as its docs recommend for production, the default
  ``ConsoleRenderer`` without and with colours — ANSI);
* logfmter (default ``at=INFO msg=…``, its README's ``when=asctime``, ISO ``ts``);
* pino (default: numeric levels and epoch-ms ``time``; ISO time with level labels);
* nginx (``combined`` and the stock ``main`` access formats, error log at ``info``);
* rsyslogd (``RSYSLOG_TraditionalFileFormat``, ``RSYSLOG_FileFormat``,
  ``RSYSLOG_SyslogProtocol23Format``; sent with ``logger`` over a Unix socket and UDP);
* java.util.logging (default two-line ``SimpleFormatter`` and two one-line formats).

The programs and the parser run in one time zone that is not UTC (``--tz``, default
Asia/Kolkata, +05:30), so a time read in the wrong zone shows. A program that cannot
run here is skipped with the reason.

    .venv/bin/python benchmarks/real_programs.py [--records 60] [--only pino,nginx]
        [--tz Asia/Kolkata] [--show 5] [--keep DIR]

Accuracy, not speed: the figures do not depend on machine load.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

FIELDS = ("first", "ts", "level", "message", "extent")
PY_LEVELS = {10: "DEBUG", 20: "INFO", 30: "WARNING", 40: "ERROR", 50: "CRITICAL"}

MESSAGES = [
    "user alice logged in from 10.0.0.5",
    "GET /api/orders?id=42 returned 200 in 12 ms",
    "cache miss for key=user:42; refilling",
    "payment declined: card ending 4242",
    'config loaded from "/etc/app/config.toml"',
    "retrying in 2 s after connection reset (attempt 3/5)",
    "queue depth 1,024 > threshold 1000",
    "résumé uploaded ✓ 📄",
    "worker [7] finished job #991 in 0.35s",
    "disk usage at 91% on /var",
    "no error found in 3 files",
    "Shutting down: received SIGTERM",
    "connection to db-primary:5432 lost, failing over",
    "scheduled 12 jobs for 2026-12-05",
]
MULTILINE = [
    "batch report:\nrows=10\nskipped=2",
    'payload received {\n  "id": 7,\n  "ok": true\n}',
    "query failed:\nSELECT *\nFROM orders\nWHERE id = 42",
]


@dataclass
class Expected:
    """One record the program wrote, as the generator side knows it."""

    first: int
    """1-based line the record starts on."""
    n: int
    """How many lines it spans."""
    level: str
    message: str
    lo: float | None = None
    """Earliest instant the written time may show (None: no time written)."""
    hi: float | None = None
    prec: float = 1.0
    """Precision of the written time, seconds (it is truncated to this)."""


@dataclass
class Case:
    program: str
    config: str
    path: str
    expected: list[Expected] = field(default_factory=list)


class Recorder:
    """Watches a log file grow while calls are made: which lines each call wrote."""

    def __init__(self, path: Path, flush: Callable[[], None] = lambda: None) -> None:
        self.path = path
        self.flush = flush
        self.pos = 0
        self.lines = 0
        self.records: list[Expected] = []

    def emit(
        self,
        call: Callable[[], Any],
        *,
        level: str,
        message: str,
        exact: Callable[[], float] | None = None,
        prec: float | None = 1.0,
    ) -> None:
        """Make one call; ``exact`` (after it) gives the program's own instant, else the
        window around the call; ``prec`` None: the configuration writes no time."""
        t0 = time.time()
        call()
        t1 = time.time()
        self.flush()
        with open(self.path, "rb") as f:
            f.seek(self.pos)
            data = f.read()
        n = data.count(b"\n")
        if n == 0 or not data.endswith(b"\n"):
            raise RuntimeError(f"{self.path}: a call wrote {n} complete lines")
        first = self.lines + 1
        self.pos += len(data)
        self.lines += n
        lo, hi = (None, None) if prec is None else ((e := exact(), e) if exact else (t0, t1))
        self.records.append(
            Expected(first, n, level, message, lo, hi, prec if prec is not None else 1.0)
        )


def first_line(message: str) -> str:
    return message.split("\n", 1)[0]


# -- the script of events every Python library logs ------------------------------------------


@dataclass
class Event:
    level: int
    message: str
    kind: str = "plain"
    """plain, exc (exc_info traceback), chained (exception during handling), stack."""
    extra: dict[str, Any] = field(default_factory=dict)


# events 1, 2, 3, 5 and 7 of every script are a traceback, a multi-line message, a chained
# exception, a stack and key=value extras: each configuration sees every kind however short
_FORCED = {1: 0.0, 2: 0.15, 3: 0.10, 5: 0.21, 7: 0.9}


def events(count: int, seed: int) -> list[Event]:
    rnd = random.Random(seed)
    out = []
    for i in range(count):
        level = [10, 20, 20, 20, 30, 30, 40, 50][i % 8]
        r = rnd.random()
        r = _FORCED.get(i, r)
        msg = rnd.choice(MESSAGES)
        if r < 0.08:
            out.append(Event(40, f"order {i} failed: {msg}", "exc"))
        elif r < 0.12:
            out.append(Event(50, f"unhandled error in job {i}", "chained"))
        elif r < 0.20:
            out.append(Event(level, rnd.choice(MULTILINE)))
        elif r < 0.23:
            out.append(Event(30, f"slow call {i} ({msg})", "stack"))
        else:
            extra = {"user": "bob", "n": i} if r > 0.85 else {}
            out.append(Event(level, msg, extra=extra))
    return out


def _raise_plain(i: int) -> None:
    raise ValueError(f"bad order {i}")


def _raise_chained(i: int) -> None:
    try:
        {}["missing"]
    except KeyError as exc:
        raise RuntimeError(f"job {i} could not continue") from exc


def log_stdlib(logger: Any, ev: Event, i: int) -> None:
    """One event through a ``logging.Logger``."""
    if ev.kind in ("exc", "chained"):
        try:
            (_raise_plain if ev.kind == "exc" else _raise_chained)(i)
        except Exception:
            logger.log(ev.level, ev.message, exc_info=True)
    elif ev.kind == "stack":
        logger.log(ev.level, ev.message, stack_info=True)
    else:
        logger.log(ev.level, ev.message, extra=ev.extra or None)


class _Created:
    """A logging filter that remembers the last record's ``created`` (its exact time)."""

    def __init__(self) -> None:
        self.last = 0.0

    def filter(self, record: Any) -> bool:
        self.last = record.created
        return True


def _stdlib_case(
    out: Path,
    program: str,
    config: str,
    formatter: Any,
    evs: list[Event],
    *,
    prec: float | None,
    whole_message: bool,
) -> Case:
    import logging

    k = len(os.listdir(out))
    path = out / f"{program.replace(' ', '-')}-{k}.log"
    # an application logs through several loggers into one file: each event uses the next
    loggers = [logging.getLogger(n) for n in LOGGER_NAMES]
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(formatter)
    created = _Created()
    handler.addFilter(created)
    for lg in loggers:
        lg.propagate = False
        lg.setLevel(logging.DEBUG)
        lg.addHandler(handler)
    rec = Recorder(path, handler.flush)
    try:
        for i, ev in enumerate(evs):
            lg = loggers[i % len(loggers)]
            rec.emit(
                lambda ev=ev, i=i, lg=lg: log_stdlib(lg, ev, i),
                level=PY_LEVELS[ev.level],
                message=ev.message if whole_message else first_line(ev.message),
                exact=lambda: created.last,
                prec=prec,
            )
    finally:
        for lg in loggers:
            lg.removeHandler(handler)
        handler.close()
    return Case(program, config, str(path), rec.records)


LOGGER_NAMES = [
    "shop.api",
    "__main__",
    "app.db",
    "uvicorn.error",
    "sqlalchemy.engine.Engine",
    "root",
    "celery",
]
STDLIB_FORMATS = [
    ("basicConfig default", "%(levelname)s:%(name)s:%(message)s", None),
    ("asctime levelname name:", "%(asctime)s %(levelname)s %(name)s: %(message)s", 1e-3),
    ("asctime - name - levelname -", "%(asctime)s - %(name)s - %(levelname)s - %(message)s", 1e-3),
    ("asctime [levelname] name:", "%(asctime)s [%(levelname)s] %(name)s: %(message)s", 1e-3),
    ("asctime levelname-8", "%(asctime)s %(levelname)-8s %(message)s", 1e-3),
    ("cookbook name-12 levelname-8", "%(asctime)s %(name)-12s %(levelname)-8s %(message)s", 1e-3),
    ("Flask default", "[%(asctime)s] %(levelname)s in %(module)s: %(message)s", 1e-3),
    ("HOWTO asctime message (no level)", "%(asctime)s %(message)s", 1e-3),
]


def gen_stdlib(out: Path, count: int) -> list[Case]:
    import logging

    cases = []
    for k, (config, fmt, prec) in enumerate(STDLIB_FORMATS):
        case = _stdlib_case(
            out,
            "stdlib logging",
            config,
            logging.Formatter(fmt),
            events(count, 100 + k),
            prec=prec,
            whole_message=False,
        )
        if "levelname" not in fmt:  # the configuration writes no level
            for e in case.expected:
                e.level = "UNKNOWN"
        cases.append(case)
    return cases


def gen_json_logger(out: Path, count: int) -> list[Case]:
    from pythonjsonlogger.json import JsonFormatter

    configs = [
        ("JsonFormatter() default", JsonFormatter(), None),
        (
            "asctime levelname name message",
            JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"),
            1e-3,
        ),
        (
            "timestamp=True",
            JsonFormatter("%(levelname)s %(name)s %(message)s", timestamp=True),
            1e-6,
        ),
        (
            "{}-style, renamed level/time",
            JsonFormatter(
                "{asctime}{levelname}{name}{message}",
                style="{",
                rename_fields={"levelname": "level", "asctime": "time"},
            ),
            1e-3,
        ),
    ]
    cases = []
    for k, (config, fmtr, prec) in enumerate(configs):
        c = _stdlib_case(
            out,
            "python-json-logger",
            config,
            fmtr,
            events(count, 200 + k),
            prec=prec,
            whole_message=True,
        )
        if config.startswith("JsonFormatter()"):
            for e in c.expected:  # the default writes no level
                e.level = "UNKNOWN"
        cases.append(c)
    return cases


def gen_logfmter(out: Path, count: int) -> list[Case]:
    from logfmter import Logfmter

    configs = [
        ("Logfmter() default", Logfmter(), None),
        (
            "README keys at,when (asctime)",
            Logfmter(keys=["at", "when"], mapping={"at": "levelname", "when": "asctime"}),
            1e-3,
        ),
        (
            "ts (ISO datefmt), at, logger",
            Logfmter(
                keys=["ts", "at", "logger"],
                mapping={"ts": "asctime", "at": "levelname", "logger": "name"},
                datefmt="%Y-%m-%dT%H:%M:%S%z",
            ),
            1.0,
        ),
    ]
    return [
        _stdlib_case(
            out,
            "logfmter",
            config,
            fmtr,
            events(count, 300 + k),
            prec=prec,
            whole_message=True,
        )
        for k, (config, fmtr, prec) in enumerate(configs)
    ]


def gen_structlog(out: Path, count: int) -> list[Case]:
    import structlog

    cases = []
    for config in ("JSONRenderer (production)", "ConsoleRenderer", "ConsoleRenderer colours"):
        path = out / f"structlog-{len(os.listdir(out))}.log"
        f = open(path, "w", encoding="utf-8")  # noqa: SIM115
        if config.startswith("JSON"):
            procs = [
                structlog.contextvars.merge_contextvars,
                structlog.processors.add_log_level,
                structlog.processors.StackInfoRenderer(),
                structlog.dev.set_exc_info,
                structlog.processors.TimeStamper(fmt="iso", utc=True),
                structlog.processors.dict_tracebacks,
                structlog.processors.JSONRenderer(),
            ]
            prec = 1e-6
        else:  # structlog's own default processors, renderer with/without colours
            procs = [
                structlog.contextvars.merge_contextvars,
                structlog.processors.add_log_level,
                structlog.processors.StackInfoRenderer(),
                structlog.dev.set_exc_info,
                structlog.processors.TimeStamper(fmt="%Y-%m-%d %H:%M:%S", utc=False),
                structlog.dev.ConsoleRenderer(colors=config.endswith("colours")),
            ]
            prec = 1.0
        log = structlog.wrap_logger(
            structlog.PrintLogger(f),
            processors=procs,
            wrapper_class=structlog.make_filtering_bound_logger(0),
        )
        rec = Recorder(path, f.flush)
        names = {10: "debug", 20: "info", 30: "warning", 40: "error", 50: "critical"}
        for i, ev in enumerate(events(count, 400 + len(cases))):
            meth = getattr(log, names[ev.level])

            def call(ev: Event = ev, i: int = i, meth: Any = meth) -> None:
                if ev.kind in ("exc", "chained"):
                    try:
                        (_raise_plain if ev.kind == "exc" else _raise_chained)(i)
                    except Exception:
                        meth(ev.message, exc_info=True)
                elif ev.kind == "stack":
                    meth(ev.message, stack_info=True)
                else:
                    meth(ev.message, **ev.extra)

            if config.startswith("JSON"):
                msg = ev.message
            else:
                kv = " ".join(f"{k}={v}" for k, v in sorted(ev.extra.items()))
                msg = first_line(f"{ev.message:<30} {kv}" if kv else ev.message).rstrip()
            rec.emit(call, level=PY_LEVELS[ev.level], message=msg, prec=prec)
        f.close()
        cases.append(Case("structlog", config, str(path), rec.records))
    return cases


PYTHON_GENERATORS: dict[str, Callable[[Path, int], list[Case]]] = {
    "stdlib logging": gen_stdlib,
    "python-json-logger": gen_json_logger,
    "structlog": gen_structlog,
    "logfmter": gen_logfmter,
}


# -- pino --------------------------------------------------------------------------------------

PINO_JS = r"""
const fs = require('fs');
const pino = require('pino');
const [out, count] = [process.argv[2], parseInt(process.argv[3])];
const MESSAGES = JSON.parse(process.argv[4]);
const configs = [
  ['default (numeric level, epoch ms)', {level: 'trace'}, 1e-3],
  ['isoTime, level labels', {level: 'trace', timestamp: pino.stdTimeFunctions.isoTime,
     formatters: {level: (label) => ({level: label})}}, 1e-3],
  ['child logger, unixTime', {level: 'trace', timestamp: pino.stdTimeFunctions.unixTime}, 1],
];
const LV = {trace: 'TRACE', debug: 'DEBUG', info: 'INFO', warn: 'WARNING', error: 'ERROR',
            fatal: 'CRITICAL'};
const cases = [];
configs.forEach(([name, opts, prec], k) => {
  const path = `${out}/pino-${k}.log`;
  let log = pino(opts, pino.destination({dest: path, sync: true}));
  if (name.startsWith('child')) log = log.child({module: 'db'});
  const recs = [];
  let lines = 0;
  for (let i = 0; i < count; i++) {
    const lv = ['trace', 'debug', 'info', 'info', 'warn', 'error', 'fatal', 'info'][i % 8];
    let msg = MESSAGES[(i * 7 + k) % MESSAGES.length];
    const t0 = Date.now();
    if (i % 9 === 4) {
      const err = new Error(`bad order ${i}`);
      if (i % 2) { log[lv](err, msg); } else { log[lv](err); msg = err.message; }
    } else if (i % 11 === 5) {
      msg = 'batch report:\nrows=10\nskipped=2';
      log[lv]({user: 'bob'}, msg);
    } else {
      log[lv]({n: i}, msg);
    }
    const t1 = Date.now();
    const n = fs.readFileSync(path, 'utf8').split('\n').length - 1;
    // unixTime is Math.round(Date.now() / 1000): the second nearest the call
    recs.push({first: lines + 1, n: n - lines, level: LV[lv], message: msg,
               lo: prec === 1 ? Math.round(t0 / 1000) : t0 / 1000,
               hi: prec === 1 ? Math.round(t1 / 1000) : t1 / 1000, prec: prec === 1 ? 0 : prec});
    lines = n;
  }
  cases.push({program: 'pino', config: name, path, expected: recs});
});
process.stdout.write(JSON.stringify(cases));
"""


def find_pino() -> Path | None:
    """A node_modules with pino: $PINO_DIR, else npm-installed into a cache dir outside the repo."""
    if shutil.which("node") is None:
        return None
    env_dir = os.environ.get("PINO_DIR")
    cands = [Path(env_dir)] if env_dir else []
    cache = Path(tempfile.gettempdir()) / "logwatch-bench-pino"
    cands.append(cache)
    for c in cands:
        if (c / "node_modules" / "pino").is_dir():
            return c
    if shutil.which("npm") is None:
        return None
    cache.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(cache), "pino"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return cache if r.returncode == 0 and (cache / "node_modules" / "pino").is_dir() else None


def gen_pino(out: Path, count: int, env: dict[str, str]) -> list[Case]:
    mods = find_pino()
    if mods is None:
        raise Skip("node or pino not available (npm install pino failed: no network?)")
    script = out / "pino-gen.js"
    script.write_text(PINO_JS)
    r = subprocess.run(
        ["node", str(script), str(out), str(count), json.dumps(MESSAGES)],
        capture_output=True,
        text=True,
        env={**env, "NODE_PATH": str(mods / "node_modules")},
        timeout=120,
        check=True,
    )
    return [
        Case(c["program"], c["config"], c["path"], [Expected(**e) for e in c["expected"]])
        for c in json.loads(r.stdout)
    ]


# -- java.util.logging -------------------------------------------------------------------------

JAVA = r"""
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.util.logging.*;

public class Gen {
    static int lines = 0;
    public static void main(String[] args) throws Exception {
        String path = args[0];
        int count = Integer.parseInt(args[1]);
        Writer w = new OutputStreamWriter(new FileOutputStream(path), StandardCharsets.UTF_8);
        PrintWriter truth = new PrintWriter(new FileWriter(args[2]));
        Formatter fmt = new SimpleFormatter();
        Handler h = new Handler() {
            public void publish(LogRecord r) {
                String s = fmt.format(r);
                try { w.write(s); w.flush(); } catch (IOException e) { throw new UncheckedIOException(e); }
                int n = 0;
                for (int i = 0; i < s.length(); i++) if (s.charAt(i) == '\n') n++;
                String msg = r.getMessage().replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
                truth.println("{\"first\":" + (lines + 1) + ",\"n\":" + n + ",\"jlevel\":\""
                    + r.getLevel().getName() + "\",\"message\":\"" + msg + "\",\"ms\":" + r.getMillis() + "}");
                lines += n;
            }
            public void flush() {}
            public void close() {}
        };
        h.setLevel(Level.ALL);
        Logger log = Logger.getLogger("com.example.shop.OrderService");
        log.setUseParentHandlers(false);
        log.addHandler(h);
        log.setLevel(Level.ALL);
        Level[] ls = {Level.SEVERE, Level.WARNING, Level.INFO, Level.INFO, Level.CONFIG, Level.FINE,
                      Level.FINER, Level.FINEST};
        String[] msgs = args[3].split("\u0001");
        for (int i = 0; i < count; i++) {
            Level lv = ls[i % ls.length];
            String m = msgs[i % msgs.length];
            if (i % 9 == 4) {
                Exception cause = new IllegalStateException("pool exhausted");
                log.log(Level.SEVERE, "order " + i + " failed", new RuntimeException("bad order " + i, cause));
            } else if (i % 13 == 6) {
                log.log(lv, "batch report:\nrows=10\nskipped=2");
            } else {
                log.logp(lv, "com.example.shop.OrderService", "process", m);
            }
        }
        truth.close();
        w.close();
    }
}
"""
JUL_FORMATS = [
    ("SimpleFormatter default (two lines)", None, 1.0),
    ("[%1$tF %1$tT] [%4$-7s] %5$s%6$s%n", "[%1$tF %1$tT] [%4$-7s] %5$s%6$s%n", 1.0),
    (
        "%1$tF %1$tT.%1$tL %4$s %3$s - %5$s%6$s%n",
        "%1$tF %1$tT.%1$tL %4$s %3$s - %5$s%6$s%n",
        1e-3,
    ),
]
JUL_LEVELS = {
    "SEVERE": "ERROR",
    "WARNING": "WARNING",
    "INFO": "INFO",
    "CONFIG": "DEBUG",
    "FINE": "DEBUG",
    "FINER": "TRACE",
    "FINEST": "TRACE",
}


def gen_jul(out: Path, count: int, env: dict[str, str]) -> list[Case]:
    if shutil.which("javac") is None or shutil.which("java") is None:
        raise Skip("no JDK (java/javac) on this machine")
    src = out / "jul"
    src.mkdir(exist_ok=True)
    (src / "Gen.java").write_text(JAVA)
    quick = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]  # short runs: less JIT and GC CPU
    subprocess.run(
        ["javac", *(f"-J{o}" for o in quick), "Gen.java"], cwd=src, check=True, timeout=300, env=env
    )
    cases = []
    for k, (config, fmt, prec) in enumerate(JUL_FORMATS):
        path, truth = out / f"jul-{k}.log", out / f"jul-{k}.truth"
        argv = ["java", *quick, "-Duser.language=en", "-Duser.country=US", "-cp", str(src)]
        if fmt is not None:
            argv.append(f"-Djava.util.logging.SimpleFormatter.format={fmt}")
        argv += ["Gen", str(path), str(count), str(truth), "\u0001".join(MESSAGES)]
        subprocess.run(argv, check=True, timeout=300, env=env, capture_output=True)
        exp = []
        for line in truth.read_text().splitlines():
            t = json.loads(line)
            e = t["ms"] / 1000.0
            if prec == 1.0:
                e = float(int(e))
            exp.append(
                Expected(
                    t["first"],
                    t["n"],
                    JUL_LEVELS[t["jlevel"]],
                    first_line(t["message"]),
                    e,
                    e,
                    prec,
                )
            )
        cases.append(Case("java.util.logging", config, str(path), exp))
    return cases


# -- nginx -------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


NGINX_MAIN = (
    "'$remote_addr - $remote_user [$time_local] \"$request\" '\n"
    "                      '$status $body_bytes_sent \"$http_referer\" '\n"
    '                      \'"$http_user_agent" "$http_x_forwarded_for"\''
)


def gen_nginx(out: Path, count: int, env: dict[str, str]) -> list[Case]:
    import http.client

    exe = shutil.which("nginx") or (
        "/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None
    )
    if exe is None:
        raise Skip("nginx not installed (apt-get install -y nginx)")
    d = out / "nginx"
    (d / "www" / "dir").mkdir(parents=True, exist_ok=True)
    (d / "www" / "index.html").write_text("<h1>hello</h1>\n")
    (d / "www" / "big.txt").write_text("x" * 5000)
    port, port2, dead = free_port(), free_port(), free_port()
    acc, acc_main, err = d / "access.log", d / "access_main.log", d / "error.log"
    conf = d / "nginx.conf"
    conf.write_text(
        f"""
worker_processes 1;
pid {d}/nginx.pid;
error_log {err} info;
daemon off;
events {{ worker_connections 64; }}
http {{
    log_format main {NGINX_MAIN};
    client_body_temp_path {d}/body; proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fcgi; uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;
    client_body_buffer_size 1k;
    server {{
        listen 127.0.0.1:{port};
        root {d}/www;
        access_log {acc} combined;
        location /up/ {{ proxy_pass http://127.0.0.1:{dead}; }}
        location /boom {{ return 500; }}
        location /gone {{ return 410; }}
        location /upload {{ proxy_pass http://127.0.0.1:{dead}; }}
    }}
    server {{
        listen 127.0.0.1:{port2};
        root {d}/www;
        access_log {acc_main} main;
        location /up/ {{ proxy_pass http://127.0.0.1:{dead}; }}
    }}
}}
"""
    )
    t_start = time.time()
    proc = subprocess.Popen(
        [exe, "-p", str(d), "-e", str(err), "-c", str(conf)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )

    def err_lines() -> int:
        return len(err.read_text().splitlines()) if err.exists() else 0

    def wait(cond: Callable[[], bool], what: str, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while not cond():
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError(
                    f"nginx: {what} ({proc.stderr.read().decode() if proc.stderr else ''})"
                )
            time.sleep(0.02)

    def listening(p: int) -> bool:
        try:
            socket.create_connection(("127.0.0.1", p), timeout=0.2).close()
            return True
        except OSError:
            return False

    # error-log windows: (line count at start, at end, t0, t1)
    windows: list[tuple[int, int, float, float]] = []
    access: dict[Path, list[Expected]] = {acc: [], acc_main: []}
    try:
        wait(lambda: listening(port) and listening(port2), "did not start")
        # the probing connections leave no access lines (no request), only error-log info
        # lines, which belong to the start-up window
        windows.append((0, err_lines(), t_start, time.time()))
        rnd = random.Random(7)
        agents = [
            "curl/8.5.0",
            "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
            "python-requests/2.32.3",
            'odd "quoted" agent',
        ]
        plan = [
            "/",
            "/index.html",
            "/missing.png",
            "/up/api",
            "/boom",
            "/gone",
            "/dir/",
            "/dir",
            "/big.txt?x=1&y=2",
            "/upload",
            "/%7Euser/",
        ]
        for i in range(count):
            target = plan[i % len(plan)] if i < len(plan) else rnd.choice(plan)
            method = "POST" if target == "/upload" else ("HEAD" if i % 10 == 9 else "GET")
            log = acc if i % 3 else acc_main
            p = port if log is acc else port2
            before = len(access[log])
            n_err = err_lines()
            t0 = time.time()
            conn = http.client.HTTPConnection("127.0.0.1", p, timeout=10)
            headers = {"User-Agent": rnd.choice(agents), "Connection": "close"}
            if i % 4 == 1:
                headers["Referer"] = f"http://127.0.0.1:{p}/start?from={i}"
            if i % 5 == 2:
                headers["X-Forwarded-For"] = "203.0.113.9"
            body = ("k=" + "v" * 3000).encode() if method == "POST" else None
            conn.request(method, target, body=body, headers=headers)
            resp = conn.getresponse()
            payload = resp.read()
            status = resp.status
            conn.close()
            want = before + 1
            wait(
                lambda log=log, want=want: (
                    len(log.read_text().splitlines()) >= want if log.exists() else False
                ),
                "no access line",
            )
            t1 = time.time()
            windows.append((n_err, err_lines(), t0, t1))
            nbytes = 0 if method == "HEAD" else len(payload)
            request = f"{method} {target} HTTP/1.1"
            level = "ERROR" if status >= 500 else "WARNING" if status >= 400 else "INFO"
            access[log].append(
                Expected(
                    len(access[log]) + 1,
                    1,
                    level,
                    f'127.0.0.1 "{request}" {status} {nbytes}',
                    float(int(t0)),
                    t1,
                    1.0,
                )
            )
        n_err = err_lines()
        t0 = time.time()
        proc.send_signal(signal.SIGQUIT)
        proc.wait(timeout=30)
        windows.append((n_err, err_lines(), t0, time.time()))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    # The error log: level and message are nginx's own (its "[level]" and the text after
    # "pid#tid: *N "); the time must fall in the window of the request that caused the line.
    rx = re.compile(r"(\d{4}/\d\d/\d\d \d\d:\d\d:\d\d) \[(\w+)\] \d+#\d+: (?:\*\d+ )?(.*)")
    lv = {
        "emerg": "CRITICAL",
        "alert": "CRITICAL",
        "crit": "CRITICAL",
        "error": "ERROR",
        "warn": "WARNING",
        "notice": "NOTICE",
        "info": "INFO",
        "debug": "DEBUG",
    }
    lines = err.read_text().splitlines()
    errs: list[Expected] = []
    for a, b, t0, t1 in windows:
        for j in range(a, b):
            m = rx.fullmatch(lines[j])
            if m is None:
                raise RuntimeError(f"nginx error log line not understood: {lines[j]!r}")
            errs.append(Expected(j + 1, 1, lv[m.group(2)], m.group(3), float(int(t0)), t1, 1.0))
    return [
        Case("nginx", "access combined", str(acc), access[acc]),
        Case("nginx", "access main (stock nginx.conf)", str(acc_main), access[acc_main]),
        Case("nginx", "error_log info", str(err), errs),
    ]


# -- rsyslog -----------------------------------------------------------------------------------

SYSLOG_SENT = [
    # (priority, message, level a 3164 file can show: the message's own leading level word)
    ("user.info", "user alice logged in from 10.0.0.5", "UNKNOWN"),
    ("daemon.err", "ERROR: disk /dev/sda1 is failing", "ERROR"),
    ("user.warning", "warning: low disk space on /var (91%)", "WARNING"),
    ("local0.debug", "cache refreshed in 12 ms", "UNKNOWN"),
    ("auth.notice", "session opened for user root by (uid=0)", "UNKNOWN"),
    ("daemon.crit", "[crit] raid array degraded", "CRITICAL"),
    ("local3.err", "connection to db-primary:5432 lost, failing over", "UNKNOWN"),
    ("mail.info", "postfix/smtp: to=<bob@example.com>, status=sent (250 2.0.0 Ok)", "UNKNOWN"),
    ("user.err", 'level=error msg="upstream timed out" dur=30s', "ERROR"),
    ("kern.warning", "no error found in 3 files", "UNKNOWN"),
    ("local7.info", "résumé uploaded ✓", "UNKNOWN"),
    ("user.emerg", "PANIC: kernel oops in module xyz", "CRITICAL"),
]
SEVERITY = {
    "emerg": "CRITICAL",
    "alert": "CRITICAL",
    "crit": "CRITICAL",
    "err": "ERROR",
    "warning": "WARNING",
    "notice": "NOTICE",
    "info": "INFO",
    "debug": "DEBUG",
}


def gen_rsyslog(out: Path, count: int, env: dict[str, str]) -> list[Case]:
    exe = shutil.which("rsyslogd") or (
        "/usr/sbin/rsyslogd" if os.path.exists("/usr/sbin/rsyslogd") else None
    )
    if exe is None or shutil.which("logger") is None:
        raise Skip("rsyslogd or logger not installed")
    d = out / "rsyslog"
    d.mkdir(exist_ok=True)
    sock, port = d / "log.sock", free_port()
    files = {
        "RSYSLOG_TraditionalFileFormat (RFC 3164)": d / "traditional.log",
        "RSYSLOG_FileFormat (3164, RFC 3339 time)": d / "fileformat.log",
        "RSYSLOG_SyslogProtocol23Format (RFC 5424)": d / "rfc5424.log",
    }
    templates = [
        "RSYSLOG_TraditionalFileFormat",
        "RSYSLOG_FileFormat",
        "RSYSLOG_SyslogProtocol23Format",
    ]
    conf = d / "rsyslog.conf"
    conf.write_text(
        f'global(workDirectory="{d}")\n'
        'module(load="imuxsock" SysSock.Use="off")\n'
        f'input(type="imuxsock" Socket="{sock}" CreatePath="on")\n'
        'module(load="imudp")\n'
        f'input(type="imudp" address="127.0.0.1" port="{port}")\n'
        + "".join(
            f'*.* action(type="omfile" file="{p}" template="{t}")\n'
            for p, t in zip(files.values(), templates)
        )
    )
    proc = subprocess.Popen(
        [exe, "-n", "-f", str(conf), "-i", str(d / "rsyslogd.pid")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    paths = list(files.values())

    def nlines(p: Path) -> int:
        return len(p.read_text(errors="replace").splitlines()) if p.exists() else 0

    def wait_all(n: int) -> None:
        deadline = time.monotonic() + 30
        while not all(nlines(p) >= n for p in paths):
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError(
                    f"rsyslogd wrote fewer than {n} lines: {[nlines(p) for p in paths]}"
                )
            time.sleep(0.02)

    sent: list[tuple[str, str, str, float, float, str]] = []
    try:
        deadline = time.monotonic() + 30
        while not sock.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        for i in range(count):
            pri, msg, lvl3164 = SYSLOG_SENT[i % len(SYSLOG_SENT)]
            tag = ["myapp", "cron", "sshd", "app-worker.service"][i % 4]
            argv = ["logger", "-p", pri, "-t", tag]
            if (i // 2) % 2:
                argv += ["-i"]
            # a third over UDP, half of those as RFC 5424 (time in µs), half as RFC 3164
            # (time in seconds); the rest through the Unix socket (imuxsock stamps them)
            proto = "unix" if i % 3 != 2 else ("rfc5424" if (i // 3) % 2 else "rfc3164")
            if proto == "unix":
                argv += ["-u", str(sock)]
            else:
                argv += ["-d", "-n", "127.0.0.1", "-P", str(port), f"--{proto}"]
            t0 = time.time()
            subprocess.run([*argv, msg], check=True, env=env, timeout=30)
            wait_all(i + 1)
            sent.append((pri, msg, lvl3164, t0, time.time(), proto))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    cases = []
    for k, (config, path) in enumerate(files.items()):
        # each message is the first line after the previous one that ends with it (rsyslogd's
        # own lines, if any, are not scored)
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        exp = []
        at = 0
        for pri, msg, lvl3164, t0, t1, proto in sent:
            while at < len(lines) and not lines[at].endswith(" " + msg):
                at += 1
            if at == len(lines):
                raise RuntimeError(f"{path}: message {msg!r} not found")
            level = SEVERITY[pri.split(".")[1]] if k == 2 else lvl3164
            prec = 1.0 if k == 0 or proto == "rfc3164" else 1e-6
            lo = float(int(t0)) if prec == 1.0 else t0 - 1e-6
            exp.append(Expected(at + 1, 1, level, msg, lo, t1, prec))
            at += 1
        cases.append(Case("rsyslog", config, str(path), exp))
    return cases


class Skip(Exception):
    """A program that cannot run here (the message says why)."""


EXTERNAL_GENERATORS: dict[str, Callable[[Path, int, dict[str, str]], list[Case]]] = {
    "pino": gen_pino,
    "nginx": gen_nginx,
    "rsyslog": gen_rsyslog,
    "java.util.logging": gen_jul,
}
PROGRAMS = [*PYTHON_GENERATORS, "pino", "nginx", "rsyslog", "java.util.logging"]


# -- parsing and scoring -----------------------------------------------------------------------


def parse_json(paths: list[str], env: dict[str, str]) -> dict[str, dict[int, dict[str, Any]]]:
    """``logwatch-tui parse --json`` over the files: source -> first line -> record."""
    r = subprocess.run(
        [sys.executable, "-m", "logwatch_tui", "parse", "--json", *paths],
        capture_output=True,
        env=env,
        cwd=ROOT,
        timeout=600,
    )
    if r.returncode != 0:
        raise RuntimeError(f"parse --json failed ({r.returncode}): {r.stderr.decode()[-2000:]}")
    out: dict[str, dict[int, dict[str, Any]]] = {p: {} for p in paths}
    for line in r.stdout.splitlines():
        rec = json.loads(line)
        out.setdefault(rec["source"], {})[rec["line"]] = rec
    return out


def _epoch(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp()


def score_record(e: Expected, got: dict[str, Any] | None, lines: list[str]) -> dict[str, bool]:
    """Per field: right or not (see module docstring)."""
    if got is None:
        return dict.fromkeys(FIELDS, False)
    text = "\n".join(lines[e.first - 1 : e.first - 1 + e.n])
    if e.lo is None:
        ts_ok = got["ts"] is None
    elif got["ts"] is None:
        ts_ok = False
    else:
        t = _epoch(got["ts"])
        eps = 2e-6
        ts_ok = e.lo - e.prec - eps <= t <= (e.hi or e.lo) + eps
    return {
        "first": True,
        "ts": ts_ok,
        "level": got["level"] == e.level,
        "message": (got["message"] or "").rstrip() == e.message.rstrip(),
        "extent": got["text"] == text,
    }


@dataclass
class Tally:
    records: int = 0
    right: int = 0
    fields: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    wrong: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.records += other.records
        self.right += other.right
        for k in FIELDS:
            self.fields[k] += other.fields[k]
        self.wrong += other.wrong

    def pct(self, n: int) -> str:
        return f"{100.0 * n / self.records:.1f}" if self.records else "-"


def score_case(case: Case, parsed: dict[int, dict[str, Any]]) -> Tally:
    lines = Path(case.path).read_text(encoding="utf-8", errors="replace").split("\n")
    t = Tally()
    for e in case.expected:
        got = parsed.get(e.first)
        s = score_record(e, got, lines)
        t.records += 1
        for k, ok in s.items():
            t.fields[k] += ok
        if all(s.values()):
            t.right += 1
        else:
            bad = [k for k, ok in s.items() if not ok]
            want = {
                "line": e.first,
                "n": e.n,
                "level": e.level,
                "message": e.message,
                "ts": None if e.lo is None else [e.lo, e.hi, e.prec],
            }
            have = (
                None
                if got is None
                else {k: got[k] for k in ("format", "ts", "level", "message", "text")}
            )
            t.wrong.append(
                f"{case.program} / {case.config}: {','.join(bad)} wrong\n"
                f"    want {json.dumps(want, ensure_ascii=False)[:400]}\n"
                f"    got  {json.dumps(have, ensure_ascii=False)[:400]}"
            )
    return t


def generate(
    programs: list[str], out: Path, count: int, env: dict[str, str]
) -> tuple[list[Case], dict[str, str]]:
    """Run the programs; the Python libraries in a child in the chosen zone."""
    cases: list[Case] = []
    skipped: dict[str, str] = {}
    py = [p for p in programs if p in PYTHON_GENERATORS]
    if py:
        r = subprocess.run(
            [
                sys.executable,
                __file__,
                "--generate-python",
                str(out),
                "--records",
                str(count),
                "--only",
                ",".join(py),
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
        )
        if r.returncode != 0:
            raise RuntimeError(f"python generators failed: {r.stderr[-3000:]}")
        doc = json.loads(r.stdout)
        skipped.update(doc["skipped"])
        cases += [
            Case(c["program"], c["config"], c["path"], [Expected(**e) for e in c["expected"]])
            for c in doc["cases"]
        ]
    for p in programs:
        gen = EXTERNAL_GENERATORS.get(p)
        if gen is None:
            continue
        try:
            cases += gen(out, count, env)
        except Skip as exc:
            skipped[p] = str(exc)
        except (subprocess.CalledProcessError, RuntimeError, OSError) as exc:
            detail = getattr(exc, "stderr", None)
            skipped[p] = (
                f"could not run: {exc} {detail.decode()[-500:] if isinstance(detail, bytes) else detail or ''}"
            )
    return cases, skipped


def _generate_python_main(out: Path, count: int, only: list[str]) -> None:
    cases: list[Case] = []
    skipped = {}
    for p in only:
        try:
            cases += PYTHON_GENERATORS[p](out, count)
        except ImportError as exc:
            skipped[p] = f"not installed ({exc}); pip install -e '.[test]'"
    json.dump({"cases": [asdict(c) for c in cases], "skipped": skipped}, sys.stdout)


def report(
    cases: list[Case],
    parsed: dict[str, dict[int, dict[str, Any]]],
    skipped: dict[str, str],
    show: int,
) -> Tally:
    by_prog: dict[str, Tally] = {}
    by_case: list[tuple[Case, Tally]] = []
    for c in cases:
        t = score_case(c, parsed.get(c.path, {}))
        by_case.append((c, t))
        by_prog.setdefault(c.program, Tally()).add(t)
    head = f"{'program / configuration':<52} {'records':>7} {'fully':>6} " + " ".join(
        f"{k:>7}" for k in FIELDS
    )
    print(head)
    print("-" * len(head))
    total = Tally()
    for prog in PROGRAMS:
        if prog in skipped:
            print(f"{prog:<52} skipped: {skipped[prog]}")
            continue
        t = by_prog.get(prog)
        if t is None:
            continue
        total.add(t)
        print(
            f"{prog:<52} {t.records:>7} {t.pct(t.right):>6} "
            + " ".join(f"{t.pct(t.fields[k]):>7}" for k in FIELDS)
        )
        for c, ct in by_case:
            if c.program == prog:
                fmts = sorted({r["format"] for r in parsed.get(c.path, {}).values()})
                label = f"  {c.config[:36]} [{','.join(fmts)[:10]}]"
                print(
                    f"{label:<52} {ct.records:>7} {ct.pct(ct.right):>6} "
                    + " ".join(f"{ct.pct(ct.fields[k]):>7}" for k in FIELDS)
                )
    print("-" * len(head))
    print(
        f"{'all programs':<52} {total.records:>7} {total.pct(total.right):>6} "
        + " ".join(f"{total.pct(total.fields[k]):>7}" for k in FIELDS)
    )
    if show and total.wrong:
        print(f"\nwrong records (first {show} per program/configuration):")
        for _c, ct in by_case:
            for w in ct.wrong[:show]:
                print(w)
    return total


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--records", type=int, default=60, help="records per configuration")
    ap.add_argument("--only", default="", help="comma-separated programs (default: all)")
    ap.add_argument("--tz", default="Asia/Kolkata", help="time zone of programs and parser")
    ap.add_argument("--show", type=int, default=3, help="wrong records shown per configuration")
    ap.add_argument("--keep", default="", help="write the logs here and keep them")
    ap.add_argument("--generate-python", default="", help=argparse.SUPPRESS)
    args = ap.parse_args()
    only = [p.strip() for p in args.only.split(",") if p.strip()] or PROGRAMS
    unknown = [p for p in only if p not in PROGRAMS]
    if unknown:
        ap.error(f"unknown program(s) {unknown}; known: {', '.join(PROGRAMS)}")
    if args.generate_python:
        _generate_python_main(Path(args.generate_python), args.records, only)
        return 0
    env = {**os.environ, "TZ": args.tz, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    tmp = None
    if args.keep:
        out = Path(args.keep).resolve()
        if out.exists():
            shutil.rmtree(out)
        out.mkdir(parents=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="real-programs-")
        out = Path(tmp.name)
    try:
        cases, skipped = generate(only, out, args.records, env)
        parsed = parse_json([c.path for c in cases], env) if cases else {}
        print(
            f"TZ={args.tz}; {args.records} records per configuration; "
            f"logwatch-tui parse --json (auto-detection)\n"
        )
        total = report(cases, parsed, skipped, args.show)
        if args.keep:
            print(f"\nlogs kept in {out}")
    finally:
        if tmp is not None:
            tmp.cleanup()
    return 0 if total.records else 1


if __name__ == "__main__":
    sys.exit(main())
