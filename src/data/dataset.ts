/** A labelled image set in memory: images (count, features) as bytes, labels (count) in 0..9. */
export interface Dataset {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  features: number;
}
