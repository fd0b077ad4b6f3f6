/**
 * The switch both bulk writers use (the ingest group commit, invoice drafts): a plain INSERT while
 * the rows are new, which checks the unique key while inserting, where ON CONFLICT adds a
 * speculative insertion per row. A row that exists makes the plain statement fail whole (nothing
 * written); the caller then writes with ON CONFLICT, and so do its statements for `afterConflictMs`,
 * because repeats come in bursts (a client retrying, a run re-rating its drafts).
 */
export class PlainInsertSwitch {
  private conflictsUntil = 0;

  constructor(readonly afterConflictMs: number) {}

  /** Whether the next statement may leave ON CONFLICT out. */
  get plain(): boolean {
    return Date.now() >= this.conflictsUntil;
  }

  /** Existing rows were met: the statements of the next afterConflictMs use ON CONFLICT. */
  conflicted(): void {
    this.conflictsUntil = Date.now() + this.afterConflictMs;
  }
}

/** Whether a PostgreSQL error is a unique violation of this constraint (what a plain insert of an existing row raises). */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  const { code, constraint_name: name } = (error ?? {}) as { code?: string; constraint_name?: string };
  return code === "23505" && name === constraint;
}
