// How invoices and estimates show their numbers: the business's prefix for that kind and the number,
// zero-padded to four digits ("INV-0042", "EST-0002"). Pure, so the activity feed, PDFs, emails,
// pages and the API all format numbers the same way without importing the invoice or estimate module.

function documentNumber(prefix: string, number: number) {
  return `${prefix}${String(number).padStart(4, "0")}`;
}

/** An invoice's number with the business's invoicePrefix: "INV-0042". */
export function formatInvoiceNumber(invoicePrefix: string, number: number) {
  return documentNumber(invoicePrefix, number);
}

/** An estimate's number with the business's estimatePrefix: "EST-0002". */
export function formatEstimateNumber(estimatePrefix: string, number: number) {
  return documentNumber(estimatePrefix, number);
}
