"""Locust scenario: people opening a shared link, then changing the zone filter every ~10 s.

    locust -f load/locustfile.py --headless -u 100 -r 2 -t 120s --host http://127.0.0.1:8501/

Each user is one browser tab speaking Streamlit's protocol (load/protocol.py): it opens a random
zone link (`?zone=<id>`), then once per 10 s picks another zone in the sidebar's zone multiselect.
Locust records two request kinds: `start` (page + health + websocket + the first script run) and
`zone` (widget change → script_finished). A run that shows an exception box, a timeout or a closed
socket is a failure.
"""

from __future__ import annotations

import csv
import random
import sys
import time
from pathlib import Path

from locust import User, constant_pacing, task

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from load.protocol import ProtocolError, Session  # noqa: E402

with open(Path(__file__).resolve().parents[1] / "data" / "zones.csv", encoding="utf-8-sig") as zones_file:
    ZONE_IDS = [row["zone_id"] for row in csv.DictReader(zones_file)]
ZONE_KEY = "w_zones"  # the sidebar's zone multiselect (dashboard/app.py)


class StreamlitUser(User):
    wait_time = constant_pacing(10)

    def on_start(self) -> None:
        self.session: Session | None = None
        self.open_session()

    def on_stop(self) -> None:
        if self.session:
            self.session.close()

    def open_session(self) -> None:
        self.session = Session(self.host, timeout=60)
        if not self.record("start", lambda: self.session.open(f"zone={random.choice(ZONE_IDS)}")):
            self.session.close()
            self.session = None

    @task
    def change_zone(self) -> None:
        if self.session is None:  # the start failed: try again, as a person would reload
            self.open_session()
            return
        widget = self.session.widget(ZONE_KEY)
        label = random.choice(list(widget.options))
        state = Session.multiselect_state(widget, [label])
        if not self.record("zone", lambda: self.session.rerun([state])):
            self.session.close()
            self.session = None

    def record(self, name: str, action) -> bool:
        """Run `action` (→ protocol.Run) and report it to Locust as one request; True when it worked."""
        start, run, error = time.perf_counter(), None, None
        try:
            run = action()
            if run.exceptions:
                raise ProtocolError("exception on the page: " + run.exceptions[0])
        except Exception as exc:  # every failure is counted, none stops the test
            error = exc
        elapsed_ms = (run.seconds if run and name == "zone" else time.perf_counter() - start) * 1000
        self.environment.events.request.fire(
            request_type="ws",
            name=name,
            response_time=elapsed_ms,
            response_length=run.bytes if run else 0,
            exception=error,
            context={},
        )
        return error is None
