import { describe, expect, it } from 'vitest';
import { type InFlightProposal, placeLeaves, proposalListProblem } from './group-view.ts';

function proposal(refHex: string, recipients: string[], revoked = false): InFlightProposal {
  return {
    refHex,
    ref: new Uint8Array(0),
    message: new Uint8Array(0),
    kind: 'add',
    userId: 'x',
    keyPackageRefHex: undefined,
    leaf: undefined,
    recipients: new Set(recipients),
    revoked,
  };
}

describe('the gateway’s leaf bookkeeping (RFC 9420 §12.3)', () => {
  it('applies Removes first, then places each Add in the leftmost blank leaf, extending the tree', () => {
    const { leaves, addedAt } = placeLeaves(['a', 'b', 'c', 'd'], [1, 3], ['e', 'f', 'g']);
    expect(leaves).toEqual(['a', 'e', 'c', 'f', 'g']);
    expect([...addedAt]).toEqual([
      ['e', 1],
      ['f', 3],
      ['g', 4],
    ]);
  });

  it('drops trailing blanks (tree truncation) without moving anyone', () => {
    expect(placeLeaves(['a', 'b', 'c'], [2, 1], []).leaves).toEqual(['a']);
    expect(placeLeaves(['a', undefined, 'c'], [2], []).leaves).toEqual(['a']);
  });
});

describe('voice gateway commit validity (https://daveprotocol.com/#voice-gateway-commit-validity)', () => {
  const inFlight = [proposal('01', ['a', 'b']), proposal('02', ['a']), proposal('03', ['a'], true)];

  it('accepts exactly the unrevoked proposals sent to the committer, in any order', () => {
    expect(proposalListProblem(['02', '01'], inFlight, 'a')).toBeUndefined();
    expect(proposalListProblem(['01'], inFlight, 'b')).toBeUndefined();
  });

  it('refuses empty, duplicate, unknown, revoked, foreign or missing references', () => {
    expect(proposalListProblem([], inFlight, 'a')).toMatch(/no proposals/);
    expect(proposalListProblem(['01', '01', '02'], inFlight, 'a')).toMatch(/twice/);
    expect(proposalListProblem(['01', '02', 'ff'], inFlight, 'a')).toMatch(/unknown/);
    expect(proposalListProblem(['01', '02', '03'], inFlight, 'a')).toMatch(/revoked/);
    expect(proposalListProblem(['01', '02'], inFlight, 'b')).toMatch(/never sent to the committer/);
    expect(proposalListProblem(['01'], inFlight, 'a')).toMatch(/omits 1/);
  });
});
