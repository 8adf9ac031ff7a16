/** ForgeOne's image views → Docker's image summary, inspect and history shapes. Pure. */
import type { ImageInspect, ImageSummary } from '../../../config/api-types';

/** `legacy`: API before 1.44, whose clients still read VirtualSize (since removed). */
export function dockerImageSummary(i: ImageSummary, labels: Record<string, string> = {}, legacy = false): Record<string, unknown> {
  return {
    Id: i.Id,
    ParentId: '',
    RepoTags: i.RepoTags,
    RepoDigests: i.RepoDigests,
    Created: i.Created,
    Size: i.Size,
    SharedSize: -1,
    ...(legacy ? { VirtualSize: i.Size } : {}),
    Labels: labels,
    Containers: i.Containers,
  };
}

export function dockerImageInspect(i: ImageInspect, legacy = false): Record<string, unknown> {
  return {
    Id: i.Id,
    RepoTags: i.RepoTags,
    RepoDigests: i.RepoDigests,
    Parent: '',
    Comment: '',
    Created: i.Created,
    DockerVersion: '',
    Author: i.Author,
    Config: i.Config,
    Architecture: i.Architecture,
    ...(i.Variant ? { Variant: i.Variant } : {}),
    Os: i.Os,
    Size: i.Size,
    ...(legacy ? { VirtualSize: i.Size } : {}),
    GraphDriver: { Name: 'overlay', Data: null },
    RootFS: i.RootFS,
    Metadata: i.Metadata,
    Descriptor: i.Descriptor,
  };
}

/**
 * Docker's history: newest first, one entry per config history item; entries that made a layer
 * take that layer's size, in order. Only the newest carries the image's ID and tags.
 */
export function dockerImageHistory(i: ImageInspect): Array<Record<string, unknown>> {
  const sizes = i.Manifest.layers.map((l) => l.size);
  let layer = 0;
  const entries = i.History.map((h) => {
    const empty = h.empty_layer === true;
    const size = empty ? 0 : (sizes[layer++] ?? 0);
    const created = typeof h.created === 'string' ? Math.floor(new Date(h.created).getTime() / 1000) || 0 : 0;
    return { Id: '<missing>', Created: created, CreatedBy: String(h.created_by ?? ''), Tags: null as string[] | null, Size: size, Comment: String(h.comment ?? '') };
  });
  if (entries.length === 0) entries.push({ Id: '<missing>', Created: Math.floor(new Date(i.Created).getTime() / 1000) || 0, CreatedBy: '', Tags: null, Size: i.Size, Comment: '' });
  entries.reverse();
  entries[0]!.Id = i.Id;
  entries[0]!.Tags = i.RepoTags.length ? i.RepoTags : null;
  return entries;
}
