-- Room on each page of the queue for its rows' next versions. Every delivery is updated twice (claimed, then its
-- outcome), and those updates change indexed columns, so they are never HOT; with full pages each new version went
-- to another page. A fifth of each page kept free lets most stay on their own page, and keeps new rows off the
-- few free bytes that VACUUM leaves in old, full pages (each such page touched after a checkpoint is a full-page
-- image in the WAL).
ALTER TABLE deliveries SET (fillfactor = 80);
