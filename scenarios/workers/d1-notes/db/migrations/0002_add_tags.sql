-- Migration number: 0002 	 2026-11-27T16:40:02.000Z
CREATE TABLE tags (
  note_id INTEGER NOT NULL REFERENCES notes(id) ON DELETE CASCADE,
  tag TEXT NOT NULL,
  PRIMARY KEY (note_id, tag)
);
CREATE INDEX tags_by_tag ON tags (tag);
INSERT INTO notes (body, created_at) VALUES ('Welcome; notes keep their tags.', 0);
INSERT INTO tags (note_id, tag) VALUES (last_insert_rowid(), 'welcome');
