-- A community's settings of each diagnostic catalogue item (provinces publish their own
-- recognition lists): price, service levels, and how an earlier result is recognised.
-- An item without a row keeps the defaults built into the binary.
CREATE TABLE diag_item_settings (
    community_id BLOB NOT NULL REFERENCES communities(id),
    item_code TEXT NOT NULL,
    price_fen INTEGER NOT NULL CHECK (price_fen >= 0),
    routine_minutes INTEGER NOT NULL CHECK (routine_minutes > 0),
    routine_working INTEGER NOT NULL,
    urgent_minutes INTEGER NOT NULL CHECK (urgent_minutes > 0),
    urgent_working INTEGER NOT NULL,
    window_days INTEGER CHECK (window_days > 0),
    lowest_level TEXT NOT NULL CHECK (lowest_level IN ('village', 'township', 'member', 'lead')),
    needs_eqa INTEGER NOT NULL,
    updated_by BLOB,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (community_id, item_code),
    FOREIGN KEY (community_id, updated_by) REFERENCES accounts (community_id, id)
);
