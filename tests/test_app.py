"""The interactive page, as a person sees it: served by Solara, opened in headless Chromium.

Needs `chromium` (Debian: apt-get install chromium) and the app's Python packages (pip install
solara 'ipyvue<2' 'ipyvuetify<2' solara-assets playwright); skipped with a reason otherwise.
Everything stays on 127.0.0.1: the browser is refused any other address, and the test says so.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_S = 60  # seen: ~7 s
WAIT_MS = 20_000  # any one thing on the page (seen: a step redraws in ~1.5 s)
LOADED_FIGURES = """n => Array.from(document.querySelectorAll('img'))
    .filter(i => i.src.startsWith('blob:') && i.complete && i.naturalWidth > 0).length >= n"""

pytest.importorskip(
    "solara",
    reason="the page needs solara: pip install solara 'ipyvue<2' 'ipyvuetify<2' solara-assets",
)
from simulation import app  # noqa: E402 (after the skip)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_page_model_builds_and_draws():
    """Without a browser: every preset builds from the page's controls, steps an hour and draws."""
    for preset in app.PRESETS:
        model = app.AppModel(preset=preset, officers=5, auxiliaries=-1, seed="3")
        model.step()
        assert model.time == 1.0 and model.now == 60.0, "one step of the page is one hour"
        assert len(model.trust_history) == 2
        app.draw_map(model)
        app.draw_charts(model)
    model = app.AppModel(preset="clinic", auxiliaries=4)
    assert len(model.auxiliaries) == 4, "the auxiliaries slider overrides the preset"
    assert app.AppModel(preset="hybrid").auxiliaries, "-1/None keeps the preset's default"
    assert app.parse_seed(" 7 ") == 7 and app.parse_seed("x1") is None, "a typo keeps the seed"
    # Issue 14: `²` passes str.isdigit and a 5000-digit number passes int()'s digit limit only
    # to fail later; both keep the scenario's seed, as does a seed beyond 64 bits.
    assert app.parse_seed("²") is None and app.parse_seed("9" * 5000) is None
    assert app.parse_seed(str(2**63)) is None and app.parse_seed(str(2**63 - 1)) == 2**63 - 1
    assert app.AppModel(preset="clinic", seed="²").run_seed == 0
    # The auxiliaries control names its choices: the preset's default, then 0 to one per village.
    assert app.auxiliary_choices(3) == [app.AUX_DEFAULT, "0", "1", "2", "3"]
    assert app.parse_auxiliaries(app.AUX_DEFAULT) is None and app.parse_auxiliaries("4") == 4
    assert len(app.AppModel(preset="clinic", auxiliaries="4").auxiliaries) == 4


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """The page served on a free loopback port; stopped whatever happens."""
    if CHROMIUM is None:
        pytest.skip("no chromium on PATH: apt-get install chromium")
    pytest.importorskip(
        "playwright.sync_api", reason="pip install playwright (no browser download)"
    )
    missing = [d for d in app.ensure_offline_assets() if d in app.CORE_ASSETS]
    if missing:
        pytest.skip(f"Solara's front-end files are missing ({missing}): pip install solara-assets")
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    log_path = tmp_path / "server.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            app.server_command(port, "127.0.0.1"),
            env=app.server_env(None),
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + SERVER_START_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"server exited ({proc.returncode}):\n{_tail(log_path)}")
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"no answer in {SERVER_START_S} s:\n{_tail(log_path)}")
            time.sleep(0.25)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _tail(path: Path, lines: int = 30) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def _figures(page) -> list[str]:
    """A hash of each figure's pixels (blob URLs change on every redraw; pixels may not)."""
    return [hashlib.sha256(img.screenshot()).hexdigest() for img in page.locator("img").all()]


def _wait_changed(page, before: list[str], what: str) -> list[str]:
    """Wait (bounded) until every figure differs from `before`."""
    deadline = time.monotonic() + WAIT_MS / 1000
    while True:
        page.wait_for_function(LOADED_FIGURES, arg=2, timeout=WAIT_MS)
        now = _figures(page)
        if len(now) == len(before) and all(a != b for a, b in zip(now, before, strict=True)):
            return now
        if time.monotonic() > deadline:
            pytest.fail(f"the map and charts did not change after {what}")
        time.sleep(0.3)


def test_page_steps_runs_and_resets_in_a_browser(server: str, tmp_path: Path):
    """Open the page, step an hour, step 37 hours, run, then Reset to another preset and seed:
    the clock, the map and the charts follow, and nothing but 127.0.0.1 is asked for."""
    from playwright.sync_api import sync_playwright

    outside: list[str] = []

    def loopback_only(route) -> None:
        url = route.request.url
        if url.startswith(("blob:", "data:")) or urlparse(url).hostname in (
            "127.0.0.1",
            "localhost",
        ):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=WAIT_MS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.set_default_timeout(WAIT_MS)
            page.route("**/*", loopback_only)
            page.goto(server, timeout=WAIT_MS * 2)

            status = page.locator(".rpsim-status")
            page.get_by_text("Clock: Day 1, 00:00", exact=True).wait_for()
            page.wait_for_function(LOADED_FIGURES, arg=2)
            assert "Day 1, 00:00 · hybrid" in status.inner_text()
            body = page.locator("body").inner_text()
            assert "Time:" not in body, "the clock is a day and a time, not Mesa's hours"
            assert "PAGE 0" not in body.upper(), "no tab bar for a single page"
            assert "-1" not in page.get_by_text("Village auxiliaries").first.inner_text()
            before = _figures(page)
            assert len(before) == 2, "the page shows two figures: the map and the charts"

            page.get_by_role("button", name="Step").click()
            page.get_by_text("Clock: Day 1, 01:00", exact=True).wait_for()  # a step is an hour
            page.wait_for_function(  # the status line redraws with the map, after the clock
                "() => document.querySelector('.rpsim-status').innerText.includes('Day 1, 01:00')"
            )
            after_step = _wait_changed(page, before, "one step")

            # Render interval 37: one click on Step now runs 37 hours, to day 2, 14:00.
            render_interval = page.get_by_role("slider").nth(1)
            render_interval.focus()
            for _ in range(18):
                page.keyboard.press("ArrowRight")
            assert render_interval.get_attribute("aria-valuenow") == "37"
            page.get_by_role("button", name="Step").click()
            page.get_by_text("Clock: Day 2, 14:00", exact=True).wait_for()
            page.wait_for_function(  # the status line redraws with the map, after the clock
                "() => document.querySelector('.rpsim-status').innerText.includes('Day 2, 14:00')"
            )
            _wait_changed(page, after_step, "37 steps")
            shot = tmp_path / "app.png"
            page.screenshot(path=str(shot))

            page.get_by_role("button", name="▶").click()
            page.wait_for_function(
                "() => !document.querySelector('.rpsim-clock').innerText.endsWith('Day 2, 14:00')"
            )
            page.get_by_role("button", name="❚❚").click()
            page.get_by_role("button", name="▶").wait_for()

            page.locator(".v-select .v-select__slot").first.click()
            page.get_by_role("option", name="clinic").click()
            seed = page.get_by_label("Seed")
            seed.fill("7")
            seed.press("Enter")
            time.sleep(0.5)  # the value reaches the server on Enter
            page.get_by_role("button", name="Reset", exact=True).click()
            page.get_by_text("Clock: Day 1, 00:00", exact=True).wait_for()
            page.wait_for_function(
                "() => document.querySelector('.rpsim-status').innerText.includes('clinic')"
            )
            text = status.inner_text()
            assert "clinic · 12 officers · 0 auxiliaries · seed 7" in text, text

            # A seed that is not a plain number keeps the scenario's seed: no traceback page.
            for typo in ("²", "9" * 5000):
                seed.fill(typo)
                seed.press("Enter")
                time.sleep(0.5)
                page.get_by_role("button", name="Reset", exact=True).click()
                page.wait_for_function(
                    "() => document.querySelector('.rpsim-status').innerText.includes('seed 0')"
                )
                body = page.locator("body").inner_text()
                assert "Traceback" not in body and "/simulation/" not in body, body[:500]
        finally:
            browser.close()

    assert not outside, f"the page asked for addresses off this machine: {outside[:5]}"
    assert shot.stat().st_size > 50_000, "the screenshot looks blank"
    if os.environ.get("RPSIM_UPDATE_SCREENSHOT"):  # refresh the README's picture on purpose
        shutil.copyfile(shot, ROOT / "docs" / "app_screenshot.png")
