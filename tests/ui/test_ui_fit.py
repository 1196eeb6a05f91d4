"""Headless tests of the STP panel's f control and of the Fit panel (stpexplorer.ui.FitPanel)."""

from __future__ import annotations

import datetime
import html
import json
import re

import numpy as np
import pytest

pytest.importorskip("ipywidgets")
pytest.importorskip("bqplot")

from stpexplorer import engine as eng
from stpexplorer.experiments import EXPERIMENTS
from stpexplorer.fit import AmplitudeData
from stpexplorer.experiments.mystery import hidden_params, mystery_data
from stpexplorer.ui import FitPanel, STPPanel

from tests._aio import run_async
from tests.reference import release_fraction

# ----------------------------------------------------------------------------- STP panel: f

def _engine_run(values, f):
    s = eng.regular_train(values["rate_hz"], values["n_spikes"], probe_delay_ms=values["probe_delay_ms"],
                          duration_ms=2000.0, dt_ms=0.1)
    p = eng.STPParams(U=values["U"], tau_f=values["tau_f"], tau_d=values["tau_d"], W=values["W"], f=f)
    return eng.simulate_stp(p, s, dt_ms=0.1), np.flatnonzero(s)


def test_stp_f_tied_to_u_is_todays_model_bit_for_bit():
    p = STPPanel(U=0.2, tau_f=300.0, tau_d=400.0)
    assert p.values["f_mode"] == "tied to U" and "f" not in p.visible_controls()  # hidden while tied
    tr, _idx = _engine_run(p.values, None)  # STPParams without f: the classic model
    for k in ("u", "x", "wdyn", "release"):
        np.testing.assert_array_equal(getattr(p.result, k), np.asarray(getattr(tr, k)), err_msg=k)
    # the f slider's value does not matter while f is tied
    before = {k: getattr(p.result, k).copy() for k in ("u", "release")}
    p.set_values(f=0.9)
    for k, v in before.items():
        np.testing.assert_array_equal(getattr(p.result, k), v)


def test_stp_free_f_changes_the_traces_as_the_engine_says():
    p = STPPanel(U=0.2, tau_f=300.0, tau_d=400.0)
    tied = p.result.release_at_spikes.copy()
    p.set_values(f_mode="free")
    p.set_values(f=0.05)  # one control moved: the status names it
    assert p.error == "" and "f" in p.visible_controls()  # shown when free
    tr, idx = _engine_run(p.values, 0.05)
    np.testing.assert_array_equal(p.result.release, np.asarray(tr.release))
    # the event-driven recursion of the extended TM, u_{n+1} = U + (u_n + f(1 − u_n) − U) e^{−Δ/τf}
    isi = np.diff(np.concatenate([[idx[0]], idx])) * 0.1
    want = release_fraction(eng.STPParams(U=0.2, tau_f=300.0, tau_d=400.0, f=0.05), isi)
    np.testing.assert_allclose(p.result.release_at_spikes, want, rtol=2e-5)
    assert p.result.release_at_spikes[1] < tied[1]  # a smaller increment facilitates less
    assert re.search(r"\bf ?= ?0\.05\b", p.status_text), p.status_text  # "f=0.05" or "f = 0.05"
    p.load_preset("TPM98 facilitating")  # a published (classic TM) preset ties f to U again
    assert p.values["f_mode"] == "tied to U"


# ----------------------------------------------------------------------------- Fit panel

def _sse(data: AmplitudeData, v: dict) -> float:
    f = v["f"] if v["f_mode"] == "free" else None
    p = eng.STPParams(U=v["U"], tau_f=v["tau_f"], tau_d=v["tau_d"], f=f)
    return float(sum(np.nansum((pr.amplitudes - v["W"] * release_fraction(p, pr.isi_ms)) ** 2)
                     for pr in data.protocols))


def _assert_sliders_at_fit(p, res):
    """Each slider shows the estimate to its readout's precision, and shows what it simulates."""
    for n in ("U", "tau_f", "tau_d", "W"):
        v = p.values[n]
        assert p.readout(n) == p.control(n).format(v), n  # the number read is the number simulated
        if n == "U":  # linear slider, step 0.001 in this panel
            assert abs(v - res.values[n]) <= 0.0005 + 1e-12, (n, v, res.values[n])
        elif v != 0:  # log sliders: 4 significant digits
            assert v == pytest.approx(res.values[n], rel=5.1e-4), (n, v, res.values[n])


def _status_sse(panel) -> float:
    return float(panel.status_text.split("SSE ")[1].split()[0])


def _upload(panel, text, name="rec.csv"):
    up = {"name": name, "type": "text/csv", "size": len(text), "content": memoryview(text.encode()),
          "last_modified": datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)}
    panel.files.upload.value = (up,)


def test_fit_figure_axes_read_round_numbers():
    p = FitPanel()
    fig = p.figures["fit"]
    for ax, (lo, hi) in zip(fig.axes, ((0.0, float(p.result.t[-1])), (fig.axes[1].scale.min, fig.axes[1].scale.max))):
        t = np.asarray(ax.tick_values)
        assert 3 <= t.size <= 9 and t[0] >= lo - 1e-9 and t[-1] <= hi + 1e-9, (ax.label, t, lo, hi)
        step = t[1] - t[0]
        mant = step / 10 ** np.floor(np.log10(step))
        assert any(abs(mant - m) < 1e-9 for m in (1, 2, 2.5, 5)) and np.allclose(np.diff(t), step), t
        assert np.allclose(t / step, np.round(t / step)) and hi - t[-1] < step and not np.signbit(t).any()


def test_fit_panel_presets_are_two_mysteries_that_change_the_plot():
    p = FitPanel()
    assert {"mystery: depressing", "mystery: facilitating"} <= set(p.presets)
    y0 = np.asarray(p.lines["mean"].y).copy()
    p.load_preset("mystery: facilitating")
    assert p.error == "" and not np.array_equal(np.asarray(p.lines["mean"].y), y0)
    assert p.data is mystery_data("facilitating", 0)


@pytest.mark.parametrize("kind", ["depressing", "facilitating"])
def test_mystery_fit_recovers_the_hidden_parameters_within_its_intervals(kind):
    p = FitPanel()
    p.load_preset(f"mystery: {kind}")
    res = p.fit()
    hid = hidden_params(kind, 0)
    for n in ("U", "tau_f", "tau_d", "W"):
        lo, hi = res.ci[n]
        assert lo <= hid[n] <= hi, (kind, n, hid[n], (lo, hi))
    # the sliders start at the fit, rounded to what their readouts show: their SSE is the fit's
    _assert_sliders_at_fit(p, res)
    assert _status_sse(p) == pytest.approx(res.sse, rel=1e-3)
    assert "95 % interval" in p.table.value and "<th>hidden</th>" not in p.table.value
    p.reveal(True)
    assert "<th>hidden</th>" in p.table.value and f"{hid['tau_d']:.4g}" in p.table.value


def test_sliders_move_the_prediction_and_the_sse_readout_is_the_data_sse():
    p = FitPanel()
    assert "f" not in p.visible_controls()  # f tied to U: no f slider
    data = p.data
    for vals in ({"U": 0.3}, {"tau_d": 300.0}, {"W": 80.0}, {"tau_f": 100.0}, {"f_mode": "free", "f": 0.1}):
        y0 = np.asarray(p.lines["prediction"].y).copy()
        p.set_values(**vals)
        assert p.error == ""
        assert not np.array_equal(np.asarray(p.lines["prediction"].y), y0), vals
        want = _sse(data, p.values)
        assert p.result.sse == pytest.approx(want, rel=2e-5)  # float32 engine against the float64 reference
        assert _status_sse(p) == pytest.approx(want, rel=1e-3)
    # the drawn prediction of the first protocol is W·u_n·x_n at its spike times
    pr = data.protocols[0]
    v = p.values
    want = v["W"] * release_fraction(eng.STPParams(U=v["U"], tau_f=v["tau_f"], tau_d=v["tau_d"], f=v["f"]),
                                     pr.isi_ms)
    np.testing.assert_allclose(np.asarray(p.lines["prediction"].y)[0, :pr.isi_ms.size], want, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(p.lines["prediction"].x)[0, :pr.isi_ms.size], pr.times_ms)


def _csv(data: AmplitudeData) -> str:
    rows = ["protocol,sweep,spike,isi_ms,amplitude"] + [f"{a},{b},{c},{d:g},{e:.6g}" for a, b, c, d, e in
                                                        data.to_records()]
    return "\n".join(rows) + "\n"


def test_uploading_a_csv_loads_and_fits_it():
    p = FitPanel(files="browser")
    data = mystery_data("facilitating", 3)
    _upload(p, _csv(data))
    assert p.error == "" and p.files.upload.value == ()
    assert p.data.names == data.names and "rec.csv" in p.status_text
    np.testing.assert_allclose(p.data.protocols[1].amplitudes, data.protocols[1].amplitudes, rtol=1e-5)
    assert p.fit_result is not None
    _assert_sliders_at_fit(p, p.fit_result)
    assert _status_sse(p) == pytest.approx(_sse(p.data, p.values), rel=1e-3)
    # downloads: the fit as JSON, the predictions as CSV
    p.files.save_button.click()
    assert "fit-result.json" in p.files.download.value
    doc = json.loads(p._json_text())
    assert doc["fit"]["params"]["U"] == pytest.approx(p.fit_result.values["U"]) and doc["panel"] == "fit"
    p.files.csv_button.click()
    assert "fit-predictions.csv" in p.files.download.value
    lines = p._csv_text().splitlines()
    assert lines[0].startswith("protocol,spike,isi_ms") and len(lines) == 1 + sum(
        pr.isi_ms.size for pr in data.protocols)
    # choosing a mystery again replaces the upload
    p.set_values(seed=5)
    assert p.data is mystery_data(p.values["mystery"], 5) and p.fit_result is None


@pytest.mark.parametrize("text, match", [
    ("protocol,sweep,spike,isi_ms,amplitude\nA,0,0,0,1.0\nA,0,1,50,abc\n", "'abc' is not a number"),
    ("protocol,sweep,spike,isi_ms,amplitude\nA,0,0,0,1.0\nA,0,1,-5,0.5\n", "isi"),
    ("", "empty"),
])
def test_a_bad_csv_names_the_problem_and_keeps_the_last_good_state(text, match):
    p = FitPanel(files="browser")
    p.set_values(U=0.4)
    before = (p.data, dict(p.values), np.asarray(p.lines["prediction"].y).copy(), p.n_runs)
    _upload(p, text, "bad.csv")
    assert match in p.error and "bad.csv" in p.error, p.error
    assert p.data is before[0] and p.values == before[1] and p.n_runs == before[3]
    np.testing.assert_array_equal(np.asarray(p.lines["prediction"].y), before[2])


def test_fit_experiment_runs_from_the_registry_without_widgets():
    res = EXPERIMENTS["fit"].run({"mystery": "depressing", "seed": 0, "U": 0.5})
    assert res.prediction[0] == pytest.approx(50.0)  # W·U from rest
    assert res.sse == pytest.approx(_sse(mystery_data("depressing", 0), EXPERIMENTS["fit"].validate({"U": 0.5})))


def test_fit_and_reveal_buttons():
    p = FitPanel()
    p.load_preset("mystery: facilitating")
    p.fit_button.click()
    res = p.wait_fit(timeout=120)
    assert p.error == "" and res is not None and p.fit_result is res
    assert p.fit_button.description == "Fit" and not p.fit_button.disabled
    assert p.values["tau_f"] == pytest.approx(res.values["tau_f"], rel=5.1e-4)
    p.reveal_button.value = True
    assert p.revealed and "<th>hidden</th>" in p.table.value
    p.set_values(seed=1)  # another mystery: the fit and the reveal belong to the old one
    assert p.fit_result is None and not p.revealed and "<th>hidden</th>" not in p.table.value


# ----------------------------------------------------------------------------- Fit panel: loss landscape

def _params(v):
    return {"U": v["U"], "tau_f": v["tau_f"], "tau_d": v["tau_d"], "W": v["W"],
            "f": v["f"] if v["f_mode"] == "free" else None}


def _assert_map_is(p, want):
    """The heat map draws ``want`` (a LossLandscape): axes and log10(SSE / min) per cell."""
    heat = p.landscape.heat
    np.testing.assert_array_equal(np.asarray(heat.x), want.x)
    np.testing.assert_array_equal(np.asarray(heat.y), want.y)
    np.testing.assert_allclose(p.landscape.landscape.sse, want.sse, rtol=1e-12)
    # the colours are sent as float32
    np.testing.assert_allclose(np.asarray(heat.color), np.log10(want.sse / want.sse.min()), rtol=1e-6, atol=1e-6)


def _cross(p):
    """Centre of the kit's current-point cross (row 0 horizontal, row 1 vertical)."""
    m = p.landscape.view.marker
    return (float(np.asarray(m.x)[1, 0]), float(np.asarray(m.y)[0, 0])) if m.visible else None


def test_landscape_cells_equal_loss_landscape_and_follow_the_sliders_without_recompiling():
    from stpexplorer.engine import count_compilations
    from stpexplorer.fit import loss_landscape
    from stpexplorer.ui.panels.fit.landscape import COLOR_LABEL, N

    p = FitPanel()
    lv = p.landscape
    assert (lv.x_menu.value, lv.y_menu.value) == ("U", "tau_d")
    assert [n for _, n in lv.x_menu.options] == ["U", "tau_f", "tau_d", "W"]  # f only when free
    want = loss_landscape(p.data, _params(p.values), "U", "tau_d", n=N)
    _assert_map_is(p, want)
    # one cell against the SSE computed independently from the event-driven recursion
    j, i = 7, 29
    assert want.sse[j, i] == pytest.approx(_sse(p.data, {**p.values, "U": want.x[i], "tau_d": want.y[j]}), rel=1e-6)
    # the sliders' point sits at the centre cell; the colour bar says what the colour is
    assert _cross(p) == pytest.approx((p.values["U"], p.values["tau_d"]), rel=1e-12)
    fig = p.figures["landscape"]
    assert fig is lv.figure and "stpx-fig-landscape" in fig._dom_classes and lv.heat in fig.marks
    assert lv.view.colorbar.label == COLOR_LABEL and "SSE" in COLOR_LABEL
    assert fig.axes[0].label == "U" and fig.axes[1].label == "τd (ms)"
    assert type(lv.heat.scales["y"]).__name__ == "LogScale" and type(lv.heat.scales["x"]).__name__ == "LinearScale"
    n0 = p.n_runs
    with count_compilations() as c:
        p.set_values(tau_d=400.0)
        p.set_values(U=0.3, W=80.0)
    assert c.n == 0, f"{c.n} compilations on slider moves"
    assert p.n_runs == n0 + 2 and p.error == ""
    _assert_map_is(p, loss_landscape(p.data, _params(p.values), "U", "tau_d", n=N))
    assert lv.landscape.x0 == 0.3 and lv.landscape.y0 == 400.0
    # another pair of parameters; f appears when free
    lv.x_menu.value = "W"
    _assert_map_is(p, loss_landscape(p.data, _params(p.values), "W", "tau_d", n=N))
    assert lv.figure is fig and type(lv.heat.scales["x"]).__name__ == "LogScale"  # swapped in place
    p.set_values(f_mode="free", f=0.1)
    assert "f" in [n for _, n in lv.y_menu.options]
    lv.y_menu.value = "f"
    _assert_map_is(p, loss_landscape(p.data, _params(p.values), "W", "f", n=N))
    assert _cross(p)[1] == pytest.approx(0.1)


def test_landscape_centred_on_the_fit_marks_the_fit_and_the_sliders():
    from stpexplorer.fit import loss_landscape
    from stpexplorer.ui.panels.fit.landscape import N

    p = FitPanel()
    res = p.fit()
    p.set_values(tau_d=p.values["tau_d"] * 1.5)  # the sliders leave the fit
    lv = p.landscape
    lv.centre.value = "fit"
    centre = {**_params(p.values), "U": res.values["U"], "tau_d": res.values["tau_d"]}
    _assert_map_is(p, loss_landscape(p.data, centre, "U", "tau_d", n=N))
    assert lv.fit_mark.visible and np.asarray(lv.fit_mark.y)[0] == pytest.approx(res.values["tau_d"])
    assert lv.fit_mark.scales["y"] is lv.heat.scales["y"]
    assert _cross(p)[1] == p.values["tau_d"] and "circle: the fit" in lv.caption.value


def test_clicking_a_landscape_cell_moves_the_two_sliders_there():
    p = FitPanel()
    ls = p.landscape.landscape
    i, j = 5, 31
    x, y = ls.x[i] * 1.001, ls.y[j] * 0.999  # inside cell (i, j), off its centre
    p.landscape.view.click_layer._handle_custom_msg(
        {"event": "element_click", "data": {"click_x": x, "click_y": y}}, [])
    assert p.error == ""
    assert abs(p.values["U"] - ls.x[i]) <= 0.0005 + 1e-12  # the cell's value on the U grid (0.001)
    assert p.values["tau_d"] == pytest.approx(ls.y[j], rel=5.1e-4)  # 4 significant digits
    for n in ("U", "tau_d"):
        assert p.readout(n) == p.control(n).format(p.values[n])


# ----------------------------------------------------------------------------- Fit panel: background fit

class _SlowFit:
    """A fit_stp stand-in for FitJob that waits at each stage until the test lets it go on,
    then returns a real FitResult computed beforehand."""

    def __init__(self, result):
        import threading
        self.result, self.calls = result, []
        self.go = [threading.Event(), threading.Event()]
        self.at = [threading.Event(), threading.Event()]

    def __call__(self, data, *, progress, **kw):
        self.calls.append(kw)
        progress(0.0, "multi-start")
        self.at[0].set()
        assert self.go[0].wait(60)
        progress(0.5, "bootstrap")  # raises FitCancelled when Cancel was pressed
        self.at[1].set()
        assert self.go[1].wait(60)
        progress(1.0, "done")
        return self.result


def _slow(monkeypatch, panel):
    import stpexplorer.fit._job as job_mod
    from stpexplorer.fit import fit_stp
    from stpexplorer.ui.panels.fit.panel import N_BOOT, N_STARTS

    slow = _SlowFit(fit_stp(panel.data, model="tm", n_starts=N_STARTS, n_boot=N_BOOT, seed=0))
    monkeypatch.setattr(job_mod, "fit_stp", slow)
    return slow


def test_fit_button_runs_in_the_background_and_the_panel_keeps_working(monkeypatch):
    p = FitPanel()
    slow = _slow(monkeypatch, p)
    before = dict(p.values)
    p.fit_button.click()
    assert slow.at[0].wait(30) and p.fitting
    assert p.fit_button.disabled and p.fit_button.description == "Fitting…" and not p.cancel_button.disabled
    assert p.progress.value == 0.0 and p.progress.layout.visibility == "visible" and "multi-start" in p.stage_text
    # the other controls work while the fit runs: each move simulates and redraws
    n0, y0 = p.n_runs, np.asarray(p.lines["prediction"].y).copy()
    p.set_values(U=0.3)
    p.landscape.x_menu.value = "W"
    assert p.n_runs == n0 + 1 and p.error == "" and p.values["U"] == 0.3
    assert not np.array_equal(np.asarray(p.lines["prediction"].y), y0)
    assert p.landscape.landscape.x_param == "W" and p.fit_result is None
    slow.go[0].set()
    assert slow.at[1].wait(30)
    assert p.progress.value == 0.5 and "bootstrap" in p.stage_text
    slow.go[1].set()
    res = p.wait_fit(timeout=30)
    assert res is slow.result and p.fit_result is res and not p.fitting
    assert slow.calls == [{"model": "tm", "n_starts": 32, "n_boot": 40, "seed": 0}]
    _assert_sliders_at_fit(p, res)
    assert p.values["mystery"] == before["mystery"]
    assert _status_sse(p) == pytest.approx(res.sse, rel=1e-3) and f"(fit {res.sse:.4g})" in p.status_text
    lo, hi = res.ci["tau_d"]
    assert f"{lo:.4g} – {hi:.4g}" in html.unescape(p.table.value)
    assert p.progress.value == 1.0 and p.progress.bar_style == "success" and p.stage_text.startswith("done: SSE")
    assert not p.fit_button.disabled and p.fit_button.description == "Fit" and p.cancel_button.disabled


def test_cancel_stops_the_fit_and_keeps_the_sliders(monkeypatch):
    p = FitPanel()
    slow = _slow(monkeypatch, p)
    p.set_values(U=0.42)
    before = dict(p.values)
    p.fit_button.click()
    assert slow.at[0].wait(30)
    p.cancel_button.click()
    assert "cancelling" in p.stage_text and p.cancel_button.disabled
    slow.go[0].set()
    assert p.wait_fit(timeout=30) is None
    assert p.runner.job.cancelled and not slow.at[1].is_set()  # stopped before the bootstrap
    assert p.fit_result is None and p.values == before and "cancelled" in p.stage_text
    assert p.progress.bar_style == "warning" and not p.fit_button.disabled and p.cancel_button.disabled


def test_choosing_another_mystery_while_fitting_cancels_the_fit(monkeypatch):
    p = FitPanel()
    slow = _slow(monkeypatch, p)
    p.fit_button.click()
    assert slow.at[0].wait(30)
    p.set_values(seed=4)
    slow.go[0].set()
    assert p.wait_fit(timeout=30) is None and p.fit_result is None and p.values["seed"] == 4


def test_a_real_fit_in_the_background_is_applied_on_the_event_loop_thread():
    """As in a kernel: Fit is pressed inside a running asyncio loop, the loop keeps serving
    slider moves, and the result reaches the sliders on the loop's thread."""
    import asyncio
    import threading

    p = FitPanel()
    p.load_preset("mystery: facilitating")
    threads = []
    p.sliders["tau_f"].observe(lambda ch: threads.append(threading.current_thread()), "value")

    loop_thread = []

    async def scenario():
        loop_thread.append(threading.current_thread())
        p.fit_button.click()
        job, moves = p.runner.job, 0
        while p.fitting:
            if not job.done:
                p.set_values(U=0.1 + 0.001 * (moves % 50))
                moves += 1
            await asyncio.sleep(0.002)
        return job, moves

    job, moves = run_async(lambda: asyncio.wait_for(scenario(), 120))
    assert job.result is not None and p.fit_result is job.result and moves >= 1
    assert threads and all(t is loop_thread[0] for t in threads)
    _assert_sliders_at_fit(p, job.result)
    assert p.error == "" and p.stage_text.startswith("done: SSE")


# ----------------------------------------------------------------------------- Fit panel: downloads

def _download(panel):
    import base64
    import re
    m = re.search(r"download='([^']+)' href='data:([^;]+);base64,([^']+)'", panel.files.download.value)
    return m.group(1), m.group(2), base64.b64decode(m.group(3)).decode()


def test_downloads_hold_the_fit_and_the_predictions():
    import csv
    import io

    p = FitPanel(files="browser")
    res = p.fit()
    assert p.save_json() is None  # served: a download link, no server file
    name, mime, text = _download(p)
    assert (name, mime) == ("fit-result.json", "application/json")
    doc = json.loads(text)
    assert doc["fit"] == json.loads(json.dumps(res.to_dict())) and doc["values"]["U"] == p.values["U"]
    assert p.export_csv() is None
    name, mime, text = _download(p)
    assert (name, mime) == ("fit-predictions.csv", "text/csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    data, v = p.data, p.values
    assert len(rows) == sum(pr.isi_ms.size for pr in data.protocols)
    pv = eng.STPParams(U=v["U"], tau_f=v["tau_f"], tau_d=v["tau_d"])
    for pr in data.protocols:
        got = [r for r in rows if r["protocol"] == pr.name]
        def col(k, got=got):
            return np.array([float(r[k]) for r in got])
        np.testing.assert_allclose(col("isi_ms"), pr.isi_ms, rtol=1e-6)
        np.testing.assert_allclose(col("mean"), np.nanmean(pr.amplitudes, 0), rtol=1e-6)
        np.testing.assert_allclose(col("prediction"), v["W"] * release_fraction(pv, pr.isi_ms), rtol=1e-5)
        np.testing.assert_allclose(col("fit_prediction"), res.values["W"] * release_fraction(res.params, pr.isi_ms),
                                   rtol=1e-5)
