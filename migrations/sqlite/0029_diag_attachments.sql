-- Images and PDFs attached to an order's result (an imaging study's key images, a
-- pathology report's scan), kept with their sniffed type.
CREATE TABLE diag_attachments (
    id BLOB NOT NULL,
    community_id BLOB NOT NULL REFERENCES communities(id),
    order_id BLOB NOT NULL,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'application/pdf')),
    size INTEGER NOT NULL CHECK (size > 0),
    data BLOB NOT NULL,
    uploaded_by BLOB,
    created_at TEXT NOT NULL,
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, order_id) REFERENCES diag_orders (community_id, id),
    FOREIGN KEY (community_id, uploaded_by) REFERENCES accounts (community_id, id)
);
CREATE INDEX diag_attachments_order ON diag_attachments (community_id, order_id);
