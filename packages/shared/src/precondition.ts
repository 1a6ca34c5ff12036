/**
 * `If-Match` (RFC 9110) for versioned resources whose `ETag` is their version as a strong tag
 * (`"3"`): read from the header into a precondition a use case checks against what it read.
 *
 * @example
 * const precondition = preconditionOf(header['if-match']);
 * if (!satisfies(precondition, ticket.version)) throw new StaleVersionError(ticket.version);
 */

/** What `If-Match` asked for: any current version, or one of these. */
type Precondition = { readonly any: true } | { readonly versions: readonly number[] };

/**
 * Reads `If-Match`: `*`, or a list of strong entity tags. Weak tags never match a strong
 * comparison, and anything unreadable matches nothing, so both end in a 412.
 */
const preconditionOf = (header: string | undefined): Precondition | undefined => {
  if (header === undefined) return undefined;
  if (header.trim() === '*') return { any: true };
  const versions = header
    .split(',')
    .map((tag) => /^"(\d{1,15})"$/.exec(tag.trim())?.[1])
    .filter((version): version is string => version !== undefined)
    .map(Number);
  return { versions };
};

/** Whether a resource at `version` satisfies the precondition (none, `*`, or naming it). */
const satisfies = (precondition: Precondition | undefined, version: number): boolean =>
  !precondition || 'any' in precondition || precondition.versions.includes(version);

/** Whether the precondition names versions (so a lost race is a 412, not a retry). */
const namesVersions = (precondition: Precondition | undefined): boolean =>
  precondition !== undefined && !('any' in precondition);

/** The strong `ETag` of a version. */
const etagOf = (version: number): string => `"${version}"`;

/**
 * The next version of a versioned record: the changes applied, `updatedAt` now, and the version one
 * up (the one an `ETag` will carry; the write is conditional on `current.version`).
 *
 * @example
 * const next = nextVersion(current, clock.now(), { status: 'CONFIRMED' }); // next.version === current.version + 1
 */
const nextVersion = <T extends { readonly version: number; readonly updatedAt: string }>(
  current: T,
  now: Date,
  changes: Partial<T>,
): T => ({ ...current, ...changes, updatedAt: now.toISOString(), version: current.version + 1 });

export type { Precondition };
export { etagOf, namesVersions, nextVersion, preconditionOf, satisfies };
