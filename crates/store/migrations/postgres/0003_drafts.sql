-- The approval inbox. A draft is sent only after an approval by a named reviewer who answered
-- both questions of the relationship test with "yes": the CHECKs hold that in the data, and the
-- triggers keep approved text fixed and sent or rejected drafts final. Nothing is deleted.
CREATE TABLE drafts (
    id TEXT PRIMARY KEY,
    task TEXT NOT NULL,
    workflow TEXT,
    account_id TEXT REFERENCES accounts(id),
    contact_id TEXT REFERENCES contacts(id),
    opportunity_id TEXT REFERENCES opportunities(id),
    recipient TEXT,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    original TEXT NOT NULL,
    engine TEXT NOT NULL,
    model TEXT,
    prompt_fingerprint TEXT,
    inputs TEXT NOT NULL,
    verdict TEXT NOT NULL,
    structure_only BOOLEAN NOT NULL,
    requires_personal_edit BOOLEAN NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'returned', 'rejected', 'approved', 'sent')),
    requested_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    revision BIGINT NOT NULL,
    version BIGINT NOT NULL,
    returned_at_revision BIGINT,
    review_by TEXT,
    review_at BIGINT,
    review_note TEXT,
    approved_by TEXT,
    approved_at BIGINT,
    sounds_like_me BOOLEAN,
    reflects_what_mattered BOOLEAN,
    sent_by TEXT,
    sent_at BIGINT,
    sent_via TEXT,
    sent_reference TEXT,
    CHECK (status NOT IN ('approved', 'sent') OR (
        approved_by IS NOT NULL AND approved_by <> '' AND approved_at IS NOT NULL
        AND COALESCE(sounds_like_me, FALSE) AND COALESCE(reflects_what_mattered, FALSE))),
    CHECK (status = 'sent' OR (sent_by IS NULL AND sent_at IS NULL AND sent_via IS NULL)),
    CHECK (status <> 'sent' OR (sent_by IS NOT NULL AND sent_at IS NOT NULL AND sent_via IS NOT NULL)),
    CHECK (sent_via IS NULL OR sent_via IN ('eml', 'marked')),
    CHECK (status NOT IN ('returned', 'rejected') OR (review_by IS NOT NULL AND review_at IS NOT NULL))
);
CREATE INDEX drafts_status ON drafts (status, created_at);
CREATE INDEX drafts_account ON drafts (account_id);

CREATE TABLE draft_revisions (
    draft_id TEXT NOT NULL REFERENCES drafts(id),
    number BIGINT NOT NULL,
    author TEXT NOT NULL,
    at BIGINT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (draft_id, number)
);

CREATE FUNCTION drafts_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'TRUNCATE') THEN
        RAISE EXCEPTION 'drafts are never deleted';
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'pending' OR NEW.revision <> 0 OR NEW.original <> NEW.body THEN
            RAISE EXCEPTION 'a draft enters the inbox as pending';
        END IF;
        RETURN NEW;
    END IF;
    IF OLD.status IN ('sent', 'rejected') THEN
        RAISE EXCEPTION 'a sent or rejected draft is final';
    END IF;
    IF NEW.id IS DISTINCT FROM OLD.id OR NEW.task IS DISTINCT FROM OLD.task
        OR NEW.original IS DISTINCT FROM OLD.original
        OR NEW.requires_personal_edit IS DISTINCT FROM OLD.requires_personal_edit
        OR NEW.structure_only IS DISTINCT FROM OLD.structure_only
        OR NEW.account_id IS DISTINCT FROM OLD.account_id
        OR NEW.contact_id IS DISTINCT FROM OLD.contact_id
        OR NEW.created_at IS DISTINCT FROM OLD.created_at
        OR NEW.requested_by IS DISTINCT FROM OLD.requested_by
        OR NEW.engine IS DISTINCT FROM OLD.engine OR NEW.verdict IS DISTINCT FROM OLD.verdict THEN
        RAISE EXCEPTION 'a draft''s identity and the policy''s requirements cannot change';
    END IF;
    IF OLD.status = 'approved' AND (NEW.status NOT IN ('approved', 'sent')
        OR NEW.body <> OLD.body OR NEW.subject <> OLD.subject
        OR NEW.recipient IS DISTINCT FROM OLD.recipient
        OR NEW.approved_by IS DISTINCT FROM OLD.approved_by
        OR NEW.approved_at IS DISTINCT FROM OLD.approved_at
        OR NEW.sounds_like_me IS DISTINCT FROM OLD.sounds_like_me
        OR NEW.reflects_what_mattered IS DISTINCT FROM OLD.reflects_what_mattered
        OR NEW.revision IS DISTINCT FROM OLD.revision) THEN
        RAISE EXCEPTION 'an approved draft cannot change';
    END IF;
    IF NEW.status = 'sent' AND OLD.status <> 'approved' THEN
        RAISE EXCEPTION 'only an approved draft can be sent';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER drafts_guard BEFORE INSERT OR UPDATE OR DELETE ON drafts
FOR EACH ROW EXECUTE FUNCTION drafts_guard();

CREATE TRIGGER drafts_no_truncate BEFORE TRUNCATE ON drafts
FOR EACH STATEMENT EXECUTE FUNCTION drafts_guard();

CREATE FUNCTION draft_revisions_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'draft revisions are append-only';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER draft_revisions_no_change BEFORE UPDATE OR DELETE ON draft_revisions
FOR EACH ROW EXECUTE FUNCTION draft_revisions_append_only();

CREATE TRIGGER draft_revisions_no_truncate BEFORE TRUNCATE ON draft_revisions
FOR EACH STATEMENT EXECUTE FUNCTION draft_revisions_append_only();
