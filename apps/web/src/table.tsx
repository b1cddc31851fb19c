import type { HTMLAttributes, ReactNode } from 'react';

/** One column of a `Table`: its header, how a row's cell reads, and how it is laid out. */
export interface Column<Row> {
  /** Unique in its table (the React key); also the header unless `label` is given. */
  key: string;
  label?: ReactNode;
  cell: (row: Row) => ReactNode;
  /** Right-aligned, tabular figures. */
  num?: boolean;
  /** Extra class on every cell of the column, e.g. `strong` for the ranked metric. */
  className?: string;
  /** `data-testid` on every cell of the column, for the browser test. */
  testId?: string;
  /** Clicking the header sorts by this column (the table's `onSort` decides how). */
  sortable?: boolean;
}

export interface SortState {
  column: string;
  reversed: boolean;
}

/**
 * The pages' one table: sweeps, workers, leaderboard rows and trials. Sorting, when asked for, is
 * the caller's (it knows the metric's goal); the table draws the arrow and reports the click.
 */
export function Table<Row>(props: {
  testId: string;
  className?: string;
  rows: readonly Row[];
  columns: ReadonlyArray<Column<Row>>;
  rowKey: (row: Row) => string;
  rowProps?: (row: Row) => HTMLAttributes<HTMLTableRowElement> & Record<`data-${string}`, string>;
  sort?: SortState;
  onSort?: (column: string) => void;
}) {
  const { sort, onSort } = props;
  return (
    <table className={`grid ${props.className ?? ''}`} data-testid={props.testId}>
      <thead>
        <tr>
          {props.columns.map((c) => {
            const sorted = sort?.column === c.key;
            const classes = [c.num && 'num', c.sortable && 'sortable', sorted && 'sorted'];
            return (
              <th
                key={c.key}
                className={classes.filter(Boolean).join(' ') || undefined}
                onClick={c.sortable && onSort ? () => onSort(c.key) : undefined}
              >
                {c.label ?? c.key}
                {sorted ? (sort.reversed ? ' ▴' : ' ▾') : ''}
              </th>
            );
          })}
        </tr>
      </thead>
      <tbody>
        {props.rows.map((row) => (
          <tr key={props.rowKey(row)} {...props.rowProps?.(row)}>
            {props.columns.map((c) => (
              <td
                key={c.key}
                className={[c.num && 'num', c.className].filter(Boolean).join(' ') || undefined}
                data-testid={c.testId}
              >
                {c.cell(row)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A run's status as a coloured word (sweeps, trials, workers share the classes). */
export function StatusBadge(props: { status: string; title?: string }) {
  return (
    <span className={`status ${props.status}`} title={props.title}>
      {props.status}
    </span>
  );
}
