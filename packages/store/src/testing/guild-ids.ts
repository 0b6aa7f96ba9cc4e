/**
 * A snowflake-shaped guild id that Discord's rule puts in `shard` of `shardCount`; `n` tells
 * several apart.
 */
export function guildInShard(shard: number, shardCount: number, n = 0): string {
  const timestamp = BigInt(n) * BigInt(shardCount) + BigInt(shard) + 1_000_000n * BigInt(shardCount);
  return String((timestamp << 22n) + 4095n);
}
