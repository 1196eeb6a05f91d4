"""PNG and SVG export of every figure, stamped with its title and the panel's parameters.

:func:`install_export` adds a row under each figure of a panel (each ``stpx-figbox``):
**PNG** (``stpx-export-png``) and **SVG** (``stpx-export-svg``). A click asks the browser
for the figure as rendered (bqplot ``Figure.get_svg_data``: the SVG with its CSS inlined);
the kernel stamps it (:func:`stamp_svg`: a band above the plot with the panel's and the
figure's titles and every parameter value, as the status line formats them) and sends
it back as a download link (``stpx-export-link``) that the browser follows at once. For
a PNG the browser draws the stamped SVG on a canvas at twice its size first. Nothing is
written on the server.
"""

from __future__ import annotations

import base64
import html
import re
import textwrap

import ipywidgets as W
from bqplot import Figure

__all__ = ["CHAR_PX", "figure_name", "install_export", "params_text", "stamp_svg"]

_LINE = 16  # px per stamped line
#: px per character of the 12 px stamp, wide enough for sans-serif digits, Greek and "="
CHAR_PX = 7.4
_BUTTON_LAYOUT = {"width": "auto", "height": "26px"}
_MIN_HEIGHT = 100  # px: shorter figures (spike strips above a trace figure) get no export row


def _px(h) -> float:
    m = re.match(r"\s*([0-9.]+)px", h or "")
    return float(m.group(1)) if m else float("inf")


def figure_name(f: Figure) -> str:
    """The ``<name>`` of the figure's ``stpx-fig-<name>`` DOM class ("figure" without one)."""
    return next((c[9:] for c in f._dom_classes if c.startswith("stpx-fig-")), "figure")


def params_text(panel) -> str:
    """``"U=0.5, τf=0 (off), τd=800 ms, …"``: the values of the panel's last run (or its
    controls') with labels and units, the controls that do not apply left out."""
    values = panel.values or panel.control_values()
    off = panel.inactive(values)
    parts = []
    for name, v in values.items():
        text = None if name in off else panel.controls.describe(name, v)  # None: not a control
        if text is not None:
            parts.append(text)
    return ", ".join(parts)


def _attr(tag: str, name: str) -> str | None:
    m = re.search(rf'\s{name}="([^"]*)"', tag) or re.search(rf"\s{name}='([^']*)'", tag)
    return m.group(1) if m else None


def _set_attr(tag: str, name: str, value: str) -> str:
    if _attr(tag, name) is None:
        return tag[:-1] + f' {name}="{value}">'
    return re.sub(rf'(\s{name}=)("[^"]*"|\'[^\']*\')', rf'\g<1>"{value}"', tag, count=1)


def _background(tag: str) -> str:
    """The root's opaque background colour, or white."""
    m = re.search(r"background(?:-color)?:\s*(rgba?\([^)]*\)|#[0-9a-fA-F]{3,8}|[a-z]+)", tag)
    c = m.group(1) if m else ""
    if not c or c == "transparent" or re.match(r"rgba\([^)]*,\s*0(\.0*)?\s*\)", c):
        return "#ffffff"
    return c


def _is_dark(colour: str) -> bool:
    m = re.match(r"rgba?\((\d+),\s*(\d+),\s*(\d+)", colour)
    if m:
        r, g, b = (int(x) for x in m.groups())
    elif re.fullmatch(r"#[0-9a-fA-F]{6}", colour):
        r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    else:
        return False
    return 0.299 * r + 0.587 * g + 0.114 * b < 128


def stamp_svg(svg: str, title: str, params: str) -> str:
    """``svg`` (one root ``<svg width height>``) with a band above it: ``title`` in bold and
    ``params`` wrapped to the figure's width, on the figure's background (white when it is
    transparent). The root grows by the band's height; the plot moves down by as much."""
    m = re.search(r"<svg\b[^>]*>", svg)
    end = svg.rfind("</svg>")
    if m is None or end < m.end():
        raise ValueError(f"not an SVG document (no <svg> root): {svg[:80]!r}")
    root = m.group(0)
    width = float(re.sub(r"[^0-9.]", "", _attr(root, "width") or "") or 640)
    height = float(re.sub(r"[^0-9.]", "", _attr(root, "height") or "") or 400)
    chars = max(30, int((width - 16) / CHAR_PX))
    lines = textwrap.wrap(params, chars) or [""]
    band = _LINE * (len(lines) + 1) + 10
    bg = _background(root)
    ink = "#eeeeee" if _is_dark(bg) else "#111111"
    new_root = _set_attr(_set_attr(root, "height", f"{height + band:g}"), "width", f"{width:g}")
    vb = _attr(root, "viewBox")
    if vb is not None:
        new_root = _set_attr(new_root, "viewBox", f"0 0 {width:g} {height + band:g}")
    font = "font-family: sans-serif; font-size: 12px;"
    texts = [(f'<text x="8" y="{_LINE + 2}" style="{font} font-weight: bold; font-size: 13px;" '
              f'fill="{ink}">{html.escape(title)}</text>')]
    texts += [f'<text x="8" y="{_LINE * (i + 2) + 4}" style="{font}" fill="{ink}">{html.escape(t)}</text>'
              for i, t in enumerate(lines)]
    stamp = (f'<g class="stpx-stamp"><rect x="0" y="0" width="{width:g}" height="{height + band:g}" '
             f'fill="{bg}"/>{"".join(texts)}</g>')
    body = svg[m.end():end]
    return (svg[:m.start()] + new_root + stamp + f'<g transform="translate(0,{band})">' + body + "</g>"
            + svg[end:])


# runs in the browser once the link is in the page: follow it (PNG: draw the SVG at 2x first)
_SAVE_JS = "var a=this.previousElementSibling;this.remove();a.click();"
_PNG_JS = ("var a=this.previousElementSibling,i=this,c=document.createElement('canvas'),s=2;"
           "c.width=i.naturalWidth*s;c.height=i.naturalHeight*s;var x=c.getContext('2d');x.scale(s,s);"
           "x.drawImage(i,0,0);a.href=c.toDataURL('image/png');i.remove();a.click();")


def _link_html(name: str, stamped: str, kind: str, n: int) -> str:
    b64 = base64.b64encode(stamped.encode("utf-8")).decode()
    svg_url = f"data:image/svg+xml;base64,{b64}"
    a = (f"<a class='stpx-export-link' download='{html.escape(name)}' href='{svg_url if kind == 'svg' else '#'}'"
         f">⬇ {html.escape(name)}</a>")
    if kind == "svg":
        return a + f"<img alt='' hidden data-n='{n}' src='data:,' onerror=\"{html.escape(_SAVE_JS)}\">"
    return a + f"<img alt='' hidden data-n='{n}' src='{svg_url}' onload=\"{html.escape(_PNG_JS)}\">"


class _Exporter:
    """The export row of one figure: buttons, and the link of the last export."""

    def __init__(self, panel, f: Figure, layout, style, row_layout):
        self.panel, self.figure, self.n = panel, f, 0
        self.name = figure_name(f)
        self.png = W.Button(description="PNG", icon="image", layout=layout, style=style,
                            tooltip=f"download this figure ({self.name}) as a PNG image, with the parameters")
        self.svg = W.Button(description="SVG", icon="download", layout=layout, style=style,
                            tooltip=f"download this figure ({self.name}) as an SVG drawing, with the parameters")
        self.png.add_class("stpx-export-png")
        self.svg.add_class("stpx-export-svg")
        self.png.on_click(lambda _: self.request("png"))
        self.svg.on_click(lambda _: self.request("svg"))
        self.link = None
        self.row = W.HBox([self.png, self.svg], layout=row_layout)
        self.row.add_class("stpx-export")

    def title(self) -> str:
        t = self.panel.experiment.title
        return f"{t} — {self.figure.title}" if self.figure.title else t

    def request(self, kind: str) -> None:
        """Ask the browser for the figure's SVG; :meth:`deliver` receives it."""
        self.figure._upload_svg_callback = None  # forget a request no view answered (figure not shown)
        self.figure.get_svg_data(lambda data: self.deliver(kind, bytes(data).decode("utf-8")))

    def deliver(self, kind: str, svg: str) -> str:
        """Stamp ``svg`` and put its download link (followed at once) beside the buttons."""
        try:
            stamped = stamp_svg(svg, self.title(), params_text(self.panel))
        except ValueError as e:
            self.panel.report_error(f"export of {self.name}: {e}")
            return ""
        if self.link is None:
            self.link = W.HTML("")
            self.link.add_class("stpx-export-box")
            self.row.children = (*self.row.children, self.link)
        self.n += 1
        name = f"{self.panel.key}-{self.name}.{kind}"
        self.link.value = _link_html(name, stamped, kind, self.n)
        return stamped


def _figboxes(w, owner, seen=None):
    """``(panel, figbox)`` under ``w``; a panel inside a panel (the Synapse lab's learning
    view) owns its own figures."""
    seen = set() if seen is None else seen
    if id(w) in seen or not isinstance(w, W.Widget):
        return
    seen.add(id(w))
    if hasattr(w, "experiment") and hasattr(w, "controls"):
        owner = w
    if isinstance(w, W.Box) and "stpx-figbox" in w._dom_classes:
        yield owner, w
        return
    for k in list(getattr(w, "children", ()) or ()) + list(getattr(w, "pages", ()) or ()):
        yield from _figboxes(k, owner, seen)


def install_export(panel) -> dict:
    """Add the PNG/SVG row under every figure of ``panel`` (once); ``{figure name: exporter}``
    (also ``panel.exports``)."""
    if panel.exports:
        return panel.exports
    # shared by the panel's rows: fewer widget models for the page to load
    layout, style, row_layout = W.Layout(**_BUTTON_LAYOUT), W.ButtonStyle(), W.Layout(align_items="center")
    for owner, box in _figboxes(panel, panel):
        f = next((k for k in box.children if isinstance(k, Figure)), None)
        if f is None or _px(f.layout.height) < _MIN_HEIGHT:
            continue  # a spike strip: exported with nothing else, it says little
        ex = _Exporter(owner, f, layout, style, row_layout)
        panel.exports[ex.name] = ex
        box.children = (*box.children, ex.row)
    return panel.exports
