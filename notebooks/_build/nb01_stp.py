"""Content of notebooks/01_short_term_plasticity.ipynb."""

from nbtools import answer, build, check, code, instructor_setup, md, notes, panel, setup_cell, solution

CELLS = [
md(r"""
# 1 · Short-term plasticity: the Tsodyks–Markram model

*stpexplorer course, notebook 1 of 5.*

A synapse is not a fixed number. When a presynaptic neuron fires a burst, the response to
each spike depends on the spikes before it: at some synapses the responses shrink
(**depression**: vesicles are used up faster than they are replenished), at others they grow
(**facilitation**: residual calcium raises the release probability). These changes build up
in tens of milliseconds and fade within a second or so — hence *short-term* plasticity (STP).

In this notebook you will

1. build the Tsodyks–Markram (TM) model step by step and check the simulator against the
   closed-form solution;
2. reproduce the depressing and facilitating synapses of Tsodyks, Pawelzik & Markram (1998)
   on their protocol (a 20 Hz train, then a recovery probe 0.25–3 s later);
3. derive the paired-pulse ratio and the steady state, and find the *limiting frequency*
   above which a depressing synapse transmits the same amount per second whatever the rate;
4. compare the conventions used by other simulators (ngclearn, brainpy/brainstate, the
   Neuromatch tutorials) — with numbers — and learn why they disagree.

**How to use it.** Run the cells from top to bottom (*Run → Run All Cells* works too). Each
exercise has a cell with a blank for you to fill (`... # TODO`) and a **check** cell after it:
the check prints a hint (what to compute, what shape or sign to expect) until your answer is
right, then "correct". **Think!** boxes are for discussing with your neighbour. Times are in
ms, rates in Hz. The timings (~ min) add up to a 90-minute lab.
The figures are live widgets: to see them when you reopen the saved notebook without running it,
turn on *Settings → Save Widget State Automatically* in JupyterLab before saving.
"""),
setup_cell(r"""
import numpy as np
import bqplot
import bqplot.pyplot as plt
import stpexplorer as sx

DT = 0.1  # ms, the time step used throughout

# the two synapses of Tsodyks, Pawelzik & Markram (1998)
DEP = sx.STPParams(U=0.5, tau_f=0.0, tau_d=800.0)    # depressing
FAC = sx.STPParams(U=0.03, tau_f=530.0, tau_d=130.0)  # facilitating


def at_spikes(values, spikes):
    # the entries of a (n_steps,) trace at the spike steps
    return np.asarray(values)[np.asarray(spikes) > 0.5]


def decay(elapsed, tau):
    # exp(-elapsed/tau), with tau = 0 meaning "forget immediately"
    elapsed = np.asarray(elapsed, dtype=float)
    return np.exp(-elapsed / tau) if tau > 0 else np.zeros_like(elapsed)

"""),
instructor_setup(),
md(r"""
## 1. The model  (~25 min)

Each synapse has two variables:

* $x\in[0,1]$, the fraction of **resources** (vesicles) available, and
* $u\in[0,1]$, the **utilisation**: the fraction of the available resources a spike releases.

Between spikes $x$ recovers to 1 with time constant $\tau_d$ and $u$ decays to 0 with time
constant $\tau_f$:

$$\tau_d\,\frac{dx}{dt} = 1 - x, \qquad \tau_f\,\frac{du}{dt} = -u .$$

At a presynaptic spike, with $u^-$, $x^-$ the values just before it, facilitation happens
first, then release, then depletion:

$$u^+ = u^- + U\,(1-u^-), \qquad \text{release} = W\,u^+ x^-, \qquad x^+ = x^- - u^+x^- .$$

$U$ is the baseline utilisation: from rest ($u=0$, $x=1$) the first spike releases $W\,U$.
$W$ scales everything (the absolute efficacy); we keep $W=1$ so "release" is a fraction.
Setting $\tau_f = 0$ switches facilitation off ($u=U$ at every spike).

Because the equations between spikes are linear, they can be solved exactly. For spikes
$n$ and $n+1$ separated by $\Delta$:

$$u_{n+1} = U + u_n(1-U)\,e^{-\Delta/\tau_f}, \qquad
  x_{n+1} = 1 + (x_n - u_n x_n - 1)\,e^{-\Delta/\tau_d}, \qquad
  \text{release}_n = W u_n x_n ,$$

where $u_n$ is $u$ just after the $n$-th jump and $x_n$ is $x$ just before the $n$-th depletion.
`sx.simulate_stp(..., method="exact")` (the default) evaluates exactly this on the time grid.

Let us drive the depressing synapse with 8 spikes at 20 Hz and a probe 500 ms later.
"""),
code(r"""
DUR = 1500.0
t = sx.time_axis(duration_ms=DUR, dt_ms=DT)
spikes = sx.regular_train(20.0, 8, duration_ms=DUR, dt_ms=DT, probe_delay_ms=500.0)
tr = sx.simulate_stp(DEP, spikes, dt_ms=DT)

print("spike times (ms):", at_spikes(t, spikes))
print("release         :", np.round(at_spikes(tr.release, spikes), 4))
"""),
md(r"""
The first spike releases $U = 0.5$ of the resources; every later spike finds fewer resources
and releases less. After the 500 ms pause the resources have partly recovered.

We can check the simulator against the event-driven recursion written in plain numpy
(no time grid at all):
"""),
code(r"""
def tm_recursion(U, tau_f, tau_d, spike_times, W=1.0):
    # per-spike release of the TM model from the exact recursion (numpy, event driven)
    out, u, x, t_last = [], 0.0, 1.0, None
    for ts in spike_times:
        if t_last is not None:
            u = u * decay(ts - t_last, tau_f)
            x = 1.0 + (x - 1.0) * decay(ts - t_last, tau_d)
        u = u + U * (1.0 - u)  # facilitation
        out.append(W * u * x)  # release uses u after the jump and x before depletion
        x = x - u * x          # depletion
        t_last = ts
    return np.array(out)


ref = tm_recursion(0.5, 0.0, 800.0, at_spikes(t, spikes))
print("recursion       :", np.round(ref, 4))
print("max |difference|:", float(np.max(np.abs(ref - at_spikes(tr.release, spikes)))))
"""),
md(r"""
The two agree to float32 round-off. Now look at the variables themselves: $x$ drops at each
spike and recovers slowly ($\tau_d = 800$ ms); $u$ stays at $U$ because $\tau_f = 0$.
"""),
code(r"""
sub = slice(None, None, 5)  # plot every 5th point: plenty for the eye
new_figure("Depressing synapse (U=0.5, τf=0, τd=800 ms): 20 Hz train + probe")
plt.plot(t[sub], np.asarray(tr.x)[sub], colors=["steelblue"], labels=["x (resources)"], display_legend=True)
plt.plot(t[sub], np.asarray(tr.u)[sub], colors=["darkorange"], labels=["u (utilisation)"], display_legend=True)
plt.scatter(at_spikes(t, spikes), at_spikes(tr.release, spikes), colors=[GREY],
            default_size=40, labels=["release"], display_legend=True)
finish("time (ms)", "fraction")
"""),
md(r"""
### Exercise 1 — write the model yourself

Simulators step through time. Write **one time step** of the TM model in numpy,
`tm_step(u, x, spike, U, tau_f, tau_d)`, for a step of `DT` ms:

1. between spikes $u$ and $x$ relax exactly over one step:
   $u \leftarrow u\,e^{-dt/\tau_f}$ and $x \leftarrow 1 + (x-1)\,e^{-dt/\tau_d}$
   (use `decay(DT, tau)`, which returns 0 for $\tau = 0$);
2. if `spike` is true: jump $u \leftarrow u + U(1-u)$, release $u\,x$ (with $W = 1$), deplete
   $x \leftarrow x - u\,x$; without a spike the release is 0.

Return `(u, x, release)`. The cell after it runs your step over the 20 Hz train for both
synapses of Tsodyks, Pawelzik & Markram (1998) (defined at the top as `DEP` and `FAC`) and
plots your release against the engine's; the check compares them spike by spike.
"""),
answer(r"""
# Exercise 1: one time step of the Tsodyks–Markram model (numpy, no JAX needed)
def tm_step(u, x, spike, U, tau_f, tau_d):
    return ...  # TODO: relax u and x over DT, then jump / release / deplete if spike; return (u, x, release)
"""),
solution(r"""
def tm_step(u, x, spike, U, tau_f, tau_d):
    u = u * decay(DT, tau_f)                 # facilitation fades
    x = 1.0 + (x - 1.0) * decay(DT, tau_d)   # resources recover
    release = 0.0
    if spike:
        u = u + U * (1.0 - u)   # jump first...
        release = u * x         # ...release with the new u and the old x...
        x = x - u * x           # ...then deplete
    return u, x, release
"""),
code(r"""
def run_my_model(params, spike_train):
    # the release at every step from your tm_step (None while tm_step is still a blank)
    U, tau_f, tau_d = float(params.U), float(params.tau_f), float(params.tau_d)
    u, x, out = 0.0, 1.0, []
    for s in np.asarray(spike_train) > 0.5:
        result = tm_step(u, x, bool(s), U, tau_f, tau_d)
        if not answered(result):
            return None
        u, x, rel = result
        out.append(rel)
    return np.array(out, dtype=float)


mine = {name: run_my_model(p, spikes) for name, p in (("depressing", DEP), ("facilitating", FAC))}
engine = {name: np.asarray(sx.simulate_stp(p, spikes, dt_ms=DT).release) for name, p in (("depressing", DEP), ("facilitating", FAC))}

new_figure("Release at each spike: the engine (dots) and your tm_step (crosses)")
for name, color in (("depressing", "steelblue"), ("facilitating", "crimson")):
    plt.scatter(at_spikes(t, spikes), at_spikes(engine[name], spikes), colors=[color], default_size=110,
                labels=[f"{name}, engine"], display_legend=True)
    if mine[name] is not None:
        plt.scatter(at_spikes(t, spikes), at_spikes(mine[name], spikes), colors=[GREY], marker="cross",
                    default_size=30, labels=[f"{name}, yours"], display_legend=True)
finish("time (ms)", "release per spike")
"""),
check(r"""
def _check_ex1():
    for name in ("depressing", "facilitating"):
        if mine[name] is None:
            raise Blank()
        ours = numeric(mine[name], shape=engine[name].shape)
        if np.any(ours[np.asarray(spikes) < 0.5] != 0):
            return "without a spike the release must be 0"
        if not np.allclose(ours, engine[name], rtol=1e-3, atol=1e-6):
            first = np.flatnonzero(~np.isclose(ours, engine[name], rtol=1e-3, atol=1e-6))[0]
            k = int(np.sum(np.asarray(spikes)[: first + 1] > 0.5))
            return (f"the {name} synapse first differs at spike {k}: "
                    + ("the very first release should be U (u jumps from 0 before it is used)" if k == 1 else
                       "check the order (jump u, release u·x, then deplete x) and the relaxation between spikes"))
    return None


grade("Exercise 1", _check_ex1, todo="write tm_step: relax u and x over one step DT, then, if spike, "
      "jump u, release u·x and deplete x; return the tuple (u, x, release), release = 0 without a spike")
"""),
md(r"""
## 2. Depressing vs facilitating synapses (Tsodyks, Pawelzik & Markram 1998)  (~10 min)

Tsodyks, Pawelzik & Markram (1998) fitted the model to two kinds of neocortical connections:
pyramidal → pyramidal synapses were **depressing** ($U=0.5$, $\tau_f\approx 0$,
$\tau_d=800$ ms), pyramidal → some interneurons **facilitating** ($U=0.03$, $\tau_f=530$ ms,
$\tau_d=130$ ms). Their protocol: a regular 20 Hz train of 8 spikes, then a single *recovery
probe* after a delay of 250 ms to 3 s.

To make the result look like an electrophysiology recording we filter the releases into a
postsynaptic current, $I(t) = \sum_n \text{release}_n\, e^{-(t-t_n)/\tau_{in}}$ with
$\tau_{in} = 3$ ms, and normalise by the first response. The two synapses get a panel each:
on one axis the facilitating trace, which ends several times higher, would hide the other.
"""),
code(r"""
DUR = 2000.0
t = sx.time_axis(duration_ms=DUR, dt_ms=DT)
spikes = sx.regular_train(20.0, 8, duration_ms=DUR, dt_ms=DT, probe_delay_ms=1000.0)
kernel = np.exp(-np.arange(0.0, 30.0, DT) / 3.0)  # tau_in = 3 ms


def psc(release):
    return np.convolve(np.asarray(release), kernel)[: len(t)]


for params, color, name in ((DEP, "steelblue", "depressing"), (FAC, "crimson", "facilitating")):
    rel = sx.simulate_stp(params, spikes, dt_ms=DT).release
    first = float(at_spikes(rel, spikes)[0])
    new_figure(f"{name.capitalize()} synapse: 20 Hz train, probe after 1 s", height="250px")
    plt.plot(t[::2], (psc(rel) / first)[::2], colors=[color])
    plt.hline(1.0, colors=[GREY], line_style="dashed")
    finish("time (ms)   (dashed: size of the first response)", "I / I_first")
"""),
md(r"""
The depressing synapse gives a large first response and then fades; the facilitating one
starts tiny and grows through the train — the two behaviours of the 1998 paper.

> **Think!** (2 min) The two synapses can leave the *same* axon (Markram, Wang & Tsodyks 1998).
> What does a target neuron behind each one learn about a burst: its start, or its length?
"""),
notes(r"""
The depressing target reports the **onset** of a burst (the first spikes carry most of the
release; later spikes add little), the facilitating target reports its **duration/rate**
(release keeps growing, so a long burst is needed to drive it). Same axon, two messages:
the "differential signalling" of Markram, Wang & Tsodyks (1998). Let students say it before
showing the probe figure.
"""),
md(r"""

**Recovery.** How much has each synapse recovered when the probe arrives? We run the
protocol for the probe delays of the paper with `sx.sweep_stp`, an event-driven solver that
only does work at the spikes (so long pauses cost nothing), and overlay the exact
solution: after the last train spike the synapse is left with $u_8$ and $x_8^+$, and a probe
after a delay $\Delta$ releases

$$\text{release}(\Delta) = \big(U + u_8(1-U)e^{-\Delta/\tau_f}\big)\,\big(1 + (x_8^+ - 1)e^{-\Delta/\tau_d}\big).$$
"""),
code(r"""
DELAYS = np.array([250.0, 500.0, 1000.0, 2000.0, 3000.0])
both = sx.STPParams(U=np.array([0.5, 0.03]), tau_f=np.array([0.0, 530.0]), tau_d=np.array([800.0, 130.0]))

probe = []  # probe release / first release, one row per delay, columns (depressing, facilitating)
for d in DELAYS:
    s = sx.regular_train(20.0, 8, duration_ms=3500.0, dt_ms=DT, probe_delay_ms=d)
    rel = np.asarray(sx.sweep_stp(both, s, dt_ms=DT).release)  # shape (2 synapses, 9 spikes)
    probe.append(rel[:, -1] / rel[:, 0])
probe = np.array(probe)

# exact curve from the state after the 8th spike
s8 = sx.regular_train(20.0, 8, duration_ms=500.0, dt_ms=DT)
delay_axis = np.linspace(1.0, 3000.0, 300)
curves = {}
for params, name in ((DEP, "depressing"), (FAC, "facilitating")):
    tr8 = sx.simulate_stp(params, s8, dt_ms=DT)
    U, tau_f, tau_d = float(params.U), float(params.tau_f), float(params.tau_d)
    u8 = float(at_spikes(tr8.u, s8)[-1]) if tau_f > 0 else U
    x8 = float(at_spikes(tr8.x, s8)[-1])  # x just after the last depletion
    rel_probe = (U + u8 * (1 - U) * decay(delay_axis, tau_f)) * (1 + (x8 - 1) * decay(delay_axis, tau_d))
    curves[name] = rel_probe / U  # the first release from rest is U

print("delay (ms)   depressing   facilitating   (probe / first response)")
for d, (a, b) in zip(DELAYS, probe):
    print(f"{d:8.0f}   {a:10.3f}   {b:12.3f}")

new_figure("Recovery probe: simulation (dots) and exact solution (lines)")
plt.plot(delay_axis, curves["depressing"], colors=["steelblue"], labels=["depressing"], display_legend=True)
plt.plot(delay_axis, curves["facilitating"], colors=["crimson"], labels=["facilitating"], display_legend=True)
plt.scatter(DELAYS, probe[:, 0], colors=["steelblue"], default_size=50)
plt.scatter(DELAYS, probe[:, 1], colors=["crimson"], default_size=50)
plt.hline(1.0, colors=[GREY], line_style="dashed")
finish("probe delay (ms)", "probe / first response")
"""),
md(r"""
The depressing synapse recovers with $\tau_d = 800$ ms: even 3 s later the probe is not quite
back to the first response. The facilitating synapse is still *facilitated* at short delays
(the probe is larger than the first response, since $u$ decays with $\tau_f = 530$ ms while the
few resources it used came back with $\tau_d = 130$ ms) and returns to baseline from above.
"""),
md(r"""
## 3. Paired-pulse ratio  (~15 min)

The simplest probe of STP is a pair of spikes $\Delta$ apart. The **paired-pulse ratio**
$\text{PPR} = \text{release}_2/\text{release}_1$ is $<1$ for depression and $>1$ for facilitation.
From rest, the first spike releases $U$ and leaves $u_1 = U$, $x_1^+ = 1-U$. Apply the
recursion once and you get a closed form for $\text{PPR}(\Delta)$.
"""),
code(r"""
INTERVALS = np.geomspace(5.0, 2000.0, 40)
ppr_sim = []
for d in INTERVALS:
    s = sx.paired_pulses(d, duration_ms=d + 20.0, dt_ms=DT)
    rel = np.asarray(sx.sweep_stp(both, s, dt_ms=DT).release)  # (2 synapses, 2 spikes)
    ppr_sim.append(rel[:, 1] / rel[:, 0])
ppr_sim = np.array(ppr_sim)

new_figure("Paired-pulse ratio (simulation)")
plt.scales(scales={"x": bqplot.LogScale(), "y": bqplot.LinearScale()})
plt.plot(INTERVALS, ppr_sim[:, 0], colors=["steelblue"], labels=["depressing"], display_legend=True, marker="circle")
plt.plot(INTERVALS, ppr_sim[:, 1], colors=["crimson"], labels=["facilitating"], display_legend=True, marker="circle")
plt.hline(1.0, colors=[GREY], line_style="dashed")
finish("interval Δ (ms)", "PPR = release₂ / release₁")
"""),
md(r"""
### Exercise 2 — the paired-pulse ratio in closed form

Derive $\text{PPR}(\Delta)$ for general $U$, $\tau_f$, $\tau_d$ and write it as a numpy
function `ppr_formula(U, tau_f, tau_d, delta)` (use the helper `decay(delta, tau)` defined
at the top, which handles $\tau = 0$). The check cell compares your formula with the
simulated `ppr_sim` for both synapses and all 40 intervals.

*Hint:* $u_2 = U + U(1-U)e^{-\Delta/\tau_f}$ and $x_2^- = 1 - U e^{-\Delta/\tau_d}$.
"""),
answer(r"""
# Exercise 2: the paired-pulse ratio (numpy; delta may be an array of intervals in ms)
def ppr_formula(U, tau_f, tau_d, delta):
    return ...  # TODO
"""),
solution(r"""
def ppr_formula(U, tau_f, tau_d, delta):
    u2 = U + U * (1 - U) * decay(delta, tau_f)
    x2 = 1 - U * decay(delta, tau_d)
    return u2 * x2 / U  # = (1 + (1-U) e^{-Δ/τf}) (1 - U e^{-Δ/τd})
"""),
check(r"""
def _check_ex2():
    for col, (name, (U, tau_f, tau_d)) in enumerate({"depressing": (0.5, 0.0, 800.0),
                                                      "facilitating": (0.03, 530.0, 130.0)}.items()):
        predicted = numeric(ppr_formula(U, tau_f, tau_d, INTERVALS), shape=INTERVALS.shape)
        if not np.allclose(predicted, ppr_sim[:, col], rtol=2e-3):
            side = "below" if name == "depressing" else "above"
            return (f"for the {name} synapse your PPR does not follow the simulated curve `ppr_sim[:, {col}]` "
                    f"(it should be {side} 1 at short intervals and tend to 1 at long ones); "
                    "PPR = u2·x2 / U with the u2 and x2 of the hint")
    if not np.isclose(numeric(ppr_formula(0.5, 0.0, 800.0, 1e9)), 1.0):
        return "fully recovered pairs (a huge delta) must give PPR = 1"
    return None


grade("Exercise 2", _check_ex2, todo="write ppr_formula returning u2·x2/U (see the hint above) as an array "
      "of the same shape as delta; it is below 1 for the depressing synapse at short intervals")
"""),
md(r"""
## 4. Steady state and the limiting frequency  (~15 min)

During a long regular train at rate $r$ (interval $\Delta = 1000/r$ ms) the synapse settles
to a fixed point of the recursion:

$$u^* = \frac{U}{1-(1-U)e^{-\Delta/\tau_f}}, \qquad
  x^* = \frac{1-e^{-\Delta/\tau_d}}{1-(1-u^*)e^{-\Delta/\tau_d}}, \qquad
  \text{release}^* = W u^* x^* .$$

`sx.steady_state(params, rate_hz)` evaluates these (elementwise on arrays). For a depressing
synapse ($\tau_f=0$, $u^*=U$) and $\Delta \ll \tau_d$, expand $e^{-\Delta/\tau_d}\approx 1-\Delta/\tau_d$:

$$x^* \approx \frac{\Delta/\tau_d}{U + \Delta/\tau_d}, \qquad
  \text{release}^* = U x^* \approx \frac{U\,\Delta/\tau_d}{U + \Delta/\tau_d} \approx \frac{1}{r\,\tau_d}
  \quad\text{when}\quad r \gg r_\text{lim} = \frac{1}{U\tau_d}$$

(with $W = 1$; at 5 Hz, $U = 0.5$, $\tau_d = 800$ ms: $x^* = 0.362$, $\text{release}^* = 0.181$,
the first approximation gives $0.333$ and $0.167$).

Above the **limiting frequency** $r_\text{lim}$ ($= 2.5$ Hz here) the release per spike falls
like $1/r$, so the release per *second*, $r\cdot\text{release}^*$, saturates at $1/\tau_d$:
the synapse no longer conveys the presynaptic rate, only its *changes*
(Tsodyks & Markram 1997; Abbott et al. 1997).

First, check the formula against simulation: the last release of a long train should sit at
the steady state.
"""),
code(r"""
print("rate (Hz)   last release (sim)   release* (formula)")
for rate in (5.0, 20.0, 50.0):
    s = sx.regular_train(rate, 60, duration_ms=60 * 1000.0 / rate + 20.0, dt_ms=DT)
    last = float(np.asarray(sx.sweep_stp(DEP, s, dt_ms=DT).release)[-1])
    star = float(sx.steady_state(DEP, rate)[2])
    print(f"{rate:8.0f}   {last:18.5f}   {star:18.5f}")
"""),
code(r"""
RATES = np.geomspace(0.2, 100.0, 80)
U, tau_d = 0.5, 800.0
r_lim = 1000.0 / (U * tau_d)  # Hz (tau_d in ms)
_, _, rel_star = sx.steady_state(DEP, RATES)
rel_star = np.asarray(rel_star)
approx = 1000.0 / (RATES * tau_d)  # 1/(r tau_d)

new_figure("Depressing synapse: steady-state release per spike", height="320px")
plt.scales(scales={"x": bqplot.LogScale(), "y": bqplot.LogScale()})
plt.plot(RATES, rel_star, colors=["steelblue"], labels=["release* (exact)"], display_legend=True, stroke_width=3)
plt.plot(RATES[RATES > 1.0], approx[RATES > 1.0], colors=[GREY], line_style="dashed",
         labels=["1/(r τd)"], display_legend=True)
plt.vline(r_lim, colors=[GREY])
finish("rate r (Hz)   (grey line: r_lim = 1/(U τd))", "release per spike")
print(f"r_lim = {r_lim:.2f} Hz")

new_figure("... and release per second, r · release*", height="280px")
plt.scales(scales={"x": bqplot.LogScale(), "y": bqplot.LinearScale()})
plt.plot(RATES, RATES * rel_star, colors=["steelblue"], stroke_width=3)
plt.hline(1000.0 / tau_d, colors=[GREY], line_style="dashed")
plt.vline(r_lim, colors=[GREY])
finish("rate r (Hz)   (dashed: 1/τd; grey line: r_lim)", "release per second (1/s)")
"""),
md(r"""
> **Think!** (3 min) Above $r_\text{lim}$ the release per second is the same at 10 Hz and at
> 50 Hz. So what *can* a neuron behind a depressing synapse still tell about its input rate?
"""),
notes(r"""
Nothing about the sustained rate, but a lot about **changes**: right after a step from $r_1$
to $r_2$ the resources are still at $x^*(r_1)$, so the release per second jumps by a factor
$\approx r_2/r_1$ before it relaxes back (with time constant of order $1/(1/\tau_d + U r_2)$).
The transient depends on the *relative* change — a step from 10 to 20 Hz gives about the same
transient as one from 25 to 50 Hz (Abbott et al. 1997, "gain control"; Tsodyks & Markram 1997).
Notebook 4, section 2 shows this transient in a neuron.
"""),
md(r"""
A facilitating synapse is different: $u^*$ grows with the rate while $x^*$ falls, so the
steady-state release per spike first *rises* and then falls — a band-pass filter with a
preferred rate.
"""),
code(r"""
_, _, fac_star = sx.steady_state(FAC, RATES)
fac_star = np.asarray(fac_star)
r_best = RATES[np.argmax(fac_star)]
print(f"facilitating synapse: release* is largest near {r_best:.0f} Hz "
      f"({fac_star.max() / 0.03:.1f} × its first-spike release)")

new_figure("Steady-state release per spike relative to the first (release* / U)")
plt.scales(scales={"x": bqplot.LogScale(), "y": bqplot.LogScale()})
plt.plot(RATES, rel_star / 0.5, colors=["steelblue"], labels=["depressing"], display_legend=True)
plt.plot(RATES, fac_star / 0.03, colors=["crimson"], labels=["facilitating"], display_legend=True)
finish("rate r (Hz)", "release* / U")
"""),
md(r"""
### Exercise 3 — half-depression rate

At which rate does the steady-state release of the depressing synapse fall to **half** its
first-spike value, i.e. $\text{release}^* = U/2$? Find it numerically with `sx.steady_state`
(a fine grid and `np.interp` will do) and store it in `r_half` (Hz). Is it above or below
$r_\text{lim}$?

*Bonus:* with $\tau_f=0$, solve $\text{release}^*=U/2$ by hand.
"""),
answer(r"""
# Exercise 3: the half-depression rate of the depressing synapse, in Hz
r_half = ...  # TODO
"""),
solution(r"""
grid = np.linspace(0.5, 20.0, 20000)
rel = np.asarray(sx.steady_state(DEP, grid)[2])
r_half = float(np.interp(0.25, rel[::-1], grid[::-1]))  # rel decreases with rate: flip for np.interp
# by hand: release* = U/2  <=>  e^{-Δ/τd} = 1/(1+U)  <=>  r = 1/(τd ln(1+U)) = 3.08 Hz
"""),
check(r"""
def _check_ex3():
    r = float(numeric(r_half))
    rel = float(sx.steady_state(DEP, r)[2]) if r > 0 else np.nan
    if not r > 0:
        return "r_half is a positive rate in Hz"
    if abs(rel / 0.25 - 1) > 0.01:  # compare release*(r_half) with U/2, not r_half with a stored number
        return ("at your rate release* is " + ("above" if rel > 0.25 else "below")
                + " U/2, so the rate must be " + ("higher" if rel > 0.25 else "lower")
                + "; release* falls as the rate rises — solve release*(r) = U/2 on a grid with np.interp")
    return None


grade("Exercise 3", _check_ex3, todo="set r_half to a rate in Hz (a positive float) where sx.steady_state(DEP, r)[2] "
      "equals U/2; release* falls as the rate rises, so scan a grid of rates")
"""),
md(r"""
## 5. Conventions: why simulators disagree  (~15 min)

The TM model is small, yet published code gives different numbers for "the same" synapse.
Four choices matter.

### 5a. Does $u$ rest at 0 or at $U$?

We let $u$ rest at 0 and jump *before* release. Many papers instead write a variable
$\tilde u$ that rests at $U$, is used for release *as is*, and jumps *after* the spike:

$$\tau_f\frac{d\tilde u}{dt} = U - \tilde u, \qquad \text{release} = W\tilde u^- x^-, \qquad
  \tilde u^+ = \tilde u^- + U(1-\tilde u^-).$$

The substitution $\tilde u = U + u^-(1-U)$ shows the two are **the same model**
(the first release is $WU$ in both). Let us verify it numerically on the facilitating
synapse:
"""),
code(r"""
def tm_u_rests_at_U(U, tau_f, tau_d, spike_times):
    # the 'u rests at U' form: release with u~ before its jump, then jump
    out, ut, x, t_last = [], U, 1.0, None
    for ts in spike_times:
        if t_last is not None:
            ut = U + (ut - U) * decay(ts - t_last, tau_f)
            x = 1.0 + (x - 1.0) * decay(ts - t_last, tau_d)
        out.append(ut * x)
        x = x - ut * x
        ut = ut + U * (1.0 - ut)
        t_last = ts
    return np.array(out)


spikes_tpm = sx.regular_train(20.0, 8, duration_ms=1500.0, dt_ms=DT, probe_delay_ms=500.0)
times_tpm = at_spikes(sx.time_axis(duration_ms=1500.0, dt_ms=DT), spikes_tpm)
a = tm_u_rests_at_U(0.03, 530.0, 130.0, times_tpm)
b = at_spikes(sx.simulate_stp(FAC, spikes_tpm, dt_ms=DT).release, spikes_tpm)
print("u rests at U :", np.round(a, 5))
print("stpexplorer  :", np.round(b, 5))
print("max |difference| =", float(np.max(np.abs(a - b))))
"""),
md(r"""
### 5b. Exact vs forward Euler

`method="euler"` integrates the same equations with forward Euler on the grid
($x \leftarrow x + \frac{dt}{\tau_d}(1-x)$, ...). Its error is first order: halve $dt$ and
the error halves. Below, the largest relative error in the per-spike release over the
Tsodyks–Markram protocol:
"""),
code(r"""
def euler_error(params, dt):
    s = sx.regular_train(20.0, 8, duration_ms=1500.0, dt_ms=dt, probe_delay_ms=500.0)
    ex = at_spikes(sx.simulate_stp(params, s, dt_ms=dt, method="exact").release, s)
    eu = at_spikes(sx.simulate_stp(params, s, dt_ms=dt, method="euler").release, s)
    return float(np.max(np.abs(eu - ex) / ex))


print("  dt (ms)   depressing   facilitating   (max relative error of Euler)")
for dt in (0.05, 0.1, 0.5, 1.0, 2.0):
    print(f"{dt:9.2f}   {euler_error(DEP, dt):10.2e}   {euler_error(FAC, dt):12.2e}")
"""),
md(r"""
With $dt \ll \tau$ Euler is perfectly usable: the error grows in proportion to $dt/\tau$
and stays well below 1 % here even at 1 ms. So Euler by itself is not the
problem — the next two conventions are.

### 5c. ngclearn: Euler with $dt$ silently equal to 1 ms

ngclearn's `STPDenseSynapse` updates $u \leftarrow u - u/\tau_f + \dots$ and
$x \leftarrow x + (1-x)/\tau_d - \dots$: the factor $dt$ is missing, so each *step* is treated
as 1 ms whatever `dt` the rest of the model uses. At `dt = 1` ms this is exactly our Euler
scheme. At `dt = 0.1` ms every time constant is effectively divided by 10. We can emulate it
with our own Euler solver by passing the 0.1 ms spike train but `dt_ms=1.0`:
"""),
code(r"""
exact = at_spikes(sx.simulate_stp(DEP, spikes_tpm, dt_ms=0.1).release, spikes_tpm)
s_1ms = sx.regular_train(20.0, 8, duration_ms=1500.0, dt_ms=1.0, probe_delay_ms=500.0)
ngc_1ms = at_spikes(sx.simulate_stp(DEP, s_1ms, dt_ms=1.0, method="euler").release, s_1ms)
ngc_01ms = at_spikes(sx.simulate_stp(DEP, spikes_tpm, dt_ms=1.0, method="euler").release, spikes_tpm)

print("spike            :", "   ".join(f"{k:6d}" for k in range(1, 10)))
print("exact            :", "   ".join(f"{v:6.4f}" for v in exact))
print("ngclearn, dt=1   :", "   ".join(f"{v:6.4f}" for v in ngc_1ms))
print("ngclearn, dt=0.1 :", "   ".join(f"{v:6.4f}" for v in ngc_01ms))
err_1 = np.max(np.abs(ngc_1ms - exact) / exact)
err_01 = np.max(np.abs(ngc_01ms - exact) / exact)
print(f"max relative error: {100 * err_1:.2f} % at dt = 1 ms, {100 * err_01:.0f} % at dt = 0.1 ms")
"""),
md(r"""
With a 0.1 ms step the synapse recovers ten times too fast ($\tau_d$ is effectively 80 ms),
so it hardly depresses at 20 Hz and the probe finds it fully recovered. The lesson: when a
library's update has no `dt`, its time constants are in **steps**, not in ms.

### 5d. brainpy / brainstate: $u$ starts at $U$ and the output is $u\cdot x$ after depletion

brainpy's `STP` synapse (and its successor in brainstate) keeps $u$ decaying to 0 like our
model but **initialises** it at $U$; at a spike it jumps $u$, depletes $x$ and returns the
efficacy $u\cdot x$ computed **after** depletion. Here is that update order re-implemented in
a few lines of numpy, on brainpy's default synapse ($U=0.15$, $\tau_f=1500$ ms, $\tau_d=200$ ms):
"""),
code(r"""
def brainpy_style(U, tau_f, tau_d, spikes, dt):
    u, x, out = U, 1.0, []                                      # u starts at U, not at 0
    for s in spikes:
        u, x = u - dt * u / tau_f, x + dt * (1.0 - x) / tau_d   # Euler between spikes
        if s:
            u = u + U * (1.0 - u); x = x - u * x; out.append(u * x)  # jump, deplete, THEN output u·x
    return np.array(out)


BP = sx.STPParams(U=0.15, tau_f=1500.0, tau_d=200.0)
s_bp = sx.regular_train(20.0, 8, duration_ms=500.0, dt_ms=DT)
ours = at_spikes(sx.simulate_stp(BP, s_bp, dt_ms=DT).release, s_bp)
theirs = brainpy_style(0.15, 1500.0, 200.0, s_bp, DT)
print("stpexplorer (TM 1998):", np.round(ours, 4))
print("brainpy-style        :", np.round(theirs, 4))
print(f"first-spike efficacy: {ours[0]:.4f} vs {theirs[0]:.4f}")
"""),
md(r"""
The first spike gives $u^+ = U + U(1-U) = 0.2775$ (the jump is applied to a $u$ that already
equals $U$) and $x^+ = 1 - 0.2775$, so the reported efficacy is $0.2775 \times 0.7225 = 0.20$
instead of $U = 0.15$. Both changes alter the whole train, not just the first spike.

### 5e. The Neuromatch tutorials: forward Euler, same order as ours

The Neuromatch Academy Computational Neuroscience tutorial on dynamic synapses (W2D3,
Tutorial 3, "Synaptic transmission: models of static and dynamic synapses") integrates $u$
and $R \equiv x$ with forward Euler, jumping $u$ before release and using $R$ before
depletion — the same update order as `method="euler"`. Their results therefore differ from
the exact solution only by the Euler error of 5b, which is tiny at their step of 0.1 ms and
grows linearly with $dt$. Their two illustration synapses are the explorer presets
**"NMA W2D3 STD"** ($U_0 = 0.5$, $\tau_d = 100$ ms, $\tau_f = 50$ ms) and **"NMA W2D3 STF"**
($U_0 = 0.2$, $\tau_d = 100$ ms, $\tau_f = 750$ ms), so you can move between the tutorial and
the panel below. The depressing one at 20 Hz:
"""),
code(r"""
NMA = sx.STPParams(U=0.5, tau_f=50.0, tau_d=100.0)
for dt in (0.1, 1.0):
    print(f"dt = {dt:3.1f} ms: max relative error of the Euler scheme = {100 * euler_error(NMA, dt):.2f} %")
"""),
md(r"""
### Exercise 4 — when is the brainpy-style first spike right?

For a synapse starting from rest, the brainpy-style first-spike efficacy is
$(U + U(1-U))\,(1 - U - U(1-U))$, which overestimates the TM value $U$ for small $U$ (0.20 vs
0.15) but *underestimates* it for large $U$ (try $U=0.5$!). Find the value `U_cross` in
$(0, 1)$ at which the two agree, numerically (for instance with `brainpy_style` on a single
spike, or with the formula, on a fine grid of $U$).
"""),
answer(r"""
# Exercise 4: the value of U in (0, 1) where both conventions give the same first-spike efficacy
U_cross = ...  # TODO
"""),
solution(r"""
Us = np.linspace(0.01, 0.99, 9801)
first = (Us + Us * (1 - Us)) * (1 - Us - Us * (1 - Us))
U_cross = float(Us[np.argmin(np.abs(first - Us))])
# exactly: with a = 1 - U the condition is a^3 + a^2 - 1 = 0, U_cross = 0.2451
"""),
check(r"""
def _check_ex4():
    Uc = float(numeric(U_cross))
    if not 0 < Uc < 1:
        return "U_cross lies strictly between 0 and 1"
    # the two efficacies must agree at your U (a residual test, no stored answer)
    brainpy_first = (Uc + Uc * (1 - Uc)) * (1 - Uc - Uc * (1 - Uc))
    if abs(brainpy_first - Uc) > 2e-3:
        return ("at your U the brainpy-style efficacy is " + ("above" if brainpy_first > Uc else "below")
                + " U, so U_cross is " + ("larger" if brainpy_first > Uc else "smaller")
                + "; scan a fine grid of U and take the point where the difference changes sign")
    return None


grade("Exercise 4", _check_ex4, todo="set U_cross to a float between 0 and 1 where "
      "(U + U(1-U))(1 - U - U(1-U)) equals U; scan a fine grid of U")
"""),
md(r"""
## 6. Explore  (~10 min)

The panel below runs the same engine interactively: move $U$, $\tau_f$, $\tau_d$ and the
rate and watch $u$, $x$ and the release change. Try the presets, including the two Neuromatch
ones.

### Open question 1 — one synapse, two behaviours

Find parameters $(U, \tau_f, \tau_d)$ for a synapse that **facilitates at 5 Hz but depresses at
50 Hz**: in a long regular train its steady-state release per spike is *larger* than the first
release $U$ at 5 Hz and *smaller* at 50 Hz. Use the panel to search, then confirm with
`sx.steady_state`. Which parameter sets the crossover rate?
"""),
notes(r"""
**Answer key.** The Neuromatch STF synapse already does it: $U=0.2$, $\tau_f=750$ ms,
$\tau_d=100$ ms gives $\text{release}^*/U \approx 2.4$ at 5 Hz and $\approx 0.89$ at 50 Hz
(`sx.steady_state(sx.STPParams(U=0.2, tau_f=750.0, tau_d=100.0), [5.0, 50.0])`). Ingredients:
a small $U$ and a long $\tau_f$ so that $u$ builds up at low rates, and a $\tau_d$ long enough
that at 50 Hz (20 ms intervals) $x$ cannot recover. Raising $\tau_d$ moves the crossover to
lower rates, raising $U$ removes the facilitation. Other answers: $U=0.15$, $\tau_f=300$,
$\tau_d=150$ (1.6 and 0.80). Ask students to explain with $u^*$ rising and $x^*$ falling with rate.
"""),
panel(r"""
panel = sx.STPPanel()
panel
"""),
md(r"""
## Summary

* The Tsodyks–Markram model has two variables: resources $x$ (recover with $\tau_d$) and
  utilisation $u$ (decays with $\tau_f$). A spike first raises $u$, releases $W u^+ x^-$, then
  depletes $x$; from rest the first release is $WU$.
* Depressing synapses (large $U$, long $\tau_d$) respond strongly to the first spike and
  recover slowly; facilitating synapses (small $U$, long $\tau_f$) grow during a train.
* $\text{PPR}(\Delta) = (1+(1-U)e^{-\Delta/\tau_f})(1-Ue^{-\Delta/\tau_d})$.
* In steady state a depressing synapse releases $\approx 1/(r\tau_d)$ per spike above
  $r_\text{lim} = 1/(U\tau_d)$: it transmits rate *changes*, not rates. Facilitating synapses
  prefer intermediate rates.
* "u rests at 0" and "u rests at U" are the same model; forward Euler is fine for
  $dt\ll\tau$; an update without `dt` (ngclearn) measures time constants in steps; starting
  $u$ at $U$ and reporting $u\cdot x$ after depletion (brainpy/brainstate) changes the efficacies
  (0.20 instead of 0.15 for the first spike at $U=0.15$).

**Next:** notebook 2, adaptive thresholds.

### References

* Tsodyks M, Markram H (1997) The neural code between neocortical pyramidal neurons depends on neurotransmitter release probability. *PNAS* 94:719–723.
* Abbott LF, Varela JA, Sen K, Nelson SB (1997) Synaptic depression and cortical gain control. *Science* 275:220–224.
* Tsodyks M, Pawelzik K, Markram H (1998) Neural networks with dynamic synapses. *Neural Computation* 10:821–835.
* Markram H, Wang Y, Tsodyks M (1998) Differential signaling via the same axon of neocortical pyramidal neurons. *PNAS* 95:5323–5328.
* Neuromatch Academy, Computational Neuroscience, W2D3 Tutorial 3: Synaptic transmission — models of static and dynamic synapses.
"""),
]


def build_notebook(out_dir=None, student=False):
    return build("01_short_term_plasticity.ipynb", "stp", CELLS, out_dir=out_dir, student=student)
