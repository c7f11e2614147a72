"""Offender-driven crime (routine activity theory): a motivated offender, a suitable target
(an empty home), no capable guardian. Draws from its own stream with a fixed number of draws per
hour, whatever the policing, so presets compared on one seed see the same offence attempts
(common random numbers)."""

from __future__ import annotations

import math

import numpy as np
from mesa import Model
from mesa.discrete_space import CellAgent, Network
from pydantic import Field, field_validator

from .addons import AddonsConfig
from .incident import Incident, NewIncident
from .region import Region, straight_km
from .rhythms import CRIME_BY_HOUR
from .section import Probability, Section, plausible
from .units import HOURS_PER_YEAR, MINUTES_PER_DAY
from .villagers import VillagerTable
from .vocab import CRIME_TYPES, IncidentType, Source, check_incident_types


def _default_clearance() -> dict[str, float]:
    return {IncidentType.PROPERTY: 0.15, IncidentType.VIOLENT: 0.6}


class CrimeConfig(Section):
    """Offender-driven crime (routine activity theory)."""

    enabled: bool = True
    offenders_per_1000: float = Field(
        0.8,
        ge=0,
        le=100,
        description="active offenders per 1,000 registered residents",
        json_schema_extra={
            "unit": "per 1,000 residents",
            "source": "calibrated: recorded property crime ~2-3 per 1,000 a year (China Statistical "
            "Yearbook 2010: larceny ~2.9 per 1,000 in 2009, all areas)",
            "plausible": plausible(
                0.5,
                2.0,
                "calibrated: recorded larceny ~2.9 per 1,000 (China Statistical Yearbook 2010); 0.5-1.3 fits at default reporting, up to 2 if reporting is lower",
                dist="triangular",
                mode=0.8,
            ),
        },
    )
    attempts_per_offender_per_year: float = Field(
        14,
        ge=0,
        le=1000,
        description="offence attempts an active offender makes a year. Assumption",
        json_schema_extra={
            "unit": "attempts per year",
            "source": "assumption",
            "plausible": plausible(
                6,
                30,
                "expert range (assumption): active offenders' frequency is skewed and unmeasured here; only offenders x attempts is calibrated",
                dist="lognormal",
                mode=14,
            ),
        },
    )
    resident_offender_share: Probability = Field(
        0.62,
        description="share of offenders living in the county's villages "
        "(Wiles & Costello 2000: 62% of burglaries local)",
        json_schema_extra={
            "unit": "share 0-1",
            "source": "Wiles & Costello 2000: 62% of burglaries by local offenders",
            "plausible": plausible(
                0.4,
                0.85,
                "Wiles & Costello 2000: 62% of burglaries by local offenders (an English city); a rural Chinese county may differ either way",
                dist="triangular",
                mode=0.62,
            ),
        },
    )
    journey_km: float = Field(
        2.7,
        gt=0,
        description="mean journey to crime, km; the distance decay is solved so that the county's "
        "expected journey equals it (Wiles & Costello 2000: 1.7 miles)",
        json_schema_extra={
            "unit": "km",
            "source": "Wiles & Costello 2000: burglars' mean journey 1.7 miles",
            "plausible": plausible(
                1.5,
                6.0,
                "Wiles & Costello 2000: mean 1.7 miles (2.7 km) in an English city; sparser rural villages may mean longer trips",
                dist="triangular",
                mode=2.7,
            ),
        },
    )
    intra_village_km: float = Field(
        1.0,
        gt=0,
        description="straight-line journey when the target is in the offender's own village, km "
        "(an administrative village spans several natural villages)",
        json_schema_extra={
            "unit": "km",
            "source": "assumption: Mouding has 89 administrative villages on 1,450 km2 (~16 km2 each; county profile 2023)",
            "plausible": plausible(
                0.3,
                2.5,
                "expert range (assumption): ~16 km2 administrative villages (Mouding county profile 2023): trips between hamlets of 0.3-2.5 km",
                dist="triangular",
                mode=1.0,
            ),
        },
    )
    violent_share: Probability = Field(
        0.09,
        description="share of offenders' attempts against persons (robbery, assault)",
        json_schema_extra={
            "unit": "share 0-1",
            "source": "calibrated: recorded violent crime ~0.4 per 1,000 (China Statistical "
            "Yearbook 2010: homicide, injury, robbery and rape 0.38 per 1,000 in 2009), with "
            "escalated disputes a quarter to a half of it (0.07 before stations and deterrence "
            "by police numbers were modelled; 0.09 since)",
            "plausible": plausible(
                0.03,
                0.14,
                "calibrated: violent ~0.38 per 1,000 (China Statistical Yearbook 2010), escalated disputes a quarter to a half of it; 0.03-0.14 fits both",
                dist="triangular",
                mode=0.09,
            ),
        },
    )
    occupied_attractiveness: Probability = Field(
        0.12,
        description="burglary risk of an occupied home relative to an empty one, per "
        "household-hour",
        json_schema_extra={
            "unit": "ratio per household-hour",
            "source": "calibrated so that ~28% of burglaries happen with someone home at the default occupancy (BJS 2010: 8 of 21 + 8 burglaries per 1,000 households occurred while a household member was present)",
            "plausible": plausible(
                0.07,
                0.18,
                "calibrated: BJS 2010, ~28% of burglaries with someone home; 0.08-0.14 stays within 5 points, widened as the figure is American",
                dist="triangular",
                mode=0.12,
            ),
        },
    )
    success_probability: Probability = Field(
        0.8,
        description="probability an attempt with no guardian succeeds. Assumption",
        json_schema_extra={
            "unit": "probability 0-1",
            "source": "assumption",
            "plausible": plausible(
                0.5,
                0.95,
                "expert range (assumption): an unguarded attempt on an empty home usually succeeds; under one in two is implausible",
                dist="triangular",
                mode=0.8,
            ),
        },
    )
    guardian_effect: float = Field(
        0.75,
        ge=0,
        description="deterrence per guardian the target meets (success x exp(-effect)): a "
        "guardian within reach of the household (see guardian_reach_share). Assumption checked "
        "against Peterborough PCSO hot spots (~39% fewer crimes at the place)",
        json_schema_extra={
            "unit": "log-reduction per guardian",
            "source": "assumption, checked at the place: village auxiliaries cut burglaries of the households near their post by more than Peterborough's ~39% at PCSO hot spots (a larger dose: 10 h a day; tests/validation/test_patrol_and_presence.py)",
            "plausible": plausible(
                0.3,
                1.2,
                "0.75 fits Peterborough (Ariel, Weinborn & Sherman 2016: ~39% fewer crimes), 0.5 Minneapolis (Sherman & Weisburd 1995); dose-response unknown",
                dist="triangular",
                mode=0.75,
            ),
        },
    )
    guardian_reach_share: Probability = Field(
        0.3,
        description="share of a village's households within reach of a guardian standing at one "
        "place (its natural village 自然村 and the nearest houses): an auxiliary at their post, "
        "officers at a station or police room guard those households only; a guardian moving "
        "through the village (patrol, visits, a scene) guards each household this share of the "
        "time. Assumption",
        json_schema_extra={
            "unit": "share 0-1",
            "source": "assumption: an administrative village spans several natural villages (Mouding: 89 administrative villages on 1,450 km2, county profile 2023); Peterborough's ~39% was a place-level effect at micro hot spots (Ariel, Weinborn & Sherman 2016), not a whole-village one",
            "plausible": plausible(
                0.1,
                0.6,
                "expert range (assumption): one to several of an administrative village's natural villages lie within sight and a few minutes' walk of one place",
                dist="triangular",
                mode=0.3,
            ),
        },
    )
    police_elasticity_property: float = Field(
        -0.17,
        ge=-2,
        le=0,
        description="elasticity of an attempted burglary's success with respect to the township "
        "station's officers per capita (general deterrence: offenders' perceived risk)",
        json_schema_extra={
            "unit": "elasticity",
            "source": "Chalfin & McCrary 2018 (Review of Economics and Statistics): property crime -0.17 with respect to police per capita, US cities, corrected for measurement error",
            "plausible": plausible(
                -0.4,
                0.0,
                "Chalfin & McCrary 2018: -0.17; McCrary 2002 found Levitt 1997's larger effects insignificant once corrected; the literature spans about -0.1 to -0.5",
                dist="triangular",
                mode=-0.17,
            ),
        },
    )
    police_elasticity_violent: float = Field(
        -0.34,
        ge=-2,
        le=0,
        description="the same for violent offences by offenders (robbery, assault)",
        json_schema_extra={
            "unit": "elasticity",
            "source": "Chalfin & McCrary 2018 (Review of Economics and Statistics): violent crime -0.34 with respect to police per capita, US cities",
            "plausible": plausible(
                -0.7,
                0.0,
                "Chalfin & McCrary 2018: -0.34; Chalfin et al. 2022 find larger effects on homicide, McCrary 2002 none significant in Levitt's data",
                dist="triangular",
                mode=-0.34,
            ),
        },
    )
    reference_police_per_10k: float = Field(
        4.0,
        gt=0,
        le=1000,
        description="police density at which `success_probability` holds: station officers per "
        "10,000 registered residents of a township (a township with fewer officers deters less, "
        "by the elasticities)",
        json_schema_extra={
            "unit": "officers per 10,000 residents",
            "source": "setting: the national density of station officers, ~4 per 10,000 (Ministry of Public Security 2023: 570,000 officers in 40,000+ police stations; 1.41 bn residents)",
        },
    )
    residual_deterrence_hours: float = Field(
        6,
        gt=0,
        description="decay time of residual deterrence after presence, hours (Koper)",
        json_schema_extra={
            "unit": "hours",
            "source": "assumption after Koper 1995 (residual deterrence after a stop)",
            "plausible": plausible(
                1.5,
                24,
                "expert range (assumption): Koper 1995 found residual deterrence after a stop but not its decay over hours; ~2 h to a day",
                dist="lognormal",
                mode=6,
            ),
        },
    )
    repeat_boost: float = Field(
        25,
        ge=0,
        description="extra target weight of a just-victimised household "
        "(Polvi et al. 1991: >12x expected repeat within a month)",
        json_schema_extra={
            "unit": "ratio",
            "source": "assumption calibrated to Polvi et al. 1991 (repeat burglary >12x expected within a month)",
            "plausible": plausible(
                12,
                50,
                "calibrated to Polvi et al. 1991 (>12x expected repeat within a month; the default gives ~24x): 12-50 gives roughly 12-50x",
                dist="lognormal",
                mode=25,
            ),
        },
    )
    repeat_decay_days: float = Field(
        14,
        gt=0,
        description="decay of the repeat boost, days",
        json_schema_extra={
            "unit": "days",
            "source": "assumption after Polvi et al. 1991 (most repeats within weeks)",
            "plausible": plausible(
                5,
                40,
                "Polvi et al. 1991: half of repeats within 7 days, under 2x expected by 6 months; a decay of ~1-6 weeks fits",
                dist="lognormal",
                mode=14,
            ),
        },
    )
    displacement_share: Probability = Field(
        0.1,
        description="probability that an attempt a guardian deterred is made instead against "
        "another target the same hour (spatial displacement: a village chosen as any target is, "
        "and its own guardians)",
        json_schema_extra={
            "unit": "probability 0-1",
            "source": "Guerette & Bowers 2009 (102 situational prevention studies): displacement in about a quarter of observations, diffusion of benefits in about as many, and where displacement occurred it was smaller than the effect",
            "plausible": plausible(
                0.0,
                0.3,
                "Guerette & Bowers 2009: displacement rare and smaller than the effect; Braga et al. 2019: displacement rare at hot spots",
                dist="triangular",
                mode=0.1,
            ),
        },
    )
    near_repeat_boost: float = Field(
        1.0,
        ge=0,
        description="extra weight of a village after a burglary there. Assumption",
        json_schema_extra={
            "unit": "ratio",
            "source": "assumption (near-repeat literature: Johnson & Bowers 2004)",
            "plausible": plausible(
                0.0,
                3.0,
                "expert range (assumption) after Johnson & Bowers 2004: near-repeat risk is local (hundreds of m), diluted at village scale; 0-3",
                dist="triangular",
                mode=1.0,
            ),
        },
    )
    intel_per_presence_hour: Probability = Field(
        0.02,
        description="chance per knowledge-weighted hour of a village or district officer's "
        "household visits that a resident offender of the village becomes known to police",
        json_schema_extra={
            "unit": "probability per hour",
            "source": "assumption",
            "plausible": plausible(
                0.005,
                0.08,
                "expert range (assumption): how fast household visits reveal a village's offenders is unmeasured; a factor of 4 either way",
                dist="lognormal",
                mode=0.02,
            ),
        },
    )
    auxiliary_clearance_bonus: float = Field(
        0.1,
        ge=0,
        le=1,
        description="clearance bonus when the village has an auxiliary "
        "(local information). Assumption",
        json_schema_extra={
            "unit": "probability points",
            "source": "assumption: auxiliaries bring local information (seeds)",
            "plausible": plausible(
                0.0,
                0.2,
                "expert range (assumption): a local auxiliary's information adds from nothing to ~20 points of clearance",
                dist="triangular",
                mode=0.1,
            ),
        },
    )
    replacement_days: float | None = Field(
        60,
        gt=0,
        description="mean days until a jailed offender's place is taken by another offender "
        "from the same village; null = no replacement (pure incapacitation)",
        json_schema_extra={
            "unit": "days",
            "source": "assumption: replacement in offender populations (without it, a year of arrests jails most offenders and crime is not stationary)",
            "plausible": plausible(
                15,
                240,
                "expert range (assumption): replacement of jailed offenders is documented but not timed; weeks to most of a year",
                dist="lognormal",
                mode=60,
            ),
        },
    )
    jail_days: float = Field(
        365,
        ge=0,
        description="term served after an arrest, days",
        json_schema_extra={
            "unit": "days",
            "source": "assumption",
            "plausible": plausible(
                90,
                1460,
                "expert range (assumption): terms for theft and assault run from months of detention to several years",
                dist="lognormal",
                mode=365,
            ),
        },
    )
    base_clearance: dict[str, Probability] = Field(
        default_factory=lambda: _default_clearance(),
        description="arrest probability at the reference response time, by crime type "
        "(burglary clears far below violence)",
        json_schema_extra={
            "unit": "probability 0-1",
            "source": "calibrated: in the default county, property 0.15 gives ~23% of recorded "
            "burglaries solved (FBI UCR 2019: 14%; Guangzhou Yuexiu 8-37% a year 2015-2019, "
            "Sheng & Li 2020) and violent 0.6 ~60% (FBI UCR 2019: 45%), ~28% of all recorded "
            "crime: below China's 44% of all cases solved (China Statistical Yearbook 2010), "
            "a mix with less burglary whose recorded share the Ministry put near a true 30% "
            "(Xinhua 2004-06-10)",
            "plausible": {
                "property": plausible(
                    0.07,
                    0.3,
                    "burglaries solved: FBI UCR 2019 14%; Guangzhou Yuexiu 8-37% a year "
                    "2015-2019 (Sheng & Li 2020); at the reference time, before fast "
                    "responses' gain",
                    dist="triangular",
                    mode=0.15,
                ),
                "violent": plausible(
                    0.45,
                    0.85,
                    "violent crime solved: FBI UCR 2019 45%; China solves nearly every homicide "
                    "(99.9% in 2023, Ministry of Public Security) and most assaults between known "
                    "parties",
                    dist="triangular",
                    mode=0.6,
                ),
            },
        },
    )

    @field_validator("base_clearance")
    @classmethod
    def _crime_types(cls, p: dict[str, float]) -> dict[str, float]:
        check_incident_types(p, every=False)
        missing = {str(t) for t in CRIME_TYPES} - set(p)
        if missing or set(p) - {str(t) for t in CRIME_TYPES}:
            raise ValueError(f"give one clearance per crime type: {[str(t) for t in CRIME_TYPES]}")
        return p

    clearance_reference_min: float = Field(
        20,
        gt=0,
        description="reference response time for base_clearance, minutes",
        json_schema_extra={
            "unit": "minutes",
            "source": "assumption",
            "plausible": plausible(
                12,
                35,
                "expert range (assumption): the response time base_clearance refers to (gains stop below half of it); 12-35 min",
                dist="triangular",
                mode=20,
            ),
        },
    )
    clearance_slope: float = Field(
        0.493,
        ge=0,
        description="clearance points lost per unit log response time at the reference, for a "
        "crime clearing at 35% (Blanes i Vidal & Kirchmaier 2018: +10% response time, -4.7 "
        "points); every crime type shares the logit slope this gives, 0.493 / (0.35 x 0.65)",
        json_schema_extra={
            "unit": "points per unit log time",
            "source": "Blanes i Vidal & Kirchmaier 2018: +10% response time, -4.7 points clearance "
            "(pooled over crime types; 35% is the all-crime clearance it is transferred at, "
            "within China's 30-44%)",
            "plausible": plausible(
                0.25,
                0.75,
                "Blanes i Vidal & Kirchmaier 2018: 0.49 per unit log time in an English force; +-50% for transfer to rural China",
                dist="triangular",
                mode=0.493,
            ),
        },
    )
    known_offender_clearance_bonus: float = Field(
        0.15,
        ge=0,
        le=1,
        description="clearance bonus when a village officer knows the offender",
        json_schema_extra={
            "unit": "probability points",
            "source": "assumption",
            "plausible": plausible(
                0.05,
                0.3,
                "expert range (assumption): knowing the likely offender helps solve a case; 5-30 points",
                dist="triangular",
                mode=0.15,
            ),
        },
    )
    max_clearance: Probability = Field(
        0.95,
        description="upper bound of the arrest probability after all bonuses",
        json_schema_extra={
            "unit": "probability 0-1",
            "source": "assumption: no case is certain",
            "plausible": plausible(
                0.85,
                1.0,
                "expert range (assumption): a cap below certainty, from a cautious 0.85 to no cap at all",
            ),
        },
    )


def police_per_10k(region: Region, stations: list[int]) -> np.ndarray:
    """Per village: the officers of its township (officers by the village they are posted to)
    per 10,000 registered residents of the township."""
    k = len(region.stations)
    officers = np.bincount(region.township[np.asarray(stations, dtype=np.int64)], minlength=k)
    residents = np.bincount(region.township, weights=region.population, minlength=k)
    return (1e4 * officers / np.maximum(residents, 1.0))[region.township]


def mean_journey(
    distance: np.ndarray, attract: np.ndarray, origins: np.ndarray, decay_km: float
) -> float:
    """Expected journey to crime (km) from the given homes under weights
    attract_v * exp(-d / decay_km)."""
    d = distance[origins]
    w = attract[None, :] * np.exp(-(d - d.min(axis=1, keepdims=True)) / decay_km)
    return float(np.mean((w * d).sum(axis=1) / np.maximum(w.sum(axis=1), 1e-300)))


def calibrate_decay(
    distance: np.ndarray, attract: np.ndarray, origins: np.ndarray, target_km: float
) -> float:
    """The decay length whose expected journey equals `target_km` in this county (bisection
    on a log scale); clamped when the county cannot produce such journeys."""
    lo, hi = 1e-3, 1e4
    if mean_journey(distance, attract, origins, lo) >= target_km:
        return lo
    if mean_journey(distance, attract, origins, hi) <= target_km:
        return hi
    for _ in range(60):
        mid = math.sqrt(lo * hi)
        if mean_journey(distance, attract, origins, mid) < target_km:
            lo = mid
        else:
            hi = mid
    return math.sqrt(lo * hi)


class CrimeProcess:
    """Routine activity theory: a motivated offender, a suitable target (an empty home),
    no capable guardian. `hour` returns the offences of the hour; the police learn of
    resident offenders (`learn_offenders`) and jail them (`arrest`)."""

    def __init__(
        self,
        config: CrimeConfig,
        enabled: bool,
        region: Region,
        villagers: VillagerTable,
        addons: AddonsConfig,
        discovery_mean_min: float,
        occupied_discovery_min: float,
        new_incident: NewIncident,
        rng: np.random.Generator,
        behaviour_rng: np.random.Generator,
        police_per_10k: np.ndarray | None = None,
    ) -> None:
        self.config = config
        self.villagers = villagers
        self.cctv_deterrence = addons.cctv_deterrence if addons.cctv else 0.0
        self.discovery_mean_min = discovery_mean_min
        self.occupied_discovery_min = occupied_discovery_min
        self.new_incident = new_incident
        self.rng = rng
        self.behaviour_rng = behaviour_rng
        cfg = config
        n = 0
        if enabled:
            n = int(round(cfg.offenders_per_1000 * region.population.sum() / 1000))
        self.n = n
        self.resident = rng.random(n) < cfg.resident_offender_share
        pop_w = region.population / max(region.population.sum(), 1)
        self.home = np.where(
            self.resident, rng.choice(region.n, size=n, p=pop_w), rng.integers(0, region.n, size=n)
        )
        self.jailed_until = np.zeros(n)
        self.known = np.zeros(n, dtype=bool)
        self.arrests = np.zeros(n, dtype=np.int32)
        self.in_jail: list[float] = []  # release minute of every offender jailed
        self.rate_per_hour = cfg.attempts_per_offender_per_year / HOURS_PER_YEAR
        # Distance decay over straight-line distance (as Wiles & Costello measured it);
        # a journey within the home village counts as crime.intra_village_km.
        xy = np.column_stack([region.x, region.y])
        self.distance_km = straight_km(xy[:, None], xy[None, :])
        np.fill_diagonal(self.distance_km, cfg.intra_village_km)
        households = villagers.hh_village_end - villagers.hh_village_start
        attract = region.crime_weight * households
        origins = self.home if n else np.arange(region.n)
        self.decay_km = calibrate_decay(self.distance_km, attract, origins, cfg.journey_km)
        self.target_weight = np.exp(-self.distance_km / self.decay_km) * attract[None, :]
        self.hh_last_victim = np.full(villagers.n_households, -np.inf)
        self.village_last_burglary = np.full(region.n, -np.inf)
        self.attempts = 0
        self.displaced = 0  # deterred attempts made instead against another target
        self.journeys: list[float] = []
        # Households within reach of a guardian at the village's post: the first
        # `guardian_reach_share` of each village's households (its natural village).
        within = (
            np.arange(villagers.n_households) - villagers.hh_village_start[villagers.hh_village]
        )
        near = np.ceil(cfg.guardian_reach_share * households).astype(np.int64)
        self.near_post = within < near[villagers.hh_village]
        self.reach_share = cfg.guardian_reach_share
        # General deterrence: each township's police per capita against the reference.
        density = (
            np.full(region.n, cfg.reference_police_per_10k)
            if police_per_10k is None
            else np.asarray(police_per_10k, dtype=float)
        )
        relative = np.maximum(density / cfg.reference_police_per_10k, 0.1)
        self.police_factor_property = relative**cfg.police_elasticity_property
        self.police_factor_violent = relative**cfg.police_elasticity_violent

    def hour(
        self, t: float, hour: int, near: np.ndarray, far: np.ndarray, multiplier: float
    ) -> list[Incident]:
        """Offences in the hour starting at minute t (attempts that failed leave none).
        `near` and `far` are the guardians (with residual deterrence) per village that a
        household within reach of the village's post, and one elsewhere, meets; a violent
        offence (no household) meets their mix."""
        if self.n == 0:
            return []
        cfg = self.config
        counts = self.rng.poisson(
            self.rate_per_hour * CRIME_BY_HOUR[hour] * multiplier, size=self.n
        )
        total = int(counts.sum())
        if total == 0:
            return []
        offences = []
        who = np.repeat(np.arange(self.n), counts)
        # minute, village, household, type, occupancy, success, discovery delay
        u = self.rng.random((total, 7))
        cctv = self.cctv_deterrence
        g, share, s0 = cfg.guardian_effect, self.reach_share, cfg.success_probability
        for k in range(total):
            o = who[k]
            if self.jailed_until[o] > t:
                continue
            self.attempts += 1
            v = self._target(o, t, u[k, 1])
            violent = u[k, 3] < cfg.violent_share
            t_occ = t + u[k, 0] * 60.0
            household, empty = -1, False
            if not violent:
                household, empty = self._pick_household(v, hour, u[k, 2], u[k, 4], t)
                if household < 0:
                    continue
            unguarded = s0 * math.exp(-cctv) * self._police_factor(v, violent)
            p_success = unguarded * math.exp(-g * self._guardians(v, household, near, far, share))
            if u[k, 5] >= p_success:
                # Deterred by a guardian (it would have succeeded unguarded): sometimes tried
                # elsewhere the same hour (draws from the behaviour stream: they depend on
                # the policing).
                if u[k, 5] >= unguarded or not cfg.displacement_share:
                    continue
                b = self.behaviour_rng.random(5)
                if b[0] >= cfg.displacement_share:
                    continue
                self.displaced += 1
                v = self._target(o, t, b[1])
                if not violent:
                    household, empty = self._pick_household(v, hour, b[2], b[3], t)
                    if household < 0:
                        continue
                guardians = self._guardians(v, household, near, far, share)
                p_there = s0 * math.exp(-cctv - g * guardians) * self._police_factor(v, violent)
                if b[4] >= p_there:
                    continue
            if violent:
                offences.append(self._offence(IncidentType.VIOLENT, v, -1, o, t_occ, t_occ))
                continue
            self.hh_last_victim[household] = t_occ
            self.village_last_burglary[v] = t_occ
            if empty:
                delay = -self.discovery_mean_min * math.log(1.0 - u[k, 6])
            else:
                delay = self.occupied_discovery_min
            inc = self._offence(IncidentType.PROPERTY, v, household, o, t_occ, t_occ + delay)
            inc.source = Source.EMPTY_HOME if empty else Source.OCCUPIED_HOME
            offences.append(inc)
        return offences

    def _target(self, o: int, t: float, u_pick: float) -> int:
        """The village offender o targets (distance decay, near repeats), by inverse CDF."""
        cfg = self.config
        w = self.target_weight[self.home[o]]
        if cfg.near_repeat_boost > 0:
            w = w * (
                1.0
                + cfg.near_repeat_boost
                * np.exp(
                    -(t - self.village_last_burglary) / (cfg.repeat_decay_days * MINUTES_PER_DAY)
                )
            )
        cw = np.cumsum(w)
        return int(min(np.searchsorted(cw, u_pick * cw[-1], side="right"), len(cw) - 1))

    def _guardians(
        self, v: int, household: int, near: np.ndarray, far: np.ndarray, share: float
    ) -> float:
        """Guardians the target meets: near or far from the post, or the mix (no household)."""
        if household < 0:
            return share * near[v] + (1.0 - share) * far[v]
        return near[v] if self.near_post[household] else far[v]

    def _police_factor(self, v: int, violent: bool) -> float:
        return self.police_factor_violent[v] if violent else self.police_factor_property[v]

    def _pick_household(
        self, v: int, hour: int, u_pick: float, u_occ: float, t: float
    ) -> tuple[int, bool]:
        """A household of village v: empty homes and recent victims are preferred."""
        vt = self.villagers
        lo, hi = vt.hh_village_start[v], vt.hh_village_end[v]
        if hi <= lo:
            return -1, False
        p_empty = vt.empty_probability(slice(lo, hi), hour)
        cfg = self.config
        attract = p_empty + (1.0 - p_empty) * cfg.occupied_attractiveness
        boost = 1.0 + cfg.repeat_boost * np.exp(
            -(t - self.hh_last_victim[lo:hi]) / (cfg.repeat_decay_days * MINUTES_PER_DAY)
        )
        cw = np.cumsum(attract * boost)
        j = int(min(np.searchsorted(cw, u_pick * cw[-1], side="right"), len(cw) - 1))
        # Given the pick, the home is empty with the posterior probability below.
        post_empty = p_empty[j] / attract[j]
        return int(lo + j), bool(u_occ < post_empty)

    def _offence(
        self, type_: IncidentType, v: int, household: int, o: int, t_occ: float, discovered: float
    ) -> Incident:
        inc = self.new_incident(type_, v, t_occ, household=household, offender=int(o))
        inc.t_discover = discovered
        self.journeys.append(float(self.distance_km[self.home[o], v]))
        return inc

    def learn_offenders(self, visit_hours: np.ndarray) -> None:
        """Daily: a village officer's visits (knowledge-weighted hours) reveal the village's
        resident offenders to the police."""
        if self.n == 0:
            return
        p = 1.0 - (1.0 - self.config.intel_per_presence_hour) ** visit_hours[self.home]
        learn = self.resident & (self.behaviour_rng.random(self.n) < p)
        self.known |= learn

    def forget_offenders(self, villages: list[int]) -> None:
        """A new officer in these villages does not know their offenders."""
        self.known[np.isin(self.home, villages)] = False

    def arrest(self, offender: int, t: float) -> None:
        """The offender goes to jail for crime.jail_days. The slot is filled again by a new
        offender from the same village after an exponential delay (mean
        crime.replacement_days) if that comes first: arrests incapacitate one offender, not the
        supply of motivated offenders."""
        cfg = self.config
        self.arrests[offender] += 1
        release = t + cfg.jail_days * MINUTES_PER_DAY
        self.in_jail.append(release)
        back = release
        if cfg.replacement_days is not None:
            delay = self.behaviour_rng.exponential(cfg.replacement_days * MINUTES_PER_DAY)
            back = min(release, t + delay)
        self.jailed_until[offender] = back
        self.known[offender] = False  # whoever comes back to the slot is not yet known


class Offender(CellAgent):
    """A motivated offender: resident in a village (known to its officer once met) or
    roaming (homed at a random village, never known through visits). State lives in the crime
    process's columns; this is a view."""

    def __init__(self, model: Model, space: Network, crime: CrimeProcess, index: int) -> None:
        super().__init__(model)
        self.crime = crime
        self.index = index
        self.cell = space[int(crime.home[index])]

    @property
    def resident(self) -> bool:
        return bool(self.crime.resident[self.index])

    @property
    def jailed_until(self) -> float:
        return float(self.crime.jailed_until[self.index])

    @property
    def known(self) -> bool:
        return bool(self.crime.known[self.index])
