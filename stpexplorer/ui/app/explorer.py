"""The explorer: one tab per experiment of :data:`stpexplorer.experiments.EXPERIMENTS`, in the
registry's order and with its titles (the registry is the only list of panels)."""

from __future__ import annotations

import atexit
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import jax

from stpexplorer.experiments import EXPERIMENTS
from stpexplorer.ui.parts.export import install_export
from stpexplorer.ui.app.lecture import Lecture
from stpexplorer.ui.app.share import Share
from stpexplorer.ui.parts.delegate import delegate
from stpexplorer.ui.parts.tabs import LazyTab

__all__ = ["PANELS", "Explorer", "enable_compile_cache", "warm_up"]


def _panel_classes() -> dict:
    """``{registry key: widget panel class}`` in the registry's order: each experiment's
    ``panel`` path (a new panel needs no edit here); each class names its experiment in ``.key``."""
    missing = [k for k, e in EXPERIMENTS.items() if not e.panel]
    if missing:
        raise LookupError(f"experiments {missing} of the registry name no widget panel (Experiment.panel)")
    return {k: e.panel_class() for k, e in EXPERIMENTS.items()}


PANELS = _panel_classes()


def enable_compile_cache(path: str | os.PathLike | None = None) -> str | None:
    """Opt-in: keep JAX's compiled panels on disk (``jax_compilation_cache_dir``) so that
    later kernels (every Voila page view starts one) skip compilation.

    ``path`` defaults to ``$STPX_JAX_CACHE``; does nothing without a path or when the
    user has already configured a cache directory. Returns the directory in use."""
    path = path or os.environ.get("STPX_JAX_CACHE")
    current = jax.config.jax_compilation_cache_dir
    if current or not path:
        return current or None
    os.makedirs(path, exist_ok=True)
    jax.config.update("jax_compilation_cache_dir", str(path))
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
    return str(path)


def _run_unless(key: str, stop: threading.Event | None) -> None:
    if stop is not None and stop.is_set():
        return
    try:
        EXPERIMENTS[key].run({})
    except Exception:  # noqa: BLE001 - the panel's own first run reports it
        pass


def warm_up(keys=tuple(PANELS), workers: int | None = None, stop: threading.Event | None = None) -> None:
    """Compile the experiments' default runs (``workers`` at a time, default all at once:
    XLA compiles without the GIL), so that the panels' first runs hit the jit caches.
    Pure computation, no widgets. Once ``stop`` is set no further run starts (the ones
    under way finish: a compilation cannot be interrupted)."""
    workers = max(1, workers or len(keys))
    if workers == 1:
        for k in keys:
            _run_unless(k, stop)
        return
    with ThreadPoolExecutor(max_workers=workers) as ex:
        for f in [ex.submit(_run_unless, k, stop) for k in keys]:
            f.result()


#: background warm-ups still running: (thread, its stop event)
_WARMING: list[tuple[threading.Thread, threading.Event]] = []


@atexit.register
def _stop_warm_ups() -> None:
    """At interpreter exit: let each warm-up finish its current compilation and start no
    other, then wait for it. A daemon thread still inside XLA when the interpreter tears
    down aborts the process ("terminate called ...", exit status 134)."""
    for _, stop in _WARMING:
        stop.set()
    for t, _ in list(_WARMING):
        t.join()
    _WARMING.clear()


class Explorer(LazyTab):
    """``Tab`` of the panels; ``.panels``: ``{key: panel}`` over the registry's keys.

    Only the visible tab is simulated while the Explorer is built, so it appears after one
    compilation. Every widget message comes from the kernel's main thread: the hidden
    tabs' models are *compiled* in a background thread (``warm=True``, pure JAX, no
    widgets), and a hidden tab is plotted and put into the page when it is first
    selected (:class:`~stpexplorer.ui.parts.tabs.LazyTab`; ``.tabs[key]`` is the tab's box). So
    a figure is never laid out while hidden, and what a tab shows first is its own
    simulation at its current values. :meth:`wait_ready` blocks until every tab is plotted.

    It holds two parts, ``sharing`` (:class:`~stpexplorer.ui.app.share.Share`) and
    ``lecture_mode`` (:class:`~stpexplorer.ui.app.lecture.Lecture`), and answers for their names.
    Sharing: :meth:`state` / ``Explorer(state=...)`` / :meth:`apply_state`,
    :meth:`url`, a Share button (``stpx-share``) in every panel's header; in Voila the page's
    query string (``?tab=stp&U=0.3&lecture=1``) is applied. Every figure has PNG/SVG export
    buttons (:mod:`._export`).
    """

    def __init__(self, warm: bool = True, compile_cache: str | None = None, files: str = "auto",
                 lecture: bool = False, state=None, url: bool = True, **kwargs):
        """``warm``: compile the hidden tabs in a background thread right away;
        ``compile_cache``: a directory for JAX's persistent compilation cache (or
        ``$STPX_JAX_CACHE``); ``files``: where Save/Load/Export go -- "auto" (downloads
        and uploads only in a served dashboard), "browser" or "local"
        (see :mod:`stpexplorer.ui.parts.file_access`); ``lecture``: start in lecture mode (larger fonts,
        controls folded, file rows hidden; :meth:`set_lecture`, :mod:`._lecture`); ``state``:
        a :meth:`state` dict or a query string to apply; ``url``: in Voila, apply the page's
        query string (:meth:`apply_url`)."""
        enable_compile_cache(compile_cache)
        first = next(iter(PANELS))
        self.panels = {k: cls(defer=k != first, files=files) for k, cls in PANELS.items()}
        super().__init__([p.widget for p in self.panels.values()], [EXPERIMENTS[k].title for k in self.panels],
                         on_show=self._plot, **kwargs)
        self.tabs = dict(zip(self.panels, self.boxes))
        for k, panel in self.panels.items():  # links declared in the registry (map click -> STP tab)
            for event, target in EXPERIMENTS[k].links:
                getattr(panel, f"on_{event}")(self.panels[target].set_values)
        for k, box in self.tabs.items():
            box.add_class(f"stpx-tab-{k}")
        self.add_class("stpx-explorer")
        self.lecture_mode = Lecture(self.panels, self, lecture)
        self.sharing = Share(self.panels, self, self.lecture_mode)
        for p in self.panels.values():
            install_export(p)
        if state:
            self.apply_state(state)
        if url:
            self.apply_url()
        self._warm = None
        if warm:
            hidden = tuple(k for k in self.panels if k != first)
            # one compilation at a time: the visible tab keeps a core, and the kernel's peak
            # memory stays that of one compilation (concurrent ones added up to ~1 GB)
            self._warm_stop = threading.Event()
            self._warm = threading.Thread(target=warm_up, args=(hidden, 1, self._warm_stop), name="stpx-warm",
                                          daemon=True)
            _WARMING[:] = [(t, e) for t, e in _WARMING if t.is_alive()]
            _WARMING.append((self._warm, self._warm_stop))
            self._warm.start()

    def _plot(self, i: int) -> None:
        panel = list(self.panels.values())[i]
        try:
            panel.ensure_plotted()  # a failing run shows its error inside the panel
        except Exception as e:  # noqa: BLE001 - anything else: say so in the panel, go on
            panel.report_error(f"{type(e).__name__}: {e}")

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Block until every tab has been plotted (hidden tabs are plotted, not put into
        the page); True when ready. Call it from the kernel's main thread."""
        if self._warm is not None:
            self._warm.join(timeout)
            if self._warm.is_alive():
                return False
        for i in range(len(self.panels)):
            self._plot(i)
        return True

    @property
    def lecture(self) -> bool:
        """True while lecture mode is on."""
        return self.lecture_mode.on

    def set_lecture(self, on: bool) -> None:
        """Switch lecture mode on or off for the Explorer and all its panels."""
        self.lecture_mode.set(on)


delegate(Explorer, "sharing", ("tab", "state", "apply_state", "url", "apply_url", "share_link", "share_base"))
