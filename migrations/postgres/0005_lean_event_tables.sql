-- referral_events_kind served no query; every event row written also wrote it.
-- (SQLite also stores its event and audit tables WITHOUT ROWID in this version;
-- PostgreSQL tables have no such distinction.)
DROP INDEX referral_events_kind;
