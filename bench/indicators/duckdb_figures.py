"""Recompute every indicator with DuckDB from the files alone.

usage: duckdb_figures.py FOLDER REQUESTS.json [--time]

FOLDER holds encounters.csv (the platform's import format), outside.csv,
institutions.csv, referrals.csv (the accepted referrals), ecg.csv (the reported ECGs),
sessions.csv (the held outreach sessions), residents.csv (each registered resident's
institution), populations.csv (the official figures) and postings.csv; REQUESTS.json is
a list of {"key", "first", "last", "bfirst", "blast", "bbfirst", "bblast", "today",
"scope": [institution codes]}. Prints one JSON object per request
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
    tables = ("encounters", "outside", "institutions", "referrals", "ecg", "sessions",
              "residents", "populations", "postings")
    for table in tables:
        path = folder / f"{table}.csv"
        lines = path.read_text(encoding="utf-8").splitlines()
        if len(lines) < 2:
            # A file with its header alone: the columns, no rows.
            columns = ", ".join(f'"{c}" VARCHAR' for c in lines[0].split(","))
            con.execute(f"CREATE TABLE {table} ({columns})")
            continue
        con.execute(
            f"CREATE TABLE {table} AS SELECT * FROM read_csv(?, header = true, all_varchar = true)",
            [str(path)],
        )
    loaded = time.perf_counter()
    out = {}
    for r in requests:
        con.execute("CREATE OR REPLACE TABLE scope (code VARCHAR)")
        con.executemany("INSERT INTO scope VALUES (?)", [[c] for c in r["scope"]])
        params = {k: r[k] for k in ("first", "last", "bfirst", "blast", "bbfirst", "bblast", "today")}
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
