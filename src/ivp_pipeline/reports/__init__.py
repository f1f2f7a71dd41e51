"""ScoreResult -> files: the tables (CSV, workbook), charts, the HTML report and the change report.

The door of the layer: steps call `write_outputs` (and `changes` for `ivp refresh`).

Each name is loaded from its module when it is first used (PEP 562), so a process that needs only
part of the layer does not import all of it: steps/settings.py reads the report options without
the report code, and only a process that draws imports reports/drawing.py (matplotlib and the
chart functions). The imports under TYPE_CHECKING name every arrow for mypy and import-linter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ivp_pipeline.loading import lazy_names, loading

if TYPE_CHECKING:
    from ivp_pipeline.reports.changes import compare as compare_changes
    from ivp_pipeline.reports.changes import summary as change_summary
    from ivp_pipeline.reports.changes import write_changes
    from ivp_pipeline.reports.chartset import CHART_SCOPES
    from ivp_pipeline.reports.options import ReportConfig, report_config
    from ivp_pipeline.reports.outputs import write_outputs

# `ivp score` forks the child that will draw the charts at start-up, once pandas is in (steps/drawer.py):
# the child imports these meanwhile, and reports/chartset.py hands it the charts to draw.
DRAWER = "charts"
DRAWER_MODULES = ("ivp_pipeline.reports.chartset", "ivp_pipeline.reports.drawing")

# name -> (module, attribute)
_EXPORTS = {
    "CHART_SCOPES": ("ivp_pipeline.reports.chartset", "CHART_SCOPES"),
    "ReportConfig": ("ivp_pipeline.reports.options", "ReportConfig"),
    "change_summary": ("ivp_pipeline.reports.changes", "summary"),
    "compare_changes": ("ivp_pipeline.reports.changes", "compare"),
    "report_config": ("ivp_pipeline.reports.options", "report_config"),
    "write_changes": ("ivp_pipeline.reports.changes", "write_changes"),
    "write_outputs": ("ivp_pipeline.reports.outputs", "write_outputs"),
}
__all__ = [
    "CHART_SCOPES",
    "DRAWER",
    "DRAWER_MODULES",
    "ReportConfig",
    "change_summary",
    "compare_changes",
    "load",
    "report_config",
    "write_changes",
    "write_outputs",
]


def load() -> None:
    """Import the report writers now (some 0.3 s), instead of when first used: `ivp score` does it
    while its Monte Carlo runs, when it would otherwise only wait."""
    with loading():
        __getattr__("write_outputs")


__getattr__ = lazy_names(__name__, _EXPORTS)
