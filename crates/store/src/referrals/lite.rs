//! The referral reads and writes of the SQLite writer thread (rusqlite, inside its
//! group-committed transactions).

use super::{
    GET_REFERRAL, INSERT_EVENT, INSERT_REFERRAL, NewReferral, PARTIES, PartiesProbe, Referral,
    ReferralParties, opening_events, urgency_rank,
};
use crate::audit::INSERT_AUDIT;
use crate::lite::{execute, first, params};
use crate::{Result, StoreError, new_id};
use rusqlite::types::Value;
use uuid::Uuid;

pub(super) fn referral_lite(
    c: &rusqlite::Connection,
    community: Uuid,
    id: Uuid,
) -> Result<Referral> {
    first(c, &GET_REFERRAL, &params![community, id], referral_row)?.ok_or(StoreError::NotFound)
}

pub(super) fn parties_lite(
    c: &rusqlite::Connection,
    community: Uuid,
    p: &PartiesProbe,
) -> Result<ReferralParties> {
    let values = params![
        community,
        p.resident,
        p.from,
        p.to,
        p.department,
        true,
        p.parent
    ];
    let parties = first(c, PARTIES, &values, |row| {
        let mut c = crate::lite::Columns::new(row);
        Ok(ReferralParties {
            resident_institution: c.opt_uuid()?,
            resident_name: c.opt_text()?,
            from_kind: c.opt_text()?,
            from_name: c.opt_text()?,
            to_kind: c.opt_text()?,
            to_name: c.opt_text()?,
            department_active: c.opt_bool()?,
            department_name: c.opt_text()?,
            parent_resident: c.opt_uuid()?,
            parent_direction: c.opt_text()?,
        })
    })?;
    Ok(parties.unwrap_or_default())
}

pub(super) fn insert_lite(
    c: &rusqlite::Connection,
    community: Uuid,
    id: Uuid,
    n: &NewReferral,
    audit: Option<&[Value]>,
) -> Result<()> {
    execute(
        c,
        INSERT_REFERRAL,
        &params![
            id,
            community,
            n.resident_id,
            n.direction.as_str(),
            n.urgency.as_str(),
            urgency_rank(n.urgency),
            n.pathway.map(|p| p.as_str()),
            n.from_institution_id,
            n.to_institution_id,
            n.to_department_id,
            n.parent_id,
            n.reason,
            n.icd10_code,
            n.icd10_text,
            n.summary,
            n.instructions,
            n.preferred_date,
            n.created_by,
            n.created_at
        ],
    )?;
    for (kind, status, milestone, at) in opening_events(n) {
        execute(
            c,
            INSERT_EVENT,
            &params![
                new_id(),
                community,
                id,
                at,
                kind,
                None::<&str>,
                status,
                milestone,
                n.created_by,
                ""
            ],
        )?;
    }
    if let Some(row) = audit {
        execute(c, INSERT_AUDIT, row)?;
    }
    Ok(())
}

pub(super) fn referral_row(row: &rusqlite::Row<'_>) -> Result<Referral> {
    // The columns of SELECT, in order.
    let mut c = crate::lite::Columns::new(row);
    Ok(Referral {
        id: c.uuid()?.into(),
        resident_id: c.uuid()?,
        resident_name: c.text()?,
        direction: c.code()?,
        urgency: c.code()?,
        status: c.code()?,
        pathway: c.opt_text()?,
        from_institution_id: c.uuid()?,
        from_name: c.text()?,
        to_institution_id: c.uuid()?,
        to_name: c.text()?,
        to_department_id: c.opt_uuid()?,
        to_department_name: c.opt_text()?,
        parent_id: c.opt_uuid()?,
        reason: c.text()?,
        icd10_code: c.text()?,
        icd10_text: c.text()?,
        summary: c.text()?,
        instructions: c.text()?,
        preferred_date: c.opt_date()?,
        appointment_at: c.opt_time()?,
        outcome: c.opt_text()?,
        status_reason: c.text()?,
        created_at: c.time()?,
        updated_at: c.time()?,
        accepted_at: c.opt_time()?,
        arrived_at: c.opt_time()?,
        completed_at: c.opt_time()?,
        version: c.int()?,
    })
}
