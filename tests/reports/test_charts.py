"""Chart functions drawn onto given Axes, checked for the data they show; figure bytes are stable."""

from __future__ import annotations

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import pytest

from ivp_pipeline.reports import figures
from ivp_pipeline.reports.charts.funnel import plot_funnel, poisson_limits
from ivp_pipeline.reports.charts.heatmap import plot_heatmap
from ivp_pipeline.reports.charts.matrix import plot_matrix
from ivp_pipeline.reports.charts.priorities import plot_priorities
from ivp_pipeline.reports.charts.ranks import plot_rank_probabilities
from ivp_pipeline.reports.charts.trends import BREAK_LABEL, SERIES_BREAK, plot_trend
from ivp_pipeline.reports.public import apply_public_mode
from outputs_fixtures import make_result


@pytest.fixture(scope="module")
def result():  # type: ignore[no-untyped-def]
    return make_result(n_themes=7)


@pytest.fixture
def ax():  # type: ignore[no-untyped-def]
    fig, axes = figures.new_figure()
    yield axes[0, 0]
    fig.clear()


def trend_frame(start: str, months: int, counts: list[int] | None = None) -> pd.DataFrame:
    periods = pd.date_range(start, periods=months, freq="MS")
    c = counts or list(range(months))
    return pd.DataFrame(
        {
            "municipality": "GM0168",
            "theme": "jeugd",
            "period_start": periods,
            "count": pd.array(c, dtype="Int64"),
            "count_low": [v * 0.5 for v in c],
            "count_high": [v * 1.5 + 3 for v in c],
            "inhabitants": 23385,
            "rate_per_1000": [v / 23.385 for v in c],
        }
    )


def test_trend_line_band_and_break(ax) -> None:  # type: ignore[no-untyped-def]
    frame = trend_frame("2018-01-01", 12)
    art = plot_trend(ax, frame.iloc[::-1], title="Jeugd")  # row order must not matter
    assert list(art["line"].get_ydata()) == list(range(12))
    xs = mdates.num2date(mdates.date2num(art["line"].get_xdata()))
    assert xs[0].date().isoformat() == "2018-01-01"
    band = art["band"].get_paths()[0].vertices
    assert band[:, 1].max() == pytest.approx(11 * 1.5 + 3)
    assert art["break"] is not None
    assert art["break"].get_xdata()[0] == pytest.approx(mdates.date2num(SERIES_BREAK))
    assert any(t.get_text() == BREAK_LABEL for t in ax.texts)
    assert ax.get_ylabel() == "Aantal per maand"


def test_no_break_marker_outside_the_range(ax) -> None:  # type: ignore[no-untyped-def]
    art = plot_trend(ax, trend_frame("2020-01-01", 24))
    assert art["break"] is None
    assert not any(t.get_text() == BREAK_LABEL for t in ax.texts)


def test_yearly_series_is_labelled_per_year(ax) -> None:  # type: ignore[no-untyped-def]
    frame = trend_frame("2015-01-01", 6)
    frame["period_start"] = pd.date_range("2015-01-01", periods=6, freq="YS")
    plot_trend(ax, frame)
    assert ax.get_ylabel() == "Aantal per jaar"


def test_suppressed_trend_points_are_not_drawn(ax, result) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    frame = trend_frame("2018-01-01", 12, [1, 2, 8, 9, 3, 7, 6, 5, 4, 12, 0, 10])
    hidden = apply_public_mode(replace(result, trends=frame)).trends  # the shared result, these trends
    art = plot_trend(ax, hidden)
    y = np.asarray(art["line"].get_ydata(), dtype=float)
    assert np.nanmin(y) >= 5
    assert int(np.isnan(y).sum()) == 5
    assert (
        art["note"].get_text() == "5 perioden verborgen: kleine aantallen en wat daaruit terug te rekenen is"
    )


def test_heatmap_shows_the_matrix(ax) -> None:  # type: ignore[no-untyped-def]
    matrix = pd.DataFrame([[10.0, 90.0], [50.0, np.nan]], index=["A", "B"], columns=["Losser", "NOT"])
    image = plot_heatmap(ax, matrix)
    arr = np.asarray(image.get_array())
    assert arr[0, 1] == 90.0 and np.isnan(arr[1, 1])
    assert [t.get_text() for t in ax.texts] == ["10", "90", "50", "–"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A", "B"]


def test_priority_bars_in_rank_order(ax, result) -> None:  # type: ignore[no-untyped-def]
    s = result.scores
    data = s[(s.municipality == "GM1774") & (s.profile == "evenwichtig")]
    bars = plot_priorities(ax, data.sample(frac=1, random_state=1))
    ordered = data.sort_values("rank")
    widths = [b.get_width() for b in bars]
    assert widths == pytest.approx(list(ordered.score))
    assert bars[0].get_y() > bars[-1].get_y()  # rank 1 on top
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == f"1. {ordered.theme_label.iloc[0]}"
    assert any(t.get_text().startswith("top 3: ") for t in ax.texts)


def test_matrix_places_themes(ax) -> None:  # type: ignore[no-untyped-def]
    frame = pd.DataFrame({"label": ["A", "B", "C"], "x": [10.0, 80.0, np.nan], "y": [20.0, 70.0, 50.0]})
    points = plot_matrix(ax, frame)
    assert points.get_offsets().tolist() == [[10.0, 20.0], [80.0, 70.0]]
    assert ax.get_xlim() == (0, 100)


def test_poisson_limits_match_known_values() -> None:
    low, high = poisson_limits(np.array([10.0, 0.0]), 0.95)
    assert low[0] == pytest.approx(4.7954, abs=1e-4)  # Garwood 95 % interval for 10
    assert high[0] == pytest.approx(18.3904, abs=1e-4)
    assert low[1] == 0.0 and high[1] == pytest.approx(3.6889, abs=1e-4)
    low998, high998 = poisson_limits(np.array([10.0]), 0.998)
    assert low998[0] < low[0] and high998[0] > high[0]


def test_funnel_points_and_limits(ax, result) -> None:  # type: ignore[no-untyped-def]
    fu = result.funnel[result.funnel.theme == "jeugd"]
    art = plot_funnel(ax, fu, highlight={"GM0168": "Losser"})
    own = fu[fu.area_code == "GM0168"].iloc[0]
    assert art["points"]["GM0168"].get_offsets().tolist() == [[own.inhabitants, own.rate_per_1000]]
    ref = fu.reference_rate_per_1000.iloc[0]
    assert art["reference"].get_ydata()[0] == pytest.approx(ref)
    lower95 = art["limits"][0.95]
    x, y = lower95.get_xdata(), lower95.get_ydata()
    lo, _ = poisson_limits(ref * x[:1] / 1000, 0.95)
    assert y[0] == pytest.approx(lo[0] / x[0] * 1000)
    assert set(art["limits"]) == {0.95, 0.998}


def test_rank_probabilities_heat(ax, result) -> None:  # type: ignore[no-untyped-def]
    rp = result.rank_probabilities
    data = rp[(rp.municipality == "NOT") & (rp.profile == "evenwichtig")]
    order = sorted(data.theme.unique())
    image = plot_rank_probabilities(ax, data, order, {})
    arr = np.asarray(image.get_array())
    assert arr.shape == (7, 7)
    assert arr.sum(axis=1) == pytest.approx([1.0] * 7)
    first = data[(data.theme == order[0]) & (data["rank"] == 1)].probability.iloc[0]
    assert arr[0, 0] == pytest.approx(first)


def test_figure_bytes_are_stable_and_free_of_dates() -> None:
    def draw() -> tuple[bytes, bytes]:
        with figures.style():
            fig, axes = figures.new_figure()
            plot_trend(axes[0, 0], trend_frame("2018-01-01", 12), title="Jeugd")
            figures.source_line(fig, "Bron: politie (data.politie.nl); bewerking ivp")
            return figures.render_bytes(fig)

    png1, svg1 = draw()
    png2, svg2 = draw()
    assert png1 == png2 and svg1 == svg2
    assert b"<dc:date>" not in svg1 and b"Matplotlib version" not in png1
    assert png1.startswith(b"\x89PNG")


def test_break_date_comes_from_the_method(ax) -> None:  # type: ignore[no-untyped-def]
    from datetime import datetime

    art = plot_trend(ax, trend_frame("2019-01-01", 24), series_break=datetime(2020, 1, 1))
    assert art["break"].get_xdata()[0] == pytest.approx(mdates.date2num(datetime(2020, 1, 1)))
    assert any(t.get_text() == "trendbreuk januari 2020" for t in ax.texts)


def test_progress_bars_and_targets(ax) -> None:  # type: ignore[no-untyped-def]
    from ivp_pipeline.reports.charts.progress import plot_progress

    frame = pd.DataFrame(
        {
            "label": ["Losser: Jeugd", "Tubbergen: Geweld"],
            "change_pct": [-12.5, "n<5"],
            "target_pct": [-10.0, -5.0],
            "status_code": ["on_track", "off_track"],
        },
        dtype=object,
    )
    bars = plot_progress(ax, frame)
    assert [b.get_width() for b in bars] == [-12.5, 0.0]
    assert bars[0].get_facecolor()[:3] == pytest.approx((0.0, 0x9E / 255, 0x73 / 255))
    targets = ax.collections[0].get_offsets().tolist()
    assert targets == [[-10.0, 1.0], [-5.0, 0.0]]
    assert any(t.get_text().strip() == "n<5" for t in ax.texts)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Losser: Jeugd", "Tubbergen: Geweld"]


def test_trend_panel_plots_the_12_month_sums(ax) -> None:  # type: ignore[no-untyped-def]
    monthly = trend_frame("2017-01-01", 36, [i % 4 for i in range(36)])
    monthly = monthly.assign(period_kind="month", period_end=monthly["period_start"])
    ends = pd.to_datetime(["2017-12-01", "2019-12-01"])  # 2018 left out: a month was missing
    years = pd.DataFrame(
        {
            "municipality": "GM0168",
            "theme": "jeugd",
            "period_start": ends - pd.DateOffset(months=11),
            "period_end": ends,
            "count": pd.array([18, 18], dtype="Int64"),
            "count_low": [10.7, 10.7],
            "count_high": [28.4, 28.4],
            "inhabitants": 23385,
            "rate_per_1000": [0.77, 0.77],
            "period_kind": "year",
        }
    )
    art = plot_trend(ax, pd.concat([years, monthly], ignore_index=True))
    xs = [d.date().isoformat() for d in mdates.num2date(mdates.date2num(art["line"].get_xdata()))]
    assert xs == ["2017-12-01", "2018-12-01", "2019-12-01"]  # at the window ends, a gap for 2018
    y = np.asarray(art["line"].get_ydata(), dtype=float)
    assert y[0] == 18 and np.isnan(y[1]) and y[2] == 18
    bars = [tuple(np.round(seg[:, 1], 1)) for seg in art["band"].get_segments() if seg.size]
    assert bars == [(10.7, 28.4), (10.7, 28.4)]  # error bars from count_low to count_high
    assert len(art["monthly"].get_ydata()) == 36  # the months faintly behind
    assert ax.get_ylabel() == "Aantal per 12 maanden"
    assert art["break"] is not None  # July 2018 lies within the months shown
    assert [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert all(t.get_visible() for t in ax.get_xticklabels())


def test_chart_digest_names_the_content() -> None:
    from ivp_pipeline.reports.chartcache import digest

    frame = trend_frame("2018-01-01", 12)
    same = digest("salt", plot_trend, {"frame": frame.copy(), "title": "Jeugd"})
    assert digest("salt", plot_trend, {"frame": frame, "title": "Jeugd"}) == same
    changed = frame.assign(count=frame["count"].where(frame.index != 5, 99))
    assert digest("salt", plot_trend, {"frame": changed, "title": "Jeugd"}) != same  # one count
    assert digest("salt", plot_trend, {"frame": frame, "title": "Geweld"}) != same  # a label
    assert digest("other program", plot_trend, {"frame": frame, "title": "Jeugd"}) != same
    with pytest.raises(TypeError):
        digest(object())  # its repr would hold an address: never silently part of a digest


def test_only_changed_charts_are_drawn_and_copies_match_a_redraw(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os
    from dataclasses import replace

    from ivp_pipeline.reports.chartcache import INDEX, write_index
    from ivp_pipeline.reports.chartset import PendingCharts

    result = make_result(n_themes=3, first_month="2023-01-01", with_voortgang=False)
    first, again, forced, changed = (tmp_path / n for n in ("first", "again", "forced", "changed"))
    cold = PendingCharts(result, first / "figures")
    # 4 charts for each of 5 units, the heatmap and the funnel (no voortgang), a "why" chart per unit
    assert cold.drawn == len(cold.plans) == 4 * 5 + 2 + 5
    assert sorted(p.key for p in cold.plans if p.kind == "why")[:2] == ["waarom-dinkelland", "waarom-losser"]
    cold.collect()
    write_index(first, cold.index())
    assert (first / INDEX).is_file()

    warm = PendingCharts(result, again / "figures", previous=first)
    assert warm.drawn == 0
    charts = warm.collect()
    assert [c.key for c in charts] == [p.key for p in cold.plans]
    png = first / "figures" / "trends-losser.png"
    assert os.path.samefile(png, again / "figures" / "trends-losser.png")  # a hard link, not a drawing

    redraw = PendingCharts(result, forced / "figures", previous=first, force=True)
    assert redraw.drawn == len(redraw.plans)
    redraw.collect()
    for plan in cold.plans:
        for suffix in (".png", ".svg"):
            name = plan.key + suffix
            assert (forced / "figures" / name).read_bytes() == (first / "figures" / name).read_bytes(), name

    # one municipality's trends change (the result is given, not recomputed): only its chart is drawn
    tr = result.trends
    bump = (tr["municipality"] == "GM0168") & (tr["theme"] == tr["theme"].iloc[0])
    tr = tr.assign(count_high=tr["count_high"].where(~bump, tr["count_high"] + 1))
    moved = PendingCharts(replace(result, trends=tr), changed / "figures", previous=first)
    assert [p.key for p, hit in zip(moved.plans, moved.reused, strict=True) if not hit] == ["trends-losser"]
    moved.close()

    # a file edited in the previous reports/ is drawn again rather than copied
    (first / "figures" / "heatmap-thema-gemeente.svg").write_bytes(b"<svg/>")
    edited = PendingCharts(result, tmp_path / "edited" / "figures", previous=first)
    assert [p.key for p, hit in zip(edited.plans, edited.reused, strict=True) if not hit] == [
        "heatmap-thema-gemeente"
    ]
    edited.close()


def test_region_scope_leaves_out_the_charts_per_municipality() -> None:
    from ivp_pipeline.reports.chartset import jobs

    assert jobs(["GM0168", "NOT"], "NOT", "regio") == [
        ("priorities", ("NOT",)),
        ("ranks", ("NOT",)),
        ("matrix", ("NOT",)),
        ("trends", ("NOT",)),
        ("why", ("NOT",)),
        ("funnel", ()),
        ("progress", ()),
    ]
    # five charts per unit, the heatmap, the funnel, the progress and the wijk maps
    assert len(jobs(["GM0168", "NOT"], "NOT", "alle")) == 5 * 2 + 4


def test_report_section_is_validated() -> None:
    from ivp_pipeline.problems import IvpError
    from ivp_pipeline.reports import report_config

    assert report_config({}).charts == "alle"
    assert report_config({"report": {"charts": "regio"}}).charts == "regio"
    with pytest.raises(IvpError) as err:
        report_config({"report": {"charts": "geen"}})
    assert err.value.problems[0].code == "bad-config"
    assert err.value.problems[0].column == "report.charts"


def test_text_renderer_puts_text_where_matplotlib_does() -> None:
    """figures.TextRenderer draws each text as one FreeType bitmap: the ink lands where matplotlib's
    own Agg renderer puts it, for a title, a rotated axis label and tick labels."""
    from io import BytesIO

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.image import imread

    def ink(canvas_class: type) -> tuple[np.ndarray, tuple[int, int, int, int]]:
        with figures.style():
            fig, axes = figures.new_figure(8, 6)
            canvas_class(fig)
            axes[0, 0].set_title("Woninginbraak – Oldenzaal", loc="left")
            axes[0, 0].set_ylabel("Aantal per 12 maanden")
            axes[0, 0].set_xlim(0, 100)
            buffer = BytesIO()
            fig.savefig(buffer, format="png", dpi=figures.PNG_DPI)
        dark = imread(BytesIO(buffer.getvalue()))[:, :, :3].mean(axis=2) < 0.5
        rows, cols = np.nonzero(dark)
        return dark, (rows.min(), rows.max(), cols.min(), cols.max())

    ours, ours_box = ink(figures.Canvas)
    stock, stock_box = ink(FigureCanvasAgg)
    assert np.abs(np.subtract(ours_box, stock_box)).max() <= 2
    assert abs(int(ours.sum()) - int(stock.sum())) < 0.05 * stock.sum()  # the same amount of ink
