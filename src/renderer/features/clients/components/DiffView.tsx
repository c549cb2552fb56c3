/** A unified diff as lines: added and removed lines are coloured and keep their + / - marks. */
export function DiffView({ diff, label }: { diff: string; label: string }) {
  const lines = diff.replace(/\n$/, '').split('\n');
  // The file names head the diff; the dialog already says which file it is.
  const firstHunk = lines.findIndex((l) => l.startsWith('@@'));
  const body = firstHunk >= 0 ? lines.slice(firstHunk) : lines;
  return (
    <pre className="diff" aria-label={label} tabIndex={0}>
      {body.map((line, i) => {
        const kind = line.startsWith('@@') ? 'hunk' : line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : line.startsWith('\\') ? 'note' : 'ctx';
        return (
          <span key={i} className={`diff-line diff-${kind}`}>
            {kind === 'add' ? <span className="visually-hidden">added: </span> : kind === 'del' ? <span className="visually-hidden">removed: </span> : null}
            {line || ' '}
            {'\n'}
          </span>
        );
      })}
    </pre>
  );
}
