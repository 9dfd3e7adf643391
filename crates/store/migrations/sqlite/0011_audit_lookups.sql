-- Pages that show a few audit records (the inbox's recent refusals, a draft's submission) find
-- them by action and subject instead of reading the whole trail on every view.
CREATE INDEX audit_log_action ON audit_log (action, seq);
CREATE INDEX audit_log_action_subject ON audit_log (action, subject, seq);
