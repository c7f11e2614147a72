"""Villagers and households as numpy columns, with Mesa `Villager` views on demand.

200,000 Mesa agents stepping every tick would cost seconds per simulated day; villager
state is therefore held in arrays (one row per villager, sorted by village and household)
and a `Villager` agent is created only when someone asks for one (`model.villager(i)`).
"""

from __future__ import annotations

import numpy as np
from mesa import Agent, Model

from .region import Region
from .rhythms import HOME_BY_HOUR

CHILD, ADULT, ELDERLY = 0, 1, 2
# Age structure of rural China: 2020 census, rural population aged 0-14 17.6%, 65+ 17.7%;
# we fold 60-64 into the elderly group (~22%). Migrant workers are drawn from adults.
AGE_SHARES = np.array([0.18, 0.60, 0.22])


class VillagerTable:
    """Columns: village, household, age, away (migrant), trust, last_contact."""

    def __init__(
        self,
        region: Region,
        household_size: float,
        trust_mean: float,
        trust_sd: float,
        rng: np.random.Generator,
    ) -> None:
        pop = region.population.astype(np.int64)
        n = int(pop.sum())
        self.n = n
        self.village = np.repeat(np.arange(region.n), pop)  # intp: fast gathers and bincounts
        n_hh = np.maximum(1, np.round(pop / household_size)).astype(np.int64)
        n_hh = np.where(pop == 0, 0, np.minimum(n_hh, pop))
        self.hh_village = np.repeat(np.arange(region.n), n_hh).astype(np.int32)
        hh_start = np.concatenate([[0], np.cumsum(n_hh)[:-1]])
        # Each household gets one member, the rest are spread at random; then sort.
        household = np.empty(n, dtype=np.int64)
        starts = np.concatenate([[0], np.cumsum(pop)[:-1]])
        for v in np.flatnonzero(pop):
            s, k, h0 = starts[v], pop[v], hh_start[v]
            members = np.arange(n_hh[v])
            extra = rng.integers(0, n_hh[v], size=k - n_hh[v])
            household[s : s + k] = np.sort(np.concatenate([members, extra])) + h0
        self.household = household
        self.n_households = int(n_hh.sum())
        self.hh_first = np.searchsorted(household, np.arange(self.n_households))
        self.hh_size = np.bincount(household, minlength=self.n_households)
        self.village_start = starts
        self.residents_by_village = pop
        self.village_end = starts + pop
        self.hh_village_start = hh_start
        self.hh_village_end = hh_start + n_hh
        self.age = rng.choice(3, size=n, p=AGE_SHARES).astype(np.int8)
        # Migrants: adults away, so that the overall away share matches the region's.
        p_away = min(1.0, region.away_share / AGE_SHARES[ADULT])
        self.away = (self.age == ADULT) & (rng.random(n) < p_away)
        self.returns_for_festival = rng.random(n)  # compared with the return share
        self.trust = np.clip(rng.normal(trust_mean, trust_sd, n), 0, 1)
        self.trust_disposition = self.trust.copy()  # what trust returns to without contact
        self.last_contact = np.full(n, -np.inf)
        self.festival = False
        self.return_share = 0.0
        self._update_present()

    # --- presence -------------------------------------------------------------------
    def set_festival(self, festival: bool, return_share: float) -> None:
        """Migrant workers come home for Spring Festival (春节) and leave after."""
        if festival != self.festival:
            self.festival, self.return_share = festival, return_share
            self._update_present()

    def _update_present(self) -> None:
        back = self.festival & (self.returns_for_festival < self.return_share)
        self.present = ~self.away | back
        self.present_index = np.flatnonzero(self.present)
        counts = np.zeros((self.n_households, 3), dtype=np.int32)
        np.add.at(counts, (self.household[self.present], self.age[self.present]), 1)
        self.hh_present_by_age = counts
        most = int(counts.max(initial=0))
        self._away_power = (1.0 - HOME_BY_HOUR)[:, :, None] ** np.arange(most + 1)
        self.present_by_village = np.bincount(
            self.village[self.present], minlength=len(self.village_start)
        )

    def empty_probability(self, households: np.ndarray | slice, hour: int) -> np.ndarray:
        """Probability each household is empty at this hour (nobody present at home): the
        product over age groups of P(away from home) ** members present."""
        counts = self.hh_present_by_age[households]
        power = self._away_power[:, hour]  # (age group, members): the same powers, looked up
        return power[0, counts[:, 0]] * power[1, counts[:, 1]] * power[2, counts[:, 2]]

    # --- trust ----------------------------------------------------------------------
    def members(self, household: int) -> slice:
        start = self.hh_first[household]
        return slice(start, start + self.hh_size[household])

    def members_of(self, households: np.ndarray) -> np.ndarray:
        """Villagers of the given households (ascending), in household order."""
        sizes = self.hh_size[households]
        starts = np.repeat(self.hh_first[households] - np.cumsum(sizes) + sizes, sizes)
        return starts + np.arange(int(sizes.sum()))

    def nudge_trust(self, idx: np.ndarray | slice, gain: float) -> None:
        """Move trust toward 1 (gain > 0) or toward 0 (gain < 0) by a share `gain`."""
        t = self.trust[idx]
        self.trust[idx] = t + gain * (1.0 - t) if gain >= 0 else t + gain * t

    def household_trust(self, household: int) -> float:
        return float(self.trust[self.members(household)].mean())

    def village_trust(self, out: np.ndarray | None = None) -> np.ndarray:
        """Mean trust of each village's present residents (migrants away do not count);
        `out`, a float array of one row per villager, saves a temporary."""
        n = len(self.village_start)
        weights = np.multiply(self.trust, self.present, out=out)
        sums = np.bincount(self.village, weights=weights, minlength=n)
        present = self.present_by_village
        means = sums / np.maximum(present, 1)
        if present.all():
            return means
        # A village with nobody present (all away) keeps its registered residents' mean.
        everyone = np.bincount(self.village, weights=self.trust, minlength=n) / np.maximum(
            np.bincount(self.village, minlength=n), 1
        )
        return np.where(present > 0, means, everyone)

    def present_trust(self) -> np.ndarray:
        """Trust of the residents present (not migrants away), in villager order."""
        return self.trust.take(self.present_index)


class Villager(Agent):
    """A villager: a view on row `index` of the villager table (numpy columns)."""

    def __init__(self, model: Model, villagers: VillagerTable, index: int) -> None:
        super().__init__(model)
        self.villagers = villagers
        self.index = index

    @property
    def village(self) -> int:
        return int(self.villagers.village[self.index])

    @property
    def household(self) -> int:
        return int(self.villagers.household[self.index])

    @property
    def age_group(self) -> str:
        return ("child", "adult", "elderly")[self.villagers.age[self.index]]

    @property
    def away(self) -> bool:
        """True while away as a migrant worker."""
        return not bool(self.villagers.present[self.index])

    @property
    def trust(self) -> float:
        return float(self.villagers.trust[self.index])
