"""Errors users see: each names the parameter (and file and line when known)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario: where it is and why it is wrong."""

    key: str
    reason: str
    file: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = self.file or "<scenario>"
        if self.line is not None:
            where += f":{self.line}"
        return f"{where}: {self.key}: {self.reason}" if self.key else f"{where}: {self.reason}"


class ScenarioError(ValueError):
    """A scenario that cannot run. `problems` lists every issue found."""

    def __init__(self, problems: list[Problem] | Problem | str, key: str = "") -> None:
        if isinstance(problems, str):
            problems = [Problem(key=key, reason=problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
