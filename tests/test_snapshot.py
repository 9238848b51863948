"""Answer snapshots keep the type a student made, and a forged snapshot is refused, never obeyed."""

from __future__ import annotations

import datetime
import json

import hypothesis.strategies as st
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis.extra import numpy as hnp
from hypothesis.extra import pandas as hpd

from fourislands.fingerprint import Blank, ChartRecord, ____
from fourislands.grading.snapshot import (
    MAX_ITEMS,
    SnapshotError,
    TooLarge,
    Unsupported,
    encoded_snapshot,
    restore,
    snapshot,
)

TEXT = st.text(max_size=8)
LABELS = st.one_of(st.integers(-5, 5), TEXT, st.none())


def carried(value):
    """Return value after the trip a grader answer makes: snapshot, JSON text, parse, restore."""
    return restore(json.loads(encoded_snapshot(value)))


def _columns():
    return [
        hpd.column("int", dtype=np.int64),
        hpd.column(1991, dtype=np.float64, elements=st.floats(allow_nan=True, allow_infinity=True)),
        hpd.column("flag", dtype=bool),
        hpd.column("text", elements=TEXT),
        hpd.column(("a", 2), dtype=np.uint8),
        hpd.column("small", dtype=np.float32, elements=st.floats(width=32)),
    ]


@settings(max_examples=60)
@given(
    hpd.data_frames(
        columns=_columns(),
        index=st.one_of(
            hpd.range_indexes(max_size=6),
            hpd.indexes(dtype=np.int64, max_size=6),
            hpd.indexes(elements=TEXT, max_size=6),
        ),
    )
)
def test_a_data_frame_keeps_its_dtypes_index_and_label_types(frame):
    pd.testing.assert_frame_equal(
        carried(frame), frame, check_exact=True, check_index_type=True, check_column_type=True
    )


@settings(max_examples=60)
@given(
    hpd.series(
        elements=st.one_of(
            st.integers(-(2**40), 2**40), st.floats(allow_nan=False), TEXT, st.none(), st.booleans()
        ),
        dtype=object,
        index=hpd.indexes(elements=LABELS.filter(lambda x: x is not None), max_size=6),
    ),
    LABELS,
)
def test_a_series_of_mixed_objects_keeps_its_name_index_and_values(series, name):
    series.name = name
    pd.testing.assert_series_equal(carried(series), series, check_exact=True, check_index_type=True)


@settings(max_examples=60)
@given(
    hnp.arrays(
        dtype=st.sampled_from([np.int8, np.int64, np.uint32, np.float64, np.float16, np.bool_, "<U4"]),
        shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=4),
    )
)
def test_an_ndarray_keeps_its_dtype_and_shape(array):
    back = carried(array)
    assert isinstance(back, np.ndarray) and back.dtype == array.dtype and back.shape == array.shape
    assert np.array_equal(back, array, equal_nan=array.dtype.kind == "f")


@pytest.mark.parametrize(
    "value",
    [
        pd.Series([1, None, 3], dtype="Int64", name="nullable"),
        pd.Series(pd.Categorical(["b", "a", "b"], categories=["b", "a"], ordered=True)),
        pd.Series(pd.to_datetime(["2022-02-24", None])),
        pd.Series(pd.to_datetime(["2022-02-24 09:00"]).tz_localize("Asia/Tokyo")),
        pd.Series(["a", None], dtype="string"),
        pd.DataFrame(
            {"v": [1.5, 2.5]}, index=pd.MultiIndex.from_tuples([("a", 1), ("b", 2)], names=["k", "n"])
        ),
        pd.DataFrame([[1, 2]], columns=["same", "same"]),
        pd.DataFrame(index=pd.RangeIndex(3)),
    ],
)
def test_pandas_types_beyond_numpy_keep_theirs(value):
    back = carried(value)
    assert type(back) is type(value)
    if isinstance(value, pd.DataFrame):
        pd.testing.assert_frame_equal(back, value, check_exact=True, check_column_type=True)
    else:
        pd.testing.assert_series_equal(back, value, check_exact=True)


@pytest.mark.parametrize(
    "value",
    [
        (1, 2.5, "x"),
        [1, [2, (3, None)]],
        {"a": 1, 2: [3]},
        {1, 2},
        frozenset({"x"}),
        np.int64(5),
        np.float32(2.5),
        np.bool_(True),
        True,
        7,
        2**70,
        -0.0,
        float("inf"),
        "Etorofu / Iturup",
        None,
        1 + 2j,
        datetime.date(2022, 2, 24),
        pd.Timestamp("2022-02-24", tz="UTC"),
        pd.Timedelta("1D"),
    ],
)
def test_scalars_and_containers_keep_their_exact_type(value):
    back = carried(value)
    assert type(back) is type(value) and back == value
    if isinstance(value, (list, tuple)):
        assert [type(v) for v in back] == [type(v) for v in value]


def test_a_nan_a_blank_and_a_chart_are_carried():
    assert np.isnan(carried(float("nan")))
    assert isinstance(carried(____), Blank)
    record = ChartRecord(
        {
            "title": "t",
            "xlabel": "",
            "ylabel": "y",
            "bars": 2,
            "lines": 0,
            "heights": [1.0, 2.0],
            "heights_left_to_right": [2.0, 1.0],
            "widths": [0.4, 0.4],
        }
    )
    assert carried(record).summary == record.summary


def test_what_cannot_be_carried_is_named_not_run():
    back = carried(len)
    assert isinstance(back, Unsupported) and back.name == "builtin_function_or_method"


def test_lying_subclasses_arrive_as_their_plain_values():
    class Liar(int):
        def __eq__(self, other):
            return True

        __hash__ = int.__hash__

    class Frame(pd.DataFrame):
        def equals(self, other):
            return True

    assert type(carried(Liar(3))) is int and carried(Liar(3)) != 4
    assert type(carried(Frame({"a": [1]}))) is pd.DataFrame


def test_giant_answers_are_refused_before_they_are_sent():
    with pytest.raises(TooLarge):
        snapshot(pd.DataFrame({"a": range(MAX_ITEMS + 1)}))
    with pytest.raises(TooLarge):
        snapshot(list(range(MAX_ITEMS + 1)))
    with pytest.raises(TooLarge):
        nested: list = []
        for _ in range(100):
            nested = [nested]
        snapshot(nested)


FORGED = [
    {"t": "pickle", "v": "gASV"},
    {"t": "np", "dtype": "O", "v": 1},
    {"t": "ndarray", "shape": [2, 2], "values": {"dtype": "int64", "values": [1, 2, 3]}},
    {"t": "ndarray", "shape": [1], "values": {"dtype": "object; import os", "values": [1]}},
    {
        "t": "series",
        "name": {"t": "none"},
        "index": {"t": "range", "start": 0, "stop": 10**12, "step": 1},
        "values": {"dtype": "int64", "values": []},
    },
    {
        "t": "series",
        "name": {"t": "none"},
        "index": {"t": "range", "start": 0, "stop": 2, "step": 1},
        "values": {"dtype": "int64", "values": [1, "2"]},
    },
    {
        "t": "frame",
        "index": {"t": "range", "start": 0, "stop": 1, "step": 1},
        "columns": {"t": "index", "name": {"t": "none"}, "values": {"dtype": "int64", "values": [1, 2]}},
        "data": [{"dtype": "int64", "values": [1]}],
    },
    {
        "t": "series",
        "name": {"t": "none"},
        "index": {"t": "range", "start": 0, "stop": 1, "step": 1},
        "values": {
            "dtype": "category",
            "ordered": False,
            "codes": [5],
            "categories": {"dtype": "str", "storage": "python", "values": ["a"]},
        },
    },
    {"t": "int", "v": True},
    {"t": "float", "v": "1e999"},
    {"t": "chart", "summary": {"title": 3}},
    {"t": "dict", "items": [[{"t": "list", "items": []}, {"t": "none"}]]},
    {"t": "timestamp", "unit": "fortnight", "v": 1, "tz": None},
    {"t": "list"},
    ["not", "an", "object"],
]


@pytest.mark.parametrize("data", FORGED, ids=range(len(FORGED)))
def test_a_forged_snapshot_is_refused_with_snapshot_error(data):
    with pytest.raises(SnapshotError):
        restore(data)


def test_deeply_nested_json_is_refused():
    data: dict = {"t": "none"}
    for _ in range(200):
        data = {"t": "list", "items": [data]}
    with pytest.raises(SnapshotError):
        restore(data)
