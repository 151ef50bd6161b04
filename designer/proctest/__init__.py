"""Run ▸ Test: the open file's process tests, run off the UI thread, with coverage drawn on
the diagram (what no scenario reached highlighted)."""

from designer.proctest.coverage_looks import coverage_looks
from designer.proctest.dialog import ProcessTestDialog

__all__ = ["ProcessTestDialog", "coverage_looks"]
