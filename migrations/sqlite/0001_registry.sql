-- Registry: communities, institutions, departments, staff, residents.
CREATE TABLE communities (
    id BLOB PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE institutions (
    id BLOB PRIMARY KEY,
    community_id BLOB NOT NULL REFERENCES communities(id),
    parent_id BLOB REFERENCES institutions(id),
    kind TEXT NOT NULL CHECK (kind IN ('lead', 'member', 'township', 'village', 'bureau')),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (community_id, code)
);
CREATE INDEX institutions_parent ON institutions (community_id, parent_id);

CREATE TABLE departments (
    id BLOB PRIMARY KEY,
    community_id BLOB NOT NULL REFERENCES communities(id),
    institution_id BLOB NOT NULL REFERENCES institutions(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    UNIQUE (institution_id, code)
);

CREATE TABLE staff (
    id BLOB PRIMARY KEY,
    community_id BLOB NOT NULL REFERENCES communities(id),
    institution_id BLOB NOT NULL REFERENCES institutions(id),
    department_id BLOB REFERENCES departments(id),
    name TEXT NOT NULL,
    initials TEXT NOT NULL,
    sex TEXT NOT NULL CHECK (sex IN ('male', 'female')),
    id_number TEXT NOT NULL,
    title TEXT NOT NULL,
    specialty TEXT NOT NULL DEFAULT '',
    phone TEXT,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (community_id, id_number)
);
CREATE INDEX staff_name ON staff (community_id, name);
CREATE INDEX staff_institution ON staff (community_id, institution_id, name);

CREATE TABLE residents (
    id BLOB PRIMARY KEY,
    community_id BLOB NOT NULL REFERENCES communities(id),
    institution_id BLOB NOT NULL REFERENCES institutions(id),
    name TEXT NOT NULL,
    name_given TEXT NOT NULL,
    initials TEXT NOT NULL,
    sex TEXT NOT NULL CHECK (sex IN ('male', 'female')),
    birth_date TEXT NOT NULL,
    id_number TEXT NOT NULL,
    id_rev TEXT NOT NULL,
    phone TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (community_id, id_number)
);
CREATE INDEX residents_name ON residents (community_id, name);
CREATE INDEX residents_given ON residents (community_id, name_given);
CREATE INDEX residents_initials ON residents (community_id, initials, name);
CREATE INDEX residents_id_rev ON residents (community_id, id_rev);
CREATE INDEX residents_institution ON residents (community_id, institution_id, name);
