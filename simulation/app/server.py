"""Serving the page: Solara's front-end files from this machine, the `solara run` command
and its environment, `serve` (what `rpsim app` calls) and `main` (`python -m simulation.app`).

The server runs in its own process: `solara run simulation.app.page` (PAGE_MODULE).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import warnings
from pathlib import Path

from ..config_files import load_scenario
from .model import SCENARIO_ENV

NEEDS_SOLARA = (
    "the interactive page needs solara: "
    "pip install 'solara' 'ipyvue<2' 'ipyvuetify<2' 'solara-assets==1.58.2' altair"
)
try:
    from solara.server.settings import assets
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(NEEDS_SOLARA) from exc

__all__ = [
    "CDN_LINKS",
    "CORE_ASSETS",
    "NEEDS_SOLARA",
    "PAGE_MODULE",
    "SERVER_ENV",
    "ensure_offline_assets",
    "main",
    "serve",
    "server_command",
    "server_env",
]

PAGE_MODULE = "simulation.app.page"  # what `solara run` loads: the Page component
# Solara asks for these range-named folders (altair charts); solara-assets ships exact versions.
CDN_LINKS = {
    "vega@5": "vega@5.21.0",
    "vega-lite@5": "vega-lite@5.2.0",
    "vega-embed@6": "vega-embed@6.20.2",
}
CORE_ASSETS = ("@widgetti", "requirejs@2.3.6", "font-awesome@4.5.0")  # the page's own files
SERVER_ENV = {
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",  # no usage statistics sent out
    "SOLARA_THEME_SHOW_BANNER": "False",
    "SOLARA_THEME_TITLE": "rpsim",
}
ROOT = Path(__file__).resolve().parents[2]  # holds `simulation/`: the server imports it from here


def ensure_offline_assets() -> list[str]:
    """Make Solara's asset cache serve everything from this machine; return what is missing.

    The front-end files come from the `solara-assets` package (<prefix>/share/solara/cdn);
    this adds the range-named links it lacks (vega@5 -> vega@5.21.0, ...; used by altair
    charts only). Without the package the page stays blank offline: that is warned about.
    """
    cdn = Path(assets.proxy_cache_dir)
    for link, target in CDN_LINKS.items():
        if (cdn / target).is_dir() and not (cdn / link).exists():
            try:
                (cdn / link).symlink_to(target, target_is_directory=True)
            except OSError as exc:  # read-only install: only altair charts need these
                warnings.warn(f"could not link {cdn / link} -> {target}: {exc}", stacklevel=2)
    missing = [d for d in (*CORE_ASSETS, *CDN_LINKS) if not (cdn / d).is_dir()]
    if any(d in CORE_ASSETS for d in missing):
        warnings.warn(
            f"Solara front-end files missing in {cdn}: {missing}; without internet the page "
            "stays blank. Install them with: pip install 'solara-assets==1.58.2'",
            stacklevel=2,
        )
    return missing


def server_command(port: int = 8765, host: str = "127.0.0.1") -> list[str]:
    """The `solara run` command line for this page."""
    return [
        sys.executable,
        "-m",
        "solara",
        "run",
        PAGE_MODULE,
        "--production",
        "--no-open",
        "--port",
        str(port),
        "--host",
        host,
    ]


def server_env(scenario: str | None = None) -> dict[str, str]:
    """The environment for the server: this one, telemetry off, the scenario path."""
    env = {**os.environ, **SERVER_ENV}
    # Solara warns at length that plain-http cookies fall back to samesite=lax: fine on loopback.
    quiet = "ignore:Cookies with samesite=none:UserWarning"
    env["PYTHONWARNINGS"] = ",".join(filter(None, [env.get("PYTHONWARNINGS"), quiet]))
    if scenario:
        env[SCENARIO_ENV] = str(Path(scenario).resolve())
    else:
        env.pop(SCENARIO_ENV, None)
    return env


class ServerError(RuntimeError):
    """The page server cannot start (its port is taken) or stopped with an error."""


def check_port(host: str, port: int) -> None:
    """ServerError unless `port` on `host` can be listened on (checked before the server
    starts: a taken port must not end in exit 0)."""
    if not 1 <= port <= 65535:
        raise ServerError(f"--port must be from 1 to 65535, got {port}")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise ServerError(f"--host {host}: unknown address ({exc.strerror})") from None
    family, _, _, _, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as exc:
            raise ServerError(f"cannot listen on {host}:{port} ({exc.strerror})") from None


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def serve(
    scenario: str | None = None, port: int = 8765, host: str = "127.0.0.1", wait: bool = True
) -> subprocess.Popen | None:
    """Run the page at http://host:port with `scenario` as the base (None: a small hill county).

    With wait=True (the command line) block until the server stops and return None; with
    wait=False return the running server process (the caller stops it).
    """
    if scenario:
        load_scenario(scenario)  # bad files fail here, with file:line, not inside the server
    check_port(host, port)
    ensure_offline_assets()
    # cwd=ROOT so that `simulation.app.page` imports even when rpsim is not installed.
    proc = subprocess.Popen(server_command(port, host), env=server_env(scenario), cwd=ROOT)
    if not wait:
        return proc
    print(f"rpsim app: http://{host}:{port}  (Ctrl-C stops it)", flush=True)
    # SIGTERM (kill, a service manager) stops the server too, as Ctrl-C does.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        code = proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        return None
    finally:
        signal.signal(signal.SIGTERM, previous)
    if code != 0:
        raise ServerError(f"the page server stopped with exit code {code}")
    return None


def main(argv: list[str] | None = None) -> int:
    """`python -m simulation.app [SCENARIO] [--port N] [--host H]`."""
    import argparse

    from . import __doc__ as about

    parser = argparse.ArgumentParser(
        prog="python -m simulation.app", description=about.splitlines()[0]
    )
    parser.add_argument(
        "scenario", nargs="?", help="base scenario file (default: a small hill county)"
    )
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    serve(args.scenario, args.port, args.host)
    return 0
