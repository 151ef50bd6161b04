"""Assignment notices on both runtimes: an item that has closed by the time its notice goes
out is not announced, on Temporal as locally."""

from __future__ import annotations

from engine.definition import save_definition
from tests.engine.runtime.builders import background, interactive, orchestration, stage, var
from tests.engine.temporal.test_cli_on_temporal import _delivered


def test_an_item_withdrawn_before_its_notice_goes_out_is_not_announced(baton, tmp_path):
    # given alice (hr) with an address, and a stage whose item is withdrawn at once: a
    # background step beside it makes the stage's exit condition hold in the same turn
    assert baton("users", "add", "alice", "--group", "hr", "--email", "alice@example.com").code == 0
    path = tmp_path / "hasty.baton.json"
    save_definition(
        orchestration(
            "hasty",
            stage(
                "first",
                interactive("approve", "group:hr"),
                background("hurry", "set_variables", inputs={"done": "true"}),
                exit_condition="done",
            ),
            stage("second", interactive("check", "group:hr")),
            variables=[var("done", "boolean")],
        ),
        path,
    )
    assert baton("activate", str(path)).code == 0
    # when a run starts
    run_id = baton("start", "hasty").out.strip()
    shown = baton("show", run_id, "--format", "json").json()
    assert [i["step"] for i in shown["open_items"]] == ["check"]
    # then alice hears of the open item only: the withdrawn one is not announced
    outbox = tmp_path / "outbox"
    [told] = _delivered(baton, outbox, "New work item: Check")
    assert "To: alice@example.com" in told and run_id in told
    everything = [f.read_text() for f in outbox.glob("*.eml")]
    assert [m for m in everything if "Subject: New work item: Approve" in m] == []
