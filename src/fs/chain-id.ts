/**
 * Chain IDs (OCI image-spec, config.md "Layer ChainID"): the identity of a layer together with
 * everything beneath it, so a snapshot is reused only on top of exactly the same parents.
 */
import { assertDigest, sha256, type Digest } from '../util/digest';

/** chainID(L0) = diffID(L0); chainID(Ln) = sha256(chainID(Ln-1) + " " + diffID(Ln)). Bottom first. */
export function chainIds(diffIds: readonly string[]): Digest[] {
  const out: Digest[] = [];
  for (const raw of diffIds) {
    const diffId = assertDigest(raw, 'layer diffID');
    const previous = out.at(-1);
    out.push(previous === undefined ? diffId : sha256(`${previous} ${diffId}`));
  }
  return out;
}
