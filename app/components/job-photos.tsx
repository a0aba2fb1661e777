// Job photos on an invoice or an estimate (issue 14). JobPhotos is the contractor's: the photos, a delete
// button under each and a plain multipart upload form, all posting to the document's photos page
// (/invoices/<id>/photos), which redirects back here on success and shows the form with the error on a
// 400, so it works with JavaScript off. The customer's view is PhotoGallery (photo-gallery.tsx).

export type PhotoView = { id: string; width: number; height: number; version: number };

const LIMIT = 10;
// Not image/heic: given only these types, iPhone browsers convert a HEIC photo to JPEG as they upload it.
const ACCEPT = "image/jpeg,image/png,image/webp";

export function JobPhotos({ photos, action, error }: { photos: PhotoView[]; action: string; error?: string | null }) {
  const full = photos.length >= LIMIT;
  return (
    <section className="card stack" id="photos" aria-labelledby="photos-heading">
      <h2 id="photos-heading">
        Photos{" "}
        <span className="muted">
          ({photos.length} of {LIMIT})
        </span>
      </h2>
      {photos.length ? (
        <ul className="photo-grid">
          {photos.map((p, i) => (
            <li key={p.id}>
              <a href={`${action}/${p.id}?v=${p.version}`}>
                {/* eslint-disable-next-line jsx-a11y/img-redundant-alt -- "Job photo" is what the picture is, not a word for "image" */}
                <img src={`${action}/${p.id}?v=${p.version}`} width={p.width} height={p.height} loading="lazy" alt={`Job photo ${i + 1}`} />
              </a>
              <form method="post" action={action}>
                <input type="hidden" name="photoId" value={p.id} />
                <button type="submit" name="intent" value="delete" className="button-secondary">
                  Delete photo {i + 1}
                </button>
              </form>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No photos yet. Before and after pictures show the customer the work.</p>
      )}
      {full ? (
        <>
          {error ? (
            <p className="flash flash-error" role="alert">
              {error}
            </p>
          ) : null}
          <p className="muted">This is the most photos one document can have: delete one to add another.</p>
        </>
      ) : (
        <form method="post" action={action} encType="multipart/form-data" className="stack">
          <div>
            <label htmlFor="job-photo">Add a photo</label>
            <input
              id="job-photo"
              type="file"
              name="photo"
              accept={ACCEPT}
              required
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? "job-photo-error job-photo-help" : "job-photo-help"}
            />
            <p id="job-photo-help" className="muted">
              JPEG, PNG or WebP, up to 10 MB. Resized to 1600 px, with the location removed.
            </p>
            {error ? (
              <ul id="job-photo-error" className="errors" role="alert">
                <li>{error}</li>
              </ul>
            ) : null}
          </div>
          <button type="submit" name="intent" value="upload">
            Upload photo
          </button>
        </form>
      )}
    </section>
  );
}
