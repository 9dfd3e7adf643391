-- A CRM update drafted from meeting notes carries the change it proposes (JSON). It is written
-- once, when the draft is submitted, and applied to the deal in the transaction that approves
-- the draft.
ALTER TABLE drafts ADD COLUMN change TEXT;

CREATE TRIGGER drafts_change_fixed BEFORE UPDATE ON drafts
WHEN NEW.change IS NOT OLD.change
BEGIN
    SELECT RAISE(ABORT, 'a draft''s proposed change cannot be altered');
END;
