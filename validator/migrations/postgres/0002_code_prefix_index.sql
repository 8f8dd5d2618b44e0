-- Short confirmation codes are looked up by a prefix of the full code, compared
-- byte for byte (COLLATE "C"); the database's own collation may order base64url
-- text differently, so the plain ballots_by_code index cannot serve that range.
CREATE INDEX ballots_by_code_bytes ON ballots (code COLLATE "C");
