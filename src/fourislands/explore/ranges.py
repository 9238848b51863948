"""Range explorer (lesson 03): move a launcher, change its range, see what falls inside the ring.

The logic is in model/security.py: `check_launcher` says in words what is wrong with a position
or range, `places_in_range` measures the distance from the launcher to every strait and place of
data/geo/places.geojson and sorts them into inside (distance <= range) and outside. This module
words a reach for the page (`reach_html`, `about_html`) and `range_explorer()` is the thin
ipywidgets view over them, drawing with charts/security.py.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import pandas as pd

from ..charts.security import EXPLORER_RING_MAP, launcher_map
from ..data import load
from ..model.security import (
    EAST,
    NORTH,
    SOUTH,
    STRAIT_KINDS,
    WEST,
    Reach,
    candidate_sites,
    check_launcher,
    load_places,
    places_in_range,
    system_ranges,
)
from .explorer import Explorer, View, starting_notice

SLIDER_RANGE_KM = (10, 500)


def reach_html(reach: Reach) -> str:
    """Return the result in words for the page: the sentence, then what is inside and outside.

    A reach with a problem gives its sentence only: the explorer shows it as a problem to fix.
    """
    words = f"<p>{html.escape(reach.message)}</p>"
    if not reach.ok:
        return words

    def listing(pairs) -> str:
        if not pairs:
            return "<em>none</em>"
        return ", ".join(f"{html.escape(label)} ({km:.0f} km)" for label, km in pairs)

    return (
        f'<div role="status">{words}'
        f"<p><strong>Inside the ring:</strong> {listing(reach.inside)}</p>"
        f"<p><strong>Outside the ring:</strong> {listing(reach.outside)}</p></div>"
    )


def about_html(military: pd.DataFrame, sites: dict[str, tuple[float, float]]) -> str:
    """Return where the ranges and the sites come from, as HTML: a note to open when asked."""
    rows = military[military["range_km"].notna()]
    ranges_text = "".join(
        f"<tr><td>{html.escape(system)}</td><td>{km:g} km</td><td><code>{html.escape(row)}</code></td>"
        f"<td><code>{html.escape(source)}</code></td></tr>"
        for system, km, row, source in zip(
            rows["system_or_event"], rows["range_km"], rows["id"], rows["source_id"], strict=True
        )
    )
    sites_text = "".join(
        f"<tr><td>{html.escape(label)}</td><td>{lat:.2f}°N {lon:.2f}°E</td></tr>"
        for label, (lon, lat) in sites.items()
    )
    return (
        "<p>The range buttons give the ranges of the <code>military</code> table:</p>"
        "<table><tr><th>system</th><th>range</th><th>row</th><th>source</th></tr>"
        f"{ranges_text}</table>"
        "<p>The site buttons put the launcher at these points. The reported sites are schematic: "
        "the sources name the islands, not the sites, so each is drawn near the middle of its "
        "island. Nothing is reported on Shikotan or the Habomai islets: their buttons use the "
        "centre of their land on the course map.</p>"
        f"<table><tr><th>site</th><th>position</th></tr>{sites_text}</table>"
        "<p>A place is inside the ring when its great-circle distance from the launcher is at "
        "most the range.</p>"
    )


class RangeExplorer(Explorer):
    """The range explorer: site and range buttons, position and range sliders, a map and words."""

    title = "Range explorer: what a launcher on the islands can reach"

    def __init__(self, lon=None, lat=None, range_km=None, projector: bool = False) -> None:
        military = load("military")
        self.sites = candidate_sites()
        self.presets = {f"{system} {km:g} km": km for system, km in system_ranges(military).items()}
        self.targets = load_places(STRAIT_KINDS)  # read once: a redraw only measures
        first_site = next(iter(self.sites))
        start_lon, start_lat = self.sites[first_site]
        start_range = max(self.presets.values(), default=300.0)
        notice = check_launcher(
            start_lon if lon is None else lon,
            start_lat if lat is None else lat,
            start_range if range_km is None else range_km,
        )
        if notice is not None:
            notice += f" The explorer starts at {first_site} with a range of {start_range:g} km instead."
        else:
            start_lon = start_lon if lon is None else float(lon)
            start_lat = start_lat if lat is None else float(lat)
            start_range = start_range if range_km is None else float(range_km)
            low, high = SLIDER_RANGE_KM
            if not low <= start_range <= high:
                clamped = min(max(start_range, low), high)
                notice = (
                    f"The range slider runs from {low} to {high} km, so {start_range:g} km "
                    f"is shown as {clamped:g} km."
                )
                start_range = clamped
        buttons = {"button_width": "auto", "description_width": "initial"}
        slider = {
            "continuous_update": False,
            "style": {"description_width": "initial"},
            "layout": widgets.Layout(width="100%"),
        }
        self.site = widgets.ToggleButtons(
            options=list(self.sites),
            value=first_site,
            description="Site:",
            style=buttons,
            tooltips=["Put the launcher here"] * len(self.sites),
            layout=widgets.Layout(width="100%"),
        )
        self.lon = widgets.FloatSlider(
            value=start_lon,
            min=WEST,
            max=EAST,
            step=0.05,
            description="Longitude °E",
            readout_format=".2f",
            **slider,
        )
        self.lat = widgets.FloatSlider(
            value=start_lat,
            min=SOUTH,
            max=NORTH,
            step=0.05,
            description="Latitude °N",
            readout_format=".2f",
            **slider,
        )
        self.preset = widgets.ToggleButtons(
            options=list(self.presets),
            value=None,
            description="Range of:",
            style=buttons,
            tooltips=["Use the range the reading gives"] * len(self.presets),
            layout=widgets.Layout(width="100%"),
        )
        self.range_km = widgets.IntSlider(
            value=int(min(max(round(start_range), SLIDER_RANGE_KM[0]), SLIDER_RANGE_KM[1])),
            min=SLIDER_RANGE_KM[0],
            max=SLIDER_RANGE_KM[1],
            step=10,
            description="Range (km)",
            **slider,
        )
        # A starting value that could not be used: said once, above the controls it concerns.
        self.notice = starting_notice(notice)
        intro = widgets.HTML(
            "<strong>Move the launcher and change its range.</strong> Positions are schematic: "
            "the sources name the islands, not the sites."
        )
        about = widgets.HTML(about_html(military, self.sites))
        super().__init__(
            [intro, self.notice, self.site, self.lon, self.lat, self.preset, self.range_km],
            notes={"Where the ranges and the sites come from": about},
            projector=projector,
        )
        self.last_reach: Reach | None = None
        self.site.observe(self._on_site, names="value")
        self.preset.observe(self._on_preset, names="value")
        self.watch(self.lon, self.lat, self.range_km)
        self.refresh()

    def _on_site(self, change) -> None:
        """Move the launcher to the site pressed: both sliders at once, one redraw."""
        if change["new"] is not None:
            with self.holding():
                self.lon.value, self.lat.value = self.sites[change["new"]]

    def _on_preset(self, change) -> None:
        """Give the launcher the range pressed."""
        if change["new"] is not None:
            with self.holding():
                self.range_km.value = int(self.presets[change["new"]])

    def _match_buttons(self) -> None:
        """Light the site and range buttons that match the sliders, and no others.

        Lighting a button moves no slider (the sliders already stand where it would put them),
        so it draws nothing more.
        """
        here = (round(self.lon.value, 2), round(self.lat.value, 2))
        site = next((k for k, v in self.sites.items() if (round(v[0], 2), round(v[1], 2)) == here), None)
        preset = next((k for k, v in self.presets.items() if v == self.range_km.value), None)
        self.site.value, self.preset.value = site, preset

    def view(self) -> View:
        """Measure, write the result in words and draw the map of the launcher and its ring."""
        self._match_buttons()
        lon, lat, range_km = self.lon.value, self.lat.value, self.range_km.value
        reach = places_in_range(lon, lat, range_km, self.targets)
        self.last_reach = reach
        if not reach.ok:
            return View(problem=reach.message)
        label = self.site.value or "Your launcher"
        ax = launcher_map(
            lon,
            lat,
            range_km,
            label=label,
            ax=self.kept_axes(EXPLORER_RING_MAP.size),
            layout=EXPLORER_RING_MAP,
        )
        return View(summary=reach_html(reach), figures=(self.show(ax),))


def range_explorer(lon=None, lat=None, range_km=None, projector: bool = False) -> RangeExplorer:
    """Return the range explorer, starting at the Bastion site with its range unless told."""
    return RangeExplorer(lon=lon, lat=lat, range_km=range_km, projector=projector)
