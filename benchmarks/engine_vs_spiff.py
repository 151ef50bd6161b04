"""Baton's engine against SpiffWorkflow 3.2 on the same process, in one run.

The process: 3 sequential stages x 3 parallel steps, as (a) background steps and (b)
interactive steps completed through the API one by one. Each interactive step sends its
assignee a notice. Baton runs on SQLite files with every engine call committed, once with
`synchronous=FULL` (the default: durable through a power cut) and once with the `NORMAL`
opt-in; SpiffWorkflow runs in memory (its most favourable setting), from BPMN written below
(parallel gateways around three tasks, three times), and has no notices to deliver.

Baton's interactive runs are measured with the notices delivered four ways:
* inline, to the outbox folder (the headline): `Engine.tick()` once a stage's items are
  open, as one `baton worker` pass, writing each notice as an `.eml` file that reaches the
  disk before it is recorded as delivered;
* inline, by SMTP: the same passes sending to a real SMTP server (aiosmtpd, in a process
  of its own) on one session per pass, no `.eml` copy;
* deployed: the engine process only runs the runs, and `baton worker --poll 0.05` in its
  own process delivers beside it (to the folder, or by SMTP); the wall time runs until the
  last notice is delivered, and the CPU time is both processes' (the worker's idle passes
  included);
* not at all (the notices stay pending), for comparison.
It also prints this disk's floor under one notice file (create, write, sync it and its
folder), the physics every file-based delivery pays.

Both engines are measured in alternating rounds and each keeps its best round, because these
machines are shared and a burst of outside load would otherwise decide the ratio. Each round
also counts the CPU time the process spent (`time.process_time`), which outside load barely
moves: the `cpu … ratio` lines compare the engines' own work when the wall-clock ones are
noisy.

Run:  .venv/bin/python benchmarks/engine_vs_spiff.py [--runs N] [--rounds R]
The last two lines are `background ratio: X` and `interactive ratio: Y`
(Baton with FULL, runs/s divided by SpiffWorkflow runs/s, wall clock; interactive with the
notices delivered inline to the outbox folder).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import itertools

import notice_delivery as delivery
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.parser import BpmnParser
from SpiffWorkflow.util.task import TaskState

from engine.definition import from_dict
from engine.runtime import Engine, VirtualClock
from engine.store import Store

STAGES, STEPS = 3, 3
DEPLOYED = ("outbox folder", "SMTP")
"""Where `baton worker` delivers in the deployed measurement."""
LEVELS = ("FULL", "NORMAL")
"""SQLite durability levels measured: FULL (the default) and the NORMAL opt-in."""
QUIET_LABEL = "FULL quiet"
"""The FULL engine that leaves its notices pending."""
SMTP_LABEL = "FULL smtp"
"""The FULL engine whose passes send the notices by SMTP."""
WORKER_POLL = 0.05
"""`baton worker --poll` in the deployed measurement (seconds)."""

# Best runs per CPU-second seen for each measured function (see `_cpu`).
CPU_RATES: dict[str, float] = {}


def _cpu(measure):  # type: ignore[no-untyped-def]
    """Also note the runs per CPU-second of each call of `measure(…, runs)`."""

    def measured(*args):  # type: ignore[no-untyped-def]
        began = time.process_time()
        rate = measure(*args)
        spent = time.process_time() - began
        if spent > 0:
            name = measure.__name__
            if args and isinstance(args[0], Engine):
                name += f":{_label(args[0])}"
            CPU_RATES[name] = max(CPU_RATES.get(name, 0.0), args[-1] / spent)
        return rate

    return measured


# --- SpiffWorkflow ---------------------------------------------------------------------


def spiff_bpmn(task_tag: str) -> str:
    """BPMN 2.0 for the benchmark process; `task_tag` is scriptTask or userTask."""
    parts, flows = [], []
    previous = "start"
    parts.append('<bpmn:startEvent id="start"/>')
    for s in range(STAGES):
        fork, join = f"fork{s}", f"join{s}"
        parts.append(f'<bpmn:parallelGateway id="{fork}"/>')
        parts.append(f'<bpmn:parallelGateway id="{join}"/>')
        flows.append((previous, fork))
        for t in range(STEPS):
            task = f"task_{s}_{t}"
            body = "<bpmn:script>x = 1</bpmn:script>" if task_tag == "scriptTask" else ""
            parts.append(f'<bpmn:{task_tag} id="{task}">{body}</bpmn:{task_tag}>')
            flows.append((fork, task))
            flows.append((task, join))
        previous = join
    parts.append('<bpmn:endEvent id="end"/>')
    flows.append((previous, "end"))
    flow_xml = "".join(
        f'<bpmn:sequenceFlow id="f{i}" sourceRef="{a}" targetRef="{b}"/>'
        for i, (a, b) in enumerate(flows)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'id="defs" targetNamespace="http://baton.invalid/bench">'
        f'<bpmn:process id="bench" isExecutable="true">{"".join(parts)}{flow_xml}'
        "</bpmn:process></bpmn:definitions>"
    )


def spiff_spec(task_tag: str):  # type: ignore[no-untyped-def]
    parser = BpmnParser()
    parser.add_bpmn_str(spiff_bpmn(task_tag).encode())
    return parser.get_spec("bench")


@_cpu
def spiff_background(runs: int) -> float:
    spec = spiff_spec("scriptTask")
    began = time.perf_counter()
    for _ in range(runs):
        workflow = BpmnWorkflow(spec)
        workflow.do_engine_steps()
        assert workflow.is_completed()
    return runs / (time.perf_counter() - began)


@_cpu
def spiff_interactive(runs: int) -> float:
    spec = spiff_spec("userTask")
    began = time.perf_counter()
    for _ in range(runs):
        workflow = BpmnWorkflow(spec)
        workflow.do_engine_steps()
        while not workflow.is_completed():
            task = workflow.get_tasks(state=TaskState.READY, manual=True)[0]
            task.data["done"] = True
            task.run()
            workflow.do_engine_steps()
    return runs / (time.perf_counter() - began)


# --- Baton -----------------------------------------------------------------------------


def baton_definition(kind: str) -> dict:
    nodes = [{"id": "start", "type": "start"}]
    for s in range(STAGES):
        steps = []
        for t in range(STEPS):
            step = {"id": f"{kind[0]}_{s}_{t}", "name": f"Step {s}.{t}", "type": kind}
            if kind == "background":
                step.update(action="set_variables", inputs={"x": "1"})
            else:
                step.update(assignee="user:bench")
            steps.append(step)
        nodes.append({"id": f"stage{s}", "type": "stage", "name": f"Stage {s}", "steps": steps})
    nodes.append({"id": "end", "type": "end"})
    flows = [{"from": a["id"], "to": b["id"]} for a, b in itertools.pairwise(nodes)]
    return {
        "schema": "baton/1",
        "id": f"bench_{kind}",
        "name": f"Benchmark {kind}",
        "variables": [{"name": "x", "type": "number"}],
        "nodes": nodes,
        "flows": flows,
    }


def db_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


@_cpu
def baton_background(engine: Engine, runs: int) -> float:
    began = time.perf_counter()
    for _ in range(runs):
        engine.start("bench_background")
    return runs / (time.perf_counter() - began)


@_cpu
def baton_interactive(engine: Engine, runs: int) -> float:
    deliver = engine not in QUIET
    began = time.perf_counter()
    for _ in range(runs):
        run_id = engine.start("bench_interactive")
        for _stage in range(STAGES):
            if deliver:
                engine.tick()  # the worker's pass: this stage's three notices leave
            for item_id in engine.open_item_ids(run_id):
                engine.complete_item(item_id, "bench")
    return runs / (time.perf_counter() - began)


QUIET: set[Engine] = set()
"""Engines whose notices are left pending (the without-notices measurement)."""
SMTP: dict[Engine, int] = {}
"""Engines whose passes send by SMTP, with the server's port."""


def _label(engine: Engine) -> str:
    if engine in SMTP:
        return SMTP_LABEL
    return engine.store.synchronous + (" quiet" if engine in QUIET else "")


def smtp_interactive(engine: Engine, runs: int) -> float:
    """`baton_interactive` with the passes sending by SMTP."""
    with delivery.smtp_environment(SMTP[engine]):
        return baton_interactive(engine, runs)


def deployed_interactive(
    engine: Engine, db: Path, worker_pid: int, runs: int
) -> tuple[float, float]:
    """Runs started and completed by this process while `baton worker` (`worker_pid`)
    delivers their notices: (runs per second until the last notice is delivered, runs
    per CPU-second of both processes)."""
    cpu, worker_cpu = time.process_time(), delivery.process_cpu(worker_pid)
    began = time.perf_counter()
    for _ in range(runs):
        run_id = engine.start("bench_interactive")
        for _stage in range(STAGES):
            for item_id in engine.open_item_ids(run_id):
                engine.complete_item(item_id, "bench")
    cpu = time.process_time() - cpu
    # Waiting costs the engine process nothing measured: a plain read every 2 ms.
    probe = sqlite3.connect(db)
    try:
        while probe.execute("SELECT count(*) FROM notifications WHERE sent_at IS NULL").fetchone()[
            0
        ]:
            time.sleep(0.002)
    finally:
        probe.close()
    wall = time.perf_counter() - began
    spent = cpu + delivery.process_cpu(worker_pid) - worker_cpu
    return runs / wall, runs / spent


def notices_written(engine: Engine) -> int:
    """The notices delivered to the outbox folder so far."""
    return len(list(engine.outbox.glob("notice-*.eml")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300, help="background runs per engine")
    parser.add_argument(
        "--rounds", type=int, default=3, help="alternating rounds; the best round counts"
    )
    args = parser.parse_args()
    runs, rounds = args.runs, max(1, args.rounds)
    per_round = max(runs // rounds, 10)
    interactive_per_round = max(per_round // 3, 10)

    bg: dict[str, float] = dict.fromkeys(LEVELS, 0.0)
    ui: dict[str, float] = dict.fromkeys([*LEVELS, QUIET_LABEL, SMTP_LABEL], 0.0)
    deployed = {kind: (0.0, 0.0) for kind in DEPLOYED}
    size_per_1000 = 0.0
    with tempfile.TemporaryDirectory() as folder, delivery.smtp_server() as smtp_port:
        engines = {level: _engine(Path(folder) / f"{level}.db", level) for level in LEVELS}
        quiet = _engine(Path(folder) / "quiet.db", "FULL")
        QUIET.add(quiet)
        by_smtp = _engine(Path(folder) / "smtp.db", "FULL")
        SMTP[by_smtp] = smtp_port
        smtp_interactive(by_smtp, 5)
        # Warm up every side (imports, caches, the first SQLite pages).
        for engine in engines.values():
            baton_background(engine, 20)
            baton_interactive(engine, 5)
        baton_interactive(quiet, 5)
        spiff_background(20)
        spiff_interactive(5)

        full = engines["FULL"]
        db = Path(folder) / "FULL.db"
        full.store.checkpoint()
        before = db_bytes(db)
        bg["FULL"] = baton_background(full, runs)
        full.store.checkpoint()
        size_per_1000 = (db_bytes(db) - before) / runs * 1000

        # The machine is shared: measure every side in alternating rounds and keep each
        # one's best round, so a burst of outside load does not decide the ratio.
        spiff_bg = spiff_ui = 0.0
        for _ in range(rounds):
            for level, engine in engines.items():
                bg[level] = max(bg[level], baton_background(engine, per_round))
            spiff_bg = max(spiff_bg, spiff_background(per_round))
            for level, engine in engines.items():
                ui[level] = max(ui[level], baton_interactive(engine, interactive_per_round))
            ui[QUIET_LABEL] = max(ui[QUIET_LABEL], baton_interactive(quiet, interactive_per_round))
            ui[SMTP_LABEL] = max(ui[SMTP_LABEL], smtp_interactive(by_smtp, interactive_per_round))
            spiff_ui = max(spiff_ui, spiff_interactive(interactive_per_round))
        delivered = notices_written(full)
        for engine in [*engines.values(), quiet, by_smtp]:
            engine.close()

        # The deployed shape: `baton worker` beside the engine process (its own rounds, with
        # SpiffWorkflow measured again between them, its best round their peer).
        spiff_beside = 0.0
        for kind, port in (("outbox folder", None), ("SMTP", smtp_port)):
            db = Path(folder) / f"deployed-{port or 'folder'}.db"
            engine = _engine(db, "FULL")
            with delivery.worker(db, Path(folder) / "deployed-outbox", WORKER_POLL, port) as pid:
                deployed_interactive(engine, db, pid, 5)
                for _ in range(rounds):
                    wall, cpu_rate = deployed_interactive(engine, db, pid, interactive_per_round)
                    best = deployed[kind]
                    deployed[kind] = (max(best[0], wall), max(best[1], cpu_rate))
                    spiff_beside = max(spiff_beside, spiff_interactive(interactive_per_round))
            engine.close()
        floor_wall, floor_cpu = delivery.notice_floor()
    interactive_runs = interactive_per_round * rounds

    steps = STAGES * STEPS
    print(
        f"process: {STAGES} stages x {STEPS} parallel steps; {runs} background runs, "
        f"{interactive_runs} interactive runs; pid {os.getpid()}"
    )
    for level in LEVELS:
        print(
            f"baton background {level:6} {bg[level]:8.1f} runs/s ({bg[level] * steps:8.0f} steps/s)"
        )
    print(f"spiff background:      {spiff_bg:8.1f} runs/s (in memory)")
    for level in LEVELS:
        print(
            f"baton interactive {level:6}{ui[level]:8.1f} runs/s "
            f"({ui[level] * (steps + 1):8.0f} engine calls/s, notices delivered)"
        )
    print(f"baton interactive FULL  {ui[SMTP_LABEL]:8.1f} runs/s, notices sent by SMTP inline")
    for kind, (wall, _) in deployed.items():
        print(
            f"baton interactive FULL  {wall:8.1f} runs/s, `baton worker` beside delivering "
            f"{'by SMTP' if kind == 'SMTP' else 'to the outbox folder'} (until the last notice)"
        )
    print(f"baton interactive FULL  {ui[QUIET_LABEL]:8.1f} runs/s without delivering notices")
    print(f"spiff interactive:     {spiff_ui:8.1f} runs/s (in memory)")
    print(f"spiff interactive:     {spiff_beside:8.1f} runs/s (in memory, between worker rounds)")
    print(f"notices delivered to the outbox (FULL): {delivered} ({steps} per run)")
    print(f"baton database size:   {size_per_1000 / 1e6:8.2f} MB per 1,000 completed runs (FULL)")
    cpu = CPU_RATES
    for level in LEVELS:
        cpu_bg = cpu[f"baton_background:{level}"] / cpu["spiff_background"]
        cpu_ui = cpu[f"baton_interactive:{level}"] / cpu["spiff_interactive"]
        print(f"cpu background ratio {level}:  {cpu_bg:8.2f} (runs per CPU-second)")
        print(f"cpu interactive ratio {level}: {cpu_ui:8.2f} (runs per CPU-second)")
    cpu_quiet = cpu[f"baton_interactive:{QUIET_LABEL}"] / cpu["spiff_interactive"]
    print(
        f"notice floor of this disk: {floor_wall * 1e3:.3f} ms wall, {floor_cpu * 1e3:.3f} ms CPU "
        f"per new file synced with its folder ({steps} notices per run: "
        f"{steps * floor_wall * 1e3:.2f} ms wall one by one; spiff's whole run "
        f"{1e3 / spiff_ui:.2f} ms)"
    )
    cpu_smtp = cpu[f"baton_interactive:{SMTP_LABEL}"] / cpu["spiff_interactive"]
    print(f"interactive ratio FULL notices by SMTP: {ui[SMTP_LABEL] / spiff_ui:.2f}")
    print(f"cpu interactive ratio FULL notices by SMTP: {cpu_smtp:8.2f}")
    for kind, (wall, cpu_rate) in deployed.items():
        name = kind.replace(" ", "-")
        print(f"interactive ratio FULL worker beside, {name}: {wall / spiff_beside:.2f}")
        print(
            f"cpu interactive ratio FULL worker beside, {name}: "
            f"{cpu_rate / cpu['spiff_interactive']:8.2f} (both processes)"
        )
    print(f"cpu interactive ratio FULL without notices: {cpu_quiet:8.2f}")
    print(f"interactive ratio FULL without notices: {ui[QUIET_LABEL] / spiff_ui:.2f}")
    for level in LEVELS[::-1]:  # FULL, the default, last: the lines other tools read
        suffix = "" if level == "FULL" else f" {level}"
        print(f"background ratio{suffix}: {bg[level] / spiff_bg:.2f}")
        print(f"interactive ratio{suffix}: {ui[level] / spiff_ui:.2f}")


def _engine(db: Path, level: str) -> Engine:
    engine = Engine(Store(str(db), synchronous=level), clock=VirtualClock())
    engine.add_user("bench", email="bench@example.com")
    engine.activate(from_dict(baton_definition("background")))
    engine.activate(from_dict(baton_definition("interactive")))
    return engine


if __name__ == "__main__":
    main()
