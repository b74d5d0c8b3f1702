/** One place where Logto's current state differs from what `setup-logto` wants. */
export type Difference = {
  /** Dotted path, such as `signUp.identifiers` or `config.endpoint`. */
  path: string;
  current: unknown;
  wanted: unknown;
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const sameValue = (current: unknown, wanted: unknown): boolean => {
  if (Array.isArray(wanted)) {
    return (
      Array.isArray(current) &&
      current.length === wanted.length &&
      wanted.every((item, index) => sameValue(current[index], item))
    );
  }
  if (isRecord(wanted)) {
    return isRecord(current) && differences(current, wanted).length === 0;
  }
  return Object.is(current, wanted);
};

/**
 * Where `current` differs from `wanted`, looking only at what `wanted` names: keys of `current`
 * that `wanted` does not mention are left alone (Logto adds fields of its own). Objects are
 * compared key by key, recursively; arrays must match item by item, in order (an array item that
 * is an object is compared by the keys it names).
 */
export const differences = (current: unknown, wanted: Record<string, unknown>, prefix = ''): Difference[] => {
  const found: Difference[] = [];
  const currentRecord = isRecord(current) ? current : {};
  for (const [key, wantedValue] of Object.entries(wanted)) {
    const path = prefix ? `${prefix}.${key}` : key;
    const currentValue = currentRecord[key];
    if (isRecord(wantedValue) && isRecord(currentValue)) {
      found.push(...differences(currentValue, wantedValue, path));
    } else if (!sameValue(currentValue, wantedValue)) {
      found.push({ path, current: currentValue, wanted: wantedValue });
    }
  }
  return found;
};

/** The values of `extra` not yet in `list`, appended after it: for URI lists set-up only adds to. */
export const withAdded = (list: readonly string[] | undefined, extra: readonly string[]): string[] => [
  ...(list ?? []),
  ...extra.filter((item) => !(list ?? []).includes(item)),
];
