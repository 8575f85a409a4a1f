// A table of records: each column's header named once beside how a row shows in it, so the list
// pages do not repeat the head and body scaffolding. Renders Mantine's plain table (same roles and
// labels a screen reader and the browser tests read).
import { Anchor, Table, type TableProps, type TableTdProps, type TableThProps, Text } from "@mantine/core";
import type { ReactNode } from "react";
import { Link } from "react-router";

export type Column<T> = {
  header: string;
  cell: (row: T) => ReactNode;
  /** Attributes of the header cell and of each row's cell (alignment, a title, a test ID). */
  th?: Omit<TableThProps, "children">;
  td?: Omit<TableTdProps, "children"> & Record<`data-${string}`, string>;
};

export function DataTable<T>({
  rows,
  columns,
  rowKey,
  rowProps,
  ...table
}: TableProps & {
  rows: readonly T[];
  columns: readonly Column<T>[];
  rowKey: (row: T) => string;
  /** Attributes of a row's <tr>, e.g. its test ID. */
  rowProps?: (row: T) => Record<string, string>;
}) {
  return (
    <Table {...table}>
      <Table.Thead>
        <Table.Tr>
          {columns.map((c) => (
            <Table.Th key={c.header} {...c.th}>
              {c.header}
            </Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((r) => (
          <Table.Tr key={rowKey(r)} {...rowProps?.(r)}>
            {columns.map((c) => (
              <Table.Td key={c.header} {...c.td}>
                {c.cell(r)}
              </Table.Td>
            ))}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** The one row of a table that has none, across its `columns`, saying why (`children`). */
export function EmptyTableRow({ columns, children }: { columns: number; children: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Td colSpan={columns}>
        <Text size="sm" c="dimmed" ta="center" py="md">
          {children}
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}

/** A record's first cell: its name (`children`) linking to its page `to`, and a dimmed line under it. */
export function RecordCell({ to, children, sub }: { to: string; children: ReactNode; sub: ReactNode }) {
  return (
    <>
      <Anchor component={Link} to={to} fw={500}>
        {children}
      </Anchor>
      <Text size="xs" c="dimmed">
        {sub}
      </Text>
    </>
  );
}

/** The head of a table built by hand: a column header (scope col) per name, then any other header
 * cells (`children`). */
export function ColumnHeads({ names, children }: { names: readonly string[]; children?: ReactNode }) {
  return (
    <Table.Thead>
      <Table.Tr>
        {names.map((n) => (
          <Table.Th key={n} scope="col">
            {n}
          </Table.Th>
        ))}
        {children}
      </Table.Tr>
    </Table.Thead>
  );
}
