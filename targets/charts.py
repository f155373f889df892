"""Cumulative progress as a small SVG line chart (April … March), drawn on the server so pages need
no script and print as they show; labels are Japanese text in the page's own font."""

from lib.fiscal import FISCAL_MONTHS

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 640, 240, 56, 28, 12


def line_chart(series: list[tuple[str, list[int], str]], target: int = 0) -> dict:
    """series: (label, twelve cumulative values, css colour). Returns what the template draws."""
    highest = max([target, *[max(values, default=0) for _, values, _ in series], 1])
    step = -(-highest // 4)  # whole-number gridlines: four steps reaching at least the highest value
    top = step * 4
    plot_w, plot_h = WIDTH - LEFT - 8, HEIGHT - BOTTOM - TOP

    def x(i: int) -> float:
        return round(LEFT + plot_w * i / 11, 1)

    def y(value: float) -> float:
        return round(TOP + plot_h * (1 - value / top), 1)

    return {
        "width": WIDTH,
        "height": HEIGHT,
        "lines": [
            {
                "label": label,
                "colour": colour,
                "points": " ".join(f"{x(i)},{y(v)}" for i, v in enumerate(values)),
            }
            for label, values, colour in series
            if values
        ],
        "target_y": y(target) if target else None,
        "target_label_y": round(y(target) - 4, 1) if target else None,
        "tick_label_x": LEFT - 6,
        "month_label_y": HEIGHT - 8,
        "target": target,
        "months": [{"x": x(i), "label": f"{m}月"} for i, m in enumerate(FISCAL_MONTHS)],
        "ticks": [{"y": y(step * k), "label": f"{step * k:,}"} for k in range(5)],
        "left": LEFT,
        "right": WIDTH - 8,
        "baseline": HEIGHT - BOTTOM,
    }
