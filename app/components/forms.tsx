import type { ReactNode } from "react";

/** The form-level messages of an action's reply (`{ result }`, app/web/forms.server.ts): what is not about one field. */
export function formErrors(result: { error?: Record<string, string[] | null> } | null | undefined) {
  return result?.error?.[""] ?? null;
}

export function ErrorList({ id, errors }: { id?: string; errors?: string[] | null }) {
  if (!errors?.length) return null;
  return (
    <ul id={id} className="errors">
      {errors.map((e) => (
        <li key={e}>{e}</li>
      ))}
    </ul>
  );
}

/** A labelled input with its hint and server/client errors wired up for screen readers. */
export function Field({
  label,
  inputProps,
  errors,
  hint,
}: {
  label: ReactNode;
  inputProps: React.InputHTMLAttributes<HTMLInputElement> & { id: string; key?: string | undefined };
  errors?: string[] | null;
  hint?: ReactNode;
}) {
  const { key, ...props } = inputProps;
  const errorId = errors?.length ? `${props.id}-error` : undefined;
  const hintId = hint ? `${props.id}-hint` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div>
      <label htmlFor={props.id}>{label}</label>
      <input key={key} {...props} aria-invalid={errorId ? true : undefined} aria-describedby={describedBy} />
      {hint ? (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      <ErrorList id={errorId} errors={errors} />
    </div>
  );
}

export function SubmitButton({ children, pending, ...props }: React.ButtonHTMLAttributes<HTMLButtonElement> & { pending?: boolean }) {
  return (
    <button type="submit" disabled={pending} aria-busy={pending || undefined} {...props}>
      {pending ? "Working…" : children}
    </button>
  );
}
