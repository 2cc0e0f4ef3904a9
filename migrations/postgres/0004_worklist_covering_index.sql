-- The incoming worklist counts its open referrals from the index alone: the department
-- index also carries the institutions the scope check reads.
DROP INDEX referrals_incoming_dept;
CREATE INDEX referrals_incoming_dept ON referrals
    (community_id, to_department_id, open, urgency_rank, created_at, to_institution_id, from_institution_id);
