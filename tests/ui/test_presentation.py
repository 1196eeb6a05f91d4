"""What a student reads: legends beside the data, readable axes, labels with units and help,
a message instead of NaN, and the lecture mode (issue 14, "Plots"). Headless: the widgets'
state as the browser would receive it."""

from __future__ import annotations

import html
import re

import ipywidgets as W
import numpy as np
import pytest
from bqplot import Axis, ColorAxis, Figure, LinearScale, Lines, LogScale, Scatter

from stpexplorer.experiments import EXPERIMENTS, VIEWS
from stpexplorer.ui import CircuitPanel, STDPPanel, STPPanel, ThresholdPanel
from stpexplorer.ui.plot.legend import legend_entries, legend_html
from stpexplorer.ui.plot.marks import LOG_TICKS, fig, int_tick_values, lines, x_axis, y_axis
from stpexplorer.ui.app.explorer import PANELS


def _walk(w):
    """Every widget under ``w``, including the pages a LazyTab has not shown yet."""
    seen, stack = set(), [w]
    while stack:
        w = stack.pop()
        if id(w) in seen or not isinstance(w, W.Widget):
            continue
        seen.add(id(w))
        yield w
        stack.extend(getattr(w, "children", ()) or ())
        stack.extend(getattr(w, "pages", ()) or ())


@pytest.fixture(scope="module")
def panels():
    return {k: cls() for k, cls in PANELS.items()}


def _figures(panel):
    return [w for w in _walk(panel) if isinstance(w, Figure)]


# ------------------------------------------------------------------ 1. legends
def test_every_figure_has_no_bqplot_legend_and_an_html_legend_of_its_labels(panels):
    n_labels = 0
    for key, p in panels.items():
        tree = list(_walk(p))
        legends = {id(w) for w in tree if isinstance(w, W.HTML) and "stpx-legend" in w._dom_classes}
        for f in _figures(p):
            for m in f.marks:
                assert not getattr(m, "display_legend", False), (key, f._dom_classes, m.labels)
            labelled = [(lab, m) for m in f.marks if m.visible for lab in (getattr(m, "labels", None) or []) if lab]
            if not labelled:
                continue
            leg = getattr(f, "stpx_legend", None)
            assert leg is not None and id(leg) in legends, (key, f._dom_classes)
            for lab, _ in labelled:
                assert html.escape(lab) in leg.value, (key, lab)
                n_labels += 1
            # the legend sits right under its figure, in one box
            box = next(w for w in tree if isinstance(w, W.Box) and f in w.children)
            assert list(box.children) == [f, leg], key
    assert n_labels >= 20  # the panels' labelled traces are all checked, not none


def test_legend_glyphs_are_svg_lines_dashed_when_the_line_is():
    x, y = LinearScale(), LinearScale()
    solid = lines(x, y, color="#112233", label="solid one")
    dashed = lines(x, y, color="#445566", dash=True, label="dashed one")
    dots = Scatter(x=[0.0], y=[0.0], scales={"x": x, "y": y}, colors=["#778899"], labels=["dots"],
                   display_legend=True)
    f = fig("t", [solid, dashed, dots], [x_axis(x, "x"), y_axis(y, "y")])
    assert not dots.display_legend  # fig() switched bqplot's legend off
    assert legend_entries(f) == [("solid one", "#112233", "line"), ("dashed one", "#445566", "dashed"),
                                 ("dots", "#778899", "dot")]
    h = legend_html(f)
    assert h.count("stroke-dasharray") == 1 and "<circle" in h and "/ `" not in h
    # the row follows the marks: a hidden mark leaves it, a new label enters it
    dashed.visible = False
    assert "dashed one" not in f.stpx_legend.value
    solid.labels = ["renamed"]
    assert "renamed" in f.stpx_legend.value


# ------------------------------------------------------------------ 2. wording of figures
def test_no_tex_in_labels_and_the_weight_axis_names_the_pairing_figure(panels):
    for key, p in panels.items():
        for f in _figures(p):
            texts = [lab for lab, _, _ in legend_entries(f)] + [a.label for a in f.axes] + [f.title]
            for t in texts:
                assert "{" not in t and "\\" not in t and "^" not in t, (key, t)
    window = panels["stdp"].figures["window"]
    assert any("exp(−|Δt|/τ)" in lab for lab, _, _ in legend_entries(window))
    right = [a for a in panels["stdp"].figures["traces"].axes if a.side == "right"]
    assert len(right) == 1 and "pairing" in right[0].label and "w" in right[0].label


# ------------------------------------------------------------------ 3. axes
def test_log_axes_use_plain_tick_labels(panels):
    seen = 0
    for key, p in panels.items():
        for f in _figures(p):
            for a in f.axes:
                if isinstance(a, Axis) and isinstance(a.scale, LogScale):
                    seen += 1
                    assert a.tick_format and "e" not in a.tick_format, (key, a.label, a.tick_format)
                    tv = np.asarray(a.tick_values if a.tick_values is not None else [], float)
                    # 1-2-5 values, each an exact decimal (0.5, 1, 2, 5, 10 ...)
                    assert all(np.isclose(LOG_TICKS, v, rtol=1e-9).any() for v in tv), (key, a.label, tv)
    assert seen >= 2
    assert [float(v) for v in LOG_TICKS[(LOG_TICKS >= 0.1) & (LOG_TICKS <= 10)]] == [0.1, 0.2, 0.5, 1, 2, 5, 10]


def _round_step(tv) -> bool:
    step = np.diff(tv)
    if step.size == 0:
        return True
    m = step[0] / 10.0 ** np.floor(np.log10(step[0]))
    return bool(np.allclose(step, step[0]) and any(np.isclose(m, k) for k in (1, 2, 2.5, 5, 10)))


def test_linear_axes_have_few_round_ticks(panels):
    """No axis of the panels' figures (those made by ``fig()``) reads 329.403 (bqplot's
    num_ticks) or crowds ~10 labels."""
    from stpexplorer.ui.plot.ticks import _FIGURES, _data_range

    checked = 0
    for key, p in panels.items():
        for f in _figures(p):
            if f not in _FIGURES:  # heat-map views (their own axes)
                continue
            for a in f.axes:
                if isinstance(a, ColorAxis) or not isinstance(a.scale, LinearScale) or a.tick_labels:
                    continue
                tv = np.asarray(a.tick_values if a.tick_values is not None else [], float)
                lo, hi = _data_range(f, a.scale)
                if tv.size == 0 and (a.scale.min is None or a.scale.max is None) \
                        and not (np.isfinite([lo, hi]).all() and hi > lo):
                    continue  # nothing drawn yet (a view that runs on request)
                if a.tick_format == "d":  # integer ticks (spike number, unit): 1, then multiples of a step
                    assert np.all(tv == np.round(tv)) and tv.size <= 10, (key, a.label, tv)
                    continue
                assert 2 <= tv.size <= 6 and _round_step(tv), (key, f.title, a.label, tv)
                assert a.num_ticks is None, (key, a.label)
                checked += 1
    assert checked >= 20


def test_trace_axes_start_at_zero_and_spike_ticks_live_in_their_own_strip(panels):
    stp, stdp = panels["stp"], panels["stdp"]
    for p, trace_fig, spike_marks in ((stp, "traces", ("spikes",)), (stdp, "traces", ("pre", "post"))):
        f = p.figures[trace_fig]
        for a in f.axes:
            if a.orientation == "vertical" and isinstance(a.scale, LinearScale):
                assert a.scale.min is None or a.scale.min >= 0, (p.key, a.label, a.scale.min)
        for name in spike_marks:
            m = p.lines[name]
            assert m not in f.marks  # not drawn on the u/x/trace axes
            y = np.asarray(m.y, float)
            assert np.nanmin(y) >= 0 and np.nanmax(y) <= 1, name
            strip = next(g for g in _figures(p) if m in g.marks)
            assert strip.layout.height and int(strip.layout.height[:-2]) <= 80
    # the traces drawn are >= 0 too: the axis does not hide negative data
    for name in ("u", "pre_trace"):
        p = stp if name == "u" else stdp
        _, y = p.trace(name)
        assert np.nanmin(y) >= 0


def test_count_axes_have_integer_ticks(panels):
    stp = panels["stp"]
    for values in ({"protocol": "paired"}, {"protocol": "regular", "n_spikes": 8},
                   {"protocol": "regular", "n_spikes": 40}):
        stp.set_values(**values)
        ax = stp.figures["ratio"].axes[0]
        tv = np.asarray(ax.tick_values, float)
        n = np.asarray(stp.lines["ratio"].x)
        assert tv.size >= 2 and np.all(tv == np.round(tv)), (values, tv)
        assert tv[0] == 1 and tv[-1] <= n.max() and tv.size <= 10, (values, tv)
    assert list(int_tick_values(1, 2)) == [1, 2] and list(int_tick_values(1, 9)) == list(range(1, 10))
    assert list(int_tick_values(1, 40)) == [1, 5, 10, 15, 20, 25, 30, 35, 40]


def test_alif_rate_axis_has_few_ticks_after_every_preset(panels):
    p = panels["threshold"]
    for name in p.presets:
        p.load_preset(name)
        ax = next(a for a in p.figures["alif_rate"].axes if a.orientation == "vertical")
        tv = np.asarray(ax.tick_values, float)
        rate = np.asarray(p.lines["rate"].y, float)
        # 2..4 round values (1, 2, 5 × 10^k steps) that span the rates drawn
        assert 2 <= tv.size <= 4 and tv[0] == 0 and tv[-1] <= np.nanmax(rate) + 1e-9, (name, tv)
        step = tv[1] - tv[0]
        assert np.allclose(np.diff(tv), step) and float(f"{step:.1g}") == step, (name, tv)
        assert str(int(f"{step:e}"[0])) in "125", (name, tv)
        assert tv[-1] + step > np.nanmax(rate), (name, tv)


def test_wtas_probability_map_spans_the_data_and_its_bar_is_upright(panels):
    p = panels["threshold"]
    p.set_values(n_units=8)
    heat = p.lines["p"]
    c = np.asarray(heat.color, float)
    cs = heat.scales["color"]
    assert cs.min == pytest.approx(c.min(), rel=1e-6) and cs.max == pytest.approx(c.max(), rel=1e-6)
    assert c.max() < 0.9  # the fixed 0–1 range would have left the map dark
    # the colour bar: an HTML row under the map, low (dark) on the left, labelled with the range
    bar = p.p_colorbar.value
    assert f"{c.min():.3g}" in bar and f"{c.max():.3g}" in bar and "p (firing probability)" in bar
    assert bar.index(f"{c.min():.3g}") < bar.index("linear-gradient(to right, #440154") < bar.index(f"{c.max():.3g}")
    box = next(w for w in _walk(p) if isinstance(w, W.Box) and p.p_colorbar in w.children)
    kids = list(box.children)
    assert p.figures["wtas_p"] in list(kids[kids.index(p.p_colorbar) - 1].children)  # right under the map


def test_no_colour_axis_in_a_figure_too_short_for_it(panels):
    """bqplot's vertical ColorAxis is 200 px shorter than the plot: no bar, reversed ticks
    below ~300 px. Figures with one must be tall enough for a 60 px bar."""
    for key, p in panels.items():
        for f in _figures(p):
            if any(isinstance(a, ColorAxis) for a in f.axes):
                h = int(str(f.layout.height).rstrip("px"))
                plot = h - f.fig_margin["top"] - f.fig_margin["bottom"]
                assert plot - 200 >= 60, (key, f.title, h, f.fig_margin)


# ------------------------------------------------------------------ 4. labels
def test_every_control_has_a_label_without_underscores_and_a_help():
    for reg in (EXPERIMENTS, VIEWS):
        for key, e in reg.items():
            for c in e.controls:
                assert c.label and "_" not in c.label, (key, c.name, c.label)
                assert c.help and len(c.help) >= 10, (key, c.name, c.help)
                # the description the slider shows fits its 9.5em column untruncated
                desc = f"{c.label} ({c.unit})" if c.unit not in ("", "-") else c.label
                assert len(desc) <= 17, (key, c.name, desc)


def test_one_name_for_the_release(panels):
    for key, p in panels.items():
        for f in _figures(p):
            texts = [lab for lab, _, _ in legend_entries(f)] + [a.label for a in f.axes]
            for t in texts:
                assert "Wdyn" not in t and "last release" not in t, (key, t)
    assert any("release W·u·x" in lab for lab, _, _ in legend_entries(panels["stp"].figures["traces"]))


def test_status_line_names_controls_by_their_labels(panels):
    p = panels["stdp"]
    p.set_values(delta_t_ms=-20.0)
    assert p.status_text.startswith("Δt = ") and "−20" in p.status_text.split("·")[0].replace("-", "−")
    assert "delta_t_ms" not in p.status_text
    s = panels["threshold"]
    s.set_values(v_rest=-65.0)
    assert s.status_text.startswith("resting v = ") and "v_rest" not in s.status_text


# ------------------------------------------------------------------ 5. W = 0
def test_w0_says_why_the_ratios_are_missing_and_sends_no_nan(panels):
    p = panels["stp"]
    p.set_values(protocol="regular", n_spikes=8, W=0.0)
    f = p.figures["ratio"]
    assert "W = 0" in f.title and "undefined" in f.title
    assert "W = 0: no release, ratios undefined" in p.status_text
    for m in f.marks:
        assert np.all(np.isfinite(np.asarray(m.x, float))) and np.all(np.isfinite(np.asarray(m.y, float)))
    assert not p.lines["ratio"].visible
    p.set_values(W=1.0)
    assert "undefined" not in f.title and p.lines["ratio"].visible
    ratio = np.asarray(p.lines["ratio"].y, float)
    assert ratio[0] == pytest.approx(1.0, rel=1e-6) and np.all(np.isfinite(ratio))


def test_marks_of_the_ratio_and_rate_figures_are_plain_lines():
    # the W = 0 test above relies on every mark of the ratio figure having x and y
    p = STPPanel(defer=True)
    assert all(isinstance(m, (Lines, Scatter)) for m in p.figures["ratio"].marks)


@pytest.mark.parametrize("cls", [CircuitPanel, STDPPanel, ThresholdPanel])
def test_figure_titles_clear_of_the_plot(cls):
    p = cls(defer=True)
    for f in _figures(p):
        if f.title:
            assert f.fig_margin["top"] >= 28, (cls.__name__, f.title)
        assert not re.search(r"\b[a-z]+_[a-z]+\b", f.title), f.title


# ------------------------------------------------------------------ 6. lecture mode
def test_lecture_mode_folds_controls_hides_files_and_scales_fonts():
    from stpexplorer.ui import Explorer
    from stpexplorer.ui.parts.style import STYLE

    ex = Explorer(warm=False, lecture=True)
    assert ex.lecture and "stpx-lecture" in ex._dom_classes
    margins = {}
    for key, p in ex.panels.items():
        assert "stpx-lecture" in p._dom_classes, key
        assert p.controls_folded, key
        assert p.files.widget.layout.display == "none", key
        ct = next(w for w in _walk(p) if "stpx-controls-toggle" in getattr(w, "_dom_classes", ()))
        assert ct.layout.display != "none" and not ct.value
        ct.value = True  # "Controls" unfolds this panel's controls only
        assert not p.controls_folded
        ct.value = False
        assert p.controls_folded
        margins[key] = {id(f): dict(f.fig_margin) for f in _figures(p)}
    # the CSS scales the figures' text about 1.4x in lecture mode
    sizes = dict(re.findall(r"\.stpx-lecture \.bqplot \.(tick text|axislabel|mainheading) \{ font-size: (\d+)px", STYLE))
    assert int(sizes["tick text"]) >= 14 and int(sizes["axislabel"]) >= 17 and int(sizes["mainheading"]) >= 18
    # the toggle in any panel's header switches the whole Explorer off, and everything comes back
    lt = next(w for w in _walk(ex.panels["stdp"]) if "stpx-lecture-toggle" in getattr(w, "_dom_classes", ()))
    assert lt.value
    lt.value = False
    assert not ex.lecture and "stpx-lecture" not in ex._dom_classes
    for key, p in ex.panels.items():
        assert "stpx-lecture" not in p._dom_classes
        assert not p.controls_folded and p.files.widget.layout.display != "none"
        for f in _figures(p):
            base = margins[key][id(f)]
            assert all(f.fig_margin[k] < base[k] for k in ("left", "bottom")), (key, f.fig_margin, base)
    ex.set_lecture(True)
    assert ex.lecture and all(lt.value for lt, _ in ex.lecture_mode.toggles.values())


@pytest.mark.parametrize("values", [dict(U=0.75, tau_f=5.534, tau_d=4427.0),  # r_lim = 0.3 Hz, off the axis
                                    dict(U=0.5, tau_f=0.0, tau_d=0.0)])         # r_lim = ∞
def test_no_mark_is_sent_an_all_nan_line(values):
    """A line with no finite point is drawn by the browser as ``d="null"`` (an SVG error):
    a mark with nothing to show is hidden instead (found in the browser: r_lim below 0.5 Hz)."""
    from stpexplorer.ui import STPPanel

    p = STPPanel(**values)
    for name, m in p.lines.items():
        y = np.asarray(getattr(m, "y", []), dtype=np.float64)
        if y.size and m.visible:
            rows = y if y.ndim == 2 else y[None, :]
            assert not any(np.isnan(r).all() for r in rows if r.size), (name, values)


def test_menus_show_names_not_keys():
    """A menu shows "τf (ms)" and "all-to-all", not the keys tau_f and all_to_all; the value
    simulated is still the key."""
    from stpexplorer.experiments import VIEWS
    from stpexplorer.ui import MapPanel, STDPPanel

    for e in list(EXPERIMENTS.values()) + list(VIEWS.values()):
        for c in e.controls:
            if c.kind == "choice":
                labels = c.option_labels or c.options
                assert not [x for x in labels if isinstance(x, str) and "_" in x], (e.name, c.name, labels)
    m = MapPanel(defer=True)
    assert dict(m.sliders["y_param"].options)["τf (ms)"] == "tau_f"
    s = STDPPanel(defer=True)
    assert [lab for lab, _ in s.sliders["rule"].options] == ["all-to-all", "nearest"]
    s.set_values(rule="all_to_all")
    assert s.values["rule"] == "all_to_all"
