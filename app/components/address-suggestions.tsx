// Address suggestions, loaded only where they are switched on (a Google key is configured) and only after
// the page has hydrated: the module is its own browser chunk, so a customer or business form does not count
// it in the JavaScript it loads up front (issue 17's 90 KB). The server renders nothing here either way.
import { type ComponentType, useEffect, useState } from "react";
import type { AddressFields } from "~/components/address-autocomplete";

export function AddressSuggestions({ fields }: { fields: AddressFields }) {
  const [Suggestions, setSuggestions] = useState<ComponentType<{ fields: AddressFields }> | null>(null);
  useEffect(() => {
    let current = true;
    void import("~/components/address-autocomplete").then((module) => {
      if (current) setSuggestions(() => module.AddressAutocomplete);
    });
    return () => {
      current = false;
    };
  }, []);
  return Suggestions ? <Suggestions fields={fields} /> : null;
}
