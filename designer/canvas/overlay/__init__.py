"""Overlays on the diagram: a run's live state and aggregate heatmaps, never in the document."""

from designer.canvas.overlay.heatmap import HeatCell, HeatmapData, HeatmapOverlay, format_hours
from designer.canvas.overlay.layer import DecorationLayer
from designer.canvas.overlay.looks import Look
from designer.canvas.overlay.run_overlay import RunOverlay, flows_taken, looks_for
from designer.canvas.overlay.state import OverlayState, state_of_log, step_start_times

__all__ = [
    "DecorationLayer",
    "HeatCell",
    "HeatmapData",
    "HeatmapOverlay",
    "Look",
    "OverlayState",
    "RunOverlay",
    "flows_taken",
    "format_hours",
    "looks_for",
    "state_of_log",
    "step_start_times",
]
