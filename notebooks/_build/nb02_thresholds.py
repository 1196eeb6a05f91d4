"""Content of notebooks/02_adaptive_thresholds.ipynb."""

from nbtools import answer, build, check, code, instructor_setup, md, notes, panel, setup_cell, solution

CELLS = [
md(r"""
# 2 · Adaptive thresholds: homeostasis and spike-frequency adaptation

*stpexplorer course, notebook 2 of 5.*

Notebook 1 was about synapses changing with use. Neurons change too: a neuron that has just
fired a lot becomes harder to excite. A **threshold that rises with every spike and relaxes
back** is the simplest way to model this, and it does two quite different jobs:

1. **Homeostasis in a winner-take-all layer** (the WTAS cell of Tavanaei, Masquelier & Maida
   2018, as in ngclearn): thresholds on output *probabilities* adjust until exactly one unit
   fires per step.
2. **Spike-frequency adaptation** in a single neuron (the adaptive LIF of Diehl & Cook 2015
   and the ALIF of Bellec et al. 2018): interspike intervals lengthen during a constant
   input and the f–I curve flattens.

Each exercise has a blank for you to fill (`... # TODO`) and a **check** cell that prints a hint
until your answer is right, then "correct". Units: ms, mV, nA, MΩ. The timings (~ min) add up
to about 70 minutes.
The figures are live widgets: to see them when you reopen the saved notebook without running it,
turn on *Settings → Save Widget State Automatically* in JupyterLab before saving.
"""),
setup_cell(r"""
import numpy as np
import bqplot.pyplot as plt
import stpexplorer as sx

"""),
instructor_setup(),
md(r"""
## 1. Winner-take-all with homeostatic thresholds (WTAS)  (~25 min)

A WTAS layer has $n$ units. At each step the input currents $j_i$ become potentials
$v_i = R j_i$ and then **probabilities** through a softmax,

$$p_i = \frac{e^{v_i}}{\sum_k e^{v_k}}, \qquad \sum_i p_i = 1 ,$$

and unit $i$ fires if $p_i > \theta_i$. After each step *every* threshold moves by the same
amount,

$$\theta_i \leftarrow \max\big(\theta_i + g_\theta\,(\textstyle\sum_k s_k - 1),\ 0.025\big),$$

up when more than one unit fired, down when none did. The target is exactly one spike per
step.

**Why $1/n < \theta_0 \ll 0.5$?** Because the $p_i$ sum to one:

* at most **one** $p_i$ can exceed $0.5$, so thresholds $\ge 0.5$ never allow two winners —
  but usually no unit reaches 0.5 and the layer is silent;
* the largest $p_i$ is at least the mean, $1/n$, so thresholds $< 1/n$ guarantee at least
  one winner — but usually several.

Thresholds just above $1/n$ (and well below 0.5) start the layer close to one winner per
step; the homeostatic rule then fine-tunes them. Let us check the two facts on random inputs
first.
"""),
code(r"""
rng = np.random.default_rng(1)
n = 10
v = rng.normal(0.0, 2.0, size=(100_000, n))
p = np.exp(v - v.max(axis=1, keepdims=True))
p /= p.sum(axis=1, keepdims=True)
print("largest number of units with p > 0.5 :", int((p > 0.5).sum(axis=1).max()))
print("smallest number of units with p >= 1/n:", int((p >= 1.0 / n).sum(axis=1).min()))
"""),
md(r"""
Now a layer of 10 units. The input is a random pattern held for 50 steps, then a new one
(think of a new image every 50 ms). We start three layers with thresholds below $1/n$,
between $1/n$ and $0.5$, and above $0.5$ and count the spikes per step.
"""),
code(r"""
N_UNITS, N_STEPS, BLOCK = 10, 2000, 50
rng = np.random.default_rng(0)
patterns = rng.random((N_STEPS // BLOCK, N_UNITS)) * 5.0
current = np.repeat(patterns, BLOCK, axis=0)  # (n_steps, n_units)

counts, thresholds = {}, {}
for thr_base in (0.02, 0.2, 0.8):
    params = sx.WTASParams(n_units=N_UNITS, thr_base=thr_base, thr_gain=0.01, refract_ms=0.0, thr_jitter=0.01)
    tr = sx.simulate_wtas(params, current, dt_ms=1.0, seed=0)
    counts[thr_base] = np.asarray(tr.spikes).sum(axis=1)
    thresholds[thr_base] = np.asarray(tr.thr).mean(axis=1)

print("θ0      spikes in step 1   fraction of steps with exactly one spike, per 400-step window")
for thr_base, c in counts.items():
    frac = [np.mean(c[i:i + 400] == 1) for i in range(0, N_STEPS, 400)]
    print(f"{thr_base:4.2f}   {int(c[0]):16d}   " + "  ".join(f"{f:4.2f}" for f in frac))
"""),
code(r"""
steps = np.arange(N_STEPS)
colors = {0.02: "crimson", 0.2: "seagreen", 0.8: "steelblue"}

new_figure("Spikes per step (running mean over 25 steps)")
for thr_base, c in counts.items():
    running = np.convolve(c, np.ones(25) / 25, mode="same")
    plt.plot(steps[:600], running[:600], colors=[colors[thr_base]], labels=[f"θ0 = {thr_base}"], display_legend=True)
plt.hline(1.0, colors=[GREY], line_style="dashed")
finish("step", "spikes per step")

new_figure("Mean threshold")
for thr_base, th in thresholds.items():
    plt.plot(steps[:600], th[:600], colors=[colors[thr_base]], labels=[f"θ0 = {thr_base}"], display_legend=True)
plt.hline(1.0 / N_UNITS, colors=[GREY], line_style="dashed")
plt.hline(0.5, colors=[GREY], line_style="dashed")
finish("step   (dashed: 1/n and 0.5)", "θ")
"""),
md(r"""
* With $\theta_0 = 0.02 < 1/n$ the first steps have many winners; the thresholds climb.
* With $\theta_0 = 0.8 > 0.5$ the layer is silent until the thresholds have come down.
* With $\theta_0 = 0.2$ it starts close to one winner per step.

All three end in the same regime: the thresholds sit between the largest and the second
largest probability, and almost every step has **exactly one** spike. The windows where the
fraction dips contain the few patterns whose two largest $p_i$ differ by less than the
threshold step $g_\theta = 0.01$: a step of all thresholds then jumps over both at once, and
the count alternates 0, 2, 0, 2, ... for the whole pattern (check it: compute the gap between
the two largest $p_i$ of each pattern).

> **Think!** (2 min) Every threshold moves by the *same* amount each step. How can the layer
> then end up with a different winner for each pattern?
"""),
notes(r"""
The thresholds move together, but the *probabilities* differ per pattern: the common threshold
settles between the largest and the second-largest $p_i$ of the current input, so the unit
with the largest $p$ wins, whichever it is. The homeostasis fixes *how many* units fire,
the input decides *which*. (With the per-unit jitter the thresholds are not exactly equal, which
breaks ties.) A good follow-up: what if two patterns alternate every step?
"""),
md(r"""
### Exercise 1 — how fast do the thresholds come down?

Hold the **first** pattern, `patterns[0]`, for 200 steps (`np.tile(patterns[0], (200, 1))`)
and simulate a layer started at $\theta_0 = 0.8$ (same parameters as above, `seed=0`). Store
in `first_spike_step` the index of the first step with a spike. Can you predict it? Each
silent step lowers every threshold by $g_\theta = 0.01$, and the first spike comes when the
threshold of the unit with the largest $p$ has come down to that $p$.
"""),
answer(r"""
# Exercise 1: the index of the first step with a spike (an integer)
first_spike_step = ...  # TODO
"""),
solution(r"""
held = np.tile(patterns[0], (200, 1))
params = sx.WTASParams(n_units=N_UNITS, thr_base=0.8, thr_gain=0.01, refract_ms=0.0, thr_jitter=0.01)
c = np.asarray(sx.simulate_wtas(params, held, dt_ms=1.0, seed=0).spikes).sum(axis=1)
first_spike_step = int(np.flatnonzero(c > 0)[0])  # prediction: (0.8 - max p) / 0.01
"""),
check(r"""
def _check_wtas():
    step = float(numeric(first_spike_step))
    v0 = patterns[0]
    p0 = np.exp(v0 - v0.max())
    p0 /= p0.sum()
    predicted = (0.8 - p0.max()) / 0.01  # within ± 2 steps for the ±0.01 threshold jitter
    if step != int(step) or step < 0:
        return "a step index is a non-negative integer"
    if abs(step - predicted) > 2.0:
        return ("too " + ("early" if step < predicted else "late")
                + ": simulate the held pattern with sx.simulate_wtas and take the first step whose spike count is > 0")
    return None


grade("Exercise 1", _check_wtas, todo="set first_spike_step to an integer: the first row of the held simulation "
      "with a spike (np.flatnonzero on the spike counts per step)")
"""),
md(r"""
## 2. Adaptive LIF: a threshold that remembers recent spikes  (~35 min)

The adaptive leaky integrate-and-fire neuron adds a threshold variable $\theta$ to the LIF:

$$\tau_m \frac{dv}{dt} = -(v - v_\text{rest}) + R\,I(t), \qquad
  \tau_\theta \frac{d\theta}{dt} = -\theta, \qquad \text{spike when } v \ge v_\text{th} + \theta .$$

At a spike $v$ is reset to $v_\text{reset}$ and held there for $t_\text{ref}$, and
$\theta \leftarrow \theta + \theta_+$. With the defaults of `sx.ALIFParams` ($\tau_m = 20$ ms,
$v_\text{rest} = v_\text{reset} = -70$ mV, $v_\text{th} = -54$ mV, $R = 10$ MΩ,
$\theta_+ = 2$ mV, $\tau_\theta = 200$ ms, $t_\text{ref} = 2$ ms) a neuron needs
$R I > 16$ mV, i.e. $I > 1.6$ nA, to fire at all (the **rheobase**).

### Spike-frequency adaptation

A step of 2.5 nA for 600 ms:
"""),
code(r"""
DT = 0.1
DUR = 800.0
t = sx.time_axis(duration_ms=DUR, dt_ms=DT)
step_current = np.where((t >= 100.0) & (t < 700.0), 2.5, 0.0)

adaptive = sx.ALIFParams()               # theta_plus = 2 mV
plain = sx.ALIFParams(theta_plus=0.0)    # a plain LIF for comparison
tr_a = sx.simulate_alif(adaptive, step_current, dt_ms=DT)
tr_p = sx.simulate_alif(plain, step_current, dt_ms=DT)

spk_a = t[np.asarray(tr_a.spikes) > 0]
spk_p = t[np.asarray(tr_p.spikes) > 0]
isi = np.diff(spk_a)
print("adaptive LIF: ISIs (ms) =", np.round(isi, 1))
print("plain LIF   : ISIs (ms) =", np.round(np.diff(spk_p)[:5], 1), "... (constant)")
print(f"adaptation index (last ISI / first ISI) = {isi[-1] / isi[0]:.2f}")
"""),
code(r"""
sub = slice(None, None, 4)
new_figure("Adaptive LIF, 2.5 nA step: membrane potential and threshold v_th + θ", height="320px")
plt.plot(t[sub], np.asarray(tr_a.v)[sub], colors=["steelblue"], labels=["v"], display_legend=True)
plt.plot(t[sub], np.asarray(tr_a.thr)[sub], colors=["crimson"], labels=["v_th + θ"], display_legend=True)
plt.scatter(spk_a, np.full(spk_a.size, -50.0), colors=[GREY], default_size=20, marker="triangle-down")
finish("time (ms)", "mV")

new_figure("Interspike intervals grow during the step")
plt.plot(np.arange(1, isi.size + 1), isi, colors=["crimson"], marker="circle", labels=["adaptive"], display_legend=True)
plt.plot(np.arange(1, isi.size + 1), np.full(isi.size, np.diff(spk_p)[0]), colors=[GREY],
         line_style="dashed", labels=["plain LIF"], display_legend=True)
finish("interval number", "ISI (ms)")
"""),
md(r"""
Every spike raises the threshold by 2 mV; with $\tau_\theta = 200$ ms it has not relaxed by
the next spike, so $\theta$ accumulates and each interval is longer than the last until the
threshold increments and the decay balance.

### Exercise 2 — write the adaptive threshold yourself

Below is one adaptive LIF neuron stepped in numpy, exactly as the engine does it (exact
membrane step for a current constant within $dt$, reset, refractory period). Four lines are
missing — the adaptive threshold. Fill them in:

1. $\theta$ relaxes to 0 with time constant $\tau_\theta$ over one step (multiply by $e^{-dt/\tau_\theta}$);
2. the threshold the membrane must reach is $v_\text{th} + \theta$;
3. a spike happens when $v$ reaches it, but never during the refractory period;
4. at a spike $\theta$ jumps by $\theta_+$.

The cell after it runs your neuron on the 2.5 nA step and plots your threshold on the engine's;
the check compares thresholds and spike times.
"""),
answer(r"""
# Exercise 2: the adaptive threshold in an adaptive LIF neuron (numpy)
def alif_numpy(current, p=sx.ALIFParams(), dt=DT):
    v_rest, v_reset, v_th, R = float(p.v_rest), float(p.v_reset), float(p.v_th), float(p.R)
    tau_m, tau_theta, theta_plus = float(p.tau_m), float(p.tau_theta), float(p.theta_plus)
    n_ref = round(float(p.refract_ms) / dt)
    v, theta, ref = v_rest, 0.0, 0
    thr_out, spikes_out = [], []
    for I in current:
        theta = ...  # TODO 1: θ relaxes towards 0 over one step dt
        v_inf = v_rest + R * I
        v = v_inf + (v - v_inf) * np.exp(-dt / tau_m)   # exact membrane step
        refractory = ref > 0
        if refractory:
            v = v_reset
        thr = ...    # TODO 2: the threshold the membrane must reach now
        spike = ...  # TODO 3: True when v reaches thr, never while refractory
        if spike:
            v = v_reset
            theta = ...  # TODO 4: the jump of θ at a spike
            ref = n_ref
        else:
            ref = max(ref - 1, 0)
        thr_out.append(thr)
        spikes_out.append(spike)
    return thr_out, spikes_out
"""),
solution(r"""
def alif_numpy(current, p=sx.ALIFParams(), dt=DT):
    v_rest, v_reset, v_th, R = float(p.v_rest), float(p.v_reset), float(p.v_th), float(p.R)
    tau_m, tau_theta, theta_plus = float(p.tau_m), float(p.tau_theta), float(p.theta_plus)
    n_ref = round(float(p.refract_ms) / dt)
    v, theta, ref = v_rest, 0.0, 0
    thr_out, spikes_out = [], []
    for I in current:
        theta = theta * np.exp(-dt / tau_theta)
        v_inf = v_rest + R * I
        v = v_inf + (v - v_inf) * np.exp(-dt / tau_m)
        refractory = ref > 0
        if refractory:
            v = v_reset
        thr = v_th + theta
        spike = (v >= thr) and not refractory
        if spike:
            v = v_reset
            theta = theta + theta_plus
            ref = n_ref
        else:
            ref = max(ref - 1, 0)
        thr_out.append(thr)
        spikes_out.append(spike)
    return thr_out, spikes_out
"""),
code(r"""
my_thr, my_spikes = alif_numpy(step_current)
new_figure("Threshold v_th + θ: the engine and your alif_numpy", height="280px")
plt.plot(t[sub], np.asarray(tr_a.thr)[sub], colors=["crimson"], labels=["engine"], display_legend=True, stroke_width=4)
if not any(v is Ellipsis for v in my_thr):
    plt.plot(t[sub], np.asarray(my_thr, dtype=float)[sub], colors=[GREY], line_style="dashed",
             labels=["yours"], display_legend=True)
finish("time (ms)", "threshold (mV)")
"""),
check(r"""
def _check_alif():
    thr = numeric(my_thr, shape=t.shape)
    spk = numeric(my_spikes, shape=t.shape) > 0.5
    engine_spk = t[np.asarray(tr_a.spikes) > 0.5]
    if spk.sum() != engine_spk.size:
        return ("your neuron fires " + ("more" if spk.sum() > engine_spk.size else "fewer") + " spikes than the "
                "engine's: check TODO 3 (v >= thr and not refractory) and that θ grows at each spike (TODO 4)")
    if np.max(np.abs(t[spk] - engine_spk)) > 1.5 * DT:
        return "the spike times drift away from the engine's: check the decay of θ (TODO 1) and its jump (TODO 4)"
    # float32 (engine) and float64 (numpy) may cross the threshold one step apart: compare
    # the thresholds away from the spikes
    near = np.convolve((spk | (np.asarray(tr_a.spikes) > 0.5)).astype(float), np.ones(5), mode="same") > 0
    if not np.allclose(thr[~near], np.asarray(tr_a.thr)[~near], atol=0.01):
        return "the spikes agree but the threshold trace does not: record v_th + θ after the decay, before the jump"
    return None


grade("Exercise 2", _check_alif, todo="fill the four TODO lines of alif_numpy (θ decay, threshold, spike "
      "condition, θ jump); it returns one threshold and one spike flag per step")
"""),
md(r"""
### The f–I curve, with and without adaptation

For a constant current we measure the steady-state rate. Only $R\cdot I$ enters the
equations, so instead of looping over currents we run **one batched simulation** over
$R$ (41 values) × $\theta_+$ (0 or 2 mV) with a 1 nA input: 82 neurons in one call.
"""),
code(r"""
I_AXIS = np.linspace(0.0, 4.0, 41)            # nA
DUR_FI = 2000.0
ones = np.ones(sx.n_steps_for(DUR_FI, DT))
grid = sx.ALIFParams(R=10.0 * I_AXIS, theta_plus=np.array([[0.0], [2.0]]))  # batch shape (2, 41)
tr_fi = sx.simulate_alif(grid, ones, dt_ms=DT)
spikes_fi = np.asarray(tr_fi.spikes)                # (2, 41, n_steps)
print("batched spikes:", spikes_fi.shape)


def steady_isi(spike_row):
    # mean ISI (ms) over the last second, or inf if the neuron fires < 3 times there
    times = np.flatnonzero(spike_row) * DT
    times = times[times > DUR_FI - 1000.0]
    return np.mean(np.diff(times)) if times.size >= 3 else np.inf


rate_fi = 1000.0 / np.array([[steady_isi(row) for row in cond] for cond in spikes_fi])
"""),
md(r"""
### Exercise 3 — the LIF f–I curve

Without adaptation, after a reset to $v_\text{rest}$ the membrane charges as
$v(t) = v_\text{rest} + RI\,(1 - e^{-t/\tau_m})$, so the interspike interval is
$T = t_\text{ref} + \tau_m \ln\frac{RI}{RI - (v_\text{th} - v_\text{rest})}$ for $RI > v_\text{th}-v_\text{rest}$.
Write `lif_rate(I)` returning the rate in Hz (0 below rheobase) for an array of currents in nA,
with the default parameters.
"""),
answer(r"""
# Exercise 3: the plain LIF rate in Hz for an array of currents I in nA (0 below rheobase)
def lif_rate(I):
    return ...  # TODO
"""),
solution(r"""
def lif_rate(I, tau_m=20.0, R=10.0, gap=16.0, t_ref=2.0):
    RI = R * np.asarray(I, dtype=float)
    above = RI > gap
    T = t_ref + tau_m * np.log(np.where(above, RI, 2 * gap) / np.where(above, RI - gap, gap))
    return np.where(above, 1000.0 / T, 0.0)
"""),
check(r"""
def _check_lif():
    # against the simulated plain LIF (rates within 2 %, away from rheobase)
    sim = rate_fi[0]
    ok = I_AXIS > 1.75
    mine = numeric(lif_rate(I_AXIS), shape=I_AXIS.shape)
    if np.any(mine[I_AXIS < 1.6] != 0):
        return "below the rheobase (R·I < v_th − v_rest) the rate is 0"
    if not np.allclose(mine[ok], sim[ok], rtol=0.02):
        high = np.mean(mine[ok] > sim[ok]) > 0.5
        return ("your rates are mostly " + ("above" if high else "below") + " the simulated `rate_fi[0]`: "
                "rate = 1000 / T in Hz with T in ms, and T includes the refractory period t_ref")
    return None


grade("Exercise 3", _check_lif, todo="write lif_rate(I) returning an array shaped like I: 1000/T Hz above "
      "the rheobase, 0 below")
"""),
md(r"""
### Exercise 4 — the adapted rate, exactly

In the adapted steady state the neuron fires periodically with interval $T$. Just after each
spike $\theta$ jumps by $\theta_+$ and then decays, so (a geometric series) it is
$\theta^* = \theta_+ \frac{e^{-T/\tau_\theta}}{1-e^{-T/\tau_\theta}}$ just before each spike, which is exactly
when $v$ must meet the threshold. The period therefore solves

$$RI\,\big(1 - e^{-(T-t_\text{ref})/\tau_m}\big) = (v_\text{th} - v_\text{rest}) + \theta_+\frac{e^{-T/\tau_\theta}}{1-e^{-T/\tau_\theta}} .$$

Write `alif_rate(I)` returning $1000/T$ (Hz) from this equation, solved numerically (bisection
on $T$, or `np.interp` on a fine grid of $T$), for the defaults ($\theta_+ = 2$ mV,
$\tau_\theta = 200$ ms). The check compares it with the simulated adaptive neuron.
"""),
answer(r"""
# Exercise 4: the adapted steady-state rate in Hz for an array of currents I in nA (I > 1.6 nA)
def alif_rate(I):
    return ...  # TODO
"""),
solution(r"""
def alif_rate(I, tau_m=20.0, R=10.0, gap=16.0, t_ref=2.0, theta_plus=2.0, tau_theta=200.0):
    T = np.linspace(t_ref + 1e-3, 2000.0, 200_000)
    e = np.exp(-T / tau_theta)
    needed = gap + theta_plus * e / (1 - e)  # threshold distance at the spike
    out = []
    for i in np.atleast_1d(I):
        reached = R * i * (1 - np.exp(-(T - t_ref) / tau_m))  # increases with T
        k = np.flatnonzero(reached >= needed)
        out.append(1000.0 / T[k[0]] if k.size else 0.0)
    return np.array(out)
"""),
check(r"""
def _check_alif_rate():
    # against the simulated adaptive LIF (within 3 %)
    sim = rate_fi[1]
    ok = I_AXIS >= 2.0
    mine = numeric(alif_rate(I_AXIS[ok]), shape=(int(ok.sum()),))
    if not np.allclose(mine, sim[ok], rtol=0.03):
        high = np.mean(mine > sim[ok]) > 0.5
        return ("your rates are mostly " + ("above" if high else "below") + " the simulated `rate_fi[1]`; "
                "θ* is the value just before a spike (after a full period of decay) and the membrane "
                "charges for T − t_ref")
    return None


grade("Exercise 4", _check_alif_rate, todo="write alif_rate(I) returning an array shaped like I: solve the "
      "period equation for T on a fine grid of T for each current, rate = 1000/T")
"""),
code(r"""
new_figure("f–I curves: simulation (dots) and your theory (lines)", height="320px")
plt.scatter(I_AXIS, rate_fi[0], colors=[GREY], default_size=30, labels=["plain LIF"], display_legend=True)
plt.scatter(I_AXIS, rate_fi[1], colors=["crimson"], default_size=30, labels=["adaptive"], display_legend=True)
if answered(lif_rate(I_AXIS)):
    plt.plot(I_AXIS, lif_rate(I_AXIS), colors=[GREY], labels=["LIF theory"], display_legend=True)
if answered(alif_rate(I_AXIS)):
    plt.plot(I_AXIS, alif_rate(I_AXIS), colors=["crimson"], labels=["adaptive theory"], display_legend=True)
finish("input current I (nA)", "steady-state rate (Hz)")
"""),
md(r"""
Adaptation divides the gain (the slope of the f–I curve) by a large factor and makes the
curve almost linear: each extra Hz of firing costs an extra
$\approx \theta_+\tau_\theta \cdot 1\,\text{Hz} = 0.4$ mV of threshold. The rheobase does not
change — the first spike always sees the base threshold.

> **Think!** (3 min) Adaptation flattens the f–I curve but leaves the rheobase where it was.
> Why? And what would a neuron with a *very* long $\tau_\theta$ (Diehl & Cook use $10^7$ ms) do
> to its rate over a whole training run?
"""),
notes(r"""
The first spike after a long silence sees $\theta = 0$, so the current needed to fire at all
is unchanged; only repeated firing raises the threshold. With $\tau_\theta$ far longer than the
experiment, $\theta$ is a running *count* of the neuron's spikes ($\theta \approx \theta_+ N$): a
neuron that wins often becomes hard to excite, which spreads the winning among the neurons of
a layer (homeostasis over a whole training run, Diehl & Cook 2015), rather than shaping the
response within a stimulus.
"""),
md(r"""
## 3. Explore  (~10 min)

The panel shows the WTAS layer and the adaptive LIF together: change $\theta_+$,
$\tau_\theta$ and the threshold gain, and watch the thresholds of both.
"""),
panel(r"""
panel = sx.ThresholdPanel()
panel
"""),
md(r"""
## Summary

* In a WTAS layer the softmax probabilities sum to one: thresholds $\ge 0.5$ allow at most one
  winner, thresholds $< 1/n$ force at least one. Starting with $1/n < \theta_0 \ll 0.5$ and
  moving all thresholds by $g_\theta(\sum s - 1)$ settles the layer to **exactly one spike per
  step** (except for inputs whose best two units are too close to separate).
* In the adaptive LIF every spike raises the threshold by $\theta_+$, which relaxes with
  $\tau_\theta$: interspike intervals lengthen during a step current (spike-frequency
  adaptation) and the f–I curve becomes shallower and more linear, with the same rheobase.
* The adapted period solves
  $RI(1-e^{-(T-t_\text{ref})/\tau_m}) = v_\text{th}-v_\text{rest} + \theta_+ e^{-T/\tau_\theta}/(1-e^{-T/\tau_\theta})$.
* Batched parameters (here $R\times\theta_+$) run many neurons in one jitted call.

**Next:** notebook 3, spike-timing-dependent plasticity.

### References

* Tavanaei A, Masquelier T, Maida A (2018) Representation learning using event-based STDP. *Neural Networks* 105:294–303. (The WTAS cell; ngclearn's `WTASCell` cites the same paper. Not to be confused with the review by Tavanaei, Ghodrati, Kheradpisheh, Masquelier & Maida (2019) Deep learning in spiking neural networks, *Neural Networks* 111:47–63.)
* Diehl PU, Cook M (2015) Unsupervised learning of digit recognition using spike-timing-dependent plasticity. *Front Comput Neurosci* 9:99.
* Bellec G, Salaj D, Subramoney A, Legenstein R, Maass W (2018) Long short-term memory and learning-to-learn in networks of spiking neurons. *NeurIPS*.
* Benda J, Herz AVM (2003) A universal model for spike-frequency adaptation. *Neural Computation* 15:2523–2564.
"""),
]


def build_notebook(out_dir=None, student=False):
    return build("02_adaptive_thresholds.ipynb", "thr", CELLS, out_dir=out_dir, student=student)
