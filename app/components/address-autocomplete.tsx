// Address suggestions over the plain address inputs: a progressive enhancement. It renders nothing on the
// server and does nothing until the page has hydrated, so without JavaScript the form is exactly the plain
// one. While typing in "Address line 1" it asks OUR server (/address/suggest, which holds the Google key)
// for suggestions; picking one fills line 1, line 2, city, region, postal code and country.
import { useEffect, useId, useRef, useState } from "react";

type AddressFieldIds = {
  addressLine1: string;
  addressLine2: string;
  city: string;
  region: string;
  postalCode: string;
  country: string;
};

type Suggestion = { placeId: string; mainText: string; secondaryText: string };
type PlaceAddress = Record<keyof AddressFieldIds, string>;

const DEBOUNCE_MS = 300;
const MIN_LENGTH = 3;

function newSessionToken() {
  return crypto.randomUUID();
}

/** Sets an input's value the way typing does, so form libraries listening for input events see it. */
function fill(id: string, value: string) {
  const input = document.getElementById(id);
  if (!(input instanceof HTMLInputElement)) return;
  input.value = value;
  input.dispatchEvent(new Event("input", { bubbles: true }));
  input.dispatchEvent(new Event("change", { bubbles: true }));
}

async function post<T>(url: string, body: Record<string, string>, signal?: AbortSignal): Promise<T> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
    body: new URLSearchParams(body),
    signal,
    credentials: "same-origin",
  });
  const data = (await response.json().catch(() => null)) as (T & { error?: string }) | null;
  if (!response.ok || !data) throw new Error(data?.error ?? "Address suggestions are unavailable right now.");
  return data;
}

/** The form's address fields (Conform field metadata or anything with an id): their inputs get filled. */
export type AddressFields = Record<keyof AddressFieldIds, { id: string }>;

export function AddressAutocomplete({ fields }: { fields: AddressFields }) {
  const ids: AddressFieldIds = {
    addressLine1: fields.addressLine1.id,
    addressLine2: fields.addressLine2.id,
    city: fields.city.id,
    region: fields.region.id,
    postalCode: fields.postalCode.id,
    country: fields.country.id,
  };
  const listId = useId();
  const [hydrated, setHydrated] = useState(false);
  const [suggestions, setSuggestions] = useState<Suggestion[]>([]);
  const [active, setActive] = useState(-1);
  const [message, setMessage] = useState<string | null>(null);
  const session = useRef<string>("");
  const state = useRef({ suggestions, active });
  state.current = { suggestions, active };

  useEffect(() => setHydrated(true), []);

  useEffect(() => {
    const input = document.getElementById(ids.addressLine1);
    if (!(input instanceof HTMLInputElement)) return;
    session.current = newSessionToken();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let controller: AbortController | undefined;
    let lastQuery = "";

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("aria-expanded", "false");

    const close = () => {
      setSuggestions([]);
      setActive(-1);
    };

    const search = (query: string) => {
      controller?.abort();
      controller = new AbortController();
      const signal = controller.signal;
      post<{ suggestions: Suggestion[] }>("/address/suggest", { q: query, session: session.current }, signal)
        .then((data) => {
          if (signal.aborted) return;
          setMessage(null);
          setSuggestions(data.suggestions);
          setActive(-1);
        })
        .catch((error: Error) => {
          if (signal.aborted) return;
          close();
          setMessage(error.message);
        });
    };

    const onInput = (event: Event) => {
      if (!event.isTrusted) return; // our own fill() of the field
      const query = input.value.trim();
      clearTimeout(timer);
      if (query.length < MIN_LENGTH || query === lastQuery) {
        if (query.length < MIN_LENGTH) close();
        return;
      }
      timer = setTimeout(() => {
        lastQuery = query;
        search(query);
      }, DEBOUNCE_MS);
    };

    const onKeyDown = (event: KeyboardEvent) => {
      const { suggestions: list, active: index } = state.current;
      if (!list.length) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const step = event.key === "ArrowDown" ? 1 : -1;
        setActive((index + step + list.length) % list.length);
      } else if (event.key === "Enter" && index >= 0) {
        event.preventDefault(); // picks the suggestion instead of submitting the form
        void pick(list[index]);
      } else if (event.key === "Escape") {
        close();
      }
    };

    const onBlur = () => setTimeout(close, 200);

    input.addEventListener("input", onInput);
    input.addEventListener("keydown", onKeyDown);
    input.addEventListener("blur", onBlur);
    return () => {
      clearTimeout(timer);
      controller?.abort();
      input.removeEventListener("input", onInput);
      input.removeEventListener("keydown", onKeyDown);
      input.removeEventListener("blur", onBlur);
      for (const name of ["role", "aria-autocomplete", "aria-controls", "aria-expanded", "aria-activedescendant"]) input.removeAttribute(name);
    };
    // `pick` reads only refs, ids and state setters, so the first render's copy stays correct.
    // eslint-disable-next-line react-hooks/exhaustive-deps -- see the line above
  }, [ids.addressLine1, listId]);

  useEffect(() => {
    const input = document.getElementById(ids.addressLine1);
    if (!input) return;
    input.setAttribute("aria-expanded", suggestions.length ? "true" : "false");
    if (active >= 0) input.setAttribute("aria-activedescendant", `${listId}-${active}`);
    else input.removeAttribute("aria-activedescendant");
  }, [suggestions, active, ids.addressLine1, listId]);

  async function pick(suggestion: Suggestion) {
    setSuggestions([]);
    setActive(-1);
    try {
      const { address } = await post<{ address: PlaceAddress }>("/address/place", { placeId: suggestion.placeId, session: session.current });
      for (const key of Object.keys(ids) as (keyof AddressFieldIds)[]) fill(ids[key], address[key] ?? "");
      setMessage(null);
    } catch (error) {
      setMessage((error as Error).message);
    } finally {
      // A Google session ends with the details call; the next address starts a new one.
      session.current = newSessionToken();
    }
  }

  if (!hydrated) return null;
  return (
    <div className="address-suggestions">
      {suggestions.length ? (
        <ul id={listId} role="listbox" aria-label="Address suggestions" className="suggestion-list">
          {suggestions.map((s, i) => (
            <li
              key={s.placeId}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? "active" : undefined}
              // mousedown, not click: it fires before the input's blur closes the list.
              onMouseDown={(event) => {
                event.preventDefault();
                void pick(s);
              }}
            >
              <strong>{s.mainText}</strong> <span className="muted">{s.secondaryText}</span>
            </li>
          ))}
        </ul>
      ) : (
        <ul id={listId} role="listbox" aria-label="Address suggestions" className="suggestion-list" hidden />
      )}
      {message ? (
        <p className="hint" role="status">
          {message}
        </p>
      ) : (
        <p className="hint">Start typing the address for suggestions (powered by Google).</p>
      )}
    </div>
  );
}
