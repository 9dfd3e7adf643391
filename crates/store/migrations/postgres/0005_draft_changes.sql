-- A CRM update drafted from meeting notes carries the change it proposes (JSON). It is written
-- once, when the draft is submitted, and applied to the deal in the transaction that approves
-- the draft.
ALTER TABLE drafts ADD COLUMN change TEXT;

CREATE FUNCTION drafts_change_fixed() RETURNS trigger AS $$
BEGIN
    IF NEW.change IS DISTINCT FROM OLD.change THEN
        RAISE EXCEPTION 'a draft''s proposed change cannot be altered';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER drafts_change_fixed BEFORE UPDATE ON drafts
FOR EACH ROW EXECUTE FUNCTION drafts_change_fixed();
