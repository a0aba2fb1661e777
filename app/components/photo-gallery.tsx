// The customer's job photos (issue 14) on the signed pay and estimate pages: lazy images with their size set
// (no layout shift), each one a link to the full photo, and no script. Apart from the contractor's
// JobPhotos (job-photos.tsx), so the contractor pages' hydrated bundle does not carry it.
import type { PhotoView } from "./job-photos";

/** The customer's view: `base` is the signed page's photo path, `query` its t and d. */
export function PhotoGallery({ photos, base, t, d }: { photos: PhotoView[]; base: string; t: string | null; d: string | null }) {
  if (!photos.length) return null;
  const src = (p: PhotoView) => `${base}/${p.id}?${new URLSearchParams({ t: t ?? "", d: d ?? "", v: String(p.version) })}`;
  return (
    <section className="card" aria-labelledby="photos-heading">
      <h2 id="photos-heading">Photos</h2>
      <ul className="photo-grid">
        {photos.map((p, i) => (
          <li key={p.id}>
            <a href={src(p)}>
              {/* eslint-disable-next-line jsx-a11y/img-redundant-alt -- "Job photo" is what the picture is, not a word for "image" */}
              <img src={src(p)} width={p.width} height={p.height} loading="lazy" decoding="async" alt={`Job photo ${i + 1}`} />
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
