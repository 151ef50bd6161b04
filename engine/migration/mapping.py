"""The operator's `--map old=new` pairs, checked against the two versions, and what changed
between the versions (for the designer's side-by-side diagrams)."""

from __future__ import annotations

from typing import Any

from engine.definition import StageNode
from engine.errors import UsageError
from engine.runtime.plan import Plan


def parse_mapping(pairs: list[str] | None) -> dict[str, str]:
    """`old=new` strings as a mapping.

    Raises:
        UsageError: a pair without `=`, or one id mapped twice (exit code 2).
    """
    mapping: dict[str, str] = {}
    for pair in pairs or []:
        old, sep, new = (part.strip() for part in pair.partition("="))
        if not sep or not old or not new:
            raise UsageError(
                f"--map {pair!r} is not old=new", hint="write e.g. --map badge=training"
            )
        if old in mapping and mapping[old] != new:
            raise UsageError(f"--map gives {old} twice ({mapping[old]} and {new}); give it once")
        mapping[old] = new
    return mapping


def check_mapping(source: Plan, target: Plan, mapping: dict[str, str]) -> None:
    """Refuse pairs that name no element of the old version or no element of the same kind
    in the new one.

    Raises:
        UsageError: naming the pair, the versions and what to do (exit code 2).
    """
    for old, new in mapping.items():
        pair = f"--map {old}={new}"
        if old in source.steps:
            if new not in target.steps:
                raise UsageError(
                    f"{pair}: {new} is not a step of version {target.version}",
                    hint=f"steps of version {target.version}: " + ", ".join(sorted(target.steps)),
                )
        elif old in source.nodes and source.nodes[old].type in ("stage", "decision"):
            if new not in target.nodes or target.nodes[new].type not in ("stage", "decision"):
                raise UsageError(
                    f"{pair}: {new} is not a stage of version {target.version}",
                    hint=f"stages of version {target.version}: "
                    + ", ".join(sorted(target.stage_steps)),
                )
            if isinstance(source.nodes[old], StageNode) != isinstance(target.nodes[new], StageNode):
                raise UsageError(f"{pair}: map a stage to a stage and a decision to a decision")
        else:
            raise UsageError(
                f"{pair}: {old} is not a stage, decision or step of version {source.version}",
                hint="map ids of the version the runs are on to ids of the new one",
            )


def version_changes(source: Plan, target: Plan) -> dict[str, list[str]]:
    """Element ids (stages, decisions, ends and steps) `added` in the target, `removed`
    from the source, and `changed` (present in both, defined differently)."""
    old, new = _elements(source), _elements(target)
    return {
        "added": sorted(set(new) - set(old)),
        "removed": sorted(set(old) - set(new)),
        "changed": sorted(k for k in set(old) & set(new) if old[k] != new[k]),
    }


def _elements(plan: Plan) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for node in plan.definition.nodes:
        body = node.model_dump(mode="json", by_alias=True, exclude={"steps"})
        flows = [
            f.model_dump(mode="json", by_alias=True, exclude={"id", "name"})
            for f in plan.outgoing.get(node.id, [])
        ]
        found[node.id] = (body, sorted(map(str, flows)))
        for step in getattr(node, "steps", []):
            found[step.id] = step.model_dump(mode="json", by_alias=True)
    return found
