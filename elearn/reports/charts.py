"""Charts drawn on the server as inline SVG: no JavaScript, no web fonts, no external requests.
Each chart is a dict with the SVG's parts; the template draws it with presentation attributes
only (the CSP forbids inline styles) and puts the same numbers in a table below."""


def completion_bars(rows, width=480, bar_h=18, gap=6, label_w=0):
    """Horizontal bars: completion rate per unit (0–100 %)."""
    bars = []
    plot_w = width - 60
    for i, r in enumerate(rows):
        rate = r.completion_rate
        w = round(plot_w * (rate or 0) / 100.0, 1)
        bars.append({"y": i * (bar_h + gap) + 16, "w": w, "label": r.unit_name, "value": rate, "h": bar_h})
    height = len(rows) * (bar_h + gap) + 20
    return {"width": width, "height": height, "plot_w": plot_w, "bars": bars}


def monthly_columns(months, width=480, height=160):
    """Columns: completions per month, oldest first."""
    peak = max((n for _, n in months), default=0) or 1
    n = len(months) or 1
    col_w = (width - 20) / n
    plot_h = height - 36
    cols = []
    for i, (month, count) in enumerate(months):
        h = round(plot_h * count / peak, 1)
        cols.append({"x": round(10 + i * col_w + 2, 1), "w": round(col_w - 4, 1), "y": round(16 + plot_h - h, 1),
                     "h": h, "month": month, "label": f"{month[5:7]}/{month[2:4]}", "value": count})
    return {"width": width, "height": height, "cols": cols, "base": 16 + plot_h, "peak": peak}
