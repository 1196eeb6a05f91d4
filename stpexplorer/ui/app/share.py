"""The Explorer's state as a dict and as a link: ``?tab=stp&U=0.3&tau_d=400``.

Query format (:func:`parse_query`, :meth:`Share.url`):

* ``tab=<key>`` selects a tab (a key of :data:`~stpexplorer.experiments.EXPERIMENTS`);
* ``<name>=<value>`` sets a control of that tab's panel (the first tab without ``tab``);
* ``<key>.<name>=<value>`` sets a control of another panel (``stdp.A_plus=0.02``);
* ``lecture=1`` turns lecture mode on (``0`` off);
* ``token``, ``template``, ``theme`` and ``voila-*`` belong to Jupyter/Voila and are ignored.

Each value is checked with its :class:`~stpexplorer.experiments.Control` (the API range); a
bad key or value is left out and its message, which names it and its valid range, goes to
the error area of its panel; everything else is applied.

In Voila the dashboard reads the page's query string itself (:meth:`Share.apply_url`):
a kernel started for the page has it in ``$QUERY_STRING``; a pre-heated kernel (``stpexplorer
app`` keeps a pool) receives it when a page takes it (``voila.utils.wait_for_request``),
which a background thread waits for and hands to the kernel's main thread.
"""

from __future__ import annotations

import html
import os
import threading
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

import ipywidgets as W

from stpexplorer.experiments import EXPERIMENTS

__all__ = ["Query", "Share", "format_value", "parse_query"]

_TRUE, _FALSE = ("1", "true", "on", "yes"), ("0", "false", "off", "no", "")
#: query keys owned by Jupyter / Voila
_IGNORED = ("token", "template", "theme")


@dataclass
class Query:
    """A parsed query: ``tab`` (None: keep), ``lecture`` (None: keep), ``values``
    ``{panel key: {control: checked value}}``, ``errors`` ``{panel key: [messages]}``."""

    tab: str | None = None
    lecture: bool | None = None
    values: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)


def parse_query(query: str, default_tab: str | None = None) -> Query:
    """Parse a query string (with or without the leading ``?``) into a :class:`Query`.

    Bare control names belong to ``tab`` (or ``default_tab``, or the registry's first)."""
    q = Query()
    pairs = parse_qsl((query or "").lstrip("?"), keep_blank_values=True)
    keys = list(EXPERIMENTS)
    for k, v in pairs:
        if k == "tab":
            if v in EXPERIMENTS:
                q.tab = v
            else:
                q.errors.setdefault(default_tab or keys[0], []).append(
                    f"tab must be one of {', '.join(keys)}, got {v!r}")
    home = q.tab or default_tab or keys[0]
    for k, v in pairs:
        if k == "tab" or k in _IGNORED or k.startswith("voila-"):
            continue
        if k == "lecture":
            if v.lower() in _TRUE + _FALSE:
                q.lecture = v.lower() in _TRUE
            else:
                q.errors.setdefault(home, []).append(f"lecture must be 1 (on) or 0 (off), got {v!r}")
            continue
        key, name = k.split(".", 1) if "." in k else (home, k)
        if key not in EXPERIMENTS:
            q.errors.setdefault(home, []).append(
                f"{k}: unknown panel {key!r}; valid panels: {', '.join(keys)}")
            continue
        try:
            q.values.setdefault(key, {})[name] = EXPERIMENTS[key].control(name).check(v)
        except ValueError as e:
            q.errors.setdefault(key, []).append(str(e))
    return q


def format_value(v) -> str:
    """A control value as the query writes it: the shortest text that reads back the same
    number (``400``, ``0.3``), or the choice itself."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, int):
        return str(v)
    s = repr(float(v))
    return s.removesuffix(".0")


def _in_voila() -> bool:
    return "VOILA_KERNEL_ID" in os.environ or "VOILA_PREHEAT" in os.environ


class Share:
    """``Share(panels, tabs, lecture)``: the Explorer's state, links and a Share button
    (``stpx-share``) with its link box in each panel's header (``buttons``, ``boxes``: by
    panel key). ``panels``: ``{key: panel}``; ``tabs``: the Tab showing them in that order
    (its ``selected_index``); ``lecture``: the :class:`~stpexplorer.ui.app.lecture.Lecture`
    part (its ``on`` and ``set``)."""

    def __init__(self, panels: dict, tabs, lecture):
        self.panels, self._tabs, self._lecture = panels, tabs, lecture
        self.share_link = ""  # the last link the Share button showed
        #: the dashboard's address for the Share button outside Voila (in Voila: the page's own)
        self.share_base = ""
        self._share_n = 0
        self.buttons, self.boxes = {}, {}
        for key, p in panels.items():
            b = W.Button(description="Share", icon="link", tooltip="show and copy a link to this view",
                         layout=W.Layout(width="auto"))
            b.add_class("stpx-share")
            out = W.HTML("")
            out.add_class("stpx-share-box")
            b.on_click(lambda _, out=out: self._share(out))
            self.buttons[key], self.boxes[key] = b, out
            p.header.add_tools(b, out, wrap=True)  # the link box wraps under the menu

    # ------------------------------------------------------------------ state
    @property
    def tab(self) -> str:
        """Key of the selected tab."""
        return list(self.panels)[self._tabs.selected_index or 0]

    def state(self, full: bool = False) -> dict:
        """``{"tab": key, key: {control: value}, ...}`` (+ ``"lecture": True`` when on): the
        values of every panel that differ from its defaults (``full``: all values of all
        panels). ``Explorer(state=...)`` and :meth:`apply_state` take it back."""
        out = {"tab": self.tab}
        if self._lecture.on:
            out["lecture"] = True
        for key, p in self.panels.items():
            defaults = p.experiment.defaults()
            vals = {n: v for n, v in p.control_values().items() if full or v != defaults.get(n)}
            if vals or full:
                out[key] = vals
        return out

    def apply_state(self, state) -> dict:
        """Apply a :meth:`state` dict or a query string: tab, lecture mode and values (one
        run per panel that changes). Bad keys or values are skipped; their messages go to
        their panel's error area and are returned as ``{panel key: [messages]}``."""
        if isinstance(state, str):
            q = parse_query(state, self.tab)
        else:
            state = dict(state or {})
            flat = [("tab", state.pop("tab"))] if "tab" in state else []
            if "lecture" in state:
                flat.append(("lecture", "1" if state.pop("lecture") else "0"))
            for key, vals in state.items():
                if not isinstance(vals, dict):
                    flat.append((key, vals))
                    continue
                flat += [(f"{key}.{n}", format_value(v)) for n, v in vals.items()]
            q = parse_query(urlencode(flat), self.tab)
        if q.lecture is not None:
            self._lecture.set(q.lecture)
        if q.tab is not None:
            self._tabs.selected_index = list(self.panels).index(q.tab)
        for key, vals in q.values.items():
            p = self.panels[key]
            try:
                p.set_values(**vals)
            except ValueError:  # a combination the experiment refuses: shown by the panel
                pass
        for key, msgs in q.errors.items():
            self.panels[key].report_error("link: " + "; ".join(msgs))
        return q.errors

    def url(self, base: str = "") -> str:
        """The link of the current state: ``base`` + ``?tab=...&name=value...`` (the selected
        tab's values bare, other panels' as ``key.name``)."""
        st = self.state()
        tab = st.pop("tab")
        pairs = [("tab", tab)]
        if st.pop("lecture", False):
            pairs.append(("lecture", "1"))
        pairs += [(n, format_value(v)) for n, v in st.pop(tab, {}).items()]
        for key, vals in st.items():
            pairs += [(f"{key}.{n}", format_value(v)) for n, v in vals.items()]
        return f"{base.split('?')[0]}?{urlencode(pairs)}"

    def apply_url(self, query: str | None = None) -> None:
        """Apply a page's query string. Without ``query``, in Voila: the page's own (a kernel
        started for the page reads ``$QUERY_STRING``; a pre-heated one waits in a background
        thread for the page that takes it, then applies it on the kernel's main thread)."""
        if query is not None:
            self.apply_state(query)
            return
        if not _in_voila():
            return
        if os.environ.get("VOILA_PREHEAT", "False") == "False":
            self.apply_state(os.environ.get("QUERY_STRING", ""))
            return
        threading.Thread(target=self._wait_for_page, name="stpx-url", daemon=True).start()

    def _wait_for_page(self):
        from voila.utils import get_query_string  # optional dependency: only inside a Voila page

        query = get_query_string() or ""
        try:
            from IPython import get_ipython  # optional: the kernel's IOLoop, absent in a plain script

            loop = get_ipython().kernel.io_loop
        except AttributeError:  # not in a kernel: apply here
            self.apply_state(query)
        else:
            loop.add_callback(self.apply_state, query)

    # ------------------------------------------------------------------ Share button
    def _share(self, out) -> str:
        """Show the link of the current state in ``out``, selected, and copy it (browser JS)."""
        env = os.environ
        base = (f"http://{env['SERVER_NAME']}:{env.get('SERVER_PORT', '')}{env.get('SCRIPT_NAME', '/')}"
                if _in_voila() and "SERVER_NAME" in env else self.share_base)
        self.share_link = link = self.url(base)
        query = link[link.index("?"):]
        rel = " data-relative='1'" if _in_voila() else ""
        self._share_n += 1
        what = ("Link to this view" if _in_voila() or base else
                "Query of this view (add it to the dashboard's address, or set explorer.share_base)")
        out.value = (
            f"<label class='stpx-share-label'>{html.escape(what)} "
            f"<input class='stpx-share-link' readonly size='70' value='{html.escape(link)}' "
            f"data-query='{html.escape(query)}'{rel}></label> "
            f"<span class='stpx-share-msg' role='status'>select the link and copy it (Ctrl+C)</span>"
            f"<img alt='' hidden data-n='{self._share_n}' src='data:,' onerror=\"{html.escape(_COPY_JS)}\">")
        return link


# runs in the browser when the link is shown: in Voila the page's own address + the query;
# selects the link and copies it (the Clipboard API needs a secure context: else Ctrl+C)
_COPY_JS = (
    "var b=this.parentNode,i=b.querySelector('input'),m=b.querySelector('.stpx-share-msg');this.remove();"
    "if(i.dataset.relative){i.value=location.origin+location.pathname+i.dataset.query;}"
    "i.focus();i.select();"
    "var ok=function(){m.textContent='link copied to the clipboard';},"
    "no=function(){m.textContent='the link is selected: press Ctrl+C to copy it';};"
    "try{navigator.clipboard.writeText(i.value).then(ok,no);}catch(e){no();}")
