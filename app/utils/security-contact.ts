/** SECURITY_CONTACT as a URI (RFC 9116 Contact, and the link on /security): a bare email address becomes mailto:. */
export function contactHref(contact: string) {
  const value = contact.trim();
  if (/^[a-z][a-z0-9+.-]*:/i.test(value)) return value;
  return value.includes("@") ? `mailto:${value}` : value;
}
