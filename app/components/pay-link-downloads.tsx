// The customer's downloads on the pay page (issue 14): the invoice PDF, and once it is paid, a receipt.
// Plain links carrying the same signature as the page, so they work without JavaScript.
export function PayLinkDownloads({ invoiceId, t, d, paid }: { invoiceId: string; t: string | null; d: string | null; paid: boolean }) {
  const query = `?${new URLSearchParams({ t: t ?? "", d: d ?? "" })}`;
  const base = `/pay/${encodeURIComponent(invoiceId)}`;
  return (
    <p className="actions">
      <a href={`${base}/pdf${query}`} className="button button-secondary" download>
        Download invoice (PDF)
      </a>
      {paid ? (
        <a href={`${base}/receipt${query}`} className="button button-secondary" download>
          Download receipt (PDF)
        </a>
      ) : null}
    </p>
  );
}
