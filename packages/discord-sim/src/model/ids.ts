/** Snowflake-shaped ids: sequential so test output is stable, large so discord.js treats them as real. */
export function createIdFactory(start = 1_300_000_000_000_000_000n): () => string {
  let next = start;
  return () => {
    next += 1n;
    return next.toString();
  };
}
