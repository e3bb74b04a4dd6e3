// The durable reference's one table and insert (scripts/lib/durable-server.ts): a scan id, the token's length, a time.
// Shared with scripts/bench-scan-writes.ts, which measures the same insert beside the trail's.
export const REFERENCE_TABLE = 'CREATE TABLE IF NOT EXISTS scans (id TEXT PRIMARY KEY, token_length INTEGER NOT NULL, at INTEGER NOT NULL)'
export const REFERENCE_INSERT = 'INSERT INTO scans (id, token_length, at) VALUES (@id, @tokenLength, @at) ON CONFLICT (id) DO NOTHING'
