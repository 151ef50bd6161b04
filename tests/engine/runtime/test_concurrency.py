"""Two engines on one database file (like the CLI and the designer) never lose an update."""

from __future__ import annotations

import threading

from engine.runtime import Engine
from tests.engine.runtime.builders import interactive, orchestration, stage


def test_items_of_one_run_completed_from_two_engines_at_once_all_count(tmp_path, clock):
    path = str(tmp_path / "shared.db")
    first = Engine(path, clock=clock)
    first.add_user("alice")
    first.activate(orchestration("wide", stage("s", *[interactive(f"s{i}") for i in range(16)])))
    run_id = first.start("wide")
    items = first.open_item_ids(run_id)
    second = Engine(path, clock=clock)
    errors: list[Exception] = []

    def work(engine: Engine, share: list[str]) -> None:
        try:
            for item in share:
                engine.complete_item(item, "alice")
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [
        threading.Thread(target=work, args=(first, items[0::2])),
        threading.Thread(target=work, args=(second, items[1::2])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert first.run(run_id)["status"] == "completed"
    seqs = [e["seq"] for e in first.log(run_id)]
    assert seqs == list(range(1, len(seqs) + 1))
    first.close()
    second.close()
