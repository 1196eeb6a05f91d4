"""Content of notebooks/03_stdp.ipynb."""

from nbtools import build, code, setup_cell, exercise_check, md, panel, solution

CELLS = [
md(r"""
# 3 · Spike-timing-dependent plasticity (STDP)

*stpexplorer course, notebook 3 of 4.*

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
   multiplicative STDP.

Exercises have a collapsed **solution** cell (runs only if you left the answer as `None`)
and a **check** cell with `assert`s.
"""),
setup_cell(r"""
import numpy as np
import bqplot.pyplot as plt
import stpexplorer as sx


# window time constants fitted to Bi & Poo (1998) (Bi & Poo 2001: 16.8 ms and 33.7 ms);
# amplitudes chosen so that depression slightly dominates: A- tau- > A+ tau+
BIPOO = sx.STDPParams(A_plus=0.01, A_minus=0.0055, tau_plus=16.8, tau_minus=33.7, w_min=0.0, w_max=1.0)
"""),
md(r"""
## 1. Traces and the pair rule

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
print(f"Δw = {w[-1] - 0.5:.6f};  A+ exp(-10/τ+) = {0.01 * np.exp(-10 / 16.8):.6f}")

new_figure("One pre→post pair (Δt = +10 ms): traces and weight")
plt.plot(t, np.asarray(tr.pre_trace), colors=["steelblue"], labels=["a_pre"], display_legend=True)
plt.plot(t, np.asarray(tr.post_trace), colors=["darkorange"], labels=["a_post"], display_legend=True)
plt.plot(t, (w - 0.5) / 0.01, colors=["black"], labels=["(w − w0) / A+"], display_legend=True)
finish("time (ms)", "trace / weight change")
"""),
md(r"""
## 2. The STDP window (Bi & Poo 1998)

`sx.stdp_window` simulates one isolated pair for each $\Delta t$ (all in one batched call).
We compare it with the formula above.
"""),
code(r"""
DELTAS = np.arange(-100.0, 100.01, 1.0)
window = np.asarray(sx.stdp_window(BIPOO, DELTAS, dt_ms=DT, w0=0.5))
analytic = np.where(DELTAS > 0, 0.01 * np.exp(-DELTAS / 16.8),
                    np.where(DELTAS < 0, -0.0055 * np.exp(DELTAS / 33.7), 0.0))
print("max |simulated − analytic| =", float(np.max(np.abs(window - analytic))))

new_figure("STDP window: simulated (dots) and analytic (line)")
plt.plot(DELTAS, analytic, colors=["gray"])
plt.scatter(DELTAS[::4], window[::4], colors=["crimson"], default_size=25)
plt.hline(0.0, colors=["black"])
finish("Δt = t_post − t_pre (ms)", "Δw per pair")
"""),
md(r"""
Note $\Delta w(0) = 0$: a pre and a post spike in the same time step do not pair (the engine
adds the new spikes to the traces *after* the weight update).

### Exercise 1 — the area under the window

For uncorrelated pre- and postsynaptic Poisson spikes at rates $r_\text{pre}$, $r_\text{post}$,
every $\Delta t$ is equally likely, so the average drift of $w$ is
$r_\text{pre} r_\text{post} \int \Delta w(\Delta t)\,d\Delta t$. Compute this area from a
**simulated** window: call `sx.stdp_window(BIPOO, ...)` on a grid from $-250$ to $250$ ms in
steps of $0.25$ ms (the depression lobe, with $\tau_- = 33.7$ ms, is not negligible beyond
100 ms), integrate it with `np.trapezoid` and store the result in `area`. Is STDP with these
parameters net potentiating or net depressing for uncorrelated activity?
"""),
code(r"""
# Exercise 1: your answer (ms · weight units)
area = None
"""),
solution(r"""
# SOLUTION (collapsed; runs only if you left area = None)
if area is None:
    grid = np.arange(-250.0, 250.01, 0.25)
    area = float(np.trapezoid(np.asarray(sx.stdp_window(BIPOO, grid, dt_ms=0.25)), grid))
    print("Exercise 1: using the reference solution")
"""),
exercise_check(r"""
# Check of exercise 1: the exact area is A+ τ+ − A− τ−; the trapezoid rule smears the jump at
# Δt = 0 over one grid step, an error of about (A+ − A−) h / 2 ≈ 0.0006 for h = 0.25 ms
exact = 0.01 * 16.8 - 0.0055 * 33.7
assert area is not None and abs(area - exact) < 0.0012, (area, exact)
assert area < 0, "A+ τ+ < A− τ−: uncorrelated activity depresses"
print(f"Exercise 1: correct — area = {area:.4f} (exact {exact:.4f}): net depression for uncorrelated spikes")
"""),
md(r"""
## 3. All-to-all or nearest neighbour?

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


rules = {rule: sx.STDPParams(A_plus=0.01, A_minus=0.0055, tau_plus=16.8, tau_minus=33.7, rule=rule)
         for rule in ("all_to_all", "nearest")}
dw_freq = {(rule, d): np.array([pairing_dw(p, d, f) / N_PAIRS for f in FREQS])
           for rule, p in rules.items() for d in (10.0, -10.0)}

print("Δw per pairing")
print("f (Hz)  " + "  ".join(f"{r.replace('_', '-'):>10s} {d:+.0f}" for r, d in dw_freq))
for i, f in enumerate(FREQS):
    print(f"{f:6.0f}  " + "  ".join(f"{v[i]:+14.5f}" for v in dw_freq.values()))
"""),
code(r"""
def steady_pair_dw(rule, delta_t, freq, Ap=0.01, Am=0.0055, tp=16.8, tm=33.7):
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
    new_figure(f"Pairing protocol, Δt = {d:+.0f} ms: Δw per pairing (dots: simulation, lines: steady state)")
    for rule in ("all_to_all", "nearest"):
        plt.plot(f_axis, [steady_pair_dw(rule, d, f) for f in f_axis], colors=[style[rule]],
                 labels=[rule], display_legend=True)
        plt.scatter(FREQS, dw_freq[(rule, d)], colors=[style[rule]], default_size=40)
    plt.hline(0.0, colors=["black"])
    finish("pairing frequency (Hz)", "Δw per pairing")
"""),
md(r"""
At 1 Hz both rules reproduce the window. As the frequency rises, the post→pre interval
between consecutive pairs shrinks and adds depression: with **all-to-all** pairing, which
sums over every past spike, the $+10$ ms protocol potentiates less and less and turns into
**depression** above about 40 Hz. With **nearest-neighbour** pairing each spike sees only one
partner on each side, so the $+10$ ms protocol stays potentiating, and at 50 Hz (period
20 ms) the $+10$ and $-10$ ms protocols become the same alternating spike train (apart from
which spike comes first) and give nearly the same, positive, change. (Real synapses do the opposite: Sjöström et al. 2001 found
potentiation at high frequency for *both* orders. No pair rule can produce that; it needs
triplet or voltage-based rules.)

### Exercise 2 — all-to-all STDP by brute force

With all-to-all pairing, the total weight change (away from the bounds) is the sum over
**all** pairs of spikes: $\sum_{\text{post } j}\sum_{\text{pre } i:\ t_i < t_j} A_+e^{-(t_j-t_i)/\tau_+}
- \sum_{\text{pre } i}\sum_{\text{post } j:\ t_j < t_i} A_-e^{-(t_i-t_j)/\tau_-}$.
For the $\Delta t = +10$ ms protocol at 20 Hz, compute this double sum directly from the spike
times (numpy broadcasting: a matrix of $t_j - t_i$) and store it in `dw_bruteforce`. The
check compares it with the simulation.
"""),
code(r"""
# Exercise 2: your answer (total Δw over the 60 pairings)
dw_bruteforce = None
"""),
solution(r"""
# SOLUTION (collapsed; runs only if you left dw_bruteforce = None)
if dw_bruteforce is None:
    pre, post = sx.pairing_trains(10.0, n_pairs=N_PAIRS, period_ms=50.0, duration_ms=DUR_P, dt_ms=DT_P)
    t_pre = np.flatnonzero(pre) * DT_P
    t_post = np.flatnonzero(post) * DT_P
    lag = t_post[:, None] - t_pre[None, :]  # (post j, pre i): t_j - t_i
    pot = np.sum(np.where(lag > 0, 0.01 * np.exp(-np.abs(lag) / 16.8), 0.0))
    dep = np.sum(np.where(lag < 0, 0.0055 * np.exp(-np.abs(lag) / 33.7), 0.0))
    dw_bruteforce = float(pot - dep)
    print("Exercise 2: using the reference solution")
"""),
exercise_check(r"""
# Check of exercise 2
simulated = pairing_dw(rules["all_to_all"], 10.0, 20.0)
assert dw_bruteforce is not None and abs(dw_bruteforce - simulated) < 1e-3 * max(abs(simulated), 1e-3), (dw_bruteforce, simulated)
print(f"Exercise 2: correct — brute force {dw_bruteforce:+.5f}, simulation {simulated:+.5f}")
"""),
md(r"""
## 4. Hard vs soft bounds

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
    params = sx.STDPParams(A_plus=0.01, A_minus=0.0055, tau_plus=16.8, tau_minus=33.7, bounds=bounds)
    for w0 in W0S:
        w_b[(bounds, w0)] = np.asarray(sx.simulate_stdp(params, pre_b, post_b, w0=w0, dt_ms=DT_B).w)

for bounds in ("hard", "soft"):
    new_figure(f"{bounds} bounds: weight under uncorrelated 20 Hz pre and post spikes")
    for w0, c in zip(W0S, ("steelblue", "seagreen", "crimson")):
        plt.plot(t_b[::200], w_b[(bounds, w0)][::200], colors=[c], labels=[f"w0 = {w0}"], display_legend=True)
    finish("time (s)", "w")
"""),
md(r"""
Under hard bounds the net-depressing window (exercise 1) pushes every weight down to
$w_\text{min}$, at a rate that does not depend on $w$. Under soft bounds the drift
$\propto A_+\tau_+(w_\text{max}-w) - A_-\tau_-(w-w_\text{min})$ vanishes at an interior fixed point,
and all weights converge to it, whatever they started from.

### Exercise 3 — the soft-bound fixed point

Solve $A_+\tau_+(w_\text{max}-w^*) = A_-\tau_-(w^*-w_\text{min})$ for $w^*$ and store it in
`w_star`. The check compares it with the time-averaged weight over the last 100 s.
"""),
code(r"""
# Exercise 3: your answer
w_star = None
"""),
solution(r"""
# SOLUTION (collapsed; runs only if you left w_star = None)
if w_star is None:
    a, b = 0.01 * 16.8, 0.0055 * 33.7
    w_star = a / (a + b)  # with w_min = 0, w_max = 1
    print("Exercise 3: using the reference solution")
"""),
exercise_check(r"""
# Check of exercise 3
late = t_b > 100.0
for w0 in W0S:
    assert abs(w_b[("soft", w0)][late].mean() - w_star) < 0.03, (w0, w_b[("soft", w0)][late].mean(), w_star)
    assert w_b[("hard", w0)][-1] < 0.05
print(f"Exercise 3: correct — w* = {w_star:.3f}")
"""),
md(r"""
## 5. Competition: Song, Miller & Abbott (2000)

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
for name, w, c in (("additive (hard bounds)", w_hard, "steelblue"), ("multiplicative (soft bounds)", w_soft, "crimson")):
    new_figure(f"Song, Miller & Abbott (2000): final weights, {name}", height="280px")
    plt.hist(w, bins=25, colors=[c])
    finish("w / w_max", "number of synapses")

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
## 6. Explore

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
  pairing frequencies the post→pre interactions between consecutive pairs turn potentiation
  into depression.
* Hard (additive) bounds make weights drift to the bounds and inputs compete — a **bimodal**
  distribution (Song, Miller & Abbott 2000); soft (multiplicative) bounds give an interior fixed
  point $w^* = A_+\tau_+/(A_+\tau_+ + A_-\tau_-)$ and a **unimodal** distribution.

**Next:** notebook 4 puts short-term plasticity, adaptive thresholds and STDP in one circuit.

### References

* Bi G-Q, Poo M-M (1998) Synaptic modifications in cultured hippocampal neurons: dependence on spike timing, synaptic strength, and postsynaptic cell type. *J Neurosci* 18:10464–10472.
* Bi G-Q, Poo M-M (2001) Synaptic modification by correlated activity: Hebb's postulate revisited. *Annu Rev Neurosci* 24:139–166.
* Song S, Miller KD, Abbott LF (2000) Competitive Hebbian learning through spike-timing-dependent synaptic plasticity. *Nat Neurosci* 3:919–926.
* van Rossum MCW, Bi G-Q, Turrigiano GG (2000) Stable Hebbian learning from spike timing-dependent plasticity. *J Neurosci* 20:8812–8821.
* Sjöström PJ, Turrigiano GG, Nelson SB (2001) Rate, timing, and cooperativity jointly determine cortical synaptic plasticity. *Neuron* 32:1149–1164.
* Izhikevich EM, Desai NS (2003) Relating STDP to BCM. *Neural Computation* 15:1511–1523.
"""),
]


def build_notebook():
    return build("03_stdp.ipynb", "stdp", CELLS)
