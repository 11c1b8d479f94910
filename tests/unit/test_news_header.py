"""The text header of a run says up to when its news goes (a file's ``observations:``).

A file updated on the news keeps its priors' ``as_of``; its forecast is as of its
latest observation. The header gives both, the latter read from the file itself here
(the YAML's dates), so the test does not share the code that prints it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from ruamel.yaml import YAML

import pactsim
from pactsim.views.text import format_results

ROOT = Path(__file__).resolve().parents[2]
NEWS = ROOT / "scenarios" / "variants" / "iran-russia-2024-news.yaml"
FLAGSHIP = ROOT / "scenarios" / "iran-russia-2024.yaml"


def _latest_observation(path: Path) -> dt.date:
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    return max(o["date"] for o in data["observations"])


def _second_line(res: object) -> str:
    return format_results(res).splitlines()[1]


def test_a_file_with_news_says_up_to_when() -> None:
    sc = pactsim.load(NEWS)
    latest = _latest_observation(NEWS)
    assert latest > sc.as_of
    line = _second_line(pactsim.simulate(sc, n=20_000, seed=1))
    # the README: "The file's forecast is as of its latest observation"
    assert line.startswith(f"  as of {latest.isoformat()} (the priors of {sc.as_of} and the "
                           "news to then), horizon ")


def test_the_priors_alone_and_evidence_without_a_date_say_nothing_of_news() -> None:
    sc = pactsim.load(NEWS)
    priors = _second_line(pactsim.simulate(sc, n=20_000, seed=1, observations=False))
    assert priors.startswith(f"  as of {sc.as_of}, horizon ")
    flagship = pactsim.load(FLAGSHIP)
    given = _second_line(pactsim.simulate(flagship, n=20_000, seed=1, evidence="us_trump_win"))
    assert given.startswith(f"  as of {flagship.as_of}, horizon ")


def test_the_notebook_display_says_it_too() -> None:
    from pactsim.views.display import results_html

    sc = pactsim.load(NEWS)
    latest = _latest_observation(NEWS).isoformat()
    with_news = (f"as of {latest} (the priors of {sc.as_of} and the news to then) · horizon "
                 f"{sc.horizon}")
    assert with_news in results_html(pactsim.exact(sc))
    assert with_news in results_html(pactsim.simulate(sc, n=20_000, seed=1))
    priors = results_html(pactsim.exact(sc, observations=False))
    assert f"as of {sc.as_of} · horizon {sc.horizon}" in priors and "the priors of" not in priors


def test_the_report_lead_says_it_too() -> None:
    from pactsim.views.report import report_html

    sc = pactsim.load(NEWS)
    latest = _latest_observation(NEWS).isoformat()
    page = report_html(pactsim.exact(sc), sensitivity=None)
    assert (f"Forecast as of {latest} (the priors of {sc.as_of} and the news to then), "
            f"horizon {sc.horizon}.") in page
    priors = report_html(pactsim.exact(sc, observations=False), sensitivity=None)
    assert f"Forecast as of {sc.as_of}, horizon {sc.horizon}." in priors


def test_the_json_says_it_too() -> None:
    import json

    import jsonschema

    from pactsim.views.export import results_to_json
    from pactsim.views.forecast_schema import forecast_schema

    sc = pactsim.load(NEWS)
    latest = _latest_observation(NEWS).isoformat()
    data = json.loads(results_to_json(pactsim.simulate(sc, n=20_000, seed=1)))
    assert (data["run"]["as_of"], data["run"]["news_to"]) == (str(sc.as_of), latest)
    jsonschema.validate(data, forecast_schema())
    # the priors alone, and evidence given without a date: no news date
    priors = json.loads(results_to_json(pactsim.simulate(sc, n=20_000, seed=1,
                                                         observations=False)))
    assert priors["run"]["news_to"] is None
    jsonschema.validate(priors, forecast_schema())
    flagship = pactsim.load(FLAGSHIP)
    given = json.loads(results_to_json(pactsim.simulate(flagship, n=20_000, seed=1,
                                                        evidence="us_trump_win")))
    assert given["run"]["news_to"] is None


def test_a_forecast_written_before_news_to_still_validates() -> None:
    """news_to is an addition to export format 3: a document without it is valid."""
    import json

    import jsonschema

    from pactsim.views.export import results_to_json
    from pactsim.views.forecast_schema import forecast_schema

    data = json.loads(results_to_json(pactsim.simulate(pactsim.load(FLAGSHIP), n=2_000,
                                                       seed=1)))
    del data["run"]["news_to"]
    jsonschema.validate(data, forecast_schema())
    data["run"]["news_to"] = "13 January 2025"  # but a wrong one is not
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, forecast_schema())
