"""Network pictures, reports and exports: plain functions returning HTML or writing files.

The HTTP API and the CLI call these; each takes a store and the query's parameters.
"""

from credtrace.viz.export import FORMATS, download, export
from credtrace.viz.pages import render_accountability, render_ego, render_ownership, render_path
from credtrace.viz.report import render_report, report_data, write_report

__all__ = [
    "FORMATS", "download", "export", "render_accountability", "render_ego", "render_ownership",
    "render_path", "render_report", "report_data", "write_report",
]
