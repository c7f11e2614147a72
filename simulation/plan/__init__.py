"""Deployment planning: equal-cost sizing of comparisons (`budget`) and `rpsim plan`
(a fast screen on the travel-time matrix, a multi-objective search with the simulation, and a
final re-run of the Pareto set)."""
