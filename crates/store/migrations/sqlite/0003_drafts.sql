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
    structure_only INTEGER NOT NULL,
    requires_personal_edit INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'returned', 'rejected', 'approved', 'sent')),
    requested_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    revision INTEGER NOT NULL,
    version INTEGER NOT NULL,
    returned_at_revision INTEGER,
    review_by TEXT,
    review_at INTEGER,
    review_note TEXT,
    approved_by TEXT,
    approved_at INTEGER,
    sounds_like_me INTEGER,
    reflects_what_mattered INTEGER,
    sent_by TEXT,
    sent_at INTEGER,
    sent_via TEXT,
    sent_reference TEXT,
    CHECK (status NOT IN ('approved', 'sent') OR (
        approved_by IS NOT NULL AND approved_by <> '' AND approved_at IS NOT NULL
        AND COALESCE(sounds_like_me, 0) = 1 AND COALESCE(reflects_what_mattered, 0) = 1)),
    CHECK (status = 'sent' OR (sent_by IS NULL AND sent_at IS NULL AND sent_via IS NULL)),
    CHECK (status <> 'sent' OR (sent_by IS NOT NULL AND sent_at IS NOT NULL AND sent_via IS NOT NULL)),
    CHECK (sent_via IS NULL OR sent_via IN ('eml', 'marked')),
    CHECK (status NOT IN ('returned', 'rejected') OR (review_by IS NOT NULL AND review_at IS NOT NULL))
);
CREATE INDEX drafts_status ON drafts (status, created_at);
CREATE INDEX drafts_account ON drafts (account_id);

CREATE TABLE draft_revisions (
    draft_id TEXT NOT NULL REFERENCES drafts(id),
    number INTEGER NOT NULL,
    author TEXT NOT NULL,
    at INTEGER NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (draft_id, number)
);

CREATE TRIGGER drafts_no_delete BEFORE DELETE ON drafts
BEGIN
    SELECT RAISE(ABORT, 'drafts are never deleted');
END;

CREATE TRIGGER drafts_final BEFORE UPDATE ON drafts
WHEN OLD.status IN ('sent', 'rejected')
BEGIN
    SELECT RAISE(ABORT, 'a sent or rejected draft is final');
END;

-- What a draft is and what the gate required never change after it is submitted.
CREATE TRIGGER drafts_identity_fixed BEFORE UPDATE ON drafts
WHEN NEW.id IS NOT OLD.id OR NEW.task IS NOT OLD.task OR NEW.original IS NOT OLD.original
    OR NEW.requires_personal_edit IS NOT OLD.requires_personal_edit
    OR NEW.structure_only IS NOT OLD.structure_only OR NEW.account_id IS NOT OLD.account_id
    OR NEW.contact_id IS NOT OLD.contact_id OR NEW.created_at IS NOT OLD.created_at
    OR NEW.requested_by IS NOT OLD.requested_by OR NEW.engine IS NOT OLD.engine
    OR NEW.verdict IS NOT OLD.verdict
BEGIN
    SELECT RAISE(ABORT, 'a draft''s identity and the policy''s requirements cannot change');
END;

CREATE TRIGGER drafts_approved_text_fixed BEFORE UPDATE ON drafts
WHEN OLD.status = 'approved' AND (NEW.status NOT IN ('approved', 'sent')
    OR NEW.body <> OLD.body OR NEW.subject <> OLD.subject
    OR NEW.recipient IS NOT OLD.recipient OR NEW.approved_by IS NOT OLD.approved_by
    OR NEW.approved_at IS NOT OLD.approved_at OR NEW.sounds_like_me IS NOT OLD.sounds_like_me
    OR NEW.reflects_what_mattered IS NOT OLD.reflects_what_mattered
    OR NEW.revision IS NOT OLD.revision)
BEGIN
    SELECT RAISE(ABORT, 'an approved draft cannot change');
END;

CREATE TRIGGER drafts_sent_only_after_approval BEFORE UPDATE ON drafts
WHEN NEW.status = 'sent' AND OLD.status <> 'approved'
BEGIN
    SELECT RAISE(ABORT, 'only an approved draft can be sent');
END;

-- INSERT OR REPLACE would delete the stored row without firing the DELETE trigger.
CREATE TRIGGER drafts_insert_pending BEFORE INSERT ON drafts
WHEN NEW.status <> 'pending' OR NEW.revision <> 0 OR NEW.original <> NEW.body
    OR EXISTS (SELECT 1 FROM drafts WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'a draft enters the inbox as pending');
END;

CREATE TRIGGER draft_revisions_insert_new BEFORE INSERT ON draft_revisions
WHEN EXISTS (SELECT 1 FROM draft_revisions WHERE draft_id = NEW.draft_id AND number = NEW.number)
BEGIN
    SELECT RAISE(ABORT, 'draft revisions are append-only');
END;

CREATE TRIGGER draft_revisions_append_only BEFORE UPDATE ON draft_revisions
BEGIN
    SELECT RAISE(ABORT, 'draft revisions are append-only');
END;

CREATE TRIGGER draft_revisions_no_delete BEFORE DELETE ON draft_revisions
BEGIN
    SELECT RAISE(ABORT, 'draft revisions are append-only');
END;
