// The business's name at the top of a customer page (pay and estimate links), with its logo and accent
// when it has them (issue 14). The logo is its own lazy image request, so the page's HTML stays light;
// the accent comes from the brand stylesheet that brandLinks() adds, since the CSP forbids inline styles.
import type { MetaDescriptor } from "@remix-run/node";

type BrandView = { accent: string | null; stylesheet: string | null; logo: string | null };

/** The accent stylesheet's <link>, for a customer page's meta export; nothing without an accent. */
export function brandLinks(brand: BrandView | null | undefined): MetaDescriptor[] {
  return brand?.stylesheet ? [{ tagName: "link", rel: "stylesheet", href: brand.stylesheet }] : [];
}

export function BrandHeader({ name, brand }: { name: string; brand: BrandView }) {
  return (
    <div className="brand-band" data-testid="brand-band">
      {/* Empty alt: the business name is right beside it, so a screen reader would only hear it twice. */}
      {brand.logo ? <img src={brand.logo} alt="" className="brand-logo" height={48} loading="lazy" decoding="async" /> : null}
      <p className="brand">{name}</p>
    </div>
  );
}
