"""Range explorer (lesson 03): move a launcher, change its range, see what falls inside the ring.

The logic is plain functions on plain values: `check_launcher` says in words what is wrong with
a position or range, `places_in_range` measures the distance from the launcher to every strait
and place of data/geo/places.geojson and sorts them into inside (distance <= range) and outside.
`range_explorer()` is the thin ipywidgets view over them.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from numbers import Real

import ipywidgets as widgets

from .. import maps
from ..charts.security import MAP_EXTENT, STRAIT_KINDS, Place, launcher_map, load_places
from ..charts.security import system_ranges as _system_ranges
from ..data import load
from ..figures import show, show_in

WEST, SOUTH, EAST, NORTH = MAP_EXTENT
MAX_RANGE_KM = 1000.0
SLIDER_RANGE_KM = (10, 500)
ISLAND_ORDER = ("etorofu", "kunashiri", "shikotan", "habomai")


@dataclass(frozen=True)
class Reach:
    """What a launcher reaches: ok, a sentence in words, and (label, km) inside and outside."""

    ok: bool
    message: str
    inside: tuple[tuple[str, float], ...] = ()
    outside: tuple[tuple[str, float], ...] = ()

    @property
    def inside_labels(self) -> list[str]:
        return [label for label, _ in self.inside]


def _number(value) -> float | None:
    """Return value as a finite float, or None when it is not a usable number."""
    if isinstance(value, bool) or not isinstance(value, Real):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def check_launcher(lon, lat, range_km) -> str | None:
    """Return what is wrong with a launcher position and range, in words; None when all is well."""
    names = {"longitude": lon, "latitude": lat, "range": range_km}
    for name, value in names.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            return f"Please give a {name}: it is empty."
        if _number(value) is None:
            return f"The {name} must be a number, not {str(value)[:40]!r}."
    lon, lat, range_km = float(lon), float(lat), float(range_km)
    if not WEST <= lon <= EAST:
        return f"The longitude {lon:g}°E is off the map: choose a value from {WEST:g} to {EAST:g}°E."
    if not SOUTH <= lat <= NORTH:
        return f"The latitude {lat:g}°N is off the map: choose a value from {SOUTH:g} to {NORTH:g}°N."
    if range_km <= 0:
        return f"The range must be more than 0 km; {range_km:g} km reaches nothing."
    if range_km > MAX_RANGE_KM:
        return f"{range_km:g} km is beyond what this map can show: choose at most {MAX_RANGE_KM:g} km."
    return None


def places_in_range(lon, lat, range_km, targets: list[Place] | None = None) -> Reach:
    """Return which straits and places lie within range_km of the launcher at (lon, lat).

    A target is inside when its great-circle distance from the launcher is at most the range.
    Bad input gives a Reach with ok False and a message in words, never an exception.
    """
    problem = check_launcher(lon, lat, range_km)
    if problem:
        return Reach(False, problem)
    targets = load_places(STRAIT_KINDS) if targets is None else targets
    measured = sorted(
        ((t.label, maps.distance_km(float(lon), float(lat), t.lon, t.lat)) for t in targets),
        key=lambda pair: pair[1],
    )
    inside = tuple(p for p in measured if p[1] <= float(range_km))
    outside = tuple(p for p in measured if p[1] > float(range_km))
    message = (
        f"A launcher at {float(lat):.2f}°N {float(lon):.2f}°E with a range of "
        f"{float(range_km):g} km reaches {len(inside)} of the {len(measured)} straits and places."
    )
    return Reach(True, message, inside, outside)


def reach_html(reach: Reach) -> str:
    """Return the result in words for the page: a status message, then inside and outside."""
    if not reach.ok:
        return (
            f'<div role="status" class="fi-explorer-message"><strong>Please check:</strong> '
            f"{html.escape(reach.message)}</div>"
        )

    def listing(pairs) -> str:
        if not pairs:
            return "<em>none</em>"
        return ", ".join(f"{html.escape(label)} ({km:.0f} km)" for label, km in pairs)

    return (
        f'<div role="status" class="fi-explorer-message"><p>{html.escape(reach.message)}</p>'
        f"<p><strong>Inside the ring:</strong> {listing(reach.inside)}</p>"
        f"<p><strong>Outside the ring:</strong> {listing(reach.outside)}</p></div>"
    )


def candidate_sites() -> dict[str, tuple[float, float]]:
    """Return {button label: (lon, lat)}: the two reported sites, then the other islands' centres.

    The Bal and Bastion sites are the schematic points of places.geojson; Shikotan and Habomai
    get the centre of their land on the course map (nothing is reported there).
    """
    names = load("islands").set_index("id")
    reported = {p.island_id: p for p in load_places(("launcher",))}
    centres = maps.island_positions()
    sites: dict[str, tuple[float, float]] = {}
    for island in ISLAND_ORDER:
        row = names.loc[island]
        name = (
            row["name_ja"] if row["name_ja"] == row["name_ru"] else (f"{row['name_ja']} / {row['name_ru']}")
        )
        if island in reported:
            place = reported[island]
            sites[f"{name} ({place.system} reported)"] = (place.lon, place.lat)
        else:
            lon, lat = centres[island]
            sites[f"{name} (centre)"] = (round(lon, 2), round(lat, 2))
    return sites


class RangeExplorer(widgets.VBox):
    """The range explorer widget: site buttons, position and range sliders, words and a map."""

    def __init__(self, lon=None, lat=None, range_km=None) -> None:
        self.sites = candidate_sites()
        self.presets = {f"{system} {km:g} km": km for system, km in _system_ranges(load("military")).items()}
        first_site = next(iter(self.sites))
        start_lon, start_lat = self.sites[first_site]
        start_range = max(self.presets.values(), default=300.0)
        notice = check_launcher(
            start_lon if lon is None else lon,
            start_lat if lat is None else lat,
            start_range if range_km is None else range_km,
        )
        if notice is None:
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
        self.site = widgets.ToggleButtons(
            options=list(self.sites),
            value=first_site,
            description="Site:",
            style={"button_width": "auto"},
            tooltips=["Put the launcher here"] * len(self.sites),
        )
        self.lon = widgets.FloatSlider(
            value=start_lon,
            min=WEST,
            max=EAST,
            step=0.05,
            description="Longitude °E",
            continuous_update=False,
            readout_format=".2f",
            style={"description_width": "initial"},
        )
        self.lat = widgets.FloatSlider(
            value=start_lat,
            min=SOUTH,
            max=NORTH,
            step=0.05,
            description="Latitude °N",
            continuous_update=False,
            readout_format=".2f",
            style={"description_width": "initial"},
        )
        self.preset = widgets.ToggleButtons(
            options=list(self.presets),
            value=None,
            description="Range of:",
            style={"button_width": "auto"},
            tooltips=["Use the range the reading gives"] * len(self.presets),
        )
        self.range_km = widgets.IntSlider(
            value=int(min(max(round(start_range), SLIDER_RANGE_KM[0]), SLIDER_RANGE_KM[1])),
            min=SLIDER_RANGE_KM[0],
            max=SLIDER_RANGE_KM[1],
            step=10,
            description="Range (km)",
            continuous_update=False,
            style={"description_width": "initial"},
        )
        self.summary = widgets.HTML()
        self.output = widgets.Output()
        self.output.add_class("fi-explorer-output")
        self.notice = widgets.HTML("" if notice is None else reach_html(Reach(False, notice)))
        self.renders = 0
        self.last_reach: Reach | None = None
        self._syncing = False
        self._match_buttons()
        super().__init__(
            [
                widgets.HTML(
                    "<strong>Move the launcher and change its range.</strong> Positions "
                    "are schematic: the sources name the islands, not the sites."
                ),
                self.site,
                self.lon,
                self.lat,
                self.preset,
                self.range_km,
                self.notice,
                self.summary,
                self.output,
            ]
        )
        self.add_class("fi-explorer")
        self.site.observe(self._on_site, names="value")
        self.preset.observe(self._on_preset, names="value")
        for control in (self.lon, self.lat, self.range_km):
            control.observe(self._on_change, names="value")
        self.redraw()

    def _match_buttons(self) -> None:
        """Light the site and range buttons that match the sliders, and no others."""
        here = (round(self.lon.value, 2), round(self.lat.value, 2))
        site = next((k for k, v in self.sites.items() if (round(v[0], 2), round(v[1], 2)) == here), None)
        preset = next((k for k, v in self.presets.items() if v == self.range_km.value), None)
        self._syncing = True
        try:
            self.site.value = site
            self.preset.value = preset
        finally:
            self._syncing = False

    def _on_site(self, change) -> None:
        if self._syncing or change["new"] is None:
            return
        lon, lat = self.sites[change["new"]]
        self._syncing = True
        try:
            self.lon.value, self.lat.value = lon, lat
        finally:
            self._syncing = False
        self.redraw()

    def _on_preset(self, change) -> None:
        if self._syncing or change["new"] is None:
            return
        self._syncing = True
        try:
            self.range_km.value = int(self.presets[change["new"]])
        finally:
            self._syncing = False
        self.redraw()

    def _on_change(self, _change) -> None:
        if self._syncing:
            return
        self._match_buttons()
        self.redraw()

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs) or {}
        # Without a kernel (a page exported to HTML) the widget cannot draw: say what it shows.
        words = self.last_reach.message if self.last_reach else ""
        bundle["text/plain"] = (
            f"Range explorer (open this notebook in JupyterLab with a running kernel to use it). {words}"
        ).strip()
        return bundle

    def redraw(self) -> None:
        """Measure, write the result in words and draw the map again."""
        reach = places_in_range(self.lon.value, self.lat.value, self.range_km.value)
        self.last_reach = reach
        self.summary.value = reach_html(reach)
        if not reach.ok:
            self.output.outputs = ()
            return
        label = self.site.value or "Your launcher"
        ax = launcher_map(self.lon.value, self.lat.value, self.range_km.value, label=label)
        show_in(self.output, show(ax))
        self.renders += 1


def range_explorer(lon=None, lat=None, range_km=None) -> RangeExplorer:
    """Return the range explorer, starting at the Bastion site with its range unless told."""
    return RangeExplorer(lon=lon, lat=lat, range_km=range_km)
