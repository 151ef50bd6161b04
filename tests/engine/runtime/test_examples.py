"""The bundled examples run end to end on the engine (they are the product's showcase)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from engine.definition import load_definition

EXAMPLES = Path(__file__).resolve().parents[3] / "resources" / "examples"


def _example(name: str):
    return load_definition(EXAMPLES / f"{name}.baton.json")


def _complete(engine, run_id, step, actor, **outputs):
    item = next(i for i in engine.run(run_id)["open_items"] if i["step"] == step)
    engine.complete_item(item["id"], actor, outputs)


def test_deal_desk_rework_loop_then_approval(engine, tmp_path):
    engine.add_user("sam", queues=["sales_ops"])
    engine.add_user("fiona", groups=["finance"])
    engine.activate(_example("deal_desk_approval"))
    run_id = engine.start(
        "deal_desk_approval",
        {"deal_name": "Acme", "amount": "50000", "owner_email": "o@example.com"},
    )

    _complete(engine, run_id, "quote", "sam", discount=20)
    _complete(engine, run_id, "finance_approval", "fiona", decision="reject", comment="too deep")
    assert engine.run(run_id)["stage"] == "prepare"
    _complete(engine, run_id, "quote", "sam", discount=10)

    run = engine.run(run_id)
    assert run["status"] == "completed"
    assert [s["visits"] for s in run["stages"] if s["id"] == "prepare"] == [2]
    (mail,) = (tmp_path / "outbox").glob("*.eml")
    assert "Approved: Acme" in mail.read_text()


def test_customer_onboarding_chases_a_silent_customer_then_kicks_off(engine):
    engine.add_user("cara", queues=["cs_queue"], groups=["customer_success"])
    engine.add_user("cs_lead")
    engine.activate(_example("customer_onboarding"))
    engine.create_record(
        "Account", {"type": "Customer", "customer": "Globex", "contact_email": "it@globex.example"}
    )
    (run,) = engine.runs()
    run_id = run["id"]
    assert engine.run(run_id)["stage"] == "setup"

    engine.advance(engine.clock.now() + timedelta(days=7))
    assert engine.run(run_id)["stage"] == "chase"
    _complete(engine, run_id, "chase_call", "cara")
    assert engine.run(run_id)["stage"] == "setup"

    assert engine.send_event("setup_form_completed", key="Globex", data={"seats": 40}) == [run_id]
    _complete(engine, run_id, "schedule_call", "cara", call_date="2026-02-01")
    _complete(engine, run_id, "train_team", "cs_lead")
    assert engine.run(run_id)["status"] == "completed"
