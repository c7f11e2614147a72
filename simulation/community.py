"""The villagers' side of policing: contacts with police and auxiliaries, household visits
(大走访), visibility (见警率) and trust, which moves with contacts, responses, word of mouth
and back toward each person's disposition."""

from __future__ import annotations

import math

import numpy as np
from pydantic import Field

from .section import Probability, Section, plausible
from .units import MINUTES_PER_DAY
from .villagers import VillagerTable
from .vocab import Outcome

GOOD_OUTCOMES = frozenset({Outcome.ARREST, Outcome.MEDIATED, Outcome.ASSISTED})
"""Outcomes a household judges good: the offender caught, the dispute settled, the help given."""
BAD_OUTCOMES = frozenset({Outcome.NO_ARREST, Outcome.MEDIATION_FAILED, Outcome.DISPUTE_ESCALATED})
"""Outcomes judged bad (a dispute settled before the officer came is judged neither way)."""


class TrustConfig(Section):
    """Villagers' trust in the police (0-1)."""

    initial_mean: Probability = Field(
        0.5,
        description="mean initial trust. Assumption",
        json_schema_extra={
            "unit": "trust 0-1",
            "source": "assumption",
            "plausible": plausible(
                0.35,
                0.65,
                "expert range (assumption): trust is a latent 0-1 scale with no survey anchor "
                "here; reporting probabilities are stated at 0.5",
                dist="triangular",
                mode=0.5,
            ),
        },
    )
    initial_sd: float = Field(
        0.15,
        ge=0,
        le=0.5,
        description="sd of initial trust",
        json_schema_extra={
            "unit": "trust 0-1",
            "source": "assumption",
            "plausible": plausible(
                0.08,
                0.25,
                "expert range (assumption): how far villagers' confidence in police differs is "
                "unmeasured here; the violent reporting calibration assumes this spread",
                dist="triangular",
                mode=0.15,
            ),
        },
    )
    visit_gain: float = Field(
        0.05,
        ge=0,
        le=1,
        description="trust gain of a household visit",
        json_schema_extra={
            "unit": "share of distrust removed",
            "source": "assumption",
            "plausible": plausible(
                0.01,
                0.12,
                "Gill et al. 2014: community-oriented policing raises satisfaction and legitimacy; "
                "the gain of one visit is unmeasured (assumption)",
                dist="triangular",
                mode=0.05,
            ),
        },
    )
    contact_gain: float = Field(
        0.002,
        ge=0,
        le=1,
        description="trust gain of a day with a police or auxiliary contact",
        json_schema_extra={
            "unit": "share of distrust removed",
            "source": "assumption",
            "plausible": plausible(
                0.0005,
                0.008,
                "expert range (assumption): a chance meeting moves trust far less than a household "
                "visit; its size is unmeasured",
                dist="lognormal",
                mode=0.002,
            ),
        },
    )
    expected_response_min: float = Field(
        20,
        gt=0,
        description="the response time callers expect: a response this fast is judged prompt, "
        "a slower one late, wholly so at `wholly_late_ratio` times it",
        json_schema_extra={
            "unit": "minutes",
            "source": "assumption: satisfaction follows response time against expectation (Pate, "
            "Ferrara, Bowers & Lorence 1976; Percy 1980); Chinese forces promise 5-10 min in "
            "towns and 15-30 in the suburbs (Guangzhou's suburbs 30 min until 2004, Xin Kuai "
            "Bao 2005-01-11); what rural callers expect is unmeasured",
            "plausible": plausible(
                10,
                40,
                "expert range (assumption): between a town's 10-minute promise and a remote "
                "village's 40 minutes",
                dist="triangular",
                mode=20,
            ),
        },
    )
    wholly_late_ratio: float = Field(
        3.0,
        gt=1,
        le=100,
        description="a response this many times the expected time is wholly late (a full bad "
        "judgment); between, lateness grows with the log of the ratio",
        json_schema_extra={
            "unit": "ratio",
            "source": "assumption",
            "plausible": plausible(
                1.5,
                6,
                "expert range (assumption): from half again the expected time to six times it",
                dist="lognormal",
                mode=3,
            ),
        },
    )
    response_gain: float = Field(
        0.03,
        ge=0,
        le=1,
        description="trust gain of each good judgment of a response (prompt, a good outcome, "
        "good manner); a bad one costs `bad_experience_weight` times as much",
        json_schema_extra={
            "unit": "share of distrust removed",
            "source": "assumption: below a household visit's 0.05; Skogan 2006 found good "
            "encounters' effect on confidence not significantly above zero",
            "plausible": plausible(
                0.0,
                0.08,
                "Skogan 2006: good encounters' effect indistinguishable from zero; at most "
                "about a household visit's",
                dist="triangular",
                mode=0.03,
            ),
        },
    )
    bad_experience_weight: float = Field(
        4.0,
        ge=0,
        le=100,
        description="how many times a good judgment a bad one weighs (late, a bad outcome, "
        "poor manner)",
        json_schema_extra={
            "unit": "ratio",
            "source": "Skogan 2006 (Chicago and seven other cities): a bad experience weighs 4 "
            "to 14 times a good one; the low end, as Bradford, Jackson & Stanko 2009 found "
            "good contacts count in London",
            "plausible": plausible(
                1,
                14,
                "Skogan 2006: 4-14; down to 1 (symmetric) after Bradford, Jackson & Stanko 2009",
                dist="triangular",
                mode=4,
            ),
        },
    )
    poor_manner_share: Probability = Field(
        0.1,
        description="chance that a response is handled in a manner the household judges poor "
        "(rude, unfair, not listened to), whatever its speed and outcome",
        json_schema_extra={
            "unit": "probability 0-1",
            "source": "assumption: procedural justice shapes satisfaction (Tyler 1990; Mazerolle "
            "et al. 2013); how often rural Chinese callers judge the handling poor is unmeasured",
            "plausible": plausible(
                0.02,
                0.3,
                "expert range (assumption): from Chinese forces' reported 95%+ satisfied callers "
                "(回访) to a third dissatisfied with the handling",
                dist="triangular",
                mode=0.1,
            ),
        },
    )
    vicarious_weight: float = Field(
        0.05,
        ge=0,
        le=1,
        description="share of a household's judgment of a response that the rest of its "
        "village takes on by word of mouth (vicarious experience)",
        json_schema_extra={
            "unit": "share",
            "source": "assumption: vicarious experience moves attitudes to police as direct "
            "experience does (Rosenbaum, Schuck, Costello, Hawkins & Ring 2005); villages are "
            "communities where news travels (熟人社会), but its weight is unmeasured",
            "plausible": plausible(
                0.0,
                0.2,
                "expert range (assumption): from no vicarious effect to a fifth of the "
                "household's own, felt by the whole village",
                dist="triangular",
                mode=0.05,
            ),
        },
    )
    unresolved_loss: float = Field(
        0.02,
        ge=0,
        le=1,
        description="trust loss of a victim household whose incident is not reported (nobody "
        "comes)",
        json_schema_extra={
            "unit": "share",
            "source": "assumption",
            "plausible": plausible(
                0.0,
                0.08,
                "expert range (assumption): an unreported victimisation may leave trust in police "
                "untouched (0) or erode it like a bad encounter",
                dist="triangular",
                mode=0.02,
            ),
        },
    )
    diffusion_per_day: Probability = Field(
        0.005,
        description="daily pull of trust toward the village mean (word of mouth)",
        json_schema_extra={
            "unit": "share per day",
            "source": "assumption",
            "plausible": plausible(
                0.001,
                0.025,
                "expert range (assumption): word of mouth halves a gap to the village mean in "
                "~4 weeks (0.025) to ~2 years (0.001)",
                dist="lognormal",
                mode=0.005,
            ),
        },
    )
    decay_per_day: Probability = Field(
        0.005,
        description="daily pull of each villager's trust back toward their own initial "
        "trust (a disposition that contacts move only while they last)",
        json_schema_extra={
            "unit": "share per day",
            "source": "assumption",
            "plausible": plausible(
                0.001,
                0.025,
                "expert range (assumption): a contact's effect on trust fades with a half-life of "
                "~4 weeks (0.025) to ~2 years (0.001)",
                dist="lognormal",
                mode=0.005,
            ),
        },
    )
    satisfied_threshold: Probability = Field(
        0.31,
        description="trust above which a resident counts as satisfied (a survey's 'satisfied' "
        "or 'basically satisfied')",
        json_schema_extra={
            "unit": "trust 0-1",
            "source": "calibrated: 90% of residents above it at the start (initial trust "
            "N(0.5, 0.15)), as Chinese surveys count 'basically satisfied' (Tianjin 2012: 95.7% "
            "satisfied with the police, 60,000 residents asked by the NBS Tianjin survey team and "
            "others; China's 2002 national survey: 84.1% felt safe or basically safe, 42.5% safe "
            "or very safe, National Bureau of Statistics). The level is the survey's convention; "
            "compare options by the change",
            "plausible": plausible(
                0.24,
                0.36,
                "calibrated: 96% (Tianjin 2012) to 84% (national 2002, with 'basically') of "
                "residents above it at the start",
                dist="uniform",
            ),
        },
    )
    visibility_window_days: float = Field(
        30,
        gt=0,
        description="a resident who met police or an auxiliary within this many days counts as "
        "having seen them (visibility, 见警率)",
        json_schema_extra={"unit": "days", "source": "setting: a month, as 见警率 surveys ask"},
    )
    contacts_per_presence_hour: float = Field(
        8.0,
        ge=0,
        description="residents an officer or auxiliary meets per hour of presence in a village "
        "(shared among its present residents, so big villages see them less)",
        json_schema_extra={
            "unit": "residents per hour",
            "source": "assumption: a walk through the village, a few conversations",
            "plausible": plausible(
                3,
                15,
                "expert range (assumption): a walk through a village meets a few to a dozen or "
                "more residents an hour",
                dist="triangular",
                mode=8,
            ),
        },
    )


class Community:
    """Reads `trust.*` and `policing.visit_households_per_hour`. `proactive` is False in
    calls-for-service mode, where nothing here moves."""

    def __init__(
        self,
        villagers: VillagerTable,
        config: TrustConfig,
        visit_households_per_hour: float,
        proactive: bool,
        rng: np.random.Generator,
    ) -> None:
        self.villagers = villagers
        self.config = config
        self.visit_households_per_hour = visit_households_per_hour
        self.proactive = proactive
        self.rng = rng
        self.window_min = config.visibility_window_days * MINUTES_PER_DAY
        # The daily pass's work arrays, made once: fresh 200,000-row temporaries every day cost
        # more in page faults than in arithmetic.
        n = villagers.n
        self._draw = np.empty(n, dtype=np.float32)
        self._seen = np.empty(n, dtype=bool)
        self._change, self._term = np.empty(n), np.empty(n)
        self.village_trust = villagers.village_trust()  # yesterday's means (word of mouth)
        d, f = config.decay_per_day, config.diffusion_per_day
        if d > 0:
            # Each person's disposition is set so that the initial trust is the fixed point of
            # word of mouth and decay: with no contacts, trust stays where it starts (no drift
            # of the spread, and of satisfaction, while nothing changes).
            m = villagers.village_trust()[villagers.village]
            villagers.trust_disposition = m + (d + f) / d * (villagers.trust - m)

    # --- trust as victims experience the police ----------------------------------------
    def trust_of(self, household: int, village: int) -> float:
        """A victim household's trust, or the village's for an incident with no household."""
        if household >= 0:
            return self.villagers.household_trust(household)
        return float(self.village_trust[village])

    def victim_unheard(self, household: int) -> None:
        """A victim nobody came to (not reported): trust erodes."""
        if household >= 0:
            vt = self.villagers
            vt.nudge_trust(vt.members(household), -self.config.unresolved_loss)

    def responded(self, household: int, response_min: float, outcome: Outcome, t: float) -> None:
        """A household judges a response on promptness (against what it expected), outcome and
        manner; each good judgment raises its trust by `response_gain`, each bad one lowers it
        `bad_experience_weight` times as much (Skogan 2006), and the rest of the village hears
        of it (`vicarious_weight`). It is a contact for the household either way."""
        if household < 0 or not self.proactive:
            return
        cfg, vt = self.config, self.villagers
        bad = self.lateness(response_min)
        bad += outcome in BAD_OUTCOMES
        good = (response_min <= cfg.expected_response_min) + (outcome in GOOD_OUTCOMES)
        if self.rng.random() < cfg.poor_manner_share:
            bad += 1.0
        else:
            good += 1
        change = max(cfg.response_gain * (good - cfg.bad_experience_weight * bad), -1.0)
        members = vt.members(household)
        if cfg.vicarious_weight > 0:  # the rest of the village: before and after the household
            v = vt.hh_village[household]
            for rest in (
                slice(vt.village_start[v], members.start),
                slice(members.stop, vt.village_end[v]),
            ):
                vt.nudge_trust(rest, cfg.vicarious_weight * change)
        vt.nudge_trust(members, change)
        vt.last_contact[members] = t

    def lateness(self, response_min: float) -> float:
        """How late a response is judged, 0 (within the expected time) to 1 (wholly late, at
        `wholly_late_ratio` times it or more), growing with the log of the ratio."""
        cfg = self.config
        ratio = response_min / cfg.expected_response_min
        if ratio <= 1.0:
            return 0.0
        return min(1.0, math.log(ratio) / math.log(cfg.wholly_late_ratio))

    # --- daily ------------------------------------------------------------------------
    def visits(self, t: float, visit_hours: np.ndarray) -> None:
        """Household visits (大走访) of the day just ended: trust and contact."""
        counts = self.rng.poisson(self.visit_households_per_hour * visit_hours)
        if counts.sum() == 0:
            return
        vt = self.villagers
        village = np.repeat(np.arange(len(visit_hours)), counts)
        lo, hi = vt.hh_village_start[village], vt.hh_village_end[village]
        households = lo + (self.rng.random(len(village)) * (hi - lo)).astype(np.int64)
        households = households[hi > lo]
        visits = np.bincount(households, minlength=vt.n_households)
        hit_households = np.flatnonzero(visits)
        hit = vt.members_of(hit_households)  # every member of a visited household
        keep = (1.0 - self.config.visit_gain) ** np.repeat(
            visits[hit_households], vt.hh_size[hit_households]
        )
        vt.trust[hit] = 1.0 - (1.0 - vt.trust[hit]) * keep
        vt.last_contact[hit] = t

    def contacts_and_trust(self, t: float, presence_hours: np.ndarray) -> None:
        """Who met police or an auxiliary today, and trust moving with contacts, word of mouth
        in the village, and back toward each person's disposition."""
        vt, cfg = self.villagers, self.config
        draw, seen, change, term = self._draw, self._seen, self._change, self._term
        contacts = cfg.contacts_per_presence_hour * presence_hours
        p_village = 1.0 - np.exp(-contacts / np.maximum(vt.present_by_village, 1))
        self.rng.random(dtype=np.float32, out=draw)
        # villagers are sorted by village: repeating a per-village value is the gather, cheaper
        np.less(draw, np.repeat(p_village.astype(np.float32), vt.residents_by_village), out=seen)
        seen &= vt.present
        np.putmask(vt.last_contact, seen, t)
        # trust += gain (1 - trust) seen + diffusion (village mean - trust)
        #          + decay (disposition - trust), in place, term by term
        trust = vt.trust
        np.subtract(1.0, trust, out=change)
        change *= cfg.contact_gain
        change *= seen
        np.subtract(np.repeat(self.village_trust, vt.residents_by_village), trust, out=term)
        term *= cfg.diffusion_per_day  # yesterday's means: word of mouth lags a day
        change += term
        np.subtract(vt.trust_disposition, trust, out=term)
        term *= cfg.decay_per_day
        change += term
        trust += change
        np.clip(trust, 0.0, 1.0, out=trust)
        self.village_trust = vt.village_trust(out=term)

    # --- measures ---------------------------------------------------------------------
    def seen_recently(self, t: float) -> np.ndarray:
        """Per villager: met police or an auxiliary within the visibility window."""
        return self.villagers.last_contact >= t - self.window_min

    def visibility(self, t: float) -> float:
        """Share of present residents who met police or an auxiliary within the window."""
        vt = self.villagers
        n_present = int(np.count_nonzero(vt.present))
        return (
            np.count_nonzero(self.seen_recently(t) & vt.present) / n_present if n_present else 0.0
        )

    def trust_measures(self) -> tuple[float, float]:
        """Mean trust of the residents present, and the share of them satisfied (trust above
        the satisfied threshold)."""
        trust = self.villagers.present_trust()
        return float(trust.mean()), float((trust > self.config.satisfied_threshold).mean())

    def satisfied_residents(self) -> int:
        """How many present residents have trust above the satisfied threshold."""
        trust = self.villagers.present_trust()
        return int(np.count_nonzero(trust > self.config.satisfied_threshold))

    def satisfaction(self) -> float:
        """Share of present residents whose trust is above the satisfied threshold."""
        return self.trust_measures()[1]

    def mean_trust(self) -> float:
        return self.trust_measures()[0]
