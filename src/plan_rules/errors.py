"""The error classes of plan_rules, all under one root, so a caller can catch `PlanRulesError`.

Load, validation and execution errors carry the plugin and the code involved, and are raised
``from`` the original exception so that nothing about the cause is lost. `Terminated` alone
is not an error but a request to stop (SIGTERM), outside the root on purpose.
"""

from __future__ import annotations


class PlanRulesError(Exception):
    """Root of every error plan_rules raises on purpose."""


class ModelError(PlanRulesError, ValueError):
    """A model object was built with values that cannot stand together."""


class PluginError(PlanRulesError):
    """A plugin could not be loaded or contributed something unusable.

    :param plugin: the plugin's name (entry-point or module name).
    :param code: the code of the contribution involved, when there is one.
    """

    def __init__(self, message: str, *, plugin: str | None = None, code: str | None = None):
        super().__init__(message)
        self.plugin = plugin
        self.code = code


class PluginLoadError(PluginError):
    """A plugin failed to import or register."""


class DuplicateCodeError(PluginError):
    """Two contributions share one code; the message names both plugins."""

    def __init__(self, message: str, *, code: str, plugins: tuple[str, str]):
        super().__init__(message, plugin=plugins[1], code=code)
        self.plugins = plugins


class UnknownReferenceError(PluginError):
    """A contribution refers to a code nobody contributed (e.g. a target's indicator)."""


class CompositeError(PluginError):
    """A derived indicator, an index or a target on one cannot stand as declared (e.g. an
    index whose components' points do not add up to its maximum)."""


class CheckError(PluginError):
    """A check raised while it ran (re-raised only in strict mode)."""


class ReadError(PlanRulesError):
    """A file could not be read at all (missing, unreadable, not the format it claims)."""

    def __init__(self, message: str, *, file: str):
        super().__init__(message)
        self.file = file


class WriteError(PlanRulesError):
    """A report could not be written; no partial file is left behind."""


class Terminated(BaseException):
    """SIGTERM, raised where the program is so that cleanup (``finally``, the writer's removal
    of its temporary file) runs as for Ctrl-C. Not an ``Exception``: code that handles
    errors must not swallow it, nor may the host take it for a plugin's failure."""
