"""Third-party actions arrive through the `baton.actions` entry-point group."""

from __future__ import annotations

import sys
import textwrap

import pytest

from engine.actions import registry
from tests.engine.runtime.builders import background, orchestration, stage, var


@pytest.fixture
def installed_plugin(tmp_path):
    """A real (tiny) distribution on sys.path declaring one action entry point."""
    (tmp_path / "baton_shout_plugin.py").write_text(
        textwrap.dedent(
            """
            def shout(inputs, context):
                return {"text": str(inputs["text"]).upper() + "!", "step": context.step_id}
            """
        )
    )
    dist = tmp_path / "baton_shout_plugin-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: baton-shout-plugin\nVersion: 1.0\n"
    )
    (dist / "entry_points.txt").write_text("[baton.actions]\nshout = baton_shout_plugin:shout\n")
    sys.path.insert(0, str(tmp_path))
    registry._plugins.cache_clear()
    registry._load_plugin.cache_clear()
    yield "shout"
    sys.path.remove(str(tmp_path))
    sys.modules.pop("baton_shout_plugin", None)
    registry._plugins.cache_clear()
    registry._load_plugin.cache_clear()


def test_an_installed_plugin_action_runs_as_a_background_step(engine, installed_plugin):
    assert registry.is_known_action(installed_plugin)
    engine.activate(
        orchestration(
            "loud",
            stage("s", background("yell", action="shout", inputs={"text": "word"})),
            variables=[var("word", input=True)],
        )
    )
    run_id = engine.start("loud", {"word": "hello"})
    assert engine.run(run_id)["steps"][0]["outputs"] == {"text": "HELLO!", "step": "yell"}
