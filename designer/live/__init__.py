"""Live views of the engine: start runs, watch and operate them, work the inbox, replay history.

Every view takes one shared `EngineBridge`; none of them calls the engine on the UI thread.
"""

from designer.live.bridge import EngineBridge
from designer.live.history import RunHistoryPanel
from designer.live.inbox import InboxPanel
from designer.live.runs_panel import RunsPanel
from designer.live.start_run_dialog import StartRunDialog
from designer.live.work_guide import WorkGuide

__all__ = [
    "EngineBridge",
    "InboxPanel",
    "RunHistoryPanel",
    "RunsPanel",
    "StartRunDialog",
    "WorkGuide",
]
