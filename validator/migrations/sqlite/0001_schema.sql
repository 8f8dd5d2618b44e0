-- The validator store, format urna-validator/2 (validator/store.ts describes each table).
-- Ballot ids and selection alphas are unique across every station of the election.
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE logs (origin TEXT PRIMARY KEY, station TEXT NOT NULL, log TEXT NOT NULL, size INTEGER NOT NULL,
  root BLOB NOT NULL, checkpoint TEXT NOT NULL, cosigned TEXT NOT NULL, state TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE entries (origin TEXT NOT NULL, idx INTEGER NOT NULL, body BLOB NOT NULL, PRIMARY KEY (origin, idx)) WITHOUT ROWID;
CREATE TABLE nodes (origin TEXT NOT NULL, level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL,
  PRIMARY KEY (origin, level, idx)) WITHOUT ROWID;
CREATE TABLE ballots (station TEXT NOT NULL, ballot_id TEXT NOT NULL, status TEXT NOT NULL, idx INTEGER NOT NULL,
  resolved_idx INTEGER, code TEXT, style TEXT, PRIMARY KEY (station, ballot_id)) WITHOUT ROWID;
CREATE INDEX ballots_by_code ON ballots (code);
CREATE UNIQUE INDEX ballots_by_id ON ballots (ballot_id);
CREATE TABLE alphas (alpha BLOB PRIMARY KEY, station TEXT NOT NULL, idx INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE checkins (voter_hash TEXT NOT NULL, station TEXT NOT NULL, idx INTEGER NOT NULL,
  PRIMARY KEY (voter_hash, station, idx)) WITHOUT ROWID;
CREATE TABLE totals (station TEXT NOT NULL, contest TEXT NOT NULL, selection TEXT NOT NULL, alpha BLOB NOT NULL, beta BLOB NOT NULL,
  UNIQUE (station, contest, selection));
CREATE TABLE contest_ballots (station TEXT NOT NULL, contest TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (station, contest)) WITHOUT ROWID;
CREATE TABLE evidence (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, station TEXT NOT NULL, origin TEXT NOT NULL,
  body TEXT NOT NULL, recorded INTEGER NOT NULL);
CREATE TABLE frozen (station TEXT PRIMARY KEY, evidence_id INTEGER NOT NULL) WITHOUT ROWID;
