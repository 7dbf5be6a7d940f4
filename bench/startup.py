"""Start-up: `portal kiosk` and `portal staff` to their first frame, against a
minimal Textual app's cold start sampled in the same run (target <= 1.3 x)."""
from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

from bench import Table
from bench.startup_baseline import app_env, cold_start, fmt_ms, time_to_text

SAMPLES = 9
TARGET = 1.3


def _prepared_data_dir() -> Path:
    """A migrated database, so start-up measures the app, not the first migration."""
    from models.config import Settings
    from models.practice import update_practice
    from models.setup import open_portal

    data_dir = Path(tempfile.mkdtemp(prefix="portal-startup-"))
    open_portal(Settings(data_dir=data_dir))
    update_practice(name="Startup Bench Practice")
    return data_dir


def run() -> Table:
    table = Table("Start-up: first frame of the local apps")
    data_dir = _prepared_data_dir()
    env = app_env({"PORTAL_DATA_DIR": str(data_dir), "PORTAL_CONFIG": str(data_dir / "none.toml")})
    # What each first screen must show before the clock stops: the kiosk's
    # Welcome with the practice's name (read from the database) and its key
    # hints in the footer; the staff sign-in form. The clock stops at the last
    # change before the screen is still (time_to_text), so a screen painted
    # in pieces counts when its last piece arrives; the minimal app is timed
    # the same way.
    portal = str(Path(sys.executable).with_name("portal"))  # the command a clinic runs
    apps = {
        "portal kiosk": ([portal, "kiosk"], ("Startup Bench Practice", "Welcome to the client portal", "I have a code")),
        "portal staff": ([portal, "staff"], ("Staff sign in",)),
    }
    samples: dict[str, list[float]] = {"minimal": [], **{name: [] for name in apps}}
    for _ in range(SAMPLES):  # interleaved, so load on the machine hits all alike
        samples["minimal"].append(cold_start())
        for name, (argv, text) in apps.items():
            samples[name].append(time_to_text(argv, text, env=env))
    base = statistics.median(samples["minimal"])
    table.add("minimal Textual app, cold start to first frame (median)", fmt_ms(base))
    for name in apps:
        median = statistics.median(samples[name])
        ratio = median / base
        table.add(f"{name} to first frame (median; ratio)", f"{fmt_ms(median)}; {ratio:.2f} x", f"<= {TARGET} x", ratio <= TARGET)
    return table


if __name__ == "__main__":
    print(run().format())
