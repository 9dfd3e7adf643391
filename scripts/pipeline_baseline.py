#!/usr/bin/env python3
"""Baseline for `roomwork-bench pipeline`: the same risk signals and weekly-report figures as
roomwork computes, in DuckDB SQL over the same data (CSV files the bench writes).

Loading the CSV files into DuckDB tables is timed apart; the compute time is the best of
--runs executions of every query. Prints one JSON object: {"version", "load_seconds",
"compute_seconds", "counts": {name: n}}.

The rules, as roomwork's pipeline crate states them (defaults of signals.toml), for open deals
on day T (days are integers, days since 1970):
  no_activity        last customer touch (not a note) on or before T more than 10 days ago;
                     no touch at all and the deal older than 10 days
  closing_without_meeting  close date within 0..14 days and no call, visit or meeting booked
                     after T and on or before the close date
  stalled            T - start of the final run of the current stage > the stage's expected
                     days (14 when it has none)
  close_date_pushed  2 or more close-date changes to a later date, made on or before T
  amount_reduced     a cut of at least 10% made within the last 30 days
  single_threaded    deal at least 21 days old, at most one customer person touched
  next_step_missing  no next step, or its date before T
  stage_backwards    a move to an earlier stage within the last 30 days
  ghosted            2+ outbound touches on days after the last inbound one (or since
                     creation), the latest within 14 days, and no inbound for over 14 days
"""
import argparse, json, os, time

import duckdb

SIGNALS = """
WITH d AS (
    SELECT deals.*, s.outcome, s.expected_days, {T} - deals.created AS age
    FROM deals LEFT JOIN stages s USING (stage)
), o AS (
    SELECT * FROM d WHERE outcome IS NULL OR outcome = 'open'
), t AS (
    SELECT a.* FROM activities a SEMI JOIN o USING (deal) WHERE a.kind <> 'note'
), agg AS (
    SELECT deal,
        max(day) FILTER (WHERE day <= {T}) AS last_touch,
        max(day) FILTER (WHERE day <= {T} AND inbound = 1) AS last_in,
        count(DISTINCT contact) FILTER (WHERE day <= {T}) AS people,
        min(day) FILTER (WHERE day > {T} AND kind IN ('call', 'visit', 'meeting')) AS next_meeting
    FROM t GROUP BY deal
), ghost AS (
    SELECT t.deal, count(*) FILTER (WHERE t.inbound = 0) AS outbound, max(t.day) AS last_after
    FROM t JOIN agg USING (deal)
    WHERE t.day <= {T} AND (agg.last_in IS NULL OR t.day > agg.last_in)
    GROUP BY t.deal
), h AS (
    SELECT h.*, lag(h.stage) OVER (PARTITION BY h.deal ORDER BY h.seq) AS prev
    FROM history h SEMI JOIN o USING (deal)
), back AS (
    SELECT deal FROM h
    WHERE prev IS NOT NULL AND stage IS NOT NULL AND stage < prev AND day > {T} - 30 AND day <= {T}
    GROUP BY deal
), other AS (
    SELECT h.deal, max(h.seq) AS s FROM h JOIN o USING (deal)
    WHERE h.stage IS DISTINCT FROM o.stage GROUP BY h.deal
), since AS (
    SELECT h.deal, min(h.day) AS since FROM h LEFT JOIN other USING (deal)
    WHERE h.seq > coalesce(other.s, -1) GROUP BY h.deal
), pushes AS (
    SELECT deal, count(*) AS n FROM edits
    WHERE field = 'close_date' AND old IS NOT NULL AND new IS NOT NULL AND new > old AND day <= {T}
    GROUP BY deal
), cuts AS (
    SELECT deal, max((old - new) * 100 // old) AS pct FROM edits
    WHERE field = 'amount' AND old > 0 AND new < old AND old_currency = new_currency
        AND day > {T} - 30 AND day <= {T}
    GROUP BY deal
)
SELECT
    count(*) FILTER (WHERE CASE WHEN a.last_touch IS NOT NULL THEN {T} - a.last_touch > 10 ELSE o.age > 10 END) AS no_activity,
    count(*) FILTER (WHERE o.close IS NOT NULL AND o.close - {T} BETWEEN 0 AND 14
        AND (a.next_meeting IS NULL OR a.next_meeting > o.close)) AS closing_without_meeting,
    count(*) FILTER (WHERE {T} - coalesce(s.since, o.created)
        > CASE WHEN o.expected_days > 0 THEN o.expected_days ELSE 14 END) AS stalled,
    count(*) FILTER (WHERE coalesce(p.n, 0) >= 2) AS close_date_pushed,
    count(*) FILTER (WHERE coalesce(c.pct, -1) >= 10) AS amount_reduced,
    count(*) FILTER (WHERE o.age >= 21 AND coalesce(a.people, 0) <= 1) AS single_threaded,
    count(*) FILTER (WHERE o.next_step = 0 OR o.next_step_date < {T}) AS next_step_missing,
    count(*) FILTER (WHERE b.deal IS NOT NULL) AS stage_backwards,
    count(*) FILTER (WHERE coalesce(g.outbound, 0) >= 2 AND {T} - coalesce(a.last_in, o.created) > 14
        AND g.last_after IS NOT NULL AND {T} - g.last_after <= 14) AS ghosted
FROM o
LEFT JOIN agg a USING (deal) LEFT JOIN since s USING (deal) LEFT JOIN pushes p USING (deal)
LEFT JOIN cuts c USING (deal) LEFT JOIN back b USING (deal) LEFT JOIN ghost g USING (deal)
"""

# The weekly report's figures, as roomwork's report builds them: open deals, stalled by days
# since the stage was last entered (names compared without case, as the report does), the
# Foundation's seven action conventions (no next step: none recorded at all), closes this month,
# and the week's changes from the stage history (an entry whose stage differs from the one
# before it, or a first entry that closes the deal).
REPORT = """
WITH d AS (
    SELECT deals.*, s.outcome, s.expected_days FROM deals LEFT JOIN stages s USING (stage)
), o AS (
    SELECT * FROM d WHERE outcome IS NULL OR outcome = 'open'
), entered AS (
    SELECT o.deal,
        coalesce(max(h.day) FILTER (WHERE lower(h.name) = lower(o.stage_name)), max(h.day),
            any_value(o.created)) AS day
    FROM o LEFT JOIN history h USING (deal) GROUP BY o.deal
), pushes AS (
    SELECT deal, count(*) AS n FROM edits
    WHERE field = 'close_date' AND old IS NOT NULL AND new IS NOT NULL AND new > old AND day <= {T}
    GROUP BY deal
), r AS (
    SELECT o.*, {T} - e.day > coalesce(o.expected_days, {stalled_after}) AS stalled,
        coalesce(p.n, 0) AS pushes
    FROM o JOIN entered e USING (deal) LEFT JOIN pushes p USING (deal)
), h AS (
    SELECT h.*, s.outcome, lag(h.name) OVER (PARTITION BY h.deal ORDER BY h.seq) AS prev
    FROM history h LEFT JOIN stages s USING (stage)
)
SELECT
    (SELECT count(*) FROM r) AS open_deals,
    (SELECT count(*) FILTER (WHERE stalled) FROM r) AS stalled_in_report,
    (SELECT count(*) FILTER (WHERE stalled OR close < {T} OR next_step_set = 0 OR next_step_date < {T}
        OR (close >= {T} AND close - {T} <= 14) OR pushes >= 2 OR at_risk = 1) FROM r) AS deals_with_actions,
    (SELECT count(*) FILTER (WHERE close BETWEEN {month_start} AND {month_end}) FROM r) AS closing_this_month,
    (SELECT count(*) FROM deals WHERE created > {T} - 7 AND created <= {T})
      + (SELECT count(*) FROM h WHERE day > {T} - 7 AND day <= {T}
            AND (prev IS NULL OR lower(prev) <> lower(name))
            AND (outcome IN ('won', 'lost') OR prev IS NOT NULL)) AS changes_this_week
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--today", type=int, required=True, help="days since 1970")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--stalled-after-days", type=int, default=14)
    a = ap.parse_args()
    con = duckdb.connect()
    t = time.perf_counter()
    for name in ["stages", "deals", "history", "activities", "edits"]:
        path = os.path.join(a.dir, f"{name}.csv")
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_csv('{path}', header = true)")
    load = time.perf_counter() - t
    import datetime
    today = datetime.date(1970, 1, 1) + datetime.timedelta(days=a.today)
    first = today.replace(day=1)
    nxt = (first + datetime.timedelta(days=32)).replace(day=1)
    epoch = lambda d: (d - datetime.date(1970, 1, 1)).days
    params = {"T": a.today, "month_start": epoch(first), "month_end": epoch(nxt) - 1,
              "stalled_after": a.stalled_after_days}
    signals_sql = SIGNALS.format(**params)
    report_sql = REPORT.format(**params)
    best = None
    for _ in range(a.runs):
        t = time.perf_counter()
        s = con.execute(signals_sql)
        srow, scols = s.fetchone(), [c[0] for c in s.description]
        r = con.execute(report_sql)
        rrow, rcols = r.fetchone(), [c[0] for c in r.description]
        dt = time.perf_counter() - t
        best = dt if best is None else min(best, dt)
    counts = dict(zip(scols, srow))
    counts.update(zip(rcols, rrow))
    print(json.dumps({
        "version": duckdb.__version__,
        "load_seconds": load,
        "compute_seconds": best,
        "counts": {k: int(v) for k, v in counts.items()},
    }))


if __name__ == "__main__":
    main()
