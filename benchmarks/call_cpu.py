"""CPU per engine call of an interactive run (start, complete_item, open_item_ids), with
and without the wait for the disk, next to a peer checkout and SpiffWorkflow in one run.

The calls and process are `engine_vs_spiff.py`'s interactive ones (3 stages x 3 parallel
interactive steps; notices left pending, since delivery is measured by
`interactive_costs.py`). Each measurement is a fresh process, so two checkouts can be
compared in the same run: `--peer PATH` measures that checkout too, alternating with this
one, process by process. Two levels: FULL (durable commits, the default) and OFF (commits
that never wait for the disk: what is left is the engine's own work, Python, SQLite and
the page writes). Under FULL the CPU time a process is charged includes the kernel's
part of each sync and caches gone cold during the wait, which outside load moves a lot;
OFF shows the engine's own CPU steadily. Each process keeps its best round per call; the
lines give the median over processes. SpiffWorkflow's whole interactive run (in memory)
is measured in the same processes.

Run:  .venv/bin/python benchmarks/call_cpu.py [--peer PATH] [--processes N] [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
CALLS = ("start", "complete_item", "open_item_ids")


def measure(root: Path, level: str, runs: int, rounds: int) -> dict[str, float]:
    """In this process: the best round's CPU seconds per call of each kind, and Spiff's."""
    sys.path.insert(0, str(root))
    sys.path.insert(0, str(root / "benchmarks"))
    import tempfile

    import engine_vs_spiff as peer
    from sqlalchemy import event

    with tempfile.TemporaryDirectory() as folder:
        engine = peer._engine(Path(folder) / "bench.db", "FULL" if level == "FULL" else "NORMAL")
        if level == "OFF":
            engine.store.engine.dispose()

            @event.listens_for(engine.store.engine, "connect")
            def _off(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
                dbapi_connection.execute("PRAGMA synchronous=OFF")

            writer = getattr(engine.store, "_writer", None)
            if writer is not None:
                writer.close()  # reopened with the level above
        engine.delivers = False  # notices stay pending (delivery: interactive_costs.py)
        best: dict[str, float] = {}
        for _ in range(rounds):
            spent = dict.fromkeys(CALLS, 0.0)
            counts = dict.fromkeys(CALLS, 0)

            def timed(name, call, *args, spent=spent, counts=counts):  # type: ignore[no-untyped-def]
                began = time.process_time()
                result = call(*args)
                spent[name] += time.process_time() - began
                counts[name] += 1
                return result

            for _ in range(runs):
                run_id = timed("start", engine.start, "bench_interactive")
                for _stage in range(peer.STAGES):
                    for item_id in timed("open_item_ids", engine.open_item_ids, run_id):
                        timed("complete_item", engine.complete_item, item_id, "bench")
            for name in CALLS:
                best[name] = min(best.get(name, float("inf")), spent[name] / counts[name])
            began = time.process_time()
            peer.spiff_interactive(runs)
            spiff = (time.process_time() - began) / runs
            best["spiff run"] = min(best.get("spiff run", float("inf")), spiff)
        engine.close()
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer", type=Path, help="another checkout to measure alongside")
    parser.add_argument("--processes", type=int, default=3, help="processes per tree and level")
    parser.add_argument("--runs", type=int, default=40, help="interactive runs per round")
    parser.add_argument("--rounds", type=int, default=4, help="rounds per process")
    parser.add_argument("--child", nargs=2, metavar=("ROOT", "LEVEL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        root, level = args.child
        print(json.dumps(measure(Path(root), level, args.runs, args.rounds)))
        return
    trees = [HERE] + ([args.peer.resolve()] if args.peer else [])
    found: dict[tuple[str, str], list[dict[str, float]]] = {}
    for level in ("FULL", "OFF"):
        for _ in range(args.processes):
            for tree in trees:
                child = [sys.executable, __file__, "--child", str(tree), level]
                child += ["--runs", str(args.runs), "--rounds", str(args.rounds)]
                out = subprocess.run(child, capture_output=True, text=True, check=True)
                found.setdefault((str(tree), level), []).append(json.loads(out.stdout))
    print(
        f"CPU ms per call (median of {args.processes} processes, each its best of "
        f"{args.rounds} rounds of {args.runs} runs); load average {os.getloadavg()[0]:.1f}"
    )
    for (tree, level), results in found.items():
        median = {k: sorted(r[k] for r in results)[len(results) // 2] * 1e3 for k in results[0]}
        calls = "  ".join(f"{k} {median[k]:.3f}" for k in CALLS)
        print(f"  {level:4} {tree}: {calls}  (spiff whole run {median['spiff run']:.2f})")


if __name__ == "__main__":
    main()
