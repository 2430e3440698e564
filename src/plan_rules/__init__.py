"""plan_rules: a government plan's targets as executable, testable rules.

Reported figures go in; a verdict per target comes out, exact (integers and fractions), with
the gap, the statistics behind it and the rows it came from. Plans, indicators, targets, checks
and report writers are contributed by pluggy plugins found through the ``plan_rules``
entry-point group. These names are the public contract; everything else is internal.
"""

from __future__ import annotations

from . import columnar as columnar  # the pyarrow reader; pyarrow loads on first use
from .checks import CheckPart
from .engine import CheckContext, evaluate
from .errors import (
    CheckError,
    CompositeError,
    DuplicateCodeError,
    ModelError,
    PlanRulesError,
    PluginError,
    PluginLoadError,
    ReadError,
    UnknownReferenceError,
    WriteError,
)
from .figures import FigureTable
from .hookspecs import hookimpl, hookspec
from .model import (
    Aggregation,
    Area,
    Check,
    Clause,
    Comparator,
    Coverage,
    DataIssue,
    Entity,
    EntityResult,
    Finding,
    Indicator,
    InParts,
    Kind,
    MissingStrategy,
    MissingUnit,
    MissingUnits,
    Observation,
    Plan,
    Point,
    Progress,
    ProgressAssessment,
    ProgressInput,
    ProgressMethod,
    Scope,
    Statistics,
    Target,
    Temporal,
    Text,
    Verdict,
)
from .numbers import NumberParseError
from .periods import Period, PeriodParseError
from .readers import ReadResult, read_entities, read_observations
from .registry import LoadProblem, PluginInfo, Registry, load_registry, per_territory
from .report import Report, Summary
from .schedule import Frequency, Schedule
from .writers import Writer, write_atomically

__version__ = "0.1.0"

__all__ = [
    "Aggregation",
    "Area",
    "Check",
    "CheckContext",
    "CheckError",
    "CheckPart",
    "Clause",
    "Comparator",
    "CompositeError",
    "Coverage",
    "DataIssue",
    "DuplicateCodeError",
    "Entity",
    "EntityResult",
    "FigureTable",
    "Finding",
    "Frequency",
    "InParts",
    "Indicator",
    "Kind",
    "LoadProblem",
    "MissingStrategy",
    "MissingUnit",
    "MissingUnits",
    "ModelError",
    "NumberParseError",
    "Observation",
    "Period",
    "PeriodParseError",
    "Plan",
    "PlanRulesError",
    "PluginError",
    "PluginInfo",
    "PluginLoadError",
    "Point",
    "Progress",
    "ProgressAssessment",
    "ProgressInput",
    "ProgressMethod",
    "ReadError",
    "ReadResult",
    "Registry",
    "Report",
    "Schedule",
    "Scope",
    "Statistics",
    "Summary",
    "Target",
    "Temporal",
    "Text",
    "UnknownReferenceError",
    "Verdict",
    "WriteError",
    "Writer",
    "__version__",
    "evaluate",
    "hookimpl",
    "hookspec",
    "load_registry",
    "per_territory",
    "read_entities",
    "read_observations",
    "write_atomically",
]
