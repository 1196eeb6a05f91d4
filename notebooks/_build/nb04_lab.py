"""Content of notebooks/04_synapse_lab.ipynb."""

from nbtools import answer, build, check, code, instructor_setup, md, notes, panel, setup_cell, solution

CELLS = [
md(r"""
# 4 · The synapse lab: short-term plasticity, adaptive thresholds and STDP together

*stpexplorer course, notebook 4 of 5.*

The first three notebooks studied each mechanism alone. In a real circuit they act at once
and on different time scales: short-term plasticity reshapes every spike train within tens of
milliseconds, the neuron's threshold adapts over hundreds of milliseconds, and STDP slowly
rewrites the weights over minutes. This notebook puts them in one circuit and asks two
questions:

1. How does short-term plasticity change what a neuron *receives* when its inputs change rate?
2. Since STDP rewards inputs whose spikes make the neuron fire, and STP decides how effective
   each spike is — **does STP decide which inputs STDP strengthens?** (Yes.)

Each exercise has a blank for you to fill (`... # TODO`) and a **check** cell that prints a hint
until your answer is right, then "correct". Units: ms, mV, nA. The timings (~ min) add up to
about 80 minutes.
The figures are live widgets: to see them when you reopen the saved notebook without running it,
turn on *Settings → Save Widget State Automatically* in JupyterLab before saving.
"""),
setup_cell(r"""
import numpy as np
import bqplot.pyplot as plt
import stpexplorer as sx


DEP = dict(U=0.5, tau_f=0.0, tau_d=800.0)    # depressing (Tsodyks, Pawelzik & Markram 1998)
FAC = dict(U=0.03, tau_f=530.0, tau_d=130.0)  # facilitating
"""),
instructor_setup(),
md(r"""
## 1. The circuit  (~5 min)

$N$ presynaptic spike trains $s_i(t)$ drive $N$ Tsodyks–Markram synapses onto one adaptive
LIF neuron, and the weights $w_i$ follow trace STDP. At each step of $dt$:

$$\text{rel}_i = u_i^+x_i^-s_i \quad\text{(notebook 1)}, \qquad
  I \leftarrow I\,e^{-dt/\tau_\text{syn}} + g\sum_i W w_i\,\text{rel}_i ,$$

$$\tau_m\dot v = -(v-v_\text{rest}) + R\,(I + I_\text{ext}),\quad \text{spike at } v \ge v_\text{th}+\theta,
  \quad \theta \mathrel{+}= \theta_+ \quad\text{(notebook 2)},$$

$$w_i \mathrel{+}= A_+a_{\text{pre},i} \text{ at post spikes}, \qquad
  w_i \mathrel{-}= A_-a_\text{post} \text{ at pre spikes of } i \quad\text{(notebook 3)}.$$

So the effective strength of synapse $i$ at a spike is $W\,w_i\,u_i x_i$: a long-term part
$w_i$ learned by STDP times a short-term part $u_ix_i$ set by the recent history of input $i$.
`sx.simulate_circuit(CircuitParams(stp, neuron, stdp, tau_syn, gain, i_ext), pre_spikes, w0, dt_ms)`
runs it; all synapses share the STP parameters. Parameter leaves may carry a batch axis, so
below we run a depressing and a facilitating circuit in **one call**.

## 2. What the neuron receives: a step in input rate  (~30 min)

100 inputs fire regularly (each with its own random phase) at 5 Hz for 2 s, then at 30 Hz for
2 s. STDP is switched off ($A_\pm = 0$) so only short-term plasticity and the adaptive
threshold act. The two circuits differ only in their synapses (and in the gain $g$: the
depressing circuit fires at about 5 Hz during the 5 Hz period, the facilitating one stays just
below threshold).
"""),
code(r"""
DT = 1.0
N = 100
RATE_LO, RATE_HI, T_SEG = 5.0, 30.0, 2000.0
DUR = 2 * T_SEG
rng = np.random.default_rng(0)


def regular_inputs(rate_lo, rate_hi, n, rng):
    # n regular trains, each with a random phase: rate_lo for T_SEG ms, then rate_hi for T_SEG ms
    cols = []
    for _ in range(n):
        a = sx.regular_train(rate_lo, int(T_SEG * rate_lo / 1000.0), duration_ms=T_SEG, dt_ms=DT,
                             start_ms=rng.uniform(0.0, 1000.0 / rate_lo))
        b = sx.regular_train(rate_hi, int(T_SEG * rate_hi / 1000.0) - 1, duration_ms=T_SEG, dt_ms=DT,
                             start_ms=rng.uniform(0.0, 1000.0 / rate_hi))
        cols.append(np.concatenate([a, b]))
    return np.stack(cols, axis=1)  # (n_steps, n)


pre_step = regular_inputs(RATE_LO, RATE_HI, N, rng)
print("input spikes per train:", pre_step.sum(axis=0)[:3], "... shape", pre_step.shape)

both_stp = sx.STPParams(U=np.array([DEP["U"], FAC["U"]]), tau_f=np.array([DEP["tau_f"], FAC["tau_f"]]),
                        tau_d=np.array([DEP["tau_d"], FAC["tau_d"]]))
no_stdp = sx.STDPParams(A_plus=0.0, A_minus=0.0, tau_plus=20.0, tau_minus=20.0)
neuron = sx.ALIFParams(theta_plus=2.0, tau_theta=200.0)
lab = sx.CircuitParams(stp=both_stp, neuron=neuron, stdp=no_stdp, tau_syn=5.0,
                       gain=np.array([6.0, 2.5]), i_ext=0.0)
tr_step = sx.simulate_circuit(lab, pre_step, w0=0.5, dt_ms=DT)   # batch of 2 circuits
current = np.asarray(tr_step.current)                              # (2, n_steps)
post = np.asarray(tr_step.spikes)
print("current:", current.shape)
"""),
code(r"""
t = sx.time_axis(duration_ms=DUR, dt_ms=DT)
bin_ms = 50
names, colors = ("depressing", "facilitating"), ("steelblue", "crimson")

new_figure("Synaptic current, normalised to its mean over the 5 Hz period", height="320px")
for k in range(2):
    smooth = np.convolve(current[k], np.ones(20) / 20, mode="same")
    base = current[k][(t > 1000) & (t < T_SEG)].mean()
    plt.plot(t[::5], smooth[::5] / base, colors=[colors[k]], labels=[names[k]], display_legend=True)
plt.vline(T_SEG, colors=[GREY])
finish("time (ms)   (rate step 5 → 30 Hz at the grey line)", "I / I(5 Hz)")

new_figure("Postsynaptic rate (50 ms bins)", height="280px")
edges = np.arange(0, len(t) + 1, int(bin_ms / DT))
for k in range(2):
    rate = np.add.reduceat(post[k], edges[:-1]) / (bin_ms / 1000.0)
    plt.plot(t[edges[:-1]], rate, colors=[colors[k]], labels=[names[k]], display_legend=True)
plt.vline(T_SEG, colors=[GREY])
finish("time (ms)", "post rate (Hz)")
"""),
md(r"""
* Through **depressing** synapses the rate step produces a large *transient*: the first spikes
  at 30 Hz find the resources of the 5 Hz steady state ($x^* \approx 0.36$, far more than the
  30 Hz one), then $x$ drops and the current settles only slightly above
  baseline — 30 Hz is far above $r_\text{lim} = 1/(U\tau_d) = 2.5$ Hz, where the release per
  second hardly depends on rate (notebook 1). The neuron signals the *change*.
* Through **facilitating** synapses the current *builds up* over a few hundred ms as $u$
  grows, and the sustained response is many times the baseline: the neuron, silent at 5 Hz
  input, fires steadily at 30 Hz input. It signals the new *rate*.
* The adaptive threshold ($\theta_+ = 2$ mV, $\tau_\theta = 200$ ms) keeps the postsynaptic rate
  moderate in both cases.

### Exercise 1 — write the synaptic current yourself

The engine records, for every step and synapse, the efficacy of the last release
`tr_step.wdyn` $= W w_i u_i^+ x_i^-$ (held between spikes) and the spikes `pre_step`. Write the
current update in numpy: at each step $I \leftarrow I\,e^{-dt/\tau_\text{syn}} + g\sum_i
\text{wdyn}_i\,s_i$, starting from $I = 0$, for the **depressing** circuit (batch index 0,
$g = 6$, $\tau_\text{syn} = 5$ ms). Store the whole trace, shape `(n_steps,)`, in `my_current`.
The cell after it plots yours on the engine's `current[0]`.
"""),
answer(r"""
# Exercise 1: the synaptic current of the depressing circuit, one value per step
wdyn_dep = np.asarray(tr_step.wdyn)[0]   # (n_steps, N): W·w·u·x of each synapse's last release
my_current = ...  # TODO: loop over the steps (or use a cumulative trick) with I <- I·e^{-dt/τsyn} + g·Σ wdyn·s
"""),
solution(r"""
decay_syn = np.exp(-DT / 5.0)
I, out = 0.0, []
for k in range(pre_step.shape[0]):
    I = I * decay_syn + 6.0 * np.sum(wdyn_dep[k] * pre_step[k])  # only synapses that spike now inject
    out.append(I)
my_current = np.array(out)
"""),
code(r"""
new_figure("Depressing circuit: synaptic current, engine and yours (first 1 s)", height="260px")
k1 = t < 1000.0
plt.plot(t[k1], current[0][k1], colors=["steelblue"], labels=["engine"], display_legend=True, stroke_width=4)
if answered(my_current):
    plt.plot(t[k1], np.asarray(my_current, dtype=float)[k1], colors=[GREY], line_style="dashed",
             labels=["yours"], display_legend=True)
finish("time (ms)", "I (nA)")
"""),
check(r"""
def _check_current():
    mine = numeric(my_current, shape=current[0].shape)
    if np.allclose(mine, current[0], rtol=1e-4, atol=1e-5):
        return None
    if np.all(mine >= 0) and np.mean(mine) > np.mean(current[0]):
        return ("your current is too large on average: it must decay by e^{−dt/τsyn} at every step "
                "(dt = DT, τsyn = 5 ms), and only synapses that spike in this step inject (wdyn · pre_step[k])")
    return ("your current differs from the engine's: decay first by e^{−dt/τsyn} (dt = DT, τsyn = 5 ms), "
            "then add this step's injection, and record I after adding")


grade("Exercise 1", _check_current, todo="set my_current to an array with one current per step (shape of "
      "current[0]): I starts at 0, decays by e^{−dt/τsyn} each step and jumps by g·Σ wdyn·s")
"""),
md(r"""
### Exercise 2 — predict the sustained current

With STDP off, the mean synaptic current in steady state is
$\bar I = g\,\tau_\text{syn}\sum_i W w_i\, r_i\,\text{release}^*(r_i)$ (each spike injects
$g W w_i\,\text{release}^*$, which decays with $\tau_\text{syn}$). Use `sx.steady_state` to predict the
ratio $\bar I(30\,\text{Hz})/\bar I(5\,\text{Hz})$ for each synapse type and store the two numbers as
`ratio_pred = {"depressing": ..., "facilitating": ...}`. The check compares them with the
simulated currents averaged over the last second of each period.
"""),
answer(r"""
# Exercise 2: predicted ratios I(30 Hz) / I(5 Hz), one float per synapse type
ratio_pred = {"depressing": ..., "facilitating": ...}  # TODO
"""),
solution(r"""
ratio_pred = {}
for name, d in (("depressing", DEP), ("facilitating", FAC)):
    p = sx.STPParams(**d)
    rel_lo = float(sx.steady_state(p, RATE_LO)[2])
    rel_hi = float(sx.steady_state(p, RATE_HI)[2])
    ratio_pred[name] = (RATE_HI * rel_hi) / (RATE_LO * rel_lo)
"""),
check(r"""
def _check_ratio():
    late_lo = (t >= T_SEG - 1000.0) & (t < T_SEG)
    late_hi = t >= DUR - 1000.0
    for k, name in enumerate(names):
        pred = float(numeric(ratio_pred[name]))
        sim_ratio = current[k][late_hi].mean() / current[k][late_lo].mean()
        if abs(pred - sim_ratio) / sim_ratio > 0.1:
            return (f"the {name} ratio is too " + ("high" if pred > sim_ratio else "low")
                    + ": the mean current is proportional to r · release*(r), so the ratio is "
                    "(30 · release*(30 Hz)) / (5 · release*(5 Hz)), with release* from sx.steady_state")
    return None


grade("Exercise 2", _check_ratio, todo="fill both ratios with floats: (r_hi · release*(r_hi)) / "
      "(r_lo · release*(r_lo)) for each synapse type")
"""),
md(r"""
## 3. Which inputs does STDP strengthen? It depends on the synapses  (~30 min)

Now switch STDP on (additive, hard bounds, depression slightly dominant as in notebook 3). The
neuron receives two groups of 50 Poisson inputs: a **low-rate** group at 5 Hz and a **high-rate**
group at 30 Hz. All weights start at 0.5. We run 200 s in 10 s blocks, carrying the weights
over, once with depressing and once with facilitating synapses.

STDP potentiates an input when its spikes are followed by postsynaptic spikes, i.e. when its
*individual spikes are effective*. Short-term plasticity sets exactly that: a depressing
synapse firing at 30 Hz releases only $\approx 1/(r\tau_d)$ per spike, while a facilitating one
releases more per spike at 30 Hz than at 5 Hz.
"""),
code(r"""
GROUP_RATES = np.r_[np.full(50, 5.0), np.full(50, 30.0)]
LOW, HIGH = slice(0, 50), slice(50, 100)
BLOCK_MS, N_BLOCKS = 10_000.0, 20
stdp = sx.STDPParams(A_plus=0.02, A_minus=0.021, tau_plus=20.0, tau_minus=20.0, bounds="hard")


def learn(stp_kw, gain, seed=0):
    params = sx.CircuitParams(stp=sx.STPParams(**stp_kw), neuron=neuron, stdp=stdp, tau_syn=5.0, gain=gain)
    w = np.full(N, 0.5)
    history, rates = [w.copy()], []
    block_rng = np.random.default_rng(seed)
    n_steps = sx.n_steps_for(BLOCK_MS, DT)
    for _ in range(N_BLOCKS):
        pre = (block_rng.random((n_steps, N)) < GROUP_RATES * DT / 1000.0).astype(np.float32)
        tr = sx.simulate_circuit(params, pre, w0=w, dt_ms=DT)
        w = np.asarray(tr.w[-1])
        history.append(w.copy())
        rates.append(float(np.asarray(tr.spikes).sum()) / BLOCK_MS * 1000.0)
    return np.array(history), np.array(rates)


hist_dep, rates_dep = learn(DEP, gain=8.0)
hist_fac, rates_fac = learn(FAC, gain=3.0)
for name, h, r in (("depressing", hist_dep, rates_dep), ("facilitating", hist_fac, rates_fac)):
    print(f"{name:12s}: final mean w  low-rate group {h[-1][LOW].mean():.2f}, high-rate group {h[-1][HIGH].mean():.2f};"
          f"  post rate {r[0]:.1f} → {r[-1]:.1f} Hz")
"""),
code(r"""
time_s = np.arange(N_BLOCKS + 1) * BLOCK_MS / 1000.0
for name, h in (("depressing", hist_dep), ("facilitating", hist_fac)):
    new_figure(f"{name} synapses: mean weight of each input group during learning", height="280px")
    plt.plot(time_s, h[:, LOW].mean(axis=1), colors=["seagreen"], labels=["5 Hz inputs"], display_legend=True)
    plt.plot(time_s, h[:, HIGH].mean(axis=1), colors=["darkorange"], labels=["30 Hz inputs"], display_legend=True)
    plt.ylim(0.0, 1.0)
    finish("time (s)", "mean w")

new_figure("Final weight of every input", height="280px")
idx = np.arange(N)
plt.scatter(idx, hist_dep[-1], colors=["steelblue"], labels=["depressing"], display_legend=True, default_size=20)
plt.scatter(idx, hist_fac[-1], colors=["crimson"], labels=["facilitating"], display_legend=True, default_size=20)
plt.vline(49.5, colors=[GREY])
finish("input index   (0–49: 5 Hz, 50–99: 30 Hz)", "w")
"""),
md(r"""
The same STDP rule, the same inputs — opposite outcomes:

* with **depressing** synapses the **low-rate** inputs win: each of their spikes arrives at a
  recovered synapse and is effective, whereas the 30 Hz inputs are depleted; they contribute
  many presynaptic spikes (each one a depression event) but few causal post spikes;
* with **facilitating** synapses the **high-rate** inputs win, but by less and not for good:
  their spikes are the effective ones, and their mean weight rises to about 0.66 by 40 s (0.18
  above the 5 Hz group), then falls back to about 0.55 by 200 s while the gap narrows to about
  0.1 (the figure above). Their advantage in release per spike (about 0.16 vs 0.09, a factor
  1.8) is much smaller than the depressing synapses' (0.18 vs 0.04, a factor 4.6), so the
  split is smaller and, in this run, it does not keep growing: run `learn` for longer and
  watch whether it settles.

In other words, STDP learns from the *postsynaptic consequences* of each presynaptic spike,
and short-term plasticity decides what those consequences are. Meanwhile the adaptive threshold
keeps the postsynaptic rate in a moderate range while the weights reorganise.

### Exercise 3 — predict the winner from notebook 1

Using only `sx.steady_state` (no circuit simulation), compute for each synapse type the
per-spike release at 5 Hz and at 30 Hz, and predict which group wins: store
`winner = {"depressing": "low" or "high", "facilitating": "low" or "high"}`.
"""),
answer(r"""
# Exercise 3: "low" or "high" for each synapse type
winner = {"depressing": ..., "facilitating": ...}  # TODO
"""),
solution(r"""
winner = {}
for name, d in (("depressing", DEP), ("facilitating", FAC)):
    rel_lo, rel_hi = (float(sx.steady_state(sx.STPParams(**d), r)[2]) for r in (5.0, 30.0))
    winner[name] = "high" if rel_hi > rel_lo else "low"
    print(f"{name:12s}: release per spike {rel_lo:.3f} at 5 Hz, {rel_hi:.3f} at 30 Hz")
"""),
check(r"""
def _check_winner():
    # against the learning simulation above (not against a stored answer)
    for name, h in (("depressing", hist_dep), ("facilitating", hist_fac)):
        if not answered(winner.get(name)):
            raise Blank()
        if winner[name] not in ("low", "high"):
            return f'each entry is the string "low" or "high", got {winner[name]!r} for {name}'
        simulated = "high" if h[-1][HIGH].mean() > h[-1][LOW].mean() else "low"
        if winner[name] != simulated:
            return (f"not for the {name} synapses: compare sx.steady_state(...)[2] at 5 Hz and at 30 Hz — "
                    "the group whose spikes release more *per spike* wins")
    return None


grade("Exercise 3", _check_winner, todo='fill both entries with "low" or "high", from the release per spike '
      "at 5 Hz and at 30 Hz of each synapse type")
"""),
md(r"""
### Open question 2 — equal synapses, equal weights?

Find STP parameters for which the release per spike in steady state is the *same* at 5 Hz and
at 30 Hz (search with `sx.steady_state`). Predict which group STDP strengthens with such
synapses, then test it: `learn(dict(U=..., tau_f=..., tau_d=...), gain=3.0)`. Explain what you
see. What does it tell you about the rule "the group that releases more per spike wins"?
"""),
notes(r"""
**Answer key.** $U = 0.1$, $\tau_f = 500$ ms, $\tau_d = 100$ ms gives $\text{release}^* \approx 0.2425$ at
5 Hz and $0.2434$ at 30 Hz. Most students predict a tie; `learn(..., gain=3.0)` (seed 0) ends
with mean weights of about 0.65 for the 5 Hz group and 0.38 for the 30 Hz group — the
**low-rate group still wins**. The weight drift has two parts: a *causal* part (each input's
spikes cause post spikes in proportion to their efficacy — equal here) and an *uncorrelated*
part $r_\text{pre}\,r_\text{post}\,(A_+\tau_+ - A_-\tau_-)$, which is negative with this net-depressing
window and six times larger for the 30 Hz inputs. So "more release per spike wins" holds when
the efficacy difference is large (exercise 3), and a high-rate group must *beat* its extra
uncorrelated depression to win. Follow-up: make the window balanced
($A_-\tau_- = A_+\tau_+$) and repeat.
"""),
md(r"""
## 4. Explore  (~15 min)

The panel runs the whole circuit. Things to try: switch the synapse preset between depressing
and facilitating and watch which weights grow; turn the adaptive threshold off
($\theta_+ = 0$) and see the postsynaptic rate run away as the weights grow; change the STDP
balance $A_-/A_+$.

> **Think!** (3 min) The weight $w_i$ changes over minutes, the efficacy $u_ix_i$ over tens of
> milliseconds. If an experimenter measures "synaptic strength" with a single test pulse after
> learning, which of the two does she see?
"""),
notes(r"""
A single test pulse from rest measures $W w_i U$ — the learned weight times the *baseline*
utilisation, not the efficacy the synapse had during the learning protocol. Two synapses with
the same $w_i$ but different STP look equally strong in that test and behave very differently
in a train. Conversely a plasticity protocol can change $U$ (presynaptic LTP, Markram & Tsodyks
1996 "redistribution of synaptic efficacy"): the first response grows but the steady-state
response at high rates does not. Good bridge to Costa et al. (2015) in the references.
"""),
panel(r"""
panel = sx.CircuitPanel()
panel
"""),
md(r"""
## Summary

* In the synapse lab the efficacy of synapse $i$ at a spike is $W\,w_i\,u_ix_i$: a slow,
  learned factor $w_i$ (STDP) times a fast, use-dependent factor $u_ix_i$ (STP), read by a
  neuron whose threshold adapts.
* Depressing synapses turn a rate step into a transient (they transmit rate *changes*);
  facilitating synapses turn it into a sustained, amplified response. The sustained current
  follows $r\cdot\text{release}^*(r)$ from the steady state of notebook 1.
* STDP strengthens inputs whose spikes make the neuron fire. Short-term plasticity decides
  which spikes those are, so with depressing synapses low-rate inputs win and with facilitating
  synapses high-rate inputs win — predicted by comparing $\text{release}^*$ at the two rates.

**Next:** notebook 5 (`05_fitting.ipynb`) goes from these models to recordings: it fits
$U$, $\tau_f$ and $\tau_d$ to measured amplitude trains.

### References

* Tsodyks M, Pawelzik K, Markram H (1998) Neural networks with dynamic synapses. *Neural Computation* 10:821–835.
* Abbott LF, Varela JA, Sen K, Nelson SB (1997) Synaptic depression and cortical gain control. *Science* 275:220–224.
* Song S, Miller KD, Abbott LF (2000) Competitive Hebbian learning through spike-timing-dependent synaptic plasticity. *Nat Neurosci* 3:919–926.
* Senn W, Markram H, Tsodyks M (2001) An algorithm for modifying neurotransmitter release probability based on pre- and postsynaptic spike timing. *Neural Computation* 13:35–67.
* Costa RP, Froemke RC, Sjöström PJ, van Rossum MCW (2015) Unified pre- and postsynaptic long-term plasticity enables reliable and flexible learning. *eLife* 4:e09457.
"""),
]


def build_notebook(out_dir=None, student=False):
    return build("04_synapse_lab.ipynb", "lab", CELLS, out_dir=out_dir, student=student)
