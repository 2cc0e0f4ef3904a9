"""Recompute every indicator with DuckDB from the files alone.

usage: duckdb_figures.py FOLDER REQUESTS.json [--time]

FOLDER holds encounters.csv (the platform's import format), outside.csv,
institutions.csv, referrals.csv (the accepted referrals), ecg.csv (the reported ECGs)
and sessions.csv (the held outreach sessions); REQUESTS.json is a list of {"key", "first", "last", "bfirst", "blast",
"bbfirst", "bblast", "scope": [institution codes]}. Prints one JSON object per request
key: {"now": {code: [numerator, denominator, value]}, "before": {...}}. With --time,
prints the seconds the load and the queries took to stderr.
"""
import json
import pathlib
import sys
import time

import duckdb


def main():
    folder = pathlib.Path(sys.argv[1])
    requests = json.loads(pathlib.Path(sys.argv[2]).read_text(encoding="utf-8"))
    sql = (pathlib.Path(__file__).parent / "figures.sql").read_text(encoding="utf-8")
    started = time.perf_counter()
    con = duckdb.connect()
    for table in ("encounters", "outside", "institutions", "referrals", "ecg", "sessions"):
        path = str(folder / f"{table}.csv")
        con.execute(
            f"CREATE TABLE {table} AS SELECT * FROM read_csv(?, header = true, all_varchar = true)",
            [path],
        )
    loaded = time.perf_counter()
    out = {}
    for r in requests:
        con.execute("CREATE OR REPLACE TABLE scope (code VARCHAR)")
        con.executemany("INSERT INTO scope VALUES (?)", [[c] for c in r["scope"]])
        params = {k: r[k] for k in ("first", "last", "bfirst", "blast", "bbfirst", "bblast")}
        figures = {}
        for span, code, n, d, v in con.execute(sql, params).fetchall():
            figures.setdefault(span, {})[code] = [int(n), int(d), v]
        out[r["key"]] = figures
    done = time.perf_counter()
    if "--time" in sys.argv:
        print(f"duckdb load {loaded - started:.3f} s, queries {done - loaded:.3f} s", file=sys.stderr)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
