-- Examination time slots (seed 003: time-slot booking for examinations): a centre opens
-- slots for an item on a day, each taking so many patients; a resident books one for an
-- order their clinic placed, one slot per order.
CREATE TABLE diag_slots (
    id UUID NOT NULL,
    community_id UUID NOT NULL REFERENCES communities(id),
    centre TEXT NOT NULL CHECK (centre IN ('laboratory', 'imaging', 'pathology')),
    item_code TEXT NOT NULL,
    day DATE NOT NULL,
    start_min BIGINT NOT NULL CHECK (start_min BETWEEN 0 AND 1439),
    end_min BIGINT NOT NULL CHECK (end_min BETWEEN 1 AND 1440),
    capacity BIGINT NOT NULL CHECK (capacity BETWEEN 1 AND 200),
    booked BIGINT NOT NULL DEFAULT 0 CHECK (booked >= 0),
    created_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, created_by) REFERENCES accounts (community_id, id)
);
CREATE INDEX diag_slots_day ON diag_slots (community_id, item_code, day, start_min);

CREATE TABLE diag_slot_bookings (
    community_id UUID NOT NULL REFERENCES communities(id),
    order_id UUID NOT NULL,
    slot_id UUID NOT NULL,
    resident_id UUID NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (community_id, order_id),
    FOREIGN KEY (community_id, order_id) REFERENCES diag_orders (community_id, id),
    FOREIGN KEY (community_id, slot_id) REFERENCES diag_slots (community_id, id),
    FOREIGN KEY (community_id, resident_id) REFERENCES residents (community_id, id)
);
CREATE INDEX diag_slot_bookings_slot ON diag_slot_bookings (community_id, slot_id);
