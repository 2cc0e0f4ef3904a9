-- Every audit row names the request behind it: the HTTP method and path (empty for the
-- command line and background jobs).
ALTER TABLE audit_events ADD COLUMN method TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_events ADD COLUMN path TEXT NOT NULL DEFAULT '';
