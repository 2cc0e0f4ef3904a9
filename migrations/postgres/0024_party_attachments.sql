-- Files attached to party work: a spending's receipt, the scan of an activity's minutes.
-- Each belongs to exactly one of the two; the bytes are kept with their sniffed type.
CREATE TABLE party_attachments (
    id UUID NOT NULL,
    community_id UUID NOT NULL REFERENCES communities(id),
    work_id UUID,
    spending_id UUID,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'application/pdf')),
    size INTEGER NOT NULL CHECK (size > 0),
    data BYTEA NOT NULL,
    uploaded_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (community_id, id),
    CHECK ((work_id IS NULL) <> (spending_id IS NULL)),
    FOREIGN KEY (community_id, work_id) REFERENCES party_work (community_id, id),
    FOREIGN KEY (community_id, spending_id) REFERENCES fs_spending (community_id, id),
    FOREIGN KEY (community_id, uploaded_by) REFERENCES accounts (community_id, id)
);
CREATE INDEX party_attachments_work ON party_attachments (community_id, work_id);
CREATE INDEX party_attachments_spending ON party_attachments (community_id, spending_id);
