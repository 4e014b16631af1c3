"""Server-rendered SVG charts: geometry computed here, drawn by the template with CSS classes
(no script, no inline style, so the Content-Security-Policy stays strict). Each chart has a
table next to it with the same figures for screen readers and for copying."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import formats

from dashboard.selectors import STATE_LABELS, STATES, Row, SourceMix

WIDTH = 700
HEIGHT = 220
LEFT = 36
BOTTOM = 36
TOP = 10


@dataclass
class Rect:
    x: float
    y: float
    width: float
    height: float
    css: str
    title: str


@dataclass
class Label:
    x: float
    y: float
    text: str


@dataclass
class Chart:
    width: int
    height: int
    rects: list[Rect] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    ticks: list[Label] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)


def _nice_max(value: int) -> int:
    if value <= 5:
        return 5
    step = 10 ** (len(str(value)) - 1)
    return ((value + step - 1) // step) * step


def days_chart(days: list[Row]) -> Chart:
    """Stacked bars, one per day: ready, accepted, offered, proposed, unfilled from the bottom."""
    chart = Chart(WIDTH, HEIGHT)
    chart.legend = [(f"state-{s}", str(STATE_LABELS[s])) for s in STATES]
    if not days:
        return chart
    top = _nice_max(max((d.counts.requested for d in days), default=0))
    plot_h = HEIGHT - BOTTOM - TOP
    slot_w = (WIDTH - LEFT) / len(days)
    bar_w = slot_w * 0.7
    for fraction in (0, 0.5, 1):
        y = TOP + plot_h * (1 - fraction)
        chart.ticks.append(Label(LEFT - 4, y + 4, formats.number_format(round(top * fraction))))
    for i, row in enumerate(days):
        x = LEFT + i * slot_w + (slot_w - bar_w) / 2
        y = TOP + plot_h
        states = row.counts.as_states()
        for state in STATES:
            value = states[state]
            if not value:
                continue
            h = plot_h * value / top
            y -= h
            chart.rects.append(
                Rect(
                    round(x, 1),
                    round(y, 1),
                    round(bar_w, 1),
                    round(h, 1),
                    f"state-{state}",
                    f"{formats.date_format(row.key, 'SHORT_DATE_FORMAT')}: "
                    f"{STATE_LABELS[state]} {value}",
                )
            )
        chart.labels.append(
            Label(
                round(x + bar_w / 2, 1),
                HEIGHT - BOTTOM + 14,
                formats.date_format(row.key, "D"),
            )
        )
        chart.labels.append(
            Label(
                round(x + bar_w / 2, 1),
                HEIGHT - BOTTOM + 28,
                formats.date_format(row.key, "SHORT_MONTH_DAY_FORMAT"),
            )
        )
    return chart


def sources_chart(sources: list[SourceMix]) -> Chart:
    """One horizontal bar split by source, by hours."""
    chart = Chart(WIDTH, 40)
    total = sum(s.hours for s in sources)
    x = 0.0
    for s in sources:
        chart.legend.append((f"source-{s.key}", s.label))
        if not total or not s.hours:
            continue
        w = WIDTH * s.hours / total
        chart.rects.append(
            Rect(
                round(x, 1),
                0,
                round(w, 1),
                40,
                f"source-{s.key}",
                f"{s.label}: {round(100 * s.hours / total)} %",
            )
        )
        x += w
    return chart
