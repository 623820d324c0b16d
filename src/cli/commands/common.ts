/** Options several commands share. */
import { Option } from 'commander';

export function dbOption(): Option {
  return new Option('--db <path>', 'SQLite database file (created if missing)').env('VIGIL_DB').default('vigil.db');
}
