-- Registry: communities, institutions, departments, staff, residents.
CREATE TABLE communities (
    id UUID PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT COLLATE "C" NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE institutions (
    id UUID PRIMARY KEY,
    community_id UUID NOT NULL REFERENCES communities(id),
    parent_id UUID REFERENCES institutions(id),
    kind TEXT NOT NULL CHECK (kind IN ('lead', 'member', 'township', 'village', 'bureau')),
    code TEXT NOT NULL,
    name TEXT COLLATE "C" NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (community_id, code)
);
CREATE INDEX institutions_parent ON institutions (community_id, parent_id);

CREATE TABLE departments (
    id UUID PRIMARY KEY,
    community_id UUID NOT NULL REFERENCES communities(id),
    institution_id UUID NOT NULL REFERENCES institutions(id),
    code TEXT NOT NULL,
    name TEXT COLLATE "C" NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    UNIQUE (institution_id, code)
);

CREATE TABLE staff (
    id UUID PRIMARY KEY,
    community_id UUID NOT NULL REFERENCES communities(id),
    institution_id UUID NOT NULL REFERENCES institutions(id),
    department_id UUID REFERENCES departments(id),
    name TEXT COLLATE "C" NOT NULL,
    initials TEXT COLLATE "C" NOT NULL,
    sex TEXT NOT NULL CHECK (sex IN ('male', 'female')),
    id_number TEXT COLLATE "C" NOT NULL,
    title TEXT NOT NULL,
    specialty TEXT NOT NULL DEFAULT '',
    phone TEXT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (community_id, id_number)
);
CREATE INDEX staff_name ON staff (community_id, name);
CREATE INDEX staff_institution ON staff (community_id, institution_id, name);

CREATE TABLE residents (
    id UUID PRIMARY KEY,
    community_id UUID NOT NULL REFERENCES communities(id),
    institution_id UUID NOT NULL REFERENCES institutions(id),
    name TEXT COLLATE "C" NOT NULL,
    name_given TEXT COLLATE "C" NOT NULL,
    initials TEXT COLLATE "C" NOT NULL,
    sex TEXT NOT NULL CHECK (sex IN ('male', 'female')),
    birth_date DATE NOT NULL,
    id_number TEXT COLLATE "C" NOT NULL,
    id_rev TEXT COLLATE "C" NOT NULL,
    phone TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (community_id, id_number)
);
CREATE INDEX residents_name ON residents (community_id, name);
CREATE INDEX residents_given ON residents (community_id, name_given);
CREATE INDEX residents_initials ON residents (community_id, initials, name);
CREATE INDEX residents_id_rev ON residents (community_id, id_rev);
CREATE INDEX residents_institution ON residents (community_id, institution_id, name);
