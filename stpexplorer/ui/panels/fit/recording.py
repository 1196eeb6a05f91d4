"""The Fit tab's Recording view: raw sweeps in, amplitudes out (:class:`RecordingView`).

**Upload ABF/NWB** reads a file from the visitor's computer in memory (never written on the
server; at most :data:`UPLOAD_MAX_BYTES`); until then the view shows the example recording
(:func:`stpexplorer.recordings.example.example_recording`). **Channel** (ABF) or electrode
(NWB) and **Protocol** choose the sweeps; **Method** (tail / local), **Peak window** and
**Baseline** (ms from each stimulus) choose the measurement.

Figure ``stpx-fig-recording``: the protocol's sweeps over the train (thin, min/max-decimated;
excluded ones grey), their mean (orange), the stimuli (purple ticks at the top), the baseline
(grey) and peak (green) windows at the bottom and the measured peaks (red dots). Clicking a
sweep excludes it (again: includes it). Figure ``stpx-fig-rec-amplitudes``: amplitude against
spike number, each kept sweep a dot (red: a failure), the mean of the method in use (solid)
and of the other method (dashed). The summary line gives the paired-pulse ratio, failures,
noise and the decay used. **Use these amplitudes** hands every protocol's amplitudes to the
fit (``on_use(data, name)``). A bad file or window shows a message; the last good plot stays.
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable

import ipywidgets as W
from bqplot import LinearScale, Scatter

from stpexplorer.recordings import EXTENSIONS, Recording
from stpexplorer.recordings.example import example_recording
from stpexplorer.ui.panels.fit.recording_plot import (
    amplitude_marks,
    measure_marks,
    summary_html,
    sweep_marks,
)
from stpexplorer.ui.plot.colors import COLORS
from stpexplorer.ui.plot.legend import place_legends
from stpexplorer.ui.plot.marks import apply_marks, fig, lines, x_axis, y_axis

__all__ = ["RecordingView", "UPLOAD_MAX_BYTES"]

#: largest upload (bytes): 20 sweeps × 10 s at 20 kHz is 8 MB as ABF, 16 MB as float32 NWB
UPLOAD_MAX_BYTES = 32 * 2**20


def _first_electrode(content: bytes, name: str, electrode=None, most: int = 16) -> Recording:
    """The NWB recording of ``electrode``, or of the first electrode whose sweeps have stimulus
    times (a paired recording's presynaptic cell has none of its own: its partner's are)."""
    if electrode is not None:
        return Recording.from_nwb(content, name=name, electrode=electrode)
    first = None
    for i in range(most):
        try:
            return Recording.from_nwb(content, name=name, electrode=i)
        except ValueError as e:
            if first is None:
                first = e
            if "electrode must be an index" in str(e) or "no stimulus times" not in str(e):
                break
    raise first


class RecordingView:
    """See the module's docstring. Public: :attr:`widget`, :attr:`recording`, :attr:`data`
    (the AmplitudeData measured now), :attr:`excluded`, :meth:`ensure_loaded`,
    :meth:`set_recording`, :meth:`load_bytes`, :meth:`toggle_sweep`, :meth:`use`, and the
    widgets (``upload``, ``channel``, ``protocol``, ``method``, ``window``, ``baseline``,
    ``use_button``, ``include_button``, ``message``, ``summary``)."""

    def __init__(self, on_use: Callable[[object, str], None]):
        self._on_use = on_use
        self.recording: Recording | None = None
        self.data = self._other = None
        self.excluded: set[int] = set()
        self._raw: tuple[bytes, str] | None = None   # the upload, to read another channel from
        self._quiet = False
        self.upload = W.FileUpload(accept=",".join(EXTENSIONS), multiple=False, description="Upload ABF/NWB",
                                   layout=W.Layout(width="auto"),
                                   tooltip="a recording from your computer (read in memory, never stored)")
        self.upload.add_class("stpx-rec-upload")
        self.upload.observe(self._on_upload, "value")
        narrow = {"description_width": "5.5em"}
        self.channel = W.Dropdown(options=[], description="Channel", tooltip="ABF: the channel; NWB: the electrode", style=narrow, layout=W.Layout(width="230px"))
        self.protocol = W.Dropdown(options=[], description="Protocol", style=narrow, layout=W.Layout(width="230px"))
        self.method = W.ToggleButtons(options=[("tail-subtracted", "tail"), ("local", "local")], value="tail",
                                      tooltips=["peak minus the extrapolated decay of the preceding responses",
                                                "peak minus the baseline just before each stimulus"],
                                      style={"button_width": "9em"}, description="Method")
        self.window = W.FloatRangeSlider(value=(0.25, 5.0), min=0.0, max=20.0, step=0.05, readout_format=".2f",
                                         description="Peak window (ms)", style={"description_width": "10em"},
                                         layout=W.Layout(width="480px"), continuous_update=False)
        self.baseline = W.FloatRangeSlider(value=(-2.0, -0.05), min=-10.0, max=0.0, step=0.05, readout_format=".2f",
                                           description="Baseline (ms)", style={"description_width": "10em"},
                                           layout=W.Layout(width="480px"), continuous_update=False)
        for w, c in ((self.channel, "channel"), (self.protocol, "protocol"), (self.method, "method"),
                     (self.window, "window"), (self.baseline, "baseline")):
            w.add_class(f"stpx-rec-{c}")
        self.channel.observe(self._on_channel, "value")
        self.protocol.observe(lambda _: self._guard(self._draw_sweeps), "value")
        for w in (self.method, self.window, self.baseline):
            w.observe(lambda _: self._guard(self.measure), "value")
        self.use_button = W.Button(description="Use these amplitudes", icon="check", button_style="primary",
                                   tooltip="fit these amplitudes (every protocol) in the Fit view",
                                   layout=W.Layout(width="auto"))
        self.include_button = W.Button(description="Include all sweeps", icon="undo", layout=W.Layout(width="auto"))
        self.use_button.add_class("stpx-rec-use")
        self.include_button.add_class("stpx-rec-include")
        self.use_button.on_click(lambda _: self._guard(self.use))
        self.include_button.on_click(lambda _: self._guard(self.include_all))
        self.message, self.summary, self.source = W.HTML(""), W.HTML(""), W.HTML("")
        self.message.add_class("stpx-rec-message")
        for w in (self.summary, self.source):
            w.add_class("stpx-rec-line")
        self._build_figures()
        controls = W.HBox([self.upload, self.channel, self.protocol], layout=W.Layout(flex_flow="row wrap"))
        measure = W.HBox([self.method, self.window, self.baseline], layout=W.Layout(flex_flow="row wrap"))
        buttons = W.HBox([self.use_button, self.include_button], layout=W.Layout(flex_flow="row wrap"))
        self.widget = W.VBox([self.source, controls, measure, self.message, self.figure, self.summary,
                              self.amp_figure, buttons], layout=W.Layout(width="100%"))
        self.widget.add_class("stpx-recording")
        place_legends(self.widget)  # each figure's legend row right under it

    def _build_figures(self):
        x, y = LinearScale(), LinearScale()
        self.marks = m = {"_x": x, "_y": y}
        m["sweeps"] = lines(x, y, color=[COLORS["blue"]], width=1.2, interactions={"click": "select"})
        m["sweeps"].on_element_click(self._on_sweep_click)
        m["mean"] = lines(x, y, color=COLORS["orange"], width=2.5, label="mean of the kept sweeps (artefacts blanked)")
        m["stimuli"] = lines(x, y, color=COLORS["purple"], width=2, label="stimuli")
        m["baseline"] = lines(x, y, color=COLORS["grey"], width=5, label="baseline windows")
        m["window"] = lines(x, y, color=COLORS["green"], width=5, label="peak windows")
        m["peaks"] = Scatter(x=[0.0], y=[0.0], scales={"x": x, "y": y}, colors=[COLORS["red"]], default_size=14,
                             labels=["measured peaks"], display_legend=False)
        self.figure = fig("recording", [m["sweeps"], m["mean"], m["baseline"], m["window"], m["peaks"], m["stimuli"]],
                          [x_axis(x, "time from the sweep start (ms)"), y_axis(y, "recorded")],
                          title="Sweeps (click one to exclude it)", height=340)
        self._y_axis = self.figure.axes[1]
        xa, ya = LinearScale(), LinearScale(min=0.0)
        m["_xa"], m["_ya"] = xa, ya
        m["dots"] = Scatter(x=[0.0], y=[0.0], scales={"x": xa, "y": ya}, colors=[COLORS["blue"]], default_size=18,
                            opacities=[0.6])
        m["amp_other"] = lines(xa, ya, color=COLORS["grey"], width=2, dash=True, label="mean, the other method")
        m["amp_mean"] = lines(xa, ya, color=COLORS["orange"], width=2.5, label="mean, this method")
        self._amp_y = y_axis(ya, "amplitude")
        self.amp_figure = fig("rec-amplitudes", [m["amp_other"], m["amp_mean"], m["dots"]],
                              [x_axis(xa, "spike"), self._amp_y],
                              title="Amplitudes (red dots: failures)", height=240)

    # ------------------------------------------------------------------ loading
    def ensure_loaded(self) -> None:
        """Show the example recording if nothing is shown yet."""
        if self.recording is None:
            self._guard(lambda: self.set_recording(example_recording()))

    def set_recording(self, rec: Recording, *, channels=None) -> None:
        """Show ``rec``; its protocols in the menu, every sweep included."""
        old = self.protocol.value
        self.recording, self.excluded = rec, set()
        self._quiet = True
        try:
            opts = channels or [(str(rec.meta.get("channel", "0")), rec.meta.get("channel", 0))]
            self.channel.options, self.channel.value = opts, rec.meta.get("channel", opts[0][1])
            self.protocol.options = list(rec.protocols)
            self.protocol.value = old if old in rec.protocols else rec.protocols[0]
        finally:
            self._quiet = False
        where = rec.meta.get("stimulus_source", "")
        self.source.value = (f"<b>{html.escape(rec.name or 'recording')}</b> · {rec.n_sweeps} sweeps at "
                             f"{1 / rec.dt_ms:g} kHz · {html.escape(rec.units)}"
                             + (f" · stimuli: {html.escape(where)}" if where else ""))
        self._draw_sweeps()

    def load_bytes(self, content: bytes, name: str, **kw) -> Recording | None:
        """A file's bytes (an upload): read by its extension; a message and no change if it is bad."""
        try:
            if len(content) > UPLOAD_MAX_BYTES:
                raise ValueError(f"{name}: {len(content) / 2**20:.1f} MiB is over the upload limit of "
                                 f"{UPLOAD_MAX_BYTES / 2**20:.0f} MiB")
            ext = os.path.splitext(name)[1].lower()
            if ext not in EXTENSIONS:
                raise ValueError(f"{name}: not a recording; upload an {' or '.join(EXTENSIONS)} file")
            if ext == ".abf":
                rec = Recording.from_abf(bytes(content), name=name, **kw)
                channels = [(c, i) for i, c in enumerate(rec.meta.get("channels") or ())]
            else:
                rec = _first_electrode(bytes(content), name, kw.get("electrode"))
                channels = [(c, c) for c in rec.meta.get("electrodes") or ()]
        except (ValueError, ImportError, OSError) as e:
            self.message.value = html.escape(str(e))
            return None
        self._raw = (bytes(content), name)
        self.message.value = ""
        self.set_recording(rec, channels=channels or None)
        return rec

    def _on_upload(self, change):
        files = change["new"]
        if not files:
            return
        self.upload.value = ()  # forget it first, so the same file chosen again is read again
        f = files[0]
        self.load_bytes(f["content"], str(f.get("name", "upload")))

    def _on_channel(self, change):
        if self._quiet or self._raw is None or change["new"] is None:
            return
        content, name = self._raw
        key = "channel" if name.lower().endswith(".abf") else "electrode"
        if self.load_bytes(content, name, **{key: change["new"]}) is None:
            self._quiet = True  # the menu shows what is shown: the channel that could be read
            try:
                self.channel.value = change["old"]
            finally:
                self._quiet = False

    # ------------------------------------------------------------------ drawing
    def _guard(self, fn):
        try:
            fn()
        except ValueError as e:  # shown in the view; the last good plot stays
            self.message.value = html.escape(str(e))

    def _draw_sweeps(self):
        if self._quiet or self.recording is None:
            return
        d, self._drawn = sweep_marks(self.recording, self.protocol.value, self.excluded)
        self._y_range = (d["_y"]["min"], d["_y"]["max"]) if "_y" in d else (0.0, 1.0)
        self._y_axis.label = f"recorded ({self.recording.units})"
        self._amp_y.label = f"amplitude ({self.recording.units})"
        with self.figure.hold_sync():
            apply_marks(self.marks.get, d)
        self.measure()

    def measure(self):
        """Measure with the view's method and windows; redraw the windows, peaks, amplitudes."""
        if self._quiet or self.recording is None:
            return
        rec, method = self.recording, self.method.value
        kw = dict(window_ms=self.window.value, baseline_ms=self.baseline.value, exclude=sorted(self.excluded))
        data = rec.amplitudes(method, **kw)
        other = rec.amplitudes("local" if method == "tail" else "tail", **kw)
        self.data, self._other = data, other
        p = self.protocol.value
        d = measure_marks(rec, p, data, self._y_range)
        if p in data.names:
            d.update(amplitude_marks(data, other, p))
            self.summary.value = summary_html(rec, data, p, len(self._drawn))
        with self.figure.hold_sync(), self.amp_figure.hold_sync():
            apply_marks(self.marks.get, d)
        self.message.value = ""

    # ------------------------------------------------------------------ sweeps and use
    def _on_sweep_click(self, _mark, content):
        i = (content.get("data") or {}).get("index")
        if i is not None and 0 <= int(i) < len(self._drawn):
            self._guard(lambda: self.toggle_sweep(int(self._drawn[int(i)])))

    def toggle_sweep(self, i: int) -> None:
        """Exclude sweep ``i`` of the recording (include it if it was excluded)."""
        if not 0 <= i < self.recording.n_sweeps:
            raise ValueError(f"sweep: must be in [0, {self.recording.n_sweeps - 1}], got {i}")
        before = set(self.excluded)
        self.excluded ^= {i}
        try:
            self._draw_sweeps()
        except ValueError:
            self.excluded = before
            raise

    def include_all(self) -> None:
        self.excluded = set()
        self._draw_sweeps()

    def use(self) -> None:
        """Hand the amplitudes measured now to the fit: ``on_use(data, name)``."""
        if self.data is None:
            raise ValueError("no amplitudes yet: load a recording")
        name = self.recording.name or "recording"
        self._on_use(self.data, f"{name} ({self.data.measurement.method})")

