"""The palette of every figure: Okabe & Ito, colour-blind safe, no black (light and dark themes)."""

from __future__ import annotations

__all__ = ["COLORS", "CYCLE"]

# Okabe & Ito colour-blind-safe palette (no black: both light and dark themes)
COLORS = {
    "orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73", "yellow": "#F0E442",
    "blue": "#0072B2", "red": "#D55E00", "purple": "#CC79A7", "grey": "#999999",
}
CYCLE = [COLORS[c] for c in ("blue", "orange", "green", "purple", "sky", "red", "yellow", "grey")]
