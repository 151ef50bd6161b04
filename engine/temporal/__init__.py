"""Runs on Temporal: the run core as a Temporal workflow, actions as activities.

`BATON_RUNTIME=temporal://HOST:PORT/NAMESPACE` (or `baton --runtime ...`) puts runs on a
Temporal cluster; `BATON_DB` keeps the catalogue (definitions, users, records). Pieces:

* `address`: reading and checking the runtime address, TLS/API-key settings.
* `workflow`: `BatonRun`, one workflow per run. It holds the run's `RunState`, turns
  Updates (complete an item, an event, an operator action) and its own timers into the
  core's commands (`engine.runtime.commands`), appends the events they emit, and runs the
  actions they ask for as activities. There is no second interpreter.
* `activities`: `run_action`, the action registry behind an `ActionContext` for Temporal.
* `client`: `TemporalEngine`, the same calls the CLI makes on the local `Engine`.
* `worker`: `baton worker` on a Temporal runtime (task queue `baton`).

`temporalio` is the optional extra `temporal` (`pip install baton-studio[temporal]`).
"""
