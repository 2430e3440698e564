"""The plugin host: discovers plugins, loads them, and holds what they contribute.

Discovery (which entry points exist) is kept apart from loading (importing and registering
them), as in flake8: entry points are sorted, a distribution seen twice is counted once, and a
plugin that fails to import is reported by name and skipped — or raised, in strict mode. Every
contribution is stamped with the plugin that made it, by calling each implementation on its own.
Only :class:`PluginHost` touches pluggy's ``pm.hook``; the rest of the library goes through it.

A plugin is someone else's code, so nothing it hands back is trusted: a hook's result must be
a sequence of the hook's type (anything else is a problem naming the plugin, and only that is
skipped); ``SystemExit`` raised by a plugin is a failure like any other, not the end of the
run; a code two plugins claim is used for neither, since load order must not decide which one
is official; a plugin adds indicators and targets only to the plans of its own distribution,
unless a plan is ``open_to_others``. The registry's mappings are read-only views, so a check
shown the registry cannot change what the next evaluation sees.
"""

from __future__ import annotations

import importlib.metadata
import os
import reprlib
import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

import attrs
import pluggy

from . import composite, hookspecs
from .derive import Composite, Derived
from .errors import (
    CompositeError,
    DuplicateCodeError,
    ModelError,
    PluginLoadError,
    Terminated,
    UnknownReferenceError,
)
from .model import CODE_PATTERN, Check, Indicator, Kind, Plan, ProgressMethod, Target, Text
from .writers import Writer

__all__ = ["BUILTIN", "LoadProblem", "PluginHost", "PluginInfo", "Registry", "load_registry",
           "per_territory", "select_plans"]

#: The entry-point name of the plugin that ships with the core. Its writers, generic checks
#: and progress methods are no plan's: an allow-list (``PLAN_RULES_PLUGINS``, ``allow``)
#: names the plans' plugins to load and never leaves it out; only blocking it does.
BUILTIN = "builtin"

#: Comma-separated plugin names to skip.
ENV_BLOCK = "PLAN_RULES_BLOCK_PLUGINS"
#: Comma-separated plugin names; when set, only these load, and the built-in plugin (an empty
#: value loads the built-in plugin alone).
ENV_ALLOW = "PLAN_RULES_PLUGINS"
#: "1" makes a broken plugin fatal instead of reported and skipped.
ENV_STRICT = "PLAN_RULES_STRICT"
#: "1" prints each hook call to stderr (pluggy's tracing).
ENV_TRACE = "PLAN_RULES_TRACE_PLUGINS"

#: What plugin code may raise and is let through: the user (Ctrl-C) or the system (SIGTERM)
#: asked to stop, or a generator is being closed. Catch these first, and re-raise them.
PLUGIN_STOPS: tuple[type[BaseException], ...] = (KeyboardInterrupt, GeneratorExit, Terminated)

#: What plugin code may raise that is reported rather than let through: anything but
#: :data:`PLUGIN_STOPS`. ``SystemExit`` is one: a plugin's ``sys.exit(0)`` would otherwise end
#: the run with status 0 and no report, and a CI gate would pass; so is any other
#: ``BaseException`` (``asyncio.CancelledError``, a test framework's own), which would end it
#: with a traceback and status 1, read by a CI gate as "--fail-on matched".
PLUGIN_FAILURES: tuple[type[BaseException], ...] = (BaseException,)


def describe(value: object, limit: int = 60) -> str:
    """A short, safe description of something a plugin returned: its type and a clipped repr.

    A plugin's object may have a huge or raising ``__repr__``; neither reaches a message.
    """
    clip = reprlib.Repr()
    clip.maxstring = clip.maxother = limit
    try:
        shown = clip.repr(value)
    except Exception:
        shown = "<unprintable>"
    return f"{type(value).__name__} {shown}"


def _read_only(value: Mapping[str, Any]) -> Mapping[str, Any]:
    # A copy behind a read-only view: neither the caller's dict nor a check holding the view
    # can change what the registry says.
    return types.MappingProxyType(dict(value))

_HOOKS = (
    "plan_rules_plans",
    "plan_rules_indicators",
    "plan_rules_targets",
    "plan_rules_checks",
    "plan_rules_writers",
    "plan_rules_progress_methods",
    "plan_rules_composites",
)


@attrs.frozen(kw_only=True)
class PluginInfo:
    """A loaded plugin: its name, distribution and version, and the codes it contributed."""

    name: str
    module: str
    distribution: str | None = None
    version: str | None = None
    hooks: tuple[str, ...] = ()
    contributions: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict,
                                                               converter=_read_only)


@attrs.frozen(kw_only=True)
class LoadProblem:
    """Something that went wrong while loading: which plugin, which code, what happened."""

    plugin: str
    message: str
    code: str | None = None
    kind: str = "load"


def _plugin_tuple(value: Iterable[PluginInfo]) -> tuple[PluginInfo, ...]:
    return tuple(value)


def _problem_tuple(value: Iterable[LoadProblem]) -> tuple[LoadProblem, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class Candidate:
    """An entry point found by discovery, not yet imported."""

    name: str
    value: str
    distribution: str | None
    version: str | None
    entry_point: importlib.metadata.EntryPoint | None = attrs.field(default=None, eq=False)

    def load(self) -> Any:
        """Import the plugin object the entry point names."""
        assert self.entry_point is not None
        return self.entry_point.load()


def discover() -> list[Candidate]:
    """The installed entry points of group ``plan_rules``, sorted, each distribution once."""
    seen_dists: dict[str, str] = {}
    found: list[Candidate] = []
    for dist in importlib.metadata.distributions():
        dist_name = dist.metadata["Name"]
        key = (dist_name or "").lower().replace("_", "-")
        path = str(getattr(dist, "_path", ""))
        if key in seen_dists and seen_dists[key] != path:
            # The same distribution on sys.path twice (e.g. an editable install and a copy):
            # the first one found is the one imported, so only it counts.
            continue
        seen_dists[key] = path
        for ep in dist.entry_points:
            if ep.group != hookspecs.PROJECT:
                continue
            found.append(
                Candidate(
                    name=ep.name,
                    value=ep.value,
                    distribution=dist_name,
                    version=dist.version,
                    entry_point=ep,
                )
            )
    unique = {(c.name, c.value): c for c in found}
    return sorted(unique.values(), key=lambda c: (c.name, c.value))


def _env_names(name: str) -> frozenset[str] | None:
    raw = os.environ.get(name)
    if raw is None:
        return None
    return frozenset(p.strip() for p in raw.split(",") if p.strip())


T = TypeVar("T")


class PluginHost:
    """The one typed facade over pluggy's plugin manager: a method per hook.

    Each method calls every implementation separately and returns ``(plugin name, result)``
    pairs, so that every contribution can be attributed to the plugin that made it.
    """

    def __init__(self) -> None:
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        if os.environ.get(ENV_TRACE) == "1":
            self.pm.trace.root.setwriter(lambda text: os.sys.stderr.write(text))  # type: ignore[attr-defined]
            self.pm.enable_tracing()

    def register(self, plugin: object, name: str) -> None:
        """Register a module or object under ``name``; misspelt hooks are caught here."""
        self.pm.register(plugin, name=name)
        try:
            self.pm.check_pending()
        except pluggy.PluginValidationError:
            self.pm.unregister(name=name)
            raise

    def hook_names(self, name: str) -> tuple[str, ...]:
        """The hooks the plugin registered under ``name`` implements."""
        plugin = self.pm.get_plugin(name)
        callers = self.pm.get_hookcallers(plugin) or []
        return tuple(sorted(c.name for c in callers))

    def _each(self, hook: str, **kwargs: Any) -> list[tuple[str, Any]]:
        caller = getattr(self.pm.hook, hook)
        results = []
        # get_hookimpls() lists implementations in registration order (pluggy calls them in
        # reverse); registration order is sorted entry-point order, so the first one wins.
        for impl in caller.get_hookimpls():
            args = [kwargs[a] for a in impl.argnames]
            results.append((impl.plugin_name, lambda impl=impl, args=args: impl.function(*args)))
        return results

    def plans(self) -> list[tuple[str, Callable[[], Sequence[Plan]]]]:
        """Deferred calls of ``plan_rules_plans``, one per plugin."""
        return self._each("plan_rules_plans")

    def indicators(self) -> list[tuple[str, Callable[[], Sequence[Indicator]]]]:
        """Deferred calls of ``plan_rules_indicators``, one per plugin."""
        return self._each("plan_rules_indicators")

    def targets(self) -> list[tuple[str, Callable[[], Sequence[Target]]]]:
        """Deferred calls of ``plan_rules_targets``, one per plugin."""
        return self._each("plan_rules_targets")

    def checks(self) -> list[tuple[str, Callable[[], Sequence[Check]]]]:
        """Deferred calls of ``plan_rules_checks``, one per plugin."""
        return self._each("plan_rules_checks")

    def writers(self) -> list[tuple[str, Callable[[], Sequence[Writer]]]]:
        """Deferred calls of ``plan_rules_writers``, one per plugin."""
        return self._each("plan_rules_writers")

    def progress_methods(self) -> list[tuple[str, Callable[[], Sequence[ProgressMethod]]]]:
        """Deferred calls of ``plan_rules_progress_methods``, one per plugin."""
        return self._each("plan_rules_progress_methods")

    def composites(self) -> list[tuple[str, Callable[[], Sequence[Composite]]]]:
        """Deferred calls of ``plan_rules_composites``, one per plugin."""
        return self._each("plan_rules_composites")


@attrs.frozen(kw_only=True)
class Registry:
    """Everything the loaded plugins contributed, by code, and what went wrong loading them.

    The mappings are read-only views of copies (``types.MappingProxyType``), whatever they
    were built from: checks are shown the registry, and none may change it for the others.
    """

    plans: Mapping[str, Plan] = attrs.field(converter=_read_only)
    indicators: Mapping[str, Indicator] = attrs.field(converter=_read_only)
    targets: Mapping[str, Target] = attrs.field(converter=_read_only)
    checks: Mapping[str, Check] = attrs.field(converter=_read_only)
    writers: Mapping[str, Writer] = attrs.field(converter=_read_only)
    plugins: tuple[PluginInfo, ...] = attrs.field(converter=_plugin_tuple)
    problems: tuple[LoadProblem, ...] = attrs.field(default=(), converter=_problem_tuple)
    strict: bool = False
    progress_methods: Mapping[str, ProgressMethod] = attrs.field(factory=dict,
                                                                 converter=_read_only)
    #: Derived indicators, indices, and score and rank targets (:mod:`plan_rules.composite`),
    #: by code.
    composites: Mapping[str, Composite] = attrs.field(factory=dict, converter=_read_only)

    def targets_for(self, indicator: str) -> list[Target]:
        """The targets of one indicator, in code order."""
        return [t for t in self.targets.values() if t.indicator == indicator]

    def plan_of(self, target: Target) -> str | None:
        """The code of the plan ``target`` belongs to: its own ``plan``, else its
        indicator's (None when neither is known)."""
        indicator = self.indicators.get(target.indicator)
        return target.plan or (indicator.plan if indicator is not None else None)

    def plugin(self, name: str) -> PluginInfo | None:
        """The loaded plugin called ``name``."""
        return next((p for p in self.plugins if p.name == name), None)


def _fits_kind(target: Target, indicator: Indicator) -> str | None:
    """Why a target's threshold does not fit its indicator's kind, or None when it does."""
    if indicator.kind is Kind.RATE and target.threshold > 1:
        return f"a rate's threshold is a fraction of one (100% is 1), got {target.threshold}"
    if indicator.kind is Kind.COUNT and target.threshold.denominator != 1:
        return f"a count's threshold is a whole number, got {target.threshold}"
    if indicator.kind is Kind.MILESTONE and (
        target.threshold != 1 or target.comparator.value not in (">=", "==")
    ):
        return "a milestone's target is '>= 1' (done)"
    if indicator.kind is Kind.RATE and target.baseline is not None and target.baseline.value > 1:
        return f"a rate's baseline is a fraction of one (100% is 1), got {target.baseline.value}"
    return None


#: The type each hook's items must have, by the name the loader gives the hook.
_EXPECTED: Mapping[str, type] = {
    "plans": Plan, "indicators": Indicator, "targets": Target, "checks": Check,
    "writers": Writer, "progress_methods": ProgressMethod, "composites": Composite,
}

#: The owner of plugins handed to :func:`load_registry` itself (not found as entry points).
CALLER = None


def _owner_words(owner: str | None) -> str:
    if owner is CALLER:
        return "the plugins passed to load_registry"
    return f"distribution {owner!r}"


def _dist_key(name: str | None) -> str:
    return (name or "?").lower().replace("_", "-")


class _Loader:
    def __init__(self, strict: bool) -> None:
        self.strict = strict
        self.problems: list[LoadProblem] = []
        #: Codes used by no one because two plugins claimed them, by hook.
        self.contested: dict[str, set[str]] = {}

    def problem(self, error: Exception, plugin: str, code: str | None = None,
                kind: str = "load") -> None:
        if self.strict:
            raise error
        self.problems.append(LoadProblem(plugin=plugin, message=str(error), code=code, kind=kind))

    def failed(self, plugin: str, what: str, exc: BaseException) -> None:
        """A plugin's code raised (or exited) while it was asked for something."""
        err = PluginLoadError(
            f"plugin {plugin!r} raised in its {what} hook: {type(exc).__name__}: {exc}",
            plugin=plugin,
        )
        if self.strict:
            raise err from exc
        self.problem(err, plugin)

    def _items(self, plugin: str, what: str, call: Callable[[], Sequence[T]],
               ) -> list[object] | None:
        """What one plugin's hook returned, as a list, or None (reported) when unusable."""
        try:
            returned: object = call()
            usable = not (returned is None
                          or isinstance(returned, str | bytes | bytearray | Mapping)
                          or not isinstance(returned, Iterable))
            # A generator's items are made while it is read: still the plugin's code.
            items = list(returned) if usable else []  # type: ignore[call-overload]
        except PLUGIN_STOPS:
            raise
        except PLUGIN_FAILURES as exc:
            self.failed(plugin, what, exc)
            return None
        if not usable:
            self.problem(PluginLoadError(
                f"plugin {plugin!r}: its {what} hook returned {describe(returned)}, not a "
                f"sequence of {_EXPECTED[what].__name__}; nothing it returned there is used",
                plugin=plugin), plugin, kind="contribution")
            return None
        return items

    def collect(
        self,
        calls: Iterable[tuple[str, Callable[[], Sequence[T]]]],
        what: str,
        key: Callable[[T], str],
        contributions: dict[str, dict[str, list[str]]],
    ) -> dict[str, T]:
        expected = _EXPECTED[what]
        singular = what[:-1]
        claims: dict[str, list[tuple[str, T]]] = {}
        for plugin, call in calls:
            items = self._items(plugin, what, call)
            for item in items or ():
                if not isinstance(item, expected):
                    self.problem(PluginLoadError(
                        f"plugin {plugin!r}: its {what} hook returned {describe(item)} among "
                        f"its {what}, not a {expected.__name__}; that item is skipped",
                        plugin=plugin), plugin, kind="contribution")
                    continue
                code = key(item)  # type: ignore[arg-type]
                mine = claims.setdefault(code, [])
                if any(p == plugin for p, _ in mine):
                    # The same plugin twice: no one else is involved, the first one stands.
                    self.problem(DuplicateCodeError(
                        f"{singular} code {code!r} is contributed twice by plugin {plugin!r}; "
                        "the first one is kept", code=code, plugins=(plugin, plugin)),
                        plugin, code, kind="duplicate")
                    continue
                if hasattr(item, "plugin"):
                    item = attrs.evolve(item, plugin=plugin)  # type: ignore[misc]
                mine.append((plugin, item))  # type: ignore[arg-type]
        out: dict[str, T] = {}
        for code, claimed in claims.items():
            if len(claimed) == 1:
                plugin, item = claimed[0]
                out[code] = item
                contributions.setdefault(plugin, {}).setdefault(what, []).append(code)
                continue
            # Two plugins claim one code: which is official is not for the entry points'
            # sort order to decide, so neither is used and each plugin is told.
            names = [p for p, _ in claimed]
            listed = ", ".join(repr(n) for n in names[:-1]) + f" and {names[-1]!r}"
            self.contested.setdefault(what, set()).add(code)
            for plugin in names:
                self.problem(DuplicateCodeError(
                    f"{singular} code {code!r} is contributed by plugins {listed}; none is "
                    "used, and what depends on it is rejected too (a code must mean one "
                    "thing; remove or block one of the plugins)",
                    code=code, plugins=(names[0], names[1])), plugin, code, kind="duplicate")
        return out

    def missing(self, what: str, code: str) -> str:
        """Why a referenced code is not in the registry, for a rejection message."""
        if code in self.contested.get(what, ()):
            return "whose code two plugins claim"
        return "which no loaded plugin contributes"


def load_registry(
    plugins: Iterable[object] | None = None,
    *,
    entry_points: bool = True,
    strict: bool | None = None,
    block: Iterable[str] | None = None,
    allow: Iterable[str] | None = None,
) -> Registry:
    """Load plugins and return what they contribute.

    :param plugins: modules or objects to register besides (or instead of) entry points; each
        is named by its ``__name__`` (or ``name`` attribute). They are the caller's own: they
        count as one owner, and may add to one another's plans.
    :param entry_points: discover installed plugins in the ``plan_rules`` entry-point group.
    :param strict: make a broken plugin, a wrong contribution, a duplicate code, an unknown
        reference or a target added to another distribution's plan fatal (default: the
        ``PLAN_RULES_STRICT`` environment variable).
    :param block: plugin names to skip (added to ``PLAN_RULES_BLOCK_PLUGINS``).
    :param allow: only these plugin names load, and the built-in plugin (:data:`BUILTIN`),
        which is no plan (default: ``PLAN_RULES_PLUGINS`` when set).
    """
    if strict is None:
        strict = os.environ.get(ENV_STRICT) == "1"
    blocked = set(block or ()) | set(_env_names(ENV_BLOCK) or ())
    allowed = set(allow) if allow is not None else _env_names(ENV_ALLOW)
    loader = _Loader(strict)
    host = PluginHost()
    infos: dict[str, PluginInfo] = {}
    #: Who answers for each plugin: its distribution, or the caller (``CALLER``).
    owners: dict[str, str | None] = {}

    def wanted(name: str) -> bool:
        return name not in blocked and (allowed is None or name in allowed or name == BUILTIN)

    def register(obj: object, name: str, info: PluginInfo) -> None:
        try:
            host.register(obj, name)
        except Exception as exc:
            err = PluginLoadError(f"plugin {name!r} could not be registered: {exc}", plugin=name)
            if strict:
                raise err from exc
            loader.problem(err, name)
            return
        infos[name] = attrs.evolve(info, hooks=host.hook_names(name))

    if entry_points:
        for cand in discover():
            if not wanted(cand.name):
                continue
            try:
                obj = cand.load()
            except PLUGIN_STOPS:
                raise
            except PLUGIN_FAILURES as exc:
                err = PluginLoadError(
                    f"plugin {cand.name!r} (distribution {cand.distribution} "
                    f"{cand.version}) failed to import {cand.value!r}: "
                    f"{type(exc).__name__}: {exc}",
                    plugin=cand.name,
                )
                if strict:
                    raise err from exc
                loader.problem(err, cand.name)
                continue
            owners[cand.name] = _dist_key(cand.distribution)
            register(obj, cand.name, PluginInfo(
                name=cand.name, module=cand.value, distribution=cand.distribution,
                version=cand.version,
            ))
    for obj in plugins or ():
        name = str(getattr(obj, "__name__", None) or getattr(obj, "name", None) or repr(obj))
        if not wanted(name) or host.pm.get_plugin(name) is not None:
            continue
        version = getattr(obj, "__version__", None)
        module = obj.__name__ if isinstance(obj, types.ModuleType) else type(obj).__module__
        owners[name] = CALLER
        register(obj, name, PluginInfo(name=name, module=module, version=version))

    contributions: dict[str, dict[str, list[str]]] = {}
    plans = loader.collect(host.plans(), "plans", lambda p: p.code, contributions)
    indicators = loader.collect(host.indicators(), "indicators", lambda i: i.code, contributions)
    targets = loader.collect(host.targets(), "targets", lambda t: t.code, contributions)
    checks = loader.collect(host.checks(), "checks", lambda c: c.code, contributions)
    writers = loader.collect(host.writers(), "writers", lambda w: w.name, contributions)
    progress_methods = loader.collect(host.progress_methods(), "progress_methods",
                                      lambda m: m.code, contributions)
    composites = loader.collect(host.composites(), "composites", lambda c: c.code,
                                contributions)

    def foreign(what: str, code: str, plugin: str | None, plan: Plan) -> bool:
        """Whether ``plugin`` adds to a plan of another owner that is not open to it."""
        mine, theirs = owners.get(plugin or "?"), owners.get(plan.plugin or "?")
        if plan.open_to_others or mine == theirs:
            return False
        loader.problem(PluginLoadError(
            f"{what} {code!r} of plugin {plugin!r} ({_owner_words(mine)}) adds to plan "
            f"{plan.code!r} of plugin {plan.plugin!r} ({_owner_words(theirs)}), which is not "
            f"open to others (Plan(open_to_others=True)); the {what} is rejected",
            plugin=plugin, code=code), plugin or "?", code, kind="ownership")
        return True

    for code, ind in list(indicators.items()):
        plan = plans.get(ind.plan)
        if plan is None:
            loader.problem(UnknownReferenceError(
                f"indicator {code!r} of plugin {ind.plugin!r} names plan {ind.plan!r}, "
                f"{loader.missing('plans', ind.plan)}; the indicator is rejected",
                plugin=ind.plugin, code=code), ind.plugin or "?", code, kind="reference")
            del indicators[code]
        elif foreign("indicator", code, ind.plugin, plan):
            del indicators[code]
    for code, tgt in list(targets.items()):
        indicator = indicators.get(tgt.indicator)
        reason = (
            f"names indicator {tgt.indicator!r}, {loader.missing('indicators', tgt.indicator)}"
            if indicator is None else _fits_kind(tgt, indicator)
        )
        if reason is None and tgt.plan is not None and tgt.plan not in plans:
            reason = f"names plan {tgt.plan!r}, {loader.missing('plans', tgt.plan)}"
        if reason:
            loader.problem(UnknownReferenceError(
                f"target {code!r} of plugin {tgt.plugin!r} {reason}; the target is rejected",
                plugin=tgt.plugin, code=code), tgt.plugin or "?", code, kind="reference")
            del targets[code]
        elif indicator is not None and foreign("target", code, tgt.plugin,
                                               plans[tgt.plan or indicator.plan]):
            del targets[code]
    for code, chk in list(checks.items()):
        unknown = [i for i in chk.indicators if i not in indicators]
        if unknown:
            loader.problem(UnknownReferenceError(
                f"check {code!r} of plugin {chk.plugin!r} reads unknown indicators "
                f"{', '.join(unknown)}; the check is rejected",
                plugin=chk.plugin, code=code), chk.plugin or "?", code, kind="reference")
            del checks[code]
    _check_composites(loader, composites, indicators, plans, foreign)

    plugin_infos = tuple(
        attrs.evolve(info, contributions={k: tuple(v) for k, v in
                                          contributions.get(name, {}).items()})
        for name, info in sorted(infos.items())
    )
    return Registry(
        plans=dict(sorted(plans.items())),
        indicators=dict(sorted(indicators.items())),
        targets=dict(sorted(targets.items())),
        checks=dict(sorted(checks.items())),
        writers=dict(sorted(writers.items())),
        progress_methods=dict(sorted(progress_methods.items())),
        composites=dict(sorted(composites.items())),
        plugins=plugin_infos,
        problems=tuple(loader.problems),
        strict=strict,
    )


def _check_composites(loader: _Loader, composites: dict[str, Composite],
                      indicators: Mapping[str, Indicator], plans: Mapping[str, Plan],
                      foreign: Callable[[str, str, str | None, Plan], bool]) -> None:
    """Reject, naming the plugin, each composite that cannot stand (see
    :func:`plan_rules.composite.check`), each derived indicator or index of an unknown plan,
    and each that adds to another distribution's plan not open to it (a score or rank target
    through its index)."""
    for code, item in list(composites.items()):
        if isinstance(item, Derived | composite.Index):
            what = "derived indicator" if isinstance(item, Derived) else "index"
            plan = plans.get(item.plan)
            if plan is None:
                loader.problem(UnknownReferenceError(
                    f"{what} {code!r} of plugin {item.plugin!r} names plan {item.plan!r}, "
                    f"{loader.missing('plans', item.plan)}; the {what} is rejected",
                    plugin=item.plugin, code=code), item.plugin or "?", code, kind="reference")
                del composites[code]
            elif foreign(what, code, item.plugin, plan):
                del composites[code]
    for code, item in list(composites.items()):
        # A score or rank target adds to its index's plan, as a target adds to its
        # indicator's.
        index = composites.get(getattr(item, "index", ""))
        if isinstance(index, composite.Index) and index.plan in plans:
            what = "score target" if isinstance(item, composite.ScoreTarget) else "rank target"
            if foreign(what, code, item.plugin, plans[index.plan]):
                del composites[code]

    def missing(ref: str) -> str:
        what = "composites" if ref in loader.contested.get("composites", ()) else "indicators"
        return loader.missing(what, ref)

    for r in composite.check(composites, indicators, missing):
        plugin = composites[r.code].plugin
        error = UnknownReferenceError if r.reference else CompositeError
        loader.problem(error(f"{r.what} {r.code!r} of plugin {plugin!r} {r.reason}; the "
                             f"{r.what} is rejected", plugin=plugin, code=r.code),
                       plugin or "?", r.code, kind="reference" if r.reference
                       else "contribution")
        del composites[r.code]


def select_plans(registry: Registry, plans: Iterable[str]) -> Registry:
    """``registry`` with only the plans coded in ``plans``: their targets (a target's plan is
    its own ``plan``, else its indicator's), and the checks that read their indicators or the
    indicators their targets read (or read none). What is no plan's stays whole: the writers, the
    progress methods, the plugins and their problems, and every indicator, so that a figure
    of another plan's indicator is still read and named (``unused``), not refused as
    unknown.

    :raises UnknownReferenceError: a code names no loaded plan.
    """
    chosen = set(plans)
    unknown = sorted(chosen - set(registry.plans))
    if unknown:
        raise UnknownReferenceError(
            f"no loaded plugin contributes plan {', '.join(map(repr, unknown))}; loaded "
            f"plans: {', '.join(registry.plans) or 'none'}", code=unknown[0])

    targets = {c: t for c, t in registry.targets.items() if registry.plan_of(t) in chosen}
    # A chosen plan's indicators: its own, and those its targets read (a plan instantiated
    # per territory reads its template's).
    read = {t.indicator for t in targets.values()}

    def chosen_indicator(code: str) -> bool:
        indicator = registry.indicators.get(code)
        return indicator is not None and (indicator.plan in chosen or code in read)

    return attrs.evolve(
        registry,
        plans={c: p for c, p in registry.plans.items() if c in chosen},
        targets=targets,
        checks={c: k for c, k in registry.checks.items()
                if not k.indicators or any(map(chosen_indicator, k.indicators))},
        composites=composite.of_plans(registry.composites, chosen),
    )


def instance_code(template: str, territory: str, code: str | None = None) -> str:
    """The code of plan ``template``'s instance for ``territory`` (``HY25.p07``), or of the
    instance's copy of the template's target ``code``: the territory goes right after the
    plan's code (``HY25.PS.3.province`` → ``HY25.p07.PS.3.province``); a target code that
    does not start with the plan's is put after the instance's code whole."""
    instance = f"{template}.{territory}"
    if code is None:
        return instance
    if code.startswith(f"{template}."):
        return instance + code[len(template):]
    return f"{instance}.{code}"


def per_territory(registry: Registry, plan: str, territories: Iterable[str]) -> Registry:
    """``registry`` with plan ``plan`` instantiated once per territory: one plan per entity
    code of ``territories`` (a ministry monitoring every province on one template).

    Each instance is the template with its code namespaced by the territory
    (:func:`instance_code`: ``HY25.p07``), its ``territory`` that entity, and the title
    saying so; its areas are the template's (the report keys areas by plan, so each
    province's summary stays its own). The template's ``note`` says what figures of its own
    territory cover, and is not carried over. Each target of the template (a target whose
    ``plan``, else whose indicator's plan, is ``plan``) is copied into every instance with its
    code namespaced the same way (``HY25.p07.PS.3.province``), ``Target.plan`` the
    instance's code, and a scope naming the template's territory as its ``entity`` naming
    the instance's. The codes are made here, not contributed by plugins, so two instances'
    copies of one target never meet the duplicate-code rule; a made code that another plan or
    target already has is refused.

    Shared, not copied: the indicators (the instances read the template's, and a figure is
    one figure whichever province's plan reads it), the checks (they read the figures of an
    indicator wherever they lie, so one run says it once) and the composites (derived
    indicators, indices and their score and rank targets, which declare their own units
    and territories). The template stays in the registry without its targets: it still owns
    its indicators, checks and composites, and their findings name it.

    :param registry: what :func:`load_registry` returned.
    :param plan: the code of the template plan, e.g. ``HY25``.
    :param territories: entity codes (e.g. ``p00`` … ``p33``); order and repeats do not
        matter, instances are made in code order.
    :raises UnknownReferenceError: no loaded plan has the code ``plan``.
    :raises ModelError: no territory is given, or one cannot be part of a code (letters,
        digits, ``-``, ``_``, dotted).
    :raises DuplicateCodeError: a made plan or target code is already the registry's.
    """
    template = registry.plans.get(plan)
    if template is None:
        raise UnknownReferenceError(
            f"no loaded plugin contributes plan {plan!r}; loaded plans: "
            f"{', '.join(registry.plans) or 'none'}", code=plan)
    given = list(territories)
    if not given:
        raise ModelError(f"plan {plan!r}: no territory to instantiate it for")
    for place in given:
        if not isinstance(place, str) or not CODE_PATTERN.match(instance_code(plan, place)):
            raise ModelError(f"plan {plan!r}: territory {place!r} cannot be part of a code "
                             "(letters, digits, '-' and '_', in dotted words)")
    places = sorted(set(given))

    own = [t for t in registry.targets.values() if registry.plan_of(t) == plan]
    plans = dict(registry.plans)
    targets = {c: t for c, t in registry.targets.items() if registry.plan_of(t) != plan}
    owner = template.plugin or "?"

    def refuse(what: str, code: str, holder: str | None) -> DuplicateCodeError:
        return DuplicateCodeError(
            f"per_territory: the {what} code {code!r} made for plan {plan!r} is already "
            f"{holder or 'taken'}'s; a territory's codes must be new",
            code=code, plugins=(holder or "?", owner))

    for place in places:
        code = instance_code(plan, place)
        if code in plans:
            raise refuse("plan", code, plans[code].plugin)
        plans[code] = attrs.evolve(
            template, code=code, territory=place, note=None,
            title=Text(vi=f"{template.title.vi} — địa bàn {place}",
                       en=f"{template.title.en} — territory {place}"))
        for target in own:
            made = instance_code(plan, place, target.code)
            if made in targets:
                raise refuse("target", made, targets[made].plugin)
            scope = target.scope
            if template.territory is not None and scope.entity == template.territory:
                scope = attrs.evolve(scope, entity=place)
            targets[made] = attrs.evolve(target, code=made, plan=code, scope=scope)
    return attrs.evolve(registry, plans=dict(sorted(plans.items())),
                        targets=dict(sorted(targets.items())))
