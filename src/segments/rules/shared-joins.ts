import { type RawBuilder, sql } from 'kysely';

/**
 * Sub-tables left-joined once to `customers c` and shared by every condition that reads them,
 * for the one-pass recompute of all segments (src/segments/recompute-all.ts): one hash join per
 * rollup, consent channel or score table instead of one hashed sub-plan per condition (the same
 * orders rollup read by four segments is scanned once). Each joined table has at most one row
 * per customer (its key ends with the customer), so a join never multiplies customers.
 */
export class SharedJoins {
  readonly #joins = new Map<string, { alias: string; clause: RawBuilder<unknown> }>();

  /**
   * The alias under which the table named by `key` is joined; `clause` (given the alias) is the
   * `left join … on …` text, registered the first time the key is seen.
   */
  alias(key: string, clause: (alias: RawBuilder<unknown>) => RawBuilder<unknown>): RawBuilder<unknown> {
    let join = this.#joins.get(key);
    if (!join) {
      // Generated names only: never text from a rule.
      const name = `j${this.#joins.size + 1}`;
      join = { alias: name, clause: clause(sql.raw(name)) };
      this.#joins.set(key, join);
    }
    return sql.raw(join.alias);
  }

  /** The `left join` clauses, in the order they were first asked for. */
  clauses(): RawBuilder<unknown> {
    return sql.join(
      [...this.#joins.values()].map((j) => j.clause),
      sql` `,
    );
  }
}
