-- The wording each flow version was first used with on this database, so that a flow file
-- whose texts changed without a new `version` is noticed (by `rostbot run`, `flows check`
-- and the sandbox's reload): consents and the export's codebook name a flow by id and
-- version only. Fingerprints of texts, no text and no person.
CREATE TABLE flow_wordings (
    flow_id        TEXT NOT NULL,
    version        INTEGER NOT NULL,
    fingerprint    TEXT NOT NULL,          -- SHA-256 of the canonical JSON of every text a person reads
    parts          TEXT NOT NULL,          -- JSON: title, intro, ..., question:<id>, order -> SHA-256
    first_used_on  TEXT NOT NULL,          -- the day a bot first ran with this version
    PRIMARY KEY (flow_id, version)
);
