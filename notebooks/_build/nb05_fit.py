"""Content of notebooks/05_fitting.ipynb."""

from nbtools import answer, build, check, code, instructor_setup, md, notes, panel, setup_cell, solution

CELLS = [
md(r"""
# 5 · Fitting short-term plasticity to recordings

*stpexplorer course, notebook 5 of 5.*

Notebooks 1–4 went from parameters to responses. An experimenter goes the other way: she
records the amplitudes of the postsynaptic responses to a few spike trains and asks which
Tsodyks–Markram parameters explain them — and how sure she can be. This notebook:

1. fits a **mystery synapse** by hand, then with `fit_stp` (least squares, many starts at once);
2. reads the **95 % bootstrap intervals** and checks them against the hidden truth;
3. watches **identifiability** fail (one protocol cannot tell how fast a depressing synapse
   facilitates) and recover with a second protocol, in the intervals and in a **loss landscape**;
4. samples the **posterior** and compares models (is facilitation needed at all?);
5. measures the amplitudes from **raw sweeps** and sees how the measurement changes the fit.

Each exercise has a blank for you to fill (`... # TODO`) and a **check** cell that prints a hint
until your answer is right. Units: ms, amplitude units (say pA). The timings (~ min) add up to
about 100 minutes.
The figures are live widgets: to see them when you reopen the saved notebook without running it,
turn on *Settings → Save Widget State Automatically* in JupyterLab before saving.
"""),
setup_cell(r"""
import numpy as np
import bqplot.pyplot as plt
import stpexplorer as sx
from stpexplorer.experiments import mystery
from stpexplorer.fit import AmplitudeData, FitJob, fit_stp, loss_landscape, synthetic_amplitudes

COLORS = ["steelblue", "crimson", "seagreen"]


def data_figure(data, title, values=None):
    # every sweep (small points), the mean per spike, and the prediction of `values` (lines)
    s = mystery.summary(data, values or dict(U=0.5, tau_f=0.0, tau_d=100.0, W=0.0))
    new_figure(title, height="320px")
    for k, prot in enumerate(data.protocols):
        col = COLORS[k % len(COLORS)]
        t = np.broadcast_to(prot.times_ms, prot.amplitudes.shape)
        plt.scatter(t.ravel(), prot.amplitudes.ravel(), colors=[col], default_size=8, opacities=[0.35])
        plt.scatter(s.times[k], s.means[k], colors=[col], default_size=40, labels=[prot.name], display_legend=True)
        if values is not None:
            plt.plot(s.times[k], s.predictions[k], colors=[col])
    finish("time from the first spike (ms)", "amplitude")
    return s
"""),
instructor_setup(),
md(r"""
## 1. The recording: a mystery synapse  (~10 min)

The model of notebook 1, sampled at the spikes only. At spike $n$ of a train with intervals
$\Delta_n$ the mean amplitude is $W u_n x_n$ with

$$u_{n+1} = U + (u_n + U(1-u_n) - U)\,e^{-\Delta/\tau_f}, \qquad
  x_{n+1} = 1 + (x_n - u_n x_n - 1)\,e^{-\Delta/\tau_d}, \qquad u_1 = U,\ x_1 = 1,$$

so four numbers describe a synapse: $U$, $\tau_f$, $\tau_d$ and the amplitude scale $W$
(for a synapse with $n$ release sites of quantal size $q$, $W = nq$).

`mystery.mystery_data(kind, seed)` records a synapse with hidden parameters: on every sweep
each release site releases with probability $u_nx_n$ and each quantum has a random size, so
the amplitudes scatter around $Wu_nx_n$ like real ones. Three protocols, a dozen sweeps each.
"""),
code(r"""
KIND, SEED = "facilitating", 0
data = mystery.mystery_data(KIND, SEED)
for prot in data.protocols:
    print(f"{prot.name:18s} intervals (ms) {prot.isi_ms.tolist()}   amplitudes {prot.amplitudes.shape}")
print("observations:", data.n_observations)
for prot in data.protocols:
    means = np.nanmean(prot.amplitudes, axis=0)
    print(f"{prot.name:18s} mean amplitude / first: {np.round(means / means[0], 2).tolist()}")
_ = data_figure(data, "The mystery synapse: every sweep (small) and the mean per spike (large)")
"""),
md(r"""
Read the figure, and the printed ratios, before fitting anything: along a train the responses
first grow (facilitation: $u$ rises) and at high rates then sag (depression: $x$ runs down).
The last spike of the "20 Hz + recovery" train, after a 500 ms pause, shows what is left of
both: $x$ has recovered more than $u$ has decayed if it is larger than the spikes before it.
So $U$ is small, and $\tau_f$ is long compared with the 20–100 ms intervals.

## 2. Fit by hand  (~15 min)

The quality of a guess is its **sum of squared errors** over every observation,
$\text{SSE} = \sum_{\text{protocols}}\sum_{\text{sweeps}}\sum_n (a_n - Wu_nx_n)^2$.
`try_params` prints it and draws the guess on the data.
"""),
code(r"""
def sse(U, tau_f, tau_d, W):
    return mystery.summary(data, dict(U=U, tau_f=tau_f, tau_d=tau_d, W=W, f=None)).sse


def try_params(U, tau_f, tau_d, W):
    s = data_figure(data, f"U={U:g}, τf={tau_f:g} ms, τd={tau_d:g} ms, W={W:g}",
                    dict(U=U, tau_f=tau_f, tau_d=tau_d, W=W, f=None))
    print(f"SSE = {s.sse:.1f}")


first_mean = np.nanmean(np.concatenate([p.amplitudes[:, 0] for p in data.protocols]))
print(f"mean first amplitude (= W·U): {first_mean:.1f}")
try_params(U=0.3, tau_f=100.0, tau_d=300.0, W=first_mean / 0.3)
"""),
md(r"""
### Exercise 1 — beat the SSE by hand

Find parameters whose SSE is at most 1.25 times the SSE of the hidden true parameters (the
check knows them; you do not). Use `try_params` a few times, or write a loop over values of
$U$, $\tau_f$ and $\tau_d$ that calls `sse(...)`, with $W$ tied to the first response:
$W = \bar a_1/U$ (`first_mean / U`). Store your answer as `my_guess`.
"""),
answer(r"""
# Exercise 1: your best parameters (tau in ms)
my_guess = dict(U=..., tau_f=..., tau_d=..., W=...)  # TODO
"""),
solution(r"""
best = (np.inf, None)
for U in np.linspace(0.05, 0.5, 19):
    for tau_f in np.geomspace(20.0, 2000.0, 15):
        for tau_d in np.geomspace(20.0, 2000.0, 15):
            e = sse(U, tau_f, tau_d, first_mean / U)
            if e < best[0]:
                best = (e, dict(U=U, tau_f=tau_f, tau_d=tau_d, W=first_mean / U))
my_guess = best[1]
print(my_guess, f"SSE = {best[0]:.1f}")
"""),
check(r"""
def _check_guess():
    if not isinstance(my_guess, dict) or any(not answered(my_guess.get(k)) for k in ("U", "tau_f", "tau_d", "W")):
        raise Blank()
    g = {k: float(numeric(my_guess[k])) for k in ("U", "tau_f", "tau_d", "W")}
    if not (0 < g["U"] <= 1 and g["tau_f"] >= 0 and g["tau_d"] >= 0 and g["W"] > 0):
        return "U must be in (0, 1], tau_f and tau_d >= 0 ms and W > 0"
    truth = mystery.hidden_params(KIND, SEED)
    ratio = sse(**g) / mystery.summary(data, truth).sse
    if ratio <= 1.25:
        return None
    return ("the SSE is still more than 1.25 times that of the hidden parameters: "
            + ("look at the first spikes (W·U) and at the growth along the 10 Hz train" if ratio > 3 else
               "you are close: refine tau_d with the recovery spike and tau_f with the 10 Hz train"))


grade("Exercise 1", _check_guess, todo="set my_guess = dict(U=..., tau_f=..., tau_d=..., W=...) with numbers, "
      "e.g. from a loop over values that keeps the lowest sse(...)")
"""),
md(r"""
## 3. Fit with `fit_stp`  (~10 min)

`fit_stp` does the same search properly: it starts a Levenberg–Marquardt least-squares solver
from 64 points spread over the parameter range **at once** (one vmapped, compiled call), keeps
the best, and computes $W$ in closed form for every candidate (the prediction is linear in
$W$). Then it **resamples the sweeps** 200 times (bootstrap: each protocol's sweeps drawn with
replacement) and refits every replicate, again in one call; the 2.5 and 97.5 percentiles of
the refits are the 95 % interval.
"""),
code(r"""
fit = fit_stp(data, n_boot=200, seed=0)
truth = mystery.hidden_params(KIND, SEED)
print(f"SSE: fit {fit.sse:.1f}, hidden parameters {mystery.summary(data, truth).sse:.1f}, "
      f"starts converged {fit.n_converged}/{fit.n_starts}")
print(f"{'':6s} {'estimate':>9s}  {'95 % interval':>22s}   {'truth':>7s}  inside?")
for name in ("U", "tau_f", "tau_d", "W"):
    lo, hi = fit.ci[name]
    print(f"{name:6s} {fit.values[name]:9.3f}  ({lo:9.3f}, {hi:9.3f})   {truth[name]:7.3f}  {lo <= truth[name] <= hi}")
print("R² of the means per protocol:", {k: round(v, 3) for k, v in fit.r2_means.items()})
_ = data_figure(data, "The fit (lines) on the data", dict(fit.values, f=None))
"""),
md(r"""
The fit lands at a lower SSE than the hidden parameters themselves: with a dozen noisy sweeps
per protocol, parameters *near* the truth explain this particular sample slightly better. That
is why an estimate needs an interval. Intervals from the bootstrap are percentile intervals
over sweeps; with many more synthetic datasets about 95 % of them contain the truth
(`python -m stpexplorer.bench.fit` measures it).

Once compiled, a fit is quick enough for a class (timed below) but would still freeze a user
interface. `FitJob` runs it in a background thread, reports its stage and can be cancelled
(the explorer's Fit panel uses it):
"""),
code(r"""
import time

stages, t0 = [], time.perf_counter()
job = FitJob(data, n_boot=200, seed=1, on_progress=lambda frac, stage: stages.append((frac, stage))).start()
print("started; running:", job.running)
job.wait()
print(f"fit with 200 bootstrap refits: {time.perf_counter() - t0:.2f} s; stages:", stages)
print("done:", job.done, "  τf interval with another bootstrap seed:", tuple(round(v, 1) for v in job.result.ci["tau_f"]))
"""),
md(r"""
> **Think!** (3 min) The intervals of $W$ and $U$ are both tens of percent wide, yet the first
> amplitude $WU$ is measured on every sweep. Why can the data pin down the product $WU$ better
> than $W$ and $U$ separately?
"""),
notes(r"""
The first response only gives the product $WU$; $U$ alone is determined by how the responses
*change* along a train (the growth through facilitation, the drop through depletion), which
depends on $U$ together with $\tau_f$ and $\tau_d$. A replicate with a slightly lower $U$ can
be compensated by a higher $W$ (same first response) and a somewhat different $\tau_f$, so the
bootstrap estimates of $W$ and $U$ are strongly anti-correlated: plot `fit.boot["W"]` against
`fit.boot["U"]` to show it. The interval of $WU$ (compute `fit.boot["W"] * fit.boot["U"]`) is
much narrower than either.
"""),
md(r"""
## 4. When the data cannot tell: identifiability  (~15 min)

A purely **depressing** synapse ($\tau_f = 0$: $u$ is back at $U$ before the next spike) is
recorded with a single 20 Hz train. A second dataset adds a 50 Hz train from the same synapse.
Fit both.
"""),
code(r"""
DEP = sx.STPParams(U=0.5, tau_f=0.0, tau_d=500.0)
TRAINS = {"20 Hz": [0.0] + [50.0] * 7, "50 Hz": [0.0] + [20.0] * 7}
two = synthetic_amplitudes(DEP, TRAINS, n_sweeps=12, n_sites=20, quantal_size=5.0, cv=0.3, seed=1)
one = AmplitudeData.from_dict({"20 Hz": (two["20 Hz"].isi_ms, two["20 Hz"].amplitudes)})  # the same 20 Hz sweeps

fit_one = fit_stp(one, n_boot=200, seed=0)
fit_two = fit_stp(two, n_boot=200, seed=0)
for label, f in (("20 Hz only", fit_one), ("20 Hz + 50 Hz", fit_two)):
    print(f"{label}:")
    for name in ("U", "tau_f", "tau_d"):
        lo, hi = f.ci[name]
        print(f"   {name:6s} {f.values[name]:10.2f}   95 % interval ({lo:10.2f}, {hi:10.2f})   at a bound: {f.at_bound[name]}")
"""),
md(r"""
With the 20 Hz train alone the interval of $\tau_f$ runs into the bounds of the search range
(0.5 ms to $10^5$ ms; `at_bound` says which): a short and a very long $\tau_f$ explain these
data almost equally well, because a slow facilitation can be traded against a smaller $U$ and
a different $\tau_d$ along one train. **That is what an unidentifiable parameter looks like:
not a wrong number, an interval as wide as the range.** The 50 Hz train breaks the trade-off —
facilitation would show most at short intervals, and it does not appear — and the interval of
$\tau_f$ now only reaches the *lower* bound: $\tau_f$ is indistinguishable from 0 and the
upper end of the interval is a real upper limit. The intervals of $U$ and $\tau_d$ shrink too.

"""),
md(r"""
## 5. The loss landscape  (~10 min)

`loss_landscape(data, params, x_param, y_param)` evaluates the SSE on a grid over two
parameters around a point — every cell in one vmapped call — with $W$ and the other parameters
held. Time constants are on a log grid, $U$ on a logit grid. Below: $\tau_f$ (0.3 ms to 3 s)
against $U$, around each fit. The colour is the rise of the SSE above the fit's in units of the
noise variance, $\Delta = (\text{SSE} - \text{SSE}_\text{fit})/\hat\sigma^2$ with
$\hat\sigma^2 = \text{SSE}_\text{fit}/n_\text{obs}$: cells with $\Delta < 3.84$ fit about as well
as the best, in the sense of a likelihood-ratio test at 95 %.
"""),
code(r"""
def landscape(data, f):
    center = dict(f.values, tau_f=30.0)  # the same τf axis for both: 30 ms ± 2 decades
    ls = loss_landscape(data, center, "tau_f", "U", n=48, span=(2.0, 1.0))
    return ls, (ls.sse - f.sse) / (f.sse / data.n_observations)


(ls_one, delta_one), (ls_two, delta_two) = landscape(one, fit_one), landscape(two, fit_two)
for label, ls, delta in (("20 Hz only", ls_one, delta_one), ("20 Hz + 50 Hz", ls_two, delta_two)):
    new_figure(f"{label}: Δ = rise of the SSE in units of the noise variance (clipped at 30)", height="360px")
    plt.scales(scales={"x": bqplot.LinearScale(), "y": bqplot.LinearScale(),
                       "color": bqplot.ColorScale(scheme="viridis", min=0.0, max=30.0)})
    plt.heatmap(np.minimum(delta, 30.0), x=np.log10(ls.x), y=ls.y)
    finish("log10 τf (ms)", "U")
frac_one, frac_two = (float(np.mean(d < 3.84)) for d in (delta_one, delta_two))
print(f"share of the grid with Δ < 3.84: one protocol {frac_one:.3f}, two protocols {frac_two:.3f}; "
      f"smaller with two: {frac_two < frac_one}")
"""),
md(r"""
The low-$\Delta$ region is a valley: along it a longer $\tau_f$ is traded against a smaller $U$.
To read off which $\tau_f$ the slice allows, take for every $\tau_f$ the best $\Delta$ over $U$:
a **profile**.

### Exercise 2 — the profile of τf

`delta_one` has shape `(n_y, n_x)`: row `j` is `U = ls_one.y[j]`, column `i` is
`tau_f = ls_one.x[i]`. Store in `profile_one` the lowest $\Delta$ over $U$ for every $\tau_f$
of the grid (shape `(48,)`, one value per column). The cell after the check draws it for both
datasets.
"""),
answer(r"""
# Exercise 2: the lowest Δ over U for every tau_f of the grid
profile_one = ...  # TODO
"""),
solution(r"""
profile_one = delta_one.min(axis=0)   # minimum over the rows (U) of every column (tau_f)
"""),
check(r"""
def _check_profile():
    mine = numeric(profile_one, shape=ls_one.x.shape)
    if np.allclose(mine, delta_one.min(axis=0), rtol=1e-9, atol=1e-9):
        return None
    if np.allclose(mine, delta_one.min(axis=1), rtol=1e-9, atol=1e-9):
        return "that is the minimum over tau_f for every U: minimise over the rows (axis 0) instead"
    return "take, for every column i of delta_one, the smallest value in that column"


grade("Exercise 2", _check_profile, todo="set profile_one to an array of shape (48,): the column minima of delta_one")
"""),
code(r"""
new_figure("Profile of τf in this slice: the best Δ over U", height="300px")
plt.scales(scales={"x": bqplot.LogScale(), "y": bqplot.LinearScale()})
for label, ls, delta, col in (("20 Hz only", ls_one, delta_one, "steelblue"),
                              ("20 Hz + 50 Hz", ls_two, delta_two, "crimson")):
    plt.plot(ls.x, delta.min(axis=0), colors=[col], labels=[label], display_legend=True)
plt.hline(3.84, colors=[GREY])
finish("τf (ms)", "best Δ over U")
for label, ls, delta, f in (("20 Hz only", ls_one, delta_one, fit_one), ("20 Hz + 50 Hz", ls_two, delta_two, fit_two)):
    allowed = ls.x[delta.min(axis=0) < 3.84]
    print(f"{label}: the slice allows τf up to {allowed.max():.0f} ms; the bootstrap interval reaches {f.ci['tau_f'][1]:.0f} ms")
"""),
md(r"""
Compare the two printed lines. Within the slice — $W$ and $\tau_d$ held at the fit — even one
protocol bounds $\tau_f$, yet its bootstrap interval ran to the top of the range. The long-$\tau_f$
fits of the bootstrap move $U$, $W$ and $\tau_d$ *together*, and no two-dimensional slice can
show that. A landscape shows the shape of the objective near a point (valleys, trade-offs,
a second minimum); the intervals come from refitting every parameter.

> **Think!** (3 min) You can record one more protocol from this synapse. Which would pin down
> $\tau_d$ best: a faster train, a longer train, or a train followed by single test spikes at
> several delays?
"""),
notes(r"""
Test spikes at several delays after a train (a recovery protocol, like the last spike of the
mystery's "20 Hz + recovery") sample $1 - (1 - x)e^{-\Delta/\tau_d}$ directly at delays
comparable with $\tau_d$, independently of $U$'s effect on the train. A faster or longer train
mostly measures the steady state $x^* \approx 1/(1 + U r \tau_d)$, which depends on the
*product* $U\tau_d$ — the trade-off of section 4 again. Students can check it: add a protocol
with delays 100, 300, 1000 ms to `TRAINS` and compare the width of `fit.ci["tau_d"]`.
"""),
md(r"""
## 6. A posterior, not a point  (~15 min)

The bootstrap asks how much the *estimate* would move with other sweeps. The Bayesian question
is different: given these data and a prior range for each parameter, which parameter values are
plausible, and how plausible? `sample_posterior` answers it with draws from the posterior — the
No-U-Turn sampler, four chains started at the least-squares fit. Each amplitude is Gaussian
around $Wu_nx_n$ with the SD of its spike across the sweeps (as Costa et al. 2013); the priors
are uniform for $U$ and log-uniform for $\tau_f$, $\tau_d$ and $W$ over the fit's ranges.

Sample the two datasets of section 4 and look at the draws on the axes of the loss landscape:
"""),
code(r"""
from stpexplorer.fit import compare_models, sample_posterior

posts = {"20 Hz only": sample_posterior(one, draws=500, warmup=500, seed=0),
         "20 Hz + 50 Hz": sample_posterior(two, draws=500, warmup=500, seed=0)}
for label, post in posts.items():
    print(label, "· divergences:", post.divergences)
    print(post.summary()[["2.5%", "50%", "97.5%", "r_hat", "ess_bulk"]].round(3).to_string(), "\n")
for label, post in posts.items():
    new_figure(f"{label}: posterior draws (every 4th) on the landscape's axes", height="320px")
    plt.scatter(np.log10(post.samples["tau_f"].ravel()[::4]), post.samples["U"].ravel()[::4],
                colors=[COLORS[0]], default_size=6, opacities=[0.4])
    finish("log10 τf (ms)", "U")
"""),
md(r"""
Check the `r_hat` column first: at most 1.01 means the four chains agree, so the draws can be
trusted; `ess_bulk` is how many independent draws they are worth. Then compare the upper end of
$\tau_f$ with the bootstrap interval of section 4 (printed below): the bootstrap ran to the top
of the range because a few resampled datasets are fitted best by a long $\tau_f$ with $U$,
$\tau_d$ and $W$ moved along; the posterior weighs those corners by how well they explain *these*
sweeps and finds little there. Both clouds pile up at short $\tau_f$, where the prior's lower end
stops them — "no facilitation" — and the second train makes the cloud narrower.
"""),
code(r"""
for label, post, f in (("20 Hz only", posts["20 Hz only"], fit_one), ("20 Hz + 50 Hz", posts["20 Hz + 50 Hz"], fit_two)):
    hi = np.quantile(post.samples["tau_f"], 0.975)
    print(f"{label}: τf posterior 97.5 % {hi:8.1f} ms;  bootstrap interval up to {f.ci['tau_f'][1]:10.1f} ms")
"""),
md(r"""
**Is facilitation needed at all?** `compare_models` samples three models — depression only
("dep": $\tau_f = 0$), Tsodyks–Markram ("tm"), and the extended model with its own jump $f$
("etm") — and scores each by how well it predicts a sweep it has not seen (PSIS leave-one-out,
`elpd_loo`: higher is better; `d_elpd` ± `d_se` against the best):
"""),
code(r"""
table = compare_models(two, draws=400, warmup=400, seed=0)
print(table[["elpd_loo", "se", "d_elpd", "d_se", "p_loo", "weight"]].round(2).to_string())
tied = [m for m in table.index if -table.loc[m, "d_elpd"] <= 2 * max(table.loc[m, "d_se"], 1e-9)]
print("within two d_se of the best:", tied)
"""),
md(r"""
A model that adds parameters without predicting better loses a little (its extra freedom costs
in `p_loo`). When `d_elpd` is within about two `d_se` of the best, the data cannot tell the
models apart — a statement a single best fit never makes.

> **Think!** (3 min) The mystery synapse of section 1 facilitates. Which model would you expect
> `compare_models(data)` to rank last there, and why?
"""),
notes(r"""
On facilitating data "dep" cannot produce growing responses at all, so it predicts every sweep
badly and ranks last by a wide margin; "tm" and "etm" differ only in whether the jump f equals
U, which these protocols may or may not resolve. Students can run `compare_models(data)` (about
a minute: three models are compiled and sampled).
"""),
md(r"""
## 7. From the raw sweeps to the amplitudes  (~15 min)

So far the amplitudes were given. What an amplifier writes is a current (or voltage) sampled
every 50 µs: one **sweep** per train. Every amplitude is a measurement, and its choices —
where the baseline is, where the peak is looked for, what to do when a response rides on the
previous one's tail — end up in the fitted parameters.

`example_recording()` makes such a recording (no file to download): inward EPSCs of a depressing
synapse (U 0.45, τf 20 ms, τd 250 ms, W 200 pA) with quantal scatter, noise and a stimulus
artefact at every stimulus, 10 sweeps each of trains at 20, 50 and 100 Hz. With your own data
it would be `sx.read_recording("cell.abf")` (or `.nwb`).
"""),
code(r"""
from stpexplorer.recordings.example import EXAMPLE_PARAMS, example_recording

rec = example_recording()
print(rec.n_sweeps, "sweeps of", rec.sweeps.shape[1], "samples, dt =", rec.dt_ms, "ms, units", rec.units)
print("stimuli found in the artefacts:", {p: t[:3].round(2).tolist() for p, t in rec.detect_stimuli().items()})
t, fast = rec.t_ms, rec.sweep_indices("100 Hz")
shown = (t > 40) & (t < 140)
new_figure("Three sweeps of the 100 Hz train (ticks: stimuli)", height="300px")
for i in fast[:3]:
    plt.plot(t[shown], rec.sweeps[i, shown], colors=[COLORS[0]], opacities=[0.6])
for ts in rec.stimuli_ms["100 Hz"]:
    plt.plot([ts, ts], [-8, 0], colors=[GREY])
plt.ylim(-160, 0)  # the artefacts' spikes (to +370 pA) run off the top
finish("time from the sweep start (ms)", "current (pA)")
"""),
md(r"""
At 100 Hz each response starts before the previous one has decayed. Two ways to measure:

* **local**: the peak after each stimulus minus the baseline just before it. The previous
  response's tail keeps decaying under the peak, so this underestimates every response after
  the first.
* **tail** (the default): the decay of the preceding responses (exponentials fitted to the decay
  after the last stimulus) is extrapolated under each peak and subtracted.

Measure both ways and fit each:
"""),
code(r"""
measured = {m: rec.amplitudes(m) for m in ("tail", "local")}
print(measured["tail"].measurement.describe())
for m, d in measured.items():
    means = np.nanmean(d["100 Hz"].amplitudes, axis=0)
    print(f"{m:5s} 100 Hz mean amplitudes (pA): {np.round(means, 1).tolist()}")
fits = {m: fit_stp(d, model="tm", n_boot=0, seed=0) for m, d in measured.items()}
truth = EXAMPLE_PARAMS
print(f"truth        U {truth['U']:.2f}   τd {truth['tau_d']:.0f} ms   W {truth['W']:.0f} pA")
for m, r in fits.items():
    v = r.values
    print(f"{m:5s} fit   U {v['U']:.2f}   τd {v['tau_d']:.0f} ms   W {v['W']:.0f} pA")
"""),
md(r"""
The local measurement makes the synapse look more depressed than it is at high rates, and the
fit answers with other parameters — compare the printed U, τd and W with the truth. Neither fit
is exact (ten sweeps per protocol, quantal scatter): the bootstrap intervals of section 3 would
say how far each can be trusted. The measurement is not: its bias is the same on every sweep,
so more sweeps make it no smaller.

> **Think!** (3 min) Why is the first response of every train measured the same by both methods?
> Which protocol's fit would change least if you measured it "local": 20 Hz or 100 Hz?
"""),
notes(r"""
Before the first stimulus there is no preceding response: the baseline is flat, and "tail"
subtracts nothing. At 20 Hz (50 ms between stimuli) an EPSC decaying with 5 ms and 25 ms
components has fallen to a few per cent of its peak by the next stimulus, so local and tail
amplitudes nearly agree; at 100 Hz (10 ms) the tail is a large fraction of the next response.
Students can check with `rec.amplitudes("local")["20 Hz"]` against `"tail"`.
"""),
md(r"""
## 8. Explore  (~10 min)

The Fit panel does all of this interactively: it records a mystery synapse (or loads your CSV),
lets you fit by hand with sliders and a live SSE, fits in the background, shows the loss
landscape and reveals the hidden parameters. Its **Recording** view shows the sweeps of a
recording (the example, or your ABF/NWB file), the windows and the measured peaks; switch the
method, move the windows, click a sweep to leave it out, then **Use these amplitudes**.
"""),
panel(r"""
panel = sx.FitPanel()
panel
"""),
md(r"""
## Summary

* Fitting short-term plasticity means finding $U$, $\tau_f$, $\tau_d$, $W$ that minimise the
  squared error between $Wu_nx_n$ and the recorded amplitudes over all protocols; by hand it is
  a search in four dimensions, `fit_stp` runs many least-squares starts at once.
* The bootstrap over sweeps gives 95 % intervals; an interval that reaches a bound of the search
  range (`at_bound`) says the data do not determine that parameter.
* Identifiability is a property of the *protocols*: one train could not tell a depressing
  synapse's $\tau_f$, a second train at another rate could. The loss landscape shows why — a
  valley along which parameters trade off — and `FitJob` keeps a user interface responsive
  while it fits.
* A posterior says which parameter values are plausible together, not just where the best one
  is; PSIS-LOO compares models by how well they predict sweeps they have not seen.
* Amplitudes are measurements: at high rates a response rides on the previous ones' tails, and
  a measurement that ignores them biases the fit in the same direction on every sweep.

### References

* Tsodyks M, Markram H (1997) The neural code between neocortical pyramidal neurons depends on neurotransmitter release probability. *PNAS* 94:719–723.
* Costa RP, Sjöström PJ, van Rossum MCW (2013) Probabilistic inference of short-term synaptic plasticity in neocortical microcircuits. *Front Comput Neurosci* 7:75.
* Rossbroich J, Trotter D, Beninger J, Tóth K, Naud R (2021) Linear-nonlinear cascades capture synaptic dynamics. *PLoS Comput Biol* 17:e1008013.
* Efron B, Tibshirani RJ (1993) *An Introduction to the Bootstrap*. Chapman & Hall.
"""),
]


def build_notebook(out_dir=None, student=False):
    return build("05_fitting.ipynb", "fit", CELLS, out_dir=out_dir, student=student)
