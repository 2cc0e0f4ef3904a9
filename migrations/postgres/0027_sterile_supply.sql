-- Sterile supply (消毒供应, seed 000): instrument packs sterilised in batches at the lead
-- hospital's central unit, dispatched to members, used on a patient, returned; a batch whose
-- indicator failed is recalled.
CREATE TABLE sterile_batches (
    id UUID NOT NULL,
    community_id UUID NOT NULL REFERENCES communities(id),
    code TEXT NOT NULL,
    method TEXT NOT NULL CHECK (method IN ('steam', 'plasma', 'ethylene_oxide')),
    cycle_no BIGINT NOT NULL CHECK (cycle_no > 0),
    sterilised_at TIMESTAMPTZ NOT NULL,
    indicator TEXT NOT NULL CHECK (indicator IN ('pending', 'passed', 'failed')),
    indicator_at TIMESTAMPTZ,
    indicator_note TEXT NOT NULL DEFAULT '',
    created_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (community_id, id),
    UNIQUE (community_id, code),
    FOREIGN KEY (community_id, created_by) REFERENCES accounts (community_id, id)
);
CREATE INDEX sterile_batches_at ON sterile_batches (community_id, sterilised_at);

CREATE TABLE sterile_packs (
    id UUID NOT NULL,
    community_id UUID NOT NULL REFERENCES communities(id),
    batch_id UUID NOT NULL,
    kind TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('in_stock', 'dispatched', 'used', 'returned')),
    institution_id UUID,
    dispatched_at TIMESTAMPTZ,
    used_at TIMESTAMPTZ,
    resident_id UUID,
    procedure_text TEXT NOT NULL DEFAULT '',
    returned_at TIMESTAMPTZ,
    version BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, batch_id) REFERENCES sterile_batches (community_id, id),
    FOREIGN KEY (community_id, institution_id) REFERENCES institutions (community_id, id),
    FOREIGN KEY (community_id, resident_id) REFERENCES residents (community_id, id)
);
CREATE INDEX sterile_packs_batch ON sterile_packs (community_id, batch_id);
CREATE INDEX sterile_packs_place ON sterile_packs (community_id, institution_id, state);
