"""Printing to the terminal: the one place the client writes rich output (render.py builds it)."""

from __future__ import annotations

import os
from typing import Any

from rich.console import Console
from rich.text import Text

from durations_cli import render

NON_TERMINAL_WIDTH = 200


def console() -> Console:
    """Rich's console on stdout. Output to a file or a pipe is not wrapped at 80 columns
    (tables keep their natural width) unless COLUMNS says otherwise."""
    terminal = Console(highlight=False)
    if not terminal.is_terminal and not os.environ.get("COLUMNS"):
        return Console(highlight=False, width=NON_TERMINAL_WIDTH)
    return terminal


def print_function_report(out: Console, response: dict[str, Any]) -> None:
    """The summary tables of one function's response, then its chart when it has a series."""
    out.print(render.function_report(response))
    series = response.get("series")
    if series is None:
        return
    out.print()
    chart = render.series_chart(series, out.width)
    if chart is None:
        out.print(Text("No invocations in this window: nothing to chart.", style="dim"))
    else:
        out.print(chart, no_wrap=True, overflow="crop")
