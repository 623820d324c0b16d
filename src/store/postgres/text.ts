/**
 * Text for PostgreSQL columns and parameters. PostgreSQL text holds no NUL and no lone UTF-16
 * surrogate, both of which a hostile log line can put into a finding; they must not make a
 * commit or a query fail. Columns and the criteria values compared with them go through the same
 * function (NUL dropped, a lone surrogate as U+FFFD), so an equality that holds in the finding
 * holds between them; the finding JSON keeps the value exactly (escaped).
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export const pgText = (s: string): string => s.replaceAll('\0', '').replace(LONE_SURROGATE, '\uFFFD');
