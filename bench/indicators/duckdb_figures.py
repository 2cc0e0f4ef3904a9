"""Recompute every indicator with DuckDB from the files alone.

usage: duckdb_figures.py FOLDER REQUESTS.json [--time]

FOLDER holds encounters.csv (the platform's import format), outside.csv,
institutions.csv, referrals.csv (the accepted referrals), ecg.csv (the reported ECGs),
consults.csv (the answered teleconsultations),
sessions.csv (the held outreach sessions), green.csv (the admitted green-channel
cases), residents.csv (each registered resident's
institution), populations.csv (the official figures), postings.csv, registers.csv (the
chronic-disease registers) and follow_ups.csv (their visits); REQUESTS.json is
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

# Each file's columns (encounters.csv has the import's Chinese headers).
COLUMNS = {
    "encounters": ["机构编码", "科室", "就诊流水号", "身份证号", "就诊类型", "就诊日期", "出院日期",
                   "诊断编码", "总费用(分)", "医保支付(分)"],
    "outside": ["home_code", "kind", "started_on", "ended_on", "total_fen", "insurance_fen", "referred"],
    "institutions": ["code", "kind", "parent_code"],
    "referrals": ["direction", "from_code", "to_code", "accepted_utc"],
    "ecg": ["from_code", "urgency_rank", "uploaded_utc", "reported_utc"],
    "consults": ["from_code", "answered_utc"],
    "sessions": ["place_code", "day", "people_served"],
    "green": ["from_code", "contact_utc", "sent_utc", "admitted_utc", "target_minutes"],
    "residents": ["home_code"],
    "populations": ["code", "year", "residents"],
    "postings": ["staff_id", "site_id", "site_code", "title", "direction", "start_on", "end_on"],
    "registers": ["register_id", "disease", "clinic_code", "enrolled_on", "ended_on"],
    "follow_ups": ["register_id", "visit_on", "controlled", "visit_type"],
}


def has_rows(path):
    """Whether the file exists and holds a line after its header."""
    if not path.exists():
        return False
    with path.open(encoding="utf-8") as f:
        f.readline()
        return bool(f.readline().strip())


def main():
    folder = pathlib.Path(sys.argv[1])
    requests = json.loads(pathlib.Path(sys.argv[2]).read_text(encoding="utf-8"))
    sql = (pathlib.Path(__file__).parent / "figures.sql").read_text(encoding="utf-8")
    started = time.perf_counter()
    con = duckdb.connect()
    for table, columns in COLUMNS.items():
        path = folder / f"{table}.csv"
        if not has_rows(path):
            # No file, or its header alone: the table with its columns and no rows.
            listed = ", ".join(f'"{c}" VARCHAR' for c in columns)
            con.execute(f"CREATE TABLE {table} ({listed})")
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
