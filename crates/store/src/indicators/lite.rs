//! Storing encounters on SQLite's writer thread with cached statements, row by row in
//! its transaction: the fast path of an import (the shared SQL path, for PostgreSQL, sends
//! multi-row statements instead).

use super::BatchOutcome;
use super::encounters::{EncounterAt, Stored};
use crate::lite::{Columns, execute, first, params};
use crate::{Result, new_id, now};
use rusqlite::Connection;
use std::collections::HashMap;
use uuid::Uuid;
use yigong_domain::indicators::encounter::ValidEncounter;
use yigong_domain::indicators::tally::{Tally, of_encounter};

const RESIDENT: &str = "SELECT id FROM residents WHERE community_id = $1 AND id_number = $2";
const INSERT: &str =
    "INSERT INTO encounters (id, community_id, institution_id, visit_no, department, resident_id,
    id_number, kind, started_on, ended_on, month, diagnoses, total_fen, insurance_fen, created_at, day)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
    ON CONFLICT (community_id, institution_id, visit_no) DO NOTHING";
const STORED: &str =
    "SELECT department, id_number, kind, started_on, ended_on, diagnoses, total_fen, insurance_fen
    FROM encounters WHERE community_id = $1 AND institution_id = $2 AND visit_no = $3";
pub(super) const UPDATE: &str = "UPDATE encounters SET department = $4, resident_id = $5, id_number = $6, kind = $7,
    started_on = $8, ended_on = $9, month = $10, diagnoses = $11, total_fen = $12, insurance_fen = $13,
    day = $14 WHERE community_id = $1 AND institution_id = $2 AND visit_no = $3";
const TALLY: &str =
    "INSERT INTO indicator_tallies (community_id, month, institution_id, measure, value)
    VALUES ($1, $2, $3, $4, $5) ON CONFLICT (community_id, month, institution_id, measure)
    DO UPDATE SET value = indicator_tallies.value + excluded.value";

fn stored(
    c: &Connection,
    community: Uuid,
    (inst, visit_no): (Uuid, &str),
) -> Result<Option<ValidEncounter>> {
    first(c, STORED, &params![community, inst, visit_no], |row| {
        let mut col = Columns::new(row);
        Ok(Stored {
            institution_id: inst,
            visit_no: visit_no.to_string(),
            department: col.text()?,
            id_number: col.text()?,
            kind: col.code()?,
            started_on: col.opt_date()?.ok_or(crate::StoreError::NotFound)?,
            ended_on: col.opt_date()?,
            diagnoses: col.text()?,
            total_fen: col.int()?,
            insurance_fen: col.int()?,
        }
        .valid())
    })
}

/// Stores a batch in the writer's transaction; `audit` is the audit row's values.
pub(super) fn store(
    c: &Connection,
    community: Uuid,
    rows: &[EncounterAt],
    audit: &[rusqlite::types::Value],
) -> Result<BatchOutcome> {
    let t = now();
    let mut outcome = BatchOutcome::default();
    let mut tally = Tally::default();
    let mut residents: HashMap<&str, Option<Uuid>> = HashMap::new();
    for (inst, e) in rows {
        let resident = match residents.get(e.id_number.as_str()) {
            Some(r) => *r,
            None => {
                let r = first(c, RESIDENT, &params![community, e.id_number], |row| {
                    Columns::new(row).uuid()
                })?;
                residents.insert(&e.id_number, r);
                r
            }
        };
        let month = e.month().key();
        let diagnoses = e.diagnoses.join(";");
        let n = execute(
            c,
            INSERT,
            &params![
                new_id(),
                community,
                *inst,
                e.visit_no,
                e.department,
                resident,
                e.id_number,
                e.kind.as_str(),
                e.started_on,
                e.ended_on,
                month,
                diagnoses,
                e.total_fen,
                e.insurance_fen,
                t,
                e.day()
            ],
        )?;
        if n == 1 {
            tally.add(e.month(), *inst, &of_encounter(e), 1);
            outcome.inserted += 1;
            continue;
        }
        let Some(before) = stored(c, community, (*inst, &e.visit_no))? else {
            continue;
        };
        if &before == e {
            outcome.unchanged += 1;
            continue;
        }
        execute(
            c,
            UPDATE,
            &params![
                community,
                *inst,
                e.visit_no,
                e.department,
                resident,
                e.id_number,
                e.kind.as_str(),
                e.started_on,
                e.ended_on,
                month,
                diagnoses,
                e.total_fen,
                e.insurance_fen,
                e.day()
            ],
        )?;
        tally.add(before.month(), *inst, &of_encounter(&before), -1);
        tally.add(e.month(), *inst, &of_encounter(e), 1);
        outcome.updated += 1;
    }
    add_tally_lite(c, community, &tally)?;
    execute(c, crate::audit::INSERT_AUDIT, audit)?;
    Ok(outcome)
}

/// Adds a tally's entries to the stored counters, in the writer's transaction.
pub(crate) fn add_tally_lite(c: &Connection, community: Uuid, tally: &Tally) -> Result<()> {
    for (m, i, me, v) in tally.entries() {
        execute(c, TALLY, &params![community, m.key(), i, me.as_str(), v])?;
    }
    Ok(())
}
