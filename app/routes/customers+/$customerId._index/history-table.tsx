// One of the customer page's history sections (invoices, estimates, payments): a heading, the latest
// rows in a three-column table (or a line saying there are none), and a note when there are more.
import type { ReactNode } from "react";

export function HistoryTable<Row extends { id: string }>({
  name,
  title,
  columns,
  rows,
  more,
  row,
}: {
  /** Plural, lower case: the heading's id and the notes ("No invoices yet."). */
  name: string;
  title: string;
  columns: [string, string, string];
  rows: Row[];
  /** Whether there are more than the rows shown. */
  more: boolean;
  /** A row's cells. */
  row: (row: Row) => ReactNode;
}) {
  return (
    <section className="stack" aria-labelledby={`${name}-heading`}>
      <h2 id={`${name}-heading`}>{title}</h2>
      {rows.length === 0 ? (
        <p className="muted">{`No ${name} yet.`}</p>
      ) : (
        <table>
          <thead>
            <tr>
              {columns.map((column) => (
                <th key={column} scope="col">
                  {column}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>{row(r)}</tr>
            ))}
          </tbody>
        </table>
      )}
      {more ? (
        <p className="muted">
          Showing the latest {rows.length}
          {` ${name}.`}
        </p>
      ) : null}
    </section>
  );
}
