"""Calls-for-service mode must agree with queueing theory (pattern P1, docs/ODD.md §1.2, §7.16)."""

from __future__ import annotations

import numpy as np

from simulation import RuralPolicingModel
from tests.helpers import erlang_c, queue_scenario

WARM_UP_MIN = 1440.0


def waits(config: dict, seeds) -> list[np.ndarray]:
    """Per replicate: queue waits (report -> dispatch) of calls after the warm-up."""
    out = []
    for seed in seeds:
        inc = RuralPolicingModel(config, seed=seed).run().results()["incidents"]
        inc = inc[(inc["t_report"] > WARM_UP_MIN) & inc["t_dispatch"].notna()]
        out.append((inc["t_dispatch"] - inc["t_report"]).to_numpy())
    return out


def test_mmc_matches_erlang_c():
    """M/M/3 at 70% load: P(wait) and mean wait equal Erlang C.

    Tolerance: 3 standard errors of the mean across 8 independent replicates (batch
    means), which absorbs the strong autocorrelation of waits within a run.
    """
    c, mean_service = 3, 60.0
    lam = 0.7 * c / mean_service  # per minute
    cfg = queue_scenario(c, lam * 1440, {"kind": "exponential", "mean": mean_service}, 120)
    reps = waits(cfg, range(8))
    p_wait = np.array([np.mean(w > 1e-9) for w in reps])
    mean_wait = np.array([w.mean() for w in reps])
    a = lam * mean_service
    theory_p = erlang_c(c, a)
    theory_w = theory_p / (c / mean_service - lam)
    se_p = p_wait.std(ddof=1) / np.sqrt(len(reps))
    se_w = mean_wait.std(ddof=1) / np.sqrt(len(reps))
    assert abs(p_wait.mean() - theory_p) < 3 * se_p + 0.01, (
        f"P(wait) {p_wait.mean():.3f} vs Erlang C {theory_p:.3f} (se {se_p:.3f})"
    )
    assert abs(mean_wait.mean() - theory_w) < 3 * se_w + 0.5, (
        f"mean wait {mean_wait.mean():.2f} vs Erlang C {theory_w:.2f} min (se {se_w:.2f})"
    )


def test_md1_matches_pollaczek_khinchine():
    """M/D/1 at 60% load: mean wait = rho / (2 mu (1 - rho)) (Pollaczek-Khinchine).

    Same tolerance rule as above: 3 standard errors across 8 replicates.
    """
    service, rho = 30.0, 0.6
    lam = rho / service
    cfg = queue_scenario(1, lam * 1440, {"kind": "fixed", "mean": service}, 60)
    reps = waits(cfg, range(8))
    mean_wait = np.array([w.mean() for w in reps])
    theory = rho * service / (2 * (1 - rho))
    se = mean_wait.std(ddof=1) / np.sqrt(len(reps))
    assert abs(mean_wait.mean() - theory) < 3 * se + 0.5, (
        f"M/D/1 mean wait {mean_wait.mean():.2f} vs P-K {theory:.2f} min (se {se:.2f})"
    )


def test_lognormal_service_is_used():
    """Lognormal on-scene times have the configured mean (within 3 standard errors)."""
    cfg = queue_scenario(20, 40, {"kind": "lognormal", "mean": 45, "sd": 30}, 40)
    inc = RuralPolicingModel(cfg, seed=3).run().results()["incidents"].dropna(subset=["t_clear"])
    on_scene = (inc["t_clear"] - inc["t_arrival"]).to_numpy()
    assert abs(on_scene.mean() - 45) < 3 * 30 / np.sqrt(len(on_scene)), on_scene.mean()


def test_calls_for_service_mode_switches_off_proactive_work():
    """In calls-for-service mode every preset waits at its posts: no patrol, no visits."""
    cfg = queue_scenario(3, 20, {"kind": "exponential", "mean": 30}, 5)
    for preset in ("patrol", "hybrid"):
        cfg["policing"]["preset"] = preset
        model = RuralPolicingModel(cfg, seed=1).run()
        o = model.results()["officers"]
        assert o["min_patrol"].sum() == 0 and o["min_visit"].sum() == 0, preset
        assert not model.auxiliaries
