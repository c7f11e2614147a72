"""Answers with their uncertainty: every option of a comparison or plan run across parameter
worlds drawn from the declared plausible ranges (`simulation.ranges`), and what the team reads
from them: differences with intervals that include what we do not know, the probability that
each option is best, net benefit and acceptability, the value of information, and where the
answer flips."""
