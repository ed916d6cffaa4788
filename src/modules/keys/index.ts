import type { Client } from 'pg';
import type { Sealer } from '../../shared/crypto';
import { rotateColumn } from './domain/rotation';
import { createRotationStore } from './rotation-store';
import { SEALED_COLUMNS, type SealedColumn } from './sealed-columns';

/** Key rotation over one database connection: every sealed column, re-sealed to the sealer's current key. */
export function keysModule(db: Client, sealer: Sealer) {
  return {
    columns: SEALED_COLUMNS,
    rotate: (column: SealedColumn) => rotateColumn(createRotationStore(db, column), sealer),
  };
}
