-- Invitations name the cohort (the kind of people invited again every year, e.g.
-- 'foster-2y') and the wave (which round, e.g. '2027'), both optional. Like unit and
-- provider they are kept here with the letter, never next to a pseudonym: the run's
-- encrypted state and the sealed answers carry them on.
ALTER TABLE invitations ADD COLUMN cohort TEXT;
ALTER TABLE invitations ADD COLUMN wave TEXT;
