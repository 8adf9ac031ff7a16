/**
 * `GET /metrics` and `GET /v1/containers/{id}/metrics`: collect samples, then render the
 * daemon's and the containers' families (or one container's only) in the format the client
 * asked for in Accept.
 */
import { negotiateFormat } from '../../metrics';
import type { Exposition } from '../../metrics/types';
import type { RuntimeContext } from '../context';
import { findContainer } from '../containers/find-container';
import { collectSamples } from './samples';

export async function scrapeMetrics(rt: RuntimeContext, accept: string | undefined): Promise<Exposition> {
  const started = performance.now();
  const samples = await collectSamples(rt);
  return rt.metrics.render(samples, negotiateFormat(accept), (performance.now() - started) / 1000);
}

/** Only this container's series, so a scrape config can target one workload. */
export async function scrapeContainerMetrics(rt: RuntimeContext, input: string, accept: string | undefined): Promise<Exposition> {
  const { record } = findContainer(rt, input);
  const samples = await collectSamples(rt, { ids: new Set([record.id]) });
  return rt.metrics.renderContainers(samples, negotiateFormat(accept));
}
