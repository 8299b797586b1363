"""Server-drawn SVG charts: bars per unit and completions per month, each with a text
alternative and the same numbers in a table."""
import re
from elearn.reports import charts, services


def _section(html, heading_id):
    start = html.index(f'aria-labelledby="{heading_id}"')
    return html[start:html.index("</section>", start)]


def test_completion_bars_are_proportional(tree):
    rep = services.completion_report(tree["A"], tree["units"]["P"])
    c = charts.completion_bars(rep.rows)
    widths = {b["label"]: b["w"] for b in c["bars"]}
    assert widths == {"Thư viện huyện Ba Vì": round(c["plot_w"] * 0.5, 1),
                      "Thư viện huyện Đoan Hùng": round(c["plot_w"] * 0.333, 1)}


def test_monthly_columns_scale_to_the_peak():
    m = charts.monthly_columns([("2026-09", 1), ("2026-10", 2), ("2026-11", 0)])
    h = [col["h"] for col in m["cols"]]
    assert h[1] == m["base"] - 16 and h[0] == round(h[1] / 2, 1) and h[2] == 0
    assert [col["label"] for col in m["cols"]] == ["09/26", "10/26", "11/26"]


def test_page_draws_both_charts_with_text_and_table(tree, client, auth):
    auth.login("mp@example.vn")
    html = client.get("/reports/completion?course=khoa-a").get_data(as_text=True)
    bars = _section(html, "ch1-h")
    assert '<svg role="img" aria-labelledby="ch1-t ch1-d"' in bars
    assert "<title id=\"ch1-t\">" in bars
    desc = re.search(r'<desc id="ch1-d">(.*?)</desc>', bars).group(1)
    assert "Thư viện huyện Ba Vì: 50%" in desc and "Thư viện huyện Đoan Hùng: 33,3%" in desc
    table = bars.split("<table", 1)[1]
    assert "Thư viện huyện Ba Vì</th><td class=\"num\">50%" in table
    months = _section(html, "ch2-h")
    assert '<svg role="img" aria-labelledby="ch2-t ch2-d"' in months
    rows = re.findall(r'<tr><th scope="row">(\d\d/\d\d)</th><td class="num">(\d+)</td></tr>', months)
    assert len(rows) == 12
    from elearn.core.timeutil import to_local, utcnow

    now = to_local(utcnow())
    assert rows[-1][0] == f"{now.month:02d}/{now.year % 100:02d}"  # the current month (Việt Nam time) last
    assert sum(int(n) for _, n in rows) == sum(n for _, n in services.completions_by_month(tree["A"], tree["units"]["P"]))
    assert "<script" not in html
