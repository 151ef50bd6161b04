"""What a run was at any moment, and how run statuses and times are worded and coloured.

Shared by the live panels (designer/live/) and the canvas's run overlay
(designer/canvas/overlay/), so neither needs the other: both import this package, which
imports nothing of the designer.
"""
