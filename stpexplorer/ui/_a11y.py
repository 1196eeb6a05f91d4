"""Accessible names for what ipywidgets cannot label: the handles of its sliders.

An ipywidgets 8 slider is drawn by noUiSlider: a ``div`` handle with ``role="slider"``
and no accessible name (its description is a ``<label>`` that points at nothing), so a
screen reader announces "slider, 0.5" for every control. :data:`A11Y_SCRIPT`, placed in
each panel's style block (:data:`~stpexplorer.ui._style.STYLE`), names every such handle
in the page after its widget's description (or its tooltip), also those drawn later (a
tab opened later, a panel re-rendered): once per page, by a MutationObserver that runs at
most once per animation frame.
"""

from __future__ import annotations

import html

__all__ = ["A11Y_SCRIPT"]

_JS = (
    "if(!window.stpxA11y){window.stpxA11y=1;var busy=0;"
    "var name=function(h){var w=h.closest('.widget-slider');if(!w)return '';"
    "var l=w.querySelector('.widget-label');var t=l?l.textContent.trim():'';"
    "return t||w.getAttribute('title')||'';};"
    "var fix=function(){busy=0;document.querySelectorAll('.noUi-handle[role=slider]:not([aria-label])')"
    ".forEach(function(h){var n=name(h);if(n)h.setAttribute('aria-label',n);});};"
    "new MutationObserver(function(){if(!busy){busy=1;requestAnimationFrame(fix);}})"
    ".observe(document.body,{childList:true,subtree:true});fix();}"
)

#: HTML that runs :data:`_JS` when inserted (an image that fails to load; no widget needed)
A11Y_SCRIPT = f"<img alt='' hidden src='data:,' onerror=\"{html.escape(_JS)}\">"
