"""Simulate before go-live: the scenario editor, the simulation dialog, its results."""

from designer.simulation.dialog import SimulationDialog
from designer.simulation.heat import heatmap_of_simulation
from designer.simulation.results_panel import ResultsPanel
from designer.simulation.scenario_editor import ScenarioEditor

__all__ = ["ResultsPanel", "ScenarioEditor", "SimulationDialog", "heatmap_of_simulation"]
