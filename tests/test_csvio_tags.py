"""Tags in perfdash's own CSV on SQLite and PostgreSQL: the export's ``tags`` column carries
each release's tags (";"-separated), an import of it gives them back (round trip), cells are
normalised and judged by ``ingest.tags``, and a bad tag is a problem on its line with nothing
imported: no reading, no tag."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from bad_inputs import HTML, RTL

from perfdash import csvio, store
from perfdash.ingest.tags import MAX_TAGS, tag_release

HEADER = "release_key,platform,metric_type,metric_value,recorded_at,tags\n"


def _catalog(engine) -> dict[str, int]:
    ids = {
        "rel-a": store.create_release(engine, "rel-a", title="Neon Tides", artist_name="Nova"),
        "rel-b": store.create_release(engine, "rel-b", title="Glass Horizon"),
        "rel-c": store.create_release(engine, "rel-c", title="Low Orbit"),
    }
    tag_release(engine, ids["rel-a"], ["lofi", "Summer Campaign"])
    tag_release(engine, ids["rel-b"], ["lofi"])
    rows = [
        (ids[k], "YouTube", "views", v, datetime(2026, 3, d, tzinfo=UTC))
        for k, v, d in (("rel-a", 100, 1), ("rel-a", 150, 2), ("rel-b", 7, 1), ("rel-c", 9, 1))
    ]
    store.insert_metrics(
        engine,
        [
            dict(release_id=r, platform=p, metric_type=m, metric_value=v, recorded_at=t)
            for r, p, m, v, t in rows
        ],
    )
    return ids


def _export(engine) -> str:
    out = io.StringIO()
    csvio.export_csv(engine, out)
    return out.getvalue()


def _tags(engine) -> dict[str, list[str]]:
    return store.tags_by_release_key(engine)


def test_the_export_carries_tags_and_imports_them_back(engine):
    ids = _catalog(engine)
    text = _export(engine)
    lines = text.splitlines()
    assert "tags" in lines[0].split(",")
    column = lines[0].split(",").index("tags")
    assert [line.split(",")[column] for line in lines[1:]] == [
        "lofi;summer-campaign",
        "lofi;summer-campaign",
        "lofi",
        "",
    ]
    before = _tags(engine)
    for release in ids.values():
        store.delete_release(engine, release)
    assert _tags(engine) == {}
    report = csvio.import_csv(engine, text.encode(), create_missing=True)
    assert report.ok and report.written == 4, report.fatal or report.problems
    assert _tags(engine) == before == {"rel-a": ["lofi", "summer-campaign"], "rel-b": ["lofi"]}
    assert _export(engine) == text  # the same file again, tags included


def test_a_cell_is_normalised_and_added_to_the_releases_tags(engine):
    ids = _catalog(engine)
    text = HEADER + (
        "rel-c,YouTube,views,10,2026-03-05T00:00:00Z,Summer Campaign; Lo-Fi \n"
        "rel-c,YouTube,views,11,2026-03-06T00:00:00Z,\n"
        'rel-b,YouTube,views,12,2026-03-06T00:00:00Z,"mood_chill,lofi"\n'
    )
    report = csvio.import_csv(engine, text.encode())
    assert report.ok and report.written == 3
    assert _tags(engine) == {
        "rel-a": ["lofi", "summer-campaign"],
        "rel-b": ["lofi", "mood-chill"],  # added to what it had
        "rel-c": ["lo-fi", "summer-campaign"],
    }
    assert ids  # the releases were there before


@pytest.mark.parametrize(
    ("cell", "words"),
    [
        ("lofi;no good!", "Tag 'no good!' may hold letters, digits and inner hyphens only"),
        ("x" * 60, "is too long (60 characters; the limit is 50)"),
        ("<b>lofi</b>", "may hold letters, digits and inner hyphens only, not '<'"),
        (HTML, "is too long"),
        (RTL, "invisible characters"),
        ("lofi;tab\there", "control characters"),
        (";".join(f"t{n}" for n in range(MAX_TAGS + 1)), "Too many tags"),
    ],
)
def test_a_bad_tag_is_named_on_its_line_and_nothing_is_imported(engine, cell, words):
    _catalog(engine)
    before, readings = _tags(engine), store.count_metrics(engine)
    quoted = '"' + cell.replace('"', '""') + '"'
    text = HEADER + (
        "rel-c,YouTube,views,10,2026-03-05T00:00:00Z,fine-tag\n"
        f"rel-c,YouTube,views,11,2026-03-06T00:00:00Z,{quoted}\n"
    )
    report = csvio.import_csv(engine, text.encode())
    assert not report.ok and not report.committed
    [problem] = report.problems
    assert (problem.line, problem.column) == (3, "tags")
    assert words in problem.message
    assert _tags(engine) == before and store.count_metrics(engine) == readings


def test_too_many_tags_with_those_a_release_has_undo_the_file(engine):
    ids = _catalog(engine)
    tag_release(engine, ids["rel-c"], [f"old{n}" for n in range(MAX_TAGS - 1)])
    before, readings = _tags(engine), store.count_metrics(engine)
    text = HEADER + "rel-c,YouTube,views,10,2026-03-05T00:00:00Z,new-one;new-two\n"
    report = csvio.import_csv(engine, text.encode())
    assert not report.committed
    assert "line 2, tags: Too many tags" in report.fatal
    assert _tags(engine) == before and store.count_metrics(engine) == readings


def test_a_dry_run_checks_tags_and_writes_none(engine):
    _catalog(engine)
    before = _tags(engine)
    text = HEADER + "rel-c,YouTube,views,10,2026-03-05T00:00:00Z,campaign-x\n"
    report = csvio.import_csv(engine, text.encode(), dry_run=True)
    assert report.ok and not report.committed
    assert _tags(engine) == before
