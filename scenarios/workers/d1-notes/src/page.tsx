// The notes as an HTML page, rendered by Hono's JSX (the automatic runtime from hono/jsx, as
// tsconfig.json names it).
import type { FC } from "hono/jsx";

type Note = { id: number; body: string; tags: string[] };

const Tag: FC<{ name: string }> = ({ name }) => <li class="tag">#{name}</li>;

export const NotesPage: FC<{ notes: Note[] }> = ({ notes }) => (
  <html>
    <body>
      <h1>{notes.length} notes</h1>
      {notes.map((note) => (
        <article id={`note-${note.id}`}>
          <p>{note.body}</p>
          <ul>{note.tags.map((t) => <Tag name={t} />)}</ul>
        </article>
      ))}
    </body>
  </html>
);
