/** Docker's image list filters and pull references. Pure. */
import { ForgeError } from '../../../errors';
import type { ImageSummary } from '../../../config/api-types';
import { boolFilter, matchLabels, type Filters } from './filters';

/** `fromImage` + `tag` (a tag or a digest) → one reference. Pulling every tag is refused. */
export function pullReference(fromImage: string | null, tag: string | null): string {
  if (!fromImage) throw new ForgeError('InvalidArgument', 'Bad parameter: fromImage is required');
  if (tag) return tag.includes(':') ? `${fromImage}@${tag}` : `${fromImage}:${tag}`;
  const last = fromImage.slice(fromImage.lastIndexOf('/') + 1);
  if (last.includes(':') || last.includes('@')) return fromImage;
  throw new ForgeError('InvalidArgument', `pulling every tag of ${fromImage} is not supported: give a tag`, { hint: `docker pull ${fromImage}:latest` });
}

/** `docker images busybox`, `busybox:1.36`, `*box`: Docker's reference filter is a glob on familiar names. */
function matchesReference(names: string[], pattern: string): boolean {
  const glob = new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '.') + '$');
  return names.some((n) => {
    const repo = n.slice(0, n.lastIndexOf(':'));
    return glob.test(n) || glob.test(repo);
  });
}

export interface LabelledImage {
  summary: ImageSummary;
  labels: Record<string, string>;
}

export function filterImages(images: LabelledImage[], filters: Filters): LabelledImage[] {
  const dangling = boolFilter(filters, 'dangling');
  const createdOf = (ref: string) => {
    const i = images.find((x) => x.summary.Id.replace(/^sha256:/, '').startsWith(ref.replace(/^sha256:/, '')) || x.summary.RepoTags.includes(ref) || x.summary.RepoTags.includes(`${ref}:latest`));
    if (!i) throw new ForgeError('NotFound', `No such image: ${ref}`);
    return i.summary.Created;
  };
  return images.filter(({ summary, labels }) => {
    if (dangling !== undefined && (summary.RepoTags.length === 0) !== dangling) return false;
    if (filters.reference?.length && !filters.reference.some((r) => matchesReference(summary.RepoTags, r))) return false;
    if (!matchLabels(labels, filters.label)) return false;
    if (filters.before?.some((r) => summary.Created >= createdOf(r))) return false;
    if (filters.since?.some((r) => summary.Created <= createdOf(r))) return false;
    if (filters.until?.some((u) => summary.Created > untilSeconds(u))) return false;
    return true;
  });
}

function untilSeconds(value: string): number {
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value);
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new ForgeError('InvalidArgument', `invalid until filter "${value}": use unix seconds or an RFC 3339 time`);
  return t / 1000;
}
