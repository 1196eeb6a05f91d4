"""Accessible names for what ipywidgets cannot label: the handles of its sliders.

An ipywidgets 8 slider is drawn by noUiSlider: a ``div`` handle with ``role="slider"``
and no accessible name (its description is a ``<label>`` that points at nothing), so a
screen reader announces "slider, 0.5" for every control. :data:`A11Y_SCRIPT`, placed in
each panel's style block (:data:`~stpexplorer.ui.parts.style.STYLE`), names every such handle
in the page after its widget's description (or its tooltip), and gives it the readout's
text as ``aria-valuetext`` (a log slider's handle says "2.903", the exponent, otherwise),
also for handles drawn later (a tab opened later) and after every move: once per page, by
a MutationObserver that runs at most once per animation frame.
"""

from __future__ import annotations

import html

__all__ = ["A11Y_SCRIPT"]

_JS = (
    "if(!window.stpxA11y){window.stpxA11y=1;var busy=0;"
    "var name=function(h){var w=h.closest('.widget-slider');if(!w)return '';"
    "var l=w.querySelector('.widget-label');var t=l?l.textContent.trim():'';"
    "return t||w.getAttribute('title')||'';};"
    "var fix=function(){busy=0;document.querySelectorAll('.widget-slider .noUi-handle[role=slider]')"
    ".forEach(function(h){if(!h.hasAttribute('aria-label')){var n=name(h);if(n)h.setAttribute('aria-label',n);}"
    "var r=h.closest('.widget-slider').querySelector('.widget-readout');"
    "var t=r?r.textContent.trim():'';if(t&&h.getAttribute('aria-valuetext')!==t)h.setAttribute('aria-valuetext',t);});};"
    "new MutationObserver(function(){if(!busy){busy=1;requestAnimationFrame(fix);}})"
    ".observe(document.body,{childList:true,subtree:true});fix();}"
)

#: HTML that runs :data:`_JS` when inserted (an image that fails to load; no widget needed)
A11Y_SCRIPT = f"<img alt='' hidden src='data:,' onerror=\"{html.escape(_JS)}\">"
