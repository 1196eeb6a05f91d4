"""Figure legends as HTML rows under the figures, never over the data.

bqplot draws its legend inside the plot area (every ``legend_location`` is inside), on top
of the traces. :func:`legend_for` builds an ``ipywidgets.HTML`` row (class ``stpx-legend``)
from the marks' ``labels`` and ``colors`` -- a short SVG line per Lines row (dashed when
the mark is dashed), a dot per Scatter -- and keeps it in step when a mark's labels,
colours, style or visibility change. :func:`place_legends` puts each figure's legend row
right under it in the widget tree (called once per panel, after its figures are built).
"""

from __future__ import annotations

import html

import ipywidgets as W
from bqplot import Figure, Lines, Scatter

__all__ = ["VIRIDIS", "colorbar_html", "legend_entries", "legend_for", "legend_html", "place_legends"]

#: bqplot's "viridis" scheme as CSS gradient stops (low -> high)
VIRIDIS = ("#440154", "#482878", "#3e4989", "#31688e", "#26828e", "#1f9e89", "#35b779", "#6ece58",
           "#b5de2b", "#fde725")

_WATCH = ("labels", "colors", "visible", "line_style", "display_legend")


def legend_entries(figure) -> list[tuple[str, str, str]]:
    """``[(label, colour, glyph)]`` of the figure's visible labelled marks, in mark order;
    glyph is "line", "dashed", "dotted" or "dot" (a Scatter)."""
    out = []
    for m in figure.marks:
        labels = list(getattr(m, "labels", None) or [])
        if not labels or not getattr(m, "visible", True):
            continue
        colors = list(getattr(m, "colors", None) or ["#777777"])
        if isinstance(m, Scatter):
            glyph = "dot"
        elif isinstance(m, Lines):
            glyph = {"dashed": "dashed", "dotted": "dotted", "dash_dotted": "dashed"}.get(m.line_style, "line")
            if getattr(m, "marker", None) and glyph == "line":
                glyph = "line-dot"
        else:
            glyph = "box"
        for i, lab in enumerate(labels):
            if lab:
                out.append((str(lab), colors[i % len(colors)], glyph))
    return out


def _glyph(color: str, glyph: str) -> str:
    c = html.escape(color, quote=True)
    if glyph == "dot":
        body = f"<circle cx='11' cy='6' r='4' fill='{c}'/>"
    elif glyph == "box":
        body = f"<rect x='4' y='1' width='14' height='10' fill='{c}'/>"
    else:
        dash = {"dashed": " stroke-dasharray='5 3'", "dotted": " stroke-dasharray='2 2'"}.get(glyph, "")
        body = f"<line x1='1' y1='6' x2='21' y2='6' stroke='{c}' stroke-width='2.5'{dash}/>"
        if glyph == "line-dot":
            body += f"<circle cx='11' cy='6' r='3' fill='{c}'/>"
    return f"<svg class='stpx-legend-glyph' width='22' height='12' aria-hidden='true'>{body}</svg>"


def legend_html(figure) -> str:
    """The legend row's HTML: one glyph + label per entry of :func:`legend_entries`."""
    items = [f"<span class='stpx-legend-item'>{_glyph(c, g)}&nbsp;{html.escape(lab)}</span>"
             for lab, c, g in legend_entries(figure)]
    return "".join(items)


def colorbar_html(label: str, lo: float, hi: float, stops=VIRIDIS, fmt: str = ".3g") -> str:
    """A horizontal colour bar as HTML, low values on the left: ``label lo [gradient] hi``.

    bqplot's ColorAxis draws a vertical bar 200 px shorter than the plot (a fixed 100 px
    offset at each end): in a figure under ~300 px it has no bar and reversed ticks."""
    grad = ", ".join(stops)
    bar = (f"<span class='stpx-colorbar-bar' style='display:inline-block;width:180px;height:12px;"
           f"vertical-align:middle;background:linear-gradient(to right, {grad})'></span>")
    return (f"<span class='stpx-legend-item'>{html.escape(label)}:&nbsp;{format(lo, fmt)}&nbsp;{bar}"
            f"&nbsp;{format(hi, fmt)}</span>")


def legend_for(figure) -> W.HTML:
    """The HTML legend row of ``figure`` (made once, kept as ``figure.stpx_legend``); every
    mark's bqplot legend is switched off, the row follows the marks' traits."""
    leg = getattr(figure, "stpx_legend", None)
    if leg is not None:
        return leg
    leg = W.HTML("", layout=W.Layout(width="100%", margin="-6px 0 4px 0"))
    leg.add_class("stpx-legend")
    figure.stpx_legend = leg

    def refresh(*_):
        leg.value = legend_html(figure)
        leg.layout.display = None if leg.value else "none"

    def hook(marks):
        for m in marks:
            if getattr(m, "display_legend", False):
                m.display_legend = False
            if not getattr(m, "_stpx_legend_hooked", False):
                m.observe(refresh, [t for t in _WATCH if m.has_trait(t)])
                m._stpx_legend_hooked = True

    def on_marks(change):
        hook(change["new"])
        refresh()

    hook(figure.marks)
    figure.observe(on_marks, "marks")
    refresh()
    return leg


def place_legends(root) -> None:
    """Put the legend row of every Figure under ``root`` (Boxes, Tabs and the ``pages`` of a
    LazyTab) right under its figure: the figure is replaced in its parent by a VBox of the
    figure and its legend, which takes the figure's width."""
    seen = set()

    def wrap(f):
        box = W.VBox([f, legend_for(f)],
                     layout=W.Layout(width=f.layout.width or "100%", min_width=f.layout.min_width,
                                     flex=f.layout.flex))
        box.add_class("stpx-figbox")
        f.layout.width = "100%"
        return box

    def visit(w):
        if id(w) in seen or not isinstance(w, W.Widget):
            return w
        seen.add(id(w))
        if isinstance(w, Figure):
            return wrap(w)
        if isinstance(w, W.Box) and "stpx-figbox" in w._dom_classes:
            return w
        pages = getattr(w, "pages", None)
        if isinstance(pages, list):
            w.pages[:] = [visit(p) for p in pages]
            for box, page in zip(getattr(w, "boxes", ()), w.pages):
                if box.children:
                    box.children = (page,)
            return w
        kids = getattr(w, "children", None)
        if isinstance(kids, (tuple, list)) and kids:
            new = tuple(visit(k) for k in kids)
            if any(a is not b for a, b in zip(new, kids)):
                w.children = new
        return w

    return visit(root)
