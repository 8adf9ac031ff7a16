/** The fs module's face to src/main.ts: the overlay snapshotter and the local volume store. */
export { createSnapshotter, type SnapshotterConfig } from './snapshots/overlay/overlay-snapshotter';
export { createVolumeStore, type VolumeStoreConfig } from './volumes/local-volume-store';
