"""Content of notebooks/03_stdp.ipynb."""

from nbtools import answer, build, check, code, instructor_setup, md, notes, panel, setup_cell, solution

CELLS = [
md(r"""
# 3 · Spike-timing-dependent plasticity (STDP)

*stpexplorer course, notebook 3 of 5.*

Short-term plasticity (notebook 1) fades within a second. Long-term changes of synaptic
strength depend on the **relative timing** of pre- and postsynaptic spikes: in hippocampal
cultures Bi & Poo (1998) found that a presynaptic spike a few ms *before* a postsynaptic one
potentiates the synapse, and one a few ms *after* depresses it. This is STDP.

In this notebook you will

1. implement the pair rule with **traces** and check the simulated window against the
   analytic one;
2. see why the *interpretation* of the pair rule (all-to-all or nearest-neighbour pairs)
   changes the outcome of pairing protocols at high frequency;
3. compare **hard** (additive) and **soft** (multiplicative) weight bounds;
4. reproduce Song, Miller & Abbott (2000): hundreds of Poisson inputs onto one neuron give a
   **bimodal** weight distribution under additive STDP and a **unimodal** one under
   multiplicative STDP;
5. fit pair and triplet rules to the frequency dependence measured by Sjöström et al. (2001)
   and see why only the triplet rule fits;
6. let a group of correlated inputs win the competition.

Each exercise has a blank for you to fill (`... # TODO`) and a **check** cell that prints a hint
until your answer is right, then "correct". The timings (~ min) add up to about 125 minutes.
The figures are live widgets: to see them when you reopen the saved notebook without running it,
turn on *Settings → Save Widget State Automatically* in JupyterLab before saving.
"""),
setup_cell(r"""
import numpy as np
import bqplot.pyplot as plt
import stpexplorer as sx


# the explorer's preset "Bi & Poo 1998 window": time constants of the exponential fit to Bi & Poo's
# (1998) data (16.8 ms and 33.7 ms, Bi & Poo 2001); amplitudes with depression slightly dominant
# (A- tau- > A+ tau+), per pair about 1 % of w_max
A_P, A_M, TAU_P, TAU_M = 0.0096, 0.0053, 16.8, 33.7
BIPOO = sx.STDPParams(A_plus=A_P, A_minus=A_M, tau_plus=TAU_P, tau_minus=TAU_M, w_min=0.0, w_max=1.0)
"""),
instructor_setup(),
md(r"""
## 1. Traces and the pair rule  (~25 min)

Each synapse keeps two **traces**, a presynaptic one $a_\text{pre}$ and a postsynaptic one
$a_\text{post}$, which jump at their spikes and decay exponentially:

$$\tau_+\frac{da_\text{pre}}{dt} = -a_\text{pre}, \qquad \tau_-\frac{da_\text{post}}{dt} = -a_\text{post}.$$

The weight changes only at spikes:

$$\text{post spike: } w \leftarrow w + A_+\,a_\text{pre}, \qquad
  \text{pre spike: } w \leftarrow w - A_-\,a_\text{post}.$$

A post spike "reads" how recently the presynaptic neuron fired, and vice versa. For a single
pair with $\Delta t = t_\text{post} - t_\text{pre}$ this gives the classic window

$$\Delta w(\Delta t) = \begin{cases} A_+ e^{-\Delta t/\tau_+} & \Delta t > 0 \\ -A_- e^{\Delta t/\tau_-} & \Delta t < 0 \end{cases}$$

Traces turn an $O(N^2)$ sum over all spike pairs into $O(1)$ work per spike, which is why
every simulator uses them. One pair with $\Delta t = +10$ ms:
"""),
code(r"""
DT = 0.1
pre, post = sx.pairing_trains(10.0, n_pairs=1, period_ms=100.0, duration_ms=150.0, dt_ms=DT)
t = sx.time_axis(duration_ms=150.0, dt_ms=DT)
tr = sx.simulate_stdp(BIPOO, pre, post, w0=0.5, dt_ms=DT)
w = np.asarray(tr.w)
print(f"pre at {t[pre > 0][0]:.1f} ms, post at {t[post > 0][0]:.1f} ms")
print(f"Δw = {w[-1] - 0.5:.6f};  A+ exp(-10/τ+) = {A_P * np.exp(-10 / TAU_P):.6f}")

new_figure("One pre→post pair (Δt = +10 ms): traces and weight")
plt.plot(t, np.asarray(tr.pre_trace), colors=["steelblue"], labels=["a_pre"], display_legend=True)
plt.plot(t, np.asarray(tr.post_trace), colors=["darkorange"], labels=["a_post"], display_legend=True)
plt.plot(t, (w - 0.5) / A_P, colors=[GREY], labels=["(w − w0) / A+"], display_legend=True)
finish("time (ms)", "trace / weight change")
"""),
md(r"""
### Exercise 1 — write the trace update yourself

Complete `stdp_numpy`, the all-to-all pair rule with hard bounds stepped in numpy. In each
step of `dt`, in this order:

1. both traces decay over the step ($a \leftarrow a\,e^{-dt/\tau}$, with $\tau_+$ for $a_\text{pre}$ and $\tau_-$ for $a_\text{post}$);
2. a post spike potentiates by $A_+a_\text{pre}$, a pre spike depresses by $A_-a_\text{post}$ (traces
   from *earlier* steps: a pre and a post spike in the same step do not pair);
3. clip $w$ to $[0, 1]$;
4. this step's spikes add 1 to their trace.

The cell after it runs your rule on 10 pairings ($\Delta t = +10$ ms, 20 Hz) and plots your
weight on the engine's; the check compares them step by step.
"""),
answer(r"""
# Exercise 1: trace STDP (all-to-all, hard bounds) in numpy; returns w at the end of every step
def stdp_numpy(pre, post, A_plus, A_minus, tau_plus, tau_minus, w0=0.5, dt=DT):
    w, a_pre, a_post, out = w0, 0.0, 0.0, []
    for s_pre, s_post in zip(np.asarray(pre) > 0.5, np.asarray(post) > 0.5):
        a_pre = ...   # TODO 1: decay of the pre trace over one step
        a_post = ...  # TODO 1: decay of the post trace over one step
        if s_post:
            w = ...   # TODO 2: potentiation, read from the pre trace
        if s_pre:
            w = ...   # TODO 2: depression, read from the post trace
        w = ...       # TODO 3: hard bounds [0, 1]
        if s_pre:
            a_pre = ...   # TODO 4: all-to-all: add 1
        if s_post:
            a_post = ...  # TODO 4
        out.append(w)
    return out
"""),
solution(r"""
def stdp_numpy(pre, post, A_plus, A_minus, tau_plus, tau_minus, w0=0.5, dt=DT):
    w, a_pre, a_post, out = w0, 0.0, 0.0, []
    for s_pre, s_post in zip(np.asarray(pre) > 0.5, np.asarray(post) > 0.5):
        a_pre = a_pre * np.exp(-dt / tau_plus)
        a_post = a_post * np.exp(-dt / tau_minus)
        if s_post:
            w = w + A_plus * a_pre
        if s_pre:
            w = w - A_minus * a_post
        w = min(max(w, 0.0), 1.0)
        if s_pre:
            a_pre = a_pre + 1.0
        if s_post:
            a_post = a_post + 1.0
        out.append(w)
    return out
"""),
code(r"""
pre10, post10 = sx.pairing_trains(10.0, n_pairs=10, period_ms=50.0, duration_ms=600.0, dt_ms=DT)
t10 = sx.time_axis(duration_ms=600.0, dt_ms=DT)
engine_w = np.asarray(sx.simulate_stdp(BIPOO, pre10, post10, w0=0.5, dt_ms=DT).w)
my_w = stdp_numpy(pre10, post10, A_P, A_M, TAU_P, TAU_M)

new_figure("10 pairings, Δt = +10 ms at 20 Hz: the engine's weight and yours", height="280px")
plt.plot(t10, engine_w, colors=["crimson"], labels=["engine"], display_legend=True, stroke_width=4)
if not any(v is Ellipsis for v in my_w):
    plt.plot(t10, np.asarray(my_w, dtype=float), colors=[GREY], line_style="dashed", labels=["yours"],
             display_legend=True)
finish("time (ms)", "w")
"""),
check(r"""
def _check_stdp():
    mine = numeric(my_w, shape=engine_w.shape)
    if np.allclose(mine, engine_w, atol=1e-5):
        return None
    k = int(np.flatnonzero(~np.isclose(mine, engine_w, atol=1e-5))[0])
    what = "a post spike" if post10[k] > 0.5 else "a pre spike" if pre10[k] > 0.5 else "a step without spikes"
    return (f"your weight first departs from the engine's at {what} (t = {t10[k]:.1f} ms): "
            + ("potentiation adds A_plus·a_pre, with a_pre decayed but not yet including this step's spike"
               if post10[k] > 0.5 else "depression subtracts A_minus·a_post" if pre10[k] > 0.5 else
               "between spikes w must not change"))


grade("Exercise 1", _check_stdp, todo="fill the TODO lines of stdp_numpy (decay, potentiation, depression, "
      "bounds, trace jumps); it returns one weight per step")
"""),
md(r"""
## 2. The STDP window (Bi & Poo 1998)  (~20 min)

`sx.stdp_window` simulates one isolated pair for each $\Delta t$ (all in one batched call).
We compare it with the formula above.
"""),
code(r"""
DELTAS = np.arange(-100.0, 100.01, 1.0)
window = np.asarray(sx.stdp_window(BIPOO, DELTAS, dt_ms=DT, w0=0.5))
analytic = np.where(DELTAS > 0, A_P * np.exp(-DELTAS / TAU_P),
                    np.where(DELTAS < 0, -A_M * np.exp(DELTAS / TAU_M), 0.0))
print("max |simulated − analytic| =", float(np.max(np.abs(window - analytic))))

new_figure("STDP window: simulated (dots) and analytic (line)")
plt.plot(DELTAS, analytic, colors=[GREY])
plt.scatter(DELTAS[::4], window[::4], colors=["crimson"], default_size=25)
plt.hline(0.0, colors=[GREY])
finish("Δt = t_post − t_pre (ms)", "Δw per pair")
"""),
md(r"""
Note $\Delta w(0) = 0$: a pre and a post spike in the same time step do not pair (the engine
adds the new spikes to the traces *after* the weight update).

*Where the numbers come from.* Bi & Poo (1998) paired pre- and postsynaptic spikes 60 times at
1 Hz in cultured hippocampal neurons and measured the relative change of the EPSC; the time
constants above are those of the exponential fit to their data (Bi & Poo 2001). The amplitudes
$A_+ = 0.0096$, $A_- = 0.0053$ are those of the explorer preset "Bi & Poo 1998 window": their
ratio makes potentiation the taller lobe and depression the wider one with slightly more area;
their absolute size (about 1 % of $w_\text{max}$ per pair) is a modelling choice, not a measurement.
The measured points (Bi & Poo 1998, Fig. 7) are not overlaid: the course ships no digitised data,
so compare the shape with the published figure.

### Exercise 2 — the area under the window

For uncorrelated pre- and postsynaptic Poisson spikes at rates $r_\text{pre}$, $r_\text{post}$,
every $\Delta t$ is equally likely, so the average drift of $w$ is
$r_\text{pre} r_\text{post} \int \Delta w(\Delta t)\,d\Delta t$. Compute this area from a
**simulated** window: call `sx.stdp_window(BIPOO, ...)` on a grid from $-250$ to $250$ ms in
steps of $0.25$ ms (the depression lobe, with $\tau_- = 33.7$ ms, is not negligible beyond
100 ms), integrate it with `np.trapezoid` and store the result in `area`. Is STDP with these
parameters net potentiating or net depressing for uncorrelated activity?
"""),
answer(r"""
# Exercise 2: the area under the simulated window (ms · weight units, a float)
area = ...  # TODO
"""),
solution(r"""
grid = np.arange(-250.0, 250.01, 0.25)
area = float(np.trapezoid(np.asarray(sx.stdp_window(BIPOO, grid, dt_ms=0.25)), grid))
"""),
check(r"""
def _check_area():
    # the exact area is A+ τ+ − A− τ−; the trapezoid rule smears the jump at Δt = 0 over one
    # grid step, an error of about (A+ − A−) h / 2 for h = 0.25 ms
    a = float(numeric(area))
    exact = A_P * TAU_P - A_M * TAU_M
    if np.sign(a) != np.sign(exact):
        return "wrong sign: which lobe has more area, potentiation (A+ τ+) or depression (A− τ−)?"
    if abs(a - exact) > 0.0012:
        return ("right sign, wrong size: integrate the window from −250 to 250 ms in steps of 0.25 ms "
                "with np.trapezoid(window, grid) (too small a range misses the depression tail)")
    return None


grade("Exercise 2", _check_area, todo="set area to a float: np.trapezoid of sx.stdp_window(BIPOO, grid, "
      "dt_ms=0.25) over grid; its sign tells whether uncorrelated activity potentiates or depresses")
"""),
md(r"""
## 3. All-to-all or nearest neighbour?  (~20 min)

The pair rule does not say *which* pairs count when spikes come in trains. Two common
choices, both one line in the trace update:

* **all-to-all** — a spike *adds* 1 to its trace, so every earlier spike contributes;
* **nearest neighbour** — a spike *resets* its trace to 1, so only the most recent spike of
  the other neuron counts.

For an isolated pair they agree. In a pairing protocol — pre/post pairs with
$\Delta t = +10$ ms repeated 60 times (as in Bi & Poo) at a frequency $f$ — the post spike of
one pair is followed by the pre spike of the *next* pair after $1000/f - 10$ ms. At low
frequency that post→pre interval is long and harmless; at high frequency it becomes a
depressing pair, and the two rules count it differently.
"""),
code(r"""
FREQS = np.array([1.0, 2.0, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0])
N_PAIRS, DT_P = 60, 0.5
DUR_P = N_PAIRS * 1000.0 + 100.0  # one fixed duration for every frequency: one compilation per rule


def pairing_dw(params, delta_t, freq):
    pre, post = sx.pairing_trains(delta_t, n_pairs=N_PAIRS, period_ms=1000.0 / freq,
                                  duration_ms=DUR_P, dt_ms=DT_P)
    w = np.asarray(sx.simulate_stdp(params, pre, post, w0=0.5, dt_ms=DT_P).w)
    return float(w[-1] - 0.5)


rules = {rule: sx.STDPParams(A_plus=A_P, A_minus=A_M, tau_plus=TAU_P, tau_minus=TAU_M, rule=rule)
         for rule in ("all_to_all", "nearest")}
dw_freq = {(rule, d): np.array([pairing_dw(p, d, f) / N_PAIRS for f in FREQS])
           for rule, p in rules.items() for d in (10.0, -10.0)}

print("Δw per pairing")
print("f (Hz)  " + "  ".join(f"{r.replace('_', '-'):>10s} {d:+.0f}" for r, d in dw_freq))
for i, f in enumerate(FREQS):
    print(f"{f:6.0f}  " + "  ".join(f"{v[i]:+14.5f}" for v in dw_freq.values()))
"""),
code(r"""
def steady_pair_dw(rule, delta_t, freq, Ap=A_P, Am=A_M, tp=TAU_P, tm=TAU_M):
    # steady-state Δw per pairing of the periodic protocol (pre at 0, post at Δt, period P)
    P = 1000.0 / freq
    if delta_t > 0:
        lag_pot, lag_dep = delta_t, P - delta_t   # post after its pre; next pre after that post
    else:
        lag_pot, lag_dep = P + delta_t, -delta_t  # post before its pre
    if rule == "nearest":
        return Ap * np.exp(-lag_pot / tp) - Am * np.exp(-lag_dep / tm)
    return Ap * np.exp(-lag_pot / tp) / (1 - np.exp(-P / tp)) - Am * np.exp(-lag_dep / tm) / (1 - np.exp(-P / tm))


f_axis = np.linspace(1.0, 50.0, 200)
style = {"all_to_all": "steelblue", "nearest": "crimson"}
for d in (10.0, -10.0):
    new_figure(f"Pairing at Δt = {d:+.0f} ms: simulation (dots), steady state (lines)")
    for rule in ("all_to_all", "nearest"):
        plt.plot(f_axis, [steady_pair_dw(rule, d, f) for f in f_axis], colors=[style[rule]],
                 labels=[rule], display_legend=True)
        plt.scatter(FREQS, dw_freq[(rule, d)], colors=[style[rule]], default_size=40)
    plt.hline(0.0, colors=[GREY])
    finish("pairing frequency (Hz)", "Δw per pairing")
"""),
md(r"""
At 1 Hz both rules reproduce the window. As the frequency rises, the post→pre interval
between consecutive pairs shrinks and adds depression. With **all-to-all** pairing, which sums
over every past spike, the $+10$ ms protocol potentiates less and less and turns into
**depression** between 40 and 50 Hz. With **nearest-neighbour** pairing each spike sees only
one partner on each side: the $+10$ ms protocol stays potentiating, and the $-10$ ms protocol
turns from depression to slight *potentiation* at 50 Hz. At 50 Hz (period 20 ms) the two
protocols are the same alternating train, apart from which spike comes first, so the nearest
rule gives them nearly the same positive change (about $+0.0014$ and $+0.0013$ per pairing in
the table).

How does that compare with cortex? Sjöström, Turrigiano & Nelson (2001) found that at 40–50 Hz
*both* orders potentiate, and that potentiation *grows* with the pairing frequency. The
nearest-neighbour pair rule gets the first observation, for the kinematic reason above, but gets
the second backwards: its $+10$ ms potentiation *shrinks* with frequency (from about $0.0053$ at
1 Hz to $0.0014$ at 50 Hz). The all-to-all pair rule gets neither. Rules in which potentiation
also depends on recent postsynaptic spikes — the triplet rule (Pfister & Gerstner 2006) or
voltage-based rules (Clopath et al. 2010) — reproduce both.

The engine has the triplet rule too (`STDPParams(..., A3_plus=..., tau_y=...)`). With the
minimal visual-cortex parameters that Pfister & Gerstner (2006, Table 4) fitted to Sjöström's
data (preset "Pfister 2006 visual all-to-all minimal": no pair potentiation at all, potentiation
only through the triplet term $A_3^+\,a_\text{pre}\,a_\text{post,slow}$), the same 60-pairing
protocol gives:
"""),
code(r"""
from stpexplorer.experiments.presets import get_preset

triplet = sx.STDPParams(**get_preset("Pfister 2006 visual all-to-all minimal").values)
F_TRIP = np.array([0.1, 1.0, 5.0, 10.0, 20.0, 30.0, 40.0, 50.0])
dw_trip = np.asarray(sx.stdp_frequency_curve(triplet, F_TRIP, [10.0, -10.0], n_pairs=N_PAIRS, dt_ms=0.1))
print("f (Hz)   Δw(+10 ms)   Δw(−10 ms)   (after 60 pairings, fractional change, no bounds)")
for f, (pos, neg) in zip(F_TRIP, dw_trip):
    print(f"{f:6.1f}   {pos:+10.3f}   {neg:+10.3f}")

new_figure("Triplet rule (Pfister & Gerstner 2006): Δw after 60 pairings", height="280px")
plt.scales(scales={"x": bqplot.LogScale(), "y": bqplot.LinearScale()})
plt.plot(F_TRIP, dw_trip[:, 0], colors=["steelblue"], marker="circle", labels=["Δt = +10 ms"], display_legend=True)
plt.plot(F_TRIP, dw_trip[:, 1], colors=["crimson"], marker="circle", labels=["Δt = −10 ms"], display_legend=True)
plt.hline(0.0, colors=[GREY])
finish("pairing frequency (Hz)", "Δw (fraction)")
"""),
md(r"""
Potentiation now *grows* with frequency, and the $-10$ ms protocol switches from depression to
potentiation between 30 and 40 Hz, as in Sjöström et al. (2001): the slow postsynaptic trace
counts recent post spikes, so the triplet term only pays off when pairs come fast.

### Exercise 3 — all-to-all STDP by brute force

With all-to-all pairing, the total weight change (away from the bounds) is the sum over
**all** pairs of spikes: $\sum_{\text{post } j}\sum_{\text{pre } i:\ t_i < t_j} A_+e^{-(t_j-t_i)/\tau_+}
- \sum_{\text{pre } i}\sum_{\text{post } j:\ t_j < t_i} A_-e^{-(t_i-t_j)/\tau_-}$.
For the $\Delta t = +10$ ms protocol at 20 Hz, compute this double sum directly from the spike
times (numpy broadcasting: a matrix of $t_j - t_i$) and store it in `dw_bruteforce`. The
check compares it with the simulation.
"""),
answer(r"""
# Exercise 3: the total Δw over the 60 pairings, from the double sum over spike pairs (a float)
dw_bruteforce = ...  # TODO
"""),
solution(r"""
pre, post = sx.pairing_trains(10.0, n_pairs=N_PAIRS, period_ms=50.0, duration_ms=DUR_P, dt_ms=DT_P)
t_pre = np.flatnonzero(pre) * DT_P
t_post = np.flatnonzero(post) * DT_P
lag = t_post[:, None] - t_pre[None, :]  # (post j, pre i): t_j - t_i
pot = np.sum(np.where(lag > 0, A_P * np.exp(-np.abs(lag) / TAU_P), 0.0))
dep = np.sum(np.where(lag < 0, A_M * np.exp(-np.abs(lag) / TAU_M), 0.0))
dw_bruteforce = float(pot - dep)
"""),
check(r"""
def _check_brute():
    d = float(numeric(dw_bruteforce))
    simulated = pairing_dw(rules["all_to_all"], 10.0, 20.0)
    if abs(d - simulated) < 1e-3 * max(abs(simulated), 1e-3):
        return None
    if np.sign(d) != np.sign(simulated):
        return ("wrong sign: at 20 Hz the post→pre pairs between consecutive pairings (40 ms apart) add "
                "depression; did you include the pairs with t_post < t_pre (weighted by A_minus, τ−)?")
    return ("right sign, wrong size: sum over *all* pairs (not only the nearest), with the spike times "
            "np.flatnonzero(train) * DT_P of the 20 Hz protocol (period 50 ms)")


grade("Exercise 3", _check_brute, todo="set dw_bruteforce to a float: build the matrix of t_post − t_pre with "
      "broadcasting and sum A+ e^{−lag/τ+} over positive lags minus A− e^{lag/τ−} over negative lags")
"""),
md(r"""
## 4. Hard vs soft bounds  (~10 min)

With **hard bounds** (additive STDP) the update does not depend on $w$; the weight is just
clipped to $[w_\text{min}, w_\text{max}]$. With **soft bounds** (multiplicative STDP, van Rossum,
Bi & Turrigiano 2000) potentiation is scaled by the room left, $w_\text{max}-w$, and depression
by $w - w_\text{min}$:

$$\text{post: } w \leftarrow w + A_+a_\text{pre}(w_\text{max}-w), \qquad
  \text{pre: } w \leftarrow w - A_-a_\text{post}(w-w_\text{min}).$$

Drive one synapse with **independent** Poisson pre and post trains (20 Hz each) from several
initial weights:
"""),
code(r"""
DT_B, DUR_B = 1.0, 200_000.0  # 200 s at 1 ms
pre_b = sx.poisson_train(20.0, duration_ms=DUR_B, dt_ms=DT_B, seed=1)
post_b = sx.poisson_train(20.0, duration_ms=DUR_B, dt_ms=DT_B, seed=2)
t_b = sx.time_axis(duration_ms=DUR_B, dt_ms=DT_B) / 1000.0  # s
W0S = (0.1, 0.5, 0.9)
w_b = {}
for bounds in ("hard", "soft"):
    params = sx.STDPParams(A_plus=A_P, A_minus=A_M, tau_plus=TAU_P, tau_minus=TAU_M, bounds=bounds)
    for w0 in W0S:
        w_b[(bounds, w0)] = np.asarray(sx.simulate_stdp(params, pre_b, post_b, w0=w0, dt_ms=DT_B).w)

for bounds in ("hard", "soft"):
    new_figure(f"{bounds} bounds: weight under uncorrelated 20 Hz pre and post spikes")
    for w0, c in zip(W0S, ("steelblue", "seagreen", "crimson")):
        plt.plot(t_b[::200], w_b[(bounds, w0)][::200], colors=[c], labels=[f"w0 = {w0}"], display_legend=True)
    finish("time (s)", "w")
"""),
md(r"""
Under hard bounds the net-depressing window (exercise 2) pushes every weight down to
$w_\text{min}$, at a rate that does not depend on $w$. Under soft bounds the drift
$\propto A_+\tau_+(w_\text{max}-w) - A_-\tau_-(w-w_\text{min})$ vanishes at an interior fixed point,
and all weights converge to it, whatever they started from.

> **Think!** (3 min) With hard bounds and uncorrelated spikes every weight runs down to 0.
> Yet in the next section, with the *same* kind of rule, half of the synapses end at $w_\text{max}$.
> What is different there?
"""),
notes(r"""
In section 4 pre and post are independent, so only the area of the window matters and it is
negative. In section 5 the postsynaptic neuron is driven *by the synapses*: a strong synapse's
spikes raise the chance of a post spike a few ms later, so its Δt distribution is skewed
towards small positive values (causal pairs), which the window rewards. That correlation is
larger the stronger the synapse — positive feedback, hence the split to the bounds. The net
negative area still matters: it keeps the total drive, and so the post rate, in check
(competition rather than runaway). Ask: what happens if $A_-\tau_- < A_+\tau_+$?
"""),
md(r"""

### Exercise 4 — the soft-bound fixed point

Solve $A_+\tau_+(w_\text{max}-w^*) = A_-\tau_-(w^*-w_\text{min})$ for $w^*$ and store it in
`w_star`. The check compares it with the time-averaged weight over the last 100 s.
"""),
answer(r"""
# Exercise 4: the soft-bound fixed point w* (a float between 0 and 1)
w_star = ...  # TODO
"""),
solution(r"""
a, b = A_P * TAU_P, A_M * TAU_M
w_star = a / (a + b)  # with w_min = 0, w_max = 1
"""),
check(r"""
def _check_wstar():
    ws = float(numeric(w_star))
    if not 0 < ws < 1:
        return "w* lies strictly between w_min = 0 and w_max = 1"
    drift = A_P * TAU_P * (1 - ws) - A_M * TAU_M * ws  # zero at the fixed point (no stored answer)
    if abs(drift) > 1e-4:
        return ("at your w the drift is " + ("positive" if drift > 0 else "negative") + ", so w* is "
                + ("larger" if drift > 0 else "smaller") + "; solve A+τ+(1 − w) = A−τ−w")
    late = t_b > 100.0
    if any(abs(w_b[("soft", w0)][late].mean() - ws) > 0.03 for w0 in W0S):
        return "the simulated soft-bound weights do not settle at your w*"
    return None


grade("Exercise 4", _check_wstar, todo="set w_star to a float in (0, 1) where potentiation A+τ+(1 − w) "
      "balances depression A−τ−w")
"""),
md(r"""
## 5. Competition: Song, Miller & Abbott (2000)  (~10 min)

Now let the postsynaptic neuron be driven by the synapses themselves. Song, Miller & Abbott
(2000) showed that additive STDP makes inputs **compete**: a synapse that happens to be
strong tends to fire the neuron shortly after its own spikes, so it is potentiated, which
makes it stronger still; weak synapses rarely contribute and are depressed. Starting from
identical weights, the distribution splits into two groups at the bounds, and the
postsynaptic rate is regulated at a moderate level. With soft bounds the same protocol gives a
unimodal distribution (van Rossum et al. 2000).

We use `sx.simulate_circuit`: 200 independent 10 Hz Poisson inputs → synapses (short-term
plasticity switched off: $U=1$, $\tau_f=\tau_d=0$, so each spike releases exactly $w$) → a LIF
neuron (adaptive threshold off: $\theta_+=0$) → STDP on the 200 weights. To keep memory small we
simulate 200 s in 5 s blocks, carrying the weights from one block to the next (the traces and
the membrane restart at each block, a negligible effect). $dt = 1$ ms; the learning rate is
larger than Song's so that it converges in minutes rather than hours.
"""),
code(r"""
N_IN, RATE_IN, DT_S = 200, 10.0, 1.0
BLOCK_MS, N_BLOCKS = 5000.0, 40
no_stp = sx.STPParams(U=1.0, tau_f=0.0, tau_d=0.0)
lif = sx.ALIFParams(tau_m=20.0, v_rest=-70.0, v_reset=-60.0, v_th=-54.0, R=10.0, theta_plus=0.0,
                    tau_theta=100.0, refract_ms=2.0)


def song(bounds, seed=0):
    stdp = sx.STDPParams(A_plus=0.02, A_minus=0.022, tau_plus=20.0, tau_minus=20.0, bounds=bounds)
    params = sx.CircuitParams(stp=no_stp, neuron=lif, stdp=stdp, tau_syn=5.0, gain=0.3, i_ext=0.0)
    w = np.full(N_IN, 0.5)
    rates = []
    for k in range(N_BLOCKS):
        pre = sx.poisson_train(RATE_IN, duration_ms=BLOCK_MS, dt_ms=DT_S, seed=1000 * seed + k, n_trains=N_IN)
        tr = sx.simulate_circuit(params, pre, w0=w, dt_ms=DT_S)
        w = np.asarray(tr.w[-1])
        rates.append(float(np.asarray(tr.spikes).sum()) / BLOCK_MS * 1000.0)
    return w, np.array(rates)


w_hard, rate_hard = song("hard")
w_soft, rate_soft = song("soft")
print(f"post rate, first/last block: hard {rate_hard[0]:.1f} → {rate_hard[-1]:.1f} Hz, "
      f"soft {rate_soft[0]:.1f} → {rate_soft[-1]:.1f} Hz")
for name, w in (("hard", w_hard), ("soft", w_soft)):
    near = np.mean((w < 0.1) | (w > 0.9))
    print(f"{name}: fraction of weights within 0.1 of a bound = {near:.2f}, mean w = {w.mean():.3f}, sd = {w.std():.3f}")
"""),
code(r"""
BINS = np.linspace(0.0, 1.0, 26)  # one range and one set of bins for both histograms
for name, w, c in (("additive (hard bounds)", w_hard, "steelblue"), ("multiplicative (soft bounds)", w_soft, "crimson")):
    counts, _ = np.histogram(w, bins=BINS)
    new_figure(f"Song, Miller & Abbott (2000): final weights, {name}", height="280px")
    plt.bar(0.5 * (BINS[1:] + BINS[:-1]), counts, colors=[c], padding=0.05)
    plt.xlim(0.0, 1.0)
    finish("w / w_max   (25 bins over [0, 1])", "number of synapses")

new_figure("Postsynaptic rate during learning", height="260px")
blocks_s = (np.arange(N_BLOCKS) + 1) * BLOCK_MS / 1000.0
plt.plot(blocks_s, rate_hard, colors=["steelblue"], labels=["hard"], display_legend=True)
plt.plot(blocks_s, rate_soft, colors=["crimson"], labels=["soft"], display_legend=True)
finish("time (s)", "post rate (Hz)")
"""),
code(r"""
# the qualitative result, as a test: bimodal under additive STDP, unimodal under multiplicative STDP
assert np.mean((w_hard < 0.1) | (w_hard > 0.9)) > 0.4 and np.sum(w_hard > 0.9) > 20 and np.sum(w_hard < 0.1) > 20
assert np.mean((w_soft < 0.1) | (w_soft > 0.9)) == 0 and w_soft.std() < 0.1
print("bimodal (hard) vs unimodal (soft): reproduced")
"""),
md(r"""
## 6. Pair rules against the frequency data  (~20 min)

Section 3 showed the pair rules on Bi & Poo's amplitudes. Now compare them with the data they
are meant to explain: Sjöström, Turrigiano & Nelson (2001) paired pre- and postsynaptic spikes
in layer-5 pyramidal cells of rat visual cortex at $\Delta t = \pm 10$ ms and at several rates,
and measured the fractional change of the EPSP (mean ± SEM, shipped as
`stpexplorer.experiments.datasets.SJOSTROM_2001`). Pfister & Gerstner (2006) compared models with it after
60 pairings, without weight bounds (`bounds="none"`); `sx.stdp_frequency_curve` simulates exactly
that protocol for all rates and both lags in one call.

What exactly can a pair rule do? The next cell computes the nearest-neighbour pair rule (Bi & Poo
amplitudes) and checks two statements: at 50 Hz it potentiates for **both** orders (a small
change: at 50 Hz the two protocols are nearly the same alternating train), but its potentiation
at $+10$ ms does **not grow** with the rate; it shrinks, because the post→pre interval to the next
pair gets shorter and adds depression.
"""),
code(r"""
from scipy.optimize import nnls
from stpexplorer.experiments.datasets import SJOSTROM_2001 as SJ

F_FINE = np.union1d(np.geomspace(0.1, 50.0, 40), SJ.rates_hz)  # the data's rates are on the grid
near_pair = sx.STDPParams(A_plus=A_P, A_minus=A_M, tau_plus=TAU_P, tau_minus=TAU_M, rule="nearest", bounds="none")
dw_near = np.asarray(sx.stdp_frequency_curve(near_pair, SJ.rates_hz, SJ.delta_t_ms, n_pairs=SJ.n_pairs))
k50, k10 = list(SJ.rates_hz).index(50.0), list(SJ.rates_hz).index(10.0)
print(f"nearest pair rule, {SJ.n_pairs} pairings (Bi & Poo amplitudes), Δw at Δt = +10 / −10 ms:")
for f, (pos, neg) in zip(SJ.rates_hz, dw_near):
    print(f"  {f:5.1f} Hz   {pos:+.4f}   {neg:+.4f}")
assert np.all(dw_near[k50] > 0), "both orders potentiate at 50 Hz"
assert np.all(np.diff(dw_near[k10:, 0]) < 0), "+10 ms potentiation shrinks from 10 Hz up"
print(f"at 50 Hz both orders potentiate ({dw_near[k50, 0]:+.4f}, {dw_near[k50, 1]:+.4f}), "
      f"but +10 ms potentiation falls from {dw_near[k10, 0]:+.4f} at 10 Hz to {dw_near[k50, 0]:+.4f} at 50 Hz;")
print("Sjöström's mean +10 ms change rises from "
      f"{SJ.mean[k10, 0]:+.2f} at 10 Hz to {SJ.mean[k50, 0]:+.2f} at 50 Hz")
"""),
md(r"""
Perhaps other amplitudes would do better? Without bounds, $\Delta w$ of any of these rules is
**linear** in its amplitudes (the traces do not depend on $w$): $\Delta w = A_+\,P - A_-\,D$,
where $P$ is $\Delta w$ with $A_+ = 1, A_- = 0$ and $-D$ is $\Delta w$ with $A_+ = 0, A_- = 1$. So the
best amplitudes for the data are a (non-negative) linear least-squares fit. `design` builds the
columns, one per amplitude, for the 10 data points (5 rates × 2 lags, flattened):
"""),
code(r"""
def design(rule, amps, tau_y=114.0):
    # one column per amplitude: Δw of the 10 protocols with that amplitude 1 and the others 0 (sign included)
    cols = []
    for amp in amps:
        unit = {"A_plus": 0.0, "A_minus": 0.0, "A3_plus": 0.0, "A3_minus": 0.0, amp: 1.0}
        p = sx.STDPParams(**unit, tau_plus=TAU_P, tau_minus=TAU_M, tau_y=tau_y, rule=rule, bounds="none")
        cols.append(np.asarray(sx.stdp_frequency_curve(p, SJ.rates_hz, SJ.delta_t_ms, n_pairs=SJ.n_pairs)).ravel())
    return np.stack(cols, axis=1)  # (10, n_amps)


X_NEAR = design("nearest", ("A_plus", "A_minus"))
Y_SJ, S_SJ = SJ.mean.ravel(), SJ.sem.ravel()
print("design matrix of the nearest pair rule:", X_NEAR.shape, "  data:", Y_SJ.shape)
"""),
md(r"""
### Exercise 5 — the best pair rule

Fit the amplitudes $(A_+, A_-)$ of the nearest-neighbour pair rule to the Sjöström means by
**weighted, non-negative** least squares: minimise $\sum_k \big((X a)_k - y_k\big)^2/\sigma_k^2$
over $a \ge 0$, where $\sigma_k$ is the SEM. Divide each row of `X_NEAR` and each entry of `Y_SJ`
by `S_SJ`, call `scipy.optimize.nnls` (imported as `nnls`) and store the amplitudes as a
length-2 array in `pair_fit`.
"""),
answer(r"""
# Exercise 5: best non-negative (A_plus, A_minus) of the nearest pair rule, weighted by 1/SEM
pair_fit = ...  # TODO
"""),
solution(r"""
pair_fit, _ = nnls(X_NEAR / S_SJ[:, None], Y_SJ / S_SJ)
"""),
check(r"""
def _check_pair_fit():
    a = numeric(pair_fit, shape=(2,))
    if np.any(a < 0):
        return "amplitudes are non-negative: use nnls (np.linalg.lstsq allows negative ones)"
    xw, yw = X_NEAR / S_SJ[:, None], Y_SJ / S_SJ
    grad = xw.T @ (xw @ a - yw)  # optimality: zero gradient, or a positive one at a = 0
    tol = 1e-4 * np.linalg.norm(xw.T @ yw)
    if np.all(np.where(a > 0, np.abs(grad), np.maximum(-grad, 0.0)) < tol):
        return None
    unweighted = X_NEAR.T @ (X_NEAR @ a - Y_SJ)
    if np.all(np.where(a > 0, np.abs(unweighted), np.maximum(-unweighted, 0.0)) < 1e-4 * np.linalg.norm(X_NEAR.T @ Y_SJ)):
        return "this is the unweighted fit: divide the rows of X_NEAR and the entries of Y_SJ by S_SJ first"
    return "not the least-squares optimum: nnls(X_NEAR / S_SJ[:, None], Y_SJ / S_SJ) returns (amplitudes, residual)"


grade("Exercise 5", _check_pair_fit, todo="set pair_fit to the length-2 array returned by nnls on the SEM-weighted "
      "design matrix and data")
"""),
md(r"""
The triplet rule is linear in its amplitudes too. The same fit for the minimal all-to-all
triplet rule (amplitudes $A_3^+$ and $A_2^-$, $\tau_y = 114$ ms) and for the all-to-all pair rule, and the
weighted squared error $\chi^2$ of each:
"""),
code(r"""
fits = {}
for name, rule, amps in (("nearest pair", "nearest", ("A_plus", "A_minus")),
                         ("all-to-all pair", "all_to_all", ("A_plus", "A_minus")),
                         ("minimal triplet", "all_to_all", ("A3_plus", "A_minus"))):
    X = design(rule, amps)
    a, _ = nnls(X / S_SJ[:, None], Y_SJ / S_SJ)
    fits[name] = (rule, dict(zip(amps, a)), float(np.sum(((X @ a - Y_SJ) / S_SJ) ** 2)))
    print(f"{name:16s} " + ", ".join(f"{k} = {v:.2e}" for k, v in fits[name][1].items())
          + f";  chi² = {fits[name][2]:.1f} over {Y_SJ.size} points")
table = get_preset("Pfister 2006 visual all-to-all minimal").values
print(f"Pfister & Gerstner (2006, Table 4): A3_plus = {table['A3_plus']:.1e}, A_minus = {table['A_minus']:.1e}")
assert all(np.isclose(fits["minimal triplet"][1][k], table[k], rtol=0.05) for k in ("A3_plus", "A_minus"))
"""),
code(r"""
curves = {}
for name, (rule, amps, _) in fits.items():
    p = sx.STDPParams(**{"A_plus": 0.0, "A_minus": 0.0, **amps}, tau_plus=TAU_P, tau_minus=TAU_M, tau_y=114.0,
                      rule=rule, bounds="none")
    curves[name] = np.asarray(sx.stdp_frequency_curve(p, F_FINE, SJ.delta_t_ms, n_pairs=SJ.n_pairs))
colors = {"nearest pair": "crimson", "all-to-all pair": "darkorange", "minimal triplet": "steelblue"}
for j, lag in enumerate(SJ.delta_t_ms):
    new_figure(f"Best fits against Sjöström et al. (2001), Δt = {lag:+.0f} ms", height="300px")
    plt.scales(scales={"x": bqplot.LogScale(), "y": bqplot.LinearScale()})
    for name, c in colors.items():
        plt.plot(F_FINE, curves[name][:, j], colors=[c], labels=[name], display_legend=True)
    lo, hi = SJ.mean[:, j] - SJ.sem[:, j], SJ.mean[:, j] + SJ.sem[:, j]
    plt.plot(np.stack([SJ.rates_hz, SJ.rates_hz], axis=1), np.stack([lo, hi], axis=1), colors=[GREY])
    plt.scatter(SJ.rates_hz, SJ.mean[:, j], colors=[GREY], default_size=40)
    plt.hline(0.0, colors=[GREY])
    finish("pairing rate (Hz)", f"Δw after {SJ.n_pairs} pairings")
"""),
code(r"""
best_near = curves["nearest pair"]
k10f, k50f = list(F_FINE).index(10.0), list(F_FINE).index(50.0)
print(f"best nearest pair rule: +10 ms Δw {best_near[k10f, 0]:+.3f} at {F_FINE[k10f]:.1f} Hz → "
      f"{best_near[k50f, 0]:+.3f} at 50 Hz; −10 ms at 50 Hz {best_near[k50f, 1]:+.3f}")
trip = curves["minimal triplet"]
print(f"minimal triplet rule: +10 ms Δw {trip[k10f, 0]:+.3f} → {trip[k50f, 0]:+.3f}; "
      f"−10 ms {trip[0, 1]:+.3f} at 0.1 Hz → {trip[k50f, 1]:+.3f} at 50 Hz")
assert np.all(np.diff(best_near[k10f:, 0]) < 0) and np.all(np.diff(trip[k10f:, 0]) > 0)  # from 10 Hz up
assert fits["minimal triplet"][2] < 0.2 * min(fits["nearest pair"][2], fits["all-to-all pair"][2])
"""),
md(r"""
Even the best pair rules miss the data: the best nearest rule has its +10 ms potentiation
*falling* with the rate, and both pair rules leave a $\chi^2$ many times that of the triplet rule
(numbers above). The triplet rule fixes it with one term: a post spike potentiates by
$r_1\,(A_2^+ + A_3^+ o_2)$, and the slow postsynaptic trace $o_2$ ($\tau_y = 114$ ms) is the
recent **postsynaptic rate**. At 0.1 Hz $o_2 \approx 0$ and the minimal rule only depresses; at 50 Hz
every post spike reads several earlier ones and potentiation grows with the rate for both orders
— a spike-timing version of the BCM rule (Izhikevich & Desai 2003; Pfister & Gerstner 2006).
The fitted minimal amplitudes come out at the values of Pfister & Gerstner's Table 4 (compare the
two lines printed above).

## 7. Learning from correlated inputs  (~15 min)

Section 5 showed competition among independent inputs. Song, Miller & Abbott (2000, Fig. 4) and
Song & Abbott (2001) also gave the inputs structure: a **group** of inputs whose spikes are
correlated. `sx.simulate_learning` runs that experiment, written for long runs: 200 inputs onto
a conductance-based integrate-and-fire neuron with an inhibitory background (Song et al.'s model),
additive STDP with $A_-/A_+ = 1.05$ and hard bounds, advanced in one compiled scan that keeps only
a record per second of simulated time.

How the group is made: in every time step a shared source spikes with probability $p = r\,dt$;
each group input copies the shared spike with probability $\sqrt{c}$ and otherwise draws its own.
Every input keeps the rate $r$, and two group inputs have correlation coefficient
$\frac{cp + (1-c)p^2 - p^2}{p(1-p)} = c$ (Song & Abbott 2001; Gütig et al. 2003 mix a shared source the same way). Measured:
"""),
code(r"""
C_GROUP, N_GROUP, RATE_L = 0.2, 50, 30.0
x_in = np.asarray(sx.correlated_inputs(RATE_L, n_inputs=20, n_corr=10, c=C_GROUP, duration_ms=20_000.0, dt_ms=1.0,
                                       seed=0))
cc = np.corrcoef(x_in.T)
off = ~np.eye(10, dtype=bool)
rates_in = x_in.mean(axis=0) * 1000.0
print(f"input rates {rates_in.min():.1f}–{rates_in.max():.1f} Hz (r = {RATE_L:g} Hz)")
print(f"mean pairwise correlation (1 ms bins): within the group {cc[:10, :10][off].mean():.3f} (c = {C_GROUP}), "
      f"group–others {cc[:10, 10:].mean():+.3f}, among the others {cc[10:, 10:][off].mean():+.3f}")
"""),
code(r"""
LEARN = sx.LearningParams(rate_hz=RATE_L, n_corr=float(N_GROUP), c=C_GROUP,
                          stdp=sx.song2000_stdp(A_plus=0.01, A_minus=0.0105))  # twice Song's rate: 50 s suffice
tr_l = sx.simulate_learning(LEARN, n_inputs=200, duration_ms=50_000.0, dt_ms=1.0, seed=0, record_every_ms=1000.0)
W_L, in_grp, t_l = np.asarray(tr_l.w), np.asarray(tr_l.in_group), np.asarray(tr_l.t_ms) / 1000.0
w_end = W_L[-1]
print(f"after {t_l[-1]:.0f} s: group mean w = {w_end[in_grp].mean():.2f}, others {w_end[~in_grp].mean():.2f}; "
      f"{np.mean(w_end < 0.1):.0%} of all weights below 0.1, {np.mean(w_end > 0.9):.0%} above 0.9; "
      f"output rate {float(tr_l.rate_hz[0]):.0f} Hz in the first second, {float(tr_l.rate_hz[-1]):.0f} Hz in the last")

new_figure("Mean weight during learning", height="260px")
plt.plot(t_l, W_L[:, in_grp].mean(axis=1), colors=["crimson"], labels=[f"correlated group (c = {C_GROUP})"],
         display_legend=True)
plt.plot(t_l, W_L[:, ~in_grp].mean(axis=1), colors=["steelblue"], labels=["independent inputs"], display_legend=True)
finish("time (s)", "mean w / w_max")

counts_g, _ = np.histogram(w_end[in_grp], bins=BINS)
counts_r, _ = np.histogram(w_end[~in_grp], bins=BINS)
new_figure(f"Final weights after {t_l[-1]:.0f} s", height="280px")
plt.bar(0.5 * (BINS[1:] + BINS[:-1]), [counts_g, counts_r], colors=["crimson", "steelblue"], type="stacked",
        labels=["correlated group", "independent"], display_legend=True, padding=0.05)
finish("w / w_max   (25 bins over [0, 1])", "number of synapses")
assert w_end[in_grp].mean() > w_end[~in_grp].mean() + 0.5
"""),
md(r"""
The correlated inputs win: their spikes arrive together, so they fire the neuron together and
each of them sees its own spikes followed by a post spike — causal pairs that the window rewards.
The independent inputs mostly lose, and the output rate settles far below its start (numbers
above). STDP has picked out the correlated group without being told which it is.

## 8. Explore  (~5 min)

Use the panel to change $\Delta t$, the pairing frequency, the rule and the bounds, and watch
the window and the weight trace.
"""),
panel(r"""
panel = sx.STDPPanel()
panel
"""),
md(r"""
## Summary

* Trace-based STDP: a post spike adds $A_+a_\text{pre}$, a pre spike subtracts $A_-a_\text{post}$;
  for an isolated pair this gives the exponential window of Bi & Poo (1998).
* The area $A_+\tau_+ - A_-\tau_-$ sets the drift for uncorrelated activity; a slightly negative
  area (depression dominates) keeps additive STDP stable.
* All-to-all and nearest-neighbour pairing agree for isolated pairs but not for trains: at high
  pairing frequencies the post→pre interactions between consecutive pairs turn all-to-all
  potentiation into depression, while the nearest rule potentiates both orders at 50 Hz. Neither
  makes potentiation grow with frequency as in cortex (Sjöström et al. 2001); triplet rules do.
* Fitted to Sjöström et al. (2001), even the best pair rule keeps potentiation from growing with
  the rate; the triplet term $A_3^+ r_1 o_2$, which reads the recent postsynaptic rate, fits the data,
  and its best amplitudes are those of Pfister & Gerstner (2006).
* Hard (additive) bounds make weights drift to the bounds and inputs compete — a **bimodal**
  distribution (Song, Miller & Abbott 2000); soft (multiplicative) bounds give an interior fixed
  point $w^* = A_+\tau_+/(A_+\tau_+ + A_-\tau_-)$ and a **unimodal** distribution.
* A group of correlated inputs wins the competition: STDP detects input correlations.

**Next:** notebook 4 puts short-term plasticity, adaptive thresholds and STDP in one circuit.

### References

* Bi G-Q, Poo M-M (1998) Synaptic modifications in cultured hippocampal neurons: dependence on spike timing, synaptic strength, and postsynaptic cell type. *J Neurosci* 18:10464–10472.
* Bi G-Q, Poo M-M (2001) Synaptic modification by correlated activity: Hebb's postulate revisited. *Annu Rev Neurosci* 24:139–166.
* Song S, Miller KD, Abbott LF (2000) Competitive Hebbian learning through spike-timing-dependent synaptic plasticity. *Nat Neurosci* 3:919–926.
* van Rossum MCW, Bi G-Q, Turrigiano GG (2000) Stable Hebbian learning from spike timing-dependent plasticity. *J Neurosci* 20:8812–8821.
* Sjöström PJ, Turrigiano GG, Nelson SB (2001) Rate, timing, and cooperativity jointly determine cortical synaptic plasticity. *Neuron* 32:1149–1164.
* Izhikevich EM, Desai NS (2003) Relating STDP to BCM. *Neural Computation* 15:1511–1523.
* Pfister J-P, Gerstner W (2006) Triplets of spikes in a model of spike timing-dependent plasticity. *J Neurosci* 26:9673–9682.
* Song S, Abbott LF (2001) Cortical development and remapping through spike timing-dependent plasticity. *Neuron* 32:339–350.
* Gütig R, Aharonov R, Rotter S, Sompolinsky H (2003) Learning input correlations through nonlinear temporally asymmetric Hebbian plasticity. *J Neurosci* 23:3697–3714.
* Clopath C, Büsing L, Vasilaki E, Gerstner W (2010) Connectivity reorganization by exploiting spike timing and voltage. *Nat Neurosci* 13:344–352.
"""),
]


def build_notebook(out_dir=None, student=False):
    return build("03_stdp.ipynb", "stdp", CELLS, out_dir=out_dir, student=student)
