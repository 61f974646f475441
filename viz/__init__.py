"""Network pictures, reports and exports: plain functions returning HTML or writing files.

The HTTP API and the CLI call these; each takes a store and the query's parameters.
"""

from viz.export import FORMATS, download, export
from viz.pages import render_accountability, render_ego, render_ownership, render_path
from viz.report import render_report, report_data, write_report

__all__ = [
    "FORMATS", "download", "export", "render_accountability", "render_ego", "render_ownership",
    "render_path", "render_report", "report_data", "write_report",
]
