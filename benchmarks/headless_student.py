"""A student without a browser: one Streamlit session driven through Streamlit's own websocket protocol.

It sends what a browser sends (``BackMsg.rerun_script`` with the page, the query string and every
widget's current state; a button press is a ``trigger_value``; the live fragment's ``auto_rerun``
interval is answered with fragment reruns) and reads what the server sends back (``ForwardMsg``):
widgets (their ids and values, as the browser's widget manager keeps them), buttons, exceptions,
the "Step N" line of the live panel and the end of each run. Behind HAProxy it first fetches the
page's cookies, as a browser does, so its websocket reaches the worker HAProxy chose for it. No
rendering, so 30–100 students fit on one machine. Widget values follow the browser's rules: a slider
sends its ``value`` (or its ``default``) as ``double_array_value``, a select-slider its option strings,
a selectbox its option string, a number input ``double_value``, a checkbox or toggle ``bool_value``, a
multiselect its strings.
"""

from __future__ import annotations

import re
import time
import urllib.request
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.Slider_pb2 import Slider
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.sync.client import ClientConnection, connect

STEP = re.compile(r"\*\*Step (\d+)\*\*")


@dataclass
class RunResult:
    """What one script (or fragment) run sent back."""

    seconds: float
    errors: list[str] = field(default_factory=list)
    step: int | None = None


def sticky_cookie(base: str) -> str:
    """The cookies a browser would hold after loading ``base``: behind HAProxy, the one naming this
    student's worker (``MMPLAYWORKER``), which the websocket must carry to reach that worker."""
    with urllib.request.urlopen(f"{base}/", timeout=30) as response:  # the page (probes carry no cookie)
        cookies = response.headers.get_all("Set-Cookie") or []
    return "; ".join(c.split(";", 1)[0] for c in cookies)


class HeadlessStudent:
    """One session on ``/{page}?{query}`` of the server at ``base`` (``http://host:port``)."""

    def __init__(self, base: str, page: str, query: str = "", timeout_s: float = 60.0) -> None:
        self.page, self.query, self.timeout_s = page, query, timeout_s
        url = base.replace("http://", "ws://") + "/_stcore/stream"
        cookie = sticky_cookie(base)
        self.ws: ClientConnection = connect(
            url,
            subprotocols=["streamlit"],
            max_size=None,
            compression=None,
            additional_headers={"Cookie": cookie} if cookie else None,
        )
        self.widgets: dict[str, WidgetState] = {}  # id -> current state, as a browser keeps them
        self.buttons: dict[str, str] = {}  # label -> widget id
        self.sliders: dict[str, Slider] = {}  # label -> proto (for moving one)
        self.fragment: tuple[float, str] | None = None  # (interval_s, fragment id) while playing
        self.step: int | None = None

    def close(self) -> None:
        self.ws.close()

    # --- what a browser sends -------------------------------------------------------------
    def _send(self, trigger: str | None = None, fragment: str | None = None) -> None:
        message = BackMsg()
        state = message.rerun_script
        state.query_string, state.page_name = self.query, self.page
        for widget_id, widget in self.widgets.items():
            if widget_id != trigger:
                state.widget_states.widgets.add().CopyFrom(widget)
        if trigger is not None:
            pressed = state.widget_states.widgets.add()
            pressed.id, pressed.trigger_value = trigger, True
        if fragment is not None:
            state.fragment_id, state.is_auto_rerun = fragment, True
        self.ws.send(message.SerializeToString())

    def open(self) -> RunResult:
        """The first view of the page."""
        return self._run(None, None)

    def press(self, label: str) -> RunResult:
        """Press the button labelled ``label`` (e.g. "▶ Play")."""
        return self._run(self.buttons[label], None)

    def tick(self) -> RunResult:
        """Answer the live fragment's auto-rerun once (only while playing)."""
        if self.fragment is None:
            raise RuntimeError("not playing: no auto-rerun to answer")
        return self._run(None, self.fragment[1])

    def move_slider(self, label: str, value: float) -> RunResult:
        """Set the slider labelled ``label`` to ``value`` (a whole rerun, as a browser does on release)."""
        proto = self.sliders[label]
        state = WidgetState(id=proto.id)
        state.double_array_value.data.append(value)
        self.widgets[proto.id] = state
        return self._run(None, None)

    # --- what the server sends back -------------------------------------------------------
    def _run(self, trigger: str | None, fragment: str | None) -> RunResult:
        start = time.perf_counter()
        self._send(trigger, fragment)
        result = RunResult(0.0)
        if fragment is None:
            self.fragment = None  # a whole run re-announces the fragment if it still plays
        while True:
            message = ForwardMsg.FromString(self.ws.recv(timeout=self.timeout_s))
            kind = message.WhichOneof("type")
            if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                self._read_element(message.delta.new_element, result)
            elif kind == "page_info_changed":  # the page rewrote its URL (st.query_params): a browser follows
                self.query = message.page_info_changed.query_string
            elif kind == "auto_rerun":
                self.fragment = (message.auto_rerun.interval, message.auto_rerun.fragment_id)
            elif kind == "stop_auto_rerun":
                self.fragment = None
            elif kind == "script_finished":
                if message.script_finished == 1:  # FINISHED_WITH_COMPILE_ERROR
                    result.errors.append("script failed")
                if message.script_finished != 2:  # 2: stopped early for a newer rerun; keep reading
                    break
        result.seconds = time.perf_counter() - start
        self.step = result.step if result.step is not None else self.step
        return result

    def _read_element(self, element, result: RunResult) -> None:
        kind = element.WhichOneof("type")
        if kind == "exception":
            result.errors.append(element.exception.message)
        elif kind == "alert" and element.alert.format == 1:  # st.error
            result.errors.append(element.alert.body)
        elif kind == "markdown":
            found = STEP.search(element.markdown.body)
            if found:
                result.step = int(found.group(1))
        elif kind == "button":
            self.buttons[element.button.label] = element.button.id
        elif kind in ("slider", "selectbox", "number_input", "checkbox", "multiselect"):
            proto = getattr(element, kind)
            if proto.id not in self.widgets:
                self.widgets[proto.id] = widget_state(kind, proto)
            if kind == "slider":
                self.sliders[proto.label] = proto


def widget_state(kind: str, proto) -> WidgetState:
    """The state a browser reports for a freshly drawn widget (its set value, else its default)."""
    state = WidgetState(id=proto.id)
    if kind == "slider":
        values = list(proto.value) if proto.set_value else list(proto.default)
        if proto.type == Slider.Type.SELECT_SLIDER and proto.set_value and proto.raw_value:
            state.string_array_value.data.extend(proto.raw_value)  # a set select-slider sends its option text
        elif proto.type == Slider.Type.SELECT_SLIDER:
            state.string_array_value.data.extend(proto.options[int(i)] for i in values)
        else:
            state.double_array_value.data.extend(values)
    elif kind == "selectbox":
        state.string_value = proto.raw_value if proto.set_value else proto.options[proto.default]
    elif kind == "number_input":
        state.double_value = proto.value if proto.set_value else proto.default
    elif kind == "checkbox":
        state.bool_value = proto.value if proto.set_value else proto.default
    else:  # multiselect
        chosen = list(proto.raw_values) if proto.set_value else [proto.options[i] for i in proto.default]
        state.string_array_value.data.extend(chosen)
    return state
