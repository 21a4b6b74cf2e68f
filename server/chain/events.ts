const WINDOW = 2_000;

/**
 * The results of `query` over blocks `from`..head, in block order: asked in windows of WINDOW
 * blocks, `concurrency` at a time, and a window the node refuses or cuts off (too many results for
 * it) asked again in halves, down to single blocks. With a concurrency of one, every window is
 * done before the next is asked for.
 */
export async function inWindows<T>(query: (from: number, to: number) => Promise<T[]>, head: number, { from: start = 0, concurrency = 4 } = {}): Promise<T[]> {
  const ask = async (from: number, to: number): Promise<T[]> => {
    try {
      return await query(from, to);
    } catch (error) {
      if (from === to) throw error;
      const middle = Math.floor((from + to) / 2);
      return [...(await ask(from, middle)), ...(await ask(middle + 1, to))];
    }
  };
  const windows: [number, number][] = [];
  for (let from = start; from <= head; from += WINDOW) windows.push([from, Math.min(head, from + WINDOW - 1)]);
  const found: T[] = [];
  for (let i = 0; i < windows.length; i += concurrency) {
    for (const part of await Promise.all(windows.slice(i, i + concurrency).map(([from, to]) => ask(from, to)))) found.push(...part);
  }
  return found;
}
