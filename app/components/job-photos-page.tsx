// The photos page of an invoice or an estimate: where the document page's photo forms post, so a
// refused upload (JavaScript on or off) shows here with its error, the form ready to try again.
import { Link } from "@remix-run/react";
import { JobPhotos, type PhotoView } from "./job-photos";

export function JobPhotosPage({ data, error }: { data: { kind: string; number: string; documentPath: string; photos: PhotoView[] }; error?: string | null }) {
  return (
    <div className="stack">
      <h1>
        Photos for {data.kind === "invoice" ? "invoice" : "estimate"} {data.number}
      </h1>
      <JobPhotos photos={data.photos} action={`${data.documentPath}/photos`} error={error} />
      <p>
        <Link to={data.documentPath}>Back to the {data.kind}</Link>
      </p>
    </div>
  );
}
