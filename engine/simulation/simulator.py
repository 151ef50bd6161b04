"""The discrete-event loop that drives the real run core through a scenario.

The engine runs on a `VirtualClock`: the run core driven in memory (`MemoryEngine`), or,
when asked (`in_memory=False`, the reference it is tested against), the `Engine` over an
in-memory SQL store. The simulator keeps an agenda of what people and the outside world will do (a
run arrives, someone finishes an item, an event arrives, a background action's time is
up) and interleaves it with the engine's own timers (due dates, escalations, timeouts,
retries): whichever comes first happens next, the clock is set to its time, and the engine
is called exactly as a user, the CLI or a worker would call it. What the engine then logs
is handed back after each call (`ObservedEngine`, `MemoryEngine`).
At equal times the agenda goes first: an item finished at its due moment is not overdue.
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from engine.definition import InteractiveStep, Orchestration, WaitStep
from engine.errors import BatonError
from engine.runtime import VirtualClock
from engine.runtime.events import EventType
from engine.simulation.arrivals import ArrivalPlan
from engine.simulation.calendar import WorkCalendar
from engine.simulation.memory import MemoryEngine
from engine.simulation.observed import ObservedEngine
from engine.simulation.pools import Pool, SimItem
from engine.simulation.recorder import Recorder
from engine.simulation.results import SimulationProgress, SimulationResult
from engine.simulation.sampling import (
    placeholder,
    run_stream,
    sample_seconds,
    sample_value,
)
from engine.simulation.scenario import Scenario, StepSpec
from engine.simulation.stand_ins import DELAY_EVENT, StandIns
from engine.simulation.summary import build_result
from engine.simulation.timers import EngineTimers

ProgressCallback = Callable[[SimulationProgress], None]
_MAX_NOTES = 20


class Simulator:
    """Runs one scenario of one definition; see the module docstring.

    Args:
        definition: the orchestration as written (it is not changed).
        scenario: the assumptions (checked against the definition beforehand).
        progress: called now and then with a `SimulationProgress`.
        should_cancel: polled in the loop; returning True stops early (partial results).
        in_memory: drive the run core in memory (`MemoryEngine`); False uses the SQL store
            (the reference the tests compare the memory engine with).
    """

    def __init__(
        self,
        definition: Orchestration,
        scenario: Scenario,
        progress: ProgressCallback | None = None,
        should_cancel: Callable[[], bool] | None = None,
        in_memory: bool = True,
    ) -> None:
        self.definition = definition
        self.in_memory = in_memory
        self.scenario = scenario
        self._progress = progress
        self._should_cancel = should_cancel
        self.origin = scenario.start
        self.clock = VirtualClock(self.origin)
        self.now = 0.0
        self.steps = {step.id: step for _, step in definition.steps()}
        self.recorder = Recorder(list(self.steps), [s.id for s in definition.stages()])
        self.pools: dict[str, Pool] = {}
        self.items: dict[str, SimItem] = {}
        self.notes: list[str] = []
        self._agenda: list[tuple[float, int, str, Any]] = []
        self._seq = itertools.count()
        self._numbers: dict[str, int] = {}
        self._streams: dict[str, random.Random] = {}
        self._starting = 0
        self._batch: list[dict[str, Any]] = []
        self._pending_waits: dict[tuple[str, str], int] = {}
        self._new_waits: list[tuple[str, str]] = []
        self._dirty_pools: set[str] = set()
        self.timers = EngineTimers(self.origin, self.steps)
        self.arrivals = ArrivalPlan(scenario, definition)
        self.arrived = 0
        self._last_arrival = 0.0
        self.canceled = False
        self._stale_due: float | None = None

    # --- helpers the stand-in actions call ------------------------------------------------

    def stream_of(self, run_id: str) -> random.Random:
        """The random stream of a run (a run being started right now gets its number)."""
        stream = self._streams.get(run_id)
        if stream is None:
            self._numbers.setdefault(run_id, self._starting)
            stream = self._streams[run_id] = run_stream(self.scenario.seed, self._numbers[run_id])
        return stream

    def spec(self, step_id: str) -> StepSpec:
        """The scenario's assumptions for a step (defaults when it says nothing)."""
        return self.scenario.steps.get(step_id) or StepSpec()

    def sample_outputs(self, run_id: str, step_id: str) -> dict[str, Any]:
        """The values a step completes with: the scenario's, else defaults per output."""
        rng, number = self.stream_of(run_id), self._numbers.get(run_id, self._starting)
        spec, step = self.spec(step_id), self.steps[step_id]
        values = {name: sample_value(v, rng, number) for name, v in spec.outputs.items()}
        for out in getattr(step, "outputs", []) if isinstance(step, InteractiveStep) else []:
            if out.name in values:
                continue
            if out.choices:
                values[out.name] = out.choices[0]
            elif out.required:
                values[out.name] = placeholder(out.type, out.name, number, self.clock.now())
        return values

    def duration_of(self, run_id: str, step_id: str) -> float:
        """A sampled duration (seconds) for one visit of a step."""
        step, spec = self.steps[step_id], self.spec(step_id)
        dist = spec.duration
        if dist is None:
            if isinstance(step, InteractiveStep):
                dist = self.scenario.interactive_duration
            elif isinstance(step, WaitStep):
                dist = self.scenario.wait_duration
            else:
                return 0.0
        return sample_seconds(dist, self.stream_of(run_id))

    def schedule_delay(self, token: str, seconds: float) -> None:
        """A background stand-in's time is up after `seconds`."""
        self._push(self.now + seconds, "delay", token)

    # --- set-up ----------------------------------------------------------------------------

    def _pool(self, assignee: str) -> Pool:
        pool = self.pools.get(assignee)
        if pool is None:
            capacity = self.scenario.capacity(assignee)
            kind, _, name = assignee.partition(":")
            if kind == "user":
                users = [name]
                self.engine.add_user(name)
            else:
                users = [f"sim-{kind}-{name}-{i + 1}" for i in range(capacity.workers)]
                for user in users:
                    member = {"groups": [name]} if kind == "group" else {"queues": [name]}
                    self.engine.add_user(user, **member)
            calendar = WorkCalendar(self.scenario.hours_for(assignee), self.origin)
            pool = self.pools[assignee] = Pool(assignee, capacity, calendar, users)
        return pool

    def _set_up(self, stand_ins: StandIns) -> None:
        if self.in_memory:
            self.engine: ObservedEngine | MemoryEngine = MemoryEngine(
                self.clock, self._batch.extend
            )
        else:
            self.engine = ObservedEngine(self.clock, self._batch.extend)
        for delay in stand_ins.delays:
            self.engine.activate(delay)
        self.engine.activate(stand_ins.definition(self.scenario.record is not None))
        for _, step in self.definition.steps():
            if isinstance(step, InteractiveStep):
                for assignee in (step.assignee, step.escalate_to):
                    if assignee:
                        self._pool(assignee)
        for assignee in self.scenario.assignees:
            self._pool(assignee)
        self._push(0.0, "arrival", None)
        self._batch.clear()

    # --- the loop --------------------------------------------------------------------------

    def run(self) -> SimulationResult:
        """Simulate until nothing is left to do, the time limit, or a cancel."""
        with StandIns(self.definition, self.scenario.steps, self) as stand_ins:
            self._set_up(stand_ins)
            try:
                self._loop()
            finally:
                self.engine.close()
        self._report_progress(force=True)
        return build_result(self)

    def _loop(self) -> None:
        # Every 1 % of the runs, and at least every 50 finished runs: a long simulation's
        # progress bar moves (and can be canceled) within moments of starting.
        report_every = max(1, min(self.planned_runs() // 100, 50))
        last_reported = 0
        while True:
            if self._should_cancel is not None and self._should_cancel():
                self.canceled = True
                return
            agenda_at = self._agenda[0][0] if self._agenda else math.inf
            timer_at = self.timers.next_at()
            if self.timers.ask_store or (timer_at is None and agenda_at == math.inf):
                # A timer we could not see being set, or nothing left that we know of.
                self.timers.ask_store = False
                due = self.engine.next_due()
                if due is not None:
                    at = (due - self.origin).total_seconds()
                    if at <= self.now and at == self._stale_due:
                        # Ticked at this moment already and it did not fire: never spin.
                        self.notes.append(f"a timer due at {due.isoformat()} did not fire")
                        return
                    self._stale_due = at
                    self.timers.add(at)
                timer_at = self.timers.next_at()
            timer_at = math.inf if timer_at is None else timer_at
            moment = min(agenda_at, timer_at)
            until = self.scenario.until_seconds(self._last_arrival)
            if moment == math.inf or moment > until:
                self._set_now(min(max(self.now, moment), until) if moment != math.inf else self.now)
                return
            self._set_now(max(moment, self.now))
            if agenda_at <= timer_at:
                _, _, kind, payload = heapq.heappop(self._agenda)
                self._handle(kind, payload)
            else:
                self.engine.tick()
                self.timers.fired_until(moment)
            self._absorb()
            if self.recorder.finished - last_reported >= report_every:
                last_reported = self.recorder.finished
                self._report_progress()

    def _set_now(self, moment: float) -> None:
        self.now = moment
        self.clock.set(self.origin + timedelta(seconds=moment))

    def _push(self, at: float, kind: str, payload: Any) -> None:
        heapq.heappush(self._agenda, (at, next(self._seq), kind, payload))

    def _call(self, what: str, work: Callable[[], Any]) -> Any:
        try:
            return work()
        except BatonError as exc:
            if len(self.notes) < _MAX_NOTES:
                self.notes.append(f"{what}: {exc}")
            return None

    # --- agenda entries --------------------------------------------------------------------

    def _handle(self, kind: str, payload: Any) -> None:
        if kind == "arrival":
            self._arrive()
        elif kind == "finish":
            self._finish(payload)
        elif kind == "event":
            run_id, step_id, visit, event, key, data = payload
            if self._pending_waits.get((run_id, step_id)) == visit:
                self._call(f"event {event}", lambda: self.engine.send_event(event, key, data))
        elif kind == "delay":
            self._call("background duration", lambda: self.engine.send_event(DELAY_EVENT, payload))
        elif kind == "wake":
            pool = self.pools[payload]
            pool.wake_at = None
            self._dirty_pools.add(payload)

    def planned_runs(self) -> int:
        """How many runs the scenario will start (an estimate for a rate and horizon)."""
        return self.arrivals.planned

    def _arrive(self) -> None:
        number = self.arrived + 1
        if not self.arrivals.allows(number):
            return
        self.arrived = number
        self._last_arrival = self.now
        self._starting = number
        inputs = self.arrivals.inputs(number, self.clock.now())
        if self.scenario.record is not None:
            fields = inputs | self.arrivals.record_fields(self.scenario.record, number)
            trigger = self.definition.trigger
            self._call(
                f"creating record {number}",
                lambda: self.engine.create_record(getattr(trigger, "object", ""), fields),
            )
        else:
            self._call(
                f"starting run {number}", lambda: self.engine.start(self.definition.id, inputs)
            )
        following = self.arrivals.next_after(self.now)
        if following is not None:
            self._push(following, "arrival", None)

    def _finish(self, item_id: str) -> None:
        item = self.items.get(item_id)
        if item is None or item.closed:
            return
        item.closed = True
        worker = item.worker or 0
        self.pools[item.served_by or item.pool].release(item, self.now)
        self._dirty_pools.add(item.served_by or item.pool)
        self.recorder.item_finished(
            item.step_id, item.served_by or item.pool, item.created, item.started or 0, self.now
        )
        # Reassigned while in progress (escalation): someone the item now belongs to signs.
        pool = self.pools[item.pool]
        actor = pool.user_for(worker) if item.pool == item.served_by else pool.users[0]
        self._call(
            f"completing {item.step_id}",
            lambda: self.engine.complete_item(item_id, actor, item.outputs),
        )
        del self.items[item_id]

    # --- reading back what the engine did ----------------------------------------------------

    def _absorb(self) -> None:
        while self._batch:
            batch = list(self._batch)
            self._batch.clear()
            if len({e["run_id"] for e in batch}) > 1:
                batch.sort(key=lambda e: (self._numbers.get(e["run_id"], 0), e["seq"]))
            for event in batch:
                self._observe(event)
            self._subscribe_waits()
        for name in sorted(self._dirty_pools):
            self._dispatch(self.pools[name])
        self._dirty_pools.clear()

    def _observe(self, event: dict[str, Any]) -> None:
        kind, run_id = event["type"], event["run_id"]
        payload = event["payload"]  # the unit's events carry their payload as an object
        if kind == EventType.RUN_STARTED:
            if payload.get("definition") != self.definition.id:
                return
            self._numbers.setdefault(run_id, self._starting)
            self.recorder.run_started(run_id, self._numbers[run_id], self.now)
            return
        if run_id not in self.recorder.runs:
            return
        self.recorder.event(run_id, kind, payload, self.now)
        self.timers.observe(run_id, kind, payload, self.now)
        step_id = payload.get("step")
        if kind == EventType.ITEM_CREATED:
            self._item_created(run_id, step_id, payload)
        elif kind == EventType.ITEM_REASSIGNED:
            self._item_moved(payload["item"], payload["to"])
        elif kind == EventType.ITEM_WITHDRAWN:
            self._item_withdrawn(payload["item"])
        elif kind == EventType.STEP_STARTED and isinstance(self.steps.get(step_id), WaitStep):
            if self.steps[step_id].event:
                self._new_waits.append((run_id, step_id))
        elif kind in (EventType.STEP_COMPLETED, EventType.STEP_CANCELED):
            self._pending_waits.pop((run_id, step_id), None)
        elif kind in (EventType.RUN_COMPLETED, EventType.RUN_FAILED, EventType.RUN_CANCELED):
            # A random stream holds a few kB; long simulations should not keep ended runs'.
            self._streams.pop(run_id, None)

    def _item_created(self, run_id: str, step_id: str, payload: dict[str, Any]) -> None:
        if not payload["assignee"]:
            # Its assignee_from named nobody: nobody picks it up, as in a live run, so the
            # run stays unfinished (an operator would have to reassign it).
            return
        item = SimItem(
            item_id=payload["item"],
            run_id=run_id,
            step_id=step_id,
            pool=payload["assignee"],
            created=self.now,
            work=self.duration_of(run_id, step_id),
            outputs=self.sample_outputs(run_id, step_id),
        )
        self.items[item.item_id] = item
        self._pool(item.pool).enqueue(item, self.now)
        self._dirty_pools.add(item.pool)

    def _item_moved(self, item_id: str, to: str) -> None:
        item = self.items.get(item_id)
        if item is None:
            return
        if item.started is None:
            self.pools[item.pool].leave_queue(item, self.now)
            self._pool(to).enqueue(item, self.now)
            self._dirty_pools.add(to)
        else:
            self._pool(to)
            item.pool = to

    def _item_withdrawn(self, item_id: str) -> None:
        item = self.items.pop(item_id, None)
        if item is None or item.closed:
            return
        item.closed = True
        if item.started is None:
            self.pools[item.pool].leave_queue(item, self.now)
        else:
            served = item.served_by or item.pool
            self.pools[served].release(item, self.now)
            self._dirty_pools.add(served)

    def _subscribe_waits(self) -> None:
        if not self._new_waits:
            return
        for run_id, step_id in self._new_waits:
            key = self.engine.wait_key(run_id, step_id)
            visit = next(self._seq)
            self._pending_waits[(run_id, step_id)] = visit
            event = self.steps[step_id].event
            data = self.sample_outputs(run_id, step_id)
            at = self.now + self.duration_of(run_id, step_id)
            self._push(at, "event", (run_id, step_id, visit, event, key, data))
        self._new_waits.clear()

    def _dispatch(self, pool: Pool) -> None:
        while pool.waiting and pool.free:
            blocked = pool.blocked_until(self.now)
            if blocked is not None:
                if pool.wake_at is None or pool.wake_at > blocked:
                    pool.wake_at = blocked
                    self._push(blocked, "wake", pool.name)
                return
            item = pool.pick(self.now)
            if item is None:
                return
            self._push(pool.calendar.finish(self.now, item.work), "finish", item.item_id)

    def _report_progress(self, force: bool = False) -> None:
        if self._progress is None:
            return
        planned = self.planned_runs()
        finished = self.recorder.finished
        if force and not self.canceled:
            fraction = 1.0
        else:
            fraction = min(1.0, finished / planned) if planned else 1.0
        self._progress(
            SimulationProgress(
                runs_started=len(self.recorder.runs),
                runs_finished=finished,
                runs_planned=planned,
                virtual_hours=self.now / 3600,
                fraction=fraction,
            )
        )
