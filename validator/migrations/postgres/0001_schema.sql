-- The validator store on PostgreSQL: the same tables as the SQLite store
-- (validator/store.ts describes each), shared by every process of one validator.
-- Ballot ids and selection alphas are unique across every station of the election
-- by unique indexes, so two processes can never both admit the same one.
CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE logs (origin text PRIMARY KEY, station text NOT NULL, log text NOT NULL, size bigint NOT NULL CHECK (size >= 0),
  root bytea NOT NULL, checkpoint text NOT NULL, cosigned text NOT NULL, state text NOT NULL);
CREATE INDEX logs_by_station ON logs (station);
CREATE TABLE entries (origin text NOT NULL, idx bigint NOT NULL, body bytea NOT NULL, PRIMARY KEY (origin, idx));
CREATE TABLE nodes (origin text NOT NULL, level integer NOT NULL, idx bigint NOT NULL, hash bytea NOT NULL, PRIMARY KEY (origin, level, idx));
CREATE TABLE ballots (station text NOT NULL, ballot_id text NOT NULL, status text NOT NULL, idx bigint NOT NULL,
  resolved_idx bigint, code text, style text, PRIMARY KEY (station, ballot_id));
CREATE INDEX ballots_by_code ON ballots (code);
CREATE UNIQUE INDEX ballots_by_id ON ballots (ballot_id);
CREATE TABLE alphas (alpha bytea PRIMARY KEY, station text NOT NULL, idx bigint NOT NULL);
CREATE TABLE checkins (voter_hash text NOT NULL, station text NOT NULL, idx bigint NOT NULL, PRIMARY KEY (voter_hash, station, idx));
CREATE TABLE totals (seq bigserial, station text NOT NULL, contest text NOT NULL, selection text NOT NULL, alpha bytea NOT NULL, beta bytea NOT NULL,
  PRIMARY KEY (station, contest, selection));
CREATE TABLE contest_ballots (station text NOT NULL, contest text NOT NULL, n bigint NOT NULL, PRIMARY KEY (station, contest));
CREATE TABLE evidence (id bigserial PRIMARY KEY, kind text NOT NULL, station text NOT NULL, origin text NOT NULL,
  body text NOT NULL, recorded bigint NOT NULL);
CREATE TABLE frozen (station text PRIMARY KEY, evidence_id bigint NOT NULL);
