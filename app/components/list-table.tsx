// A list page's table (invoices, estimates): marked .stacked, so on a narrow screen each row becomes a
// block whose cells are labelled from their column (data-label); the first cell, the row's link, leads.
import type { ReactNode } from "react";

export function ListTable<Row extends { id: string }>({
  columns,
  rows,
  rowTestId,
  cells,
}: {
  /** `num`: a right-aligned number column. */
  columns: { label: string; num?: boolean }[];
  rows: Row[];
  rowTestId?: string;
  /** A row's cells, one per column. */
  cells: (row: Row) => ReactNode[];
}) {
  return (
    <div className="table-scroll">
      <table className="stacked">
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.label} className={column.num ? "num" : undefined}>
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id} data-testid={rowTestId}>
              {cells(row).map((cell, i) =>
                i === 0 ? (
                  <td key={i} className="cell-main">
                    {cell}
                  </td>
                ) : (
                  <td key={i} className={columns[i].num ? "num" : undefined} data-label={columns[i].label}>
                    {cell}
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
