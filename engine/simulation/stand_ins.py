"""What the simulation changes in a definition before running it: triggers and actions.

The runtime executes the definition as written, with two substitutions made through its
public mechanisms (no second interpreter):

* The trigger becomes `manual`: simulated runs start at the scenario's arrival times, not
  on records or a cron schedule (which would start extra runs). A record trigger stays when
  the scenario asks arrivals to create records, so its condition is simulated too.
* Each background step runs a stand-in action registered under a name unique to this
  simulation (so a live engine in the same process keeps the real actions). The stand-in
  fails with the step's probability (the runtime then applies the step's retry policy),
  runs the real built-in when its effect stays inside the in-memory store (`set_variables`,
  `log`, `create_record`, `update_record`) and otherwise returns the scenario's outputs
  without touching the outside world (no e-mail, no plugin call, no child orchestration).
  A step given a duration starts a tiny "delay" child orchestration that waits for an
  event the simulator sends after that duration, so the runtime holds the step waiting
  exactly as it holds a real `start_orchestration` step.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from engine.actions import get_action, register_action, unregister_action
from engine.definition import (
    BackgroundStep,
    EndNode,
    Flow,
    ManualTrigger,
    Orchestration,
    RecordTrigger,
    StageNode,
    StartNode,
    Variable,
    WaitStep,
)
from engine.simulation.scenario import StepSpec

REAL_IN_SIMULATION = frozenset({"set_variables", "log", "create_record", "update_record"})
"""Built-ins whose whole effect stays in the (in-memory) store, so they run for real."""

DELAY_EVENT = "simulation_delay_done"
DELAY_KEY_VARIABLE = "sim_token"


class SimulatedFailure(Exception):
    """Raised by a stand-in action to make one attempt of a background step fail."""


class StandInAction:
    """The action a background step runs in a simulation.

    Args:
        step: the background step as written.
        spec: the scenario's assumptions for it.
        delay_definition: the child definition that models its duration, if any.
        host: the simulator, which provides `draw(run_id, step_id)`, `sample_outputs`,
            `duration_of` and `schedule_delay`.
    """

    def __init__(
        self, step: BackgroundStep, spec: StepSpec, delay_definition: str | None, host: Any
    ) -> None:
        self.step = step
        self.spec = spec
        self.delay_definition = delay_definition
        self.host = host
        self._real = get_action(step.action) if step.action in REAL_IN_SIMULATION else None

    def __call__(self, inputs: dict[str, Any], context: Any) -> Mapping[str, Any] | None:
        rng = self.host.stream_of(context.run_id)
        probability = self.spec.failure_probability or 0.0
        if probability > 0 and rng.random() < probability:
            raise SimulatedFailure(
                f"simulated failure of {self.step.action!r} (probability {probability:g})"
            )
        outputs: dict[str, Any] = {}
        if self._real is not None:
            outputs.update(self._real(inputs, context) or {})
        outputs.update(self.host.sample_outputs(context.run_id, self.step.id))
        seconds = self.host.duration_of(context.run_id, self.step.id)
        if self.delay_definition is not None and seconds > 0:
            token = uuid.uuid4().hex
            context.start_orchestration(
                self.delay_definition, {DELAY_KEY_VARIABLE: token, **outputs}
            )
            self.host.schedule_delay(token, seconds)
            return None
        return outputs


class StandIns:
    """Registers the stand-in actions of one simulation and removes them afterwards.

    Args:
        definition: the definition as written.
        specs: scenario step assumptions by step id.
        host: the simulator (see `StandInAction`).
    """

    def __init__(self, definition: Orchestration, specs: Mapping[str, StepSpec], host: Any) -> None:
        self.token = uuid.uuid4().hex[:8]
        self.source = definition
        self.names: dict[str, str] = {}
        self.delays: list[Orchestration] = []
        self._actions: dict[str, Callable[..., Any]] = {}
        for _, step in definition.steps():
            if not isinstance(step, BackgroundStep):
                continue
            spec = specs.get(step.id) or StepSpec()
            delay_id = None
            if spec.duration is not None:
                delay = delay_definition(f"simulation_delay_{self.token}_{step.id}", spec)
                self.delays.append(delay)
                delay_id = delay.id
            name = f"simulation.{self.token}.{step.id}"
            self.names[step.id] = name
            self._actions[name] = StandInAction(step, spec, delay_id, host)

    def __enter__(self) -> StandIns:
        for name, action in self._actions.items():
            register_action(name, action)
        return self

    def __exit__(self, *exc: object) -> None:
        for name in self._actions:
            unregister_action(name)

    def definition(self, keep_record_trigger: bool = False) -> Orchestration:
        """The definition the simulation activates: stand-in actions, a manual trigger.

        Args:
            keep_record_trigger: keep a record trigger (arrivals then create records).
        """
        nodes = []
        for node in self.source.nodes:
            if isinstance(node, StageNode):
                steps = [
                    s.model_copy(update={"action": self.names[s.id]})
                    if isinstance(s, BackgroundStep)
                    else s
                    for s in node.steps
                ]
                node = node.model_copy(update={"steps": steps})
            nodes.append(node)
        trigger = self.source.trigger
        if not (keep_record_trigger and isinstance(trigger, RecordTrigger)):
            trigger = ManualTrigger(type="manual")
        return self.source.model_copy(update={"trigger": trigger, "nodes": nodes})


def delay_definition(definition_id: str, spec: StepSpec) -> Orchestration:
    """A one-step orchestration that waits for the simulator's "delay done" event.

    Its input variables come back as the outputs of the background step that started it.
    """
    variables = [Variable(name=DELAY_KEY_VARIABLE, type="text", input=True, required=True)]
    variables += [Variable(name=name, type="json", input=True) for name in spec.outputs]
    wait = WaitStep(id="delay", type="wait", event=DELAY_EVENT, key=DELAY_KEY_VARIABLE)
    return Orchestration(
        id=definition_id,
        name="Simulated background duration",
        variables=variables,
        nodes=[
            StartNode(id="start", type="start"),
            StageNode(id="working", type="stage", steps=[wait]),
            EndNode(id="end", type="end"),
        ],
        flows=[Flow(source="start", target="working"), Flow(source="working", target="end")],
    )
