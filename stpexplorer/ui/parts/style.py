"""The CSS of the explorer panels (light and dark Jupyter themes); the colours are in
:mod:`stpexplorer.ui.plot.colors`."""

from __future__ import annotations

from stpexplorer.ui.parts.a11y import A11Y_SCRIPT

__all__ = ["STYLE"]

STYLE = """<style>
.stpx-panel { color: var(--jp-ui-font-color1); }
.stpx-panel .stpx-group { border-left: 3px solid var(--jp-border-color2); padding-left: 4px; margin: 2px 0; }
.stpx-panel .stpx-group-title { color: var(--jp-ui-font-color2); font-size: var(--jp-ui-font-size1); }
.stpx-panel .stpx-is-off .widget-readout { text-decoration: line-through; opacity: 0.5; }
.stpx-panel .stpx-is-off .noUi-connects, .stpx-panel .stpx-is-off .noUi-handle { opacity: 0.5; }
.stpx-panel .stpx-error, .stpx-panel .stpx-rec-message { color: var(--jp-error-color1); font-weight: bold; }
.stpx-panel .stpx-status, .stpx-panel .stpx-citation, .stpx-panel .stpx-rec-line { color: var(--jp-ui-font-color2); }
.stpx-panel .bqplot text { fill: var(--jp-ui-font-color1); }
.stpx-panel .bqplot .mainheading, .stpx-panel .bqplot .axislabel { fill: var(--jp-ui-font-color1) !important; }
.stpx-panel .bqplot .axis line, .stpx-panel .bqplot .axis path { stroke: var(--jp-ui-font-color2); }
.stpx-legend { font-size: var(--jp-ui-font-size1, 13px); line-height: 1.5; padding-left: 62px; }
.stpx-legend .stpx-legend-item { display: inline-block; white-space: nowrap; margin-right: 1.1em; }
.stpx-legend .stpx-legend-glyph { vertical-align: middle; }
/* contrast (WCAG AA, 4.5:1): tab titles; figure boxes do not scroll (a scroll region
   must be reachable from the keyboard; their content is never cut) */
.stpx-explorer > .lm-TabBar .lm-TabBar-tab, .stpx-panel .lm-TabBar .lm-TabBar-tab {
  color: var(--jp-ui-font-color1) !important; }
.stpx-panel .stpx-figbox { overflow: visible; }
/* tab titles are never cut ("Short-term plasticity", "Ratios & steady state"): each tab as wide
   as its title instead of ipywidgets' fixed 144 px */
.stpx-explorer > .lm-TabBar .lm-TabBar-tab, .stpx-panel .lm-TabBar .lm-TabBar-tab {
  flex: 0 0 auto !important; max-width: none !important; }
.stpx-explorer > .lm-TabBar .lm-TabBar-tabLabel, .stpx-panel .lm-TabBar .lm-TabBar-tabLabel {
  overflow: visible !important; text-overflow: clip !important; }
/* links (downloads, exports) look like links; the Share box's link is code */
.stpx-panel a, .stpx-panel a:visited, .stpx-panel .widget-html a {
  color: var(--jp-content-link-color, #1a6fb5); text-decoration: underline; }
.stpx-panel .stpx-share-link { font-family: var(--jp-code-font-family, monospace); max-width: 90vw; }
.stpx-panel .stpx-export { gap: 4px; }
/* lecture mode (ui/app/lecture.py): about 1.4x the text of figures, legends, status and readouts */
.stpx-lecture .bqplot .tick text { font-size: 15px !important; }
.stpx-lecture .bqplot .axislabel { font-size: 18px !important; }
.stpx-lecture .bqplot .mainheading { font-size: 18px !important; }
.stpx-lecture .stpx-legend { font-size: 18px; padding-left: 78px; }
.stpx-lecture .stpx-legend .stpx-legend-glyph { width: 30px; height: 14px; }
.stpx-lecture .stpx-status, .stpx-lecture .stpx-error, .stpx-lecture .stpx-citation,
.stpx-lecture .stpx-rec-line, .stpx-lecture .stpx-rec-message { font-size: 18px; }
.stpx-lecture .widget-readout, .stpx-lecture .widget-label, .stpx-lecture .widget-toggle-button,
.stpx-lecture .widget-dropdown select { font-size: 18px; }
</style>""" + A11Y_SCRIPT
