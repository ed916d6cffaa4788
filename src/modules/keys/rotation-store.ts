import type { Client } from 'pg';
import type { SealedColumn } from './sealed-columns';
import type { RotationStore } from './domain/ports';
import type { SealedRow } from './domain/types';

const ident = (name: string) => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe identifier ${name}`);
  return `"${name}"`;
};

/** A RotationStore over one sealed column, in plain SQL so it serves any table listed in SEALED_COLUMNS. */
export function createRotationStore(db: Client, column: SealedColumn): RotationStore {
  const table = ident(column.table);
  const data = ident(column.dataColumn);
  const version = ident(column.versionColumn);
  const extra = column.contextColumns.map((c) => `, ${ident(c)}::text AS ${ident(c)}`).join('');
  return {
    async batch(current, afterId, size) {
      const { rows } = await db.query<Record<string, string> & { data: Buffer; key_version: string }>(
        `SELECT id::text AS id, ${data} AS data, ${version} AS key_version${extra}
           FROM ${table}
          WHERE ${data} IS NOT NULL AND octet_length(${data}) > 0 AND ${version} IS DISTINCT FROM $1
            AND ($2::text IS NULL OR id::text > $2)
          ORDER BY id::text LIMIT $3`,
        [current, afterId ?? null, size],
      );
      return rows.map((r): SealedRow => ({
        id: r.id!,
        data: r.data,
        keyVersion: r.key_version,
        context: column.context(r),
      }));
    },
    async replace(row, next) {
      const { rowCount } = await db.query(
        `UPDATE ${table} SET ${data} = $1, ${version} = $2 WHERE id::text = $3 AND ${data} = $4 AND ${version} = $5`,
        [next.data, next.keyVersion, row.id, row.data, row.keyVersion],
      );
      return rowCount === 1;
    },
  };
}
