"""The main window and its parts: the window owns the layout, each part owns its actions.

Parts (files.py, canvas_actions.py, design_panels.py, interchange.py, live_panels.py,
help.py) create their `QAction`s and expose them in sections; menus.py places them; the
window (main_window.py) hands each part only the services it declares in host.py.
"""

from designer.window.files import new_definition
from designer.window.main_window import MainWindow

__all__ = ["MainWindow", "new_definition"]
