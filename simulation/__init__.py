"""rpsim: an agent-based simulation of rural policing models on Mesa.

from simulation import RuralPolicingModel, Scenario
model = RuralPolicingModel(Scenario(policing={"preset": "hybrid"}), seed=1).run()
tables = model.results()
"""

from .config_files import load_scenario
from .errors import Problem, ScenarioError
from .model import RuralPolicingModel
from .policing import PRESETS
from .scenario import Scenario

__version__ = "0.1.0"
__all__ = [
    "PRESETS",
    "Problem",
    "RuralPolicingModel",
    "Scenario",
    "ScenarioError",
    "__version__",
    "load_scenario",
]
