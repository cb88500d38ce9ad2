"""A Streamlit 1.67 client that speaks the browser's websocket protocol, without a browser.

What the browser does, and so what this does (read off Streamlit 1.67's server and frontend):

- GET the page (a proxy may set its sticky-session cookie there) and `_stcore/health`, which sets
  the `_streamlit_xsrf` cookie; open `ws(s)://HOST/<base>/_stcore/stream` with the subprotocols
  `streamlit, <xsrf token>`, the cookies and an Origin matching the Host.
- Start a session with `BackMsg.rerun_script` (a `ClientState`) carrying the URL's query string and
  the browser's context; then read `ForwardMsg`s until `script_finished` (a status other than
  "finished early for a rerun").
- Remember the hash of every ForwardMsg the server marks `metadata.cacheable`, and announce them in
  `cached_message_hashes` on each rerun: the server then sends a small `ref_hash` in place of any
  element the client already has. Like the frontend's ForwardMsgCache, an entry expires after
  `max_cached_message_age` runs (from `new_session.config`) in which it was not seen.
- A widget change is a rerun whose `widget_states` carry the widget's id and new value; the URL the
  script wrote (`page_info_changed.query_string`) is what the next rerun sends, as a browser's
  address bar would. A multiselect's value is the list of its options' *labels*
  (`string_array_value`, Streamlit 1.67's MultiSelectSerde), found in the widget's delta.
- An upload: `BackMsg.file_urls_request` → `ForwardMsg.file_urls_response` (an upload URL per
  file), an HTTP PUT of the file as multipart form data with the `X-Xsrftoken` header, then a rerun
  whose widget state is a `file_uploader_state_value` naming the file.

Blocking sockets only (websocket-client, http.client), so Locust's gevent makes them cooperative.
"""

from __future__ import annotations

import http.client
import time
import uuid
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

import websocket
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.Common_pb2 import UploadedFileInfo
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

EARLY_FOR_RERUN = ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN


class ProtocolError(Exception):
    """The server answered, but not as a browser would accept (an exception box, a bad status)."""


@dataclass
class Run:
    """One script run as the client saw it."""

    seconds: float = 0.0  # rerun sent → script_finished received
    bytes: int = 0  # websocket bytes received for the run
    messages: int = 0
    refs: int = 0  # elements sent as a reference to the client's cache
    exceptions: list[str] = field(default_factory=list)  # st.exception boxes on the page
    alerts: list[str] = field(default_factory=list)  # st.info / st.warning / st.error texts


class Session:
    """One browser tab: a websocket session of a Streamlit app at `base_url` (ending in '/')."""

    def __init__(self, base_url: str, *, timeout: float = 60.0, locale: str = "zh-CN") -> None:
        if not base_url.endswith("/"):
            base_url += "/"
        self.base_url = base_url
        parts = urlsplit(base_url)
        self.host, self.scheme, self.path = parts.netloc, parts.scheme, parts.path
        self.timeout = timeout
        self.locale = locale
        self.cookies: dict[str, str] = {}
        self.ws: websocket.WebSocket | None = None
        self.session_id = ""
        self.page_script_hash = ""
        self.query_string = ""
        self.max_age = 2
        self.cache: dict[str, int] = {}  # ForwardMsg hash → run count when last seen
        self.runs = 0
        self.widgets: dict[str, object] = {}  # widget id → its element proto (latest delta)

    # --- HTTP (stdlib, so gevent patches it) -------------------------------------------------

    def http(self, method: str, path: str, body: bytes = b"", headers: dict | None = None) -> tuple[int, bytes]:
        conn_class = http.client.HTTPSConnection if self.scheme == "https" else http.client.HTTPConnection
        conn = conn_class(self.host, timeout=self.timeout)
        try:
            hdrs = {"Host": self.host, **(headers or {})}
            if self.cookies:
                hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            conn.request(method, self.path + path, body=body or None, headers=hdrs)
            resp = conn.getresponse()
            data = resp.read()
            for header in resp.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return resp.status, data
        finally:
            conn.close()

    # --- the session --------------------------------------------------------------------------

    def open(self, query_string: str = "") -> Run:
        """Load the page as a browser does and run the script once; returns that first run."""
        status, _ = self.http("GET", "")
        if status != 200:
            raise ProtocolError(f"GET page: HTTP {status}")
        status, _ = self.http("GET", "_stcore/health")
        if status != 200:
            raise ProtocolError(f"GET health: HTTP {status}")
        ws_scheme = "wss" if self.scheme == "https" else "ws"
        xsrf = self.cookies.get("_streamlit_xsrf", "")
        self.ws = websocket.create_connection(
            f"{ws_scheme}://{self.host}{self.path}_stcore/stream",
            timeout=self.timeout,
            subprotocols=["streamlit", xsrf] if xsrf else ["streamlit"],
            origin=f"{self.scheme}://{self.host}",
            cookie="; ".join(f"{k}={v}" for k, v in self.cookies.items()) or None,
            skip_utf8_validation=True,
        )
        self.query_string = query_string
        return self.rerun()

    def close(self) -> None:
        if self.ws is not None:
            try:
                self.ws.close()
            finally:
                self.ws = None

    def send(self, msg: BackMsg) -> None:
        self.ws.send_binary(msg.SerializeToString())

    def rerun(self, widget_states: list[WidgetState] = ()) -> Run:
        """Send rerun_script (query string, widgets, cached hashes, context) and read the run."""
        msg = BackMsg()
        state: ClientState = msg.rerun_script
        state.query_string = self.query_string
        state.page_script_hash = self.page_script_hash
        state.widget_states.widgets.extend(widget_states)
        state.cached_message_hashes.extend(self.cache)
        info = state.context_info
        info.timezone, info.timezone_offset, info.locale = "Asia/Shanghai", -480, self.locale
        info.url = self.base_url + (f"?{self.query_string}" if self.query_string else "")
        info.is_embedded, info.color_scheme = False, "light"
        start = time.perf_counter()
        self.send(msg)
        run = self.read_run()
        run.seconds = time.perf_counter() - start
        return run

    def read_run(self) -> Run:
        """ForwardMsgs until the run ends; keeps the cache, the widgets and the URL up to date."""
        run = Run()
        deadline = time.monotonic() + self.timeout
        while True:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no script_finished within {self.timeout:.0f} s")
            data = self.ws.recv()
            if isinstance(data, str):
                data = data.encode()
            run.bytes += len(data)
            run.messages += 1
            fwd = ForwardMsg.FromString(data)
            kind = fwd.WhichOneof("type")
            if fwd.metadata.cacheable and kind != "ref_hash":
                self.cache[fwd.hash] = self.runs
            if kind == "ref_hash":
                run.refs += 1
                self.cache[fwd.ref_hash] = self.runs
            elif kind == "new_session":
                self.page_script_hash = fwd.new_session.page_script_hash
                self.session_id = fwd.new_session.initialize.session_id or self.session_id
                self.max_age = fwd.new_session.config.max_cached_message_age or self.max_age
            elif kind == "page_info_changed":
                self.query_string = fwd.page_info_changed.query_string
            elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                element = fwd.delta.new_element
                etype = element.WhichOneof("type")
                if etype == "exception":
                    run.exceptions.append(f"{element.exception.type}: {element.exception.message}"[:300])
                elif etype == "alert":
                    run.alerts.append(element.alert.body[:300])
                else:
                    widget = getattr(element, etype, None) if etype else None
                    widget_id = getattr(widget, "id", "") if widget is not None else ""
                    if isinstance(widget_id, str) and widget_id.startswith("$$ID-"):
                        self.widgets[widget_id] = widget
            elif kind == "delta" and fwd.delta.WhichOneof("type") == "add_block":
                block = fwd.delta.add_block  # a stateful block (an expander with on_change) is a widget too
                if block.id.startswith("$$ID-"):
                    self.widgets[block.id] = block
            elif kind == "session_event" and fwd.session_event.WhichOneof("type") == "script_compilation_exception":
                run.exceptions.append("script compilation error")
            elif kind == "script_finished":
                if fwd.script_finished == EARLY_FOR_RERUN:
                    continue
                self.runs += 1  # the frontend's incrementRunCount: drop what the last runs did not use
                self.cache = {h: n for h, n in self.cache.items() if self.runs - n <= self.max_age}
                return run

    # --- widgets ------------------------------------------------------------------------------

    def widget(self, key: str):
        """The widget proto whose user key is `key` (Streamlit ids end in '-<key>')."""
        for widget_id, widget in self.widgets.items():
            if widget_id.endswith(f"-{key}"):
                return widget
        raise ProtocolError(f"no widget with key {key!r} on the page")

    @staticmethod
    def multiselect_state(widget, labels: list[str]) -> WidgetState:
        state = WidgetState(id=widget.id)
        state.string_array_value.data.extend(labels)
        return state

    def open_expander(self, key: str) -> Run:
        """Open the expander with user key `key` as a click on its summary does (its contents
        run only while it is open)."""
        state = WidgetState(id=self.widget(key).id)
        state.bool_value = True
        return self.rerun([state])

    # --- uploads ------------------------------------------------------------------------------

    def upload(self, key: str, name: str, content: bytes, mime: str = "text/csv") -> Run:
        """Upload one file to the file_uploader with user key `key` as the browser does; the run
        its widget state starts is returned."""
        widget = self.widget(key)
        request = BackMsg()
        request.file_urls_request.request_id = uuid.uuid4().hex
        request.file_urls_request.file_names.append(name)
        request.file_urls_request.session_id = self.session_id
        self.send(request)
        urls = None
        deadline = time.monotonic() + self.timeout
        while urls is None:
            if time.monotonic() > deadline:
                raise TimeoutError("no file_urls_response")
            fwd = ForwardMsg.FromString(self.ws.recv())
            if fwd.WhichOneof("type") == "file_urls_response":
                if fwd.file_urls_response.error_msg:
                    raise ProtocolError(f"file_urls_response: {fwd.file_urls_response.error_msg}")
                urls = fwd.file_urls_response.file_urls[0]
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\nContent-Type: {mime}\r\n\r\n'
            ).encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        headers = {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "X-Xsrftoken": self.cookies.get("_streamlit_xsrf", ""),
            "Origin": f"{self.scheme}://{self.host}",
        }
        status, text = self.http("PUT", urls.upload_url.lstrip("/"), body, headers)
        if status not in (200, 204):
            raise ProtocolError(f"PUT {urls.upload_url}: HTTP {status} {text[:200]!r}")
        state = WidgetState(id=widget.id)
        info: UploadedFileInfo = state.file_uploader_state_value.uploaded_file_info.add()
        info.file_id, info.name, info.size = urls.file_id, name, len(content)
        info.file_urls.file_id, info.file_urls.upload_url, info.file_urls.delete_url = (
            urls.file_id,
            urls.upload_url,
            urls.delete_url,
        )
        return self.rerun([state])
