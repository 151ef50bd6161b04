"""Moving in-flight runs to a new version of their orchestration (`baton migrate`).

`plan_migration` previews, run by run, where each open run of one version would land on
another: its stage and steps, which work items stay (same id, same assignee), which are
withdrawn or created, which waits and timers move, and why a run cannot move (its stage
is gone and not mapped, a later expression needs an output the run never produced, ...).
`apply_migration` moves them, each in its own transaction, logging a `run_migrated`
event with the mapping, who and why. The decision itself is pure
(`engine.migration.decide`), so the preview is the very code the move runs.
"""

from __future__ import annotations

from engine.migration.decide import MIGRATABLE, Assessment, assess, migrate
from engine.migration.mapping import check_mapping, parse_mapping, version_changes
from engine.migration.preview import RunPlan
from engine.migration.service import (
    MigrationPlan,
    MigrationResult,
    Selection,
    apply_migration,
    plan_migration,
)

__all__ = [
    "MIGRATABLE",
    "Assessment",
    "MigrationPlan",
    "MigrationResult",
    "RunPlan",
    "Selection",
    "apply_migration",
    "assess",
    "check_mapping",
    "migrate",
    "parse_mapping",
    "plan_migration",
    "version_changes",
]
