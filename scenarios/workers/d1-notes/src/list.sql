SELECT notes.id, notes.body, group_concat(tags.tag, ',') AS tags
FROM notes LEFT JOIN tags ON tags.note_id = notes.id
WHERE ?1 IS NULL OR notes.id IN (SELECT note_id FROM tags WHERE tag = ?1)
GROUP BY notes.id
ORDER BY notes.id
