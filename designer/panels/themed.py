"""Panel style sheets in the light or the dark palette, from one copy written in light colours."""

from __future__ import annotations

import re

# The panels' style sheets are written with these light colours; in the dark palette each
# is swapped for its counterpart, so the inspector and the problems list darken with the
# canvas (View ▸ Theme) without a second copy of every style sheet.
_DARK_SWAPS = {
    "#ffffff": "#262a31",
    "#f8fafc": "#2c3038",
    "#f1f5f9": "#2c3038",
    "#e2e8f0": "#3a3f48",
    "#cbd5e1": "#4a515c",
    "#94a3b8": "#7d8591",
    "#64748b": "#9aa1ad",
    "#475569": "#b8bec8",
    "#334155": "#d5dae1",
    "#0f172a": "#eef0f3",
    "#1f2430": "#eef0f3",
    "#fffbeb": "#3a3120",
    "#fde68a": "#6b5a2a",
    "#fef2f2": "#3d2426",
    "#fecaca": "#7a3a3a",
    "#b91c1c": "#f28b82",
    "#dc2626": "#f28b82",
    "#b45309": "#fbbc6a",
    "#ddd6fe": "#4b3f8a",
    "#ede9fe": "#3d3566",
    "#6e56cf": "#9b87f5",
}
_SWAP = re.compile("|".join(re.escape(c) for c in _DARK_SWAPS), re.IGNORECASE)


def themed_style(style: str, dark: bool) -> str:
    """A panel style sheet written in light colours, for the light or the dark palette."""
    if not dark:
        return style
    return _SWAP.sub(lambda m: _DARK_SWAPS[m.group(0).lower()], style)
