"""Story 7 of USERS.md: version 2 of onboarding adds a security training to "First week"
and drops the badge wait; the admin sees exactly where each of the 50 open runs will land,
then moves them all, and every run completes on version 2."""

from __future__ import annotations

from engine.migration import Selection, apply_migration, plan_migration
from tests.engine.migration.onboarding import hire, version_1, version_2, work, work_to_the_end
from tests.engine.runtime.test_replay import _tables


def _fifty_runs_over_every_stage(engine) -> dict[str, list[str]]:
    """Runs of version 1, by where they are: group -> run ids."""
    engine.activate(version_1())
    groups: dict[str, list[str]] = {k: [] for k in (
        "contract_open",        # paperwork: contract to check, badge awaited
        "badge_only",           # paperwork: contract approved, only the badge awaited
        "badge_only_no_laptop",  # the same, for a hire who needs no laptop
        "badge_printed",        # paperwork: badge printed, contract still open
        "equipment",            # IT equipment: laptop and accounts open
        "accounts_only",        # IT equipment: laptop done, accounts open
        "first_week",           # First week: the manager's plan open
    )}  # fmt: skip
    sizes = {"contract_open": 10, "badge_only": 5, "badge_only_no_laptop": 5,
             "badge_printed": 5, "equipment": 10, "accounts_only": 5, "first_week": 10}  # fmt: skip
    for group, size in sizes.items():
        for n in range(size):
            name = f"{group}-{n}"
            run_id = hire(engine, name, needs_laptop=group != "badge_only_no_laptop")
            groups[group].append(run_id)
            if group == "badge_printed":
                engine.send_event("badge_printed", key=name)
            if group in ("badge_only", "badge_only_no_laptop", "equipment", "accounts_only",
                         "first_week"):  # fmt: skip
                work(engine, run_id, "contract")
            if group in ("equipment", "accounts_only", "first_week"):
                engine.send_event("badge_printed", key=name)
            if group in ("accounts_only", "first_week"):
                work(engine, run_id, "laptop")
            if group == "first_week":
                work(engine, run_id, "accounts")
    assert sum(len(ids) for ids in groups.values()) == 50
    return groups


def _open_items(engine, run_id):
    return sorted((i["id"], i["step"], i["assignee"]) for i in engine.run(run_id)["open_items"])


# What the plan must say for a run of each group: (lands in, kept steps, created steps,
# waits and timers dropped, stages completed on the way).
EXPECTED = {
    "contract_open": ("paperwork", ["contract"], [], ["badge"], []),
    "badge_only": ("equipment", [], ["laptop", "accounts"], ["badge"], ["paperwork"]),
    "badge_only_no_laptop": (
        "first_week",
        [],
        ["plan", "security_training"],
        ["badge"],
        ["paperwork"],
    ),
    "badge_printed": ("paperwork", ["contract"], [], [], []),
    "equipment": ("equipment", ["laptop", "accounts"], [], [], []),
    "accounts_only": ("equipment", ["accounts"], [], [], []),
    "first_week": ("first_week", ["plan"], ["security_training"], [], []),
}


def test_the_plan_says_exactly_where_each_of_fifty_runs_lands_and_apply_does_it(engine):
    # given 50 runs of version 1 over every stage, and version 2 activated
    groups = _fifty_runs_over_every_stage(engine)
    before = {r: _open_items(engine, r) for ids in groups.values() for r in ids}
    engine.activate(version_2())
    selection = Selection("employee_onboarding", 1, 2)

    # when the admin plans the migration
    plan = plan_migration(engine, selection)

    # then every run can move, and the plan says where it lands and what happens to its work
    assert plan.changes == {
        "added": ["security_training"],
        "removed": ["badge"],
        "changed": [],
    }
    by_run = {r.run: r for r in plan.runs}
    assert sorted(by_run) == sorted(before)
    for group, ids in groups.items():
        lands, kept, created, waits_dropped, passed = EXPECTED[group]
        for run_id in ids:
            p = by_run[run_id]
            assert p.possible, (group, p.reasons)
            assert p.lands_in == lands, group
            assert sorted(i["step"] for i in p.items_kept) == sorted(kept), group
            assert [i["step"] for i in p.items_created] == created, group
            assert [w["step"] for w in p.waits_dropped] == waits_dropped, group
            assert [t["step"] for t in p.timers_dropped] == waits_dropped, group
            assert p.stages_passed == passed, group
            assert p.items_withdrawn == []
            # kept items keep their id and assignee
            assert sorted((i["item"], i["step"], i["assignee"]) for i in p.items_kept) == [
                item for item in before[run_id] if item[1] in kept
            ]

    # when the admin applies it
    result = apply_migration(engine, selection, "security training is mandatory", "root")

    # then all 50 moved, each exactly as planned: same kept items, the created items with
    # the ids the plan gave, nothing else open
    assert result.refused == []
    assert sorted(result.moved) == sorted(before)
    for run_id, p in by_run.items():
        run = engine.run(run_id)
        assert (run["version"], run["stage"]) == (2, p.lands_in)
        planned = sorted(
            (i["item"], i["step"], i["assignee"]) for i in [*p.items_kept, *p.items_created]
        )
        assert _open_items(engine, run_id) == planned
        assert engine.waits(run_id) == []
        assert engine.replay(run_id) == _tables(engine, run_id)

    # and every run then completes on version 2, its log still replaying to its tables
    for run_id in by_run:
        work_to_the_end(engine, run_id)
        run = engine.run(run_id)
        assert (run["status"], run["version"]) == ("completed", 2), run_id
        assert engine.replay(run_id) == _tables(engine, run_id)
    trained = [r for r in by_run if any(
        e["type"] == "item_completed" and e["payload"]["step"] == "security_training"
        for e in engine.log(r)
    )]  # fmt: skip
    assert sorted(trained) == sorted(by_run)
